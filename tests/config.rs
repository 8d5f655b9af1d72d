//! errlint.toml, flags that override it, custom schemas without network, and baselines, as a
//! user meets them: each key taking effect (and its absence not), each mistake exiting 2
//! with a message that names the file and the key.

use std::io::Read as _;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const MISMATCH_404: &str =
    r#"{"type": "api", "code": "missing", "message": "No such order.", "param": null}"#;
const BAD_CODE_400: &str =
    r#"{"type": "invalid_request", "code": "BadCode", "message": "Bad.", "param": null}"#;
const LEAKY_500: &str = r#"{"type": "api", "code": "internal", "message": "NullPointerException in OrderService", "param": null}"#;
const UNDOCUMENTED_422: &str =
    r#"{"type": "invalid_request", "code": "unprocessable", "message": "Nope.", "param": null}"#;

/// A throwaway repository: a `.git` folder and the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn errlint_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("errlint").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// `(rule, file)` of every finding of `errlint check ARGS` run in `dir`, and the exit code.
fn findings(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let output = errlint_in(dir)
        .arg("check")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no json; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let found = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (output.status.code().unwrap_or(-1), found)
}

fn rules(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(r, _)| r.as_str()).collect()
}

#[test]
fn discovered_from_a_subdirectory_and_rules_take_effect() {
    let dir = repo(&[
        ("errlint.toml", "[rules]\ncode-format = \"error\"\n"),
        ("api/captures/create.400.json", BAD_CODE_400),
    ]);
    let sub = dir.path().join("api");
    let (code, found) = findings(&sub, &["captures"]);
    assert_eq!(
        (code, rules(&found)),
        (1, vec!["code-format"]),
        "code-format is an error by configuration"
    );
    // Without the file, the default: a warning, exit 0.
    std::fs::remove_file(dir.path().join("errlint.toml")).unwrap();
    assert_eq!(findings(&sub, &["captures"]).0, 0);
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("errlint.toml"),
        "[rules]\ncode-format = \"off\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(outer.path().join("repo/.git")).unwrap();
    std::fs::write(outer.path().join("repo/create.400.json"), BAD_CODE_400).unwrap();
    let (_, found) = findings(&outer.path().join("repo"), &["."]);
    assert_eq!(
        rules(&found),
        ["code-format"],
        "a file above the repository root is not used"
    );
}

#[test]
fn rules_off_and_explicit_config() {
    let dir = repo(&[
        ("ci/strict.toml", "[rules]\nundocumented-status = \"off\"\n"),
        ("c/orders.422.json", UNDOCUMENTED_422),
    ]);
    assert_eq!(
        rules(&findings(dir.path(), &["c"]).1),
        ["undocumented-status"]
    );
    assert_eq!(
        rules(&findings(dir.path(), &["c", "--config", "ci/strict.toml"]).1),
        Vec::<&str>::new()
    );
}

#[test]
fn documented_statuses() {
    let dir = repo(&[
        ("errlint.toml", "documented-statuses = [200, 400, 422]\n"),
        ("orders.422.json", UNDOCUMENTED_422),
        (
            "missing.404.json",
            r#"{"type": "invalid_request", "code": "x", "message": "m", "param": null}"#,
        ),
    ]);
    let (_, found) = findings(dir.path(), &["."]);
    assert_eq!(
        found,
        [(
            "undocumented-status".to_string(),
            "missing.404.json".to_string()
        )]
    );
}

#[test]
fn status_types_exact_codes_win_over_classes() {
    let toml = "[status-types]\n\"404\" = \"api\"\n\"5xx\" = \"invalid_request\"\n";
    let dir = repo(&[
        ("errlint.toml", toml),
        ("a.404.json", MISMATCH_404),
        (
            "b.500.json",
            r#"{"type": "api", "code": "x", "message": "m", "param": null}"#,
        ),
    ]);
    let (_, found) = findings(dir.path(), &["."]);
    assert_eq!(
        found,
        [("status-type-mismatch".to_string(), "b.500.json".to_string())]
    );
    // Without the table, the 404 is the mismatch.
    std::fs::remove_file(dir.path().join("errlint.toml")).unwrap();
    let (_, found) = findings(dir.path(), &["."]);
    assert_eq!(
        found,
        [("status-type-mismatch".to_string(), "a.404.json".to_string())]
    );
}

#[test]
fn exclude_and_its_flag() {
    let dir = repo(&[
        ("errlint.toml", "exclude = [\"captures/legacy/**\"]\n"),
        ("captures/legacy/old.404.json", MISMATCH_404),
        ("captures/new.404.json", MISMATCH_404),
    ]);
    let (_, found) = findings(dir.path(), &["captures"]);
    assert_eq!(
        found,
        [(
            "status-type-mismatch".to_string(),
            "captures/new.404.json".to_string()
        )]
    );
    // From a subdirectory the file's globs still apply, relative to the file.
    let (_, found) = findings(&dir.path().join("captures"), &["."]);
    assert_eq!(found.len(), 1, "{found:?}");
    // The flag replaces the file's list.
    let (_, found) = findings(
        dir.path(),
        &["captures", "--exclude", "captures/new.404.json"],
    );
    assert_eq!(
        found,
        [(
            "status-type-mismatch".to_string(),
            "captures/legacy/old.404.json".to_string()
        )]
    );
}

#[test]
fn overrides_by_path() {
    let toml = "[[overrides]]\npaths = [\"captures/partner/**\"]\nrules = { message-leaks-internals = \"off\" }\n";
    let dir = repo(&[
        ("errlint.toml", toml),
        ("captures/partner/p.500.json", LEAKY_500),
        ("captures/own/o.500.json", LEAKY_500),
    ]);
    let (_, found) = findings(dir.path(), &["captures"]);
    assert_eq!(
        found,
        [(
            "message-leaks-internals".to_string(),
            "captures/own/o.500.json".to_string()
        )]
    );
}

#[test]
fn urls_select_har_entries_and_the_flag_overrides() {
    let har =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/orders.har"))
            .unwrap();
    let dir = repo(&[
        ("errlint.toml", "urls = [\"https://cdn.example.com/*\"]\n"),
        ("orders.har", &har),
    ]);
    let (code, found) = findings(dir.path(), &["orders.har"]);
    assert_eq!((code, found.len()), (0, 0), "only the CDN entry is checked");
    let (code, found) = findings(
        dir.path(),
        &["orders.har", "--url", "https://api.example.com/*"],
    );
    assert_eq!((code, rules(&found)), (1, vec!["status-type-mismatch"]));
}

#[test]
fn custom_schema_replaces_the_bundled_one_with_local_refs() {
    let schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["error"], "properties": {"error": {"$ref": "defs.json#/$defs/error"}}}"#;
    let defs = r#"{"$defs": {"error": {"type": "object", "required": ["code"]}}}"#;
    let dir = repo(&[
        ("errlint.toml", "schema = \"schemas/error.json\"\n"),
        ("schemas/error.json", schema),
        ("schemas/defs.json", defs),
        ("c/ok.400.json", r#"{"error": {"code": "x"}}"#),
        ("c/bad.400.json", r#"{"error": {}}"#),
    ]);
    let (_, found) = findings(dir.path(), &["c"]);
    assert_eq!(
        found,
        [("schema".to_string(), "c/bad.400.json".to_string())]
    );
    // --schema overrides the file: the bundled-style body now breaks the given schema.
    std::fs::write(
        dir.path().join("other.json"),
        r#"{"type": "object", "required": ["title"]}"#,
    )
    .unwrap();
    let (_, found) = findings(dir.path(), &["c", "--schema", "other.json"]);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn max_warnings_flag() {
    let dir = repo(&[("create.400.json", BAD_CODE_400)]);
    assert_eq!(findings(dir.path(), &["."]).0, 0);
    assert_eq!(findings(dir.path(), &[".", "--max-warnings", "0"]).0, 1);
}

// ---- configuration mistakes: exit 2 before any output --------------------------------

fn config_error(toml: &str) -> String {
    let dir = repo(&[("errlint.toml", toml), ("a.404.json", MISMATCH_404)]);
    let output = errlint_in(dir.path())
        .args(["check", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{toml}");
    assert!(
        output.stdout.is_empty(),
        "nothing is checked: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn each_mistake_exits_2_naming_file_key_and_expectation() {
    let cases = [
        (
            "documented-status = [200]",
            "unknown key \"documented-status\" (did you mean \"documented-statuses\"?)",
        ),
        (
            "[rules]\nstatus-type-mismatc = \"off\"",
            "[rules] unknown rule \"status-type-mismatc\" (did you mean \"status-type-mismatch\"?)",
        ),
        (
            "[rules]\nschema = \"loud\"",
            "[rules] schema: bad severity \"loud\"; expected \"error\", \"warning\" or \"off\"",
        ),
        (
            "exclude = [\"[oops\"]",
            "exclude: \"[oops\" is not a valid glob",
        ),
        (
            "[status-types]\n\"4x\" = \"api\"",
            "[status-types] bad status \"4x\"; expected a code from 400 to 599",
        ),
        ("schema = \"missing.json\"", "cannot use the schema"),
        ("schema = \"a.404.json\"", "is not a valid JSON Schema"),
    ];
    for (toml, expected) in cases {
        let stderr = config_error(toml);
        assert!(
            stderr.contains("errlint.toml") || stderr.contains("schema"),
            "{toml}: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "{toml}: expected {expected:?} in {stderr:?}"
        );
    }
}

#[test]
fn a_schema_never_reaches_the_network() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    let watcher = std::thread::spawn(move || {
        for _ in 0..40 {
            if let Ok((mut stream, _)) = listener.accept() {
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = stream.read(&mut [0; 64]);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    });
    for reference in [
        format!("http://127.0.0.1:{port}/error.json"),
        format!("http://127.0.0.1:{port}/x.json#/a"),
        "file:///dev/zero".to_string(),
        "../outside.json".to_string(),
    ] {
        let schema =
            format!(r#"{{"$id": "http://127.0.0.1:{port}/root.json", "$ref": "{reference}"}}"#);
        let dir = repo(&[("schema.json", &schema), ("a.404.json", MISMATCH_404)]);
        errlint_in(dir.path())
            .args(["check", ".", "--schema", "schema.json"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a file beside the schema"));
    }
    watcher.join().unwrap();
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "errlint connected to the network"
    );
}

#[test]
fn errlint_config_shows_where_each_value_came_from() {
    let dir = repo(&[("errlint.toml", "[rules]\ncode-format = \"off\"\n")]);
    let output = errlint_in(dir.path())
        .args(["config", "--max-warnings", "5"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("# configuration file: "), "{text}");
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("code-format = \"off\"").contains("errlint.toml"),
        "{text}"
    );
    assert!(line("schema = \"error\"").ends_with("# default"), "{text}");
    assert!(
        line("max-warnings = 5").ends_with("# --max-warnings"),
        "{text}"
    );
    errlint_in(dir.path())
        .args(["config", "--url", "["])
        .assert()
        .code(2);
}

// ---- baselines -----------------------------------------------------------------------

#[test]
fn baselines_match_by_identity_not_position() {
    let dir = repo(&[
        ("captures/orders.404.json", MISMATCH_404),
        ("captures/create.400.json", BAD_CODE_400),
    ]);
    let root = dir.path();
    errlint_in(root)
        .args([
            "check",
            "captures",
            "--write-baseline",
            "errlint-baseline.json",
        ])
        .assert()
        .code(0);
    let text = std::fs::read_to_string(root.join("errlint-baseline.json")).unwrap();
    let recorded: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 2);
    assert!(text.ends_with("}\n"), "a trailing newline");
    // Writing again gives the same bytes: stable, sorted.
    errlint_in(root)
        .args([
            "check",
            "captures",
            "--write-baseline",
            "errlint-baseline.json",
        ])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(root.join("errlint-baseline.json")).unwrap(),
        text
    );

    // Clean with the baseline.
    let (code, found) = findings(root, &["captures", "--baseline", "errlint-baseline.json"]);
    assert_eq!((code, found.len()), (0, 0));

    // Reformatted capture: still clean.
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(MISMATCH_404).unwrap())
            .unwrap();
    std::fs::write(
        root.join("captures/orders.404.json"),
        format!("\n\n{pretty}\n"),
    )
    .unwrap();
    let (code, found) = findings(root, &["captures", "--baseline", "errlint-baseline.json"]);
    assert_eq!((code, found.len()), (0, 0));

    // A new violation: only it is reported. The fixed one counts as stale.
    std::fs::write(root.join("captures/new.429.json"), MISMATCH_404).unwrap();
    std::fs::write(
        root.join("captures/create.400.json"),
        r#"{"type": "invalid_request", "code": "good_code", "message": "Bad.", "param": null}"#,
    )
    .unwrap();
    let output = errlint_in(root)
        .args([
            "check",
            "captures",
            "--baseline",
            "errlint-baseline.json",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["captures/new.429.json"]);
    assert_eq!(report["summary"]["baselined"], 1);
    assert_eq!(report["summary"]["baseline_stale"], 1);
    errlint_in(root)
        .args(["check", "captures", "--baseline", "errlint-baseline.json"])
        .assert()
        .stdout(predicate::str::contains("1 finding hidden by the baseline, 1 baseline entry no longer found (refresh it with --write-baseline)"));

    // A baseline inside the checked folder is not read as a capture.
    let (code, found) = findings(root, &[".", "--baseline", "errlint-baseline.json"]);
    assert_eq!((code, found.len()), (1, 1), "{found:?}");

    // From another directory, the baseline's relative paths still match.
    let (code, found) = findings(
        &root.join("captures"),
        &[".", "--baseline", "../errlint-baseline.json"],
    );
    assert_eq!((code, found.len()), (1, 1), "{found:?}");
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = repo(&[("b.json", "{\"nope\": 1}"), ("a.404.json", MISMATCH_404)]);
    errlint_in(dir.path())
        .args(["check", "a.404.json", "--baseline", "b.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an errlint baseline"));
    errlint_in(dir.path())
        .args(["check", "a.404.json", "--baseline", "missing.json"])
        .assert()
        .code(2);
}
