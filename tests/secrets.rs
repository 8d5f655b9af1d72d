//! Secrets never leave the process (docs/security.md): canary values in every place a capture keeps secrets —
//! header values (also written as bare strings, which serde then quotes Debug-style), Digest
//! credentials, cookies, query strings, credentials in URLs in every form, path parameters,
//! request bodies, a request written after a response, parameters of a Content-Type — on
//! responses with findings forced on them, in every output format, in a report file, in a
//! baseline and in error messages. The canaries hold quotes, backslashes and multi-byte
//! characters, so a redaction that stops at the first quote is caught.

use assert_cmd::Command;
use clap::ValueEnum as _;
use errlint::cli::OutputFormat;
use serde_json::json;

/// Every canary starts with this; none may appear in any output.
const CANARY: &str = "CANARY";

/// A canary with the characters that break naive redaction: the marker after a quote (a
/// redaction that ends at the first quote shows it), an escaped quote, backslashes, a `\u`
/// sequence, multi-byte characters.
fn secret(tag: &str) -> String {
    format!("pre\"CANARY-{tag}\\\"q\\u0041-ü€😀\"")
}

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
    broken["response"]["content"]["size"] = json!(secret("4z"));
    // Headers written as bare strings, as some tools do: serde's message quotes the string,
    // escaping its quotes as \".
    let mut string_headers = entry(7, 400, "application/json", bad_body());
    string_headers["response"]["headers"] =
        json!([format!("Set-Cookie: sid={}; Path=/", secret("7s"))]);
    string_headers["request"]["headers"] = json!([format!(
        "Authorization: Digest username={}, realm={}, nonce={}, response={}",
        secret("7t"),
        secret("7u"),
        secret("7v"),
        secret("7w")
    )]);
    // URLs with credentials holding `/`, `?` and `#`, path parameters, and scheme-relative.
    let mut odd_url = entry(8, 400, "application/json", bad_body());
    odd_url["request"]["url"] =
        json!("https://user:CANARY-8a/x?y#z@api.example.com/v1/cart;jsessionid=CANARY-8b/items");
    let mut relative_url = entry(9, 400, "application/json", bad_body());
    relative_url["request"]["url"] = json!("//user:CANARY-9a@api.example.com/v1;sid=CANARY-9b");
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
        string_headers,
        odd_url,
        relative_url,
    ];
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn raw_http() -> String {
    // The request written after the first response (as proxies log an exchange) must not be
    // read as the body of the response before it.
    format!(
        "HTTP/1.1 403 Forbidden\r\nSet-Cookie: id=CANARY-5a\r\nContent-Type: text/plain; charset=CANARY-5b\r\nX-Api-Key: CANARY-5c\r\n\r\n{body}\r\n\
         POST /v1/login?password=CANARY-5d HTTP/1.1\r\nAuthorization: Digest username={d1}, response={d2}\r\nCookie: s={d3}\r\n\r\n{{\"password\": {d4:?}}}\r\n\
         HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{body}",
        body = bad_body(),
        d1 = secret("5e"),
        d2 = secret("5f"),
        d3 = secret("5g"),
        d4 = secret("5h"),
    )
}

fn ndjson() -> String {
    let good = json!({
        "status": 401,
        "url": "https://api.example.com/v1/me?k=CANARY-10a",
        "headers": {"Authorization": format!("Digest username={}, nonce={}", secret("10b"), secret("10c"))},
        "body": bad_body()
    });
    // Headers as one string: not a capture errlint can read, and serde would quote it.
    let broken = json!({
        "status": 401,
        "headers": format!("Authorization: Digest username={}, response={}", secret("10d"), secret("10e")),
        "body": bad_body()
    });
    let broken_status = json!({"status": secret("10f"), "body": bad_body()});
    format!("{good}\n{broken}\n{broken_status}\n")
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
    std::fs::write(dir.path().join("log.ndjson"), ndjson()).unwrap();
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
    for format in OutputFormat::ALL {
        let format = format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        let format = format.as_str();
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        // Findings really were forced on every capture.
        for file in ["traffic.har", "curl.http", "envelope.json", "log.ndjson"] {
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
