//! What the integration tests need from outside the repository: the shared corpus and schemas
//! beside the clone (`../shared`) and a few external programs (xmllint, pre-commit); and
//! `gzip`, which several test files use to build compressed captures.
//!
//! In a user's clone these may be missing; the test then says so on the real stderr (the
//! harness swallows `eprintln!` of passing tests) and passes without them. CI sets
//! `ERRLINT_REQUIRE_TEST_INPUTS=1` (`.ci/run` does), and then a missing input fails the test:
//! a check that silently did not run must never look like a check that passed.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Set to `1` by CI: every input a test needs must be present.
pub const REQUIRE_INPUTS: &str = "ERRLINT_REQUIRE_TEST_INPUTS";

/// A path under `../shared` (the corpus, schemas and bench tools beside the clone).
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        missing(&format!("{} not found", path.display()))
    }
}

/// An external program on the PATH, by name.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        return missing(&format!("{name} is not installed"));
    }
    found
}

/// Whether CI demands every input.
pub fn inputs_required() -> bool {
    std::env::var_os(REQUIRE_INPUTS).is_some_and(|v| v == "1")
}

/// Fails under CI, else prints a note the harness cannot swallow and skips.
pub fn missing<T>(what: &str) -> Option<T> {
    if inputs_required() {
        panic!("{what}, and {REQUIRE_INPUTS}=1 requires it");
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "note: {what}; {test} skipped it");
    None
}

/// `data` gzipped, as captures and bodies are.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}
