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

use super::batches::{self, InOrder};
use super::borrowed::BorrowedStr;
use super::decode::{polly_hex_chunks, undo_codings};
use super::scanner::{ScanError, ScanResult, Scanner};
use std::sync::mpsc;

use super::{Format, LoadOptions, Reads, Sink, SplitSink};
use crate::position::{SliceLocator, TextPos};
use crate::response::{
    Body, BodyOrigin, Headers, OriginKind, Response, Status, is_json_media_type, redact_url,
};

/// HAR 1.1/1.2: a JSON object with a `log` member, streamed entry by entry.
pub static FORMAT: Format = Format {
    name: "HAR",
    reads: Reads::Har,
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
    /// Read only when an entry's selection depends on its `Accept` header.
    #[serde(borrow, default)]
    headers: Option<&'a RawValue>,
}

/// Header names errlint reads; the others are parsed past without being kept, so most
/// entries allocate nothing for their headers.
const READ_HEADERS: [&str; 5] = [
    "content-type",
    "content-encoding",
    "transfer-encoding",
    "content-length",
    "accept",
];

/// The headers of a HAR header list that errlint reads, as (name, value) text.
#[derive(Default)]
struct HeaderList<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for HeaderList<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = HeaderList<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of {\"name\", \"value\"} headers")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(HeaderList::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut kept = Vec::new();
                while let Some(header) = seq.next_element::<Header<'de>>()? {
                    if is_read(&header.name) {
                        let value = header.text();
                        kept.push((header.name, value));
                    }
                }
                Ok(HeaderList(kept))
            }
        }
        deserializer.deserialize_any(Visit(std::marker::PhantomData))
    }
}

fn is_read(name: &str) -> bool {
    READ_HEADERS.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// One `{"name", "value"}` header. Its value is kept only when errlint reads the header:
/// most of a HAR's headers are parsed past without being captured.
struct Header<'a> {
    name: Cow<'a, str>,
    /// Usually a string; Polly.JS writes lists (`["application/json"]`) and numbers.
    value: Option<&'a RawValue>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Header<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Header<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a {\"name\", \"value\"} header")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut name: Option<Cow<'a, str>> = None;
                let mut value = None;
                while let Some(BorrowedStr(key)) = map.next_key()? {
                    match key.as_ref() {
                        "name" => name = Some(map.next_value::<BorrowedStr<'de>>()?.0),
                        // A value whose name came first and is not read is only validated.
                        "value" if name.as_deref().is_some_and(|n| !is_read(n)) => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        "value" => value = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Header {
                    name: name.unwrap_or_default(),
                    value,
                })
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
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
    headers: HeaderList<'a>,
    #[serde(borrow, default)]
    content: Option<Content<'a>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(default)]
    size: Option<f64>,
    #[serde(rename = "mimeType", borrow, default)]
    mime_type: Option<Cow<'a, str>>,
    /// Kept as written: where the literal sits in the entry is what places a finding
    /// inside the body, and finding it again would mean walking the entry per finding.
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(borrow, default)]
    encoding: Option<Cow<'a, str>>,
}

/// Entry bytes gathered for one worker: about this many bytes per batch.
const BATCH_BYTES: usize = 256 * 1024;
/// Batches scanned ahead of the workers (4 MiB). With the scanner and the workers sharing
/// the cores, a queue this deep keeps every core busy when the scheduler runs one side for a
/// while; two batches a worker left cores idle and cost a twentieth of the wall time.
const QUEUED_BATCHES: usize = 16;

/// Consecutive entries copied out of the scanner's buffer, to be checked on another thread.
struct Batch {
    first_index: usize,
    bytes: Vec<u8>,
    /// Each entry's end in `bytes` and its position in the file.
    entries: Vec<(usize, TextPos)>,
}

impl Batch {
    fn new(first_index: usize) -> Self {
        Self {
            first_index,
            bytes: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// A batch that reuses the buffers of one already checked: a fresh quarter-megabyte
    /// buffer per batch costs its page faults, or its reallocations while it grows, every
    /// time.
    fn reusing(first_index: usize, mut spent: Batch) -> Self {
        spent.bytes.clear();
        spent.entries.clear();
        Self {
            first_index,
            ..spent
        }
    }

    fn push(&mut self, entry: &[u8], at: TextPos) {
        self.bytes.extend_from_slice(entry);
        self.entries.push((self.bytes.len(), at));
    }
}

impl batches::Batch for Batch {
    fn run<S: Sink>(&self, options: &LoadOptions, sink: &mut S) {
        let mut start = 0;
        let mut scratch = String::new();
        for (i, (end, at)) in self.entries.iter().enumerate() {
            entry(
                &self.bytes[start..*end],
                *at,
                self.first_index + i,
                options,
                sink,
                &mut scratch,
            );
            start = *end;
        }
    }
}

/// Loads a HAR whose scanner stands just after the root's `"log":`. Everything goes to the
/// sink; nothing is returned. `small` says the whole file is already in the scanner's buffer.
pub fn load<R: Read + Send, S: SplitSink>(
    scanner: &mut Scanner<R>,
    options: &LoadOptions,
    sink: &mut S,
    small: bool,
) {
    let (error, next_index) = if small {
        // A file that fits in one read: threads would cost more than they save.
        let mut next_index = 0;
        let mut scratch = String::new();
        let result = load_log(scanner, &mut |bytes, at| {
            entry(bytes, at, next_index, options, sink, &mut scratch);
            next_index += 1;
        })
        .and_then(|()| finish_root(scanner));
        (result.err().map(|e| describe(e, scanner)), next_index)
    } else {
        load_parallel(scanner, options, sink)
    };
    if let Some((at, message)) = error {
        let note = match next_index {
            0 => String::new(),
            1 => "; the entry before it was checked".to_string(),
            n => format!("; the {n} entries before it were checked"),
        };
        sink.malformed(at, next_index, format!("{message}{note}"));
    }
}

fn describe<R: Read>(error: ScanError, scanner: &mut Scanner<R>) -> (TextPos, String) {
    match error {
        ScanError::Syntax { at, message } => (at, message),
        ScanError::Io(error) => (
            scanner.position(),
            format!("the file could not be read: {error}"),
        ),
    }
}

/// One thread scans (reading, finding entry boundaries, counting lines) and hands batches
/// to worker threads, which parse and check them as they come; the parts are merged back
/// in file order at the end. The bounded channel keeps memory to a few batches.
fn load_parallel<R: Read + Send, S: SplitSink>(
    scanner: &mut Scanner<R>,
    options: &LoadOptions,
    sink: &mut S,
) -> (Option<(TextPos, String)>, usize) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (batches, received) = mpsc::sync_channel::<(usize, Batch)>(QUEUED_BATCHES.max(workers));
    let received = std::sync::Mutex::new(received);
    let (finished_parts, parts) = mpsc::channel::<(usize, S)>();
    // Checked batches come back empty, to be filled again.
    let (spent_batches, spent) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        batches::spawn_workers(
            scope,
            workers,
            &received,
            &finished_parts,
            Some(&spent_batches),
            sink,
            options,
        );
        drop(finished_parts);
        drop(spent_batches);
        // Finished parts are merged in batch order as soon as they can be, so findings
        // reach the report while the file is still being read.
        let mut merged = InOrder::new();
        let mut batch = Batch::new(0);
        let mut next_index = 0;
        let mut number = 0;
        let result = load_log(scanner, &mut |bytes, at| {
            batch.push(bytes, at);
            next_index += 1;
            if batch.bytes.len() >= BATCH_BYTES {
                let next = match spent.try_recv() {
                    Ok(spent) => Batch::reusing(next_index, spent),
                    Err(_) => Batch::new(next_index),
                };
                let full = std::mem::replace(&mut batch, next);
                // Workers only stop when the channel closes, so a send cannot fail.
                let _ = batches.send((number, full));
                number += 1;
                while let Ok(done) = parts.try_recv() {
                    merged.add(sink, done);
                }
            }
        })
        .and_then(|()| finish_root(scanner));
        if !batch.entries.is_empty() {
            let _ = batches.send((number, batch));
        }
        drop(batches);
        // The channel closes when the last worker finishes.
        for done in parts.iter() {
            merged.add(sink, done);
        }
        (result.err().map(|e| describe(e, scanner)), next_index)
    })
}

/// Walks the `log` object, handing each entry's bytes and position to `on_entry`.
fn load_log<R: Read>(
    scanner: &mut Scanner<R>,
    on_entry: &mut dyn FnMut(&[u8], TextPos),
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
                load_entries(scanner, on_entry)?;
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
    on_entry: &mut dyn FnMut(&[u8], TextPos),
) -> ScanResult<()> {
    if scanner.peek_token()? == Some(b']') {
        scanner.bump();
        return Ok(());
    }
    loop {
        let (bytes, at) = scanner.value()?;
        on_entry(bytes, at);
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
                crate::text::strip_position(&error)
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
    crate::text::offset_of(bytes, error.line(), error.column())
}

/// Parses one entry and hands its response to the sink.
pub(super) fn entry<S: Sink>(
    bytes: &[u8],
    at: TextPos,
    index: usize,
    options: &LoadOptions,
    sink: &mut S,
    scratch: &mut String,
) {
    let locator = SliceLocator::new(bytes, at);
    let malformed = |sink: &mut dyn Sink, offset: usize, message: String| {
        sink.malformed(
            at.advance(&bytes[..offset.min(bytes.len())]),
            index,
            message,
        );
    };
    let entry: Entry<'_> = match crate::text::from_json_bytes(bytes) {
        Ok(entry) => entry,
        Err(error) => {
            let offset = serde_offset(bytes, &error);
            let message = format!(
                "HAR entry {index} is not valid: {}",
                crate::text::strip_position(&error)
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
    let raw_url = request.as_ref().and_then(|r| r.url.clone());
    let headers = Headers(har_response.headers.0);
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
        Some(globs) => raw_url
            .as_deref()
            .is_some_and(|u| globs.is_match(redact_url(u))),
        None => {
            // Only parsed when the cheaper tests below have not already decided.
            let accept_json = || {
                request
                    .as_ref()
                    .and_then(|r| r.headers)
                    .and_then(|raw| serde_json::from_str::<HeaderList<'_>>(raw.get()).ok())
                    .is_some_and(|headers| {
                        headers.0.iter().any(|(name, value)| {
                            name.eq_ignore_ascii_case("accept")
                                && value.to_ascii_lowercase().contains("json")
                        })
                    })
            };
            content_type.as_deref().is_some_and(is_json_media_type)
                || entry
                    .resource_type
                    .as_deref()
                    .is_some_and(|t| t == "xhr" || t == "fetch")
                || (matches!(status, Status::Code(400..=599)) && accept_json())
        }
    };
    if !selected {
        sink.skipped(1);
        return;
    }

    let decoded;
    // Browsers fill a 304 entry's content from their cache: it says nothing about what the
    // 304 carried on the wire, so it is treated as not captured.
    let (text, encoding, size) = match content {
        Some(c) => (c.text, c.encoding, c.size),
        None => (None, None, None),
    };
    let text = text.filter(|_| !matches!(status, Status::Code(304)));
    let body = match text {
        None if matches!(status, Status::Code(304)) => None,
        None => {
            // No text: an empty body when the tool says its size is 0 or the server sent
            // `Content-Length: 0` (Chromium records an empty body as aborted, size -1);
            // otherwise the tool did not store the body.
            let size = size.unwrap_or(-1.0);
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
        Some(literal) => {
            let literal_offset = literal.get().as_ptr() as usize - bytes.as_ptr() as usize;
            // The literal's text between its quotes, escapes and all.
            let written = literal
                .get()
                .as_bytes()
                .get(1..literal.get().len().saturating_sub(1))
                .unwrap_or_default();
            let (text, escaped) = match unescape(literal.get(), scratch) {
                Ok(text) => text,
                Err(error) => {
                    return malformed(
                        sink,
                        literal_offset,
                        format!(
                            "HAR entry {index} is not valid: \"content.text\": {}",
                            crate::text::strip_position(&error)
                        ),
                    );
                }
            };
            let base64 = encoding
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            let mut stored: Cow<'_, [u8]> = Cow::Borrowed(text.as_bytes());
            let mut transformed = false;
            if base64 {
                match decode_base64(&stored) {
                    Some(b) => stored = Cow::Owned(b),
                    None => {
                        return malformed(
                            sink,
                            literal_offset + 1,
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
            match undo_codings(
                &stored,
                Some(&headers),
                options.max_decoded,
                &options.budget,
            ) {
                Ok(Some(plain)) => {
                    decoded = plain;
                    stored = Cow::Borrowed(&decoded[..]);
                    transformed = true;
                }
                Ok(None) => {}
                Err(too_large) => {
                    return malformed(
                        sink,
                        literal_offset + 1,
                        format!("HAR entry {index}: {too_large}; not checked"),
                    );
                }
            }
            let (kind, offset) = match (transformed, escaped) {
                // Without escapes the text is the entry's own bytes: the body is verbatim.
                (false, false) => (OriginKind::Verbatim, literal_offset + 1),
                (false, true) => (OriginKind::JsonString(written), literal_offset + 1),
                // Findings in what was decoded point at the string's first character.
                (true, _) => (OriginKind::Decoded, literal_offset + 1),
            };
            Some(Body {
                bytes: stored,
                origin: BodyOrigin {
                    file: &locator,
                    offset,
                    kind,
                },
            })
        }
    };

    let mut response = Response::new(index, at, status);
    response.method = request.as_ref().and_then(|r| r.method.clone());
    response.raw_url = raw_url;
    response.headers = Some(headers);
    response.content_type = content_type;
    response.body = body;
    sink.response(&response);
}

/// The text of a JSON string literal: borrowed from the literal when it has no escapes,
/// otherwise unescaped into `scratch`, which a batch reuses from entry to entry so that a
/// body costs no allocation of its own. The flag says whether it had escapes.
///
/// The common escapes are undone here; a literal with `\u` escapes, control characters
/// or anything unexpected goes through serde_json, which decodes surrogate pairs and says
/// what is wrong.
fn unescape<'a>(literal: &'a str, scratch: &'a mut String) -> serde_json::Result<(&'a str, bool)> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| !inner.bytes().any(|b| b < 0x20));
    let Some(inner) = inner else {
        return unescape_by_serde(literal, scratch);
    };
    if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
        return Ok((inner, false));
    }
    scratch.clear();
    let mut rest = inner;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        scratch.push_str(&rest[..at]);
        let unescaped = match rest.as_bytes().get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            _ => return unescape_by_serde(literal, scratch),
        };
        scratch.push(unescaped);
        // The escape is two ASCII bytes, so this is a character boundary.
        rest = &rest[at + 2..];
    }
    scratch.push_str(rest);
    Ok((scratch.as_str(), true))
}

/// `unescape` the general way, through serde_json.
fn unescape_by_serde<'a>(
    literal: &'a str,
    scratch: &'a mut String,
) -> serde_json::Result<(&'a str, bool)> {
    match serde_json::from_str::<BorrowedStr<'a>>(literal)?.0 {
        Cow::Borrowed(text) => Ok((text, false)),
        Cow::Owned(text) => {
            *scratch = text;
            Ok((scratch.as_str(), true))
        }
    }
}

/// A HAR status: integers are codes; anything else is described for `unknown-status`.
pub fn status_of(raw: &str) -> Status {
    if let Ok(code) = raw.parse::<i64>() {
        return Status::Code(code);
    }
    let what = match raw.as_bytes().first() {
        Some(b'"') => format!(
            "a string ({})",
            crate::text::quote(&serde_json::from_str::<String>(raw).unwrap_or_default())
        ),
        Some(b'n') => return Status::Missing,
        Some(b'-' | b'0'..=b'9') => {
            format!("the number {}", crate::text::quote(raw).trim_matches('"'))
        }
        _ => "not a number".to_string(),
    };
    Status::NotANumber(what)
}

/// Standard base64, tolerating line breaks and missing padding as some tools write it.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    // Most tools write base64 on one line: copied without line breaks only when it has some.
    let compact: Cow<'_, [u8]> = if text.iter().any(u8::is_ascii_whitespace) {
        Cow::Owned(
            text.iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(&compact))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::unescape;

    proptest::proptest! {
        /// Whatever a string holds, its JSON literal (as serde_json writes it, or with every
        /// `/` escaped as some tools do) unescapes back to it.
        #[test]
        fn unescape_undoes_json_escaping(text in "\\PC*|[\"\\\\/\u{0}-\u{1f}a-zé😀]*") {
            let mut scratch = String::new();
            for literal in [
                serde_json::to_string(&text).unwrap(),
                serde_json::to_string(&text).unwrap().replace('/', "\\/"),
            ] {
                let (got, _) = unescape(&literal, &mut scratch).unwrap();
                proptest::prop_assert_eq!(got, text.as_str());
            }
        }
    }

    #[test]
    fn unescape_agrees_with_serde_json() {
        let literals = [
            r#""plain""#,
            r#""""#,
            r#""{\"type\": \"api\", \"message\": \"a\\\\b\/c\"}""#,
            r#""line\nbreak\ttab\rcr\bbs\fff""#,
            r#""caf\u00e9 \ud83d\ude00 é""#,
            r#""\\""#,
            r#""end\\""#,
            r#""lone \ud800 surrogate""#,
            r#""bad \x escape""#,
            "\"raw\u{1}control\"",
            r#""unterminated"#,
        ];
        let mut scratch = String::from("left over");
        for literal in literals {
            let expected = serde_json::from_str::<String>(literal);
            match (unescape(literal, &mut scratch), expected) {
                (Ok((text, _)), Ok(expected)) => assert_eq!(text, expected, "{literal}"),
                (Err(_), Err(_)) => {}
                (got, expected) => panic!(
                    "{literal}: {:?} vs {expected:?}",
                    got.map(|t| t.0.to_string())
                ),
            }
        }
    }

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
