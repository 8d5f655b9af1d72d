//! Undoing codings: gzip, deflate, brotli, chunked framing, stacked, under every header
//! combination; the output cap and the expansion budget must hold whatever the input.
#![no_main]
use std::borrow::Cow;

use errlint::budget::Budget;
use errlint::capture::decode::{dechunk, polly_hex_chunks, undo_codings};
use errlint::response::Headers;
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((flags, body)) = data.split_first() else {
        return;
    };
    let mut pairs = Vec::new();
    let codings = ["gzip", "deflate", "br", "gzip, br"];
    pairs.push((
        Cow::Borrowed("Content-Encoding"),
        Cow::Borrowed(codings[usize::from(flags & 3)]),
    ));
    if flags & 4 != 0 {
        pairs.push((Cow::Borrowed("Transfer-Encoding"), Cow::Borrowed("chunked")));
    }
    let headers = Headers(pairs);
    if let Ok(Some(decoded)) = undo_codings(body, Some(&headers), LIMIT, &Budget::new(LIMIT)) {
        assert!(decoded.len() <= LIMIT, "the cap was exceeded");
    }
    let _ = dechunk(body);
    let _ = polly_hex_chunks(body);
});
