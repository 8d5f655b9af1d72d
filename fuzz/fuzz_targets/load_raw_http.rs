//! Raw HTTP loading: the input always starts like a status line, so the fuzzer explores
//! headers, framing, codings and response boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let mut capture = b"HTTP/1.1 ".to_vec();
    capture.extend_from_slice(data);
    common::render_everything(&errlint::check_bytes(&capture, "fuzz.http"));
});
