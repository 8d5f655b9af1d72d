//! The one map from a body's bytes back to the file: whatever container held the body (the
//! file's own bytes, a JSON string, a YAML scalar, base64 or compressed data), a finding at
//! body offset N is shown at the file line:column where that byte was written.
//!
//! Loaders describe the container once per body (`BodyOrigin`); the checker asks for the
//! positions of the few offsets that end up in a finding. Escapes, folded lines and
//! indentation are undone here, lazily, so a body that has no finding costs nothing. It reads
//! no file and never prints.

use crate::locate::{Checkpoints, raw_offset_in_literal_from};
use crate::position::{Locate, TextPos};

/// Where the bytes of a body came from, so a finding inside the body can point into the file.
#[derive(Clone, Copy)]
pub struct BodyOrigin<'a> {
    /// Turns offsets of the buffer the body was read from into file positions.
    pub file: &'a dyn Locate,
    /// Where the body (or its string literal, or what was decoded) starts in that buffer.
    pub offset: usize,
    pub kind: OriginKind<'a>,
}

/// How the body bytes relate to the bytes of the file.
#[derive(Clone, Copy, Debug)]
pub enum OriginKind<'a> {
    /// The body bytes appear unchanged in the file.
    Verbatim,
    /// The body is the value of a JSON string literal in the file: this is the raw text
    /// between the quotes, escapes and all.
    JsonString(&'a [u8]),
    /// The body is the value of a YAML scalar; `source` is the scalar as written (from its
    /// first character after any quote or block header), starting at `offset`.
    YamlScalar {
        source: &'a [u8],
        style: ScalarStyle,
    },
    /// The body was decoded (base64, hex, `!!binary`, decompression, de-chunking): findings
    /// point at the start of what was decoded.
    Decoded,
}

/// How a YAML scalar was written (YAML 1.2 §7–8): decides which characters of the source
/// stand for which characters of the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`: lines kept, indentation removed.
    Literal,
    /// `>`: lines folded into spaces, indentation removed.
    Folded,
}

impl std::fmt::Debug for BodyOrigin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BodyOrigin({:?} at {})", self.kind, self.offset)
    }
}

impl BodyOrigin<'_> {
    /// The file position of byte `offset` of the body `bytes` this origin describes.
    pub fn position(&self, bytes: &[u8], offset: usize) -> TextPos {
        self.position_from(bytes, offset, &mut Checkpoints::default())
    }

    /// `position`, for one of many offsets in the same body: walks through the container
    /// start from the nearest of `checkpoints`, and notes new ones.
    pub fn position_from(
        &self,
        bytes: &[u8],
        offset: usize,
        checkpoints: &mut Checkpoints,
    ) -> TextPos {
        self.file
            .position(self.offset + self.raw_offset(bytes, offset, checkpoints))
    }

    /// How far into the container, from `self.offset`, body byte `offset` was written.
    fn raw_offset(&self, bytes: &[u8], offset: usize, checkpoints: &mut Checkpoints) -> usize {
        match self.kind {
            OriginKind::Verbatim => offset,
            OriginKind::JsonString(literal) => {
                raw_offset_in_literal_from(literal, offset, checkpoints)
            }
            OriginKind::YamlScalar { source, style } => {
                raw_offset_in_scalar_from(source, style, bytes, offset, checkpoints)
            }
            OriginKind::Decoded => 0,
        }
    }
}

/// The offset in a YAML scalar's source at which byte `offset` of its value `value` was
/// written.
///
/// The value is walked alongside the source: a byte written as itself matches; a quote
/// written twice (`''`), an escape (`\"`, `\u00e9`) or an escaped line break stands for what
/// it decodes to; indentation and the line breaks that folding turned into spaces are
/// stepped over. Only positions are derived here, never the value, so a mismatch can only
/// cost precision, never correctness.
pub fn raw_offset_in_scalar(
    source: &[u8],
    style: ScalarStyle,
    value: &[u8],
    offset: usize,
) -> usize {
    raw_offset_in_scalar_from(source, style, value, offset, &mut Checkpoints::default())
}

/// `raw_offset_in_scalar`, walking from and noting `checkpoints`.
pub fn raw_offset_in_scalar_from(
    source: &[u8],
    style: ScalarStyle,
    value: &[u8],
    offset: usize,
    checkpoints: &mut Checkpoints,
) -> usize {
    let target = offset.min(value.len());
    let (mut decoded, mut raw) = checkpoints.start_for(target);
    while decoded < target && raw < source.len() {
        checkpoints.note(decoded, raw);
        let want = value[decoded];
        let have = source[raw];
        match style {
            ScalarStyle::SingleQuoted if have == b'\'' => {
                // `''` is one quote.
                raw += 2;
                decoded += 1;
                continue;
            }
            ScalarStyle::DoubleQuoted if have == b'\\' => {
                let next = source.get(raw + 1).copied().unwrap_or(b' ');
                if next == b'\n' || next == b'\r' {
                    // An escaped line break joins lines without producing anything.
                    raw += 2;
                    while matches!(source.get(raw), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        raw += 1;
                    }
                    continue;
                }
                let (width, produced) = match next {
                    b'x' => (4, hex_char_len(source.get(raw + 2..raw + 4))),
                    b'u' => (6, hex_char_len(source.get(raw + 2..raw + 6))),
                    b'U' => (10, hex_char_len(source.get(raw + 2..raw + 10))),
                    b'N' | b'_' => (2, 2),
                    b'L' | b'P' => (2, 3),
                    _ => (2, 1),
                };
                raw += width;
                decoded += produced;
                continue;
            }
            _ => {}
        }
        if have == b'\n' && style != ScalarStyle::Literal && want != b'\n' {
            // Outside a literal block a line's leading white space is never content (YAML
            // 1.2 §6.5): the break folds to this space, the indentation goes.
            decoded += usize::from(want == b' ');
            raw += 1;
            while matches!(source.get(raw), Some(b' ' | b'\t')) {
                raw += 1;
            }
        } else if have == want {
            raw += 1;
            decoded += 1;
        } else if matches!(have, b' ' | b'\t' | b'\n' | b'\r') {
            // Indentation, or a line break folded away: not part of the value here.
            if matches!(want, b' ' | b'\n') && have == b'\n' {
                // A folded line break became this space (or an empty line this break).
                decoded += 1;
            }
            raw += 1;
        } else {
            // Out of step (a construct not modelled here): resynchronise on the next byte.
            decoded += 1;
        }
    }
    // Indentation and folded line breaks before the byte itself are not where it was written.
    if let Some(&want) = value.get(target)
        && !want.is_ascii_whitespace()
    {
        while source
            .get(raw)
            .is_some_and(|&b| b != want && matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            raw += 1;
        }
    }
    raw.min(source.len())
}

/// UTF-8 length of the character a hexadecimal escape names (3 for an invalid one: U+FFFD).
fn hex_char_len(hex: Option<&[u8]>) -> usize {
    hex.and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .and_then(char::from_u32)
        .map_or(3, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every non-space byte of the value must map to the same byte in the source, or to the
    /// escape that wrote it.
    fn assert_maps(source: &str, style: ScalarStyle, value: &str) {
        for (i, b) in value.bytes().enumerate() {
            if b.is_ascii_whitespace() || !b.is_ascii() {
                continue;
            }
            let raw = raw_offset_in_scalar(source.as_bytes(), style, value.as_bytes(), i);
            let written = source.as_bytes()[raw];
            assert!(
                written == b || (style == ScalarStyle::DoubleQuoted && written == b'\\'),
                "byte {i} of {value:?} in {source:?}: {:?}",
                written as char
            );
        }
    }

    #[test]
    fn quoted_scalars_with_escapes_and_folds() {
        assert_maps(
            "{\"type\": \"api\",\n      \"message\": \"it''s x\"}'",
            ScalarStyle::SingleQuoted,
            "{\"type\": \"api\", \"message\": \"it's x\"}",
        );
        assert_maps(
            "{\\n  \\\"code\\\": \\\"\\u00e9x\\\",\n  \\ \\\"type\\\": 1}\"",
            ScalarStyle::DoubleQuoted,
            "{\n  \"code\": \"\u{e9}x\",  \"type\": 1}",
        );
        assert_maps(
            "{\"a\": 1,\\\n    \"b\": 2}\"",
            ScalarStyle::DoubleQuoted,
            "{\"a\": 1,\"b\": 2}",
        );
    }

    #[test]
    fn block_scalars_drop_indentation() {
        assert_maps(
            "  {\n    \"type\": \"api\",\n    \"code\": 3\n  }\n",
            ScalarStyle::Literal,
            "{\n  \"type\": \"api\",\n  \"code\": 3\n}\n",
        );
        assert_maps(
            "  {\"type\": \"api\",\n  \"code\": 3}\n",
            ScalarStyle::Folded,
            "{\"type\": \"api\", \"code\": 3}\n",
        );
        assert_maps("{\"a\":\n  1}", ScalarStyle::Plain, "{\"a\": 1}");
    }
}
