//! Cassettes (Ruby VCR, Betamax, vcrpy, go-vcr) and any YAML: the first byte picks the file
//! name, so the YAML reader, the JSON tree (with Oj's raw bytes) and gzip inputs all run.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let (name, rest) = match data.split_first() {
        Some((b, rest)) if b % 4 == 0 => ("fuzz.json", rest),
        Some((b, rest)) if b % 4 == 1 => ("fuzz.yml.gz", rest),
        Some((b, rest)) if b % 4 == 2 => ("fuzz.txt", rest),
        Some((_, rest)) => ("fuzz.yaml", rest),
        None => ("fuzz.yaml", data),
    };
    common::render_everything(&errlint::check_bytes(rest, name));
});
