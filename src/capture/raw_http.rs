//! Raw HTTP as `curl -i` and proxies write it: one or more responses, each a status line,
//! headers, a blank line and a body.
//!
//! `Content-Length` is never trusted to frame a body (tools print a redirect's headers
//! without its body, and hand-edited fixtures rarely update it): a new response starts at a
//! status line after the previous header block (docs/inputs.md). CRLF, LF and mixed line ends all
//! work; HTTP/1.0, 1.1, 2 and 3 status lines with or without a reason phrase.

use std::borrow::Cow;

use memchr::memmem;

use super::decode::undo_codings;
use super::{Format, LoadOptions, Reads, Sink};
use crate::position::{LineIndex, TextPos};
use crate::response::{Body, BodyOrigin, Headers, OriginKind, Response, Status};

/// Raw HTTP: text starting with a status line (`HTTP/1.1 404 Not Found`).
pub static FORMAT: Format = Format {
    name: "raw HTTP",
    reads: Reads::Text {
        starts: |text| text.starts_with(b"HTTP/"),
        load,
    },
};

/// Loads every response of a raw HTTP text whose first byte sits at `start`.
pub fn load(bytes: &[u8], start: TextPos, options: &LoadOptions, sink: &mut dyn Sink) {
    let index = LineIndex::new(bytes, start);
    responses(bytes, &index, 0, &Request::default(), options, sink);
}

/// What is known of the request that raw responses answered, from elsewhere in a capture
/// (a WARC request record, a Fiddler session's client file).
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: Option<String>,
    pub url: Option<String>,
}

/// Loads every response in `bytes`, the part of the text `index` covers from `bytes`' start,
/// numbering them from `first_index`; returns how many there were. Offsets are those of
/// `index`'s text, so positions come out right for a response inside a larger file.
pub fn responses(
    bytes: &[u8],
    index: &LineIndex<'_>,
    first_index: usize,
    request: &Request,
    options: &LoadOptions,
    sink: &mut dyn Sink,
) -> usize {
    let base = index.offset_of(bytes);
    let mut pos = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let mut response_index = first_index;
    while pos < bytes.len() {
        let (line, after_status) = next_line(bytes, pos);
        let status = parse_status_line(line);
        // Header lines until a blank line (or the end of the file).
        let mut header_list = Vec::new();
        let mut cursor = after_status;
        while cursor < bytes.len() {
            let (line, next) = next_line(bytes, cursor);
            cursor = next;
            if line.is_empty() {
                break;
            }
            if line.starts_with(b" ") || line.starts_with(b"\t") {
                // An obsolete folded continuation of the previous header (RFC 9112 §5.2).
                if let Some((_, value)) = header_list.last_mut() {
                    let value: &mut Cow<'_, str> = value;
                    value.to_mut().push(' ');
                    value
                        .to_mut()
                        .push_str(String::from_utf8_lossy(line.trim_ascii()).as_ref());
                }
                continue;
            }
            if let Some(colon) = line.iter().skip(1).position(|&b| b == b':').map(|i| i + 1) {
                let name = String::from_utf8_lossy(line[..colon].trim_ascii());
                let value = String::from_utf8_lossy(line[colon + 1..].trim_ascii());
                header_list.push((name, value));
            }
        }
        let body_start = cursor.min(bytes.len());
        // A body also ends where a request begins: proxies and hand-made fixtures write the
        // next exchange's request after a response, and its lines (`Authorization: …`) must
        // never be read, or shown, as body text.
        let next_response = next_status_line(bytes, body_start).unwrap_or(bytes.len());
        let body_end =
            next_request_line(&bytes[..next_response], body_start).unwrap_or(next_response);
        let headers = Headers(header_list);
        let raw_body = &bytes[body_start..body_end];

        let mut response = Response::new(response_index, index.position(base + pos), status);
        response.method = request.method.as_deref().map(Cow::Borrowed);
        response.raw_url = request.url.as_deref().map(Cow::Borrowed);
        response.content_type = headers
            .get("content-type")
            .map(|v| Cow::Owned(v.to_string()));
        let body = match undo_codings(
            raw_body,
            Some(&headers),
            options.max_decoded,
            &options.budget,
        ) {
            Ok(Some(decoded)) => Some(Body {
                bytes: Cow::Owned(decoded),
                origin: BodyOrigin {
                    file: index,
                    offset: base + body_start,
                    kind: OriginKind::Decoded,
                },
            }),
            Ok(None) => Some(Body {
                bytes: Cow::Borrowed(raw_body),
                origin: BodyOrigin {
                    file: index,
                    offset: base + body_start,
                    kind: OriginKind::Verbatim,
                },
            }),
            Err(too_large) => {
                sink.malformed(
                    index.position(base + body_start),
                    response_index,
                    format!("response {response_index}: {too_large}; not checked"),
                );
                None
            }
        };
        if body.is_some() {
            response.headers = Some(headers);
            response.body = body;
            sink.response(&response);
        }
        response_index += 1;
        pos = body_end;
        if pos < bytes.len() && !is_status_line(&bytes[pos..]) {
            // A request: skipped whole, up to the next response.
            pos = next_status_line(bytes, pos).unwrap_or(bytes.len());
        }
    }
    response_index - first_index
}

/// Where the next request line (`GET /path HTTP/1.1`) starts at the beginning of a line,
/// searching from `from`.
fn next_request_line(bytes: &[u8], from: usize) -> Option<usize> {
    let finder = memmem::Finder::new(b" HTTP/");
    let mut search = from;
    while let Some(i) = finder.find(&bytes[search..]) {
        let found = search + i;
        let line_start = memchr::memrchr(b'\n', &bytes[from..found]).map_or(from, |j| from + j + 1);
        if is_request_line(&bytes[line_start..]) {
            return Some(line_start);
        }
        search = found + 1;
    }
    None
}

/// True for `METHOD SP request-target SP HTTP/d[.d]` (RFC 9112 §3), the start of a request.
fn is_request_line(text: &[u8]) -> bool {
    let line_end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let line = text[..line_end]
        .strip_suffix(b"\r")
        .unwrap_or(&text[..line_end]);
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let version_ok = match version.strip_prefix(b"HTTP/") {
        Some([major]) => major.is_ascii_digit(),
        Some([major, b'.', minor]) => major.is_ascii_digit() && minor.is_ascii_digit(),
        _ => false,
    };
    (1..=20).contains(&method.len())
        && method.iter().all(|b| b.is_ascii_uppercase() || *b == b'-')
        && !target.is_empty()
        && version_ok
}

/// The line at `pos` without its line end, and the offset after the line end.
fn next_line(bytes: &[u8], pos: usize) -> (&[u8], usize) {
    match memchr::memchr(b'\n', &bytes[pos..]) {
        Some(i) => {
            let line = &bytes[pos..pos + i];
            (line.strip_suffix(b"\r").unwrap_or(line), pos + i + 1)
        }
        None => (&bytes[pos..], bytes.len()),
    }
}

/// True for `HTTP/<digit>[.<digit>] <3 digits>`, the start of a status line.
fn is_status_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"HTTP/") else {
        return false;
    };
    let version_len = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let version = &rest[..version_len];
    let version_ok = match version {
        [major] => major.is_ascii_digit(),
        [major, b'.', minor] => major.is_ascii_digit() && minor.is_ascii_digit(),
        _ => false,
    };
    let code = rest
        .get(version_len + 1..version_len + 4)
        .unwrap_or_default();
    version_ok && code.len() == 3 && code.iter().all(u8::is_ascii_digit)
}

/// Where the next response's status line starts, searching from `from` (a response with
/// no body, like `100 Continue`, is followed at once by the next status line).
fn next_status_line(bytes: &[u8], from: usize) -> Option<usize> {
    if is_status_line(&bytes[from..]) {
        return Some(from);
    }
    let finder = memmem::Finder::new(b"\nHTTP/");
    let mut search = from;
    while let Some(i) = finder.find(&bytes[search..]) {
        let candidate = search + i + 1;
        if is_status_line(&bytes[candidate..]) {
            return Some(candidate);
        }
        search = candidate;
    }
    None
}

/// The status of a status line such as `HTTP/2 403 ` or `HTTP/1.1 404 Not Found`.
fn parse_status_line(line: &[u8]) -> Status {
    let mut parts = line.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let _version = parts.next();
    match parts.next() {
        None => Status::Missing,
        Some(code) => match std::str::from_utf8(code)
            .ok()
            .and_then(|c| c.parse::<i64>().ok())
        {
            Some(code) => Status::Code(code),
            None => Status::NotANumber(format!(
                "{} in the status line",
                crate::text::quote(&String::from_utf8_lossy(code))
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert!(is_status_line(b"HTTP/1.1 200 OK"));
        assert!(is_status_line(b"HTTP/2 403 "));
        assert!(is_status_line(b"HTTP/3 204"));
        assert!(!is_status_line(b"HTTP/1.1 20"));
        assert!(!is_status_line(b"HTTP/11.1 200"));
        assert_eq!(parse_status_line(b"HTTP/2 403 "), Status::Code(403));
        assert_eq!(
            parse_status_line(b"HTTP/1.1 404 Not Found "),
            Status::Code(404)
        );
        assert_eq!(parse_status_line(b"HTTP/1.1"), Status::Missing);
        assert_eq!(
            parse_status_line(b"HTTP/1.1 abc"),
            Status::NotANumber("\"abc\" in the status line".into())
        );
    }

    #[test]
    fn a_request_after_a_response_is_never_body() {
        let text = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{}\r\n\
GET /v1/me HTTP/1.1\r\nAuthorization: Bearer CANARY\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}";
        let start = text.windows(3).position(|w| w == b"GET").unwrap();
        assert_eq!(next_request_line(text, 0), Some(start));
        assert!(is_request_line(b"DELETE /a?b HTTP/2\r\n"));
        assert!(!is_request_line(b"the HTTP/1.1 spec says\n"));
        assert!(!is_request_line(b"GET / HTTP/1.1 extra\n"));
    }

    #[test]
    fn a_body_ends_at_the_next_status_line_only() {
        let text = b"HTTP/1.1 200 OK\n\nline\nHTTP/1.1 is great\nHTTP/1.1 404 Not Found\n\n";
        assert_eq!(next_status_line(text, 17), Some(40));
    }
}
