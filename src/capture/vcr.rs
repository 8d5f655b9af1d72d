//! Ruby VCR and Python Betamax cassettes: an `http_interactions` list, one response per
//! interaction, in YAML or JSON.
//!
//! Status from `response.status.code` (an integer, or a numeric string in old VCR
//! cassettes) or older Betamax's `response.status_code`; body from `response.body.string`,
//! or `response.body.base64_string` (base64 bytes). Ruby VCR's JSON serializer (Oj) writes a
//! compressed body's raw bytes inside the JSON string: `json_tree` keeps them byte for byte.

use super::cassette::{self, BodyField, Parts};
use super::tree::Node;
use super::{Format, Item, Reads, Sink};

pub static FORMAT: Format = Format {
    name: "VCR / Betamax",
    reads: Reads::Items {
        list: "http_interactions",
        recognises: |item| item.get("response").is_some_and(Node::is_map),
        item: interaction,
    },
};

fn interaction(item: &Item<'_>, sink: &mut dyn Sink) {
    let response = item.node.get("response");
    let field = |key: &str| response.and_then(|r| r.get(key));
    let status = field("status")
        .and_then(|s| s.get("code"))
        .or_else(|| field("status_code"));
    let body = match field("body") {
        None => BodyField::Absent,
        Some(body) => match (body.get("string"), body.get("base64_string")) {
            (Some(text), _) => BodyField::Value(text),
            (None, Some(base64)) => BodyField::Base64(base64),
            (None, None) if body.is_map() => BodyField::Absent,
            (None, None) => BodyField::Value(body),
        },
    };
    let request = item.node.get("request");
    cassette::respond(
        item,
        Parts {
            status: cassette::status(status),
            headers: field("headers"),
            body,
            method: request.and_then(|r| r.get("method")),
            url: request.and_then(|r| r.get("uri")),
        },
        sink,
    );
}
