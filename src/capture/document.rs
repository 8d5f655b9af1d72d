//! Whole JSON documents that are not HARs: mocks and fixtures (nock, WireMock, Postman,
//! Pact), capture envelopes, lists of envelopes, NDJSON, and bare bodies whose status is in
//! the file name (the README's "Inputs").
//!
//! These files hold one response or a list of small ones, so they are read whole; serde's
//! borrowed `RawValue`s keep each body's place in the file for exact positions. The order in
//! which structures are recognised is written once, in `Document::load`; each structure's
//! loader lives in its own file and must not print.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::value::RawValue;

use super::decode::{TooLarge, undo_codings};
use super::{LoadOptions, Outcome, Sink, nock, pact, postman, wiremock};
use crate::position::{LineIndex, TextPos};
use crate::response::{Body, BodyOrigin, Headers, OriginKind, Response, Status};
use crate::rules::strip_position;

pub type Members<'a> = BTreeMap<Cow<'a, str>, &'a RawValue>;

/// The file a document came from: its name decides a bare body's status, its path where a
/// WireMock mapping's body files are.
pub struct Document<'n> {
    pub file_name: &'n str,
    pub extension: &'n str,
    pub path: Option<&'n Path>,
    pub options: &'n LoadOptions,
}

/// A JSON document in memory, for the loaders of the structures it may hold: the bytes their
/// borrowed members point into, the positions of those bytes, and what the run asked for.
pub struct Json<'a> {
    pub bytes: &'a [u8],
    pub index: &'a LineIndex<'a>,
    pub path: Option<&'a Path>,
    pub options: &'a LoadOptions,
}

impl<'a> Json<'a> {
    /// Where a borrowed member starts in the document.
    pub fn offset(&self, raw: &RawValue) -> usize {
        offset_in(self.bytes, raw.get())
    }

    pub fn position(&self, raw: &RawValue) -> TextPos {
        self.index.position(self.offset(raw))
    }

    /// An empty body, findings on which point at `offset`.
    pub fn empty_body(&self, offset: usize) -> Body<'a> {
        Body {
            bytes: Cow::Borrowed(&[][..]),
            origin: BodyOrigin {
                file: self.index,
                offset,
                kind: OriginKind::Decoded,
            },
        }
    }

    /// Bytes decoded from the member `raw` (base64, hex): findings point at its start.
    pub fn decoded_body(&self, bytes: Vec<u8>, raw: &RawValue) -> Body<'a> {
        Body {
            bytes: Cow::Owned(bytes),
            origin: BodyOrigin {
                file: self.index,
                offset: self.offset(raw),
                kind: OriginKind::Decoded,
            },
        }
    }

    /// A body held as a JSON value: a string is the body's text (findings point inside the
    /// string), `null` is empty, any other value is the body as written.
    pub fn body(&self, raw: &'a RawValue) -> Body<'a> {
        json_body(raw, self.bytes, self.index)
    }

    /// A JSON value that is the body exactly as written (WireMock's `jsonBody`).
    pub fn verbatim(&self, raw: &'a RawValue) -> Body<'a> {
        Body {
            bytes: Cow::Borrowed(raw.get().as_bytes()),
            origin: BodyOrigin {
                file: self.index,
                offset: self.offset(raw),
                kind: OriginKind::Verbatim,
            },
        }
    }

    /// Undoes compression that is really present in a body (nock keeps gzip bytes as hex,
    /// a WireMock body file may be gzip): the decoded body points where the stored one did.
    pub fn decompressed(
        &self,
        body: Body<'a>,
        headers: &Headers<'_>,
    ) -> Result<Body<'a>, TooLarge> {
        match undo_codings(&body.bytes, Some(headers), self.options.max_decoded)? {
            None => Ok(body),
            Some(plain) => {
                let offset = match body.origin.kind {
                    // The literal starts after the quote; the member at the quote.
                    OriginKind::JsonString(_) => body.origin.offset.saturating_sub(1),
                    _ => body.origin.offset,
                };
                Ok(Body {
                    bytes: Cow::Owned(plain),
                    origin: BodyOrigin {
                        file: self.index,
                        offset,
                        kind: OriginKind::Decoded,
                    },
                })
            }
        }
    }

    /// Whether `--url` lets a response of this request URL be checked.
    pub fn selects(&self, url: Option<&str>) -> bool {
        self.options.url_selects(url)
    }
}

/// A string member's text, when it is a string.
pub fn text_of(raw: Option<&&RawValue>) -> Option<String> {
    raw.and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
}

/// The members of a JSON object, when `raw` is one.
pub fn members_of<'a>(raw: &'a RawValue) -> Option<Members<'a>> {
    if !raw.get().starts_with('{') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// The items of a JSON array, when `raw` is one.
pub fn items_of(raw: &RawValue) -> Option<Vec<&RawValue>> {
    if !raw.get().starts_with('[') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// True when a mock's body text holds template tags (`{{request.path}}`): such a body is
/// checked only while it still parses as JSON.
pub fn templated(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"{{").is_some()
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
        let json = Json {
            bytes,
            index: &index,
            path: self.path,
            options: self.options,
        };
        // Recognition order: the mocks' structures are tried before envelopes, because a
        // nock fixture's items and a WireMock mapping's parts carry `status` too.
        match root.get().as_bytes().first() {
            Some(b'{') => {
                if let Ok(members) = serde_json::from_str::<Members<'_>>(root.get()) {
                    if wiremock::recognise(&members) {
                        wiremock::load(&members, &json, sink);
                        return Outcome::Loaded;
                    }
                    if postman::recognise(&members) {
                        postman::load(&members, &json, sink);
                        return Outcome::Loaded;
                    }
                    if pact::recognise(&members) {
                        pact::load(&members, &json, sink);
                        return Outcome::Loaded;
                    }
                    if is_envelope(&members, name_status.is_some()) {
                        envelope(&members, 0, bytes, &index, sink);
                        return Outcome::Loaded;
                    }
                }
            }
            Some(b'[') => {
                if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(root.get()) {
                    if let Some(fixtures) = nock::recognise(&items) {
                        nock::load(&fixtures, &json, sink);
                        return Outcome::Loaded;
                    }
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
pub fn offset_in(document: &[u8], part: &str) -> usize {
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
        Some(raw) => json_body(raw, document, index),
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

/// A body held as a JSON value in `document`: a string is the body's text, `null` empty,
/// any other value the body as written.
fn json_body<'a>(raw: &'a RawValue, document: &'a [u8], index: &'a LineIndex<'a>) -> Body<'a> {
    let text = raw.get();
    let offset = offset_in(document, text);
    if text == "null" {
        return Body {
            bytes: Cow::Borrowed(&[][..]),
            origin: BodyOrigin {
                file: index,
                offset,
                kind: OriginKind::Decoded,
            },
        };
    }
    if let Some(literal) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
    {
        let decoded: Cow<'_, str> = serde_json::from_str(text).unwrap_or_default();
        let bytes = match decoded {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        };
        return Body {
            bytes,
            origin: BodyOrigin {
                file: index,
                offset: offset + 1,
                kind: OriginKind::JsonString(literal.as_bytes()),
            },
        };
    }
    Body {
        bytes: Cow::Borrowed(text.as_bytes()),
        origin: BodyOrigin {
            file: index,
            offset,
            kind: OriginKind::Verbatim,
        },
    }
}

/// Headers as an object (`{"Content-Type": "application/json"}`, values may be lists) or a
/// list of `[name, value]` pairs or `{"name", "value"}` objects.
pub fn parse_headers(raw: &str) -> Result<Headers<'static>, String> {
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
