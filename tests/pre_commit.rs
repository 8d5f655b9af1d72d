//! The real `pre-commit` (from PyPI) runs errlint's hooks, as defined in this repository's
//! committed HEAD, in a throwaway git repository: a bad capture fails the commit with the
//! finding shown, a fixed one passes. The `errlint` hook builds errlint with cargo; the
//! `errlint-system` hook runs the errlint on the PATH. Skipped with a note when pre-commit or
//! git is missing (`.ci/run` installs pre-commit).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `program` in `dir` with `env` added to its environment.
fn run_with(dir: &Path, env: &[(&str, OsString)], program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    run_with(dir, &[], program, args)
}

mod support;

#[test]
fn pre_commit_hook_blocks_a_bad_capture_and_passes_a_good_one() {
    // pre-commit's `cargo install` builds in release; in the target dir of `.ci/packaging`'s
    // release builds, CI compiles the release dependencies once instead of twice.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ship");
    hook_blocks_a_bad_capture_and_passes_a_good_one(
        "errlint",
        &[("CARGO_TARGET_DIR", shared.into_os_string())],
    );
}

/// `errlint-system` builds nothing: it runs the errlint that is on the PATH, here the one
/// cargo built for these tests.
#[test]
fn system_hook_runs_the_errlint_on_the_path() {
    let built = Path::new(env!("CARGO_BIN_EXE_errlint"));
    let folder = built.parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(folder).chain(std::env::split_paths(&rest))).unwrap();
    hook_blocks_a_bad_capture_and_passes_a_good_one("errlint-system", &[("PATH", path)]);
}

fn hook_blocks_a_bad_capture_and_passes_a_good_one(hook: &str, env: &[(&str, OsString)]) {
    if support::tool("pre-commit").is_none() || support::tool("git").is_none() {
        return;
    }
    // pre-commit's own store for this checkout: the user-wide one is locked while any
    // pre-commit on the machine installs a hook, and these tests would wait for all of them.
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit");
    let mut env = env.to_vec();
    env.push(("PRE_COMMIT_HOME", store.into_os_string()));
    let env = env.as_slice();
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = run(project, "git", &["rev-parse", "HEAD"]);
    if !head.status.success() {
        support::missing::<()>("the project is not a git checkout");
        return;
    }
    let rev = String::from_utf8(head.stdout).unwrap().trim().to_string();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.email", "test@example.com"],
        &["config", "user.name", "errlint test"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert!(run(dir, "git", args).status.success());
    }
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n        files: ^captures/\n", project.display()),
    )
    .unwrap();
    std::fs::create_dir(dir.join("captures")).unwrap();
    let capture = dir.join("captures/orders.429.json");
    std::fs::write(
        &capture,
        r#"{"type": "api", "code": "too_many_requests", "message": "Slow down.", "param": null}"#,
    )
    .unwrap();
    assert!(
        run_with(dir, env, "pre-commit", &["install"])
            .status
            .success()
    );
    run(dir, "git", &["add", "."]);
    let blocked = run_with(dir, env, "git", &["commit", "-q", "-m", "bad capture"]);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(
        !blocked.status.success(),
        "the commit went through: {shown}"
    );
    assert!(
        shown.contains(
            "error[status-type-mismatch]: status 429 requires type \"rate_limit\", found \"api\""
        ),
        "{shown}"
    );
    assert!(shown.contains("captures/orders.429.json"), "{shown}");

    std::fs::write(&capture, r#"{"type": "rate_limit", "code": "too_many_requests", "message": "Slow down.", "param": null}"#).unwrap();
    run(dir, "git", &["add", "."]);
    let passed = run_with(dir, env, "git", &["commit", "-q", "-m", "good capture"]);
    assert!(
        passed.status.success(),
        "{}{}",
        String::from_utf8_lossy(&passed.stdout),
        String::from_utf8_lossy(&passed.stderr)
    );
}
