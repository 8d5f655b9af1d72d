//! A streaming JSON scanner: walks the outer structure of a large JSON document through a
//! bounded buffer, handing out one complete value (a HAR entry) at a time with its position.
//!
//! It knows strings, brackets and scalars, enough to find where a value ends without
//! building it; the values it hands out are parsed (and so validated) by serde_json. Memory
//! is the buffer plus the largest value handed out, never the file. Nesting is counted, not
//! recursed into, so deep input cannot exhaust the stack.

use std::io::{self, Read};

use memchr::memchr2;

use crate::position::TextPos;

/// Bytes read from the input at a time.
pub const READ_CHUNK: usize = 256 * 1024;

/// Why scanning stopped.
#[derive(Debug)]
pub enum ScanError {
    Io(io::Error),
    /// The text is not well-formed JSON at this position.
    Syntax {
        at: TextPos,
        message: String,
    },
}

impl From<io::Error> for ScanError {
    fn from(error: io::Error) -> Self {
        ScanError::Io(error)
    }
}

pub type ScanResult<T> = Result<T, ScanError>;

/// The scanner over a reader.
pub struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    /// Next byte to look at.
    pos: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    eof: bool,
    /// Bytes from this index on are kept when the buffer is refilled.
    keep: Option<usize>,
    /// The file position where `retain_from_here` was called.
    retained_at: TextPos,
    /// `counted_pos` is the file position of `buf[counted]`.
    counted: usize,
    counted_pos: TextPos,
    /// The most bytes one retained value may span: a decompressed input can expand without
    /// bound, and a HAR streams only between entries.
    max_retained: usize,
}

impl<R: Read> Scanner<R> {
    /// A scanner whose first byte sits at `start` in the file.
    pub fn new(reader: R, start: TextPos) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            eof: false,
            keep: None,
            retained_at: start,
            counted: 0,
            counted_pos: start,
            max_retained: usize::MAX,
        }
    }

    /// Limits how many bytes one retained value (a HAR entry) may span.
    pub fn max_retained(mut self, limit: usize) -> Self {
        self.max_retained = limit;
        self
    }

    /// A scanner over bytes already read (a prefix), followed by the rest of the reader.
    pub fn with_prefix(reader: R, prefix: Vec<u8>, start: TextPos) -> Self {
        let end = prefix.len();
        Self {
            buf: prefix,
            end,
            ..Self::new(reader, start)
        }
    }

    /// Keeps every byte from the current position on, until `release`.
    pub fn retain_from_here(&mut self) {
        self.retained_at = self.position();
        self.keep = Some(self.pos);
    }

    pub fn release(&mut self) {
        self.keep = None;
    }

    /// Reads the whole rest of the input and returns every retained byte (from the
    /// `retain_from_here` point) with its start position.
    pub fn into_retained(mut self) -> io::Result<(Vec<u8>, TextPos)> {
        let (keep, start) = match self.keep {
            Some(keep) => (keep, self.retained_at),
            None => (self.pos, self.position()),
        };
        let mut bytes = self.buf.split_off(keep);
        bytes.truncate(self.end - keep);
        self.reader.read_to_end(&mut bytes)?;
        Ok((bytes, start))
    }

    /// The file position of buffer index `index` (which must not lie before a position
    /// already asked for).
    fn position_at(&mut self, index: usize) -> TextPos {
        if index > self.counted {
            self.counted_pos = self.counted_pos.advance(&self.buf[self.counted..index]);
            self.counted = index;
        }
        self.counted_pos
    }

    /// Bytes the scanner holds in memory: what bounds a streamed HAR's footprint.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The file position of the next byte.
    pub fn position(&mut self) -> TextPos {
        self.position_at(self.pos)
    }

    /// Reads more input, dropping bytes that are neither retained nor needed. Returns false
    /// at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let drop = self.keep.unwrap_or(self.pos).min(self.pos);
        if drop > 0 {
            self.position_at(drop);
            self.buf.copy_within(drop..self.end, 0);
            self.pos -= drop;
            self.end -= drop;
            self.counted -= drop;
            if let Some(keep) = self.keep.as_mut() {
                *keep -= drop;
            }
        }
        if self.keep.is_some() && self.end > self.max_retained {
            return Err(io::Error::other(format!(
                "one entry is larger than {} MiB once decompressed; errlint reads no further",
                self.max_retained >> 20
            )));
        }
        if self.buf.len() < self.end + READ_CHUNK {
            self.buf.resize(self.end + READ_CHUNK, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next byte without consuming it; `None` at end of input.
    pub fn peek(&mut self) -> io::Result<Option<u8>> {
        while self.pos >= self.end {
            if !self.fill()? {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Skips whitespace and returns the next byte without consuming it.
    pub fn peek_token(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// A syntax error at the next byte.
    pub fn error(&mut self, message: impl Into<String>) -> ScanError {
        ScanError::Syntax {
            at: self.position(),
            message: message.into(),
        }
    }

    /// Consumes `byte` after optional whitespace, or fails with what was expected.
    pub fn expect(&mut self, byte: u8, what: &str) -> ScanResult<()> {
        match self.peek_token()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error(format!("expected {what}"))),
            None => Err(self.error(format!("expected {what}, found the end of the file"))),
        }
    }

    /// Reads one complete value and returns its bytes and start position. The bytes stay
    /// valid until the next call on the scanner.
    pub fn value(&mut self) -> ScanResult<(&[u8], TextPos)> {
        match self.peek_token()? {
            None => return Err(self.error("expected a value, found the end of the file")),
            Some(b'}' | b']' | b',' | b':') => return Err(self.error("expected a value")),
            Some(_) => {}
        }
        let start_pos = self.position();
        let outer_keep = self.keep;
        self.keep = Some(outer_keep.map_or(self.pos, |k| k.min(self.pos)));
        let offset_in_kept = self.pos - self.keep.unwrap_or(self.pos);
        let result = self.skip_value();
        let kept = self.keep.unwrap_or(0);
        self.keep = outer_keep.map(|_| kept);
        result?;
        let start = kept + offset_in_kept;
        Ok((&self.buf[start..self.pos], start_pos))
    }

    /// Moves past one value, refilling as needed.
    fn skip_value(&mut self) -> ScanResult<()> {
        match self.peek()? {
            None => {
                return Err(
                    self.error("unexpected end of file inside a value (is the file truncated?)")
                );
            }
            Some(b'"') => return self.skip_string(),
            Some(b'{' | b'[') => {}
            Some(b'}' | b']') => return Err(self.error("unexpected closing bracket")),
            Some(_) => return self.skip_scalar(),
        }
        let mut depth = 0usize;
        loop {
            // The hot loop: buffered bytes only, no calls, strings skipped with memchr.
            let buf = &self.buf[..self.end];
            let mut i = self.pos;
            let mut string_at = None;
            while i < buf.len() {
                match buf[i] {
                    b'"' => match find_string_end(buf, i) {
                        Some(after) => {
                            i = after;
                            continue;
                        }
                        None => {
                            // The string runs past the buffer: the slow path refills.
                            string_at = Some(i);
                            break;
                        }
                    },
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            self.pos = i + 1;
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            match string_at {
                Some(at) => {
                    self.pos = at;
                    self.skip_string()?;
                }
                None => {
                    self.pos = i;
                    if !self.fill()? {
                        return Err(self.error(
                            "unexpected end of file inside a value (is the file truncated?)",
                        ));
                    }
                }
            }
        }
    }

    fn skip_string(&mut self) -> ScanResult<()> {
        self.pos += 1; // the opening quote
        loop {
            if self.pos >= self.end && !self.fill()? {
                return Err(
                    self.error("unexpected end of file inside a string (is the file truncated?)")
                );
            }
            match memchr2(b'"', b'\\', &self.buf[self.pos..self.end]) {
                None => self.pos = self.end,
                Some(i) => {
                    let byte = self.buf[self.pos + i];
                    self.pos += i + 1;
                    if byte == b'"' {
                        return Ok(());
                    }
                    // Skip the escaped character, which may lie beyond the buffer.
                    if self.pos >= self.end && !self.fill()? {
                        return Err(self.error("unexpected end of file inside a string"));
                    }
                    self.pos += 1;
                }
            }
        }
    }

    fn skip_scalar(&mut self) -> ScanResult<()> {
        let start = self.pos;
        loop {
            match self.peek()? {
                Some(b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\r' | b'\n') | None => break,
                Some(b'{' | b'[' | b'"') if self.pos > start => break,
                Some(_) => self.pos += 1,
            }
        }
        if self.pos == start {
            return Err(self.error("expected a value"));
        }
        Ok(())
    }

    /// Reads an object key (a JSON string) and the colon after it.
    pub fn key(&mut self) -> ScanResult<String> {
        if self.peek_token()? != Some(b'"') {
            return Err(self.error("expected a member name in double quotes"));
        }
        let at = self.position();
        let (raw, _) = self.value()?;
        let key = serde_json::from_slice::<String>(raw).map_err(|e| ScanError::Syntax {
            at,
            message: format!("invalid member name: {e}"),
        })?;
        self.expect(b':', "':' after a member name")?;
        Ok(key)
    }

    /// After a member or element: consumes `,` (true: another follows) or `close` (false).
    pub fn next_or_close(&mut self, close: u8, what: &str) -> ScanResult<bool> {
        match self.peek_token()? {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Err(self.error(format!("expected ',' or '{}' {what}", close as char))),
            None => Err(self.error(format!(
                "unexpected end of file {what} (is the file truncated?)"
            ))),
        }
    }
}

/// Where the string starting at `buf[quote]` ends (the index after its closing quote), if
/// that lies within `buf`.
fn find_string_end(buf: &[u8], quote: usize) -> Option<usize> {
    let mut i = quote + 1;
    loop {
        let found = i + quote_or_backslash(buf.get(i..)?)?;
        if buf[found] == b'"' {
            return Some(found + 1);
        }
        i = found + 2; // past the backslash and the character it escapes
        if i > buf.len() {
            return None;
        }
    }
}

/// The first `"` or `\\` in `bytes`. Most strings of a HAR are short member names and
/// header values, for which looking at eight bytes at a time in a register beats the start-up
/// cost of a vectorised search; once a string proves long, memchr takes over.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    const SHORT: usize = 32;
    let mut i = 0;
    while i + 8 <= bytes.len().min(SHORT) {
        let Ok(chunk) = <[u8; 8]>::try_from(&bytes[i..i + 8]) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            // Little-endian: the lowest set bit is in the first matching byte.
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr2(b'"', b'\\', &bytes[i..]).map(|at| i + at)
}

/// The high bit of every byte of `word` that is zero, and no other bit (exact: the sum
/// cannot carry from one byte into the next).
fn zero_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !((word & LOW7).wrapping_add(LOW7) | word | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time, to cross every buffer boundary.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((b, rest)) if !out.is_empty() => {
                    out[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn values(text: &str) -> ScanResult<Vec<(String, u32, u32)>> {
        let mut s = Scanner::new(Trickle(text.as_bytes()), TextPos::START);
        s.expect(b'[', "'['")?;
        let mut out = Vec::new();
        if s.peek_token()? == Some(b']') {
            return Ok(out);
        }
        loop {
            let (bytes, at) = s.value()?;
            out.push((
                String::from_utf8_lossy(bytes).into_owned(),
                at.line,
                at.column,
            ));
            if !s.next_or_close(b']', "in the array")? {
                return Ok(out);
            }
        }
    }

    #[test]
    fn hands_out_values_with_positions() {
        let got = values("[ {\"a\": \"x\\\"]\"},\n  [1, 2] ,true, \"s\", -1.5e3 ]").unwrap();
        let texts: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["{\"a\": \"x\\\"]\"}", "[1, 2]", "true", "\"s\"", "-1.5e3"]
        );
        assert_eq!((got[1].1, got[1].2), (2, 3));
    }

    #[test]
    fn reports_truncation_with_a_position() {
        let Err(ScanError::Syntax { at, message }) = values("[{\"a\": [1, 2") else {
            panic!("expected a syntax error");
        };
        assert!(message.contains("end of file"), "{message}");
        assert_eq!(at.offset, 12);
    }

    #[test]
    fn deep_nesting_is_counted_not_recursed() {
        let deep = format!("[{}{}]", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(values(&deep).unwrap().len(), 1);
    }

    #[test]
    fn memory_follows_the_largest_value_not_the_input() {
        // 40 MB of small values, then one of 1 MB: the buffer holds a chunk plus the
        // largest value, never the input.
        let small = "{\"a\":\"0123456789\"},".repeat(2_000_000);
        let big = format!("\"{}\"", "x".repeat(1 << 20));
        let text = format!("[{small}{big}]");
        let mut s = Scanner::new(text.as_bytes(), TextPos::START);
        s.expect(b'[', "'['").unwrap();
        let mut count = 0;
        loop {
            s.value().unwrap();
            count += 1;
            // Growth doubles, so the bound is twice the largest value plus the read size.
            assert!(
                s.buffer_capacity() <= 2 * ((1 << 20) + 2 * READ_CHUNK),
                "buffer grew to {}",
                s.buffer_capacity()
            );
            if !s.next_or_close(b']', "").unwrap() {
                break;
            }
        }
        assert_eq!(count, 2_000_001);
        assert!(text.len() > 10 * s.buffer_capacity());
    }

    #[test]
    fn retained_bytes_come_back_whole() {
        let text = b"  {\"k\": [1, 2, 3], \"x\": 1}";
        let mut s = Scanner::new(Trickle(text), TextPos::START);
        s.peek_token().unwrap();
        s.retain_from_here();
        s.bump();
        assert_eq!(s.key().unwrap(), "k");
        s.value().unwrap();
        let (bytes, at) = s.into_retained().unwrap();
        assert_eq!(bytes, &text[2..]);
        assert_eq!(at.column, 3);
    }

    proptest::proptest! {
        /// The word-at-a-time search finds what a byte-by-byte search finds, wherever the
        /// quote or backslash sits and whatever bytes (multi-byte, zero, 0x80, 0xff) surround it.
        #[test]
        fn quote_or_backslash_agrees_with_a_plain_search(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'"'),
                    proptest::strategy::Just(b'\\'),
                    proptest::strategy::Just(0u8),
                    proptest::strategy::Just(0x80u8),
                    proptest::strategy::Just(0xa2u8),
                    proptest::num::u8::ANY,
                ],
                0..80,
            )
        ) {
            let plain = bytes.iter().position(|&b| b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(quote_or_backslash(&bytes), plain);
        }
    }
}
