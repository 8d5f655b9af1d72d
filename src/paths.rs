//! Paths as errlint compares them: globs relative to the folder that wrote them, and paths
//! made absolute lexically.
//!
//! A leaf module shared by settings, the walk and the baseline; it reads no file and never
//! prints.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Path globs with the folder they are relative to.
#[derive(Clone, Debug)]
pub struct PathGlobs {
    pub set: GlobSet,
    pub base: PathBuf,
}

impl PathGlobs {
    pub fn new(patterns: &[String], base: &Path, what: &str) -> Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .with_context(|| format!("{what}: {pattern:?} is not a valid glob"))?;
            builder.add(glob);
        }
        Ok(Self {
            set: builder
                .build()
                .with_context(|| format!("{what}: globs do not compile"))?,
            base: absolute(base),
        })
    }

    /// True when `path` (as given or found by a walk) matches, relative to the base folder.
    pub fn matches(&self, path: &Path) -> bool {
        let full = absolute(path);
        match full.strip_prefix(&self.base) {
            Ok(relative) => self.set.is_match(relative),
            Err(_) => self.set.is_match(path),
        }
    }
}

/// A path made absolute against the current directory, `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
