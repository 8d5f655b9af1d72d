//! Secrets never leave the process (docs/output-formats.md): canary values in every place a capture keeps
//! secrets — header values, cookies, query strings, credentials in URLs, request bodies,
//! parameters of a Content-Type — on responses with findings forced on them, in every output
//! format, in a report file and in error messages.

use assert_cmd::Command;
use serde_json::json;

/// Every canary starts with this; none may appear in any output.
const CANARY: &str = "CANARY";

fn bad_body() -> String {
    json!({"type": "api", "code": "Bad-Code", "message": "x", "param": "a b"}).to_string()
}

fn har() -> String {
    let entry = |n: u32, status: u32, mime: &str, text: String| {
        json!({
            "request": {
                "method": "POST",
                "url": format!("https://user:CANARY-{n}a@api.example.com/v1/orders?token=CANARY-{n}b#CANARY-{n}c"),
                "headers": [
                    {"name": "Authorization", "value": format!("Bearer CANARY-{n}d")},
                    {"name": "Cookie", "value": format!("session=CANARY-{n}e")},
                    {"name": "Accept", "value": format!("application/json; CANARY-{n}f")}
                ],
                "cookies": [{"name": "session", "value": format!("CANARY-{n}g")}],
                "queryString": [{"name": "token", "value": format!("CANARY-{n}h")}],
                "postData": {"mimeType": "application/json", "text": format!("{{\"password\": \"CANARY-{n}i\"}}")}
            },
            "response": {
                "status": status,
                "headers": [
                    {"name": "Set-Cookie", "value": format!("session=CANARY-{n}j; HttpOnly")},
                    {"name": "Content-Type", "value": format!("{mime}; CANARY-{n}k")},
                    {"name": "WWW-Authenticate", "value": format!("Bearer realm=CANARY-{n}l")}
                ],
                "cookies": [{"name": "session", "value": format!("CANARY-{n}m")}],
                "content": {"mimeType": "", "text": text, "size": 1}
            }
        })
    };
    let mut broken = entry(4, 400, "application/json", bad_body());
    // A malformed entry: serde's message would quote the offending value.
    broken["response"]["content"]["size"] = json!("CANARY-4z");
    let entries = vec![
        entry(1, 429, "application/json", bad_body()),
        entry(2, 500, "text/plain", bad_body()),
        entry(
            3,
            502,
            "text/html",
            "<html>CANARY-3-is-the-body-so-may-show</html>".into(),
        ),
        broken,
    ];
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn raw_http() -> String {
    format!(
        "HTTP/1.1 403 Forbidden\r\nSet-Cookie: id=CANARY-5a\r\nContent-Type: text/plain; charset=CANARY-5b\r\nX-Api-Key: CANARY-5c\r\n\r\n{}",
        bad_body()
    )
}

fn envelope() -> String {
    json!({
        "status": 401,
        "method": "GET",
        "url": "https://api.example.com/v1/me?api_key=CANARY-6a",
        "headers": {"Authorization": "Basic CANARY-6b", "Content-Type": "text/plain; CANARY-6c"},
        "body": bad_body()
    })
    .to_string()
}

fn captures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("traffic.har"), har()).unwrap();
    std::fs::write(dir.path().join("curl.http"), raw_http()).unwrap();
    std::fs::write(dir.path().join("envelope.json"), envelope()).unwrap();
    dir
}

fn assert_no_canary(what: &str, text: &str) {
    // The HTML body of response 3 is body text, which errlint may show; only its marker differs.
    let leaked: Vec<&str> = text
        .match_indices(CANARY)
        .map(|(i, _)| &text[i..(i + 12).min(text.len())])
        .filter(|s| !s.starts_with("CANARY-3-is"))
        .collect();
    assert!(leaked.is_empty(), "{what} leaked {leaked:?}");
}

#[test]
fn no_format_prints_a_secret() {
    let dir = captures();
    for format in ["human", "concise", "json", "sarif", "junit", "github"] {
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        // Findings really were forced on every capture.
        for file in ["traffic.har", "curl.http", "envelope.json"] {
            assert!(stdout.contains(file), "{format}: no finding on {file}");
        }
        assert_no_canary(&format!("{format} stdout"), &stdout);
        assert_no_canary(
            &format!("{format} stderr"),
            &String::from_utf8_lossy(&output.stderr),
        );
    }
}

#[test]
fn report_files_and_baselines_hold_no_secret() {
    let dir = captures();
    let out = tempfile::tempdir().unwrap();
    for (format, name) in [("sarif", "r.sarif"), ("junit", "r.xml"), ("json", "r.json")] {
        let path = out.path().join(name);
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format, "-o"])
            .arg(&path)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_no_canary(
            "stdout beside a report file",
            &String::from_utf8_lossy(&output.stdout),
        );
        assert_no_canary(name, &std::fs::read_to_string(&path).unwrap());
    }
    let baseline = out.path().join("baseline.json");
    Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "--write-baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(0);
    assert_no_canary("baseline", &std::fs::read_to_string(&baseline).unwrap());
}
