//! What the mock and fixture formats share (nock, WireMock, Postman, Pact): every response
//! they define is checked (they hold API traffic, so there is no browser-style selection)
//! unless `--url` leaves it out; a mock without a body field sends an empty body; a body that
//! holds template tags is checked only while it still parses as JSON.
//!
//! The formats only say where their fields are. Never prints: header values stay in the
//! response, as everywhere.

use std::borrow::Cow;

use super::decode::undo_codings;
use super::tree::Node;
use super::{Doc, Item, Sink};
use crate::body_map::{BodyOrigin, OriginKind};
use crate::response::{Body, Headers, Response, Status};

/// Where a mock's body is.
pub enum MockBody<'n, 'a> {
    /// No body field: the mock sends an empty body.
    Empty,
    /// Text or a JSON value, as written.
    Value(&'n Node<'a>),
    /// Bytes decoded from the field `Node` (base64, hex, a body file): findings point at the
    /// field's start.
    Decoded(Vec<u8>, &'n Node<'a>),
}

/// One response a mock defines.
pub struct Mock<'n, 'a> {
    pub status: Status,
    pub headers: Headers<'static>,
    pub body: MockBody<'n, 'a>,
    pub method: Option<String>,
    pub url: Option<String>,
    /// The media type the body itself declares (Pact v4 `body.contentType`): a header wins.
    pub body_type: Option<String>,
}

/// An item of a whole document (a mapping, a saved example, an interaction), numbered
/// `number` among the document's responses.
pub fn item<'d>(doc: &Doc<'d>, node: &'d Node<'d>, number: usize) -> Item<'d> {
    Item {
        node,
        number,
        source: doc.source,
        index: doc.index,
        json: doc.json,
        options: doc.options,
    }
}

/// True when a mock's body text holds template tags (`{{request.path}}`).
fn templated(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"{{").is_some()
}

/// Builds the response and hands it to the sink, or counts it skipped (left out by `--url`,
/// or a templated body that is no longer JSON); a body that decodes past the cap is one
/// malformed finding. `what` names the item in messages (`mapping 3`).
pub fn respond(item: &Item<'_>, mock: Mock<'_, '_>, what: &str, sink: &mut dyn Sink) {
    if !item.options.url_selects(mock.url.as_deref()) {
        sink.skipped(1);
        return;
    }
    let number = item.number;
    let body: Body<'_> = match mock.body {
        MockBody::Empty => Body {
            bytes: Cow::Borrowed(&[][..]),
            origin: BodyOrigin {
                file: item.index,
                offset: item.node.start,
                kind: OriginKind::Decoded,
            },
        },
        MockBody::Value(node) => node.body(item.source, item.index, item.json),
        MockBody::Decoded(bytes, node) => Body {
            bytes: Cow::Owned(bytes),
            origin: BodyOrigin {
                file: item.index,
                offset: node.start,
                kind: OriginKind::Decoded,
            },
        },
    };
    // Compression that is really there (by its bytes) is undone; positions then stay at the
    // body field's start.
    let body = match undo_codings(
        &body.bytes,
        Some(&mock.headers),
        item.options.max_decoded,
        &item.options.budget,
    ) {
        Ok(Some(plain)) => Body {
            bytes: Cow::Owned(plain),
            origin: BodyOrigin {
                kind: OriginKind::Decoded,
                offset: match body.origin.kind {
                    // A string's literal starts after its quote; the field at the quote.
                    OriginKind::JsonString(_) => body.origin.offset.saturating_sub(1),
                    _ => body.origin.offset,
                },
                ..body.origin
            },
        },
        Ok(None) => body,
        Err(too_large) => {
            return sink.malformed(
                item.index.position(body.origin.offset),
                number,
                format!("{what}: {too_large}; not checked"),
            );
        }
    };
    if templated(&body.bytes)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&body.bytes).is_err()
    {
        // Template tags stand for what the mock renders, not what it sends.
        sink.skipped(1);
        return;
    }
    let mut response = Response::new(number, item.index.position(item.node.start), mock.status);
    response.method = mock.method.map(Cow::Owned);
    response.raw_url = mock.url.map(Cow::Owned);
    response.content_type = mock
        .headers
        .get("content-type")
        .map(str::to_string)
        .or(mock.body_type)
        .map(Cow::Owned);
    response.headers = Some(mock.headers);
    response.body = Some(body);
    sink.response(&response);
}

/// A status given as an integer (or digits in a string); absent means the mock's default.
pub fn status_or(node: Option<&Node<'_>>, default: i64) -> Status {
    match node {
        None => Status::Code(default),
        Some(node) if matches!(node.value, super::tree::Value::Null) => Status::Code(default),
        Some(node) => super::cassette::status(Some(node)),
    }
}

/// A string (or number) member's text.
pub fn text(node: Option<&Node<'_>>) -> Option<String> {
    node.and_then(Node::as_text).map(Cow::into_owned)
}
