//! Contract profiles (docs/profiles.md) as a user meets them: each profile's rules firing and
//! staying quiet on the same responses written as HAR, raw HTTP and envelopes; captures of real
//! frameworks that speak each convention (testdata/real/profiles); the corpus's Adyen Postman
//! collections under `problem-details`; `profile`, `--profile` and `[contract]` in
//! configuration, and their mistakes.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn errlint() -> Command {
    let mut cmd = Command::cargo_bin("errlint").expect("binary builds");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// One response: status, Content-Type, body, and the `(rule, pointer)` findings it must give
/// (`-` for a finding without a pointer).
struct Case {
    status: u16,
    content_type: &'static str,
    body: Value,
    expected: &'static [(&'static str, &'static str)],
}

fn case(
    status: u16,
    content_type: &'static str,
    body: Value,
    expected: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        status,
        content_type,
        body,
        expected,
    }
}

const PROBLEM: &str = "application/problem+json";
const JSON: &str = "application/json";
const JSONAPI: &str = "application/vnd.api+json";

fn cases(profile: &str) -> Vec<Case> {
    match profile {
        "problem-details" => vec![
            case(
                404,
                PROBLEM,
                json!({"type": "about:blank", "title": "Not Found", "status": 404, "detail": "No book 7."}),
                &[],
            ),
            case(
                400,
                PROBLEM,
                json!({"title": "Bad", "status": 422}),
                &[("status-type-mismatch", "/status")],
            ),
            // Without `status` there is nothing to agree with; `detail` is the message.
            case(
                500,
                PROBLEM,
                json!({"title": "Oops", "detail": "java.lang.IllegalStateException: no"}),
                &[("message-leaks-internals", "/detail")],
            ),
            case(
                404,
                JSON,
                json!({"title": "Not Found", "status": 404}),
                &[("error-content-type", "-")],
            ),
            case(
                400,
                PROBLEM,
                json!({"error": "invalid email"}),
                &[("schema", "")],
            ),
            case(
                200,
                JSON,
                json!({"title": "Not Found", "status": 404}),
                &[("error-body-on-success", "/status")],
            ),
            case(
                200,
                JSON,
                json!({"title": "A post", "status": "draft"}),
                &[],
            ),
            // The default profile's fields mean nothing here.
            case(
                409,
                PROBLEM,
                json!({"title": "Conflict", "type": "api", "code": "Bad-Code", "param": "a b", "message": "KeyError: x"}),
                &[],
            ),
        ],
        "google" => vec![
            case(
                404,
                JSON,
                json!({"error": {"code": 404, "message": "Book not found.", "status": "NOT_FOUND"}}),
                &[],
            ),
            case(
                404,
                JSON,
                json!({"error": {"code": 404, "message": "m", "status": "INVALID_ARGUMENT"}}),
                &[("status-type-mismatch", "/error/status")],
            ),
            case(
                400,
                JSON,
                json!({"error": {"code": 404, "message": "m", "status": "INVALID_ARGUMENT"}}),
                &[("status-type-mismatch", "/error/code")],
            ),
            case(
                500,
                JSON,
                json!({"error": {"code": 500, "message": "Traceback (most recent call last):", "status": "INTERNAL"}}),
                &[("message-leaks-internals", "/error/message")],
            ),
            case(
                403,
                JSON,
                json!({"message": "Forbidden"}),
                &[("schema", "/error")],
            ),
            case(
                200,
                JSON,
                json!({"error": {"code": 404, "message": "m", "status": "NOT_FOUND"}}),
                &[("error-body-on-success", "/error/code")],
            ),
            case(
                503,
                "text/plain",
                json!({"error": {"code": 503, "message": "Try later.", "status": "UNAVAILABLE"}}),
                &[("error-content-type", "-")],
            ),
            case(
                401,
                JSON,
                json!({"error": {"code": 401, "message": "Sign in.", "status": "UNAUTHENTICATED", "details": []}}),
                &[],
            ),
        ],
        "jsonapi" => vec![
            case(
                404,
                JSONAPI,
                json!({"errors": [{"status": "404", "code": "not_found", "detail": "No article.", "source": {"parameter": "id"}}]}),
                &[],
            ),
            // 422 and 415 together are sent as their general class.
            case(
                400,
                JSONAPI,
                json!({"errors": [{"status": "422"}, {"status": "415"}]}),
                &[],
            ),
            case(
                409,
                JSONAPI,
                json!({"errors": [{"status": "409"}, {"status": "404"}]}),
                &[("status-type-mismatch", "/errors/1/status")],
            ),
            case(
                400,
                JSONAPI,
                json!({"errors": [{"status": "400", "code": "Bad-Code", "source": {"parameter": "a b"}, "detail": "SQLSTATE[42P01]"}]}),
                &[
                    ("code-format", "/errors/0/code"),
                    ("param-format", "/errors/0/source/parameter"),
                    ("message-leaks-internals", "/errors/0/detail"),
                ],
            ),
            case(
                404,
                JSON,
                json!({"errors": [{"status": "404"}]}),
                &[("error-content-type", "-")],
            ),
            case(
                500,
                JSONAPI,
                json!({"errors": []}),
                &[("schema", "/errors")],
            ),
            case(
                200,
                JSONAPI,
                json!({"errors": [{"status": "404"}]}),
                &[("error-body-on-success", "/errors/0")],
            ),
            case(
                200,
                JSONAPI,
                json!({"data": {"id": "1", "type": "articles"}}),
                &[],
            ),
        ],
        other => panic!("no cases for {other}"),
    }
}

/// The cases as an envelope list, a HAR and a raw HTTP file.
fn write_formats(dir: &Path, cases: &[Case]) -> Vec<std::path::PathBuf> {
    let envelopes: Vec<Value> = cases
        .iter()
        .map(|c| json!({"status": c.status, "headers": {"Content-Type": c.content_type}, "body": c.body}))
        .collect();
    let entries: Vec<Value> = cases
        .iter()
        .map(|c| {
            let text = serde_json::to_string_pretty(&c.body).unwrap();
            json!({
                "request": {"method": "GET", "url": "https://api.example.com/v1/x", "headers": [{"name": "Accept", "value": "application/json"}]},
                "response": {"status": c.status, "headers": [{"name": "Content-Type", "value": c.content_type}],
                             "content": {"mimeType": c.content_type, "text": text}}
            })
        })
        .collect();
    let raw: String = cases
        .iter()
        .map(|c| {
            format!(
                "HTTP/1.1 {} X\r\nContent-Type: {}\r\n\r\n{}\n",
                c.status,
                c.content_type,
                serde_json::to_string_pretty(&c.body).unwrap()
            )
        })
        .collect();
    let files = [
        (
            "envelopes.json",
            serde_json::to_string_pretty(&envelopes).unwrap(),
        ),
        (
            "capture.har",
            serde_json::to_string_pretty(&json!({"log": {"version": "1.2", "entries": entries}}))
                .unwrap(),
        ),
        ("capture.http", raw),
    ];
    files
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

/// `(response, rule, pointer)` of each finding of `errlint check ARGS -f json`, and the exit code.
fn findings(args: &[&str]) -> (i32, BTreeSet<(u64, String, String)>) {
    let output = errlint()
        .arg("check")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).expect("a json report");
    let found = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["response"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
                d["pointer"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    (output.status.code().unwrap_or(-1), found)
}

fn check_profile_on_every_format(profile: &str) {
    let cases = cases(profile);
    let expected: BTreeSet<(u64, String, String)> = cases
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.expected
                .iter()
                .map(move |(rule, pointer)| (i as u64, rule.to_string(), pointer.to_string()))
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for file in write_formats(dir.path(), &cases) {
        let file = file.to_str().unwrap();
        let (code, found) = findings(&["--profile", profile, file]);
        assert_eq!(found, expected, "{profile} on {file}");
        assert_eq!(code, 1, "{profile} on {file}");
    }
}

#[test]
fn problem_details_rules_fire_and_stay_quiet_on_har_raw_and_envelopes() {
    check_profile_on_every_format("problem-details");
}

#[test]
fn google_rules_fire_and_stay_quiet_on_har_raw_and_envelopes() {
    check_profile_on_every_format("google");
}

#[test]
fn jsonapi_rules_fire_and_stay_quiet_on_har_raw_and_envelopes() {
    check_profile_on_every_format("jsonapi");
}

/// `errlint check --profile P DIR -f concise -q`, file names shortened.
fn concise(profile: &str, dir: &str) -> Vec<String> {
    let output = errlint()
        .args(["check", "--profile", profile, dir, "-f", "concise", "-q"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.replacen(&format!("{dir}/"), "", 1))
        .collect()
}

#[test]
fn connexion_problem_details_agree_except_the_one_sent_with_the_wrong_status() {
    let dir = "testdata/real/profiles/problem-details";
    assert_eq!(
        concise("problem-details", dir),
        [
            "delete-v1-books-1.http:1:1: warning[undocumented-status] status 405 is not a documented status",
            "envelopes.json:50:3: warning[undocumented-status] status 405 is not a documented status",
            "envelopes.json:63:3: warning[undocumented-status] status 422 is not a documented status",
            "envelopes.json:73:82: error[status-type-mismatch] problem details status 400 does not match the HTTP status 422",
            "post-v1-orders.http:1:1: warning[undocumented-status] status 422 is not a documented status",
            "post-v1-orders.http:7:59: error[status-type-mismatch] problem details status 400 does not match the HTTP status 422",
            "problem-details.har:217:7: warning[undocumented-status] status 405 is not a documented status",
            "problem-details.har:273:7: warning[undocumented-status] status 422 is not a documented status",
            "problem-details.har:312:90: error[status-type-mismatch] problem details status 400 does not match the HTTP status 422",
        ]
    );
    // The same traffic under the default profile: every problem is a schema finding.
    let default = concise("errlint", dir);
    assert!(
        default
            .iter()
            .any(|l| l.contains("error[schema] missing required field \"code\""))
    );
    assert!(!default.iter().any(|l| l.contains("status-type-mismatch")));
}

#[test]
fn django_rest_framework_jsonapi_errors_and_the_mixed_statuses() {
    assert_eq!(
        concise("jsonapi", "testdata/real/profiles/jsonapi"),
        [
            "envelopes.json:42:3: warning[undocumented-status] status 422 is not a documented status",
            "envelopes.json:53:39: error[status-type-mismatch] errors[0].status \"415\" does not match the HTTP status 422",
            "get-v1-articles-mixed.http:1:1: warning[undocumented-status] status 422 is not a documented status",
            "get-v1-articles-mixed.http:8:22: error[status-type-mismatch] errors[0].status \"415\" does not match the HTTP status 422",
            "jsonapi.har:181:7: warning[undocumented-status] status 422 is not a documented status",
            "jsonapi.har:224:47: error[status-type-mismatch] errors[0].status \"415\" does not match the HTTP status 422",
        ]
    );
}

#[test]
fn google_rpc_status_errors_and_the_code_sent_under_another_status() {
    assert_eq!(
        concise("google", "testdata/real/profiles/google"),
        [
            "envelopes.json:60:112: error[status-type-mismatch] status 404 requires error.status NOT_FOUND, found \"FAILED_PRECONDITION\"",
            "get-v1-projects-p1-books-locked.http:11:15: error[status-type-mismatch] status 404 requires error.status NOT_FOUND, found \"FAILED_PRECONDITION\"",
            "google.har:256:120: error[status-type-mismatch] status 404 requires error.status NOT_FOUND, found \"FAILED_PRECONDITION\"",
        ]
    );
}

#[test]
fn adyen_postman_examples_are_problem_details_served_as_plain_json() {
    let Some(dir) = support::shared("corpus/postman") else {
        return;
    };
    let files: Vec<String> = ["BalancePlatformService-v1", "CheckoutService-v37"]
        .iter()
        .map(|name| {
            dir.join(format!("Adyen__adyen-postman__{name}.json"))
                .display()
                .to_string()
        })
        .collect();
    let mut args: Vec<&str> = vec!["--profile", "problem-details"];
    args.extend(files.iter().map(String::as_str));
    let (code, found) = findings(&args);
    let rules: Vec<&str> = found.iter().map(|(_, rule, _)| rule.as_str()).collect();
    // Every error example carries a status that agrees and fits RFC 9457's members; what
    // breaks the convention is the media type (application/json, not problem+json).
    assert_eq!(code, 0, "{found:?}");
    assert!(
        !rules.contains(&"status-type-mismatch") && !rules.contains(&"schema"),
        "{found:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == "error-content-type").count(),
        14,
        "{found:?}"
    );
}

// ---- configuration -------------------------------------------------------------------

fn in_dir(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("errlint").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

const GOOGLE_MISMATCH: &str = r#"{"status": 404, "headers": {"Content-Type": "application/json"}, "body": {"error": {"code": 404, "message": "m", "status": "INVALID_ARGUMENT"}}}"#;

#[test]
fn the_profile_comes_from_errlint_toml_and_the_flag_wins() {
    let dir = repo(&[
        ("errlint.toml", "profile = \"google\"\n"),
        ("capture.json", GOOGLE_MISMATCH),
    ]);
    in_dir(dir.path())
        .args(["check", "capture.json", "-f", "concise", "-q"])
        .assert()
        .code(1)
        .stdout(
            "capture.json:1:124: error[status-type-mismatch] status 404 requires error.status NOT_FOUND, found \"INVALID_ARGUMENT\"\n",
        );
    in_dir(dir.path())
        .args([
            "check",
            "--profile",
            "errlint",
            "capture.json",
            "-f",
            "concise",
            "-q",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[schema] missing required field \"type\"",
        ));
    in_dir(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("profile = \"google\""))
        .stdout(predicate::str::contains(
            "Google AIP-193 error (https://google.aip.dev/193)",
        ))
        .stdout(predicate::str::contains(
            "#   error object: the object at /error",
        ))
        .stdout(predicate::str::contains("[status-types]").not());
}

#[test]
fn an_unknown_profile_is_a_configuration_error_naming_the_choices() {
    let dir = repo(&[("errlint.toml", "profile = \"problem-detail\"\n")]);
    in_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "profile: unknown profile \"problem-detail\" (did you mean \"problem-details\"?); expected one of errlint, problem-details, google, jsonapi",
        ));
    errlint()
        .args(["check", "--profile", "json-api", "examples/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--profile: unknown profile \"json-api\" (did you mean \"jsonapi\"?)",
        ));
}

#[test]
fn a_custom_contract_maps_statuses_to_its_own_types() {
    let toml = r#"
[contract]
error-object = "/error"
type-field = "kind"
types = ["client", "server", "throttle"]

[status-types]
"429" = "throttle"
"4xx" = "client"
"5xx" = "server"
"#;
    let captures = r#"[
{"status": 429, "body": {"error": {"kind": "client", "code": "slow_down", "message": "Slow down."}}},
{"status": 404, "body": {"error": {"kind": "client", "code": "Not-Found", "message": "No such thing."}}},
{"status": 500, "body": {"error": {"kind": "oops", "message": "x"}}},
{"status": 200, "body": {"error": {"kind": "server", "message": "x"}}},
{"status": 503, "body": {"kind": "server"}}
]"#;
    let dir = repo(&[("errlint.toml", toml), ("captures.json", captures)]);
    let output = in_dir(dir.path())
        .args(["check", "captures.json", "-f", "concise", "-q"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest))
        .collect();
    assert_eq!(
        lines,
        [
            "error[status-type-mismatch] status 429 requires error.kind \"throttle\", found \"client\"",
            "warning[code-format] error.code \"Not-Found\" is not snake_case",
            "error[schema] \"/error/kind\" must be one of \"client\", \"server\", \"throttle\", found \"oops\"",
            "error[error-body-on-success] status 200 response carries an error body of error.kind \"server\"",
            "error[schema] missing required field \"error\"",
        ],
        "{text}"
    );
    in_dir(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("profile = \"custom\""))
        .stdout(predicate::str::contains("type-field = \"kind\""))
        .stdout(predicate::str::contains("\"429\" = \"throttle\""));
}

#[test]
fn custom_contract_mistakes_exit_2_naming_the_key() {
    for (toml, message) in [
        (
            "[contract]\ntype-field = \"kind\"\ntypes = [\"a\"]\n[status-types]\n\"4xx\" = \"client\"\n",
            "[status-types] 4xx: bad type \"client\"; expected one of \"a\"",
        ),
        (
            "[contract]\nerror-objekt = \"/error\"\n",
            "[contract] unknown key \"error-objekt\" (did you mean \"error-object\"?)",
        ),
        (
            "profile = \"jsonapi\"\n[status-types]\n\"4xx\" = \"api\"\n",
            "[status-types] applies to the errlint profile",
        ),
    ] {
        let dir = repo(&[("errlint.toml", toml)]);
        in_dir(dir.path())
            .args(["check", "."])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}
