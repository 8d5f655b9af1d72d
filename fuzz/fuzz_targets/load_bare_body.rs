//! Bare bodies named for their status: every body rule on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let name = match data.first() {
        Some(b) if b % 3 == 0 => "fuzz.200.json",
        Some(b) if b % 3 == 1 => "fuzz.429.json",
        _ => "fuzz.503.json",
    };
    common::render_everything(&errlint::check_bytes(data, name));
});
