//! Machine reports validated against their official schemas: SARIF 2.1.0 (OASIS) and JUnit
//! (Jenkins xunit's junit-10.xsd), for a run with findings of every rule, odd file names and
//! hostile captured text. Also `--output-file` and the GitHub format end to end.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn errlint() -> Command {
    let mut cmd = Command::cargo_bin("errlint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Text meant to break reports and terminals: escapes, bidi, workflow commands, XML.
const HOSTILE: &str = "\u{1b}[2J\u{202e}::error::owned%0A##[set-output name=x]<&>\"'\u{0}\r\nnext";

/// A directory with a finding of every rule, under file names with commas, colons, percent
/// signs, spaces and non-ASCII letters.
fn captures_of_every_rule() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let hostile = serde_json::to_string(HOSTILE).unwrap();
    let files: Vec<(&str, String)> = vec![
        ("bad json, truncated.400.json", "{\"type\": ".to_string()),
        ("empty: 503.json", r#"{"status": 503, "headers": {"content-type": "application/json"}, "body": ""}"#.to_string()),
        ("gateway 100% down.http", "HTTP/1.1 502 Bad Gateway\nContent-Type: text/html\n\n<html>bad gateway</html>\n".to_string()),
        ("schéma.400.json", format!(r#"{{"error": {hostile}}}"#)),
        ("mismatch.429.json", r#"{"type": "api", "code": "slow", "message": "Slow down.", "param": null}"#.to_string()),
        ("success.200.json", r#"{"type": "invalid_request", "code": "x", "message": "m", "param": null}"#.to_string()),
        ("no-content.http", "HTTP/1.1 204 No Content\n\n{}\n".to_string()),
        // A walked JSON file of no known structure is skipped, so the bad status is an
        // envelope's.
        ("unknown.json", r#"{"status": 700, "body": {"type": "api"}}"#.to_string()),
        ("undocumented.422.json", r#"{"type": "invalid_request", "code": "x", "message": "m", "param": null}"#.to_string()),
        ("content-type.json", r#"{"status": 400, "headers": {"content-type": "text/plain"}, "body": {"type": "invalid_request", "code": "x", "message": "m", "param": null}}"#.to_string()),
        ("formats.400.json", serde_json::json!({"type": "invalid_request", "code": HOSTILE, "message": format!("at com.acme.A.b(A.java:1) {HOSTILE}"), "param": "a b"}).to_string()),
        ("broken: 1,2%.har", "{\"log\": {\"entries\": [".to_string()),
    ];
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

fn rules_fired(diagnostics: &[Value], key: &str) -> Vec<String> {
    let mut rules: Vec<String> = diagnostics
        .iter()
        .map(|d| d[key].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

mod support;
use support::shared;

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let dir = captures_of_every_rule();
    // The OpenAPI rules need a description: its own example breaks its schema
    // (spec-schema), and an envelope's request matches none of its operations.
    let description = dir.path().join("openapi.yaml");
    std::fs::write(
        &description,
        "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n  /v1/orders:\n    get:\n      responses:\n        \"400\":\n          description: x\n          content:\n            application/json:\n              schema: {type: object, required: [request_id]}\n              example: {type: invalid_request, code: x, message: m, param: null}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("unmatched.json"),
        r#"{"status": 404, "method": "GET", "url": "https://x/v1/nope", "body": {"type": "invalid_request", "code": "x", "message": "m", "param": null}}"#,
    )
    .unwrap();
    let output = errlint()
        .args(["check", "-f", "sarif", "--openapi"])
        .arg(&description)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        rules_fired(results, "ruleId").len(),
        errlint::rules::RULES.len(),
        "every rule fires: {:?}",
        rules_fired(results, "ruleId")
    );
    let Some(schema_path) = shared("schemas/sarif-schema-2.1.0.json") else {
        return;
    };
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter().any(|u| u.ends_with("sch%C3%A9ma.400.json")),
        "{uris:?}"
    );
    assert!(
        uris.iter().all(|u| !u.contains(' ')
            && !u.contains(',')
            && !u.rsplit('/').next().unwrap().contains(':')),
        "{uris:?}"
    );
}

#[test]
fn junit_is_valid_against_the_xsd() {
    let dir = captures_of_every_rule();
    let output = errlint()
        .args(["check", "-f", "junit"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.contains("<testsuites"), "{xml}");
    assert!(
        !xml.contains('\u{1b}') && !xml.contains('\u{202e}'),
        "captured control characters reached the XML"
    );
    assert_eq!(
        xml.matches("<testcase").count(),
        12,
        "one case per checked response plus the unreadable HAR: {xml}"
    );
    assert_valid_junit(dir.path(), &xml);
}

#[test]
fn github_output_cannot_be_hijacked_by_captured_text() {
    let dir = captures_of_every_rule();
    let output = errlint()
        .args(["check", "-f", "github"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut token = None;
    for line in text.lines() {
        match &token {
            None => {
                if let Some(t) = line.strip_prefix("::stop-commands::") {
                    token = Some(format!("::{t}::"));
                } else {
                    // Outside the block: only errlint's own commands and its summary.
                    let own = [
                        "::group::",
                        "::endgroup::",
                        "::error file=",
                        "::warning file=",
                        "::notice title=errlint::",
                    ];
                    assert!(
                        own.iter().any(|p| line.starts_with(p)) || line.contains(" files, "),
                        "foreign line: {line:?}"
                    );
                    assert!(!line.contains('\u{1b}'));
                }
            }
            Some(end) if line == end => token = None,
            Some(_) => assert!(
                !line.contains(token.as_deref().unwrap()),
                "captured text ended the block"
            ),
        }
    }
    assert!(
        text.contains("::notice title=errlint::"),
        "more than 10 errors: a notice says how many were left out"
    );
}

#[test]
fn output_file_saves_the_report_and_prints_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let sarif_path = dir.path().join("errlint.sarif");
    errlint()
        .args([
            "check",
            "testdata/inputs/envelope.json",
            "-f",
            "sarif",
            "--output-file",
        ])
        .arg(&sarif_path)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("error[status-type-mismatch]"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "status-type-mismatch"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left behind: {leftovers:?}"
    );
}

#[test]
fn a_report_inside_the_walked_directory_is_never_read_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/inputs/envelope.json"),
        dir.path().join("capture.json"),
    )
    .unwrap();
    let report = dir.path().join("report.json");
    for _ in 0..2 {
        errlint()
            .args(["check", "-f", "json", "-o"])
            .arg(&report)
            .arg(dir.path())
            .assert()
            .code(1);
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(json["summary"]["files"], 1, "{json}");
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = errlint().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains("errlint") && script.contains("output-format"),
            "{shell}"
        );
    }
}

/// Every character XML 1.0 forbids that a Rust string can hold: C0 controls but tab, line
/// feed and carriage return, and the noncharacters U+FFFE and U+FFFF.
fn xml_forbidden() -> String {
    (0u32..0x20)
        .filter(|c| ![0x9, 0xa, 0xd].contains(c))
        .chain([0xfffe, 0xffff])
        .filter_map(char::from_u32)
        .collect()
}

#[test]
fn junit_parses_whatever_characters_the_captures_hold() {
    let forbidden = xml_forbidden();
    // A file name cannot hold NUL or `/`; everything else goes into the names as is.
    let in_name: String = forbidden.chars().filter(|c| *c != '\0').collect();
    let json = serde_json::to_string(&forbidden).unwrap();
    // The forbidden characters one at a time and all together, in each place captured text
    // reaches the report: the file name (suite, class and the finding lines), a body value
    // quoted in a message, the request's URL path in the test case name, a status line.
    let mut texts: Vec<String> = forbidden.chars().map(String::from).collect();
    texts.push(forbidden.clone());
    let dir = tempfile::tempdir().unwrap();
    for (i, text) in texts.iter().enumerate() {
        let quoted = serde_json::to_string(text).unwrap();
        let name: String = text.chars().filter(|c| *c != '\0').collect();
        let files = [
            (
                format!("name {i} {name}.429.json"),
                r#"{"type": "api", "code": "slow", "message": "m", "param": null}"#.to_string(),
            ),
            (
                format!("body {i}.429.json"),
                format!(
                    r#"{{"type": {quoted}, "code": {quoted}, "message": {quoted}, "param": {quoted}}}"#
                ),
            ),
            (
                format!("url {i}.json"),
                format!(
                    r#"{{"status": 429, "method": "GET", "url": {url}, "body": {{"type": {quoted}, "code": "x", "message": "m", "param": null}}}}"#,
                    url = serde_json::to_string(&format!("https://api.example.com/v1/{text}/x"))
                        .unwrap()
                ),
            ),
            (
                format!("raw {i}.http"),
                format!("HTTP/1.1 400 Bad{text}Request\nContent-Type: text/plain\n\n{text}\n"),
            ),
        ];
        for (file, content) in files {
            std::fs::write(dir.path().join(file), content).unwrap();
        }
    }
    std::fs::write(
        dir.path().join(format!("all {in_name}.400.json")),
        format!(r#"{{"error": {json}}}"#),
    )
    .unwrap();
    let output = errlint()
        .args(["check", "-f", "junit"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout).unwrap();
    let reached: Vec<char> = xml.chars().filter(|c| forbidden.contains(*c)).collect();
    assert!(
        reached.is_empty(),
        "forbidden characters in the report: {reached:?}"
    );
    assert!(
        xml.contains("\\u{fffe}") && xml.contains("\\u{1f}"),
        "captured characters are shown escaped: {xml}"
    );
    assert_valid_junit(dir.path(), &xml);
}

/// Validates a junit report against the JUnit XSD with xmllint (both are required in CI).
fn assert_valid_junit(dir: &Path, xml: &str) {
    let Some(xsd) = shared("schemas/junit.xsd") else {
        return;
    };
    let report = dir.join("report.xml");
    std::fs::write(&report, xml).unwrap();
    let Some(xmllint) = support::tool("xmllint") else {
        return;
    };
    let result = Process::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&report)
        .output()
        .unwrap_or_else(|error| panic!("xmllint could not run: {error}"));
    assert!(
        result.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&result.stderr)
    );
}
