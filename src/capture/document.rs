//! Whole JSON documents that are not HARs: capture envelopes, lists of envelopes, NDJSON,
//! and bare bodies whose status is in the file name (docs/inputs.md).
//!
//! These files hold one response or a list of small ones, so they are read whole; serde's
//! borrowed `RawValue`s keep each body's place in the file for exact positions.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::{Outcome, Sink};
use crate::position::{LineIndex, TextPos};
use crate::response::{Body, BodyOrigin, Headers, OriginKind, Response, Status};
use crate::rules::strip_position;

type Members<'a> = BTreeMap<Cow<'a, str>, &'a RawValue>;

/// The file a document came from: its name decides a bare body's status.
pub struct Document<'n> {
    pub file_name: &'n str,
    pub extension: &'n str,
}

impl Document<'_> {
    /// Loads a whole JSON document whose first byte sits at `start`. `claims_json` is true
    /// when the name or content says the file should be JSON.
    pub fn load(
        &self,
        bytes: &[u8],
        start: TextPos,
        sink: &mut dyn Sink,
        claims_json: bool,
    ) -> Outcome {
        let index = LineIndex::new(bytes, start);
        let name_status = status_from_file_name(self.file_name);
        let root: &RawValue = match serde_json::from_slice(bytes) {
            Ok(root) => root,
            // A body named for its status that does not parse: invalid-json says so.
            Err(_) if name_status.is_some() => {
                bare_body(bytes, &index, name_status, sink);
                return Outcome::Loaded;
            }
            Err(error) if claims_json || starts_like_json(bytes) => {
                let offset = crate::check::offset_of(bytes, error.line(), error.column());
                let what = if self.extension == "har" {
                    "HAR"
                } else {
                    "JSON"
                };
                sink.malformed(
                    index.position(offset),
                    0,
                    format!("the file is not valid {what}: {}", strip_position(&error)),
                );
                return Outcome::Loaded;
            }
            Err(_) => return Outcome::Unrecognized,
        };
        if self.extension == "har" {
            sink.malformed(
                index.position(offset_in(bytes, root.get())),
                0,
                "not a HAR: a .har file must hold a JSON object with a \"log\" member".into(),
            );
            return Outcome::Loaded;
        }
        match root.get().as_bytes().first() {
            Some(b'{') => {
                if let Ok(members) = serde_json::from_str::<Members<'_>>(root.get())
                    && is_envelope(&members, name_status.is_some())
                {
                    envelope(&members, 0, bytes, &index, sink);
                    return Outcome::Loaded;
                }
            }
            Some(b'[') => {
                if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(root.get()) {
                    let envelopes: Vec<Members<'_>> = items
                        .iter()
                        .filter_map(|item| serde_json::from_str::<Members<'_>>(item.get()).ok())
                        .filter(|m| integer_status(m).is_some())
                        .collect();
                    if !items.is_empty() && envelopes.len() == items.len() {
                        for (i, members) in envelopes.iter().enumerate() {
                            envelope(members, i, bytes, &index, sink);
                        }
                        return Outcome::Loaded;
                    }
                }
            }
            _ => {}
        }
        bare_body(bytes, &index, name_status, sink);
        Outcome::Loaded
    }
}

/// NDJSON (`.jsonl`, `.ndjson`): one envelope a line; blank lines are not items.
pub fn load_ndjson(bytes: &[u8], start: TextPos, sink: &mut dyn Sink) {
    let index = LineIndex::new(bytes, start);
    let mut item = 0;
    let mut line_start = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let offset = line_start;
        line_start += line.len() + 1;
        if line.trim_ascii().is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_ascii_start().len();
        match serde_json::from_slice::<Members<'_>>(line) {
            Ok(members) if integer_status(&members).is_some() => {
                envelope(&members, item, bytes, &index, sink)
            }
            Ok(_) => sink.malformed(
                index.position(offset + lead),
                item,
                format!("item {item} is not a capture envelope: it needs an integer \"status\""),
            ),
            Err(error) => {
                let at = offset + crate::check::offset_of(line, 1, error.column());
                sink.malformed(
                    index.position(at),
                    item,
                    format!(
                        "item {item} is not a JSON object: {}",
                        strip_position(&error)
                    ),
                );
            }
        }
        item += 1;
    }
}

fn starts_like_json(bytes: &[u8]) -> bool {
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// Byte offset of a borrowed slice inside the document it was borrowed from.
fn offset_in(document: &[u8], part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(document.as_ptr() as usize)
        .min(document.len())
}

fn integer_status(members: &Members<'_>) -> Option<i64> {
    members
        .get("status")
        .and_then(|raw| raw.get().parse::<i64>().ok())
}

/// An envelope has an integer `status`; when the file name also carries a status, it must
/// have `body` or `headers` too, so a problem+json body `{"status": 404, …}` in `404.json`
/// stays a bare body.
fn is_envelope(members: &Members<'_>, name_has_status: bool) -> bool {
    integer_status(members).is_some()
        && (!name_has_status || members.contains_key("body") || members.contains_key("headers"))
}

/// Hands one envelope to the sink.
fn envelope(
    members: &Members<'_>,
    item: usize,
    document: &[u8],
    index: &LineIndex<'_>,
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
    let text = |key: &str| -> Option<String> {
        members
            .get(key)
            .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
    };
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
    response.method = text("method").map(Cow::Owned);
    response.raw_url = text("url").map(Cow::Owned);
    response.content_type = headers
        .as_ref()
        .and_then(|h: &Headers<'_>| h.get("content-type"))
        .map(|v| Cow::Owned(v.to_string()));
    response.headers = headers;
    response.body = Some(body);
    sink.response(&response);
}

/// Headers as an object (`{"Content-Type": "application/json"}`, values may be lists) or a
/// list of `[name, value]` pairs or `{"name", "value"}` objects.
fn parse_headers(raw: &str) -> Result<Headers<'static>, String> {
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

/// The whole file is the body; the status comes from the file name.
fn bare_body(bytes: &[u8], index: &LineIndex<'_>, status: Option<u16>, sink: &mut dyn Sink) {
    let mut response = Response::new(
        0,
        index.position(0),
        status.map_or(Status::Missing, |s| Status::Code(i64::from(s))),
    );
    response.body = Some(Body {
        bytes: Cow::Borrowed(bytes),
        origin: BodyOrigin {
            file: index,
            offset: 0,
            kind: OriginKind::Verbatim,
        },
    });
    sink.response(&response);
}

/// The status in a bare body's file name: the last run of exactly three digits, 100–599,
/// in the name without its extension (`404.json`, `get_customer.429.json`, `orders-500.json`).
pub fn status_from_file_name(file_name: &str) -> Option<u16> {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    stem.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 3)
        .filter_map(|run| run.parse::<u16>().ok())
        .rfind(|code| (100..=599).contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_file_names() {
        assert_eq!(status_from_file_name("404.json"), Some(404));
        assert_eq!(status_from_file_name("get_customer.429.json"), Some(429));
        assert_eq!(status_from_file_name("orders-500.json"), Some(500));
        assert_eq!(status_from_file_name("v2_orders-503.error.json"), Some(503));
        assert_eq!(status_from_file_name("customer.json"), None);
        assert_eq!(status_from_file_name("2024-01-01.json"), None);
        assert_eq!(status_from_file_name("1234.json"), None);
        assert_eq!(status_from_file_name("999.json"), None);
    }

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
