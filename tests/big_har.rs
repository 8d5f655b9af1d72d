//! A HAR far larger than errlint's read buffer and its batches, written on one line as
//! Playwright writes them, with one body bigger than the buffer: every defect is found, in
//! order, at the right column. This is the structural proof that a HAR streams: the file is
//! never held whole, yet nothing is lost at buffer or batch boundaries.

use assert_cmd::Command;
use serde_json::{Value, json};

const ENTRIES: usize = 6_000;

fn entry(i: usize) -> Value {
    let defect = i % 97 == 13;
    let body = json!({
        "type": if defect { "api" } else { "invalid_request" },
        "code": "resource_missing",
        "message": "No such order.",
        "param": "id",
        // A big body now and then, once far bigger than the 256 KiB read buffer.
        "padding": "p".repeat(if i == 2_500 { 3 << 20 } else { 600 }),
    });
    json!({
        "request": {"method": "GET", "url": format!("https://api.example.com/v1/orders/{i}?token=x"), "headers": []},
        "response": {
            "status": 404,
            "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "size": 1, "text": body.to_string()}
        },
        "timings": {"wait": 1.5}
    })
}

#[test]
fn a_har_far_larger_than_the_buffer_keeps_every_finding_in_place() {
    let entries: Vec<Value> = (0..ENTRIES).map(entry).collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}}).to_string();
    assert!(har.len() > 7 << 20, "the HAR is {} bytes", har.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.har");
    std::fs::write(&path, &har).unwrap();

    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "-f", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["responses"], ENTRIES);
    assert_eq!(report["summary"]["checked"], ENTRIES);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let expected: Vec<usize> = (0..ENTRIES).filter(|i| i % 97 == 13).collect();
    let found: Vec<usize> = diagnostics
        .iter()
        .map(|d| d["response"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(found, expected, "every defect, once, in file order");
    for d in diagnostics {
        assert_eq!(d["rule"], "status-type-mismatch");
        assert_eq!(d["line"], 1);
        // The column points at the escaped `\"api\"` inside the entry's body text.
        let column = d["column"].as_u64().unwrap() as usize;
        assert_eq!(
            &har[column - 1..column + 6],
            "\\\"api\\\"",
            "response {}",
            d["response"]
        );
    }
}
