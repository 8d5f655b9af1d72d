//! A JSON document → `Node` tree with byte ranges, for the structure formats.
//!
//! serde_json checks the text first (its errors and its 128-level nesting limit are
//! errlint's); the tree is then built by a small walker that can trust the syntax. Ruby VCR's
//! JSON serializer (through Oj) writes a compressed body's raw bytes inside a JSON string,
//! which is then not UTF-8 and may hold control characters (RFC 8259 §7 allows neither): such
//! a text is checked with those bytes masked, and the strings holding them are read byte for
//! byte from the original. This module never prints.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::tree::{Node, Text, Value, Written};

/// Parses `source` into a tree; the error is serde_json's, for the file as written.
pub fn parse(source: &[u8]) -> Result<Node<'_>, serde_json::Error> {
    // serde_json skips ignored values without a depth limit; the tree is built recursively,
    // so nesting past JSON's limit is refused first, with serde_json's own error for it.
    if nesting(source) > MAX_DEPTH
        && let Err(error) = serde_json::from_slice::<serde_json::Value>(source)
    {
        return Err(error);
    }
    match serde_json::from_slice::<IgnoredAny>(source) {
        Ok(_) => Ok(Builder {
            text: source,
            original: source,
            pos: 0,
        }
        .document()),
        Err(error) => {
            let Some(masked) = mask_raw_bytes(source) else {
                return Err(error);
            };
            if serde_json::from_slice::<IgnoredAny>(&masked).is_err() {
                return Err(error);
            }
            let node = Builder {
                text: &masked,
                original: source,
                pos: 0,
            }
            .document();
            Ok(node)
        }
    }
}

/// serde_json's nesting limit, which errlint keeps for every JSON it reads.
const MAX_DEPTH: usize = 128;

/// The deepest nesting of `{` and `[` outside strings.
fn nesting(source: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in source {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The text with every byte inside a string that JSON forbids there (control characters,
/// bytes that are not UTF-8) replaced by `?`; `None` when there is none.
fn mask_raw_bytes(source: &[u8]) -> Option<Vec<u8>> {
    let mut masked = source.to_vec();
    let mut changed = false;
    let mut in_string = false;
    let mut i = 0;
    while i < masked.len() {
        let b = masked[i];
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match b {
            b'\\' => i += 2,
            b'"' => {
                in_string = false;
                i += 1;
            }
            0x00..0x20 => {
                masked[i] = b'?';
                changed = true;
                i += 1;
            }
            0x80.. => {
                let valid = utf8_len(&masked[i..]);
                if valid == 0 {
                    masked[i] = b'?';
                    changed = true;
                    i += 1;
                } else {
                    i += valid;
                }
            }
            _ => i += 1,
        }
    }
    changed.then_some(masked)
}

/// The length of the valid UTF-8 character at the start of `bytes`, 0 when there is none.
fn utf8_len(bytes: &[u8]) -> usize {
    let want = match bytes.first() {
        Some(0xC2..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(0xF0..=0xF4) => 4,
        _ => return 0,
    };
    match bytes.get(..want).map(std::str::from_utf8) {
        Some(Ok(_)) => want,
        _ => 0,
    }
}

struct Builder<'t, 'a> {
    /// The text serde_json accepted (masked when the original has raw bytes).
    text: &'t [u8],
    /// The text as written, from which strings are read.
    original: &'a [u8],
    pos: usize,
}

impl<'a> Builder<'_, 'a> {
    fn document(&mut self) -> Node<'a> {
        if self.text.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
        }
        self.value()
    }

    fn skip_ws(&mut self) {
        while matches!(self.text.get(self.pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    /// One value; the text is valid JSON nested at most 128 levels, which bounds recursion.
    fn value(&mut self) -> Node<'a> {
        self.skip_ws();
        let start = self.pos;
        let value = match self.text.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.text.get(self.pos) {
                        Some(b'"') => {
                            let key = self.string();
                            let key = match key.bytes {
                                Cow::Borrowed(b) => String::from_utf8_lossy(b),
                                Cow::Owned(b) => {
                                    Cow::Owned(String::from_utf8_lossy(&b).into_owned())
                                }
                            };
                            self.skip_ws();
                            self.pos += 1; // ':'
                            let value = self.value();
                            members.push((key, value));
                        }
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                Value::Map(members)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.text.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        None => break,
                        _ => items.push(self.value()),
                    }
                }
                Value::Seq(items)
            }
            Some(b'"') => Value::Text(self.string()),
            Some(b't') => {
                self.pos += 4;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.pos += 5;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.pos += 4;
                Value::Null
            }
            Some(_) => {
                while matches!(
                    self.text.get(self.pos),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                let number = self.original.get(start..self.pos).unwrap_or_default();
                Value::Number(String::from_utf8_lossy(number))
            }
            None => Value::Null,
        };
        Node {
            start,
            end: self.pos,
            value,
        }
    }

    /// A string literal at `pos`, decoded from the original text.
    fn string(&mut self) -> Text<'a> {
        let start = self.pos;
        self.pos += 1;
        while let Some(i) =
            memchr::memchr2(b'"', b'\\', self.text.get(self.pos..).unwrap_or_default())
        {
            self.pos += i + 1;
            if self.text[self.pos - 1] == b'"' {
                break;
            }
            self.pos += 1;
        }
        let literal = self.original.get(start..self.pos).unwrap_or_default();
        let inner = literal
            .get(1..literal.len().saturating_sub(1))
            .unwrap_or_default();
        // Most strings have no escapes: their bytes are the file's, borrowed.
        let bytes = if memchr::memchr(b'\\', inner).is_none() {
            Cow::Borrowed(inner)
        } else {
            match serde_json::from_slice::<String>(literal) {
                Ok(s) => Cow::Owned(s.into_bytes()),
                Err(_) => Cow::Owned(unescape_bytes(literal)),
            }
        };
        Text {
            bytes,
            written: Written::JsonString,
        }
    }
}

/// Decodes a JSON string literal (quotes included) byte for byte: raw bytes are kept as they
/// are, escapes are undone.
fn unescape_bytes(literal: &[u8]) -> Vec<u8> {
    let inner = literal
        .get(1..literal.len().saturating_sub(1))
        .unwrap_or_default();
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] != b'\\' {
            out.push(inner[i]);
            i += 1;
            continue;
        }
        let escaped = inner.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        match escaped {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0C),
            b'u' => {
                let unit = inner
                    .get(i..i + 4)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                i += 4;
                let c = unit.and_then(char::from_u32).unwrap_or('\u{FFFD}');
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_values() {
        let text = br#" {"a": [1, "x\"y"], "b": {"c": null}} "#;
        let root = parse(text).unwrap();
        let a = root.get("a").unwrap().items().unwrap();
        assert_eq!(&text[a[1].start..a[1].end], br#""x\"y""#);
        assert_eq!(a[1].as_text().as_deref(), Some("x\"y"));
        assert_eq!(a[0].as_int(), Some(1));
        assert_eq!(root.path(&["b", "c"]).unwrap().value, Value::Null);
    }

    #[test]
    fn raw_bytes_inside_strings_are_kept() {
        let mut text = br#"{"body": {"string": ""#.to_vec();
        text.extend_from_slice(&[0x1f, 0x8b, 0x08, 0x00, 0xff, b'\\', b'n']);
        text.extend_from_slice(br#""}}"#);
        let root = parse(&text).unwrap();
        let Value::Text(t) = &root.path(&["body", "string"]).unwrap().value else {
            panic!()
        };
        assert_eq!(&t.bytes[..], &[0x1f, 0x8b, 0x08, 0x00, 0xff, b'\n']);
        assert!(parse(b"{\"a\": \x01}").is_err());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(deep.as_bytes()).is_err());
    }
}
