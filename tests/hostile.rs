//! Hostile input (docs/security.md): every file below tries to crash, hang or fool errlint. Each gets
//! its finding, the run exits 1 (never a panic's code), and the control files beside them are
//! still checked.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::{Value, json};

mod support;
use support::gzip;

fn har_with(entries: Vec<Value>) -> String {
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn har_entry(status: Value, text: &str, encoding: Option<&str>) -> Value {
    let mut content = json!({"mimeType": "application/json", "text": text, "size": text.len()});
    if let Some(e) = encoding {
        content["encoding"] = json!(e);
    }
    json!({"request": {"method": "GET", "url": "https://api.example.com/x"}, "response": {"status": status, "headers": [], "content": content}})
}

/// `errlint check -f json PATH`, which must end with findings (exit 1) within `seconds`.
fn json_report_with_findings(path: &Path, seconds: u64) -> Value {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "-f", "json"])
        .arg(path)
        .timeout(std::time::Duration::from_secs(seconds))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

const MISMATCH: &str = r#"{"type": "api", "code": "c", "message": "m", "param": null}"#;

/// A cassette whose aliases expand to 10^9 values.
fn alias_bomb() -> String {
    let mut text = String::from("interactions:\n- &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "- &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text
}

/// (file name, bytes, rules expected on it).
fn hostile_files() -> Vec<(String, Vec<u8>, Vec<&'static str>)> {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut raw_bomb = b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    raw_bomb.extend(gzip(&vec![b' '; 80 << 20]));
    let mut stacked = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Encoding: gzip, gzip\r\n\r\n".to_vec();
    stacked.extend(gzip(&gzip(MISMATCH.as_bytes())));
    let mut invalid_utf8 = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{\"type\": \"\xff\xfe\"}".to_vec();
    invalid_utf8.push(b'\n');
    let huge = json!({"type": "api", "code": "c", "message": "m", "param": null, "padding": "x".repeat(20 << 20)}).to_string();
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    vec![
        // A bare body without a status, nested too deeply to read.
        // JSON nested too deeply to read, without a status in its name: no structure can be
        // recognised in it, and it claims to be JSON.
        ("deep-capture.json".into(), deep.clone().into_bytes(), vec!["malformed-capture"]),
        ("alias-bomb.yml".into(), alias_bomb().into_bytes(), vec!["malformed-capture"]),
        ("deep-cassette.yaml".into(), format!("interactions: {deep}").into_bytes(), vec!["malformed-capture"]),
        // 70 MiB of zeros, and a HAR whose one entry expands past the cap: one finding each.
        ("zeros.json.gz".into(), gzip(&vec![0; 70 << 20]), vec!["malformed-capture"]),
        ("one-huge-entry.har.gz".into(), gzip(har_with(vec![har_entry(json!(500), &"a".repeat(70 << 20), None)]).as_bytes()), vec!["malformed-capture"]),
        ("not-gzip.yml.gz".into(), b"interactions: []".to_vec(), vec!["malformed-capture"]),
        ("deep-body.har".into(), har_with(vec![har_entry(json!(400), &deep, None)]).into_bytes(), vec!["invalid-json"]),
        ("utf16.json".into(), b"\xff\xfe{\x00}\x00".to_vec(), vec!["malformed-capture"]),
        ("invalid-utf8.http".into(), invalid_utf8, vec!["invalid-json"]),
        ("invalid-utf8-entry.har".into(), b"{\"log\": {\"entries\": [{\"response\": {\"status\": 400, \"content\": {\"text\": \"\xff\"}}}]}}".to_vec(), vec!["malformed-capture"]),
        (
            "odd-statuses.har".into(),
            har_with(vec![
                har_entry(json!("404"), MISMATCH, None),
                har_entry(json!(404.5), MISMATCH, None),
                har_entry(json!(-5), MISMATCH, None),
                har_entry(json!(99_999_999_999_i64), MISMATCH, None),
                har_entry(json!(u64::MAX), MISMATCH, None),
                har_entry(json!(700), MISMATCH, None),
            ])
            .into_bytes(),
            vec!["unknown-status"; 5],
        ),
        ("bad-base64.har".into(), har_with(vec![har_entry(json!(400), "!!not base64!!", Some("base64"))]).into_bytes(), vec!["malformed-capture"]),
        ("bomb.http".into(), raw_bomb, vec!["malformed-capture"]),
        ("stacked-gzip.http".into(), stacked, vec!["status-type-mismatch"]),
        ("huge-body.500.json".into(), huge.into_bytes(), vec![]),
        ("empty.json".into(), Vec::new(), vec!["malformed-capture"]),
        ("junk.har".into(), junk, vec!["malformed-capture"]),
        ("truncated.har".into(), har_with(vec![har_entry(json!(429), MISMATCH, None); 3]).as_bytes()[..150].to_vec(), vec!["malformed-capture"]),
        ("name\nwith newline, comma: colon 100% \u{1b}[31mred.429.json".into(), MISMATCH.as_bytes().to_vec(), vec!["status-type-mismatch"]),
    ]
}

#[test]
fn hostile_files_each_get_a_finding_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (name, bytes, _) in hostile_files() {
        std::fs::write(root.join(&name), bytes).unwrap();
    }
    // Controls: a clean capture and a bad one, which must still be checked.
    std::fs::write(
        root.join("zz-clean.404.json"),
        r#"{"type": "invalid_request", "code": "c", "message": "m", "param": null}"#,
    )
    .unwrap();
    std::fs::write(root.join("zz-control.429.json"), MISMATCH).unwrap();
    #[cfg(unix)]
    {
        // A FIFO would block a reader forever; a symbolic link loop would never end a walk.
        assert!(
            Process::new("mkfifo")
                .arg(root.join("pipe.json"))
                .status()
                .unwrap()
                .success()
        );
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(root.join("socket.json")).unwrap();
    }

    let report = json_report_with_findings(root, 60);
    let rules_of = |name: &str| -> Vec<String> {
        let path = root.join(name).display().to_string();
        let mut rules: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == path.as_str())
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect();
        rules.sort();
        rules
    };
    for (name, _, expected) in hostile_files() {
        assert_eq!(rules_of(&name), expected, "{name:?}");
    }
    assert_eq!(rules_of("zz-clean.404.json"), Vec::<String>::new());
    assert_eq!(rules_of("zz-control.429.json"), ["status-type-mismatch"]);
    assert_eq!(
        report["summary"]["files"],
        hostile_files().len() + 2,
        "the FIFO, socket and link were never opened"
    );
}

#[test]
fn human_output_escapes_a_hostile_file_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evil\u{1b}]0;pwned\u{7}\u{202e}.429.json"),
        MISMATCH,
    )
    .unwrap();
    for format in ["human", "concise", "github"] {
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format])
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{format}: {text:?}"
        );
        assert!(text.contains("evil\\u{1b}]0;pwned"), "{format}: {text}");
    }
}

#[test]
fn an_unreadable_named_file_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("gone.har"), dir.path().join("dangling.har"))
        .unwrap();
    std::fs::write(dir.path().join("ok.429.json"), MISMATCH).unwrap();
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "-f", "concise", "-q"])
        .arg(dir.path().join("dangling.har"))
        .arg(dir.path().join("ok.429.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("dangling.har:1:1: error[malformed-capture] the file could not be read"),
        "{text}"
    );
    assert!(
        text.contains("ok.429.json"),
        "the other file is still checked: {text}"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    // The reading end is closed before errlint starts, so its very first write fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Process::new(assert_cmd::cargo::cargo_bin("errlint"))
        .args(["check", "-f", "concise"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit by the findings, not by the closed pipe"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "a reader that went away is not an error"
    );
}

#[test]
fn a_parse_error_inside_a_character_next_to_invalid_bytes() {
    // 30 bytes of body: an escape cut short before "😀", then one 0xFF byte. The parser's
    // error offset falls inside the character of a body that is not UTF-8; errlint once
    // sliced its text there and panicked, printing the body raw in the panic message.
    let dir = tempfile::tempdir().unwrap();
    let mut capture =
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n".to_vec();
    capture.extend_from_slice(b"{\"message\": \"\\u0\xf0\x9f\x98\x80\"}\xff");
    std::fs::write(dir.path().join("panic.http"), &capture).unwrap();
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .arg("check")
        .arg(dir.path().join("panic.http"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error[invalid-json]: body is not valid JSON"),
        "{stdout}"
    );
    assert!(stdout.contains("panic.http:4:"), "{stdout}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_panic_prints_no_captured_bytes_and_exits_2() {
    // Debug builds panic on request with the given message, standing in for a bug whose
    // message would quote a capture.
    let canary = "CANARY \"body\" \\ ü€😀";
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .env("ERRLINT_DEBUG_PANIC_WITH", canary)
        .env("RUST_BACKTRACE", "1")
        .args(["check", "examples"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("CANARY"), "{stderr}");
    assert!(
        stderr.starts_with("errlint: error: internal error at src/"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no backtrace: {stderr}"
    );
}

/// Raw HTTP bodies made of partial request and status lines (`GET ` repeated, lines of
/// `A A A`, ` HTTP/` on one line, `\nHTTP/` without a status), gzipped to a few KB, at n and
/// 4n bytes: a scan for the next request line that started again per candidate took minutes
/// on them. How much work the scans do is counted, and held to a bounded number of looks per
/// byte, by the unit test in `src/capture/raw_http.rs`; here the real binary only has to
/// finish them, under a timeout far above what a linear scan needs.
#[test]
fn raw_http_bodies_of_request_line_lookalikes_are_read_in_one_pass() {
    let lookalikes: [&[u8]; 4] = [b"GET ", b"A A A\n", b" HTTP/", b"\nHTTP/"];
    let dir = tempfile::tempdir().unwrap();
    let n = 4 << 20;
    let mut names = Vec::new();
    for (i, unit) in lookalikes.iter().enumerate() {
        for size in [n, 4 * n] {
            let mut text =
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nX".to_vec();
            text.extend(unit.repeat(size / unit.len()));
            let gz = gzip(&text);
            assert!(gz.len() < 64 * 1024, "{} bytes", gz.len());
            let name = format!("lookalike-{i}-{size}.http.gz");
            std::fs::write(dir.path().join(&name), gz).unwrap();
            names.push(name);
        }
    }
    let report = json_report_with_findings(dir.path(), 300);
    for name in names {
        let path = dir.path().join(&name).display().to_string();
        assert!(
            report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["file"] == path.as_str() && d["rule"] == "non-json-error-body"),
            "{name}: no finding"
        );
    }
}
