//! An OpenAPI description checked as a capture (its examples are the responses): the first
//! byte picks the file name, so the YAML reader, the JSON tree and a gzipped description all
//! run; `$ref`s inside the file, cycles and chains included, then every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const NAMES: [&str; 4] = [
    "openapi.yaml",
    "openapi.json",
    "openapi.yml.gz",
    "swagger.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, capture)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    common::render_everything(&errlint::check_bytes(capture, name));
});
