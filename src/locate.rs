//! Finding things inside a body: the span of a JSON Pointer, and the raw offset of a decoded
//! character inside a JSON string literal.
//!
//! Bodies are parsed into `serde_json::Value`, which keeps no positions; a finding needs one
//! only rarely, so this module walks the body text again for the few pointers that are
//! reported. It assumes the text already parsed as JSON and never panics if it did not.

use std::collections::HashMap;
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
    PointerIndex::new(text).find(pointer)
}

/// Finds many pointers in one JSON text in linear time overall: the members and elements
/// of each container are read once, only as far as a lookup needs, and remembered, so the
/// thousandth finding in an `errors` array is found without reading the first 999 again.
/// What it remembers is a few words per member or element read.
pub struct PointerIndex<'t> {
    text: &'t [u8],
    /// Where the root value starts, after white space and a byte order mark.
    root: usize,
    /// What has been read of each container, by the offset of its `{` or `[`.
    containers: HashMap<usize, Children>,
}

/// The members or elements of one container read so far.
#[derive(Default)]
struct Children {
    /// Each member's first value, by decoded key.
    members: HashMap<String, usize>,
    /// Each element's start, in order.
    elements: Vec<usize>,
    /// Where reading goes on: after the opening bracket or the last comma read.
    resume: Option<usize>,
    /// The whole container has been read (or is broken past `resume`).
    done: bool,
}

impl<'t> PointerIndex<'t> {
    pub fn new(text: &'t [u8]) -> Self {
        let mut walker = Walker { text, pos: 0 };
        walker.skip_ws_and_bom();
        Self {
            text,
            root: walker.pos,
            containers: HashMap::new(),
        }
    }

    /// The span of `pointer`, as `find_pointer` gives it.
    pub fn find(&mut self, pointer: &str) -> Option<Located> {
        let mut at = self.root;
        if !pointer.is_empty() {
            let tokens: Vec<String> = pointer
                .strip_prefix('/')?
                .split('/')
                .map(|t| t.replace("~1", "/").replace("~0", "~"))
                .collect();
            for (i, token) in tokens.iter().enumerate() {
                match self.child(at, token)? {
                    Some(child) => at = child,
                    None if i + 1 == tokens.len() => {
                        return Some(Located {
                            span: at..self.value_end(at)?,
                            missing: true,
                        });
                    }
                    None => return None,
                }
            }
        }
        Some(Located {
            span: at..self.value_end(at)?,
            missing: false,
        })
    }

    fn value_end(&self, start: usize) -> Option<usize> {
        let mut walker = Walker {
            text: self.text,
            pos: start,
        };
        walker.skip_value()?;
        Some(walker.pos)
    }

    /// The start of member or element `token` of the container at `at`: `Some(None)` when
    /// it has none, `None` when the text there is not a container or is broken.
    fn child(&mut self, at: usize, token: &str) -> Option<Option<usize>> {
        let is_object = match self.text.get(at) {
            Some(b'{') => true,
            Some(b'[') => false,
            _ => return None,
        };
        let index = if is_object {
            None
        } else {
            match token.parse::<usize>() {
                Ok(index) => Some(index),
                Err(_) => return Some(None),
            }
        };
        let text = self.text;
        let children = self.containers.entry(at).or_default();
        loop {
            let known = match index {
                None => children.members.get(token).copied(),
                Some(index) => children.elements.get(index).copied(),
            };
            if known.is_some() {
                return Some(known);
            }
            if children.done {
                return Some(None);
            }
            let mut walker = Walker {
                text,
                pos: children.resume.unwrap_or(at + 1),
            };
            walker.skip_ws();
            let close = if is_object { b'}' } else { b']' };
            if children.resume.is_none() && walker.eat(close).is_some() {
                children.done = true;
                continue;
            }
            if is_object {
                let key_start = walker.pos;
                if walker.skip_string().is_none() {
                    children.done = true;
                    return None;
                }
                let key = decode_key(&text[key_start..walker.pos])?;
                walker.eat(b':')?;
                walker.skip_ws();
                children.members.entry(key).or_insert(walker.pos);
            } else {
                children.elements.push(walker.pos);
            }
            let ends_here = walker.skip_value().is_none() || {
                walker.skip_ws();
                walker.eat(b',').is_none()
            };
            children.resume = Some(walker.pos);
            children.done = ends_here;
        }
    }
}

/// A member name as written (quotes included), decoded; without escapes, as it is.
fn decode_key(literal: &[u8]) -> Option<String> {
    match literal {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => {
            std::str::from_utf8(inner).ok().map(str::to_string)
        }
        _ => serde_json::from_slice(literal).ok(),
    }
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
    raw_offset_in_literal_from(literal, decoded_offset, &mut Checkpoints::default())
}

/// Pairs of (decoded, raw) offsets met while walking one container, a few kilobytes apart:
/// a later walk to a further offset starts at the nearest one instead of the container's
/// start, so many findings in one long string cost its length once, not once each.
#[derive(Default)]
pub struct Checkpoints(Vec<(usize, usize)>);

/// Decoded bytes between checkpoints.
const CHECKPOINT_BYTES: usize = 4096;

impl Checkpoints {
    /// Where to start walking to `decoded`: the nearest checkpoint at or before it.
    pub fn start_for(&self, decoded: usize) -> (usize, usize) {
        let at = self.0.partition_point(|&(d, _)| d <= decoded);
        at.checked_sub(1).map_or((0, 0), |i| self.0[i])
    }

    /// Notes a state of a walk, if it is far enough past the last one noted.
    pub fn note(&mut self, decoded: usize, raw: usize) {
        if decoded >= self.0.last().map_or(0, |&(d, _)| d) + CHECKPOINT_BYTES {
            self.0.push((decoded, raw));
        }
    }
}

/// `raw_offset_in_literal`, walking from and noting `checkpoints`.
pub fn raw_offset_in_literal_from(
    literal: &[u8],
    decoded_offset: usize,
    checkpoints: &mut Checkpoints,
) -> usize {
    let (mut decoded, mut raw) = checkpoints.start_for(decoded_offset);
    while raw < literal.len() && decoded < decoded_offset {
        checkpoints.note(decoded, raw);
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
    #[test]
    fn one_index_answers_many_pointers_as_fresh_searches_do() {
        let element = |i: usize| {
            format!(
                r#"{{"status": "{i}", "detail": "d\"{i}", "meta": {{"k{i}": [1, {{"x": null}}]}}}}"#
            )
        };
        let items: Vec<String> = (0..300).map(element).collect();
        let text = format!(
            r#"{{"errors": [{}], "dup": 1, "dup": 2, "": {{}}, "a/b": []}}"#,
            items.join(", ")
        );
        let mut pointers: Vec<String> = ["", "/dup", "/", "/a~1b/0", "/errors/300", "/errors/x"]
            .map(String::from)
            .to_vec();
        for i in (0..300).rev().step_by(7) {
            pointers.push(format!("/errors/{i}/status"));
            pointers.push(format!("/errors/{i}/code"));
            pointers.push(format!("/errors/{i}/meta/k{i}/1/x"));
            pointers.push(format!("/errors/{i}/meta/k{i}/1/y"));
        }
        let mut index = PointerIndex::new(text.as_bytes());
        for pointer in &pointers {
            let fresh = PointerIndex::new(text.as_bytes()).find(pointer);
            assert_eq!(index.find(pointer), fresh, "{pointer}");
        }
        assert_eq!(
            text_at(&text, "/errors/299/detail"),
            Some((r#""d\"299""#.into(), false))
        );
        // The first of a repeated member, as before.
        assert_eq!(text_at(&text, "/dup"), Some(("1".into(), false)));
    }

    #[test]
    fn checkpoints_give_the_offsets_a_walk_from_the_start_gives() {
        let literal = br#"ab\"c\\d\u00e9\ud83d\ude00\n"#.repeat(2_000);
        let mut checkpoints = Checkpoints::default();
        let decoded_len = 2_000 * 12;
        let mut offsets: Vec<usize> = (0..decoded_len).step_by(13).collect();
        offsets.reverse();
        offsets.extend((0..decoded_len).step_by(101));
        for offset in offsets {
            assert_eq!(
                raw_offset_in_literal_from(&literal, offset, &mut checkpoints),
                raw_offset_in_literal(&literal, offset),
                "at {offset}"
            );
        }
        assert!(checkpoints.0.len() > 4);
    }
}
