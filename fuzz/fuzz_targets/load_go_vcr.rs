//! go-vcr cassettes (YAML `interactions` with `response.code`, and JSON ones): the first
//! byte picks the file name, then every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const NAMES: [&str; 2] = ["fuzz.yaml", "fuzz.json"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, capture)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    common::render_everything(&errlint::check_bytes(capture, name));
});
