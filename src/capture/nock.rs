//! nock fixtures (nock's recorder, `nock.back`, @octokit/fixtures): a JSON array of recorded
//! calls, each with `scope` and `method`, one response per item.
//!
//! An item's `body` is the recorded *request* body and is never read as a response; the
//! response is `status` (200 when absent), `rawHeaders` (a flat `[name, value, …]` list or
//! an object) or `headers`, and `response`: a JSON value, a string, or hex when nock kept
//! binary or compressed bytes (`responseIsBinary`, or an array of hex chunks). See nock's
//! README, "Recording". This loader must not print: request headers hold credentials.

use std::borrow::Cow;

use super::mock::{self, Mock, MockBody};
use super::tree::{Node, Value};
use super::{Format, Item, Reads, Sink, cassette};
use crate::response::Headers;

pub static FORMAT: Format = Format {
    name: "nock fixture",
    reads: Reads::Items {
        list: "",
        recognises: |item| item.get("scope").is_some() && item.get("method").is_some(),
        item: recorded_call,
    },
};

fn recorded_call(item: &Item<'_>, sink: &mut dyn Sink) {
    let node = item.node;
    let number = item.number;
    let url = match (mock::text(node.get("scope")), mock::text(node.get("path"))) {
        (Some(scope), Some(path)) => Some(format!("{scope}{path}")),
        (scope, path) => scope.or(path),
    };
    let headers = match node.get("rawHeaders") {
        Some(raw) => match raw_headers(raw) {
            Some(headers) => headers,
            None => {
                return sink.malformed(
                    item.position(raw.start),
                    number,
                    format!(
                        "nock item {number}: \"rawHeaders\" must list names and values in pairs"
                    ),
                );
            }
        },
        None => cassette::headers(node.get("headers")),
    };
    let binary = matches!(
        node.get("responseIsBinary").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    let body = match node.get("response") {
        None => MockBody::Empty,
        Some(response) => match hex_body(response, binary, &headers) {
            Some(bytes) => MockBody::Decoded(bytes, response),
            None => MockBody::Value(response),
        },
    };
    let mock = Mock {
        status: mock::status_or(node.get("status"), 200),
        headers,
        body,
        method: mock::text(node.get("method")).map(|m| m.to_ascii_uppercase()),
        url,
        body_type: None,
    };
    mock::respond(item, mock, &format!("nock item {number}"), sink);
}

/// `rawHeaders` as nock records it (`["Content-Type", "application/json", …]`), or an object
/// in older fixtures. `None` for a flat list that does not come in pairs.
fn raw_headers(node: &Node<'_>) -> Option<Headers<'static>> {
    let Some(flat) = node.items() else {
        return Some(cassette::headers(Some(node)));
    };
    flat.chunks(2)
        .map(|pair| match pair {
            [name, value] => Some((
                Cow::Owned(name.as_text()?.into_owned()),
                Cow::Owned(value.as_text()?.into_owned()),
            )),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(Headers)
}

/// The bytes of a response nock stored as hex: one string under `responseIsBinary`, or an
/// array of hex chunks (how the recorder keeps a compressed body). An array of strings is
/// taken as chunks only when it cannot be meant as JSON: the call was binary, the response
/// was encoded, or the chunks decode to gzip.
fn hex_body(node: &Node<'_>, binary: bool, headers: &Headers<'_>) -> Option<Vec<u8>> {
    let hex: String = match &node.value {
        Value::Text(_) if binary => node.as_text()?.into_owned(),
        Value::Seq(chunks) => chunks
            .iter()
            .map(|c| match &c.value {
                Value::Text(_) => c.as_text().map(Cow::into_owned),
                _ => None,
            })
            .collect::<Option<String>>()?,
        _ => return None,
    };
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = hex
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
            match pair {
                [high, low] => Some(digit(*high)? << 4 | digit(*low)?),
                _ => None,
            }
        })
        .collect::<Option<_>>()?;
    let encoded = headers
        .get("content-encoding")
        .is_some_and(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("identity"));
    (binary || encoded || bytes.starts_with(&[0x1f, 0x8b])).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::json_tree;

    #[test]
    fn hex_is_read_only_where_nock_writes_it() {
        let none = Headers::default();
        let hex = |text: &str, binary| {
            hex_body(&json_tree::parse(text.as_bytes()).unwrap(), binary, &none)
        };
        assert_eq!(
            hex(r#"["1f8b", "0800"]"#, false),
            Some(vec![0x1f, 0x8b, 0x08, 0])
        );
        // Strings that merely look like hex stay JSON.
        assert_eq!(hex(r#"["abcd", "ef"]"#, false), None);
        assert_eq!(hex(r#""abcd""#, false), None);
        assert_eq!(hex(r#""abcd""#, true), Some(vec![0xab, 0xcd]));
        assert_eq!(hex(r#""abc""#, true), None);
    }

    #[test]
    fn raw_headers_come_in_pairs() {
        let parse = |text: &str| raw_headers(&json_tree::parse(text.as_bytes()).unwrap());
        let h = parse(r#"["Content-Type", "application/json", "X", 1]"#).unwrap();
        assert_eq!(h.get("content-type"), Some("application/json"));
        assert_eq!(h.get("x"), Some("1"));
        assert!(parse(r#"["A"]"#).is_none());
        assert_eq!(parse(r#"{"A": "b"}"#).unwrap().get("a"), Some("b"));
    }
}
