//! Finding things inside a body: the span of a JSON Pointer, and the raw offset of a decoded
//! character inside a JSON string literal.
//!
//! Bodies are parsed into `serde_json::Value`, which keeps no positions; a finding needs one
//! only rarely, so this module walks the body text again for the few pointers that are
//! reported. It assumes the text already parsed as JSON and never panics if it did not.

use std::ops::Range;

/// Where a JSON Pointer lands in a JSON text.
#[derive(Debug, PartialEq, Eq)]
pub struct Located {
    /// The value the pointer names, or, when its last member is absent, the object that
    /// should hold it.
    pub span: Range<usize>,
    /// True when the last member is absent and `span` is its parent object.
    pub missing: bool,
}

/// Finds the span of `pointer` (RFC 6901) in the JSON `text`.
pub fn find_pointer(text: &[u8], pointer: &str) -> Option<Located> {
    let mut walker = Walker { text, pos: 0 };
    walker.skip_ws_and_bom();
    if pointer.is_empty() {
        let start = walker.pos;
        walker.skip_value()?;
        return Some(Located {
            span: start..walker.pos,
            missing: false,
        });
    }
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        let container_start = walker.pos;
        let found = match text.get(walker.pos) {
            Some(b'{') => walker.enter_member(token)?,
            Some(b'[') => match token.parse::<usize>() {
                Ok(index) => walker.enter_index(index)?,
                Err(_) => false,
            },
            _ => return None,
        };
        if !found {
            if i + 1 == tokens.len() {
                let mut w = Walker {
                    text,
                    pos: container_start,
                };
                w.skip_value()?;
                return Some(Located {
                    span: container_start..w.pos,
                    missing: true,
                });
            }
            return None;
        }
    }
    let start = walker.pos;
    walker.skip_value()?;
    Some(Located {
        span: start..walker.pos,
        missing: false,
    })
}

struct Walker<'t> {
    text: &'t [u8],
    pos: usize,
}

impl Walker<'_> {
    fn skip_ws_and_bom(&mut self) {
        if self.text[self.pos..].starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
        }
        self.skip_ws();
    }

    fn skip_ws(&mut self) {
        while matches!(self.text.get(self.pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.text.get(self.pos) == Some(&byte)).then(|| self.pos += 1)
    }

    /// Positions on the value of member `key` of the object here; false if it is absent.
    fn enter_member(&mut self, key: &str) -> Option<bool> {
        self.eat(b'{')?;
        self.skip_ws();
        if self.eat(b'}').is_some() {
            return Some(false);
        }
        loop {
            self.skip_ws();
            let key_start = self.pos;
            self.skip_string()?;
            let this_key: String = serde_json::from_slice(&self.text[key_start..self.pos]).ok()?;
            self.eat(b':')?;
            self.skip_ws();
            if this_key == key {
                return Some(true);
            }
            self.skip_value()?;
            self.skip_ws();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => return Some(false),
                _ => return None,
            }
        }
    }

    /// Positions on element `index` of the array here; false if it is absent.
    fn enter_index(&mut self, index: usize) -> Option<bool> {
        self.eat(b'[')?;
        self.skip_ws();
        if self.eat(b']').is_some() {
            return Some(false);
        }
        for _ in 0..index {
            self.skip_value()?;
            self.skip_ws();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                _ => return Some(false),
            }
            self.skip_ws();
        }
        self.skip_ws();
        Some(true)
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.text.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        loop {
            let rest = &self.text[self.pos..];
            let i = memchr::memchr2(b'"', b'\\', rest)?;
            self.pos += i + 1;
            if rest[i] == b'"' {
                return Some(());
            }
            self.pos += 1; // the escaped character
        }
    }

    /// Skips one value without recursion, so hostile nesting cannot exhaust the stack.
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        let mut depth = 0usize;
        loop {
            match *self.text.get(self.pos)? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.pos += 1;
                }
                b',' | b':' if depth > 0 => self.pos += 1,
                b' ' | b'\t' | b'\r' | b'\n' if depth > 0 => self.pos += 1,
                _ => {
                    // A scalar: runs until a delimiter.
                    let start = self.pos;
                    while let Some(&b) = self.text.get(self.pos) {
                        if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | b':') {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return None;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

/// The offset in a raw JSON string literal (the text between its quotes) at which the
/// decoded byte `decoded_offset` begins.
pub fn raw_offset_in_literal(literal: &[u8], decoded_offset: usize) -> usize {
    let mut raw = 0;
    let mut decoded = 0;
    while raw < literal.len() && decoded < decoded_offset {
        if literal[raw] != b'\\' {
            raw += 1;
            decoded += 1;
            continue;
        }
        match literal.get(raw + 1) {
            Some(b'u') => {
                let unit = std::str::from_utf8(literal.get(raw + 2..raw + 6).unwrap_or_default())
                    .ok()
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&unit) && literal.get(raw + 6..raw + 8) == Some(b"\\u")
                {
                    raw += 12; // a surrogate pair: one 4-byte character
                    decoded += 4;
                } else {
                    raw += 6;
                    decoded += char::from_u32(unit).map_or(3, char::len_utf8);
                }
            }
            _ => {
                raw += 2;
                decoded += 1;
            }
        }
    }
    raw.min(literal.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(text: &str, pointer: &str) -> Option<(String, bool)> {
        find_pointer(text.as_bytes(), pointer).map(|l| (text[l.span].to_string(), l.missing))
    }

    #[test]
    fn finds_members_indexes_and_the_root() {
        let text = r#" {"type": "api", "a/b": {"x": [10, {"y" : "z"}]}, "m~n": null} "#;
        assert_eq!(text_at(text, "/type"), Some(("\"api\"".into(), false)));
        assert_eq!(text_at(text, "/a~1b/x/1/y"), Some(("\"z\"".into(), false)));
        assert_eq!(text_at(text, "/a~1b/x/0"), Some(("10".into(), false)));
        assert_eq!(text_at(text, "/m~0n"), Some(("null".into(), false)));
        assert!(text_at(text, "").is_some_and(|(t, _)| t.starts_with('{') && t.ends_with('}')));
    }

    #[test]
    fn a_missing_member_points_at_its_object() {
        let text = r#"{"error": {"message": "m"}}"#;
        assert_eq!(
            text_at(text, "/error/code"),
            Some((r#"{"message": "m"}"#.into(), true))
        );
        assert_eq!(text_at(text, "/nope/deeper"), None);
    }

    #[test]
    fn keys_with_escapes_match_their_decoded_form() {
        let text = r#"{"t\u0079pe": 1, "s": "a\"}b"}"#;
        assert_eq!(text_at(text, "/type"), Some(("1".into(), false)));
        assert_eq!(text_at(text, "/s"), Some((r#""a\"}b""#.into(), false)));
    }

    #[test]
    fn broken_text_gives_no_span_or_one_inside_the_text() {
        // A truncated or broken value is not located; an intact prefix still is.
        for text in [
            "",
            "{",
            "{\"a\"",
            "[1,",
            "}",
            "{\"a\":}",
            "{\"a\": [",
            "\u{feff}",
        ] {
            assert_eq!(find_pointer(text.as_bytes(), "/a/0"), None, "{text:?}");
            if let Some(root) = find_pointer(text.as_bytes(), "") {
                assert!(
                    root.span.end <= text.len() && !root.span.is_empty(),
                    "{text:?}"
                );
            }
        }
        let cut = r#"{"a": [7, 8"#;
        assert_eq!(text_at(cut, "/a/0"), Some(("7".into(), false)));
        // Spans stay inside the text and on character boundaries, whatever the bytes.
        let odd: &[u8] = b"{\"\xc3\": \"\xf0\x9f\x98\x80\", \"a\": [\"\xff\"]}";
        for pointer in ["", "/a", "/a/0", "/\u{fffd}", "/a/9"] {
            if let Some(found) = find_pointer(odd, pointer) {
                assert!(found.span.end <= odd.len(), "{pointer}: {found:?}");
            }
        }
        let multi = r#"{"é": "😀", "a": ["ü€"]}"#;
        assert_eq!(text_at(multi, "/a/0"), Some(("\"ü€\"".into(), false)));
        assert_eq!(text_at(multi, "/é"), Some(("\"😀\"".into(), false)));
    }

    #[test]
    fn literal_offsets_account_for_escapes() {
        let literal = br#"{\"type\":\"api\",\n\"x\":\"\u00e9\ud83d\ude00!\"}"#;
        let decoded: String =
            serde_json::from_slice(&[b"\"", &literal[..], b"\""].concat()).unwrap();
        for (decoded_offset, _) in decoded.char_indices() {
            let raw = raw_offset_in_literal(literal, decoded_offset);
            let re_decoded: String =
                serde_json::from_slice(&[b"\"", &literal[..raw], b"\""].concat()).unwrap();
            assert_eq!(re_decoded, decoded[..decoded_offset], "at {decoded_offset}");
        }
    }
}
