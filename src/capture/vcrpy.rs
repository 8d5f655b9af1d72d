//! vcrpy cassettes: an `interactions` list whose `response` has `status.code` (or, in older
//! httpx cassettes, `status_code`), one response per interaction; and vcrpy's format before
//! 1.0, a bare list of `{request, response}`.
//!
//! The body is `response.body.string`: text, or YAML `!!binary` bytes (a compressed body, as
//! requests recorded it); older httpx cassettes keep it in `response.content`. vcrpy under
//! requests stores a gzip body decoded while `Content-Encoding: gzip` stays: compression is
//! undone only when the bytes really are compressed (`decode`).

use super::cassette::{self, BodyField, Parts};
use super::tree::Node;
use super::{Format, Item, Reads, Sink};

pub static FORMAT: Format = Format {
    name: "vcrpy",
    reads: Reads::Items {
        list: "interactions",
        recognises,
        item: interaction,
    },
};

/// vcrpy before 1.0: the root is the list of interactions, headers a list of lines.
pub static FORMAT_PRE_1: Format = Format {
    name: "vcrpy (before 1.0)",
    reads: Reads::Items {
        list: "",
        recognises: |item| item.get("request").is_some() && recognises(item),
        item: interaction,
    },
};

fn recognises(item: &Node<'_>) -> bool {
    item.get("response")
        .is_some_and(|r| r.path(&["status", "code"]).is_some() || r.get("status_code").is_some())
}

fn interaction(item: &Item<'_>, sink: &mut dyn Sink) {
    let response = item.node.get("response");
    let field = |key: &str| response.and_then(|r| r.get(key));
    let status = field("status")
        .and_then(|s| s.get("code"))
        .or_else(|| field("status_code"));
    let body = match (field("body"), field("content")) {
        (Some(body), _) if body.is_map() => match body.get("string") {
            Some(text) => BodyField::Value(text),
            None => BodyField::Absent,
        },
        (Some(body), _) => BodyField::Value(body),
        (None, Some(content)) => BodyField::Value(content),
        (None, None) => BodyField::Absent,
    };
    let request = item.node.get("request");
    cassette::respond(
        item,
        Parts {
            status: cassette::status(status),
            headers: field("headers"),
            body,
            method: request.and_then(|r| r.get("method")),
            url: request.and_then(|r| r.get("uri").or_else(|| r.get("url"))),
        },
        sink,
    );
}
