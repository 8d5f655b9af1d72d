//! Any bytes as any capture, exactly as the command checks them (the same decoding caps):
//! invalid UTF-8, multi-byte characters at every offset and every format's recogniser.
//! The first byte picks the file name, the rest is the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const NAMES: [&str; 8] = [
    "fuzz.har",
    "fuzz.json",
    "fuzz.http",
    "fuzz.ndjson",
    "fuzz.txt",
    "get.404.json",
    "fuzz.jsonl",
    "fuzz.resp",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, capture)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    common::render_everything(&errlint::check_bytes(capture, name));
});
