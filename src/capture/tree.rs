//! A parsed JSON or YAML document, or one item of it, with where each value was written.
//!
//! Structure formats (cassettes, mocks, envelopes) read their fields from this one tree,
//! whatever the syntax, so a format is written once for JSON and YAML alike. A string keeps
//! how it was written so that its bytes can become a body whose positions lead back into the
//! file (see `crate::body_map`). The tree holds data only: nothing is ever constructed from
//! a YAML tag, and building it never prints.

use std::borrow::Cow;

use crate::body_map::{BodyOrigin, OriginKind, ScalarStyle};
use crate::position::Locate;
use crate::response::Body;

/// One value and the byte range it was written at (for a string: its content, see `Written`).
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub start: usize,
    pub end: usize,
    pub value: Value<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A number as written (`200`, `1.5e3`).
    Number(Cow<'a, str>),
    Text(Text<'a>),
    Seq(Vec<Node<'a>>),
    /// Members in document order; a repeated key keeps every occurrence, `get` finds the first.
    Map(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// A string's value, as bytes: Ruby VCR's JSON serializer writes raw non-UTF-8 bytes inside
/// JSON strings, and YAML `!!binary` holds bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Text<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub written: Written,
}

/// How a string was written; the node's range covers what `BodyOrigin` needs for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A JSON string literal: the node's range includes the quotes.
    JsonString,
    /// A YAML scalar: the range starts at its first character after a quote or block header.
    Yaml(ScalarStyle),
    /// Bytes decoded from base64 (`!!binary`): positions stay at the field's start.
    Binary,
}

/// What one value costs beyond its text when copied: the node itself and its place in a list.
const NODE_BYTES: usize = std::mem::size_of::<Node<'static>>() + 16;

impl<'a> Node<'a> {
    /// What a copy of the node costs, in bytes, counting its text whether it is borrowed from
    /// the file or owned: whoever reads the copy (a body, a JSON value) makes the text again.
    /// This is what aliases and repeated references draw from the expansion budget.
    pub fn copy_bytes(&self) -> usize {
        NODE_BYTES
            + match &self.value {
                Value::Number(n) => n.len(),
                Value::Text(text) => text.bytes.len(),
                Value::Seq(items) => items.iter().map(Node::copy_bytes).sum::<usize>(),
                Value::Map(members) => members
                    .iter()
                    .map(|(key, value)| key.len() + value.copy_bytes())
                    .sum::<usize>(),
                Value::Null | Value::Bool(_) => 0,
            }
    }

    /// The first member named `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Map(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of member names.
    pub fn path(&self, keys: &[&str]) -> Option<&Node<'a>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn items(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[(Cow<'a, str>, Node<'a>)]> {
        match &self.value {
            Value::Map(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// A string's text (lossily for bytes that are not UTF-8), or a number or boolean as
    /// written: what a header value or a method may be given as.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match &self.value {
            Value::Text(text) => Some(String::from_utf8_lossy(&text.bytes)),
            Value::Number(n) => Some(Cow::Borrowed(n)),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    }

    /// An integer, written as a number or as a string of digits (old VCR cassettes).
    pub fn as_int(&self) -> Option<i64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            Value::Text(text) => std::str::from_utf8(&text.bytes).ok()?.trim().parse().ok(),
            _ => None,
        }
    }

    /// An integer written as a number (not a string): what tells go-vcr's `code` apart.
    pub fn as_number(&self) -> Option<i64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// This value as a response body, positioned in `source` (the document's text).
    /// A string gives its bytes; a mapping or list is the body as JSON (written verbatim in a
    /// JSON document, re-serialised from YAML); null is an empty body.
    pub fn body<'s>(&'s self, source: &'s [u8], file: &'s dyn Locate, json: bool) -> Body<'s> {
        let range =
            |start: usize, end: usize| source.get(start..end.max(start)).unwrap_or_default();
        let (bytes, offset, kind): (Cow<'s, [u8]>, usize, OriginKind<'s>) = match &self.value {
            Value::Null => (Cow::Borrowed(&[][..]), self.start, OriginKind::Decoded),
            Value::Text(text) => match text.written {
                Written::JsonString => (
                    Cow::Borrowed(&text.bytes[..]),
                    self.start + 1,
                    OriginKind::JsonString(range(self.start + 1, self.end.saturating_sub(1))),
                ),
                Written::Yaml(style) => (
                    Cow::Borrowed(&text.bytes[..]),
                    self.start,
                    OriginKind::YamlScalar {
                        source: range(self.start, self.end),
                        style,
                    },
                ),
                Written::Binary => (
                    Cow::Borrowed(&text.bytes[..]),
                    self.start,
                    OriginKind::Decoded,
                ),
            },
            _ if json => (
                Cow::Borrowed(range(self.start, self.end)),
                self.start,
                OriginKind::Verbatim,
            ),
            _ => (
                Cow::Owned(serde_json::to_vec(&self.to_json()).unwrap_or_default()),
                self.start,
                OriginKind::Decoded,
            ),
        };
        Body {
            bytes,
            origin: BodyOrigin { file, offset, kind },
        }
    }

    /// The value as JSON (for a YAML mapping used as a body).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => {
                serde_json::from_str(n).unwrap_or_else(|_| J::String(n.to_string()))
            }
            Value::Text(text) => J::String(String::from_utf8_lossy(&text.bytes).into_owned()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(members) => J::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}
