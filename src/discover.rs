//! PATHs → inputs: files as given, directories walked, `-` for stdin.
//!
//! Walks look only at capture extensions (and their `.gz` forms), skip hidden entries
//! (`.git`), `node_modules`, `target` and the bodies in a WireMock `__files` folder (read
//! through their mappings), and never follow symbolic links (docs/inputs.md); only regular
//! files are ever opened, so FIFOs and sockets in a walked tree cannot block a run. A named
//! path that does not exist is an error (exit 2). The walk only chooses files: what they hold
//! is the loaders' to recognise.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};
use walkdir::WalkDir;

use crate::paths::PathGlobs;

/// Extensions a directory walk looks at, each also followed by `.gz`.
pub const WALKED_EXTENSIONS: [&str; 12] = [
    "har", "json", "jsonl", "ndjson", "http", "txt", "resp", "response", "yml", "yaml", "warc",
    "saz",
];

/// Folders a walk never enters: dependencies and build output hold no captures of the
/// project's own (and are huge). WireMock's `__files` holds bodies, not captures.
const SKIPPED_FOLDERS: [&str; 3] = ["node_modules", "target", "__files"];

/// True when a walk looks at a file of this name: a capture extension, possibly gzipped.
pub fn is_walked(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let name = lower.strip_suffix(".gz").unwrap_or(&lower);
    name.rsplit_once('.')
        .is_some_and(|(_, extension)| WALKED_EXTENSIONS.contains(&extension))
}

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
    /// A walk error (unreadable directory, vanished file): reported as a finding.
    Unreadable(String),
}

/// One file to check.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path as reports show it.
    pub display: Arc<str>,
    /// The last path component: gives the format hint and a bare body's status.
    pub file_name: String,
    pub source: Source,
    /// True when named on the command line (an unknown format is then an error).
    pub explicit: bool,
}

/// Resolves the command line's paths; no paths means the current directory. Files and
/// folders matching `exclude` are left out, named or walked.
pub fn discover(
    paths: &[PathBuf],
    stdin_filename: Option<&str>,
    exclude: Option<&PathGlobs>,
) -> Result<Vec<Input>> {
    let excluded = |path: &Path| exclude.is_some_and(|globs| globs.matches(path));
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "no such file or directory: {}",
            missing
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let name = stdin_filename.unwrap_or("-");
            inputs.push(Input {
                display: Arc::from(name),
                file_name: file_name_of(Path::new(name)),
                source: Source::Stdin,
                explicit: true,
            });
        } else if excluded(path) {
            continue;
        } else if path.is_dir() {
            walk(path, &mut inputs, &excluded);
        } else {
            inputs.push(Input {
                display: Arc::from(path.display().to_string()),
                file_name: file_name_of(path),
                source: Source::File(path.clone()),
                explicit: true,
            });
        }
    }
    Ok(inputs)
}

fn walk(root: &Path, inputs: &mut Vec<Input>, excluded: &dyn Fn(&Path) -> bool) {
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !(name.starts_with('.')
                    || (entry.file_type().is_dir() && SKIPPED_FOLDERS.contains(&name.as_ref()))
                    || excluded(entry.path()))
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let path = entry.path();
                if is_walked(&entry.file_name().to_string_lossy()) {
                    inputs.push(Input {
                        display: Arc::from(display_path(path)),
                        file_name: file_name_of(path),
                        source: Source::File(path.to_path_buf()),
                        explicit: false,
                    });
                }
            }
            Ok(_) => {} // directories, symbolic links, FIFOs, sockets, devices
            Err(error) => {
                let path = error
                    .path()
                    .map_or_else(|| root.display().to_string(), display_path);
                let message = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                inputs.push(Input {
                    file_name: file_name_of(Path::new(&path)),
                    display: Arc::from(path),
                    source: Source::Unreadable(message),
                    explicit: false,
                });
            }
        }
    }
}

/// Paths found under `.` print without the `./`, as other linters print them.
fn display_path(path: &Path) -> String {
    let text = path.display().to_string();
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walked_names() {
        for name in [
            "a.har",
            "A.HAR.GZ",
            "c.yml",
            "d.yaml.gz",
            "e.warc.gz",
            "f.saz",
            "404.json",
        ] {
            assert!(is_walked(name), "{name}");
        }
        for name in ["a.gz", "README.md", "har", "x.zip", "y.json.bz2"] {
            assert!(!is_walked(name), "{name}");
        }
    }
}
