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

/// Where the next request line (`GET /path HTTP/1.1`, see `is_request_line`) starts at the
/// beginning of a line, searching from `from` (itself a line start). Line starts are walked
/// once, each line tested on its own bytes, so every byte is looked at a bounded number of
/// times however many partial request lines the text holds. A line ends at LF, CRLF or a lone
/// CR.
fn next_request_line(bytes: &[u8], from: usize) -> Option<usize> {
    let mut start = from;
    while start < bytes.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        examined(end + 1 - start);
        if is_request_line(&bytes[start..end]) {
            return Some(start);
        }
        start = end + 1;
    }
    None
}

/// True for a line (without its line end) that starts a request: `METHOD target HTTP/d[.d]`
/// (RFC 9112 §3), read tolerantly, because whatever follows it is never to be shown: spaces or
/// tabs before, between (any number) and after the parts, curl `-v`'s `> ` before it, and a
/// target with spaces in it. The method is upper-case letters, `-` and `_` (`M-SEARCH`).
/// Looks at each byte of the line at most twice.
fn is_request_line(line: &[u8]) -> bool {
    examined(2 * line.len());
    let is_space = |b: &u8| *b == b' ' || *b == b'\t';
    let line = trim_start(line, is_space);
    let line = match line.strip_prefix(b">") {
        Some(rest) => trim_start(rest, is_space),
        None => line,
    };
    let method_len = line.iter().take_while(|b| !is_space(b)).count();
    let method = &line[..method_len];
    if !(1..=32).contains(&method.len())
        || !method[0].is_ascii_uppercase()
        || !method
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
    {
        return false;
    }
    let rest = trim_end(&line[method_len..], is_space);
    let Some(last_space) = rest.iter().rposition(is_space) else {
        return false;
    };
    let version_ok = match rest[last_space + 1..].strip_prefix(b"HTTP/") {
        Some([major]) => major.is_ascii_digit(),
        Some([major, b'.', minor]) => major.is_ascii_digit() && minor.is_ascii_digit(),
        _ => false,
    };
    // The target: what lies between method and version, which must be something.
    version_ok && rest[..last_space].iter().any(|b| !is_space(b))
}

fn trim_start(bytes: &[u8], strip: impl Fn(&u8) -> bool) -> &[u8] {
    let skip = bytes.iter().take_while(|b| strip(b)).count();
    &bytes[skip..]
}

fn trim_end(bytes: &[u8], strip: impl Fn(&u8) -> bool) -> &[u8] {
    let keep = bytes.len() - bytes.iter().rev().take_while(|b| strip(b)).count();
    &bytes[..keep]
}

/// Counts bytes the scans for status and request lines look at, so that tests can hold them
/// to a bounded number of looks per byte (docs/security.md: time is linear); nothing
/// outside tests.
#[inline]
fn examined(bytes: usize) {
    #[cfg(test)]
    EXAMINED.with(|count| count.set(count.get() + bytes));
    #[cfg(not(test))]
    let _ = bytes;
}

#[cfg(test)]
thread_local! {
    static EXAMINED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The line at `pos` without its line end, and the offset after the line end.
fn next_line(bytes: &[u8], pos: usize) -> (&[u8], usize) {
    match memchr::memchr(b'\n', &bytes[pos..]) {
        Some(i) => {
            examined(i + 1);
            let line = &bytes[pos..pos + i];
            (line.strip_suffix(b"\r").unwrap_or(line), pos + i + 1)
        }
        None => {
            examined(bytes.len() - pos);
            (&bytes[pos..], bytes.len())
        }
    }
}

/// True for `HTTP/<digit>[.<digit>] <3 digits>`, the start of a status line. Looks at no
/// more than the 12 bytes such a start has, however long the line.
fn is_status_line(line: &[u8]) -> bool {
    examined(line.len().min(12));
    let Some(rest) = line.strip_prefix(b"HTTP/") else {
        return false;
    };
    let version_len = match rest {
        [major, b'.', minor, ..] if major.is_ascii_digit() && minor.is_ascii_digit() => 3,
        [major, ..] if major.is_ascii_digit() => 1,
        _ => return false,
    };
    let code = rest
        .get(version_len + 1..version_len + 4)
        .unwrap_or_default();
    rest.get(version_len) == Some(&b' ') && code.len() == 3 && code.iter().all(u8::is_ascii_digit)
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
        examined(i + 1);
        if is_status_line(&bytes[candidate..]) {
            return Some(candidate);
        }
        search = candidate;
    }
    examined(bytes.len() - search);
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
        assert!(is_request_line(b"DELETE /a?b HTTP/2"));
        assert!(!is_request_line(b"the HTTP/1.1 spec says"));
        assert!(!is_request_line(b"GET / HTTP/1.1 extra"));
    }

    #[test]
    fn request_lines_are_recognised_however_they_are_spaced() {
        for line in [
            "GET /v1/me HTTP/1.1",
            "GET  /v1/me   HTTP/1.1",
            "GET\t/v1/me\tHTTP/1.1",
            "GET /v1/me HTTP/1.1   ",
            "GET /v1/me HTTP/1.1\t \t",
            "  GET /v1/me HTTP/1.1",
            "> GET /v1/me HTTP/1.1",
            ">GET /v1/me HTTP/2",
            ">  \tPOST https://u:p@h/x?y HTTP/1.0 ",
            "M-SEARCH * HTTP/1.1",
            "GET /a b?c d HTTP/1.1",
            "CONNECT h:443 HTTP/3",
        ] {
            assert!(is_request_line(line.as_bytes()), "{line:?}");
        }
        for line in [
            "",
            "GET",
            "GET /v1/me",
            "GET HTTP/1.1",
            "GET   HTTP/1.1",
            "get /v1/me HTTP/1.1",
            "GET /v1/me HTTP/1.1 x",
            "GET /v1/me HTTP/11",
            "GET /v1/me http/1.1",
            "\"GET /v1/me HTTP/1.1\"",
            ">> GET /v1/me HTTP/1.1",
        ] {
            assert!(!is_request_line(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn a_request_line_ends_at_any_line_end() {
        for (text, at) in [
            (&b"{}\nGET /x HTTP/1.1\nA: b"[..], 3),
            (b"{}\r\nGET /x HTTP/1.1\r\nA: b", 4),
            (b"{}\rGET /x HTTP/1.1\rA: b", 3),
            (b"{}\rGET /x HTTP/1.1", 3),
            (b"GET /x HTTP/1.1\r\n", 0),
        ] {
            assert_eq!(next_request_line(text, 0), Some(at), "{text:?}");
        }
        assert_eq!(next_request_line(b"{} GET /x HTTP/1.1\n", 0), None);
    }

    /// Loads `text` as a raw HTTP file, returning how many bytes the scans looked at.
    fn work_to_load(text: &[u8]) -> usize {
        struct Nothing;
        impl Sink for Nothing {
            fn response(&mut self, _: &Response<'_>) {}
            fn skipped(&mut self, _: usize) {}
            fn malformed(&mut self, _: TextPos, _: usize, _: String) {}
        }
        EXAMINED.with(|count| count.set(0));
        load(text, TextPos::START, &LoadOptions::default(), &mut Nothing);
        EXAMINED.with(std::cell::Cell::get)
    }

    /// Makes a crafted input of about the given size.
    type Crafted = fn(usize) -> Vec<u8>;

    /// Inputs shaped to make a scan that starts again per candidate quadratic: bodies made of
    /// partial request lines and status lines, at n and 4n bytes. The work, counted in bytes
    /// looked at (never time), stays within a small multiple of the input's size, and grows
    /// with it linearly.
    #[test]
    fn scans_look_at_each_byte_a_bounded_number_of_times() {
        let crafted: [(&str, Crafted); 9] = [
            ("GET repeated", |n| b"GET ".repeat(n / 4)),
            ("lines of A A A", |n| b"A A A\n".repeat(n / 6)),
            ("HTTP/ on one line", |n| {
                let mut text = b"X".to_vec();
                text.extend(b" HTTP/".repeat(n / 6));
                text
            }),
            ("request lookalikes on one line", |n| {
                b"GET /x HTTP/1.1 ".repeat(n / 16)
            }),
            ("status lookalikes", |n| b"\nHTTP/".repeat(n / 6)),
            ("status lookalikes with spaces", |n| {
                b"\nHTTP/1.1 20".repeat(n / 12)
            }),
            ("CR-only lines", |n| b"\rGET / HTTP/1.".repeat(n / 15)),
            ("spaces", |n| {
                let mut text = b"GET".to_vec();
                text.extend(b" ".repeat(n));
                text
            }),
            ("real requests and responses", |n| {
                b"HTTP/1.1 401 Unauthorized\r\n\r\n{}\r\nGET /v1 HTTP/1.1\r\nA: b\r\n\r\n"
                    .repeat(n / 53)
            }),
        ];
        let n = 64 * 1024;
        for (name, make) in crafted {
            let mut small = b"HTTP/1.1 500 Internal Server Error\r\n\r\n".to_vec();
            small.extend(make(n));
            let mut large = b"HTTP/1.1 500 Internal Server Error\r\n\r\n".to_vec();
            large.extend(make(4 * n));
            let (work_small, work_large) = (work_to_load(&small), work_to_load(&large));
            assert!(
                work_small <= 8 * small.len(),
                "{name}: {work_small} bytes looked at for {}",
                small.len()
            );
            assert!(
                work_large <= 8 * large.len(),
                "{name}: {work_large} bytes looked at for {}",
                large.len()
            );
            assert!(
                work_large <= 5 * work_small,
                "{name}: {work_small} at n, {work_large} at 4n"
            );
        }
    }

    #[test]
    fn a_body_ends_at_the_next_status_line_only() {
        let text = b"HTTP/1.1 200 OK\n\nline\nHTTP/1.1 is great\nHTTP/1.1 404 Not Found\n\n";
        assert_eq!(next_status_line(text, 17), Some(40));
    }
}
