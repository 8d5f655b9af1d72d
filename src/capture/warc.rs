//! WARC 1.0 and 1.1 web archives (ISO 28500; https://iipc.github.io/warc-specifications/),
//! plain or as `.warc.gz` with one gzip member per record (decompressed as a whole stream
//! before this loader sees it): one raw HTTP response per `response` record whose block is
//! `application/http`.
//!
//! Each record is a `WARC/1.x` line, named fields, a blank line, `Content-Length` bytes of
//! block and two line ends. The block of a response record is read by the raw HTTP loader
//! (chunked framing and compression undone when really present). Other record types are
//! ignored, except that a `request` record gives its response the method: the one whose
//! `WARC-Concurrent-To` names the response, else one with the same `WARC-Target-URI`.
//! A record whose `Content-Length` does not end where the next record begins is one
//! finding, and reading goes on at the next record. Request text is never shown.

use std::collections::BTreeMap;

use memchr::memmem;

use super::raw_http::{self, Request};
use super::{Format, LoadOptions, Reads, Sink};
use crate::position::{LineIndex, TextPos};

/// How a WARC file starts (its version line).
const MAGIC: &[u8] = b"WARC/1.";

pub static FORMAT: Format = Format {
    name: "WARC",
    reads: Reads::Text {
        starts: |text| text.starts_with(MAGIC),
        load,
    },
};

/// A record's named fields, as (name, value) bytes.
type Fields<'b> = Vec<(&'b [u8], &'b [u8])>;

/// One record's header fields and block.
struct Record<'b> {
    fields: Fields<'b>,
    block: &'b [u8],
}

impl<'b> Record<'b> {
    fn field(&self, name: &str) -> Option<&'b [u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.field(name)
            .map(|v| String::from_utf8_lossy(v).trim().to_string())
    }

    /// `WARC-Target-URI`, without the angle brackets WARC 1.0 writers such as wget put
    /// around it.
    fn target(&self) -> Option<String> {
        self.text("WARC-Target-URI").map(|uri| {
            uri.strip_prefix('<')
                .and_then(|u| u.strip_suffix('>'))
                .map_or(uri.clone(), str::to_string)
        })
    }

    fn is(&self, kind: &str) -> bool {
        self.field("WARC-Type")
            .is_some_and(|t| t.trim_ascii().eq_ignore_ascii_case(kind.as_bytes()))
    }
}

/// Loads every response record of a WARC text whose first byte sits at `start`.
pub fn load(bytes: &[u8], start: TextPos, options: &LoadOptions, sink: &mut dyn Sink) {
    let index = LineIndex::new(bytes, start);
    // Every record in file order, broken ones with what is wrong with them.
    let mut records: Vec<Result<Record<'_>, Broken>> = Vec::new();
    let mut pos = 0;
    while let Some(record_start) = next_record(bytes, pos) {
        match record(bytes, record_start) {
            Ok((record, next)) => {
                pos = next;
                records.push(Ok(record));
            }
            Err((message, resume)) => {
                let response = bytes
                    .get(record_start..)
                    .and_then(header_block)
                    .is_some_and(|(fields, _)| {
                        fields.iter().any(|(n, v)| {
                            n.eq_ignore_ascii_case(b"WARC-Type")
                                && v.eq_ignore_ascii_case(b"response")
                        })
                    });
                records.push(Err(Broken {
                    start: record_start,
                    message,
                    response,
                }));
                pos = resume;
            }
        }
    }

    // Methods of request records, by the response they name and by their target.
    let mut by_response: BTreeMap<String, String> = BTreeMap::new();
    let mut by_target: BTreeMap<String, String> = BTreeMap::new();
    for request in records.iter().flatten().filter(|r| r.is("request")) {
        let Some(method) = request_method(request.block) else {
            continue;
        };
        if let Some(id) = request.text("WARC-Concurrent-To") {
            by_response.entry(id).or_insert_with(|| method.clone());
        }
        if let Some(target) = request.target() {
            by_target.entry(target).or_insert(method);
        }
    }

    let mut next_index = 0;
    for record in &records {
        let record = match record {
            Ok(record) if record.is("response") => record,
            Ok(_) => continue,
            Err(broken) => {
                sink.malformed(
                    index.position(broken.start),
                    next_index,
                    broken.message.clone(),
                );
                // A broken response record keeps its number, so later ones keep theirs.
                next_index += usize::from(broken.response);
                continue;
            }
        };
        let first_index = next_index;
        next_index += 1;
        let http = record
            .text("Content-Type")
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/http"))
            || record.block.trim_ascii_start().starts_with(b"HTTP/");
        if !http {
            continue;
        }
        let target = record.target();
        let method = record
            .text("WARC-Record-ID")
            .and_then(|id| by_response.get(&id))
            .or_else(|| target.as_ref().and_then(|t| by_target.get(t)))
            .cloned();
        let request = Request {
            method,
            url: target,
        };
        if !options.url_selects(request.url.as_deref()) {
            sink.skipped(1);
            continue;
        }
        let count = raw_http::responses(record.block, &index, first_index, &request, options, sink);
        next_index = first_index + count.max(1);
    }
}

/// A record that could not be read.
struct Broken {
    start: usize,
    message: String,
    /// Whether it said it was a response record.
    response: bool,
}

/// Where the next record's version line starts, from `pos` on (records are separated by
/// blank lines).
fn next_record(bytes: &[u8], pos: usize) -> Option<usize> {
    let rest = bytes.get(pos..)?;
    let lead = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[lead..].starts_with(MAGIC) {
        return Some(pos + lead);
    }
    // Junk between records: the next version line at the start of a line.
    memmem::find(&rest[lead..], b"\nWARC/1.").map(|i| pos + lead + i + 1)
}

/// A record's header fields and the offset after its blank line, for a text at a version
/// line. `None` when the blank line never comes.
fn header_block(text: &[u8]) -> Option<(Fields<'_>, usize)> {
    let mut fields = Vec::new();
    let mut cursor = memchr::memchr(b'\n', text)? + 1;
    loop {
        let end = memchr::memchr(b'\n', text.get(cursor..)?)? + cursor;
        let line = &text[cursor..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        cursor = end + 1;
        if line.is_empty() {
            return Some((fields, cursor));
        }
        if let Some(colon) = memchr::memchr(b':', line) {
            fields.push((line[..colon].trim_ascii(), line[colon + 1..].trim_ascii()));
        }
    }
}

/// Reads the record at `start`: the record and where reading goes on, or what is wrong and
/// where the next record may begin.
fn record(bytes: &[u8], start: usize) -> Result<(Record<'_>, usize), (String, usize)> {
    let text = &bytes[start..];
    let resume_after = |offset: usize| {
        memmem::find(&bytes[offset..], b"\nWARC/1.").map_or(bytes.len(), |i| offset + i + 1)
    };
    let Some((fields, header_len)) = header_block(text) else {
        return Err((
            "the WARC record's header never ends (no blank line); the file is cut short".into(),
            bytes.len(),
        ));
    };
    let block_start = start + header_len;
    let length = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(b"Content-Length"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse::<usize>().ok());
    let Some(length) = length else {
        return Err((
            "the WARC record has no valid \"Content-Length\"; it was not read".into(),
            resume_after(block_start),
        ));
    };
    let block_end = block_start.saturating_add(length);
    // The block is followed by two line ends, then the next record or the end of the file.
    // Writers are lenient about the line ends (warcio reads past extra ones), so only
    // something other than whitespace before the next record means the length lies.
    let fits = bytes.get(block_end..).is_some_and(|after| {
        let trimmed = after.trim_ascii_start();
        trimmed.is_empty() || trimmed.starts_with(MAGIC)
    });
    if !fits {
        return Err((
            format!(
                "the WARC record's \"Content-Length\" ({length}) does not end where the next record begins; the record was not read"
            ),
            resume_after(block_start),
        ));
    }
    Ok((
        Record {
            fields,
            block: &bytes[block_start..block_end],
        },
        block_end,
    ))
}

/// The method of a request record's HTTP request: the first word of its request line,
/// when it is a method token. Nothing else of the request is read.
fn request_method(block: &[u8]) -> Option<String> {
    let line_end = memchr::memchr(b'\n', block).unwrap_or(block.len());
    let word = block[..line_end].split(|&b| b == b' ').next()?;
    let token = !word.is_empty() && word.len() <= 16 && word.iter().all(u8::is_ascii_uppercase);
    token.then(|| String::from_utf8_lossy(word).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_give_only_a_method() {
        assert_eq!(
            request_method(b"GET /a?token=x HTTP/1.1\r\n").as_deref(),
            Some("GET")
        );
        assert_eq!(request_method(b"get /a HTTP/1.1"), None);
        assert_eq!(request_method(b""), None);
    }

    #[test]
    fn a_record_must_end_where_the_next_begins() {
        let good = b"WARC/1.0\r\nContent-Length: 2\r\n\r\nab\r\n\r\nWARC/1.0\r\n";
        assert!(record(good, 0).is_ok());
        let long = b"WARC/1.0\r\nContent-Length: 9\r\n\r\nab\r\n\r\nWARC/1.0\r\n";
        let (_, resume) = record(long, 0).err().unwrap();
        assert_eq!(&long[resume..resume + 6], b"WARC/1");
        let past_end = b"WARC/1.0\r\nContent-Length: 99\r\n\r\nab";
        assert!(record(past_end, 0).is_err());
    }
}
