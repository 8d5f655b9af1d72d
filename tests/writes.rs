//! What `--output-file` and `--write-baseline` do to what they write to: a regular file is
//! replaced whole or not at all, a link keeps pointing at the replaced file, a device, FIFO or
//! `/dev/stdout` is written and never replaced, a failed write exits 2 naming the destination,
//! new files follow the umask, and a run stopped by a signal leaves the previous files intact.
//! Every command, not only `check`, exits 2 when stdout cannot be written, and `-o` naming
//! stdout, however spelled, appends the report to it instead of replacing the file.

#![cfg(unix)]

use std::fs;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _, symlink};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("errlint")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Files a run left in `dir` that are not the ones named.
fn temporary_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("errlint-tmp"))
        .collect()
}

fn json_report(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not a json report ({e}): {text}"))
}

#[test]
fn a_link_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("reports/real.json");
    fs::create_dir(dir.path().join("reports")).unwrap();
    fs::write(&real, "stale").unwrap();
    let link = dir.path().join("latest.json");
    symlink("reports/real.json", &link).unwrap();
    let status = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o"])
        .arg(&link)
        .arg(examples())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(
        fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link was replaced"
    );
    let report = json_report(&fs::read_to_string(&real).unwrap());
    assert_eq!(report["summary"]["errors"], 3);
    assert!(temporary_files(&dir.path().join("reports")).is_empty());
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn dev_null_stays_a_device() {
    let status = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o", "/dev/null"])
        .arg(examples())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "exit by the findings");
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_full_device_is_an_error_naming_it() {
    if !Path::new("/dev/full").exists() {
        support::missing::<()>("/dev/full is absent");
        return;
    }
    let output = Command::new(bin())
        .args(["check", "-f", "json", "-o", "/dev/full"])
        .arg(examples())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "errlint: error: cannot write the report to /dev/full: No space left on device (os error 28)"
    );
    assert!(
        fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // The same for standard output.
    let output = Command::new(bin())
        .args(["check", "-q"])
        .arg(examples())
        .stdout(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("standard output: No space left"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_fifo_reader_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            fs::File::open(&fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    let status = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o"])
        .arg(&fifo)
        .arg(examples())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let report = json_report(&reader.join().unwrap());
    assert_eq!(report["summary"]["errors"], 3);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn dev_stdout_is_written_not_replaced() {
    let output = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o", "/dev/stdout"])
        .arg(examples())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // /dev/stdout is the pipe stdout already is: the json report goes there alone, as without
    // `-o`, not mixed with the human report.
    let report = json_report(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(report["summary"]["errors"], 3);
    assert!(fs::symlink_metadata("/dev/stdout").unwrap().is_symlink());
}

/// `-o` names, in a way of its own, the file the shell appends stdout to (`>> out.txt`).
fn append_through(dir: &Path, cwd: &Path, output: &str) {
    let out = dir.join("out.txt");
    fs::write(&out, "previous run\n").unwrap();
    let inode = std::os::unix::fs::MetadataExt::ino(&fs::metadata(&out).unwrap());
    let stdout = fs::OpenOptions::new().append(true).open(&out).unwrap();
    let status = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o", output])
        .arg(examples())
        .current_dir(cwd)
        .stdout(stdout)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "-o {output}");
    let text = fs::read_to_string(&out).unwrap();
    let report = text
        .strip_prefix("previous run\n")
        .unwrap_or_else(|| panic!("-o {output} replaced what was there: {text}"));
    assert_eq!(json_report(report)["summary"]["errors"], 3, "-o {output}");
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(&out).unwrap()),
        inode,
        "-o {output} replaced the file"
    );
    assert!(temporary_files(dir).is_empty());
}

#[test]
fn output_file_never_replaces_standard_output_however_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    symlink("/dev/stdout", dir.join("stdout-link")).unwrap();
    symlink("stdout-link", dir.join("link-to-link")).unwrap();
    let deep = dir.join("a/b/c");
    fs::create_dir_all(&deep).unwrap();
    // Up from `deep` to the root, and then some: `..` at the root stays there.
    let up = "../".repeat(deep.components().count() + 2);
    let mut names = vec![
        ("stdout-link".to_string(), dir.clone()),
        ("link-to-link".to_string(), dir.clone()),
        (format!("{up}dev/stdout"), deep.clone()),
        ("../../../out.txt".to_string(), deep.clone()),
        ("out.txt".to_string(), dir.clone()),
        ("/dev/stdout".to_string(), dir.clone()),
    ];
    if Path::new("/proc/self/fd/1").exists() {
        names.push(("/proc/self/fd/1".to_string(), dir.clone()));
        names.push((format!("{up}proc/self/fd/1"), deep.clone()));
    }
    for (name, cwd) in names {
        append_through(&dir, &cwd, &name);
    }
    assert_eq!(
        fs::read_link(dir.join("stdout-link")).unwrap(),
        Path::new("/dev/stdout")
    );
}

#[test]
fn a_descriptor_path_to_a_regular_file_is_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    fs::write(&log, "kept\n").unwrap();
    symlink("/dev/fd/3", dir.path().join("fd3")).unwrap();
    let script = format!(
        "{bin:?} check -q -f json -o fd3 {ex:?} 3>>log.txt >/dev/null",
        bin = bin(),
        ex = examples(),
    );
    let status = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let text = fs::read_to_string(&log).unwrap();
    let report = text
        .strip_prefix("kept\n")
        .unwrap_or_else(|| panic!("the log was cut or replaced: {text}"));
    assert_eq!(json_report(report)["summary"]["errors"], 3);
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn new_files_follow_the_umask_and_replaced_files_keep_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.json");
    fs::write(&kept, "old").unwrap();
    fs::set_permissions(&kept, fs::Permissions::from_mode(0o600)).unwrap();
    let script = format!(
        "umask 022; {bin:?} check -q -f json -o {new:?} --write-baseline {base:?} {ex:?} >/dev/null; \
         {bin:?} check -q -f json -o {kept:?} {ex:?} >/dev/null; true",
        bin = bin(),
        new = dir.path().join("new.json"),
        base = dir.path().join("baseline.json"),
        kept = kept,
        ex = examples(),
    );
    assert!(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .status()
            .unwrap()
            .success()
    );
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("new.json"), 0o644, "a new report follows umask 022");
    assert_eq!(
        mode("baseline.json"),
        0o644,
        "a new baseline follows umask 022"
    );
    assert_eq!(mode("kept.json"), 0o600, "a replaced report keeps its mode");
    assert!(json_report(&fs::read_to_string(&kept).unwrap())["summary"].is_object());
}

/// Every way to run errlint that writes to stdout: each subcommand clap knows (so a new one is
/// covered as soon as it exists), each with `--help`, and errlint's own `--help` and
/// `--version`. Required arguments get a value the command accepts.
fn every_command() -> Vec<Vec<String>> {
    use clap::CommandFactory as _;
    let cli = errlint::cli::Cli::command();
    let mut commands = vec![vec!["--help".to_string()], vec!["--version".to_string()]];
    for sub in cli.get_subcommands() {
        let mut command = vec![sub.get_name().to_string()];
        for arg in sub.get_arguments().filter(|a| a.is_required_set()) {
            let value = match arg.get_possible_values().first() {
                Some(possible) => possible.get_name().to_string(),
                None if arg.get_id() == "name" => errlint::rules::RULES[0].name.to_string(),
                None => panic!("no value to try for {} {}", sub.get_name(), arg.get_id()),
            };
            command.push(value);
        }
        commands.push(command);
        commands.push(vec![sub.get_name().to_string(), "--help".to_string()]);
    }
    commands
}

fn run_with_stdout(command: &[String], stdout: impl Into<Stdio>) -> std::process::Output {
    Command::new(bin())
        .args(command)
        // `check` without a path walks the current directory.
        .current_dir(examples())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn every_command_reports_a_failed_write_and_not_a_closed_pipe() {
    if !Path::new("/dev/full").exists() {
        support::missing::<()>("/dev/full is absent");
        return;
    }
    for command in every_command() {
        let written = run_with_stdout(&command, Stdio::null());
        let code = written.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{command:?} works when stdout can be written: {code:?} {}",
            String::from_utf8_lossy(&written.stderr)
        );

        let full = run_with_stdout(
            &command,
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert_eq!(full.status.code(), Some(2), "{command:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
        assert!(
            stderr.starts_with("errlint: error: cannot write")
                && stderr.contains("standard output: No space left on device"),
            "{command:?}: {stderr}"
        );

        // A reader that is already gone: quiet, and the exit code of a good run.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let closed = run_with_stdout(&command, writer);
        assert_eq!(closed.status.code(), code, "{command:?}");
        assert_eq!(
            String::from_utf8_lossy(&closed.stderr),
            "",
            "{command:?} is quiet on a closed pipe"
        );
    }
}

/// A HAR big enough that checking it takes a while in any build.
fn big_har(path: &Path) {
    let body =
        json!({"type": "api", "code": "Bad-Code", "message": "x", "param": null}).to_string();
    let entry = json!({
        "request": {"method": "GET", "url": "https://api.example.com/v1/orders", "headers": []},
        "response": {"status": 429, "headers": [], "content": {"mimeType": "application/json", "text": body}}
    })
    .to_string();
    let entries = vec![entry; 400_000].join(",");
    fs::write(path, format!("{{\"log\":{{\"entries\":[{entries}]}}}}")).unwrap();
}

#[test]
fn sigterm_leaves_the_previous_report_and_baseline_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = tempfile::tempdir().unwrap();
    big_har(&input.path().join("big.har"));
    let report = dir.path().join("report.json");
    let baseline = dir.path().join("baseline.json");
    fs::write(&report, "previous report").unwrap();
    fs::write(&baseline, "previous baseline").unwrap();

    let mut child = Command::new(bin())
        .args(["check", "-q", "-f", "json", "-o"])
        .arg(&report)
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(input.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the report is being written, then stop the run.
    let started = Instant::now();
    while temporary_files(dir.path()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no report was started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be stopped"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(15),
        "errlint dies of the signal: {status:?}"
    );
    assert_eq!(fs::read_to_string(&report).unwrap(), "previous report");
    assert_eq!(fs::read_to_string(&baseline).unwrap(), "previous baseline");
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

mod support;
