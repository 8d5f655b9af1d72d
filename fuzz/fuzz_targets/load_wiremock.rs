//! Loading WireMock stub mappings, single or in a `mappings` list, then every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::render_everything(&errlint::check_bytes(data, "fuzz.json"));
});
