//! NDJSON (`.jsonl`, `.ndjson`, or standard input whose first line is a whole JSON object
//! followed by another): one record a line, each a capture envelope or a HAR entry object
//! (`request` and `response` members), streamed line by line (docs/inputs.md).
//!
//! Memory follows a few batches of lines, never the stream: lines are read in batches of at
//! most `LINES_PER_BATCH`, checked on worker threads, and each batch's findings are handed
//! on as soon as every earlier batch is done, so a reader at the end of a pipe sees them
//! while later input is still unwritten. A line longer than `MAX_LINE` is one finding and
//! is skipped without being held. Never prints.

use std::io::{self, Read};
use std::sync::{Mutex, mpsc};

use super::batches::{self, InOrder};
use super::envelope::{Members, envelope, integer_status};
use super::{Format, LoadOptions, Reads, Sink, SplitSink};
use crate::position::{Locate, SliceLocator, TextPos};
use crate::text::{offset_of, strip_position};

pub static FORMAT: Format = Format {
    name: "NDJSON",
    reads: Reads::Lines {
        extensions: &["jsonl", "ndjson"],
    },
};

/// The longest line read; a longer one is one finding, skipped as it streams past.
pub const MAX_LINE: usize = 8 * 1024 * 1024;
/// Lines in a batch: findings are handed on at least this often (docs/output-formats.md
/// promises a flush per 1,000 input lines for `jsonl`).
const LINES_PER_BATCH: usize = 1000;
/// A batch is handed to the workers once it holds this many bytes, whatever its lines.
const BATCH_BYTES: usize = 1024 * 1024;
/// How much is read from the input at once.
const READ_BYTES: usize = 256 * 1024;

/// True when `text` (the start of an unnamed input) is NDJSON: its first line is a whole
/// JSON object and more follows on later lines. A pretty-printed document's first line (`{`)
/// is never a whole object, and a one-line document has nothing after its line.
pub fn sniff(text: &[u8]) -> bool {
    let Some(end) = memchr::memchr(b'\n', text) else {
        return false;
    };
    let (first, rest) = text.split_at(end);
    first.trim_ascii_start().starts_with(b"{")
        && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
        && !rest.trim_ascii().is_empty()
}

/// True when the start of an input already shows it is NDJSON: named so and holding a
/// whole line, or unnamed standard input whose first lines say so (`sniff`).
pub fn decided(prefix: &[u8], file_name: &str, extension: &str) -> bool {
    let Reads::Lines { extensions } = FORMAT.reads else {
        return false;
    };
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let text = text.trim_ascii_start();
    if extensions.contains(&extension) {
        return memchr::memchr(b'\n', text).is_some();
    }
    file_name == "-" && sniff(text)
}

/// What a batch holds for one line.
enum Line {
    /// A line's end in the batch's text, where it starts in the input, its item number,
    /// and whether the input ended in the middle of it.
    Text {
        end: usize,
        at: TextPos,
        item: usize,
        cut: bool,
    },
    /// A line past `MAX_LINE`, dropped while read: its start, item number and length.
    TooLong { at: TextPos, item: usize, len: u64 },
}

#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    lines: Vec<Line>,
}

impl batches::Batch for Batch {
    fn run<S: Sink>(&self, options: &LoadOptions, sink: &mut S) {
        let mut start = 0;
        let mut scratch = String::new();
        for line in &self.lines {
            match *line {
                Line::Text { end, at, item, cut } => {
                    let bytes = self.text.get(start..end).unwrap_or_default();
                    start = end;
                    record(bytes, at, item, cut, options, sink, &mut scratch);
                }
                Line::TooLong { at, item, len } => sink.malformed(
                    at,
                    item,
                    format!(
                        "item {item} is a line of {len} bytes, longer than errlint reads ({} MiB); it was skipped",
                        MAX_LINE >> 20
                    ),
                ),
            }
        }
    }
}

/// Reads NDJSON from `reader`, whose first byte sits at `start`, checking the lines on
/// worker threads and merging their results into `sink` in input order as they finish.
pub fn load<R: Read + Send, S: SplitSink>(
    mut reader: R,
    start: TextPos,
    options: &LoadOptions,
    sink: &mut S,
) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // One batch waiting per worker keeps memory to a few batches whatever the input's length.
    let (batches, received) = mpsc::sync_channel::<(usize, Batch)>(workers);
    let received = Mutex::new(received);
    let (finished_parts, parts) = mpsc::channel::<(usize, S)>();
    std::thread::scope(|scope| {
        batches::spawn_workers(
            scope,
            workers,
            &received,
            &finished_parts,
            None,
            sink,
            options,
        );
        drop(finished_parts);
        // The reader has a thread of its own, so that findings are merged (and reach the
        // report) while the reader waits for a pipe's next line.
        let reading = scope.spawn(move || {
            let mut number = 0;
            read_lines(&mut reader, start, &mut |batch| {
                // Workers only stop when the channel closes, so a send cannot fail.
                let _ = batches.send((number, batch));
                number += 1;
            })
        });
        let mut merged = InOrder::new();
        // The channel closes when the last worker finishes, after the reader's last batch.
        for done in parts.iter() {
            merged.add(sink, done);
        }
        if let Ok(Some((at, item, error))) = reading.join() {
            sink.malformed(
                at,
                item,
                format!("the input could not be read after item {item}: {error}"),
            );
        }
    });
}

/// Splits the input into batches of whole lines, handed to `send` in order. Returns where
/// reading failed, if it did.
fn read_lines(
    reader: &mut dyn Read,
    start: TextPos,
    send: &mut dyn FnMut(Batch),
) -> Option<(TextPos, usize, io::Error)> {
    let mut lines = Lines {
        batch: Batch::default(),
        at: start,
        line_start: 0,
        dropped: None,
        item: 0,
    };
    let mut chunk = vec![0; READ_BYTES];
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                if !lines.batch.lines.is_empty() {
                    send(std::mem::take(&mut lines.batch));
                }
                return Some((lines.at, lines.item, error));
            }
        };
        let mut rest = chunk.get(..read).unwrap_or_default();
        while !rest.is_empty() {
            let newline = memchr::memchr(b'\n', rest);
            let (piece, after) = match newline {
                Some(i) => (rest.get(..i).unwrap_or_default(), rest.get(i + 1..)),
                None => (rest, None),
            };
            lines.extend(piece);
            let Some(after) = after else { break };
            rest = after;
            lines.finish_line(false);
            if lines.batch.lines.len() >= LINES_PER_BATCH || lines.batch.text.len() >= BATCH_BYTES {
                lines.send(send);
            }
        }
        // A short read means the writer has sent nothing more yet: what is complete goes
        // out now, so a slow pipe's findings do not wait for a full batch.
        if read < chunk.len() && !lines.batch.lines.is_empty() {
            lines.send(send);
        }
    }
    if lines.batch.text.len() > lines.line_start || lines.dropped.is_some() {
        lines.finish_line(true);
    }
    if !lines.batch.lines.is_empty() {
        send(lines.batch);
    }
    None
}

/// The batch being filled and where the current line stands.
struct Lines {
    batch: Batch,
    /// Where the current line starts in the input, and in the batch's text.
    at: TextPos,
    line_start: usize,
    /// Bytes of the current line dropped because it passed `MAX_LINE`.
    dropped: Option<u64>,
    /// The next line's item number (blank lines have none).
    item: usize,
}

impl Lines {
    /// Hands on the finished lines; the current line's start moves to the new batch.
    fn send(&mut self, send: &mut dyn FnMut(Batch)) {
        let partial = self.batch.text.split_off(self.line_start);
        let full = std::mem::replace(
            &mut self.batch,
            Batch {
                text: partial,
                lines: Vec::new(),
            },
        );
        self.line_start = 0;
        send(full);
    }

    /// Adds a piece of the current line; past `MAX_LINE` it is counted, not kept.
    fn extend(&mut self, piece: &[u8]) {
        let held = self.batch.text.len() - self.line_start;
        if self.dropped.is_some() || held + piece.len() > MAX_LINE {
            *self.dropped.get_or_insert(0) += (held + piece.len()) as u64;
            self.batch.text.truncate(self.line_start);
        } else {
            self.batch.text.extend_from_slice(piece);
        }
    }

    /// Ends the current line; `cut` when the input ended before its newline.
    fn finish_line(&mut self, cut: bool) {
        let held = self.batch.text.len() - self.line_start;
        let total = self.dropped.take().unwrap_or(0) + held as u64;
        let blank = self
            .batch
            .text
            .get(self.line_start..)
            .is_none_or(|line| line.trim_ascii().is_empty());
        if total > held as u64 {
            self.batch.lines.push(Line::TooLong {
                at: self.at,
                item: self.item,
                len: total,
            });
            self.item += 1;
        } else if !blank {
            self.batch.lines.push(Line::Text {
                end: self.batch.text.len(),
                at: self.at,
                item: self.item,
                cut,
            });
            self.item += 1;
        } else {
            self.batch.text.truncate(self.line_start);
        }
        self.line_start = self.batch.text.len();
        self.at = TextPos {
            offset: self.at.offset + total + 1,
            line: self.at.line.saturating_add(1),
            column: 1,
        };
    }
}

/// Checks one line: a HAR entry object, an envelope, or a finding saying why it is neither.
fn record<S: Sink>(
    line: &[u8],
    at: TextPos,
    item: usize,
    cut: bool,
    options: &LoadOptions,
    sink: &mut S,
    scratch: &mut String,
) {
    // A line is short and holds no line break: positions are counted from its start.
    let index = SliceLocator::new(line, at);
    let lead = line.len() - line.trim_ascii_start().len();
    let ends = if cut {
        "; the input ends in the middle of this line"
    } else {
        ""
    };
    let members = match crate::text::from_json_bytes::<Members<'_>>(line) {
        Ok(members) => members,
        Err(error) => {
            let offset = offset_of(line, 1, error.column());
            return sink.malformed(
                index.position(offset),
                item,
                format!(
                    "item {item} is not a JSON object: {}{ends}",
                    strip_position(&error)
                ),
            );
        }
    };
    if members.contains_key("response") && !members.contains_key("status") {
        return super::har::entry(line, at, item, options, sink, scratch);
    }
    if integer_status(&members).is_none() {
        return sink.malformed(
            index.position(lead),
            item,
            format!(
                "item {item} is not a capture envelope: it needs an integer \"status\" (or \"request\" and \"response\", as a HAR entry)"
            ),
        );
    }
    // The id is taken by `envelope`; only its kind is checked here (the line parsed, so the
    // text of a string or number is valid).
    if let Some(raw) = members.get("id")
        && !matches!(
            raw.get().as_bytes().first(),
            Some(b'"' | b'-' | b'0'..=b'9')
        )
    {
        let offset = super::envelope::offset_in(line, raw.get());
        sink.malformed(
            index.position(offset),
            item,
            format!(
                "item {item}: \"id\" must be a string or a number, found {}; its findings carry no id",
                kind_of(raw.get())
            ),
        );
    }
    envelope(&members, item, line, &index, sink);
}

/// What a JSON value is, for messages.
fn kind_of(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}
