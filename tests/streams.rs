//! NDJSON on standard input, as errlint runs inside pipes (docs/inputs.md, "Streams"): a
//! finding reaches the reader while later input is still unwritten, ids come back with
//! their findings, and bad lines (not JSON, far too long, cut short) are findings while the
//! rest of the stream is still checked.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

fn errlint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
}

const MISMATCH: &str = r#"{"id":"early","status":429,"headers":{"Content-Type":"application/json"},"body":{"type":"api","code":"slow_down","message":"Slow down.","param":null}}"#;
const FINE: &str = r#"{"id":2,"status":404,"headers":{"Content-Type":"application/json"},"body":{"type":"invalid_request","code":"not_found","message":"No such order.","param":null}}"#;

#[test]
fn a_finding_arrives_while_the_pipe_is_still_open() {
    let mut child = errlint()
        .args(["check", "-", "-f", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    writeln!(stdin, "{MISMATCH}\n{FINE}").unwrap();
    stdin.flush().unwrap();
    // The pipe stays open: the finding must come before anything more is written. The
    // wait only bounds a failing run; a passing one returns as soon as the line arrives.
    let first = received
        .recv_timeout(Duration::from_secs(120))
        .expect("no finding while the input was still open");
    let first: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["rule"], "status-type-mismatch");
    assert_eq!(first["id"], "early");
    assert_eq!(first["response"], 0);

    writeln!(stdin, "{}", MISMATCH.replace("\"early\"", "\"late\"")).unwrap();
    drop(stdin);
    let rest: Vec<Value> = received
        .iter()
        .map(|l| serde_json::from_str(&l).unwrap())
        .collect();
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(rest[0]["id"], "late");
    assert_eq!(rest[0]["response"], 2);
    assert_eq!(rest[0]["line"], 3);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

fn check_stdin(input: &[u8], args: &[&str]) -> (Vec<Value>, Option<i32>) {
    let mut child = errlint()
        .args(["check", "-", "-f", "jsonl"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let findings = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (findings, output.status.code())
}

#[test]
fn bad_lines_are_findings_and_the_rest_is_checked() {
    let mut input = Vec::new();
    writeln!(input, "{FINE}").unwrap();
    writeln!(input, "this is not JSON").unwrap();
    // A line of 100 MB: one finding, never held whole.
    input.extend_from_slice(br#"{"id":"huge","status":500,"body":""#);
    input.resize(input.len() + 100_000_000, b'x');
    input.extend_from_slice(b"\"}\n");
    writeln!(input, "{}", FINE.replace("2,", r#"{"an":"object"},"#)).unwrap();
    writeln!(input, "{MISMATCH}").unwrap();
    // The stream ends in the middle of a line.
    input.extend_from_slice(br#"{"id":9,"status":4"#);
    let (findings, code) = check_stdin(&input, &["--stdin-filename", "traffic.ndjson"]);
    assert_eq!(code, Some(1));
    let summary: Vec<(u64, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["response"].as_u64().unwrap(),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 5, "{summary:#?}");
    assert!(
        summary[0].2.starts_with("item 1 is not a JSON object"),
        "{summary:#?}"
    );
    assert!(
        summary[1].2.contains("line of 100000036 bytes"),
        "{summary:#?}"
    );
    assert!(
        summary[2]
            .2
            .contains("\"id\" must be a string or a number, found an object")
    );
    assert_eq!(summary[3].1, "status-type-mismatch");
    assert_eq!(findings[3]["id"], "early");
    assert_eq!(findings[3]["line"], 5);
    assert!(
        summary[4].2.contains("ends in the middle of this line"),
        "{summary:#?}"
    );
    assert_eq!(summary[4].0, 5);
}

#[test]
fn har_entry_lines_are_checked_like_har_entries() {
    let entry = r#"{"request":{"method":"POST","url":"https://api.example.com/v1/orders?token=secret"},"response":{"status":401,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"{\"type\":\"api\",\"code\":\"no_key\",\"message\":\"No key.\",\"param\":null}"}}}"#;
    let input = format!("{FINE}\n{entry}\n");
    let (findings, _) = check_stdin(input.as_bytes(), &[]);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "status-type-mismatch");
    assert_eq!(findings[0]["response"], 1);
    assert_eq!(
        findings[0]["request"]["url"],
        "https://api.example.com/v1/orders"
    );
    assert!(findings[0].get("id").is_none());
}

#[test]
fn a_reader_that_goes_away_is_a_clean_exit() {
    let input: String = (0..50_000).map(|_| format!("{MISMATCH}\n")).collect();
    let mut child = errlint()
        .args(["check", "-", "-f", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("status-type-mismatch"));
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panic") && !stderr.contains("internal error"),
        "{stderr}"
    );
    assert_ne!(output.status.code(), Some(2), "{stderr}");
}
