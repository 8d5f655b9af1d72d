//! NDJSON streams: by extension, and as standard input (`-`) recognised by its first lines;
//! over a thousand lines make several batches, checked on worker threads and merged back in
//! order. The first byte picks the name, then every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const NAMES: [&str; 4] = ["fuzz.ndjson", "fuzz.jsonl", "-", "fuzz.ndjson.gz"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, capture)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    common::render_everything(&errlint::check_bytes(capture, name));
});
