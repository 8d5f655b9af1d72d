//! Hostile mocks and archives: a SAZ zip bomb (one member inflating past the body cap, or
//! tens of thousands of members), a WARC record whose `Content-Length` lies, WireMock body
//! file names that lead out of `__files` (`../../etc/passwd`, an absolute path, a link out),
//! a Postman collection nested 10,000 folders deep. Each is one finding, errlint exits 1
//! (never a crash), the files beside them are still checked, and nothing of a recorded
//! request, nor of a file outside `__files`, is ever printed.

use std::io::Write as _;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const MISMATCH: &str = r#"{"type": "api", "code": "c", "message": "m", "param": null}"#;

/// What the canary file outside `__files` holds: were it ever read as a body, its 429 would
/// break the contract (and its text would show in the human report's excerpt).
const CANARY: &str =
    r#"{"type": "api", "code": "CANARY_OUTSIDE", "message": "CANARY-OUTSIDE", "param": null}"#;

fn zip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in members {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn session(number: usize, status: &str, body: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("raw/{number}_c.txt"),
            format!("GET https://api.example.com/{number} HTTP/1.1\r\nAuthorization: Bearer SECRET-REQUEST\r\n\r\n").into_bytes(),
        ),
        (
            format!("raw/{number}_s.txt"),
            format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\r\n{body}").into_bytes(),
        ),
    ]
}

fn warc_record(kind: &str, block: &[u8], claimed: Option<usize>) -> Vec<u8> {
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://api.example.com/x\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        claimed.unwrap_or(block.len())
    )
    .into_bytes();
    record.extend_from_slice(block);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

fn mapping(body_file: &str) -> String {
    serde_json::json!({
        "request": {"method": "GET", "url": "/x"},
        "response": {"status": 429, "bodyFileName": body_file, "headers": {"Content-Type": "application/json"}}
    })
    .to_string()
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .arg("check")
        .args(args)
        .arg(root)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn hostile_mocks_and_archives_each_get_one_finding_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("canary.body"), CANARY).unwrap();

    // A member that inflates past the 64 MiB body cap, after a good session.
    let mut bomb = session(1, "429 Too Many Requests", MISMATCH);
    bomb.push((
        "raw/2_c.txt".into(),
        b"GET https://api.example.com/2 HTTP/1.1\r\n\r\n".to_vec(),
    ));
    let mut inflating = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".to_vec();
    inflating.resize(80 << 20, b' ');
    bomb.push(("raw/2_s.txt".into(), inflating));
    bomb.extend(session(3, "429 Too Many Requests", MISMATCH));
    let captures = root.join("captures");
    std::fs::create_dir_all(&captures).unwrap();
    std::fs::write(captures.join("bomb.saz"), zip(&bomb)).unwrap();
    // Forty thousand members: refused before the ZIP directory is read.
    let many: Vec<(String, Vec<u8>)> = (0..40_000)
        .map(|i| (format!("raw/{i}_m.xml"), Vec::new()))
        .chain(session(1, "429 Too Many Requests", MISMATCH))
        .collect();
    std::fs::write(captures.join("many.saz"), zip(&many)).unwrap();

    // A WARC whose second record claims more bytes than it has; the third is still read.
    let response = format!(
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n\r\n{MISMATCH}"
    );
    let mut warc = warc_record("response", response.as_bytes(), None);
    warc.extend(warc_record(
        "response",
        response.as_bytes(),
        Some(response.len() + 40),
    ));
    warc.extend(warc_record("response", response.as_bytes(), None));
    std::fs::write(captures.join("lying.warc"), warc).unwrap();

    // A WireMock root whose mappings name files outside __files, and one good mapping.
    let wiremock = captures.join("wiremock");
    std::fs::create_dir_all(wiremock.join("mappings")).unwrap();
    std::fs::create_dir_all(wiremock.join("__files")).unwrap();
    std::fs::write(wiremock.join("__files/ok.json"), MISMATCH).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.join("canary.body"),
        wiremock.join("__files/link.json"),
    )
    .unwrap();
    let escapes = [
        ("dotdot.json", "../../../outside/canary.body".to_string()),
        ("passwd.json", "../../etc/passwd".to_string()),
        (
            "absolute.json",
            outside.join("canary.body").display().to_string(),
        ),
        #[cfg(unix)]
        ("link.json", "link.json".to_string()),
        ("missing.json", "not-there.json".to_string()),
    ];
    for (name, body_file) in &escapes {
        std::fs::write(wiremock.join("mappings").join(name), mapping(body_file)).unwrap();
    }
    std::fs::write(wiremock.join("mappings/ok.json"), mapping("ok.json")).unwrap();

    // A Postman collection nested 10,000 folders deep.
    let depth = 10_000;
    let mut deep = String::from(r#"{"info": {"name": "deep"}, "item": ["#);
    for _ in 0..depth {
        deep.push_str(r#"{"name": "f", "item": ["#);
    }
    deep.push_str(&"]}".repeat(depth));
    deep.push_str("]}");
    std::fs::write(captures.join("deep.postman_collection.json"), deep).unwrap();

    // Controls beside them.
    std::fs::write(captures.join("zz-control.429.json"), MISMATCH).unwrap();

    let (code, stdout, stderr) = run(&captures, &["-f", "json"]);
    assert_eq!(code, 1, "stderr: {stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let of = |name: &str| -> Vec<(String, u64)> {
        let path = captures.join(name).display().to_string();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == path.as_str())
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["response"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let malformed = |n| ("malformed-capture".to_string(), n);
    let mismatch = |n| ("status-type-mismatch".to_string(), n);
    // The session before the bomb is checked; the bomb and what follows it are not read.
    assert_eq!(of("bomb.saz"), [mismatch(0), malformed(1)]);
    assert_eq!(of("many.saz"), [malformed(0)]);
    // The lying record is one finding; the records around it are checked.
    assert_eq!(of("lying.warc"), [mismatch(0), malformed(1), mismatch(2)]);
    for (name, _) in &escapes {
        assert_eq!(
            of(&format!("wiremock/mappings/{name}")),
            [malformed(0)],
            "{name}"
        );
    }
    assert_eq!(of("wiremock/mappings/ok.json"), [mismatch(0)]);
    assert_eq!(of("deep.postman_collection.json"), [malformed(0)]);
    assert_eq!(of("zz-control.429.json"), [mismatch(0)]);
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"../../etc/passwd\" leads outside the __files folder")),
        "{messages:?}"
    );

    // Nothing of the canary outside __files, nor of a recorded request, in any report.
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab", "html",
    ] {
        let (_, stdout, stderr) = run(&captures, &["-f", format]);
        for text in [&stdout, &stderr] {
            assert!(
                !text.contains("CANARY"),
                "{format}: a file outside __files was read"
            );
            assert!(
                !text.contains("SECRET"),
                "{format}: request text was printed"
            );
        }
    }
}
