//! The confined reader: the one way errlint reads a file that a capture or a description
//! names (a WireMock `bodyFileName`, an OpenAPI `$ref`, a schema's `$ref` sibling), as
//! opposed to the files the user named on the command line or in errlint.toml.
//!
//! A `Boundary` is a folder at its lexical place: the folder it starts from (the WireMock
//! root, the description's folder) is resolved once, so a repository checked out under a
//! linked path still works, and nothing below it is: a file is read only when its real path,
//! every link resolved, lies inside the boundary as it lies there. So a link at any level
//! (the `__files` folder itself, a folder inside it, the file) that leads out is refused,
//! and so is `..` that climbs out or an absolute name. Only regular files are read, never
//! anything under `/proc`, `/sys` or `/dev`; the file is opened without following a link and
//! without blocking, and the opened handle is checked to be the very file that was checked,
//! so a FIFO or a link swapped in between cannot block errlint or lead it out
//! (docs/security.md). A read is capped by the caller's limit and may draw on a file's
//! expansion budget (`crate::budget`). This module never prints, and its refusals never hold
//! a byte of what was (or would have been) read.

use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::budget::{Budget, Exhausted, mebibytes};

/// Folders whose files are made by the kernel, not stored: never a body or a reference.
const SPECIAL_FOLDERS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// A folder that confined reads must stay inside.
#[derive(Clone, Debug)]
pub struct Boundary {
    /// The folder's real path: its starting folder resolved, the rest joined as written.
    real: PathBuf,
    /// The folder as written, made absolute: a name inside it whose real path is not has
    /// been led out by a link, which the refusal says.
    written: PathBuf,
}

/// Why a confined read was refused. Each says what about the file stopped it, never what it
/// holds.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("it leads outside {folder}")]
    Outside { folder: String },
    #[error("it leads outside {folder} through a symbolic link")]
    OutsideThroughLink { folder: String },
    #[error("it is not a regular file")]
    NotRegular,
    #[error("it lies under {0}, which holds no stored files")]
    Special(&'static str),
    #[error("it cannot be found")]
    Missing,
    #[error("it cannot be read: {0}")]
    Unreadable(std::io::Error),
    #[error("it is not UTF-8 text")]
    NotText,
    #[error("it changed while it was opened")]
    Changed,
    #[error("it is larger than {}", mebibytes(*.0))]
    TooLarge(usize),
    #[error("{0}")]
    Budget(Exhausted),
}

impl Boundary {
    /// The folder `start`, resolved: everything below it must stay inside its real path.
    pub fn folder(start: &Path) -> std::io::Result<Self> {
        Ok(Self {
            real: start.canonicalize()?,
            written: crate::paths::absolute(start),
        })
    }

    /// The folder `name` inside `start`, where only `start` is resolved: were `name` a link,
    /// even to elsewhere under `start`, a file's real path would not lie inside it.
    pub fn subfolder(start: &Path, name: &str) -> std::io::Result<Self> {
        Ok(Self {
            real: start.canonicalize()?.join(name),
            written: crate::paths::absolute(start).join(name),
        })
    }

    /// The real path every read must lie inside.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// Reads `path` (relative to the current folder, or absolute) when it lies inside the
    /// boundary, at most `limit` bytes, drawing them from `budget` when one is given.
    /// `folder` names the boundary in refusals ("the __files folder").
    pub fn read(
        &self,
        path: &Path,
        limit: usize,
        budget: Option<&Budget>,
        folder: &str,
    ) -> Result<Vec<u8>, Refusal> {
        let real = self.locate(path, folder)?;
        let checked = std::fs::symlink_metadata(&real).map_err(Refusal::Unreadable)?;
        if !checked.is_file() {
            return Err(Refusal::NotRegular);
        }
        let file = open_without_following(&real).map_err(|error| {
            // The path held a link when it was opened, not when it was checked: it changed.
            if error.raw_os_error() == Some(LINK_SWAPPED_IN) {
                Refusal::Changed
            } else {
                Refusal::Unreadable(error)
            }
        })?;
        let opened = file.metadata().map_err(Refusal::Unreadable)?;
        if !opened.is_file() || !same_file(&checked, &opened) {
            return Err(Refusal::Changed);
        }
        let size = usize::try_from(opened.len()).unwrap_or(usize::MAX);
        if size > limit {
            return Err(Refusal::TooLarge(limit));
        }
        // Drawn before reading: a mapping naming one large file a thousand times must stop
        // at the budget, not read the file a thousand times first.
        if let Some(budget) = budget {
            budget.draw(size).map_err(Refusal::Budget)?;
        }
        let mut bytes = Vec::with_capacity(size);
        file.take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(Refusal::Unreadable)?;
        if bytes.len() > limit {
            return Err(Refusal::TooLarge(limit));
        }
        // A file that grew after its size was taken draws what it grew by, too.
        if let Some(budget) = budget {
            budget
                .draw(bytes.len().saturating_sub(size))
                .map_err(Refusal::Budget)?;
        }
        Ok(bytes)
    }

    /// `read`, for a file that must be UTF-8 text (a description, a schema).
    pub fn read_text(
        &self,
        path: &Path,
        limit: usize,
        budget: Option<&Budget>,
        folder: &str,
    ) -> Result<String, Refusal> {
        let bytes = self.read(path, limit, budget, folder)?;
        String::from_utf8(bytes).map_err(|_| Refusal::NotText)
    }

    /// The real path of `path`, when it lies inside the boundary and outside the kernel's
    /// folders.
    fn locate(&self, path: &Path, folder: &str) -> Result<PathBuf, Refusal> {
        let lexical = crate::paths::absolute(path);
        let lexically_inside =
            lexical.starts_with(&self.real) || lexical.starts_with(&self.written);
        let real = match path.canonicalize() {
            Ok(real) => real,
            // A name that climbs out is refused as such even when nothing is there, so the
            // message does not depend on what exists outside.
            Err(_) if !lexically_inside => {
                return Err(Refusal::Outside {
                    folder: folder.to_string(),
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(Refusal::Missing);
            }
            Err(error) => return Err(Refusal::Unreadable(error)),
        };
        if !real.starts_with(&self.real) {
            let folder = folder.to_string();
            return Err(if lexically_inside {
                Refusal::OutsideThroughLink { folder }
            } else {
                Refusal::Outside { folder }
            });
        }
        // Only a boundary that itself lies there (a root named under /proc) gets this far.
        if let Some(special) = SPECIAL_FOLDERS
            .iter()
            .find(|special| real.starts_with(special))
        {
            return Err(Refusal::Special(special));
        }
        Ok(real)
    }
}

/// Opens for reading without following a link in the last component (the path was
/// resolved, so one there now was swapped in) and without blocking on a FIFO or device
/// swapped in since it was checked.
#[cfg(unix)]
fn open_without_following(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_following(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What opening without following says of a link in the last component.
#[cfg(unix)]
const LINK_SWAPPED_IN: i32 = libc::ELOOP;

#[cfg(not(unix))]
const LINK_SWAPPED_IN: i32 = -1;

/// Whether two metadata describe one file (device and inode).
#[cfg(unix)]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    checked.dev() == opened.dev() && checked.ino() == opened.ino()
}

#[cfg(not(unix))]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    checked.len() == opened.len()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> (tempfile::TempDir, Boundary) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("root/inside/sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("root/inside/sub/ok.json"), "{}").unwrap();
        std::fs::write(dir.path().join("outside/secret"), "SECRET").unwrap();
        let boundary = Boundary::subfolder(&dir.path().join("root"), "inside").unwrap();
        (dir, boundary)
    }

    #[test]
    fn files_inside_are_read_within_the_limit_and_the_budget() {
        let (dir, boundary) = tree();
        let ok = dir.path().join("root/inside/sub/ok.json");
        assert_eq!(boundary.read(&ok, 2, None, "it").unwrap(), b"{}");
        assert!(matches!(
            boundary.read(&ok, 1, None, "it"),
            Err(Refusal::TooLarge(1))
        ));
        let budget = Budget::new(3);
        assert!(boundary.read(&ok, 2, Some(&budget), "it").is_ok());
        assert!(matches!(
            boundary.read(&ok, 2, Some(&budget), "it"),
            Err(Refusal::Budget(_))
        ));
    }

    #[test]
    fn links_out_at_any_level_and_names_that_climb_out_are_refused() {
        let (dir, boundary) = tree();
        let root = dir.path().join("root");
        symlink(dir.path().join("outside"), root.join("inside/out")).unwrap();
        symlink(dir.path().join("outside/secret"), root.join("inside/file")).unwrap();
        for path in [
            root.join("inside/out/secret"),
            root.join("inside/file"),
            root.join("inside/../../outside/secret"),
            dir.path().join("outside/secret"),
        ] {
            let refusal = boundary.read(&path, 100, None, "it").unwrap_err();
            assert!(
                matches!(
                    refusal,
                    Refusal::Outside { .. } | Refusal::OutsideThroughLink { .. }
                ),
                "{}: {refusal}",
                path.display()
            );
        }
        // The boundary folder itself a link, even to a folder under the same root.
        std::fs::create_dir(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("elsewhere/x.json"), "{}").unwrap();
        std::fs::remove_dir_all(root.join("inside")).unwrap();
        symlink(root.join("elsewhere"), root.join("inside")).unwrap();
        let refusal = boundary
            .read(&root.join("inside/x.json"), 100, None, "it")
            .unwrap_err();
        assert!(matches!(refusal, Refusal::OutsideThroughLink { .. }));
    }

    #[test]
    fn fifos_and_kernel_files_are_refused_without_blocking() {
        let (dir, boundary) = tree();
        let fifo = dir.path().join("root/inside/fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            boundary.read(&fifo, 100, None, "it"),
            Err(Refusal::NotRegular)
        ));
        let proc = Boundary::folder(Path::new("/proc/self")).unwrap();
        let refusal = proc
            .read(Path::new("/proc/self/environ"), 1 << 20, None, "it")
            .unwrap_err();
        assert!(matches!(refusal, Refusal::Special("/proc")), "{refusal}");
    }
}
