//! Mocks and archives recorded by the real tools against `testdata/real/server.py`
//! (`testdata/real/CASSETTES.md` says which tool wrote each file and what each response is):
//! nock's recorder and nock.back, Pact v2/v3/v4 (pact-js), a Postman collection run by newman,
//! WARC from warcio and wget, WireMock's recorder (a root with `mappings/` and `__files/`)
//! and its recording API. Every finding is asserted with its line and column
//! (`tests/expected/real-mocks.txt`); each matches the "findings" column of CASSETTES.md for
//! the response at that index. The canaries the requests carried never reach any output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const FILES: [&str; 10] = [
    "nock/recorder.json",
    "nock/back/errors.json",
    "pact/errlint-app-test-api-v2.json",
    "pact/errlint-app-test-api-v3.json",
    "pact/errlint-app-test-api-v4.json",
    "postman/errors.postman_collection.json",
    "warc/warcio.warc",
    "warc/wget.warc.gz",
    "wiremock/mappings",
    "wiremock-api/recordings-stop.json",
];

fn real(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/real")
        .join(relative)
}

/// The summary line, then `file rule:line:column response N pointer method url` a finding.
fn describe(relative: &str) -> String {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "-f", "json"])
        .arg(real(relative))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{relative}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let s = &report["summary"];
    let mut text = format!(
        "{relative}: {} responses, {} checked, {} skipped\n",
        s["responses"], s["checked"], s["skipped"]
    );
    for d in report["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap().rsplit('/').next().unwrap();
        let line = format!(
            "  {file} {}:{}:{} response {} {} {} {}",
            d["rule"].as_str().unwrap(),
            d["line"],
            d["column"],
            d["response"],
            d["pointer"].as_str().unwrap_or("-"),
            d["request"]["method"].as_str().unwrap_or("-"),
            d["request"]["url"].as_str().unwrap_or("-"),
        );
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[test]
fn every_recorded_mock_and_archive_with_its_exact_findings() {
    let got: String = FILES.iter().map(|f| describe(f)).collect();
    let expected = include_str!("expected/real-mocks.txt");
    for (got, expected) in got.lines().zip(expected.lines()) {
        assert_eq!(got, expected);
    }
    assert_eq!(got.lines().count(), expected.lines().count(), "{got}");
}

#[test]
fn the_recorded_requests_canaries_never_show() {
    let paths: Vec<PathBuf> = FILES.iter().map(|f| real(f)).collect();
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab", "html",
    ] {
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .arg("check")
            .args(&paths)
            .args(["-f", format, "--color", "always"])
            .output()
            .unwrap();
        for text in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(text);
            assert!(
                !text.contains("CANARY"),
                "{format} printed a canary:\n{text}"
            );
        }
    }
}
