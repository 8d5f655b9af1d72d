//! CLI cases: each input format, each output format, each exit code, `rules` and
//! `rule NAME`, run through the real binary as a user runs it.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn errlint() -> Command {
    let mut cmd = Command::cargo_bin("errlint").expect("binary builds");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// Runs `errlint check ARGS -f concise -q` and returns (exit code, lines).
fn concise(args: &[&str]) -> (i32, Vec<String>) {
    let output = errlint()
        .arg("check")
        .args(args)
        .args(["-f", "concise", "-q"])
        .output()
        .expect("runs");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    (
        output.status.code().unwrap_or(-1),
        text.lines().map(str::to_string).collect(),
    )
}

fn json_report(args: &[&str]) -> Value {
    let output = errlint()
        .arg("check")
        .args(args)
        .args(["-f", "json"])
        .output()
        .expect("runs");
    serde_json::from_slice(&output.stdout).expect("json output parses")
}

// ---- input formats -------------------------------------------------------------------

#[test]
fn har_entries_are_streamed_and_located() {
    let (code, lines) = concise(&["examples/orders.har"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "examples/orders.har:27:91: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\""
        ]
    );
}

#[test]
fn a_truncated_har_keeps_the_findings_before_the_cut() {
    let (code, lines) = concise(&["testdata/inputs/truncated.har"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("error[status-type-mismatch]"));
    assert!(
        lines[1].starts_with(
            "testdata/inputs/truncated.har:53:3: error[malformed-capture] unexpected end of file"
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn har_with_bom_failed_requests_assets_and_base64_is_read_whole() {
    let report = json_report(&["testdata/inputs/bom-with-failed-request.har"]);
    assert_eq!(report["summary"]["responses"], 4);
    assert_eq!(
        report["summary"]["checked"], 2,
        "the 404 and the base64 500"
    );
    assert_eq!(
        report["summary"]["skipped"], 2,
        "status 0 and the script asset"
    );
    assert_eq!(report["diagnostics"], Value::Array(vec![]));
}

#[test]
fn raw_http_yields_every_response_with_its_index() {
    let report = json_report(&["testdata/inputs/redirects.http"]);
    assert_eq!(report["summary"]["responses"], 3);
    assert_eq!(
        report["summary"]["skipped"], 2,
        "100 Continue and the redirect"
    );
    let d = &report["diagnostics"][0];
    assert_eq!(
        (
            d["rule"].as_str(),
            d["response"].as_u64(),
            d["line"].as_u64(),
            d["column"].as_u64()
        ),
        (Some("status-type-mismatch"), Some(2), Some(10), Some(10))
    );
}

#[test]
fn envelopes_lists_and_ndjson() {
    let (_, lines) = concise(&["testdata/inputs/envelope.json"]);
    assert_eq!(
        lines,
        [
            "testdata/inputs/envelope.json:9:13: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\""
        ]
    );
    let (_, lines) = concise(&["testdata/inputs/envelope-string-body.json"]);
    assert_eq!(
        lines,
        [
            "testdata/inputs/envelope-string-body.json:1:1: warning[error-content-type] JSON error body is served as \"text/plain\""
        ]
    );
    let report = json_report(&["testdata/inputs/envelopes-list.json"]);
    assert_eq!(report["diagnostics"][0]["response"], 1);
    assert_eq!(report["diagnostics"][0]["rule"], "missing-error-body");
    let (code, lines) = concise(&["testdata/inputs/captures.ndjson"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "testdata/inputs/captures.ndjson:3:98: warning[code-format] code \"Upstream-Down\" is not snake_case",
            "testdata/inputs/captures.ndjson:4:24: error[malformed-capture] item 2 is not a JSON object: EOF while parsing a value",
        ]
    );
    let report = json_report(&["testdata/inputs/captures.ndjson"]);
    assert_eq!(
        report["summary"]["responses"], 3,
        "the broken line is not a response, the one after it is"
    );
}

#[test]
fn bare_bodies_take_their_status_from_the_file_name() {
    assert_eq!(
        concise(&["testdata/inputs/get_customer.404.json"]),
        (0, vec![])
    );
    let (code, lines) = concise(&["testdata/inputs/no-status.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "testdata/inputs/no-status.json:1:1: error[unknown-status] no status found: the file name has no status code"
        ]
    );
}

#[test]
fn stdin_with_a_file_name_for_format_and_status() {
    let body = r#"{"type": "api", "code": "x", "message": "m", "param": null}"#;
    let output = errlint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "get_order.429.json",
            "-f",
            "concise",
            "-q",
        ])
        .write_stdin(body)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "get_order.429.json:1:10: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"\n"
    );
    let har = std::fs::read("examples/orders.har").unwrap();
    let output = errlint()
        .args(["check", "-", "-f", "concise", "-q"])
        .write_stdin(har)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "-:27:91: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"\n"
    );
}

#[test]
fn empty_stdin_is_an_unrecognised_named_input() {
    errlint()
        .args(["check", "-", "-f", "concise"])
        .write_stdin("")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "-:1:1: error[malformed-capture] not a capture errlint recognises",
        ));
}

#[test]
fn directory_walks_skip_hidden_unknown_and_linked_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy("testdata/inputs/envelope.json", root.join("a.json")).unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::copy(
        "testdata/inputs/no-status.json",
        root.join(".git/hidden.json"),
    )
    .unwrap();
    std::fs::copy("testdata/inputs/notes.txt", root.join("notes.txt")).unwrap();
    std::fs::write(root.join("image.png"), b"\x89PNG").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/inputs/no-status.json"),
        root.join("link.json"),
    )
    .unwrap();
    let report = json_report(&[root.to_str().unwrap()]);
    assert_eq!(report["summary"]["files"], 1, "{report}");
    assert_eq!(report["summary"]["unrecognized_files"], 1);
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1);
    assert!(
        report["diagnostics"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("a.json")
    );
}

#[test]
fn url_globs_select_har_entries() {
    let (_, lines) = concise(&["examples/orders.har", "--url", "https://cdn.example.com/*"]);
    assert_eq!(lines, Vec::<String>::new());
    let report = json_report(&["examples/orders.har", "--url", "https://cdn.example.com/*"]);
    assert_eq!(
        (
            report["summary"]["checked"].as_u64(),
            report["summary"]["skipped"].as_u64()
        ),
        (Some(1), Some(2))
    );
}

// ---- output formats ------------------------------------------------------------------

#[test]
fn human_output_shows_the_body_and_points_at_the_field() {
    errlint()
        .args(["check", "testdata/inputs/envelope.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[status-type-mismatch]: status 429 requires type \"rate_limit\", found \"api\"",
        ))
        .stdout(predicate::str::contains(
            "--> testdata/inputs/envelope.json:9:13",
        ))
        .stdout(predicate::str::contains("9 |     \"type\": \"api\","))
        .stdout(predicate::str::contains("^^^^^ expected \"rate_limit\""))
        .stdout(predicate::str::contains(
            "= help: set \"type\" to \"rate_limit\"",
        ))
        .stdout(predicate::str::contains(
            "1 file, 1 response (1 checked, 0 skipped): 1 error, 0 warnings",
        ));
}

#[test]
fn json_output_is_the_stable_shape_and_hides_query_strings() {
    let report = json_report(&["testdata/inputs/envelope.json"]);
    assert_eq!(report["version"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["request"]["url"], "https://api.example.com/v1/orders");
    assert_eq!(d["pointer"], "/type");
    assert_eq!(d["status"], 429);
    assert!(!report.to_string().contains("SECRET"));
}

#[test]
fn quiet_prints_only_findings() {
    errlint()
        .args(["check", "testdata/inputs/clean.http", "-q"])
        .assert()
        .code(0)
        .stdout("");
    errlint()
        .args(["check", "testdata/inputs/clean.http"])
        .assert()
        .code(0)
        .stdout("1 file, 1 response (1 checked, 0 skipped): 0 errors, 0 warnings\n");
}

#[test]
fn colour_follows_flag_and_environment() {
    let esc = predicate::str::contains("\u{1b}[");
    errlint()
        .args(["check", "examples/orders.har"])
        .assert()
        .stdout(esc.clone().not());
    errlint()
        .args(["check", "examples/orders.har", "--color", "always"])
        .assert()
        .stdout(esc.clone());
    errlint()
        .args(["check", "examples/orders.har"])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .stdout(esc.clone());
    errlint()
        .args(["check", "examples/orders.har"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .assert()
        .stdout(esc.clone().not());
    errlint()
        .args(["check", "examples/orders.har", "--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .stdout(esc.not());
}

#[test]
fn secrets_in_captures_never_reach_any_output() {
    for format in ["human", "concise", "json"] {
        errlint()
            .args([
                "check",
                "testdata/inputs/truncated.har",
                "testdata/inputs/envelope.json",
                "testdata/inputs/bom-with-failed-request.har",
                "-f",
                format,
            ])
            .assert()
            .stdout(predicate::str::contains("SECRET").not())
            .stderr(predicate::str::contains("SECRET").not());
    }
}

// ---- exit codes ----------------------------------------------------------------------

#[test]
fn exit_codes_follow_the_spec() {
    errlint()
        .args(["check", "testdata/inputs/clean.http"])
        .assert()
        .code(0);
    errlint()
        .args(["check", "testdata/inputs/warnings-only.400.json"])
        .assert()
        .code(0);
    errlint()
        .args(["check", "testdata/inputs/envelope.json"])
        .assert()
        .code(1);
    errlint()
        .args(["check", "testdata/inputs/envelope.json", "--exit-zero"])
        .assert()
        .code(0);
    errlint()
        .args([
            "check",
            "testdata/inputs/warnings-only.400.json",
            "--max-warnings",
            "0",
        ])
        .assert()
        .code(1);
    errlint()
        .args([
            "check",
            "testdata/inputs/warnings-only.400.json",
            "--max-warnings",
            "1",
        ])
        .assert()
        .code(0);
    errlint()
        .args(["check", "testdata/inputs/clean.http", "does/not/exist.har"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no such file or directory: \"does/not/exist.har\"",
        ));
    errlint()
        .args(["check", "does/not/exist.har", "--exit-zero"])
        .assert()
        .code(2);
    errlint().args(["check", "-f", "yaml"]).assert().code(2);
    errlint()
        .args(["check", "--url", "[", "examples"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--url \"[\" is not a valid glob"));
}

#[test]
fn a_named_file_in_no_known_format_is_an_error_finding() {
    let (code, lines) = concise(&["testdata/inputs/notes.txt", "testdata/inputs/clean.http"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("malformed-capture"));
}

// ---- rules and rule NAME -------------------------------------------------------------

#[test]
fn rule_pages() {
    errlint()
        .args(["rule", "status-type-mismatch"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("# status-type-mismatch"))
        .stdout(predicate::str::contains("## Why it matters"))
        .stdout(predicate::str::contains("default severity: error"));
    errlint()
        .args(["rule", "status-type-mismatc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean \"status-type-mismatch\"?",
        ));
    let all = errlint().arg("rules").output().unwrap();
    let text = String::from_utf8(all.stdout).unwrap();
    for rule in [
        "invalid-json",
        "missing-error-body",
        "non-json-error-body",
        "schema",
        "status-type-mismatch",
        "error-body-on-success",
        "body-on-no-content",
        "unknown-status",
        "undocumented-status",
        "error-content-type",
        "code-format",
        "param-format",
        "message-leaks-internals",
        "malformed-capture",
    ] {
        assert!(
            text.contains(&format!("# {rule}\n")),
            "{rule} missing from errlint rules"
        );
    }
    errlint()
        .args(["rules", "--short"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "undocumented-status      warning  The status is not in the documented list",
        ));
}

// ---- --version -----------------------------------------------------------------------

/// `errlint --version` names the Cargo version and, built from a git checkout, the commit, so
/// a bug report says exactly which source it came from.
#[test]
fn version_names_the_release_and_the_commit() {
    let output = errlint().arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let shown = String::from_utf8(output.stdout).unwrap();
    let release = format!("errlint {}", env!("CARGO_PKG_VERSION"));
    assert!(
        shown == format!("{release}\n") || shown.starts_with(&format!("{release} (")),
        "{shown:?}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(head) = head.ok().filter(|head| head.status.success()) {
        let hash = String::from_utf8(head.stdout).unwrap();
        assert!(
            shown.starts_with(&format!("{release} ({}", hash.trim())),
            "{shown:?} does not name HEAD {hash}"
        );
    }
}

// ---- the README ----------------------------------------------------------------------

/// Every ```console block of the README that starts with `$ errlint …` runs and prints
/// exactly what the README shows.
#[test]
fn readme_examples_run_as_shown() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let (command, expected) = block.split_once('\n').unwrap();
        let Some(args) = command.strip_prefix("$ errlint ") else {
            continue;
        };
        let output = errlint().args(args.split_whitespace()).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            expected,
            "README example `{command}`"
        );
        checked += 1;
    }
    assert!(checked >= 2, "the README shows at least two examples");
}

// ---- cassettes, compressed inputs and repository walks ---------------------------------

#[test]
fn cassettes_point_into_the_strings_that_hold_their_bodies() {
    // A single-quoted body folded over two lines, and a !!binary gzip body (its field start).
    let (code, lines) = concise(&["testdata/inputs/vcrpy-folded.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "testdata/inputs/vcrpy-folded.yaml:11:25: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"",
            "testdata/inputs/vcrpy-folded.yaml:27:9: error[schema] missing required field \"code\"",
            "testdata/inputs/vcrpy-folded.yaml:27:9: error[schema] missing required field \"message\"",
            "testdata/inputs/vcrpy-folded.yaml:27:9: error[schema] missing required field \"param\"",
            "testdata/inputs/vcrpy-folded.yaml:27:9: error[status-type-mismatch] status 404 requires type \"invalid_request\", found \"api\"",
        ]
    );
    // A literal block body and a string status code; a base64_string body (its field start).
    let (_, lines) = concise(&["testdata/inputs/ruby-vcr-block.yml"]);
    assert_eq!(
        lines,
        [
            "testdata/inputs/ruby-vcr-block.yml:24:19: warning[code-format] code \"Amount-Too-Small\" is not snake_case",
            "testdata/inputs/ruby-vcr-block.yml:46:9: error[schema] missing required field \"code\"",
            "testdata/inputs/ruby-vcr-block.yml:46:9: error[schema] missing required field \"message\"",
            "testdata/inputs/ruby-vcr-block.yml:46:9: error[schema] missing required field \"param\"",
            "testdata/inputs/ruby-vcr-block.yml:46:9: error[status-type-mismatch] status 401 requires type \"authentication\", found \"api\"",
        ]
    );
    // Oj's raw gzip bytes inside a JSON string: read byte for byte, then decompressed.
    let (_, lines) = concise(&["testdata/inputs/ruby-vcr-oj-raw-gzip.json"]);
    assert_eq!(
        lines,
        [
            "testdata/inputs/ruby-vcr-oj-raw-gzip.json:1:330: warning[message-leaks-internals] message reveals internals: a source location (\"db.go:42\")"
        ]
    );
}

#[test]
fn a_gzipped_capture_is_read_as_its_content() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    for (source, name) in [
        ("testdata/inputs/vcrpy-folded.yaml", "cassette.yaml"),
        ("examples/orders.har", "orders.har"),
        ("testdata/inputs/redirects.http", "redirects.http"),
    ] {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(source)).unwrap();
        let plain = dir.path().join(name);
        std::fs::write(&plain, &bytes).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&bytes).unwrap();
        let zipped = dir.path().join(format!("{name}.gz"));
        std::fs::write(&zipped, gz.finish().unwrap()).unwrap();
        let (plain_code, plain_lines) = concise(&[plain.to_str().unwrap()]);
        let (code, lines) = concise(&[zipped.to_str().unwrap()]);
        assert_eq!(code, plain_code, "{name}");
        assert!(!lines.is_empty(), "{name}");
        let renamed: Vec<String> = lines.iter().map(|l| l.replacen(".gz:", ":", 1)).collect();
        assert_eq!(
            renamed, plain_lines,
            "{name}: same findings at the same positions"
        );
    }
}

#[test]
fn a_repository_root_reports_only_on_its_captures() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let testdata = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/inputs")
                .join(name),
        )
        .unwrap()
    };
    write(
        "package.json",
        r#"{"name": "shop", "version": "1.0.0", "scripts": {"test": "jest"}}"#,
    );
    write(
        "tsconfig.json",
        r#"{"compilerOptions": {"strict": true, "target": "es2022"}}"#,
    );
    write(
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n",
    );
    write(
        "ci/release.yml",
        "on:\n  push:\n    tags: ['v*']\njobs: {}\n",
    );
    write(
        "docker-compose.yml",
        "services:\n  api:\n    image: shop:latest\n    ports: ['8080:8080']\n",
    );
    write(
        "wiremock/mappings/get-user.json",
        r#"{"request": {"method": "GET", "url": "/users/1"}, "response": {"status": 404, "bodyFileName": "user.json"}}"#,
    );
    write("wiremock/__files/user.json", r#"{"error": "no such user"}"#);
    write(
        "wiremock/__files/500.json",
        r#"{"error": "a body file named like a status"}"#,
    );
    write(
        "node_modules/some-lib/test/404.json",
        r#"{"message": "not ours"}"#,
    );
    write("target/debug/500.json", r#"{"message": "not ours"}"#);
    write("test/cassettes/orders.yaml", &testdata("vcrpy-folded.yaml"));
    write(
        "spec/cassettes/charges.yml",
        &testdata("ruby-vcr-block.yml"),
    );
    let output = errlint()
        .current_dir(root)
        .args(["check", ".", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    files.dedup();
    // WireMock mappings are captures too, read through their own format.
    assert!(
        files.iter().all(|f| f.starts_with("test/cassettes/")
            || f.starts_with("spec/cassettes/")
            || f.starts_with("wiremock/mappings/")),
        "findings outside the captures: {files:?}"
    );
    // The mapping's 404 body comes from __files and breaks the contract.
    assert!(files.contains(&"wiremock/mappings/get-user.json"));
    assert!(files.contains(&"test/cassettes/orders.yaml"));
    assert!(files.contains(&"spec/cassettes/charges.yml"));
    // The mapping's 404 body comes from __files, whose own files are never walked.
    assert!(files.contains(&"wiremock/mappings/get-user.json"));
    // package.json, tsconfig.json, ci/release.yml and docker-compose.yml: skipped, counted.
    assert!(report["summary"]["unrecognized_files"].as_u64().unwrap() >= 4);
}

#[test]
fn url_globs_select_cassette_interactions_by_their_recorded_request() {
    let (_, lines) = concise(&[
        "testdata/inputs/vcrpy-folded.yaml",
        "--url",
        "https://api.example.com/v1/orders/*",
    ]);
    assert_eq!(
        lines,
        [
            "testdata/inputs/vcrpy-folded.yaml:11:25: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\""
        ]
    );
}
