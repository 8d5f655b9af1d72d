//! Loading Pact files v2-v4, message interactions and v4 body encodings, then every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::render_everything(&errlint::check_bytes(data, "fuzz.json"));
});
