//! Capture envelopes: a JSON object with an integer `status` and optional `headers`, `body`,
//! `method` and `url`, the shape errlint's own docs suggest for hand-written fixtures.
//!
//! Read from the document's text with serde's borrowed `RawValue`s, which keep each body's
//! place in the file for exact positions. Also used by the envelope list and NDJSON.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::bare_body::status_from_file_name;
use super::{Doc, Format, Reads, Sink};
use crate::position::Locate;
use crate::response::{Body, BodyOrigin, Headers, OriginKind, Response, Status};

use super::borrowed::BorrowedStr;
pub use super::borrowed::Members;

pub static FORMAT: Format = Format {
    name: "capture envelope",
    reads: Reads::Document { recognises, load },
};

fn recognises(doc: &Doc<'_>) -> bool {
    doc.json
        && doc.root.get("status").and_then(|s| s.as_number()).is_some()
        && (status_from_file_name(doc.file_name).is_none()
            || doc.root.get("body").is_some()
            || doc.root.get("headers").is_some())
}

fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    let members = serde_json::from_slice::<&RawValue>(doc.source)
        .ok()
        .and_then(|root| serde_json::from_str::<Members<'_>>(root.get()).ok());
    match members {
        Some(members) => envelope(&members, 0, doc.source, doc.index, sink),
        None => sink.malformed(
            doc.index.position(0),
            0,
            "the envelope could not be read".into(),
        ),
    }
}

/// Byte offset of a borrowed slice inside the document it was borrowed from.
pub fn offset_in(document: &[u8], part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(document.as_ptr() as usize)
        .min(document.len())
}

pub fn integer_status(members: &Members<'_>) -> Option<i64> {
    members
        .get("status")
        .and_then(|raw| raw.get().parse::<i64>().ok())
}

/// Hands one envelope to the sink.
pub fn envelope(
    members: &Members<'_>,
    item: usize,
    document: &[u8],
    index: &dyn Locate,
    sink: &mut dyn Sink,
) {
    let start_offset = members
        .values()
        .map(|raw| offset_in(document, raw.get()))
        .min()
        .unwrap_or(0);
    let item_start = document[..start_offset]
        .iter()
        .rposition(|&b| b == b'{')
        .unwrap_or(start_offset);
    let at = index.position(item_start);
    let status = integer_status(members).map_or(Status::Missing, Status::Code);
    let headers = match members.get("headers").map(|raw| parse_headers(raw.get())) {
        None => None,
        Some(Ok(headers)) => Some(headers),
        Some(Err(message)) => {
            let offset = members
                .get("headers")
                .map_or(item_start, |raw| offset_in(document, raw.get()));
            return sink.malformed(
                index.position(offset),
                item,
                format!("envelope {item}: {message}"),
            );
        }
    };
    // Borrowed from the document unless the text has escapes.
    let text = |key: &str| -> Option<Cow<'_, str>> {
        members
            .get(key)
            .and_then(|raw| serde_json::from_str::<BorrowedStr<'_>>(raw.get()).ok())
            .map(|text| text.0)
    };
    // A body written as a JSON value (not a string) was parsed with the envelope.
    let body_is_parsed_json = members
        .get("body")
        .is_some_and(|raw| raw.get() != "null" && !raw.get().starts_with('"'));
    let body = match members.get("body") {
        None => Body {
            bytes: Cow::Borrowed(&[][..]),
            origin: BodyOrigin {
                file: index,
                offset: item_start,
                kind: OriginKind::Decoded,
            },
        },
        Some(raw) if raw.get() == "null" => Body {
            bytes: Cow::Borrowed(&[][..]),
            origin: BodyOrigin {
                file: index,
                offset: offset_in(document, raw.get()),
                kind: OriginKind::Decoded,
            },
        },
        Some(raw) if raw.get().starts_with('"') => {
            let literal = &raw.get().as_bytes()[1..raw.get().len() - 1];
            let decoded: Cow<'_, str> = serde_json::from_str(raw.get()).unwrap_or_default();
            let bytes = match decoded {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            };
            Body {
                bytes,
                origin: BodyOrigin {
                    file: index,
                    offset: offset_in(document, raw.get()) + 1,
                    kind: OriginKind::JsonString(literal),
                },
            }
        }
        Some(raw) => Body {
            bytes: Cow::Borrowed(raw.get().as_bytes()),
            origin: BodyOrigin {
                file: index,
                offset: offset_in(document, raw.get()),
                kind: OriginKind::Verbatim,
            },
        },
    };
    let mut response = Response::new(item, at, status);
    response.method = text("method");
    response.raw_url = text("url");
    response.content_type = headers.as_ref().and_then(|h: &Headers<'_>| {
        h.0.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.clone())
    });
    response.headers = headers;
    response.body = Some(body);
    response.body_is_parsed_json = body_is_parsed_json;
    response.id = members.get("id").map(RawValue::get);
    sink.response(&response);
}

/// Headers as an object (`{"Content-Type": "application/json"}`, values may be lists) or a
/// list of `[name, value]` pairs or `{"name", "value"}` objects.
fn parse_headers(raw: &str) -> Result<Headers<'_>, String> {
    // The usual shape, an object of strings, is read borrowing from the document: a log line
    // then allocates nothing for its headers. Names come out sorted, each once, as from the
    // general path below.
    if raw.starts_with('{')
        && let Ok(map) = serde_json::from_str::<BTreeMap<BorrowedStr<'_>, BorrowedStr<'_>>>(raw)
    {
        return Ok(Headers(
            map.into_iter()
                .map(|(name, value)| (name.0, value.0))
                .collect(),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut pairs = Vec::new();
    match value {
        serde_json::Value::Object(map) => {
            for (name, v) in map {
                match v {
                    serde_json::Value::Array(values) => {
                        for v in values {
                            let v = text(&v).ok_or("\"headers\" values must be strings")?;
                            pairs.push((Cow::Owned(name.clone()), Cow::Owned(v)));
                        }
                    }
                    v => pairs.push((
                        Cow::Owned(name),
                        Cow::Owned(text(&v).ok_or("\"headers\" values must be strings")?),
                    )),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                let (name, v) = match &item {
                    serde_json::Value::Array(pair) if pair.len() == 2 => {
                        (text(&pair[0]), text(&pair[1]))
                    }
                    serde_json::Value::Object(o) => {
                        (o.get("name").and_then(text), o.get("value").and_then(text))
                    }
                    _ => (None, None),
                };
                match (name, v) {
                    (Some(n), Some(v)) => pairs.push((Cow::Owned(n), Cow::Owned(v))),
                    _ => {
                        return Err(
                            "\"headers\" must be an object or a list of [name, value] pairs".into(),
                        );
                    }
                }
            }
        }
        _ => return Err("\"headers\" must be an object or a list of [name, value] pairs".into()),
    }
    Ok(Headers(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_every_shape() {
        let h = parse_headers(r#"{"Content-Type": "application/json", "Set-Cookie": ["a", "b"]}"#)
            .unwrap();
        assert_eq!(h.get("content-type"), Some("application/json"));
        assert_eq!(h.0.len(), 3);
        let h = parse_headers(r#"[["Content-Type", "text/html"], {"name": "X", "value": "1"}]"#)
            .unwrap();
        assert_eq!(h.get("x"), Some("1"));
        assert!(parse_headers("[1]").is_err());
        assert!(parse_headers("\"text\"").is_err());
    }
}
