//! nock fixtures (nock's recorder, `nock.back`, @octokit/fixtures): a JSON array of recorded
//! calls, each with `scope` and `method`, one response per item.
//!
//! An item's `body` is the recorded *request* body and is never read as a response; the
//! response is `status` (200 when absent), `rawHeaders` (a flat `[name, value, …]` list or
//! an object) or `headers`, and `response`: a JSON value, a string, or hex when nock kept
//! binary or compressed bytes (`responseIsBinary`, or an array of hex chunks). See nock's
//! README, "Recording". This loader must not print: request headers hold credentials.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::Sink;
use super::document::{Json, Members, members_of, parse_headers, text_of};
use super::har::status_of;
use crate::response::{Headers, Response, Status};

/// The items when every one is a recorded call: an object with `scope` and `method`.
pub fn recognise<'a>(items: &[&'a RawValue]) -> Option<Vec<(&'a RawValue, Members<'a>)>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|raw| {
            members_of(raw)
                .filter(|m| m.contains_key("scope") && m.contains_key("method"))
                .map(|m| (*raw, m))
        })
        .collect()
}

/// Hands every recorded call's response to the sink, in file order.
pub fn load<'a>(fixtures: &[(&'a RawValue, Members<'a>)], json: &Json<'a>, sink: &mut dyn Sink) {
    for (index, (raw, members)) in fixtures.iter().enumerate() {
        item(index, raw, members, json, sink);
    }
}

fn item<'a>(
    index: usize,
    raw: &'a RawValue,
    members: &Members<'a>,
    json: &Json<'a>,
    sink: &mut dyn Sink,
) {
    let at = json.position(raw);
    let url = match (text_of(members.get("scope")), text_of(members.get("path"))) {
        (Some(scope), Some(path)) => Some(format!("{scope}{path}")),
        (scope, path) => scope.or(path),
    };
    if !json.selects(url.as_deref()) {
        sink.skipped(1);
        return;
    }
    let status = members
        .get("status")
        .map_or(Status::Code(200), |raw| status_of(raw.get()));
    let headers = match headers(members) {
        Ok(headers) => headers,
        Err(message) => {
            let field = members.get("rawHeaders").or(members.get("headers"));
            let at = field.map_or(at, |raw| json.position(raw));
            return sink.malformed(at, index, format!("nock item {index}: {message}"));
        }
    };
    let binary = members
        .get("responseIsBinary")
        .is_some_and(|raw| raw.get() == "true");
    let body = match members.get("response") {
        None => json.empty_body(json.offset(raw)),
        Some(response) => match hex_body(response, binary, &headers) {
            Some(bytes) => json.decoded_body(bytes, response),
            None => json.body(response),
        },
    };
    let body = match json.decompressed(body, &headers) {
        Ok(body) => body,
        Err(too_large) => {
            let at = members.get("response").map_or(at, |raw| json.position(raw));
            return sink.malformed(
                at,
                index,
                format!(
                    "nock item {index}: the body decodes to more than {} MiB; not checked",
                    too_large.limit >> 20
                ),
            );
        }
    };
    let mut response = Response::new(index, at, status);
    response.method = text_of(members.get("method")).map(|m| Cow::Owned(m.to_ascii_uppercase()));
    response.raw_url = url.map(Cow::Owned);
    response.content_type = headers
        .get("content-type")
        .map(|v| Cow::Owned(v.to_string()));
    response.headers = Some(headers);
    response.body = Some(body);
    sink.response(&response);
}

/// `rawHeaders` as nock records it (`["Content-Type", "application/json", …]`, or an
/// object in older fixtures), else the `headers` object; none at all is no headers.
fn headers(members: &Members<'_>) -> Result<Headers<'static>, String> {
    if let Some(raw) = members.get("rawHeaders") {
        if let Ok(flat) = serde_json::from_str::<Vec<serde_json::Value>>(raw.get()) {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            let pairs: Option<Vec<_>> = flat
                .chunks(2)
                .map(|pair| match pair {
                    [name, value] => Some((Cow::Owned(text(name)?), Cow::Owned(text(value)?))),
                    _ => None,
                })
                .collect();
            return pairs
                .map(Headers)
                .ok_or_else(|| "\"rawHeaders\" must list names and values in pairs".into());
        }
        return parse_headers(raw.get());
    }
    match members.get("headers") {
        Some(raw) if raw.get() != "null" => parse_headers(raw.get()),
        _ => Ok(Headers::default()),
    }
}

/// The bytes of a response nock stored as hex: one string under `responseIsBinary`, or an
/// array of hex chunks (how the recorder keeps a compressed body). An array of strings is
/// taken as chunks only when it cannot be meant as JSON: the call was binary, the response
/// was encoded, or the chunks decode to gzip.
fn hex_body(raw: &RawValue, binary: bool, headers: &Headers<'_>) -> Option<Vec<u8>> {
    let text = raw.get();
    let chunks: Vec<String> = if text.starts_with('"') {
        if !binary {
            return None;
        }
        vec![serde_json::from_str(text).ok()?]
    } else if text.starts_with('[') {
        serde_json::from_str(text).ok()?
    } else {
        return None;
    };
    let hex = chunks.concat();
    if hex.is_empty() || !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
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
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("identity") && !v.trim().is_empty());
    (binary || encoded || bytes.starts_with(&[0x1f, 0x8b])).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_read_only_where_nock_writes_it() {
        let none = Headers::default();
        fn raw(t: &str) -> &RawValue {
            serde_json::from_str(t).unwrap()
        }
        let chunks = r#"["1f8b", "0800"]"#.to_string();
        assert_eq!(
            hex_body(raw(&chunks), false, &none),
            Some(vec![0x1f, 0x8b, 0x08, 0])
        );
        // Strings that merely look like hex stay JSON.
        assert_eq!(hex_body(raw(r#"["abcd", "ef"]"#), false, &none), None);
        assert_eq!(hex_body(raw(r#""abcd""#), false, &none), None);
        assert_eq!(
            hex_body(raw(r#""abcd""#), true, &none),
            Some(vec![0xab, 0xcd])
        );
        assert_eq!(hex_body(raw(r#""abc""#), true, &none), None);
    }

    #[test]
    fn raw_headers_come_in_pairs() {
        let members: Members<'_> =
            serde_json::from_str(r#"{"rawHeaders": ["Content-Type", "application/json", "X", 1]}"#)
                .unwrap();
        let h = headers(&members).unwrap();
        assert_eq!(h.get("content-type"), Some("application/json"));
        assert_eq!(h.get("x"), Some("1"));
        let odd: Members<'_> = serde_json::from_str(r#"{"rawHeaders": ["A"]}"#).unwrap();
        assert!(headers(&odd).is_err());
    }
}
