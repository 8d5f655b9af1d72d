//! Reads stay where they may (docs/security.md): a file a capture or a description names — a
//! WireMock `bodyFileName`, an OpenAPI `$ref`, a schema's `$ref` sibling — is read only when
//! its real path lies inside the folder it must stay in, and only when it is a regular file.
//! Each tree below tries one way out: a link at every level (`__files` itself, a folder in
//! it, the file, `__files -> /proc/self`), `..`, an absolute name, a FIFO. Each is one
//! finding (or a configuration error for `--openapi` and `--schema`) naming the file, errlint
//! never hangs, and the canary outside — a file, and an environment variable of errlint's own
//! process — never shows in any output. Ordinary trees, multi-file descriptions climbing back
//! with `../`, and checkouts under a linked path keep working.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};

/// Were any canary read, this would show: every canary holds it.
const MARKER: &str = "ZQXCANARY";

/// What the files outside hold: the marker among quotes, a backslash and multi-byte text, so
/// that no escaping of it hides it from the check.
const CANARY: &str = "ZQXCANARY \"quoted\" back\\slash ünïcödé ✓";

/// Set in errlint's own environment: `/proc/self/environ` would show it.
const ENV_CANARY: &str = "ZQXCANARY_ENV \"quoted\" back\\slash ✓";

/// A contract-breaking error body (429 with type "api") made of the canary.
fn canary_body() -> String {
    json!({"type": "api", "code": CANARY, "message": CANARY, "param": null}).to_string()
}

/// An error body that breaks the contract, inside the tree: its finding shows it was read.
const MISMATCH: &str = r#"{"type": "api", "code": "c", "message": "m", "param": null}"#;

fn errlint(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(dir)
        .env("ERRLINT_CONTAINMENT_CANARY", ENV_CANARY)
        .args(args)
        // A FIFO opened for reading would block forever: the timeout turns a hang into a
        // failure.
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_no_canary(output: &Output, what: &str) {
    let (stdout, stderr) = text(output);
    assert!(
        output.status.code().is_some(),
        "{what}: errlint was stopped (a hang?)"
    );
    for shown in [&stdout, &stderr] {
        assert!(
            !shown.contains(MARKER),
            "{what}: a file outside was read:\n{shown}"
        );
    }
}

/// Makes one WireMock root's way out (a link, a FIFO) once its folders exist.
type RootSetup<'a> = Box<dyn FnOnce(&Path) + 'a>;

/// Makes a way out beside a description or schema: given its folder and the canaries' folder.
type FolderSetup = Box<dyn Fn(&Path, &Path)>;

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

fn mapping(body_file: &str) -> String {
    json!({
        "request": {"method": "GET", "url": "/x"},
        "response": {"status": 429, "bodyFileName": body_file,
                     "headers": {"Content-Type": "application/json"}}
    })
    .to_string()
}

/// A temporary folder with the canaries outside every tree.
fn outside() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("nested")).unwrap();
    std::fs::write(outside.join("canary.json"), canary_body()).unwrap();
    std::fs::write(outside.join("nested/canary.json"), canary_body()).unwrap();
    (dir, outside)
}

/// One WireMock root: `mappings/m.json` naming `body_file`, and an empty `__files` that
/// `setup` may replace or fill.
fn wiremock_root(captures: &Path, case: &str, body_file: &str, setup: impl FnOnce(&Path)) {
    let root = captures.join(case);
    std::fs::create_dir_all(root.join("mappings")).unwrap();
    std::fs::create_dir_all(root.join("__files")).unwrap();
    std::fs::write(root.join("mappings/m.json"), mapping(body_file)).unwrap();
    setup(&root);
}

fn replace_with_link(place: &Path, target: &Path) {
    std::fs::remove_dir_all(place).unwrap();
    symlink(target, place).unwrap();
}

fn findings(report: &Value, file: &Path) -> Vec<(String, String)> {
    let file = file.display().to_string();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file.as_str())
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn wiremock_body_files_are_read_only_from_inside_files_whatever_the_links() {
    let (dir, outside) = outside();
    let captures = dir.path().join("captures");
    let through_link = "leads outside the __files folder through a symbolic link";
    let climbs_out = "leads outside the __files folder; it was not read";
    let absolute = outside.join("canary.json").display().to_string();
    let cases: Vec<(&str, &str, &str, RootSetup<'_>)> = vec![
        (
            "files-link",
            "canary.json",
            through_link,
            Box::new(|root| replace_with_link(&root.join("__files"), &outside)),
        ),
        (
            "files-relative-link",
            "canary.json",
            through_link,
            Box::new(|root| replace_with_link(&root.join("__files"), Path::new("../../outside"))),
        ),
        (
            "folder-link",
            "sub/canary.json",
            through_link,
            Box::new(|root| symlink(&outside, root.join("__files/sub")).unwrap()),
        ),
        (
            "deep-folder-link",
            "a/b/canary.json",
            through_link,
            Box::new(|root| {
                std::fs::create_dir_all(root.join("__files/a")).unwrap();
                symlink(outside.join("nested"), root.join("__files/a/b")).unwrap()
            }),
        ),
        (
            "file-link",
            "body.json",
            through_link,
            Box::new(|root| {
                symlink(outside.join("canary.json"), root.join("__files/body.json")).unwrap()
            }),
        ),
        (
            "proc-self",
            "environ",
            through_link,
            Box::new(|root| replace_with_link(&root.join("__files"), Path::new("/proc/self"))),
        ),
        (
            "dotdot",
            "../../../outside/canary.json",
            climbs_out,
            Box::new(|_| {}),
        ),
        ("absolute", &absolute, climbs_out, Box::new(|_| {})),
        (
            "fifo",
            "fifo.json",
            "is not a regular file",
            Box::new(|root| mkfifo(&root.join("__files/fifo.json"))),
        ),
        (
            "folder",
            "folder.json",
            "is not a regular file",
            Box::new(|root| std::fs::create_dir(root.join("__files/folder.json")).unwrap()),
        ),
    ];
    let mut expected = Vec::new();
    for (case, body_file, message, setup) in cases {
        wiremock_root(&captures, case, body_file, setup);
        expected.push((case, message));
    }
    // `__files` beside the mapping (no `mappings` folder), a link leading out.
    let beside = captures.join("beside-link");
    std::fs::create_dir_all(&beside).unwrap();
    std::fs::write(beside.join("m.json"), mapping("canary.json")).unwrap();
    symlink(&outside, beside.join("__files")).unwrap();
    // The control: an ordinary tree with a body file in a subfolder, and one linked within
    // `__files`, both read.
    wiremock_root(&captures, "good", "sub/body.json", |root| {
        std::fs::create_dir_all(root.join("__files/sub")).unwrap();
        std::fs::write(root.join("__files/sub/body.json"), MISMATCH).unwrap();
    });
    wiremock_root(&captures, "good-inner-link", "alias.json", |root| {
        std::fs::create_dir_all(root.join("__files/sub")).unwrap();
        std::fs::write(root.join("__files/sub/body.json"), MISMATCH).unwrap();
        symlink("sub/body.json", root.join("__files/alias.json")).unwrap();
    });

    let output = errlint(dir.path(), &["check", "-f", "json", "captures"]);
    assert_no_canary(&output, "json");
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let relative = |file: &str| Path::new("captures").join(file);
    for (case, message) in expected {
        let found = findings(&report, &relative(&format!("{case}/mappings/m.json")));
        assert_eq!(found.len(), 1, "{case}: {found:?}");
        assert_eq!(found[0].0, "malformed-capture", "{case}: {found:?}");
        assert!(
            found[0].1.contains("\"bodyFileName\"") && found[0].1.contains(message),
            "{case}: expected {message:?} in {found:?}"
        );
    }
    let found = findings(&report, &relative("beside-link/m.json"));
    assert!(
        found.len() == 1 && found[0].1.contains(through_link),
        "{found:?}"
    );
    for good in ["good", "good-inner-link"] {
        let found = findings(&report, &relative(&format!("{good}/mappings/m.json")));
        let rules: Vec<&str> = found.iter().map(|(rule, _)| rule.as_str()).collect();
        assert_eq!(rules, ["status-type-mismatch"], "{good}: {found:?}");
    }

    // No format shows anything of the canaries; human output shows body excerpts.
    for format in [
        "human", "concise", "sarif", "junit", "github", "gitlab", "html",
    ] {
        let output = errlint(dir.path(), &["check", "-f", format, "captures"]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert_no_canary(&output, format);
    }
}

#[test]
fn wiremock_roots_are_resolved_and_nothing_below_them_is() {
    let (dir, outside) = outside();
    // A checkout reached through a linked path still reads its own body files.
    let real = dir.path().join("data/repo");
    wiremock_root(&real, "wiremock", "body.json", |root| {
        std::fs::write(root.join("__files/body.json"), MISMATCH).unwrap()
    });
    symlink(dir.path().join("data"), dir.path().join("home")).unwrap();
    for named in ["home/repo", "home/repo/wiremock/mappings/m.json"] {
        let output = errlint(dir.path(), &["check", "-f", "concise", named]);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{named}: {stderr}");
        assert!(
            stdout.contains("[status-type-mismatch]"),
            "{named}: {stdout}"
        );
        assert!(!stdout.contains("[malformed-capture]"), "{named}: {stdout}");
    }
    // A `mappings` folder that is a link to a tree elsewhere, with `__files` beside it
    // there: the body file is looked for in the root the mapping was named under.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("mappings")).unwrap();
    std::fs::create_dir_all(elsewhere.join("__files")).unwrap();
    std::fs::write(elsewhere.join("mappings/m.json"), mapping("canary.json")).unwrap();
    std::fs::copy(
        outside.join("canary.json"),
        elsewhere.join("__files/canary.json"),
    )
    .unwrap();
    let root = dir.path().join("linked-mappings");
    std::fs::create_dir_all(root.join("__files")).unwrap();
    symlink(elsewhere.join("mappings"), root.join("mappings")).unwrap();
    let output = errlint(
        dir.path(),
        &["check", "-f", "concise", "linked-mappings/mappings/m.json"],
    );
    assert_no_canary(&output, "linked mappings");
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("is not in the __files folder of the WireMock root"),
        "{stdout}"
    );
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n";

/// A description whose 400 schema for `GET /a` is the `$ref` given.
fn description(schema_ref: &str) -> String {
    format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\":\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: {}}}\n",
        serde_json::to_string(schema_ref).unwrap()
    )
}

/// A capture of `GET /a` answered 400 with an ordinary error body: it lacks the fields the
/// schemas below require, so a schema followed shows in a `spec-schema` finding.
const CAPTURE: &str = r#"[{"status": 400, "method": "GET", "url": "https://x/a", "body": {"type": "invalid_request", "message": "m", "code": "c", "param": null}}]"#;

/// The folder `spec` beside the canaries, with `openapi.yaml` and a capture beside it.
fn spec_folder(dir: &Path, schema_ref: &str) -> PathBuf {
    let spec = dir.join("spec");
    std::fs::create_dir_all(&spec).unwrap();
    std::fs::write(spec.join("openapi.yaml"), description(schema_ref)).unwrap();
    std::fs::write(dir.join("a.json"), CAPTURE).unwrap();
    spec
}

/// The schema a canary description file holds: were it followed, the capture's body would
/// break it and the message quote the canary's field name.
fn canary_schema() -> String {
    json!({"E": {"type": "object", "required": [CANARY]}}).to_string()
}

#[test]
fn openapi_refs_stay_in_the_description_folder() {
    let cases: Vec<(&str, &str, FolderSetup)> = vec![
        (
            "../outside/x.json#/E",
            "leads outside the description's folder",
            Box::new(|_, _| {}),
        ),
        (
            "sub/../../outside/x.json#/E",
            "leads outside the description's folder",
            Box::new(|spec, _| std::fs::create_dir_all(spec.join("sub")).unwrap()),
        ),
        (
            "linked/x.json#/E",
            "leads outside the description's folder through a symbolic link",
            Box::new(|spec, outside| symlink(outside, spec.join("linked")).unwrap()),
        ),
        (
            "x.json#/E",
            "leads outside the description's folder through a symbolic link",
            Box::new(|spec, outside| symlink(outside.join("x.json"), spec.join("x.json")).unwrap()),
        ),
        (
            "proc/environ",
            "leads outside the description's folder through a symbolic link",
            Box::new(|spec, _| symlink("/proc/self", spec.join("proc")).unwrap()),
        ),
        (
            "fifo.json#/E",
            "is not a regular file",
            Box::new(|spec, _| mkfifo(&spec.join("fifo.json"))),
        ),
        (
            "ABSOLUTE",
            "is not a local reference or a relative file",
            Box::new(|_, _| {}),
        ),
    ];
    for (reference, message, setup) in cases {
        let (dir, outside) = outside();
        std::fs::write(outside.join("x.json"), canary_schema()).unwrap();
        let absolute = format!("{}#/E", outside.join("x.json").display());
        let reference = if reference == "ABSOLUTE" {
            absolute.as_str()
        } else {
            reference
        };
        let spec = spec_folder(dir.path(), reference);
        setup(&spec, &outside);
        let output = errlint(
            dir.path(),
            &["check", "--openapi", "spec/openapi.yaml", "a.json"],
        );
        assert_no_canary(&output, reference);
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{reference}: {stdout}{stderr}"
        );
        assert!(stdout.is_empty(), "{reference}: {stdout}");
        let file = reference.split('#').next().unwrap();
        assert!(
            stderr.contains(&format!("$ref {:?}", reference))
                && stderr.contains(file)
                && stderr.contains(message),
            "{reference}: expected {message:?} in {stderr}"
        );

        // The same description checked as a capture reads no other file.
        let output = errlint(dir.path(), &["check", "-f", "human", "spec/openapi.yaml"]);
        assert_no_canary(&output, &format!("{reference} as a capture"));
        assert_ne!(output.status.code(), Some(2), "{reference} as a capture");
    }
}

#[test]
fn multi_file_descriptions_climbing_back_with_dotdot_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("data/spec");
    std::fs::create_dir_all(spec.join("paths")).unwrap();
    std::fs::create_dir_all(spec.join("components")).unwrap();
    std::fs::write(
        spec.join("openapi.yaml"),
        format!("{HEAD}paths:\n  /a:\n    $ref: \"paths/a.yaml\"\n"),
    )
    .unwrap();
    std::fs::write(
        spec.join("paths/a.yaml"),
        "get:\n  responses:\n    \"400\":\n      description: x\n      content:\n        application/json:\n          schema: {$ref: \"../components/errors.yaml#/Error\"}\n",
    )
    .unwrap();
    std::fs::write(
        spec.join("components/errors.yaml"),
        "Error:\n  type: object\n  required: [detail]\n  properties:\n    detail: {type: string}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.json"), CAPTURE).unwrap();
    // Named as it lies, and through a linked path to its folder.
    symlink(dir.path().join("data"), dir.path().join("home")).unwrap();
    for named in ["data/spec/openapi.yaml", "home/spec/openapi.yaml"] {
        let output = errlint(
            dir.path(),
            &["check", "-f", "concise", "--openapi", named, "a.json"],
        );
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{named}: {stderr}");
        assert!(
            stdout.contains("error[spec-schema] missing required field \"detail\""),
            "{named}: {stdout}"
        );
    }
}

#[test]
fn schema_refs_read_only_regular_files_in_the_schema_folder() {
    let schema =
        r#"{"type": "object", "properties": {"code": {"$ref": "common.json#/$defs/code"}}}"#;
    let cases: Vec<(&str, FolderSetup)> = vec![
        (
            "leads outside the schema's folder through a symbolic link",
            Box::new(|schemas, outside| {
                symlink(outside.join("common.json"), schemas.join("common.json")).unwrap()
            }),
        ),
        (
            "is not a regular file",
            Box::new(|schemas, _| mkfifo(&schemas.join("common.json"))),
        ),
    ];
    for (message, setup) in cases {
        let (dir, outside) = outside();
        std::fs::write(
            outside.join("common.json"),
            json!({"$defs": {"code": {"const": CANARY}}}).to_string(),
        )
        .unwrap();
        let schemas = dir.path().join("schemas");
        std::fs::create_dir_all(&schemas).unwrap();
        std::fs::write(schemas.join("error.json"), schema).unwrap();
        setup(&schemas, &outside);
        std::fs::write(dir.path().join("e.429.json"), MISMATCH).unwrap();
        let output = errlint(
            dir.path(),
            &["check", "--schema", "schemas/error.json", "e.429.json"],
        );
        assert_no_canary(&output, message);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{message}: {stdout}{stderr}");
        assert!(
            stderr.contains("common.json") && stderr.contains(message),
            "expected {message:?} in {stderr}"
        );
    }
}
