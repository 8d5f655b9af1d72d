//! A few escaped lines of a body around a span, for the human renderer's snippet.
//!
//! Built by the checker while the body is still in memory (a streamed HAR entry is gone by
//! the time the report is rendered), so a diagnostic owns everything it shows. Lines are cut
//! around the span so a minified 1 MB body shows as one readable line.

use std::ops::Range;

use crate::render::escape::escape_source_line;

/// Longest line shown, in characters, before it is cut around the span.
const MAX_LINE_CHARS: usize = 120;
/// Lines shown after the span's first line.
const MAX_LINES_AFTER: usize = 2;

/// Escaped lines of a body with the span to point at.
#[derive(Clone, Debug, PartialEq)]
pub struct Excerpt {
    /// The lines, already escaped for a terminal, joined by `\n`.
    pub text: String,
    /// The file line of the first shown line, when the body appears verbatim in the file.
    pub first_line: Option<u32>,
    /// The byte range of `text` to underline (never empty unless `text` is).
    pub span: Range<usize>,
}

/// Builds an excerpt of `body` pointing at `span`. `line_number(n)` gives the file line of the
/// body's 0-based line `n` when the body appears verbatim in the file.
pub fn excerpt(
    body: &[u8],
    span: Range<usize>,
    line_number: impl Fn(usize) -> Option<u32>,
) -> Excerpt {
    BodyText::new(body).excerpt(span, line_number)
}

/// A body prepared once for many excerpts: its text and where its lines start. Each
/// excerpt then costs the lines it shows (each cut to `MAX_LINE_CHARS`), not the body, so a
/// body with thousands of findings is not read once per finding.
pub struct BodyText<'b> {
    bytes: &'b [u8],
    text: std::borrow::Cow<'b, str>,
    /// Offsets of the line breaks of `text`.
    newlines: Vec<usize>,
}

impl<'b> BodyText<'b> {
    pub fn new(bytes: &'b [u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        Self {
            bytes,
            text,
            newlines,
        }
    }

    /// Where `offset` of the body lands in the text (see `lossy_offset`).
    fn text_offset(&self, offset: usize) -> usize {
        match &self.text {
            std::borrow::Cow::Borrowed(text) => floor_char_boundary(text, offset),
            std::borrow::Cow::Owned(_) => lossy_offset(self.bytes, offset),
        }
    }

    /// The start of the line holding text offset `at`.
    fn line_start(&self, at: usize) -> usize {
        let before = self.newlines.partition_point(|&n| n < at);
        before.checked_sub(1).map_or(0, |i| self.newlines[i] + 1)
    }

    /// The end (its line break, or the text's end) of the line holding text offset `at`.
    fn line_end(&self, at: usize) -> usize {
        let at = self.newlines.partition_point(|&n| n < at);
        self.newlines.get(at).copied().unwrap_or(self.text.len())
    }

    /// The excerpt pointing at `span`, as `excerpt` builds it.
    pub fn excerpt(
        &self,
        span: Range<usize>,
        line_number: impl Fn(usize) -> Option<u32>,
    ) -> Excerpt {
        let text: &str = &self.text;
        let start = self.text_offset(span.start);
        let end = self.text_offset(span.end.max(span.start)).max(start);

        let line_start = self.line_start(start);
        let context_start = if line_start > 0 {
            self.line_start(line_start - 1)
        } else {
            0
        };
        let mut lines_out: Vec<String> = Vec::new();
        let mut offset = 0usize;

        // One line of context before, when it is short; the span's line; a couple after.
        let before = text[context_start..line_start].trim_end_matches(['\n', '\r']);
        let span_line_end = self.line_end(start);
        let span_line = text[line_start..span_line_end].trim_end_matches('\r');
        let include_before = line_start > 0 && is_short(before) && is_short(span_line);
        let first_shown = if include_before {
            context_start
        } else {
            line_start
        };
        if include_before {
            let line = escape_source_line(before).into_owned();
            offset += line.len() + 1;
            lines_out.push(line);
        }

        let (line, local_span) = cut_line(
            span_line,
            start - line_start,
            end.min(line_start + span_line.len()) - line_start,
        );
        let mut out_span = offset + local_span.start..offset + local_span.end;
        let span_line_index = lines_out.len();
        lines_out.push(line);

        if is_short(span_line) {
            let mut next_start = span_line_end + 1;
            for _ in 0..MAX_LINES_AFTER {
                if next_start > text.len() {
                    break;
                }
                let next_end = self.line_end(next_start);
                let line = text[next_start..next_end].trim_end_matches('\r');
                if !is_short(line) {
                    break;
                }
                lines_out.push(escape_source_line(line).into_owned());
                next_start = next_end + 1;
            }
            // Drop trailing empty lines after the span's line: they add nothing.
            while lines_out.len() > span_line_index + 1
                && lines_out.last().is_some_and(|l| l.trim().is_empty())
            {
                lines_out.pop();
            }
        }

        let shown = lines_out.join("\n");
        if out_span.start == out_span.end && !shown.is_empty() {
            // Point at one character rather than at nothing.
            let next = shown[out_span.start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            if next > 0 {
                out_span.end = out_span.start + next;
            } else if out_span.start > 0 {
                let prev = shown[..out_span.start]
                    .chars()
                    .next_back()
                    .map_or(0, char::len_utf8);
                out_span.start -= prev;
            }
        }
        Excerpt {
            // Lossy decoding keeps every newline, so line counts in the text are the body's.
            first_line: line_number(self.newlines.partition_point(|&n| n < first_shown)),
            text: shown,
            span: out_span,
        }
    }
}

/// Whether a line is at most `MAX_LINE_CHARS` characters, without counting a long one whole.
fn is_short(line: &str) -> bool {
    // A character is at most four bytes: a line this long has too many.
    line.len() <= MAX_LINE_CHARS
        || (line.len() <= 4 * MAX_LINE_CHARS && line.chars().count() <= MAX_LINE_CHARS)
}

/// Escapes one line, cutting it around the span when it is long. Returns the shown line and
/// the span within it.
fn cut_line(line: &str, span_start: usize, span_end: usize) -> (String, Range<usize>) {
    let span_start = floor_char_boundary(line, span_start);
    let span_end = floor_char_boundary(line, span_end.max(span_start));
    let (mut from, mut to) = (0, line.len());
    let (mut lead, mut trail) = ("", "");
    if !is_short(line) {
        from = floor_char_boundary(line, span_start.saturating_sub(40));
        to = floor_char_boundary(line, (span_start + MAX_LINE_CHARS - 40).min(line.len()));
        if from > 0 {
            lead = "…";
        }
        if to < line.len() {
            trail = "…";
        }
    }
    let pre = escape_source_line(&line[from..span_start.max(from)]);
    let marked =
        escape_source_line(&line[span_start.max(from)..span_end.min(to).max(span_start.max(from))]);
    let post = escape_source_line(&line[span_end.min(to).max(span_start.max(from))..to]);
    let start = lead.len() + pre.len();
    let shown = format!("{lead}{pre}{marked}{post}{trail}");
    (shown, start..start + marked.len())
}

/// Where byte `offset` of `bytes` lands in `String::from_utf8_lossy(bytes)`: always on a
/// character boundary of that text. Spans come from parsers that count raw bytes, and may fall
/// inside a multi-byte character or inside bytes that lossy decoding replaced by U+FFFD (three
/// bytes for any run of one to three invalid bytes), so byte offsets cannot be used on the text
/// as they are.
fn lossy_offset(bytes: &[u8], offset: usize) -> usize {
    let offset = offset.min(bytes.len());
    let (mut raw, mut text) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        if offset < raw + valid.len() {
            return text + floor_char_boundary(valid, offset - raw);
        }
        raw += valid.len();
        text += valid.len();
        if offset < raw + chunk.invalid().len() {
            // Inside bytes shown as one replacement character: point at that character.
            return text;
        }
        raw += chunk.invalid().len();
        if !chunk.invalid().is_empty() {
            text += char::REPLACEMENT_CHARACTER.len_utf8();
        }
    }
    text
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(e: &Excerpt) -> &str {
        &e.text[e.span.clone()]
    }

    #[test]
    fn points_at_a_span_in_a_one_line_body() {
        let body = br#"{"type":"api","code":"c"}"#;
        let e = excerpt(body, 8..13, |_| None);
        assert_eq!(e.text, r#"{"type":"api","code":"c"}"#);
        assert_eq!(marked(&e), "\"api\"");
    }

    #[test]
    fn shows_a_line_of_context_and_numbers_lines() {
        let body = b"{\n  \"type\": \"api\",\n  \"code\": \"X\",\n  \"param\": null\n}\n";
        let start = body.windows(3).position(|w| w == b"\"X\"").unwrap();
        let e = excerpt(body, start..start + 3, |n| Some(10 + n as u32));
        assert_eq!(
            e.text,
            "  \"type\": \"api\",\n  \"code\": \"X\",\n  \"param\": null\n}"
        );
        assert_eq!(marked(&e), "\"X\"");
        assert_eq!(e.first_line, Some(11));
    }

    #[test]
    fn cuts_long_lines_around_the_span() {
        let body = format!("{{\"pad\":\"{}\",\"type\":\"api\"}}", "x".repeat(5000));
        let start = body.find("\"api\"").unwrap();
        let e = excerpt(body.as_bytes(), start..start + 5, |_| None);
        assert!(e.text.chars().count() <= MAX_LINE_CHARS + 2, "{}", e.text);
        assert!(e.text.starts_with('…'));
        assert_eq!(marked(&e), "\"api\"");
    }

    #[test]
    fn escapes_control_characters_and_keeps_the_span() {
        let body = "{\"m\":\"\u{1b}[31mred\",\"type\":\"x\"}";
        let start = body.find("\"x\"").unwrap();
        let e = excerpt(body.as_bytes(), start..start + 3, |_| None);
        assert!(!e.text.contains('\u{1b}'));
        assert_eq!(marked(&e), "\"x\"");
    }

    #[test]
    fn a_span_on_a_blank_last_line_stays_in_the_excerpt() {
        // Found by the raw-HTTP fuzz target: the span's own line was dropped as blank.
        let body = b"{\"a\": 1}\n\n  \n";
        let e = excerpt(body, 10..11, |_| None);
        assert!(e.span.end <= e.text.len(), "{e:?}");
    }

    /// The shown text and the span into it, checked the way the human renderer uses them.
    fn assert_well_formed(e: &Excerpt, body: &[u8], span: &Range<usize>) {
        assert!(
            e.span.start <= e.span.end && e.span.end <= e.text.len(),
            "{body:?} {span:?}: span {:?} outside {:?}",
            e.span,
            e.text
        );
        assert!(
            e.text.is_char_boundary(e.span.start) && e.text.is_char_boundary(e.span.end),
            "{body:?} {span:?}: span {:?} splits a character of {:?}",
            e.span,
            e.text
        );
        assert!(
            !e.text.chars().any(|c| c.is_control() && c != '\n'),
            "{body:?}: a control character reached the excerpt {:?}",
            e.text
        );
    }

    #[test]
    fn a_span_inside_a_character_next_to_invalid_bytes() {
        // A parser's error offset inside "😀" of a body whose later 0xFF makes decoding lossy:
        // this once sliced the text inside the character and panicked.
        let body = b"{\"message\": \"\\u0\xf0\x9f\x98\x80\"}\xff";
        let e = excerpt(body, 19..19, |_| Some(1));
        assert_well_formed(&e, body, &(19..19));
        assert!(e.text.contains('😀'), "{:?}", e.text);
        assert_eq!(marked(&e), "😀");
    }

    #[test]
    fn maps_raw_offsets_onto_lossy_text() {
        let body = b"a\xffb\xf0\x9f\x98\x80c";
        // a, U+FFFD (3 bytes), b, 😀 (4 bytes), c
        assert_eq!(lossy_offset(body, 0), 0);
        assert_eq!(lossy_offset(body, 1), 1);
        assert_eq!(lossy_offset(body, 2), 4);
        assert_eq!(lossy_offset(body, 3), 5);
        assert_eq!(lossy_offset(body, 5), 5, "inside 😀 snaps to its start");
        assert_eq!(lossy_offset(body, 7), 9);
        assert_eq!(lossy_offset(body, 99), 10);
    }

    #[test]
    fn never_panics_on_odd_spans_and_bytes() {
        let bodies: [&[u8]; 9] = [
            b"",
            b"\xff\xfe{\"a\":1}",
            b"\n\n\n",
            "é\r\nü".as_bytes(),
            b"x\n \n\n",
            b"\r\n\r\n",
            b"{\"m\":\"\xf0\x9f\x98\x80\xe2\x82\"}\xff\n\xc3",
            "\u{1b}[31m\u{202e}ü€😀\u{7f}".as_bytes(),
            b"\xe2\x82\xac\xe2\x82\n\xf0\x9f\x98",
        ];
        for body in bodies {
            for start in 0..=body.len() + 2 {
                for end in [0, start, start + 1, start + 3, body.len() + 5] {
                    let e = excerpt(body, start..end, |_| Some(1));
                    assert_well_formed(&e, body, &(start..end));
                    if !body.iter().all(u8::is_ascii_whitespace) {
                        assert!(!e.text.is_empty(), "{body:?} {start}..{end}: empty excerpt");
                    }
                }
            }
        }
    }
}
