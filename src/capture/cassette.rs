//! What the cassette and mock formats share: reading headers in the shapes their tools
//! write, turning a body field into a positioned body (base64 and compression undone), and
//! handing the response over.
//!
//! The formats themselves only say where their fields are. Never prints: header values stay
//! in the response, as everywhere.

use std::borrow::Cow;

use base64::Engine as _;

use super::decode::undo_codings;
use super::tree::{Node, Value};
use super::{Item, Sink};
use crate::body_map::{BodyOrigin, OriginKind};
use crate::response::{Body, Headers, Response, Status};

/// Headers as cassettes write them: name → list of values or name → value (VCR, vcrpy,
/// go-vcr, WireMock), a list of `"Name: value"` lines (vcrpy before 1.0), or a list of
/// `[name, value]` pairs or `{key|name, value}` objects.
pub fn headers(node: Option<&Node<'_>>) -> Headers<'static> {
    let mut pairs = Vec::new();
    let mut lines = Vec::new();
    let mut push = |name: &str, value: &Node<'_>| {
        if let Some(text) = value.as_text() {
            pairs.push((Cow::Owned(name.to_string()), Cow::Owned(text.into_owned())));
        }
    };
    match node.map(|n| &n.value) {
        Some(Value::Map(members)) => {
            for (name, value) in members {
                match value.items() {
                    Some(values) => values.iter().for_each(|v| push(name, v)),
                    None => push(name, value),
                }
            }
        }
        Some(Value::Seq(items)) => {
            for item in items {
                if let Some(line) = item.as_text()
                    && let Some((name, value)) = line.split_once(':')
                    && item.items().is_none()
                {
                    let value = value.trim().trim_end_matches(['\r', '\n']).to_string();
                    lines.push((Cow::Owned(name.trim().to_string()), Cow::Owned(value)));
                } else if let Some([name, value]) = item.items() {
                    if let Some(name) = name.as_text() {
                        push(&name, value);
                    }
                } else if let Some(name) = item.get("key").or_else(|| item.get("name"))
                    && let (Some(name), Some(value)) = (name.as_text(), item.get("value"))
                {
                    push(&name, value);
                }
            }
        }
        _ => {}
    }
    pairs.append(&mut lines);
    Headers(pairs)
}

/// How a body field holds the body.
pub enum BodyField<'n, 'a> {
    /// No body field: the tool stored no body (`None` body, not checked as empty).
    Absent,
    /// Text, bytes (`!!binary`) or a JSON value, as written.
    Value(&'n Node<'a>),
    /// Base64 text (`base64_string`): decoded, positions at the field's start.
    Base64(&'n Node<'a>),
}

/// The parts of one response that a format found in its item.
pub struct Parts<'n, 'a> {
    pub status: Status,
    pub headers: Option<&'n Node<'a>>,
    pub body: BodyField<'n, 'a>,
    pub method: Option<&'n Node<'a>>,
    pub url: Option<&'n Node<'a>>,
}

/// A status written as an integer or a numeric string (old VCR cassettes); anything else is
/// described for `status-type-mismatch`-style messages.
pub fn status(node: Option<&Node<'_>>) -> Status {
    match node {
        None => Status::Missing,
        Some(node) => match node.as_int() {
            Some(code) => Status::Code(code),
            None => Status::NotANumber(
                match node.value {
                    Value::Text(_) => "a string",
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Seq(_) => "a list",
                    Value::Map(_) => "a mapping",
                    Value::Number(_) => "a number that is not an integer",
                }
                .to_string(),
            ),
        },
    }
}

/// Builds the response and hands it to the sink; a body that cannot be decoded is one
/// malformed finding for this item.
pub fn respond(item: &Item<'_>, parts: Parts<'_, '_>, sink: &mut dyn Sink) {
    let url = parts.url.and_then(Node::as_text);
    // `--url` selects by the recorded request's URL, as for HAR entries.
    if !item.options.url_selects(url.as_deref()) {
        return sink.skipped(1);
    }
    let headers = headers(parts.headers);
    let at = item.position(item.node.start);
    let number = item.number;
    let body = match parts.body {
        BodyField::Absent => None,
        BodyField::Value(node) => Some(node.body(item.source, item.index, item.json)),
        BodyField::Base64(node) => {
            let text = node.as_text().unwrap_or_default();
            let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(&compact) {
                Ok(bytes) => Some(Body {
                    bytes: Cow::Owned(bytes),
                    origin: BodyOrigin {
                        file: item.index,
                        offset: node.start,
                        kind: OriginKind::Decoded,
                    },
                }),
                Err(_) => {
                    return sink.malformed(
                        item.position(node.start),
                        number,
                        format!("interaction {number}: the body's base64 is not valid"),
                    );
                }
            }
        }
    };
    // Compression that is really there (by its bytes) is undone; positions then stay at the
    // body field's start.
    let body = match body {
        Some(body) => match undo_codings(
            &body.bytes,
            Some(&headers),
            item.options.max_decoded,
            &item.options.budget,
        ) {
            Ok(Some(plain)) => Some(Body {
                bytes: Cow::Owned(plain),
                origin: BodyOrigin {
                    kind: OriginKind::Decoded,
                    ..body.origin
                },
            }),
            Ok(None) => Some(body),
            Err(too_large) => {
                return sink.malformed(
                    item.position(body.origin.offset),
                    number,
                    format!("interaction {number}: {too_large}; not checked"),
                );
            }
        },
        None => None,
    };
    let mut response = Response::new(number, at, parts.status);
    response.method = parts
        .method
        .and_then(Node::as_text)
        .map(|m| Cow::Owned(m.into_owned()));
    response.raw_url = url.map(|u| Cow::Owned(u.into_owned()));
    response.content_type = headers
        .get("content-type")
        .map(|v| Cow::Owned(v.to_string()));
    response.headers = Some(headers);
    response.body = body;
    sink.response(&response);
}
