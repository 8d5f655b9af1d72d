//! Fiddler session archives (`.saz`): a ZIP holding, per session N, `raw/N_c.txt` (the
//! request), `raw/N_s.txt` (the response as raw HTTP) and `raw/N_m.xml` (timings).
//!
//! Each `raw/N_s.txt` is read by the raw HTTP loader, sessions in number order; the method
//! and URL come from the request line of `raw/N_c.txt`, of which nothing else is read or
//! shown. An archive is untrusted: the number of members is checked before the ZIP
//! directory is read, and every member is inflated within the body cap, so a zip bomb is
//! one finding. Positions are line:column inside the session's `raw/N_s.txt`.

use std::io::{Cursor, Read};

use super::raw_http::{self, Request};
use super::{Format, LoadOptions, Reads, Sink};
use crate::position::{LineIndex, TextPos};

/// How a ZIP file starts (a local file header, APPNOTE.TXT 4.3.7).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

pub static FORMAT: Format = Format {
    name: "Fiddler SAZ",
    reads: Reads::Text {
        starts: |bytes| bytes.starts_with(ZIP_MAGIC),
        load: |bytes, _, options, sink| load(bytes, options, sink),
    },
};

/// Members an archive may hold: three per session, for thousands of sessions.
const MAX_MEMBERS: usize = 30_000;

/// All members together inflate to at most this many times the body cap: many members
/// each just under the cap would otherwise cost hours of inflating.
const TOTAL_FACTOR: u64 = 16;

/// Bytes of a request file read for its request line.
const REQUEST_LINE_MAX: u64 = 16 * 1024;

/// Loads every session of a SAZ held in memory; a ZIP without `raw/N_s.txt` members is
/// one finding (it is no session archive).
fn load(bytes: &[u8], options: &LoadOptions, sink: &mut dyn Sink) {
    let broken = |sink: &mut dyn Sink, message: String| {
        sink.malformed(TextPos::START, 0, message);
    };
    if declared_members(bytes).is_some_and(|n| n > MAX_MEMBERS) {
        return broken(
            sink,
            format!("the archive holds more than {MAX_MEMBERS} members; it was not read"),
        );
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => return broken(sink, format!("the file is not a readable ZIP: {error}")),
    };
    if archive.len() > MAX_MEMBERS {
        return broken(
            sink,
            format!("the archive holds more than {MAX_MEMBERS} members; it was not read"),
        );
    }
    let mut sessions: Vec<(u64, String)> = archive
        .file_names()
        .filter_map(|name| {
            let name = name.ok()?;
            let number = name.strip_prefix("raw/")?.strip_suffix("_s.txt")?;
            Some((number.parse().ok()?, name.into_owned()))
        })
        .collect();
    if sessions.is_empty() {
        return broken(
            sink,
            "the ZIP holds no Fiddler sessions (raw/N_s.txt); errlint reads no other archive"
                .into(),
        );
    }
    sessions.sort();
    let cap = options.max_decoded;
    let mut budget = (cap as u64).saturating_mul(TOTAL_FACTOR);
    let mut next_index = 0;
    for (number, name) in sessions {
        let response = match read_member(&mut archive, &name, (cap as u64).min(budget), false) {
            Ok(bytes) if (bytes.len() as u64) < budget => {
                budget -= bytes.len() as u64;
                bytes
            }
            Ok(_) | Err(Member::TooLarge) if budget < cap as u64 => {
                sink.malformed(
                    TextPos::START,
                    next_index,
                    format!(
                        "session {number}: the archive's sessions inflate to more than {} MiB together; the remaining sessions were not read",
                        (cap as u64).saturating_mul(TOTAL_FACTOR) >> 20
                    ),
                );
                break;
            }
            Ok(bytes) => bytes,
            Err(Member::TooLarge) => {
                // A bomb: nothing after it is trusted, and it is reported once.
                sink.malformed(
                    TextPos::START,
                    next_index,
                    format!(
                        "session {number}: {name} inflates to more than {} MiB; the archive's remaining sessions were not read",
                        cap >> 20
                    ),
                );
                break;
            }
            Err(Member::Unreadable(error)) => {
                sink.malformed(
                    TextPos::START,
                    next_index,
                    format!("session {number}: {name} cannot be read: {error}"),
                );
                next_index += 1;
                continue;
            }
        };
        let request_file = format!("raw/{number}_c.txt");
        let request = read_member(&mut archive, &request_file, REQUEST_LINE_MAX, true)
            .map(|bytes| request_line(&bytes))
            .unwrap_or_default();
        if !options.url_selects(request.url.as_deref()) {
            sink.skipped(1);
            next_index += 1;
            continue;
        }
        let index = LineIndex::new(&response, TextPos::START);
        let count = raw_http::responses(&response, &index, next_index, &request, options, sink);
        next_index += count.max(1);
    }
}

enum Member {
    TooLarge,
    Unreadable(String),
}

/// A member's bytes, inflated within `cap`: a member that would inflate further is
/// `TooLarge` (whatever its header claims), or with `cut` is cut at `cap`.
fn read_member<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    cap: u64,
    cut: bool,
) -> Result<Vec<u8>, Member> {
    let file = archive
        .by_name(name)
        .map_err(|e| Member::Unreadable(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Member::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > cap && !cut {
        return Err(Member::TooLarge);
    }
    Ok(bytes)
}

/// The method and URL of a request file's first line (`GET http://host/path HTTP/1.1`).
/// Only these two words are kept; they are shown as any capture's request is.
fn request_line(bytes: &[u8]) -> Request {
    let line_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let line = String::from_utf8_lossy(&bytes[..line_end]);
    let mut words = line.split_ascii_whitespace();
    let method = words
        .next()
        .filter(|m| m.len() <= 16 && m.bytes().all(|b| b.is_ascii_uppercase()))
        .map(str::to_string);
    let url = words
        .next()
        .filter(|_| method.is_some())
        .map(str::to_string);
    Request { method, url }
}

/// The member count in the end of central directory record (APPNOTE.TXT 4.3.16), read
/// before the ZIP library allocates for every member. `None` when there is no such record
/// (the library then reports the archive broken).
fn declared_members(bytes: &[u8]) -> Option<usize> {
    const END_SIGNATURE: &[u8] = b"PK\x05\x06";
    const END_LEN: usize = 22;
    let search_from = bytes.len().saturating_sub(END_LEN + u16::MAX as usize);
    let at = memchr::memmem::rfind(bytes.get(search_from..)?, END_SIGNATURE)? + search_from;
    let record = bytes.get(at..at + END_LEN)?;
    let total = u16::from_le_bytes([*record.get(10)?, *record.get(11)?]);
    // 0xFFFF means a ZIP64 count elsewhere; the library's own count is checked then.
    (total != u16::MAX).then_some(usize::from(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Response;

    /// Counts what a loader hands over.
    #[derive(Default)]
    struct Tally {
        responses: Vec<usize>,
        malformed: Vec<String>,
    }

    impl Sink for Tally {
        fn response(&mut self, response: &Response<'_>) {
            self.responses.push(response.index);
        }
        fn skipped(&mut self, _: usize) {}
        fn malformed(&mut self, _: TextPos, _: usize, message: String) {
            self.malformed.push(message);
        }
    }

    fn archive(sessions: usize, body: usize) -> Vec<u8> {
        use std::io::Write as _;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for n in 1..=sessions {
            writer
                .start_file(format!("raw/{n}_s.txt"), options)
                .unwrap();
            writer.write_all(b"HTTP/1.1 200 OK\r\n\r\n").unwrap();
            writer.write_all(&vec![b' '; body]).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn members_inflate_within_a_cap_each_and_together() {
        let options = LoadOptions {
            max_decoded: 1024,
            ..LoadOptions::default()
        };
        // Under the cap each, and 16 KiB together: all read.
        let mut tally = Tally::default();
        load(&archive(8, 900), &options, &mut tally);
        assert_eq!((tally.responses.len(), tally.malformed.len()), (8, 0));
        // Under the cap each, but past 16 KiB together: one finding, then no more.
        let mut tally = Tally::default();
        load(&archive(40, 900), &options, &mut tally);
        assert_eq!(tally.malformed.len(), 1, "{:?}", tally.malformed);
        assert!(tally.malformed[0].contains("together"));
        assert!(tally.responses.len() < 20);
        // One member past the cap: one finding.
        let mut tally = Tally::default();
        load(&archive(1, 4096), &options, &mut tally);
        assert_eq!((tally.responses.len(), tally.malformed.len()), (0, 1));
    }

    #[test]
    fn request_lines_give_method_and_url_only() {
        let r = request_line(b"POST http://h/p?q=1 HTTP/1.1\r\nAuthorization: x\r\n");
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.url.as_deref(), Some("http://h/p?q=1"));
        let r = request_line(b"\x00junk");
        assert_eq!((r.method, r.url), (None, None));
    }
}
