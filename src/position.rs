//! Positions in a capture file: byte offsets plus 1-based line and column.
//!
//! Loaders keep byte offsets and turn them into line:column as they go (a streamed HAR
//! cannot be revisited), so every `Response` and every finding carries a ready `TextPos`.
//! Columns count Unicode scalar values, as editors and ruff do, not bytes.

use memchr::{memchr_iter, memrchr};

/// A place in a file: byte offset and 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextPos {
    pub offset: u64,
    pub line: u32,
    pub column: u32,
}

impl Default for TextPos {
    fn default() -> Self {
        Self::START
    }
}

impl TextPos {
    /// The first byte of a file.
    pub const START: TextPos = TextPos {
        offset: 0,
        line: 1,
        column: 1,
    };

    /// The position reached after reading `bytes` from `self`.
    pub fn advance(self, bytes: &[u8]) -> TextPos {
        let offset = self.offset + bytes.len() as u64;
        match memrchr(b'\n', bytes) {
            None => TextPos {
                offset,
                line: self.line,
                column: self.column.saturating_add(count_chars(bytes)),
            },
            Some(last) => {
                let newlines = memchr_iter(b'\n', bytes).count() as u32;
                TextPos {
                    offset,
                    line: self.line.saturating_add(newlines),
                    column: 1u32.saturating_add(count_chars(&bytes[last + 1..])),
                }
            }
        }
    }
}

/// Counts characters in possibly invalid UTF-8: every byte that does not continue a
/// multi-byte sequence starts a character.
fn count_chars(bytes: &[u8]) -> u32 {
    // Summed in blocks into a byte-wide counter, which the compiler turns into SIMD: a HAR
    // written on one line has every byte of the file counted here.
    let mut total = 0usize;
    for block in bytes.chunks(255) {
        let mut starts = 0u8;
        for &byte in block {
            starts += u8::from((byte as i8) >= -64);
        }
        total += usize::from(starts);
    }
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// Checkpoints in an in-memory text, for turning many offsets into positions cheaply.
///
/// A checkpoint is kept at every `LINES_PER_MARK`th line start, and wherever a stretch of
/// text (a long line, a HAR written on one line) would otherwise go `MARK_BYTES` without one:
/// a lookup walks at most that many bytes and lines, however the text is laid out, and the
/// index of a big cassette costs a few hundred kilobytes, not eight bytes a line.
pub struct LineIndex<'a> {
    text: &'a [u8],
    base: TextPos,
    /// Checkpoints in offset order, the first at offset 0.
    marks: Vec<Mark>,
}

/// A place in the text whose line and column are known.
#[derive(Clone, Copy)]
struct Mark {
    offset: usize,
    /// Lines before it, from the text's start.
    line: usize,
    /// Characters between its line's start and it.
    chars: u32,
}

const LINES_PER_MARK: usize = 16;
const MARK_BYTES: usize = 4096;

impl<'a> LineIndex<'a> {
    /// Indexes `text`, whose first byte sits at `base` in the file.
    pub fn new(text: &'a [u8], base: TextPos) -> Self {
        let mut marks = vec![Mark {
            offset: 0,
            line: 0,
            chars: 0,
        }];
        let mut line = 0;
        let mut line_start = 0;
        // Checkpoints inside the line that starts at `line_start`, up to `end`.
        let within_line = |marks: &mut Vec<Mark>, line: usize, line_start: usize, end: usize| {
            while let Some(&last) = marks.last()
                && end - last.offset > MARK_BYTES
            {
                let at = last.offset + MARK_BYTES;
                let chars = if last.line == line {
                    last.chars
                        .saturating_add(count_chars(&text[last.offset..at]))
                } else {
                    count_chars(&text[line_start..at])
                };
                marks.push(Mark {
                    offset: at,
                    line,
                    chars,
                });
            }
        };
        for newline in memchr_iter(b'\n', text) {
            within_line(&mut marks, line, line_start, newline);
            line += 1;
            line_start = newline + 1;
            let last = marks.last().map_or(0, |m| m.offset);
            if line % LINES_PER_MARK == 0 || line_start - last > MARK_BYTES {
                marks.push(Mark {
                    offset: line_start,
                    line,
                    chars: 0,
                });
            }
        }
        within_line(&mut marks, line, line_start, text.len());
        Self { text, base, marks }
    }

    /// Where `part`, a slice of the indexed text, starts in it (0 for any other slice).
    pub fn offset_of(&self, part: &[u8]) -> usize {
        let start = self.text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        if at >= start && at + part.len() <= start + self.text.len() {
            at - start
        } else {
            0
        }
    }

    /// The file position of byte `offset` of the text (clamped to its end).
    pub fn position(&self, offset: usize) -> TextPos {
        let offset = offset.min(self.text.len());
        let at = self.marks.partition_point(|m| m.offset <= offset).max(1) - 1;
        let mark = self.marks.get(at).copied().unwrap_or(Mark {
            offset: 0,
            line: 0,
            chars: 0,
        });
        let walked = &self.text[mark.offset..offset];
        let (line, chars) = match memrchr(b'\n', walked) {
            None => (mark.line, mark.chars.saturating_add(count_chars(walked))),
            Some(last) => (
                mark.line + memchr_iter(b'\n', walked).count(),
                count_chars(&walked[last + 1..]),
            ),
        };
        let column = if line == 0 {
            self.base.column.saturating_add(chars)
        } else {
            1u32.saturating_add(chars)
        };
        TextPos {
            offset: self.base.offset + offset as u64,
            line: self.base.line.saturating_add(line as u32),
            column,
        }
    }
}

/// Turns byte offsets of some buffer into file positions. Loaders hand rules a `&dyn Locate`
/// so that a position is only computed for the few offsets that end up in a finding.
pub trait Locate: Sync {
    fn position(&self, offset: usize) -> TextPos;
}

impl Locate for LineIndex<'_> {
    fn position(&self, offset: usize) -> TextPos {
        LineIndex::position(self, offset)
    }
}

/// A buffer that starts at a known position, such as one HAR entry: positions are found by
/// walking from its start while it is small, and through a `LineIndex` built on first use
/// once it is not, so many findings in one big entry are not each a walk from its start.
pub struct SliceLocator<'a> {
    text: &'a [u8],
    base: TextPos,
    index: std::sync::OnceLock<LineIndex<'a>>,
}

/// Below this size a walk is cheaper than an index.
const SMALL_SLICE: usize = 4 * MARK_BYTES;

impl<'a> SliceLocator<'a> {
    pub fn new(text: &'a [u8], base: TextPos) -> Self {
        Self {
            text,
            base,
            index: std::sync::OnceLock::new(),
        }
    }
}

impl Locate for SliceLocator<'_> {
    fn position(&self, offset: usize) -> TextPos {
        if self.text.len() <= SMALL_SLICE {
            return self.base.advance(&self.text[..offset.min(self.text.len())]);
        }
        self.index
            .get_or_init(|| LineIndex::new(self.text, self.base))
            .position(offset)
    }
}

/// A fixed position: every offset maps to it.
impl Locate for TextPos {
    fn position(&self, _offset: usize) -> TextPos {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_counts_lines_and_characters() {
        let p = TextPos::START.advance(b"ab\ncd");
        assert_eq!((p.offset, p.line, p.column), (5, 2, 3));
        let p = TextPos::START.advance("é€x".as_bytes());
        assert_eq!((p.line, p.column), (1, 4));
    }

    #[test]
    fn checkpoints_inside_long_lines_match_advance() {
        // Lines far longer than a checkpoint's stretch, with multi-byte characters cut
        // across checkpoints, short lines between them, and a long last line.
        let long = "aé€😀".repeat(3_000);
        let text = format!("{long}\n\nxy\n{long}{long}\n{}", "b\n".repeat(40)) + &long;
        let text = text.as_bytes();
        let base = TextPos::START.advance(b"key: ");
        let index = LineIndex::new(text, base);
        let slice = SliceLocator::new(text, base);
        for off in (0..=text.len()).step_by(97).chain([text.len()]) {
            let expected = base.advance(&text[..off]);
            assert_eq!(index.position(off), expected, "offset {off}");
            assert_eq!(slice.position(off), expected, "offset {off}");
        }
        // A lookup walks at most a stretch: a checkpoint every few kilobytes at least.
        assert!(index.marks.len() >= text.len() / MARK_BYTES);
        assert!(
            index
                .marks
                .windows(2)
                .all(|w| w[1].offset - w[0].offset <= MARK_BYTES + 1)
        );
    }

    #[test]
    fn line_index_matches_advance() {
        let mut text = b"{\n  \"a\": 1,\r\n  \"b\": \"\xc3\xa9x\"\n}".repeat(12);
        text.extend_from_slice(b"\n\n\n\xc3\xa9");
        let text = &text[..];
        let base = TextPos::START.advance(b"HTTP/1.1 200\n\n");
        let index = LineIndex::new(text, base);
        for off in 0..=text.len() {
            assert_eq!(
                index.position(off),
                base.advance(&text[..off]),
                "offset {off}"
            );
        }
    }
}
