//! Loaders: bytes of a capture file → a stream of `Response`s handed to a `Sink`.
//!
//! Every file is recognised by its content (docs/inputs.md): a JSON object with a `log` member is
//! a HAR, text starting with `HTTP/` is raw HTTP, other JSON is an envelope, a list, NDJSON
//! or a bare body. Loaders never stop at the first broken part: a broken file or entry is
//! reported to the sink as malformed and loading goes on where it can. They never print.

use std::io::{self, Read};

use globset::GlobSet;

use crate::position::TextPos;
use crate::response::Response;

pub mod decode;
mod document;
mod har;
mod raw_http;
pub mod scanner;

use scanner::{ScanError, Scanner};

/// Receives what a loader finds, in file order.
pub trait Sink {
    /// One response, borrowed from the loader's buffers for the duration of the call.
    fn response(&mut self, response: &Response<'_>);
    /// Responses the loader itself did not hand out (failed requests, HAR page assets).
    fn skipped(&mut self, count: usize);
    /// A part of the file that cannot be read; `response` is the index it would have had.
    fn malformed(&mut self, at: TextPos, response: usize, message: String);
}

/// A sink that can hand out empty parts for work done on other threads and take their
/// results back, in order. Only the HAR loader splits (one big file, many entries).
pub trait SplitSink: Sink + Send + Sized {
    /// An empty sink of the same kind, for a later stretch of the same file.
    fn part(&self) -> Self;
    /// Takes in a part's results; parts are absorbed in file order.
    fn absorb(&mut self, part: Self);
    /// Gives back spare capacity: a finished part may wait for earlier ones to be merged.
    fn shrink(&mut self);
}

/// What loading needs to know beyond the bytes.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// `--url` globs: when set, HAR entries are checked exactly when their URL matches.
    pub url_filter: Option<GlobSet>,
    /// Largest body after decompression.
    pub max_decoded: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            url_filter: None,
            max_decoded: decode::DEFAULT_MAX_DECODED,
        }
    }
}

/// Whether the file was in a format errlint knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Loaded,
    Unrecognized,
}

/// How much of a file is read to recognise its format.
const SNIFF_BYTES: usize = 64 * 1024;

/// Extensions whose files claim to be JSON: junk in them is malformed, not unrecognised.
fn claims_json(extension: &str) -> bool {
    matches!(extension, "har" | "json" | "jsonl" | "ndjson")
}

/// Loads one capture. `file_name` (the last path component) gives the extension and, for
/// bare bodies, the status. Read errors partway become malformed findings; only an error
/// before the first byte is returned.
pub fn load<S: SplitSink>(
    mut reader: impl Read + Send,
    file_name: &str,
    options: &LoadOptions,
    sink: &mut S,
) -> io::Result<Outcome> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Grown as read: most captures are far smaller than the sniffing limit, and a large
    // buffer per file costs more to allocate and free than the file costs to read.
    let mut prefix = Vec::with_capacity(8 * 1024);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)?;

    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        sink.malformed(TextPos::START, 0, "the file is UTF-16; errlint reads UTF-8 captures (convert it with iconv -f UTF-16 -t UTF-8)".into());
        return Ok(Outcome::Loaded);
    }
    let bom = if prefix.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    // A BOM takes no column: the first character after it is column 1.
    let start = TextPos {
        offset: bom as u64,
        line: 1,
        column: 1,
    };
    let content = &prefix[bom..];
    let first = content.iter().position(|b| !b.is_ascii_whitespace());
    let document = document::Document {
        file_name,
        extension: &extension,
    };

    let read_all = |mut prefix: Vec<u8>, mut reader: Box<dyn Read + '_>| -> io::Result<Vec<u8>> {
        reader.read_to_end(&mut prefix)?;
        Ok(prefix.split_off(bom))
    };

    if matches!(extension.as_str(), "jsonl" | "ndjson") {
        let bytes = read_all(prefix, Box::new(reader))?;
        document::load_ndjson(&bytes, start, sink);
        return Ok(Outcome::Loaded);
    }
    match first.map(|i| content[i]) {
        Some(b'{') => {
            // A short first read means the whole file is in hand.
            let small = prefix.len() < SNIFF_BYTES;
            if small && memchr::memmem::find(content, b"\"log\"").is_none() {
                // No `"log"` anywhere: not a HAR, so straight to the document loader.
                return Ok(document.load(content, start, sink, true));
            }
            let scanner = Scanner::with_prefix(reader, prefix.split_off(bom), start);
            har_or_document(scanner, small, &document, options, sink);
            Ok(Outcome::Loaded)
        }
        Some(_) if content[first.unwrap_or(0)..].starts_with(b"HTTP/") => {
            let bytes = read_all(prefix, Box::new(reader))?;
            raw_http::load(&bytes, start, options, sink);
            Ok(Outcome::Loaded)
        }
        Some(_) => {
            let bytes = read_all(prefix, Box::new(reader))?;
            Ok(document.load(&bytes, start, sink, claims_json(&extension)))
        }
        None if claims_json(&extension) => Ok(document.load(content, start, sink, true)),
        None => Ok(Outcome::Unrecognized),
    }
}

/// A JSON object: a HAR when it has a `log` member, else a whole document. The object's
/// members are retained while no `log` has been seen, so a small non-HAR object is read once.
fn har_or_document<R: Read + Send, S: SplitSink>(
    mut scanner: Scanner<R>,
    small: bool,
    document: &document::Document<'_>,
    options: &LoadOptions,
    sink: &mut S,
) {
    let found_log = (|| -> Result<bool, ScanError> {
        scanner.peek_token()?;
        scanner.retain_from_here();
        scanner.bump();
        if scanner.peek_token()? == Some(b'}') {
            return Ok(false);
        }
        loop {
            if scanner.key()? == "log" {
                return Ok(true);
            }
            scanner.value()?;
            if !scanner.next_or_close(b'}', "after a member")? {
                return Ok(false);
            }
        }
    })();
    match found_log {
        Ok(true) => {
            scanner.release();
            har::load(&mut scanner, options, sink, small);
        }
        // Not a HAR, or broken before any `log`: the whole text is one document, which
        // the document loader parses (and reports) properly.
        Ok(false) | Err(ScanError::Syntax { .. }) => match scanner.into_retained() {
            Ok((bytes, start)) => {
                document.load(&bytes, start, sink, true);
            }
            Err(error) => sink.malformed(
                TextPos::START,
                0,
                format!("the file could not be read: {error}"),
            ),
        },
        Err(ScanError::Io(error)) => sink.malformed(
            TextPos::START,
            0,
            format!("the file could not be read: {error}"),
        ),
    }
}
