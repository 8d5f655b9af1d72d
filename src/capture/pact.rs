//! Pact files v2, v3 and v4 (https://github.com/pact-foundation/pact-specification):
//! `consumer`, `provider` and `interactions`; one response per HTTP interaction.
//!
//! v4 interactions carry a `type`: only `Synchronous/HTTP` ones have an HTTP response;
//! message interactions are skipped and counted. A response has `status` (200 when absent),
//! `headers` (name → string, or name → list in v4) and a body: a JSON value or string in
//! v2/v3, an object `{content, contentType, encoded}` in v4, where `encoded` is `false`,
//! `"base64"` or `"JSON"`. Matching rules are ignored: the example values are what is
//! checked. Request headers and bodies are never read. This loader must not print.

use base64::Engine as _;

use super::mock::{self, Mock, MockBody};
use super::tree::{Node, Value};
use super::{Doc, Format, Reads, Sink, cassette};

pub static FORMAT: Format = Format {
    name: "Pact",
    reads: Reads::Document { recognises, load },
};

/// A pact: `consumer`, `provider` and an `interactions` list.
fn recognises(doc: &Doc<'_>) -> bool {
    doc.root.get("consumer").is_some()
        && doc.root.get("provider").is_some()
        && doc.root.get("interactions").and_then(Node::items).is_some()
}

/// Hands every HTTP interaction's response to the sink, in file order.
fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    let version_4 = mock::text(doc.root.path(&["metadata", "pactSpecification", "version"]))
        .is_some_and(|v| v.starts_with('4'));
    let Some(interactions) = doc.root.get("interactions").and_then(Node::items) else {
        return;
    };
    for (number, node) in interactions.iter().enumerate() {
        interaction(doc, node, number, version_4, sink);
    }
}

fn interaction<'d>(
    doc: &Doc<'d>,
    node: &'d Node<'d>,
    number: usize,
    version_4: bool,
    sink: &mut dyn Sink,
) {
    let item = mock::item(doc, node, number);
    let malformed = |sink: &mut dyn Sink, at: usize, message: &str| {
        sink.malformed(
            doc.index.position(at),
            number,
            format!("interaction {number}: {message}"),
        );
    };
    let kind = mock::text(node.get("type"));
    if kind.as_deref().is_some_and(|k| k != "Synchronous/HTTP") {
        // Asynchronous or synchronous messages: no HTTP response.
        sink.skipped(1);
        return;
    }
    let version_4 = version_4 || kind.is_some();
    let request = node.get("request");
    let Some(response) = node.get("response").filter(|r| r.is_map()) else {
        return malformed(sink, node.start, "it has no \"response\" object");
    };
    let mut body_type = None;
    let body = match response.get("body") {
        // No body: the provider sends an empty one.
        None => MockBody::Empty,
        Some(body) => match body.get("content").filter(|_| version_4) {
            None => MockBody::Value(body),
            Some(content) => {
                body_type = mock::text(body.get("contentType"));
                let base64 = mock::text(body.get("encoded"))
                    .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                if base64 {
                    let text = content.as_text().unwrap_or_default();
                    let compact: String = text.split_ascii_whitespace().collect();
                    match base64::engine::general_purpose::STANDARD.decode(compact) {
                        Ok(bytes) => MockBody::Decoded(bytes, content),
                        Err(_) => {
                            return malformed(
                                sink,
                                content.start,
                                "\"body.content\" is not valid base64",
                            );
                        }
                    }
                } else {
                    // `false`: a JSON value or text; `"JSON"`: JSON text held in a string.
                    MockBody::Value(content)
                }
            }
        },
    };
    let body = match body {
        MockBody::Value(node) if matches!(node.value, Value::Null) => MockBody::Empty,
        other => other,
    };
    let mock = Mock {
        status: mock::status_or(response.get("status"), 200),
        headers: cassette::headers(response.get("headers")),
        body,
        method: mock::text(request.and_then(|r| r.get("method"))).map(|m| m.to_ascii_uppercase()),
        url: mock::text(request.and_then(|r| r.get("path"))),
        body_type,
    };
    mock::respond(&item, mock, &format!("interaction {number}"), sink);
}
