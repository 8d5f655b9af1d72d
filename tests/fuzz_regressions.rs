//! Inputs the fuzz targets (fuzz/) found crashing, kept so the fixes stay fixed. Each file in
//! testdata/fuzz/ is checked as its extension says and rendered in every format.

use errlint::cli::OutputFormat;
use errlint::render::{RenderConfig, renderer};

#[test]
fn every_fuzz_finding_is_checked_and_rendered_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let report = errlint::check_bytes(&bytes, &name);
        for format in OutputFormat::ALL {
            let mut out = Vec::new();
            renderer(format)
                .render(&report, &RenderConfig::default(), &mut out)
                .unwrap();
        }
        seen += 1;
    }
    assert!(seen >= 1);
}
