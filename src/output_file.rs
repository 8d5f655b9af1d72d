//! Files errlint writes: the `--output-file` report and the `--write-baseline` baseline.
//!
//! A regular file (new, or replaced) is written to a temporary file beside its real target
//! and renamed into place only when complete, so a reader never sees half a report and a run
//! that fails or is stopped leaves the previous file as it was. Symbolic links are followed
//! and kept: the file they point to is replaced, never the link. Anything that is not a
//! regular file — `/dev/null`, `/dev/stdout`, a terminal, a FIFO with a reader, a socket — is
//! written directly and never renamed over; so is a regular file reached through a
//! descriptor path (`/dev/fd/3`, `../../dev/stdout`, a link to `/proc/self/fd/1`) or open as
//! standard output (same device and inode), and such a file is appended to: the shell that
//! opened it (`>> log`) chose where the bytes go. New files get the permissions the umask
//! allows, as a shell redirection would; a replaced file keeps its mode.
//!
//! While a temporary file exists it is registered here, and SIGINT, SIGTERM and SIGHUP
//! remove it before errlint dies of the signal (`install_signal_cleanup`). This module
//! writes bytes it is given; it knows nothing of reports.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files that exist now, removed if a signal ends the run.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Links followed before giving up (Linux's own limit for path resolution).
const MAX_LINKS: usize = 40;

/// A destination being written; `commit` makes it final.
pub struct OutputFile {
    writer: BufWriter<File>,
    kind: Kind,
}

enum Kind {
    /// Written in place: a device, FIFO or socket.
    Direct,
    /// Written beside `target` and renamed over it by `commit`.
    Replace { temporary: PathBuf, target: PathBuf },
}

impl OutputFile {
    /// Opens `path` for writing as the module comment describes. Errors name no temporary
    /// file: callers add the destination's name.
    pub fn create(path: &Path) -> io::Result<Self> {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            )),
            Ok(meta) if !meta.is_file() || names_a_descriptor(path) || is_stdout_file(&meta) => {
                // A device, FIFO or socket, or a file reached through `/dev/stdout` and the
                // like: what reads it expects the bytes in place, not a new file. A regular
                // file is appended to, never cut: its earlier content is someone else's.
                let file = OpenOptions::new()
                    .write(true)
                    .append(meta.is_file())
                    .open(path)?;
                Ok(Self {
                    writer: BufWriter::new(file),
                    kind: Kind::Direct,
                })
            }
            Ok(meta) => Self::beside(fs::canonicalize(path)?, Some(meta.permissions())),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // New, or a dangling link whose target is to be created.
                Self::beside(follow_links(path)?, None)
            }
            Err(error) => Err(error),
        }
    }

    /// A temporary file in `target`'s folder, with `permissions` (a replaced file's) or the
    /// umask's default for a new file.
    fn beside(target: PathBuf, permissions: Option<fs::Permissions>) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hidden, so a walk of this folder never reads it as a capture.
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".errlint-tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // open(2) applies the umask to this mode, as for any file a shell creates.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut registry = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        let (file, temporary) = builder
            .tempfile_in(&dir)
            .map_err(without_path)?
            .keep()
            .map_err(|e| without_path(e.error))?;
        registry.push(temporary.clone());
        drop(registry);
        let output = Self {
            writer: BufWriter::new(file),
            kind: Kind::Replace { temporary, target },
        };
        if let Some(permissions) = permissions {
            // A replaced file keeps its mode (set on the open file: the umask does not apply).
            output.writer.get_ref().set_permissions(permissions)?;
        }
        Ok(output)
    }

    /// Flushes everything and, for a regular file, renames it into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        match &self.kind {
            Kind::Direct => Ok(()),
            Kind::Replace { temporary, target } => {
                self.writer.get_ref().sync_all()?;
                let mut registry = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
                fs::rename(temporary, target)?;
                registry.retain(|p| p != temporary);
                Ok(())
            }
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for OutputFile {
    /// A file never committed (an error, a panic) leaves no temporary file behind.
    fn drop(&mut self) {
        if let Kind::Replace { temporary, .. } = &self.kind {
            let mut registry = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
            if registry.iter().any(|p| p == temporary) {
                let _ = fs::remove_file(temporary);
                registry.retain(|p| p != temporary);
            }
        }
    }
}

/// True for paths that stand for an open file descriptor (`/dev/stdout`, `/dev/fd/3`,
/// `/proc/self/fd/1`), however spelled: through `..`, linked folders or links to them.
/// Renaming over what they resolve to would leave the descriptor, which is where the reader
/// looks, pointing at a removed file.
fn names_a_descriptor(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        // The folder resolved, so that no `..` or linked folder hides `/dev` or `/proc`; the
        // last name is not, since `/dev/stdout` itself resolves to the file it is open on.
        let folder = match current.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let (Ok(folder), Some(name)) = (fs::canonicalize(folder), current.file_name()) else {
            return false;
        };
        let here = folder.join(name);
        if here.starts_with("/dev") || here.starts_with("/proc") {
            return true;
        }
        match fs::read_link(&here) {
            Ok(link) => current = folder.join(link),
            Err(_) => return false,
        }
    }
    false
}

/// True when `path` names the file standard output is open on (same device and inode),
/// whatever the spelling: `/dev/stdout`, `/proc/self/fd/1`, a link to either, or the file
/// the shell redirected stdout to (`-o out.txt >> out.txt`).
pub fn is_standard_output(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| is_stdout_file(&meta))
}

/// True when `meta` describes the file standard output is open on.
#[cfg(unix)]
fn is_stdout_file(meta: &fs::Metadata) -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::MetadataExt as _;
    // std reads a descriptor's metadata only through a `File` it owns: a duplicate of
    // stdout's, closed again at once. A closed stdout is no file.
    let Ok(descriptor) = io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(descriptor)
        .metadata()
        .is_ok_and(|stdout| stdout.dev() == meta.dev() && stdout.ino() == meta.ino())
}

#[cfg(not(unix))]
fn is_stdout_file(_: &fs::Metadata) -> bool {
    false
}

/// The same error without the temporary file's name, which tempfile adds: messages name the
/// destination the user gave, never a file they did not ask for.
fn without_path(error: io::Error) -> io::Error {
    let message = error.to_string();
    match message.find(" at path ") {
        Some(cut) => io::Error::new(error.kind(), &message[..cut]),
        None => error,
    }
}

/// The file `path` finally names: symbolic links followed (also dangling ones, whose target
/// is then created), relative link targets read from the link's folder.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Removes every temporary file when SIGINT, SIGTERM or SIGHUP arrives, then lets the signal
/// end the process as it would have (exit status 128 + signal). Called once, before the
/// first output file is created.
pub fn install_signal_cleanup() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("errlint-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held to the end: no rename can slip in between removal and death.
                    let registry = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
                    for temporary in registry.iter() {
                        let _ = fs::remove_file(temporary);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{PermissionsExt as _, symlink};

    use super::*;

    fn write(path: &Path, text: &str) -> io::Result<()> {
        let mut file = OutputFile::create(path)?;
        file.write_all(text.as_bytes())?;
        file.commit()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".errlint-tmp"))
            .collect()
    }

    #[test]
    fn replaces_a_regular_file_keeping_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn writes_through_a_link_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, "old").unwrap();
        symlink("real.json", &link).unwrap();
        write(&link, "new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A dangling link gets its target created.
        let dangling = dir.path().join("dangling.json");
        symlink("made.json", &dangling).unwrap();
        write(&dangling, "made").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("made.json")).unwrap(),
            "made"
        );
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn an_uncommitted_file_leaves_the_old_one_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        fs::write(&path, "old").unwrap();
        let mut file = OutputFile::create(&path).unwrap();
        file.write_all(b"half").unwrap();
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(file);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn devices_are_written_not_replaced() {
        write(Path::new("/dev/null"), "gone").unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
        let full = Path::new("/dev/full");
        if full.exists() {
            let error = write(full, &"x".repeat(100_000)).unwrap_err();
            assert_eq!(error.raw_os_error(), Some(28), "{error}");
            assert!(!fs::metadata(full).unwrap().is_file());
        }
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write(dir.path(), "x").is_err());
    }
}
