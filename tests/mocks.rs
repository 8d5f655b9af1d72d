//! Mocks, fixtures and archives (testdata/mocks/): nock fixtures, WireMock mappings with their
//! `__files`, Postman collections, Pact v3 and v4 files, WARC archives (plain and per-record
//! gzip) and a Fiddler SAZ. Each is read as its format, every response in it is checked, and
//! each finding lands on the exact line and column of the offending value. Secrets in the
//! recorded requests (headers, query strings, bodies) never reach any output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn mocks(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/mocks")
        .join(relative)
}

fn report(args: &[&str]) -> Value {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .arg("check")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// (rule, line, column, response index) of every finding on one capture.
fn findings(relative: &str) -> Vec<(String, u64, u64, u64)> {
    let path = mocks(relative);
    let report = report(&[path.to_str().unwrap()]);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["response"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn summary(relative: &str) -> (u64, u64, u64) {
    let path = mocks(relative);
    let s = &report(&[path.to_str().unwrap()])["summary"];
    (
        s["responses"].as_u64().unwrap(),
        s["checked"].as_u64().unwrap(),
        s["skipped"].as_u64().unwrap(),
    )
}

fn expect(list: &[(&str, u64, u64, u64)]) -> Vec<(String, u64, u64, u64)> {
    list.iter()
        .map(|(r, l, c, i)| (r.to_string(), *l, *c, *i))
        .collect()
}

#[test]
fn nock_fixtures_check_the_response_never_the_recorded_request_body() {
    assert_eq!(
        findings("nock-fixture.json"),
        expect(&[
            // The response value, not the request `body` above it (which breaks the contract too).
            ("status-type-mismatch", 8, 26, 0),
            // Gzip kept as hex chunks: decoded, and pointed at the `response` field.
            ("status-type-mismatch", 17, 17, 1),
            // No `status`: nock replies 200, and the body in a string is an error object.
            ("error-body-on-success", 25, 29, 2),
        ])
    );
    assert_eq!(summary("nock-fixture.json"), (3, 3, 0));
}

#[test]
fn wiremock_mappings_every_body_source_templates_and_faults() {
    assert_eq!(
        findings("wiremock/mappings/orders.json"),
        expect(&[
            ("status-type-mismatch", 8, 29, 0),
            ("error-content-type", 11, 5, 1),
            ("code-format", 15, 58, 1),
            // `base64Body`: the field's start.
            ("status-type-mismatch", 22, 23, 2),
            ("error-content-type", 26, 5, 3),
            // `bodyFileName` read from the root's __files: the field's start.
            ("message-leaks-internals", 28, 52, 3),
            ("error-content-type", 34, 5, 5),
            // A template tag inside a JSON string still parses: checked.
            ("schema", 36, 56, 5),
            // No body field: WireMock sends an empty body.
            ("missing-error-body", 46, 5, 8),
        ])
    );
    // A templated body that is not JSON, a fault, a proxy and a templated body file name are
    // skipped and counted.
    assert_eq!(summary("wiremock/mappings/orders.json"), (10, 6, 4));
}

#[test]
fn postman_saved_examples_through_nested_folders() {
    assert_eq!(
        findings("postman-collection.json"),
        expect(&[
            ("status-type-mismatch", 27, 43, 0),
            ("missing-error-body", 29, 17, 1),
        ])
    );
    assert_eq!(summary("postman-collection.json"), (3, 3, 0));
    let path = mocks("postman-collection.json");
    let report = report(&[path.to_str().unwrap()]);
    assert_eq!(
        report["diagnostics"][0]["request"],
        serde_json::json!({"method": "GET", "url": "{{baseUrl}}/v1/orders/1"})
    );
}

#[test]
fn pact_v3_and_v4_bodies_in_every_encoding() {
    assert_eq!(
        findings("pact-v3.json"),
        expect(&[
            ("status-type-mismatch", 11, 27, 0),
            ("missing-error-body", 15, 5, 1),
        ])
    );
    assert_eq!(
        findings("pact-v4.json"),
        expect(&[
            ("status-type-mismatch", 12, 40, 0),
            ("error-content-type", 15, 5, 1),
            ("status-type-mismatch", 21, 30, 1),
            // The header list says text/html, whatever `body.contentType` claims.
            ("error-content-type", 29, 5, 3),
        ])
    );
    // The message interaction is skipped and counted.
    assert_eq!(summary("pact-v4.json"), (4, 3, 1));
}

#[test]
fn warc_response_records_plain_and_gzipped_with_methods_from_request_records() {
    let expected = expect(&[
        // Chunked and gzip-compressed: decoded, pointed at the body's start.
        ("status-type-mismatch", 22, 1, 0),
        ("status-type-mismatch", 95, 10, 2),
    ]);
    assert_eq!(findings("example.warc"), expected);
    // Positions in a .warc.gz refer to the decompressed archive.
    assert_eq!(findings("example.warc.gz"), expected);
    assert_eq!(summary("example.warc"), (3, 3, 0));
    let path = mocks("example.warc");
    let all = report(&[path.to_str().unwrap()]);
    let requests: Vec<&Value> = all["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["request"])
        .collect();
    // The method comes from the request record that names the response; the third
    // response has no request record.
    assert_eq!(
        requests,
        [
            &serde_json::json!({"method": "POST", "url": "https://api.example.com/v1/orders"}),
            &serde_json::json!({"url": "https://api.example.com/v1/orders/3"}),
        ]
    );
    // --url selects records by their target URI.
    let only = report(&[
        path.to_str().unwrap(),
        "--url",
        "https://api.example.com/v1/orders/*",
    ]);
    assert_eq!(only["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(only["summary"]["skipped"], 1);
}

#[test]
fn saz_sessions_in_number_order_with_request_lines() {
    assert_eq!(
        findings("example.saz"),
        expect(&[
            // Line and column inside the session's raw/N_s.txt.
            ("status-type-mismatch", 6, 1, 1),
            ("status-type-mismatch", 4, 10, 2),
        ])
    );
    let path = mocks("example.saz");
    let report = report(&[path.to_str().unwrap()]);
    assert_eq!(
        report["diagnostics"][1]["request"],
        serde_json::json!({"method": "DELETE", "url": "https://api.example.com/v1/orders/10"})
    );
}

#[test]
fn recorded_requests_keep_their_secrets_in_every_format() {
    let files: Vec<PathBuf> = [
        "nock-fixture.json",
        "wiremock/mappings/orders.json",
        "postman-collection.json",
        "pact-v3.json",
        "example.warc",
        "example.saz",
    ]
    .iter()
    .map(|f| mocks(f))
    .collect();
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab", "html",
    ] {
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .arg("check")
            .args(&files)
            .args(["-f", format, "--color", "always"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            !text.contains("SECRET"),
            "{format} printed a secret:\n{text}"
        );
        assert!(text.contains("status-type-mismatch"), "{format}: {text}");
    }
}
