//! Build script: stamps the version `errlint --version` prints.
//!
//! Built from a git checkout of errlint, the version carries the commit, e.g.
//! `0.1.0 (1c31699)`, or `0.1.0 (1c31699-dirty)` when tracked files differ from it, so a bug
//! report names the exact source. Anywhere else — the crate as packaged for crates.io, a wheel
//! built from an sdist, git missing — it is the Cargo version alone. This script must never
//! fail a build: every git question that goes wrong just means "no commit".

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Edits to the sources may turn a clean tree dirty; listing them keeps the stamp honest
    // for the usual edit-build loop (an edit elsewhere, e.g. the README alone, does not rerun
    // this script). Once any rerun-if-changed is printed, cargo reruns only for these paths.
    for path in ["build.rs", "Cargo.toml", "src", "schemas"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let stamped = match commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => {
            // `cargo package` verifies the packaged copy in this same target dir, where it
            // shares this script's output with the checkout's build: naming a file only the
            // copy has (cargo adds Cargo.toml.orig) makes the checkout's next build rerun
            // this script instead of taking the copy's commit-less version.
            if manifest_dir.join("Cargo.toml.orig").exists() {
                println!("cargo:rerun-if-changed=Cargo.toml.orig");
            }
            version
        }
    };
    println!("cargo:rustc-env=ERRLINT_VERSION={stamped}");
}

/// The short commit, with `-dirty` when tracked files have changes; `None` outside a git
/// checkout of errlint.
fn commit(dir: &Path) -> Option<String> {
    // The packaged crate sits in `target/package/` inside the checkout it was made from, and a
    // source tree may be unpacked inside someone else's repository: only when errlint's own
    // Cargo.toml is tracked is the enclosing repository errlint's.
    git(dir, &["ls-files", "--error-unmatch", "Cargo.toml"])?;
    rerun_when_head_moves(dir);
    let hash = git(dir, &["rev-parse", "--short", "HEAD"])?;
    let status = git(dir, &["status", "--porcelain", "--untracked-files=no"])?;
    Some(if status.is_empty() {
        hash
    } else {
        format!("{hash}-dirty")
    })
}

/// Asks cargo to rerun this script when HEAD moves: a checkout changes `HEAD`, a commit
/// changes the branch's ref file (or `packed-refs`), every move appends to `logs/HEAD`,
/// staging changes `index`. `--git-path` finds each inside a linked worktree too, where HEAD
/// is the worktree's own and the refs are shared.
fn rerun_when_head_moves(dir: &Path) {
    let mut files = vec![
        "HEAD".to_string(),
        "logs/HEAD".to_string(),
        "packed-refs".to_string(),
        "index".to_string(),
    ];
    if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        files.push(reference);
    }
    for file in files {
        let Some(path) = git(dir, &["rev-parse", "--git-path", &file]) else {
            continue;
        };
        // git answers relative to `dir` unless the path lies elsewhere (a linked worktree's).
        // Told to cargo relative to `dir`, so that from the packaged copy in
        // `target/package/` (see above) the path names no file and the copy reruns this
        // script rather than take the checkout's commit. A path that does not exist would
        // rerun it on every build, so only existing files are named.
        if let Some(path) = relative(dir, &dir.join(path)) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// `path` as seen from `dir`, both resolved; `None` when either does not exist.
fn relative(dir: &Path, path: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let common = dir
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative: PathBuf = dir.components().skip(common).map(|_| "..").collect();
    relative.extend(path.components().skip(common));
    Some(relative)
}

/// Runs git in `dir` and returns its trimmed stdout, or `None` on any failure.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let mut command = Command::new("git");
    command.args(args).current_dir(dir);
    // Under a git hook (pre-commit builds errlint from one) GIT_DIR and friends point at the
    // user's repository; errlint's own checkout is the one to ask.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GIT_") {
            command.env_remove(name);
        }
    }
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8(output.stdout).ok()?.trim().to_string())
}
