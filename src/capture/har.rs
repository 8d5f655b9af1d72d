//! HAR 1.1/1.2, streamed: one entry at a time through the scanner, so memory follows the
//! largest entry, never the file (a 238 MB HAR parsed into one `Value` took 2.9 GB).
//!
//! Each entry's bytes are parsed by serde into borrowed structs; a broken entry is one
//! malformed finding and the next entry is still read. Quirks handled here: status 0 or -1
//! for failed requests (skipped and counted), bodies missing, base64-encoded, still
//! compressed, or stored by Polly.JS as hex chunks; HTTP/2 pseudo-headers; page assets
//! (only API-looking entries are checked unless `--url` says otherwise).

use std::borrow::Cow;
use std::io::Read;

use base64::Engine as _;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::decode::{polly_hex_chunks, undo_codings};
use super::scanner::{ScanError, ScanResult, Scanner};
use super::{LoadOptions, Sink};
use crate::position::{SliceLocator, TextPos};
use crate::response::{
    Body, BodyOrigin, Headers, OriginKind, Response, Status, is_json_media_type, redact_url,
};

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow, default)]
    request: Option<Request<'a>>,
    #[serde(borrow, default)]
    response: Option<HarResponse<'a>>,
    #[serde(rename = "_resourceType", borrow, default)]
    resource_type: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    headers: Option<Vec<Header<'a>>>,
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    /// Usually a string; Polly.JS writes lists (`["application/json"]`) and numbers.
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
}

impl<'a> Header<'a> {
    /// The value as text: strings as they are, lists joined with ", ", numbers printed.
    fn text(&self) -> Cow<'a, str> {
        let Some(raw) = self.value else {
            return Cow::Borrowed("");
        };
        let raw: &'a str = raw.get();
        if raw.starts_with('"') {
            return serde_json::from_str(raw).unwrap_or_default();
        }
        match serde_json::from_str::<Vec<String>>(raw) {
            Ok(list) => Cow::Owned(list.join(", ")),
            Err(_) if raw != "null" => Cow::Borrowed(raw),
            Err(_) => Cow::Borrowed(""),
        }
    }
}

#[derive(Deserialize)]
struct HarResponse<'a> {
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    headers: Option<Vec<Header<'a>>>,
    #[serde(borrow, default)]
    content: Option<Content<'a>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(default)]
    size: Option<f64>,
    #[serde(rename = "mimeType", borrow, default)]
    mime_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(borrow, default)]
    encoding: Option<Cow<'a, str>>,
}

/// Loads a HAR whose scanner stands just after the root's `"log":`. Everything goes to the
/// sink; nothing is returned.
pub fn load<R: Read>(scanner: &mut Scanner<R>, options: &LoadOptions, sink: &mut dyn Sink) {
    let mut next_index = 0;
    if let Err(error) =
        load_log(scanner, options, sink, &mut next_index).and_then(|()| finish_root(scanner))
    {
        let (at, message) = match error {
            ScanError::Syntax { at, message } => (at, message),
            ScanError::Io(error) => (
                scanner.position(),
                format!("the file could not be read: {error}"),
            ),
        };
        sink.malformed(
            at,
            next_index,
            format!("{message} (HAR read up to entry {next_index})"),
        );
    }
}

fn load_log<R: Read>(
    scanner: &mut Scanner<R>,
    options: &LoadOptions,
    sink: &mut dyn Sink,
    next_index: &mut usize,
) -> ScanResult<()> {
    match scanner.peek_token()? {
        Some(b'{') => scanner.bump(),
        _ => {
            let at = scanner.position();
            let (value, _) = scanner.value()?;
            let kind = kind_of_json(value);
            return Err(ScanError::Syntax {
                at,
                message: format!("\"log\" must be an object, found {kind}"),
            });
        }
    }
    let mut saw_entries = false;
    if scanner.peek_token()? == Some(b'}') {
        scanner.bump();
    } else {
        loop {
            let key = scanner.key()?;
            if key == "entries" && scanner.peek_token()? == Some(b'[') {
                saw_entries = true;
                scanner.bump();
                load_entries(scanner, options, sink, next_index)?;
            } else {
                skip_checked(scanner, &format!("\"log.{key}\""))?;
            }
            if !scanner.next_or_close(b'}', "after a member of \"log\"")? {
                break;
            }
        }
    }
    if !saw_entries {
        let at = scanner.position();
        return Err(ScanError::Syntax {
            at,
            message: "the HAR \"log\" has no \"entries\" array".into(),
        });
    }
    Ok(())
}

fn load_entries<R: Read>(
    scanner: &mut Scanner<R>,
    options: &LoadOptions,
    sink: &mut dyn Sink,
    next_index: &mut usize,
) -> ScanResult<()> {
    if scanner.peek_token()? == Some(b']') {
        scanner.bump();
        return Ok(());
    }
    loop {
        let (bytes, at) = scanner.value()?;
        entry(bytes, at, *next_index, options, sink);
        *next_index += 1;
        if !scanner.next_or_close(b']', "after a HAR entry")? {
            return Ok(());
        }
    }
}

/// Skips a value, checking that it is well-formed JSON.
fn skip_checked<R: Read>(scanner: &mut Scanner<R>, what: &str) -> ScanResult<()> {
    let (bytes, at) = scanner.value()?;
    if let Err(error) = serde_json::from_slice::<IgnoredAny>(bytes) {
        let at = at.advance(&bytes[..serde_offset(bytes, &error)]);
        return Err(ScanError::Syntax {
            at,
            message: format!(
                "{what} is not valid JSON: {}",
                crate::rules::strip_position(&error)
            ),
        });
    }
    Ok(())
}

/// After `log`: the root's other members, then nothing but whitespace.
fn finish_root<R: Read>(scanner: &mut Scanner<R>) -> ScanResult<()> {
    while scanner.next_or_close(b'}', "after the \"log\" member")? {
        let key = scanner.key()?;
        skip_checked(scanner, &format!("{key:?}"))?;
    }
    match scanner.peek_token()? {
        None => Ok(()),
        Some(_) => Err(scanner.error("unexpected text after the end of the HAR")),
    }
}

fn kind_of_json(bytes: &[u8]) -> &'static str {
    match bytes.first() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

/// The byte offset of a serde error inside `bytes`.
fn serde_offset(bytes: &[u8], error: &serde_json::Error) -> usize {
    crate::check::offset_of(bytes, error.line(), error.column())
}

/// Parses one entry and hands its response to the sink.
fn entry(bytes: &[u8], at: TextPos, index: usize, options: &LoadOptions, sink: &mut dyn Sink) {
    let locator = SliceLocator {
        text: bytes,
        base: at,
    };
    let malformed = |sink: &mut dyn Sink, offset: usize, message: String| {
        sink.malformed(
            locator.base.advance(&bytes[..offset.min(bytes.len())]),
            index,
            message,
        );
    };
    let entry: Entry<'_> = match serde_json::from_slice(bytes) {
        Ok(entry) => entry,
        Err(error) => {
            let offset = serde_offset(bytes, &error);
            let message = format!(
                "HAR entry {index} is not valid: {}",
                crate::rules::strip_position(&error)
            );
            return malformed(sink, offset, message);
        }
    };
    let Some(har_response) = entry.response else {
        return malformed(sink, 0, format!("HAR entry {index} has no \"response\""));
    };
    let status = match har_response.status {
        None => Status::Missing,
        Some(raw) => status_of(raw.get()),
    };
    if matches!(status, Status::Code(code) if code <= 0) {
        // Blocked, failed or aborted requests (Chrome's 0, Playwright's -1): nothing was received.
        sink.skipped(1);
        return;
    }
    let request = entry.request;
    let url = request
        .as_ref()
        .and_then(|r| r.url.as_deref())
        .map(redact_url);
    let headers = Headers(
        har_response
            .headers
            .unwrap_or_default()
            .into_iter()
            .map(|h| {
                let value = h.text();
                (h.name, value)
            })
            .collect(),
    );
    let content = har_response.content;
    let content_type = content
        .as_ref()
        .and_then(|c| c.mime_type.clone())
        .filter(|m| !m.trim().is_empty())
        .or_else(|| {
            headers
                .get("content-type")
                .map(|v| Cow::Owned(v.to_string()))
        });

    let selected = match &options.url_filter {
        Some(globs) => url.as_deref().is_some_and(|u| globs.is_match(u)),
        None => {
            let accept_json = request
                .as_ref()
                .and_then(|r| r.headers.as_ref())
                .and_then(|hs| hs.iter().find(|h| h.name.eq_ignore_ascii_case("accept")))
                .is_some_and(|h| h.text().to_ascii_lowercase().contains("json"));
            content_type.as_deref().is_some_and(is_json_media_type)
                || entry
                    .resource_type
                    .as_deref()
                    .is_some_and(|t| t == "xhr" || t == "fetch")
                || (matches!(status, Status::Code(400..=599)) && accept_json)
        }
    };
    if !selected {
        sink.skipped(1);
        return;
    }

    let decoded;
    // Browsers fill a 304 entry's content from their cache: it says nothing about what the
    // 304 carried on the wire, so it is treated as not captured.
    let text = content
        .as_ref()
        .and_then(|c| c.text)
        .filter(|_| !matches!(status, Status::Code(304)));
    let body = match text {
        None if matches!(status, Status::Code(304)) => None,
        None => {
            // No text: an empty body when the tool says its size is 0 or the server sent
            // `Content-Length: 0` (Chromium records an empty body as aborted, size -1);
            // otherwise the tool did not store the body.
            let size = content.as_ref().and_then(|c| c.size).unwrap_or(-1.0);
            let empty_on_wire = headers
                .get("content-length")
                .is_some_and(|v| v.trim() == "0");
            (size == 0.0 || empty_on_wire).then(|| Body {
                bytes: Cow::Borrowed(&[][..]),
                origin: BodyOrigin {
                    file: &locator,
                    offset: 0,
                    kind: OriginKind::Decoded,
                },
            })
        }
        Some(raw) => {
            let literal_offset = raw.get().as_ptr() as usize - bytes.as_ptr() as usize + 1;
            let literal = &raw.get().as_bytes()[1..raw.get().len().saturating_sub(1)];
            let text: Cow<'_, str> = match serde_json::from_str(raw.get()) {
                Ok(text) => text,
                Err(_) => {
                    return malformed(
                        sink,
                        literal_offset,
                        format!("HAR entry {index}: \"content.text\" is not a string"),
                    );
                }
            };
            let base64 = content
                .as_ref()
                .and_then(|c| c.encoding.as_deref())
                .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            let mut stored: Cow<'_, [u8]> = match text {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            };
            let mut transformed = false;
            if base64 {
                match decode_base64(&stored) {
                    Some(b) => stored = Cow::Owned(b),
                    None => {
                        return malformed(
                            sink,
                            literal_offset,
                            format!("HAR entry {index}: \"content.text\" is not valid base64"),
                        );
                    }
                }
                transformed = true;
            } else if let Some(hex) =
                polly_hex_chunks(&stored).filter(|b| b.starts_with(&[0x1f, 0x8b]))
            {
                stored = Cow::Owned(hex);
                transformed = true;
            }
            match undo_codings(&stored, Some(&headers), options.max_decoded) {
                Ok(Some(plain)) => {
                    decoded = plain;
                    stored = Cow::Borrowed(&decoded[..]);
                    transformed = true;
                }
                Ok(None) => {}
                Err(too_large) => {
                    return malformed(
                        sink,
                        literal_offset,
                        format!(
                            "HAR entry {index}: the body decodes to more than {} MiB; not checked",
                            too_large.limit >> 20
                        ),
                    );
                }
            }
            let kind = if transformed {
                OriginKind::Decoded
            } else {
                OriginKind::JsonString(literal)
            };
            Some(Body {
                bytes: stored,
                origin: BodyOrigin {
                    file: &locator,
                    offset: literal_offset,
                    kind,
                },
            })
        }
    };

    let mut response = Response::new(index, at, status);
    response.method = request.as_ref().and_then(|r| r.method.clone());
    response.url = url;
    response.headers = Some(headers);
    response.content_type = content_type;
    response.body = body;
    sink.response(&response);
}

/// A HAR status: integers are codes; anything else is described for `unknown-status`.
pub fn status_of(raw: &str) -> Status {
    if let Ok(code) = raw.parse::<i64>() {
        return Status::Code(code);
    }
    let what = match raw.as_bytes().first() {
        Some(b'"') => format!(
            "a string ({})",
            crate::rules::quote(&serde_json::from_str::<String>(raw).unwrap_or_default())
        ),
        Some(b'n') => return Status::Missing,
        Some(b'-' | b'0'..=b'9') => {
            format!("the number {}", crate::rules::quote(raw).trim_matches('"'))
        }
        _ => "not a number".to_string(),
    };
    Status::NotANumber(what)
}

/// Standard base64, tolerating line breaks and missing padding as some tools write it.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(&compact))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_statuses_are_described() {
        assert_eq!(status_of("404"), Status::Code(404));
        assert_eq!(status_of("-1"), Status::Code(-1));
        assert_eq!(status_of("null"), Status::Missing);
        assert_eq!(
            status_of("\"404\""),
            Status::NotANumber("a string (\"404\")".into())
        );
        assert_eq!(
            status_of("404.5"),
            Status::NotANumber("the number 404.5".into())
        );
        assert_eq!(
            status_of("99999999999999999999"),
            Status::NotANumber("the number 99999999999999999999".into())
        );
    }

    #[test]
    fn base64_is_forgiving_about_layout() {
        assert_eq!(decode_base64(b"e30=").as_deref(), Some(&b"{}"[..]));
        assert_eq!(decode_base64(b"e3\n0").as_deref(), Some(&b"{}"[..]));
        assert_eq!(decode_base64(b"not base64!"), None);
    }
}
