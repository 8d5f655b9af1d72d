//! Capture envelopes, lists of them and NDJSON: the first byte picks the file name.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let (name, rest) = match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => ("fuzz.ndjson", rest),
        Some((_, rest)) => ("fuzz.json", rest),
        None => ("fuzz.json", data),
    };
    common::render_everything(&errlint::check_bytes(rest, name));
});
