//! WARC 1.0 and 1.1 web archives (ISO 28500; https://iipc.github.io/warc-specifications/),
//! plain or as `.warc.gz` with one gzip member per record (decompressed as one stream before
//! this loader sees it): one raw HTTP response per `response` record whose block is
//! `application/http`.
//!
//! Each record is a `WARC/1.x` line, named fields, a blank line, `Content-Length` bytes of
//! block and two line ends. Records are read one at a time from the stream, so memory
//! follows the largest record, never the archive. The block of a response record is read by
//! the raw HTTP loader (chunked framing and compression undone when really present). Other
//! record types are ignored, except that a `request` record gives a response its method:
//! the one read just after it whose `WARC-Concurrent-To` names it (warcio, warcprox), or
//! one of the last requests read before it for the same `WARC-Target-URI` (wget). A record
//! whose `Content-Length` does not end where the next record begins is one finding, and
//! reading goes on at the next record. Request text is never shown.

use std::collections::VecDeque;
use std::io::{self, Read};

use memchr::memmem;

use super::raw_http::{self, Request};
use super::{Format, LoadOptions, Reads, Sink};
use crate::position::{LineIndex, TextPos};

/// How a WARC file starts (its version line).
const MAGIC: &[u8] = b"WARC/1.";

/// A version line at the start of a line: where the next record may begin.
const NEXT_RECORD: &[u8] = b"\nWARC/1.";

/// A record's header is a few hundred bytes; one this long is not a header.
const MAX_HEADER: usize = 64 * 1024;

/// Bytes read from the input at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Request records remembered for responses written after them (wget writes each request
/// just before its response): enough for any writer's interleaving, and a bound on memory.
const RECENT_REQUESTS: usize = 64;

pub static FORMAT: Format = Format {
    name: "WARC",
    reads: Reads::Stream {
        starts: |text| text.starts_with(MAGIC),
        load,
    },
};

/// The header fields errlint reads, and the block, of one record.
struct Record {
    kind: Option<String>,
    id: Option<String>,
    concurrent_to: Option<String>,
    target: Option<String>,
    content_type: Option<String>,
    block: Vec<u8>,
    /// Where the block starts in the file.
    block_at: TextPos,
}

impl Record {
    fn is(&self, kind: &str) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(kind))
    }
}

/// What the stream holds next.
enum Next {
    Record(Record),
    /// A record that cannot be read: where it starts, why, and whether it said it was a
    /// response (it keeps its number, so later responses keep theirs).
    Broken {
        at: TextPos,
        message: String,
        response: bool,
    },
    End,
}

/// Loads every response record of a WARC stream whose first byte sits at `start`.
pub fn load(reader: &mut dyn Read, start: TextPos, options: &LoadOptions, sink: &mut dyn Sink) {
    let mut input = Window::new(reader, start);
    // The block cap: a record larger than the largest body errlint decodes is not read.
    let cap = options.max_decoded.saturating_add(MAX_HEADER);
    let mut responses = Responses {
        next_index: 0,
        pending: None,
        recent: VecDeque::new(),
        options,
    };
    loop {
        match input.next(cap) {
            Ok(Next::End) => break,
            Ok(Next::Broken {
                at,
                message,
                response,
            }) => {
                responses.flush(sink);
                sink.malformed(at, responses.next_index, message);
                responses.next_index += usize::from(response);
            }
            Ok(Next::Record(record)) => responses.record(record, sink),
            Err(error) => {
                responses.flush(sink);
                let at = input.at;
                sink.malformed(
                    at,
                    responses.next_index,
                    format!("the file could not be read: {error}"),
                );
                return;
            }
        }
    }
    responses.flush(sink);
}

/// Pairs responses with the methods of their request records and hands them to the sink.
struct Responses<'o> {
    next_index: usize,
    /// The last response record, held until the record after it is read: warcio and
    /// warcprox write a response's request record right after it.
    pending: Option<Record>,
    /// The targets and methods of the latest request records, newest last.
    recent: VecDeque<(String, String)>,
    options: &'o LoadOptions,
}

impl Responses<'_> {
    fn record(&mut self, record: Record, sink: &mut dyn Sink) {
        if record.is("request") {
            let Some(method) = request_method(&record.block) else {
                return;
            };
            if let Some(pending) = self.pending.take() {
                let names_it = pending.id.is_some() && pending.id == record.concurrent_to;
                let same_target = pending.target.is_some() && pending.target == record.target;
                if names_it || same_target {
                    self.emit(pending, Some(method.clone()), sink);
                } else {
                    self.pending = Some(pending);
                }
            }
            if let Some(target) = record.target {
                if self.recent.len() == RECENT_REQUESTS {
                    self.recent.pop_front();
                }
                self.recent.push_back((target, method));
            }
            return;
        }
        if record.is("response") {
            self.flush(sink);
            self.pending = Some(record);
        }
    }

    /// Hands over the held response, with a method from an earlier request if any.
    fn flush(&mut self, sink: &mut dyn Sink) {
        if let Some(pending) = self.pending.take() {
            let method = pending.target.as_ref().and_then(|target| {
                self.recent
                    .iter()
                    .rev()
                    .find(|(t, _)| t == target)
                    .map(|(_, method)| method.clone())
            });
            self.emit(pending, method, sink);
        }
    }

    fn emit(&mut self, record: Record, method: Option<String>, sink: &mut dyn Sink) {
        let first_index = self.next_index;
        self.next_index += 1;
        let http = record
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/http"))
            || record.block.trim_ascii_start().starts_with(b"HTTP/");
        if !http {
            return;
        }
        let request = Request {
            method,
            url: record.target,
        };
        if !self.options.url_selects(request.url.as_deref()) {
            sink.skipped(1);
            return;
        }
        let index = LineIndex::new(&record.block, record.block_at);
        let count = raw_http::responses(
            &record.block,
            &index,
            first_index,
            &request,
            self.options,
            sink,
        );
        self.next_index = first_index + count.max(1);
    }
}

/// The input from the current record on, read as needed.
struct Window<'r> {
    reader: &'r mut dyn Read,
    /// Bytes read; those before `pos` are done with and dropped at the next read.
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Where `buf[pos]` sits in the file.
    at: TextPos,
}

impl<'r> Window<'r> {
    fn new(reader: &'r mut dyn Read, at: TextPos) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            at,
        }
    }

    /// The bytes not yet consumed.
    fn data(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Reads one more chunk; false at the end of the input.
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // Consumed bytes go once per read, not once per record.
        self.buf.drain(..self.pos.min(self.buf.len()));
        self.pos = 0;
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let read = loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.buf.truncate(old);
                    return Err(error);
                }
            }
        };
        self.buf.truncate(old + read);
        self.eof = read == 0;
        Ok(read > 0)
    }

    /// Reads until `len` unconsumed bytes are held; false when the input ends first.
    fn fill_to(&mut self, len: usize) -> io::Result<bool> {
        while self.data().len() < len {
            if !self.more()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Consumes `n` bytes, keeping track of where the rest sits.
    fn consume(&mut self, n: usize) {
        let n = n.min(self.data().len());
        self.at = self.at.advance(&self.data()[..n]);
        self.pos += n;
    }

    /// Skips to the next version line at the start of a line; false at the end of input.
    fn resync(&mut self) -> io::Result<bool> {
        loop {
            if let Some(i) = memmem::find(self.data(), NEXT_RECORD) {
                self.consume(i + 1);
                return Ok(true);
            }
            // Keep what could be the start of a version line cut by the read.
            self.consume(self.data().len().saturating_sub(NEXT_RECORD.len()));
            if !self.more()? {
                self.consume(self.data().len());
                return Ok(false);
            }
        }
    }

    /// Reads the next record, within `cap` bytes of block.
    fn next(&mut self, cap: usize) -> io::Result<Next> {
        loop {
            // Records are separated by line ends.
            loop {
                let blank = self
                    .data()
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                self.consume(blank);
                if !self.data().is_empty() || !self.more()? {
                    break;
                }
            }
            if self.data().is_empty() {
                return Ok(Next::End);
            }
            self.fill_to(MAGIC.len())?;
            if !self.data().starts_with(MAGIC) {
                // Not a record: the previous one's length was checked, so this is junk
                // between records; reading goes on at the next version line.
                if !self.resync()? {
                    return Ok(Next::End);
                }
                continue;
            }
            let record_at = self.at;
            let header_len = loop {
                if let Some(len) = header_len(self.data()) {
                    break len;
                }
                if self.data().len() > MAX_HEADER {
                    return self.broken(
                        record_at,
                        "the WARC record's header is longer than 64 KiB; the record was not read",
                        false,
                    );
                }
                if !self.more()? {
                    let response = is_response(self.data());
                    self.consume(self.data().len());
                    return Ok(Next::Broken {
                        at: record_at,
                        message: "the WARC record's header never ends (no blank line); the file is cut short".into(),
                        response,
                    });
                }
            };
            let header = &self.data()[..header_len];
            let response = is_response(header);
            let Some(length) = field(header, "Content-Length")
                .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
            else {
                self.consume(header_len);
                return self.broken(
                    record_at,
                    "the WARC record has no valid \"Content-Length\"; it was not read",
                    response,
                );
            };
            if length > cap {
                self.consume(header_len);
                return self.broken(
                    record_at,
                    &format!(
                        "the WARC record's block is larger than {} MiB; it was not read",
                        cap >> 20
                    ),
                    response,
                );
            }
            let block_end = header_len + length;
            let complete = self.fill_to(block_end)?;
            // After the block: line ends, then the next record or the end of the input.
            // Writers differ in the line ends (warcio reads past extra ones), so only
            // something else before the next record means the length lies. A run of line
            // ends longer than a header is taken as the gap it is, unread: holding it whole
            // to look past it would keep a whole file of whitespace in memory.
            let mut after = block_end;
            let gap_too_long = |after: usize| after - block_end > MAX_HEADER;
            let fits = complete
                && loop {
                    while self.data().get(after).is_some_and(u8::is_ascii_whitespace) {
                        after += 1;
                    }
                    if after < self.data().len() || gap_too_long(after) || !self.more()? {
                        break true;
                    }
                }
                && (gap_too_long(after) || {
                    self.fill_to(after + MAGIC.len())?;
                    self.data()
                        .get(after..)
                        .is_none_or(|rest| rest.is_empty() || rest.starts_with(MAGIC))
                });
            if !fits {
                // Reading goes on at the next version line after this record's header.
                self.consume(header_len);
                return self.broken(
                    record_at,
                    &format!(
                        "the WARC record's \"Content-Length\" ({length}) does not end where the next record begins; the record was not read"
                    ),
                    response,
                );
            }
            let text = |name: &str| {
                field(&self.data()[..header_len], name)
                    .map(|v| String::from_utf8_lossy(v).trim().to_string())
            };
            let record = Record {
                kind: text("WARC-Type"),
                id: text("WARC-Record-ID"),
                concurrent_to: text("WARC-Concurrent-To"),
                target: text("WARC-Target-URI").map(|uri| {
                    // WARC 1.0 writers such as wget put the URI in angle brackets.
                    uri.strip_prefix('<')
                        .and_then(|u| u.strip_suffix('>'))
                        .map_or_else(|| uri.clone(), str::to_string)
                }),
                content_type: text("Content-Type"),
                block: self.data()[header_len..block_end].to_vec(),
                block_at: self.at.advance(&self.data()[..header_len]),
            };
            self.consume(block_end);
            return Ok(Next::Record(record));
        }
    }

    /// A broken record at `at`; the window is then moved to the next version line.
    fn broken(&mut self, at: TextPos, message: &str, response: bool) -> io::Result<Next> {
        self.resync()?;
        Ok(Next::Broken {
            at,
            message: message.to_string(),
            response,
        })
    }
}

/// The length of a record header (version line, fields, blank line) at the start of `text`,
/// when its blank line has been read. Stops at the first blank line, so it costs the
/// header's length, not the buffer's.
fn header_len(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', text).find_map(|i| match text.get(i + 1..) {
        Some([b'\n', ..]) => Some(i + 2),
        Some([b'\r', b'\n', ..]) => Some(i + 3),
        _ => None,
    })
}

/// The value of a header field, by case-insensitive name.
fn field<'h>(header: &'h [u8], name: &str) -> Option<&'h [u8]> {
    header.split(|&b| b == b'\n').skip(1).find_map(|line| {
        let colon = memchr::memchr(b':', line)?;
        line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(name.as_bytes())
            .then(|| line[colon + 1..].trim_ascii())
    })
}

fn is_response(header: &[u8]) -> bool {
    field(header, "WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case(b"response"))
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

    /// Reads a byte at a time: every boundary falls inside a read somewhere.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((byte, rest)), Some(slot)) => {
                    *slot = *byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// A record's type, block length and block line; or a broken record's line and whether
    /// it was a response.
    type Read1 = Result<(Option<String>, usize, u32), (u32, bool)>;

    fn records(text: &[u8]) -> Vec<Read1> {
        let mut reader = Trickle(text);
        let mut window = Window::new(&mut reader, TextPos::START);
        let mut out = Vec::new();
        loop {
            match window.next(1 << 20).unwrap() {
                Next::End => return out,
                Next::Record(r) => out.push(Ok((r.kind, r.block.len(), r.block_at.line))),
                Next::Broken { at, response, .. } => out.push(Err((at.line, response))),
            }
        }
    }

    #[test]
    fn records_are_framed_by_their_length_and_lies_are_caught() {
        let record = |kind: &str, block: &str, claimed: usize| {
            format!(
                "WARC/1.0\r\nWARC-Type: {kind}\r\nContent-Length: {claimed}\r\n\r\n{block}\r\n\r\n"
            )
        };
        let text = [
            record("warcinfo", "a: b\r\n", 6),
            record("response", "HTTP/1.1 200 OK\r\n\r\n", 99),
            record("response", "HTTP/1.1 200 OK\r\n\r\n", 3),
            record("request", "GET / HTTP/1.1\r\n\r\n", 18),
        ]
        .concat();
        assert_eq!(
            records(text.as_bytes()),
            [
                Ok((Some("warcinfo".into()), 6, 5)),
                // Too long: swallows the next record, which is found again.
                Err((8, true)),
                Err((16, true)),
                Ok((Some("request".into()), 18, 28)),
            ]
        );
        let cut = b"WARC/1.0\r\nContent-Length: 99\r\n\r\nab";
        assert_eq!(records(cut), [Err((1, false))]);
        assert_eq!(
            records(b"WARC/1.0\r\nWARC-Type: response\r\n"),
            [Err((1, true))]
        );
    }

    /// Reads every record of `text`, asserting the window never holds more than `most`
    /// bytes; returns how many were read and what the window held at the end.
    fn read_holding_at_most(text: &[u8], most: usize) -> (usize, usize) {
        let mut reader = text;
        let mut window = Window::new(&mut reader, TextPos::START);
        let mut count = 0;
        while let Next::Record(_) = window.next(2 << 20).unwrap() {
            count += 1;
            assert!(
                window.buf.capacity() <= most,
                "the window grew to {}",
                window.buf.capacity()
            );
        }
        (count, window.buf.capacity())
    }

    #[test]
    fn memory_follows_the_largest_record_not_the_archive() {
        let record = |n: usize| {
            let block = format!("HTTP/1.1 200 OK\r\n\r\n{}", "x".repeat(n));
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
                block.len()
            )
        };
        let mut text = record(1).repeat(50_000);
        text.push_str(&record(1 << 20));
        let (count, held) = read_holding_at_most(text.as_bytes(), 2 * ((1 << 20) + 2 * READ_CHUNK));
        assert_eq!(count, 50_001);
        assert!(text.len() > 2 * held);
    }

    #[test]
    fn runs_of_line_ends_between_records_are_not_held() {
        let record =
            "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 19\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        let gap = "\r\n".repeat(4 << 20);
        let text = format!("{record}{gap}{record}{gap}");
        let (count, _) = read_holding_at_most(text.as_bytes(), 4 * (MAX_HEADER + READ_CHUNK));
        assert_eq!(count, 2);
    }
}
