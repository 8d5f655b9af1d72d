//! Loaders: bytes of a capture file → a stream of `Response`s handed to a `Sink`.
//!
//! Every file is recognised by its content (docs/inputs.md): the formats are listed once, in
//! `FORMATS`, in the order they are tried, one file each (`har.rs`, `vcrpy.rs`, …). Adding a
//! format of JSON or YAML structure is one file plus one line there. Loaders never stop at the
//! first broken part: a broken file or entry is reported to the sink as malformed and loading
//! goes on where it can. They know nothing of rules, settings or reports, and never print.

use std::borrow::Cow;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use globset::GlobSet;

use crate::budget::Budget;
use crate::position::{LineIndex, TextPos};
use crate::response::{Response, redact_url};

mod bare_body;
mod batches;
pub(crate) mod borrowed;
pub mod cassette;
pub mod decode;
mod document;
mod envelope;
mod envelope_list;
mod go_vcr;
mod har;
pub mod json_tree;
mod mock;
mod ndjson;
mod nock;
mod openapi;
mod pact;
mod postman;
mod raw_http;
mod saz;
pub mod scanner;
pub mod tree;
mod vcr;
mod vcrpy;
mod warc;
mod wiremock;
pub mod yaml;

use tree::Node;

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
    pub url_filter: Option<Arc<GlobSet>>,
    /// Largest body after decompression, and the size of each file's expansion budget.
    pub max_decoded: usize,
    /// What the file being loaded may still make beyond its own bytes (`crate::budget`):
    /// `load` gives every file a fresh one of `max_decoded` bytes.
    pub budget: Budget,
    /// True when the file was named, not found by a walk: a JSON file of no known structure
    /// is then a bare body (`unknown-status` without a status in its name), not skipped.
    pub explicit: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            url_filter: None,
            max_decoded: decode::DEFAULT_MAX_DECODED,
            budget: Budget::new(decode::DEFAULT_MAX_DECODED),
            explicit: true,
        }
    }
}

impl LoadOptions {
    /// The same options with a fresh expansion budget, for the next file.
    pub fn for_file(&self) -> Self {
        Self {
            budget: Budget::new(self.max_decoded),
            ..self.clone()
        }
    }

    /// Whether `--url` lets a response to this request URL be checked (every response is,
    /// without `--url`). Globs match the URL without its query, as reports show it.
    pub fn url_selects(&self, url: Option<&str>) -> bool {
        match &self.url_filter {
            None => true,
            Some(globs) => url.is_some_and(|u| globs.is_match(redact_url(u))),
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

/// The most a compressed input may expand to when its format is read whole (everything but
/// HAR), and the largest single HAR entry read from one: a `.gz` that expands past it is one
/// finding, not exhausted memory. As large as the largest body errlint decodes.
pub const MAX_INFLATED: usize = decode::DEFAULT_MAX_DECODED;

/// What a format reads, which decides what it is handed.
pub enum Reads {
    /// Streamed: recognised and read entry by entry by the HAR scanner (a JSON object with a
    /// `log` member), so memory follows the largest entry, never the file.
    Har,
    /// Streamed line by line (NDJSON): recognised by extension, or for standard input by
    /// its first lines (`ndjson::sniff`).
    Lines { extensions: &'static [&'static str] },
    /// Recognised by how the text starts (raw HTTP's status line), read whole.
    Text {
        starts: fn(&[u8]) -> bool,
        load: fn(&[u8], TextPos, &LoadOptions, &mut dyn Sink),
    },
    /// Recognised by how the text starts (a WARC version line), read from the stream one
    /// part at a time, so memory follows the largest part, never the file.
    Stream {
        starts: fn(&[u8]) -> bool,
        load: fn(&mut dyn Read, TextPos, &LoadOptions, &mut dyn Sink),
    },
    /// A JSON or YAML document recognised by its structure as a whole.
    Document {
        recognises: fn(&Doc<'_>) -> bool,
        load: fn(&Doc<'_>, &mut dyn Sink),
    },
    /// A list of items, one response each: the root itself (`list` is "") or the root's
    /// member `list`. Recognised by its first item; YAML items are read one at a time.
    Items {
        list: &'static str,
        recognises: fn(&Node<'_>) -> bool,
        item: fn(&Item<'_>, &mut dyn Sink),
    },
}

/// One capture format: its name (for messages and docs) and how it is read.
pub struct Format {
    pub name: &'static str,
    pub reads: Reads,
}

/// Every format, in the order in which they are tried: the first that recognises a file
/// reads it. The order matters where structures overlap:
/// - NDJSON by extension before anything looks at content: its first line is a JSON object.
/// - HAR next: a `log` member decides, and a HAR must stream before anything reads it whole.
/// - raw HTTP by its first bytes.
/// - cassettes before envelopes: an interaction holds a `response` with a `status`, which an
///   envelope list would otherwise claim; Ruby VCR's `http_interactions` before the
///   `interactions` of vcrpy and go-vcr, and vcrpy's `status.code` before go-vcr's `code`.
/// - WARC and Fiddler SAZ by their first bytes (`WARC/1.`, a ZIP's `PK`).
/// - mocks before envelopes: a nock fixture is a list of items with an integer `status`,
///   which an envelope list would otherwise claim; a WireMock mapping's `request` and
///   `response`, a Postman collection's `info` and `item`, a pact's `consumer`, `provider`
///   and `interactions` are each their own.
/// - an OpenAPI description (`openapi` or `swagger`) before envelopes and bare bodies.
/// - envelope, then envelope list: more specific than a bare body.
/// - bare body last: any other JSON, when its name gives a status or it was named explicitly.
pub static FORMATS: &[&Format] = &[
    &ndjson::FORMAT,
    &har::FORMAT,
    &raw_http::FORMAT,
    &warc::FORMAT,
    &saz::FORMAT,
    &vcr::FORMAT,
    &vcrpy::FORMAT,
    &vcrpy::FORMAT_PRE_1,
    &go_vcr::FORMAT,
    &nock::FORMAT,
    &wiremock::FORMAT,
    &postman::FORMAT,
    &pact::FORMAT,
    &openapi::FORMAT,
    &envelope::FORMAT,
    &envelope_list::FORMAT,
    &bare_body::FORMAT,
];

/// A whole JSON or YAML document, for `Reads::Document` formats.
pub struct Doc<'d> {
    /// The last path component (without `.gz`): a bare body's status comes from it.
    pub file_name: &'d str,
    pub extension: &'d str,
    /// The document's text and its positions.
    pub source: &'d [u8],
    pub index: &'d LineIndex<'d>,
    pub root: &'d Node<'d>,
    /// True for JSON, false for YAML.
    pub json: bool,
    pub options: &'d LoadOptions,
    /// The file's path, when it is a file: where a WireMock mapping's body files are.
    pub path: Option<&'d Path>,
}

/// One item of a list, for `Reads::Items` formats.
pub struct Item<'d> {
    pub node: &'d Node<'d>,
    /// The item's number in its list: the response's index.
    pub number: usize,
    pub source: &'d [u8],
    pub index: &'d LineIndex<'d>,
    pub json: bool,
    pub options: &'d LoadOptions,
}

impl Item<'_> {
    /// The file position of a byte of the document.
    pub fn position(&self, offset: usize) -> TextPos {
        self.index.position(offset)
    }
}

/// Extensions whose files claim to be JSON: junk in them is malformed, not unrecognised.
fn claims_json(extension: &str) -> bool {
    matches!(extension, "har" | "json" | "jsonl" | "ndjson")
}

/// The name a compressed input's content goes by (`a.har.gz` → `a.har`) and its decoder.
enum Compression {
    None,
    Gzip,
    /// mitmproxy's `.zhar`: a HAR deflated with zlib.
    Zlib,
}

fn compression_of(file_name: &str) -> (Compression, Cow<'_, str>) {
    let lower = file_name.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".gz")
        && let Some(name) = file_name.get(..stem.len())
    {
        return (Compression::Gzip, Cow::Borrowed(name));
    }
    if let Some(stem) = lower.strip_suffix(".zhar")
        && let Some(name) = file_name.get(..stem.len())
    {
        return (Compression::Zlib, Cow::Owned(format!("{name}.har")));
    }
    (Compression::None, Cow::Borrowed(file_name))
}

/// Loads one capture. `file_name` (the last path component) gives the extension and, for
/// bare bodies, the status; `path`, when the capture is a file, is where a WireMock
/// mapping's body files are looked for; a name ending in `.gz` (or mitmproxy's `.zhar`) is decompressed
/// as it is read, its format recognised on the decompressed content, and positions refer to
/// that. Read errors partway become malformed findings; only an error before the first byte
/// is returned.
pub fn load<S: SplitSink>(
    reader: impl Read + Send,
    file_name: &str,
    path: Option<&Path>,
    options: &LoadOptions,
    sink: &mut S,
) -> io::Result<Outcome> {
    // Everything this file makes beyond its bytes draws on one budget (docs/security.md).
    let options = &options.for_file();
    let (compression, name) = compression_of(file_name);
    match compression {
        Compression::None => load_plain(reader, &name, path, options, sink, usize::MAX),
        // A failure to decompress is a finding about the file, not an I/O error.
        Compression::Gzip => load_plain(
            Inflated::new(
                flate2::read::MultiGzDecoder::new(Counted::new(reader)),
                |d| d.get_ref().bytes,
                &options.budget,
            ),
            &name,
            path,
            options,
            sink,
            MAX_INFLATED,
        )
        .or_else(|e| inflate_error(e, sink)),
        Compression::Zlib => load_plain(
            Inflated::new(
                flate2::read::ZlibDecoder::new(Counted::new(reader)),
                |d| d.get_ref().bytes,
                &options.budget,
            ),
            &name,
            path,
            options,
            sink,
            MAX_INFLATED,
        )
        .or_else(|e| inflate_error(e, sink)),
    }
}

/// How many times its own size a compressed input may expand to before the expansion draws
/// on the file's budget: real captures compress 5 to 20 times, a bomb a thousand times.
/// A `.har.gz` of many gigabytes streams as its HAR would; one that is mostly a run of
/// one byte stops at the budget instead of taking time that no capture of its size takes.
const FREE_INFLATION: u64 = 64;

/// A reader that counts the bytes read through it: a decoder's compressed input.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R> Counted<R> {
    fn new(inner: R) -> Self {
        Self { inner, bytes: 0 }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A compressed input's decompressed bytes, with what they add beyond `FREE_INFLATION`
/// times the compressed bytes drawn from the file's budget as they are read.
struct Inflated<'b, D> {
    decoder: D,
    consumed: fn(&D) -> u64,
    produced: u64,
    drawn: u64,
    budget: &'b Budget,
}

impl<'b, D> Inflated<'b, D> {
    fn new(decoder: D, consumed: fn(&D) -> u64, budget: &'b Budget) -> Self {
        Self {
            decoder,
            consumed,
            produced: 0,
            drawn: 0,
            budget,
        }
    }
}

impl<D: Read> Read for Inflated<'_, D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.decoder.read(buf)?;
        self.produced += n as u64;
        let free = (self.consumed)(&self.decoder).saturating_mul(FREE_INFLATION);
        let excess = self.produced.saturating_sub(free);
        if excess > self.drawn {
            let more = usize::try_from(excess - self.drawn).unwrap_or(usize::MAX);
            self.budget.draw(more).map_err(|spent| {
                io::Error::other(format!("the file decompresses too far: {spent}"))
            })?;
            self.drawn = excess;
        }
        Ok(n)
    }
}

fn inflate_error(error: io::Error, sink: &mut dyn Sink) -> io::Result<Outcome> {
    sink.malformed(
        TextPos::START,
        0,
        format!("the file could not be decompressed: {error}"),
    );
    Ok(Outcome::Loaded)
}

fn load_plain<S: SplitSink>(
    mut reader: impl Read + Send,
    file_name: &str,
    path: Option<&Path>,
    options: &LoadOptions,
    sink: &mut S,
    max_whole: usize,
) -> io::Result<Outcome> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Grown as read: most captures are far smaller than the sniffing limit, and a large
    // buffer per file costs more to allocate and free than the file costs to read.
    let mut prefix = Vec::with_capacity(8 * 1024);
    read_prefix(&mut reader, &mut prefix, |prefix| {
        ndjson::decided(prefix, file_name, &extension)
    })?;

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
    let trimmed = first.map_or(&[][..], |i| &content[i..]);
    let document = document::Document {
        file_name,
        extension: &extension,
        options,
        path,
    };

    // The rest of the file, capped for a compressed input (which may expand without bound).
    let read_all = |mut prefix: Vec<u8>, reader: &mut dyn Read| -> io::Result<Option<Vec<u8>>> {
        let limit = max_whole.saturating_sub(prefix.len()) as u64;
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut prefix)?;
        if prefix.len() > max_whole {
            return Ok(None);
        }
        // The BOM is dropped in place: `split_off(0)` would copy the whole file.
        prefix.drain(..bom);
        Ok(Some(prefix))
    };
    let too_big = |sink: &mut S| {
        sink.malformed(
            TextPos::START,
            0,
            format!(
                "the file decompresses to more than {} MiB; errlint reads no more of a compressed capture that is not a HAR",
                max_whole >> 20
            ),
        );
        Ok(Outcome::Loaded)
    };

    for format in FORMATS {
        match &format.reads {
            Reads::Har if trimmed.first() == Some(&b'{') => {
                // A short first read means the whole file is in hand.
                let small = prefix.len() < SNIFF_BYTES;
                if small && memchr::memmem::find(content, b"\"log\"").is_none() {
                    // No `"log"` anywhere: not a HAR, so straight to the document loader.
                    return Ok(document.load(content, start, sink, true));
                }
                let scanner = Scanner::with_prefix(reader, prefix.split_off(bom), start)
                    .max_retained(max_whole);
                har_or_document(scanner, small, &document, options, sink);
                return Ok(Outcome::Loaded);
            }
            Reads::Lines { extensions }
                if extensions.contains(&extension.as_str())
                    || (file_name == "-" && ndjson::sniff(trimmed)) =>
            {
                // Each line is capped as it is read, so a compressed input needs no cap.
                let rest = io::Cursor::new(prefix.split_off(bom)).chain(reader);
                ndjson::load(rest, start, options, sink);
                return Ok(Outcome::Loaded);
            }
            Reads::Stream { starts, load } if starts(trimmed) => {
                let mut rest = io::Cursor::new(prefix.split_off(bom)).chain(&mut reader);
                load(&mut rest, start, options, sink);
                return Ok(Outcome::Loaded);
            }
            Reads::Text { starts, load } if starts(trimmed) => {
                let Some(bytes) = read_all(prefix, &mut reader)? else {
                    return too_big(sink);
                };
                load(&bytes, start, options, sink);
                return Ok(Outcome::Loaded);
            }
            _ => {}
        }
    }
    // Everything else is a JSON or YAML document, recognised by its structure.
    if first.is_none() && !claims_json(&extension) {
        return Ok(Outcome::Unrecognized);
    }
    let Some(bytes) = read_all(prefix, &mut reader)? else {
        return too_big(sink);
    };
    Ok(document.load(&bytes, start, sink, claims_json(&extension)))
}

/// Reads the first `SNIFF_BYTES` of an input, or less when `enough` says the format is
/// known: a pipe that sends NDJSON a line at a time must not wait for 64 KiB before its
/// first line is checked.
fn read_prefix(
    reader: &mut impl Read,
    prefix: &mut Vec<u8>,
    enough: impl Fn(&[u8]) -> bool,
) -> io::Result<()> {
    let mut chunk = [0u8; 8 * 1024];
    while prefix.len() < SNIFF_BYTES {
        let want = (SNIFF_BYTES - prefix.len()).min(chunk.len());
        let read = match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        prefix.extend_from_slice(&chunk[..read]);
        if enough(prefix) {
            break;
        }
    }
    Ok(())
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
