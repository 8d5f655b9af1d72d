//! Undoing what transfer and content codings did to a captured body, by its bytes.
//!
//! Capture tools rewrite bodies but keep the original headers (docs/inputs.md): a body may be
//! stored decoded while `Content-Encoding: gzip` stays, or still compressed. So a coding is
//! undone only when the bytes really are in it; a header alone proves nothing. Every
//! decoder's output is capped per body, and what each layer adds is drawn from the file's
//! expansion budget (`crate::budget`), so a decompression bomb, nested or repeated over many
//! entries, becomes a finding, not an OOM.

use std::io::Read;

use crate::budget::Budget;
use crate::response::Headers;

/// Largest decoded body, by default: far above any real error body.
pub const DEFAULT_MAX_DECODED: usize = 64 * 1024 * 1024;

/// Stacked codings undone at most (`gzip, gzip, br` and such).
const MAX_LAYERS: usize = 4;

/// A body that cannot be decoded within the limit.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub limit: usize,
    /// True when the file's expansion budget ran out, rather than this body's own cap.
    pub file_budget: bool,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let size = crate::budget::mebibytes(self.limit);
        if self.file_budget {
            write!(
                f,
                "the body decodes past what is left of the {size} of data errlint makes from one file"
            )
        } else {
            write!(f, "the body decodes to more than {size}")
        }
    }
}

/// Undoes chunked framing and compression that are really present, each layer within
/// `limit` bytes and drawing what it adds from `budget`. Returns `None` when the bytes are
/// used as they are.
pub fn undo_codings(
    bytes: &[u8],
    headers: Option<&Headers<'_>>,
    limit: usize,
    budget: &Budget,
) -> Result<Option<Vec<u8>>, TooLarge> {
    let header = |name: &str| {
        headers
            .and_then(|h| h.get(name))
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let mut current: Option<Vec<u8>> = None;
    if header("transfer-encoding").contains("chunked") {
        current = dechunk(bytes);
    }
    let declared = header("content-encoding");
    for _ in 0..MAX_LAYERS {
        let input = current.as_deref().unwrap_or(bytes);
        let cap = Cap {
            limit,
            budget,
            consumed: input.len(),
        };
        match decompress_once(input, &declared, &cap)? {
            Some(out) => current = Some(out),
            None => break,
        }
    }
    Ok(current)
}

/// One layer of compression, recognised by magic bytes (gzip, zlib) or by the header when
/// the format has none (raw deflate, brotli) and the whole input decodes cleanly.
fn decompress_once(
    input: &[u8],
    declared: &str,
    cap: &Cap<'_>,
) -> Result<Option<Vec<u8>>, TooLarge> {
    if input.starts_with(&[0x1f, 0x8b]) {
        return capped(flate2::read::MultiGzDecoder::new(input), cap);
    }
    let zlib_header = input.len() >= 2
        && input[0] & 0x0f == 8
        && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0;
    if zlib_header
        && declared.contains("deflate")
        && let Some(out) = capped(flate2::read::ZlibDecoder::new(input), cap)?
    {
        return Ok(Some(out));
    }
    if declared.contains("deflate") && !looks_like_text(input) {
        return capped(flate2::read::DeflateDecoder::new(input), cap);
    }
    if declared.contains("br") && !looks_like_text(input) {
        return capped(brotli::Decompressor::new(input, 4096), cap);
    }
    Ok(None)
}

/// How much one layer may produce: the body's own cap, and the input's size plus what is
/// left of the file's budget.
struct Cap<'b> {
    limit: usize,
    budget: &'b Budget,
    consumed: usize,
}

/// Reads a decoder to its end within the cap: `None` if the data is not in that coding.
/// What the layer added is drawn from the budget only when its output is used.
fn capped(decoder: impl Read, cap: &Cap<'_>) -> Result<Option<Vec<u8>>, TooLarge> {
    let allowed = cap.consumed.saturating_add(cap.budget.left());
    let most = cap.limit.min(allowed);
    let mut out = Vec::new();
    match decoder.take(most as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > cap.limit => Err(TooLarge {
            limit: cap.limit,
            file_budget: false,
        }),
        Ok(_) if out.len() > most => {
            // The layer would take the file past its budget: spent, so nothing after it
            // decodes either.
            let _ = cap.budget.draw(usize::MAX);
            Err(TooLarge {
                limit: cap.budget.limit(),
                file_budget: true,
            })
        }
        Ok(_) if out.is_empty() => Ok(None),
        Ok(_) => match cap.budget.draw_growth(cap.consumed, out.len()) {
            Ok(()) => Ok(Some(out)),
            Err(spent) => Err(TooLarge {
                limit: spent.limit,
                file_budget: true,
            }),
        },
        Err(_) => Ok(None),
    }
}

/// A decoded JSON or HTML body starts with printable text; compressed data almost never
/// does. Keeps headers that lie about `br`/`deflate` from garbling a plain body.
fn looks_like_text(input: &[u8]) -> bool {
    let head = &input[..input.len().min(64)];
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
}

/// Removes HTTP/1.1 chunked framing (RFC 9112 §7.1) when the whole body is in it; LF line
/// ends are accepted as captures often lose the CR. `None` when the body is not chunked.
pub fn dechunk(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    loop {
        let line_end = memchr::memchr(b'\n', rest)?;
        let line = rest[..line_end]
            .strip_suffix(b"\r")
            .unwrap_or(&rest[..line_end]);
        let size_text = line.split(|&b| b == b';').next()?.trim_ascii();
        if size_text.is_empty()
            || size_text.len() > 16
            || !size_text.iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        let size = usize::from_str_radix(std::str::from_utf8(size_text).ok()?, 16).ok()?;
        rest = &rest[line_end + 1..];
        if size == 0 {
            // Trailer fields may follow; nothing after them is body.
            return Some(out);
        }
        let data = rest.get(..size)?;
        out.extend_from_slice(data);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))?;
    }
}

/// Polly.JS stores binary bodies without any `encoding` field, as a JSON array of hex
/// strings (`["1f","8b","08","0000…"]`). Returns the bytes when `text` is exactly that.
pub fn polly_hex_chunks(text: &[u8]) -> Option<Vec<u8>> {
    let trimmed = text.trim_ascii();
    if !trimmed.starts_with(b"[\"") {
        return None;
    }
    let chunks: Vec<String> = serde_json::from_slice(trimmed).ok()?;
    let hex: String = chunks.concat();
    if hex.is_empty() || !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::io::Write;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(
            pairs
                .iter()
                .map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(*v)))
                .collect(),
        )
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_is_undone_by_its_bytes_not_its_header() {
        let zipped = gzip(b"{\"a\":1}");
        assert_eq!(
            undo_codings(&zipped, None, 1 << 20, &Budget::default())
                .unwrap()
                .as_deref(),
            Some(&b"{\"a\":1}"[..])
        );
        let plain = b"{\"a\":1}";
        let h = headers(&[("Content-Encoding", "gzip")]);
        assert_eq!(
            undo_codings(plain, Some(&h), 1 << 20, &Budget::default()).unwrap(),
            None
        );
    }

    #[test]
    fn stacked_gzip_is_undone_layer_by_layer() {
        let twice = gzip(&gzip(b"[1]"));
        assert_eq!(
            undo_codings(&twice, None, 1 << 20, &Budget::default())
                .unwrap()
                .as_deref(),
            Some(&b"[1]"[..])
        );
    }

    #[test]
    fn brotli_and_deflate_follow_the_header_when_the_bytes_decode() {
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            w.write_all(b"{\"b\":2}").unwrap();
        }
        let h = headers(&[("content-encoding", "br")]);
        assert_eq!(
            undo_codings(&br, Some(&h), 1 << 20, &Budget::default())
                .unwrap()
                .as_deref(),
            Some(&b"{\"b\":2}"[..])
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"{}").unwrap();
        let h = headers(&[("Content-Encoding", "deflate")]);
        assert_eq!(
            undo_codings(&z.finish().unwrap(), Some(&h), 1 << 20, &Budget::default())
                .unwrap()
                .as_deref(),
            Some(&b"{}"[..])
        );
        // A plain body under a lying br header stays as it is.
        let h = headers(&[("content-encoding", "br")]);
        assert_eq!(
            undo_codings(b"{\"plain\":true}", Some(&h), 1 << 20, &Budget::default()).unwrap(),
            None
        );
    }

    #[test]
    fn bombs_hit_the_cap() {
        let bomb = gzip(&vec![b'a'; 2 << 20]);
        assert_eq!(
            undo_codings(&bomb, None, 1 << 20, &Budget::default()),
            Err(TooLarge {
                limit: 1 << 20,
                file_budget: false
            })
        );
    }

    #[test]
    fn nested_and_repeated_bombs_share_the_file_budget() {
        // Each body alone fits its own cap; together they are past the file's budget.
        let budget = Budget::new((5 << 20) / 2);
        let body = gzip(&gzip(&vec![b'a'; 1 << 20]));
        for _ in 0..2 {
            assert!(undo_codings(&body, None, 2 << 20, &budget).is_ok());
        }
        assert_eq!(
            undo_codings(&body, None, 2 << 20, &budget),
            Err(TooLarge {
                limit: (5 << 20) / 2,
                file_budget: true
            })
        );
        // Spent: even a small body that grows decodes no more in this file.
        assert!(undo_codings(&gzip(&[b' '; 1000]), None, 2 << 20, &budget).is_err());
        // A body stored plain draws nothing.
        let fresh = Budget::new(10);
        assert_eq!(undo_codings(&[b'x'; 100], None, 1 << 20, &fresh), Ok(None));
        assert_eq!(fresh.spent(), 0);
    }

    #[test]
    fn chunked_framing_is_removed_only_when_real() {
        let h = headers(&[("Transfer-Encoding", "chunked")]);
        let framed = b"7\r\n{\"a\":1}\r\n2;ext=1\n, \n0\r\n\r\n";
        assert_eq!(
            undo_codings(framed, Some(&h), 1 << 20, &Budget::default())
                .unwrap()
                .as_deref(),
            Some(&b"{\"a\":1}, "[..])
        );
        assert_eq!(
            undo_codings(b"{\"a\":1}", Some(&h), 1 << 20, &Budget::default()).unwrap(),
            None
        );
        assert_eq!(dechunk(b"zz\r\nab\r\n0\r\n"), None);
        assert_eq!(dechunk(b"5\r\nab"), None);
    }

    #[test]
    fn polly_hex_chunk_arrays_decode() {
        assert_eq!(
            polly_hex_chunks(br#"["1f","8b","0a00ff"]"#),
            Some(vec![0x1f, 0x8b, 0x0a, 0x00, 0xff])
        );
        assert_eq!(polly_hex_chunks(br#"["hello"]"#), None);
        assert_eq!(polly_hex_chunks(b"{\"a\":1}"), None);
    }
}
