//! Compressed inputs: `.gz` (several gzip members included) and mitmproxy's zlib `.zhar`,
//! around every kind of capture; the expansion budget and the cap on a format read whole
//! must hold whatever the input. The first byte picks the name, the rest is the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const NAMES: [&str; 8] = [
    "fuzz.har.gz",
    "fuzz.zhar",
    "fuzz.json.gz",
    "fuzz.yaml.gz",
    "fuzz.http.gz",
    "fuzz.warc.gz",
    "fuzz.ndjson.gz",
    "get.404.json.gz",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, capture)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    common::render_everything(&errlint::check_bytes(capture, name));
});
