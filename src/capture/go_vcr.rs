//! go-vcr cassettes: an `interactions` list whose `response` has an integer `code`, one
//! response per interaction; the body is the string `response.body`.

use super::cassette::{self, BodyField, Parts};
use super::{Format, Item, Reads, Sink};

pub static FORMAT: Format = Format {
    name: "go-vcr",
    reads: Reads::Items {
        list: "interactions",
        recognises: |item| {
            item.path(&["response", "code"])
                .and_then(|c| c.as_number())
                .is_some()
        },
        item: interaction,
    },
};

fn interaction(item: &Item<'_>, sink: &mut dyn Sink) {
    let response = item.node.get("response");
    let field = |key: &str| response.and_then(|r| r.get(key));
    let request = item.node.get("request");
    cassette::respond(
        item,
        Parts {
            status: cassette::status(field("code")),
            headers: field("headers"),
            body: field("body").map_or(BodyField::Absent, BodyField::Value),
            method: request.and_then(|r| r.get("method")),
            url: request.and_then(|r| r.get("url")),
        },
        sink,
    );
}
