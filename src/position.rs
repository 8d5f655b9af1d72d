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

/// Line starts of an in-memory text, for turning many offsets into positions cheaply.
///
/// Only every `LINES_PER_MARK`th line start is kept: a lookup walks at most that many lines,
/// and the index of a big cassette costs a few hundred kilobytes, not eight bytes a line.
pub struct LineIndex<'a> {
    text: &'a [u8],
    base: TextPos,
    /// Offsets of lines 0, LINES_PER_MARK, 2 × LINES_PER_MARK, …
    marks: Vec<usize>,
}

const LINES_PER_MARK: usize = 16;

impl<'a> LineIndex<'a> {
    /// Indexes `text`, whose first byte sits at `base` in the file.
    pub fn new(text: &'a [u8], base: TextPos) -> Self {
        let mut marks = vec![0];
        marks.extend(
            memchr_iter(b'\n', text)
                .skip(LINES_PER_MARK - 1)
                .step_by(LINES_PER_MARK)
                .map(|i| i + 1),
        );
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
        let mark = self.marks.partition_point(|&start| start <= offset).max(1) - 1;
        let mut line_idx = mark * LINES_PER_MARK;
        let mark_start = self.marks.get(mark).copied().unwrap_or(0).min(offset);
        let mut line_start = mark_start;
        for newline in memchr_iter(b'\n', &self.text[mark_start..offset]) {
            line_idx += 1;
            line_start = mark_start + newline + 1;
        }
        let chars = count_chars(&self.text[line_start..offset]);
        let column = if line_idx == 0 {
            self.base.column.saturating_add(chars)
        } else {
            1u32.saturating_add(chars)
        };
        TextPos {
            offset: self.base.offset + offset as u64,
            line: self.base.line.saturating_add(line_idx as u32),
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

/// A buffer that starts at a known position: positions are found by walking from its start,
/// which suits small buffers such as one HAR entry.
pub struct SliceLocator<'a> {
    pub text: &'a [u8],
    pub base: TextPos,
}

impl Locate for SliceLocator<'_> {
    fn position(&self, offset: usize) -> TextPos {
        self.base.advance(&self.text[..offset.min(self.text.len())])
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
