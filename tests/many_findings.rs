//! Reports for runs with many findings, through the real binary: `--statistics` (table and
//! json), grouping in human output, `-f gitlab` and `-f html`, and fingerprints that are
//! unique per finding and survive reformatting (SARIF and GitLab) on real captures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

mod support;

fn errlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("errlint").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = errlint(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// A HAR entry: method, URL, status and a JSON body.
fn entry(method: &str, url: &str, status: u16, body: &Value) -> Value {
    json!({
        "request": {"method": method, "url": url, "headers": []},
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": body.to_string()}
        }
    })
}

/// Seven `GET /v1/customers/{id}` 400s without `param` (ids of every shape), two
/// `POST /v1/orders` 429s typed "api", and one clean response.
fn api_har(dir: &Path) {
    let no_param =
        json!({"type": "invalid_request", "code": "not_found", "message": "No such customer."});
    let ids = [
        "cus_9s8d7f",
        "cus_0a1b2c",
        "42",
        "342da402-a44b-4b59-aba4-8fc2310e4478",
        "507f1f77bcf86cd799439011",
        "cus_7h6g5f",
        "1001",
    ];
    let mut entries: Vec<Value> = ids
        .iter()
        .map(|id| {
            entry(
                "GET",
                &format!("https://api.example.com/v1/customers/{id}?token=s3cret"),
                400,
                &no_param,
            )
        })
        .collect();
    let api = json!({"type": "api", "code": "slow_down", "message": "Slow down.", "param": null});
    for _ in 0..2 {
        entries.push(entry(
            "POST",
            "https://api.example.com/v1/orders",
            429,
            &api,
        ));
    }
    let ok = json!({"type": "invalid_request", "code": "bad", "message": "Bad.", "param": null});
    entries.push(entry("GET", "https://api.example.com/v1/search", 400, &ok));
    let har = json!({"log": {"version": "1.2", "entries": entries}});
    std::fs::write(
        dir.join("api.har"),
        serde_json::to_string_pretty(&har).unwrap(),
    )
    .unwrap();
}

#[test]
fn statistics_count_by_rule_and_by_endpoint_with_ids_folded() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let (code, text) = run(dir.path(), &["check", "--statistics", "api.har"]);
    assert_eq!(code, 1, "statistics keep the exit code: {text}");
    let expected = "\
findings by rule:
  count  rule                  severity
      7  schema                error
      2  status-type-mismatch  error

findings by endpoint and rule:
  count  rule                  endpoint
      7  schema                GET /v1/customers/{id}
      2  status-type-mismatch  POST /v1/orders

1 file, 10 responses (10 checked, 0 skipped): 9 errors, 0 warnings
";
    assert_eq!(text, expected);
    assert!(!text.contains("s3cret"));
}

#[test]
fn statistics_as_json_agree_with_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let (_, text) = run(
        dir.path(),
        &["check", "--statistics", "-f", "json", "api.har"],
    );
    let stats: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        stats["endpoints"],
        json!([
            {"endpoint": "GET /v1/customers/{id}", "rule": "schema", "count": 7},
            {"endpoint": "POST /v1/orders", "rule": "status-type-mismatch", "count": 2},
        ])
    );
    let (_, text) = run(dir.path(), &["check", "-f", "json", "api.har"]);
    let report: Value = serde_json::from_str(&text).unwrap();
    let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        *by_rule
            .entry(d["rule"].as_str().unwrap().into())
            .or_default() += 1;
    }
    let stats_by_rule: BTreeMap<String, u64> = stats["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().into(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stats_by_rule, by_rule);
    assert_eq!(stats["summary"], report["summary"]);
}

#[test]
fn statistics_have_no_form_in_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let output = errlint(dir.path())
        .args(["check", "--statistics", "-f", "sarif", "api.har"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--statistics"));
}

#[test]
fn human_output_groups_one_rule_message_and_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let (_, text) = run(dir.path(), &["check", "--color", "never", "api.har"]);
    let message = "error[schema]: missing required field \"param\"";
    // The first in full, with the body...
    assert_eq!(text.matches(&format!("{message}\n")).count(), 1, "{text}");
    assert!(text.contains("this object has no \"param\""), "{text}");
    // ...two more on one line each...
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(message) && l.ends_with("shown above)"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains(" at api.har:"), "{lines:?}");
    // ...and the other four counted on one line, with where they are.
    let counted: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with(&format!(
                "{message}: 4 more on GET /v1/customers/{{id}}, at api.har:"
            ))
        })
        .collect();
    assert_eq!(counted.len(), 1, "{text}");
    assert_eq!(counted[0].matches("api.har:").count(), 4, "{text}");
    // A group of two is shown, not counted.
    assert_eq!(
        text.matches("error[status-type-mismatch]").count(),
        2,
        "{text}"
    );
    assert!(text.trim_end().ends_with("9 errors, 0 warnings"), "{text}");

    // Other formats keep one entry per finding.
    let (_, concise) = run(dir.path(), &["check", "-f", "concise", "-q", "api.har"]);
    assert_eq!(concise.lines().count(), 9, "{concise}");
    let (_, gitlab) = run(dir.path(), &["check", "-f", "gitlab", "api.har"]);
    let issues: Value = serde_json::from_str(&gitlab).unwrap();
    assert_eq!(issues.as_array().unwrap().len(), 9);
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let (code, text) = run(dir.path(), &["check", "-f", "gitlab", "api.har"]);
    assert_eq!(code, 1);
    let issues: Value = serde_json::from_str(&text).unwrap();
    for issue in issues.as_array().unwrap() {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert_eq!(issue["severity"], "major");
        assert_eq!(issue["location"]["path"], "api.har");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() > 1);
    }
    let (_, empty) = run(
        dir.path(),
        &[
            "check",
            "-f",
            "gitlab",
            "--url",
            "https://none/*",
            "api.har",
        ],
    );
    assert_eq!(serde_json::from_str::<Value>(&empty).unwrap(), json!([]));
}

/// Every fingerprint of a SARIF and a GitLab report of `paths`.
fn fingerprints(dir: &Path, paths: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut args = vec!["check", "-f", "sarif"];
    args.extend(paths);
    let (_, sarif) = run(dir, &args);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let sarif = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["errlint/v2"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    args[2] = "gitlab";
    let (_, gitlab) = run(dir, &args);
    let gitlab: Value = serde_json::from_str(&gitlab).unwrap();
    let gitlab = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect();
    (sarif, gitlab)
}

fn assert_unique(fingerprints: &[String], what: &str) {
    let unique: BTreeSet<&String> = fingerprints.iter().collect();
    assert_eq!(
        unique.len(),
        fingerprints.len(),
        "{what}: shared fingerprints"
    );
}

#[test]
fn fingerprints_are_unique_per_finding_on_real_captures() {
    let Some(corpus) = support::shared("corpus") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = corpus.to_str().unwrap().to_string();
    let (sarif, gitlab) = fingerprints(root, &[&corpus, "testdata", "examples"]);
    assert!(sarif.len() > 100, "{} findings", sarif.len());
    assert_eq!(sarif.len(), gitlab.len());
    assert_unique(&sarif, "sarif");
    assert_unique(&gitlab, "gitlab");
}

#[test]
fn two_schema_findings_at_one_pointer_have_their_own_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("typed.400.json"),
        r#"{"type": null, "code": "x", "message": "m", "param": null}"#,
    )
    .unwrap();
    let (sarif, gitlab) = fingerprints(dir.path(), &["typed.400.json"]);
    assert_eq!(sarif.len(), 2, "\"type\": null breaks `type` and `enum`");
    assert_unique(&sarif, "sarif");
    assert_unique(&gitlab, "gitlab");
}

#[test]
fn fingerprints_survive_reformatting_a_capture() {
    let compact = tempfile::tempdir().unwrap();
    api_har(compact.path());
    let pretty = tempfile::tempdir().unwrap();
    let har: Value =
        serde_json::from_str(&std::fs::read_to_string(compact.path().join("api.har")).unwrap())
            .unwrap();
    // Reformatted: minified, every line and column moves.
    std::fs::write(pretty.path().join("api.har"), har.to_string()).unwrap();
    let before = fingerprints(compact.path(), &["api.har"]);
    let after = fingerprints(pretty.path(), &["api.har"]);
    assert_eq!(before.0.len(), 9);
    assert_eq!(before, after);
    let (_, lines_before) = run(compact.path(), &["check", "-f", "concise", "api.har"]);
    let (_, lines_after) = run(pretty.path(), &["check", "-f", "concise", "api.har"]);
    assert_ne!(lines_before, lines_after, "the positions did move");
}

#[test]
fn html_report_is_one_page_with_every_count() {
    let dir = tempfile::tempdir().unwrap();
    api_har(dir.path());
    let (code, page) = run(dir.path(), &["check", "-f", "html", "api.har"]);
    assert_eq!(code, 1);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<b id=\"count-errors\">9</b>"), "{page}");
    assert!(
        page.contains("<th class=\"endpoint\">GET /v1/customers/{id}</th>"),
        "{page}"
    );
    assert!(page.contains("<span class=\"badge\">7 ×</span>"), "{page}");
    assert!(page.contains("<mark>"), "the offending value is marked");
    assert!(!page.contains("s3cret"), "no query strings");
    for external in [
        "<script",
        "<link",
        "@import",
        "url(",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!page.contains(external), "{external} in the page");
    }
    // Written to a file, with the human report on stdout.
    let (_, stdout) = run(
        dir.path(),
        &["check", "-f", "html", "-o", "report.html", "api.har"],
    );
    assert!(stdout.contains("error[schema]"), "{stdout}");
    let file = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(file, page);
}
