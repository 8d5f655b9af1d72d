//! Baselines: adopting errlint on captures that already break the contract (docs/configuration.md).
//!
//! A baseline records findings by file, response index, rule and pointer, never by line or
//! column, so reformatting a capture keeps them matched. The file is sorted, pretty JSON with
//! a trailing newline, so it diffs well and is fit to commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::paths::absolute;

/// The version of the baseline file's shape.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding (with how many identical ones there were).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    response: usize,
    rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

type Key = (String, usize, String, Option<String>);

/// A loaded baseline, keyed for matching.
pub struct Baseline {
    dir: PathBuf,
    remaining: BTreeMap<Key, usize>,
    known: usize,
}

/// A file's name in a baseline: relative to the baseline's folder when it lies below it, so
/// the baseline works from any working directory; `/` separators on every platform.
fn key_path(file: &str, dir: &Path) -> String {
    if file == "-" {
        return file.to_string();
    }
    let full = absolute(Path::new(file));
    match full.strip_prefix(dir) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => file.replace('\\', "/"),
    }
}

fn key_of(d: &Diagnostic, dir: &Path) -> Key {
    (
        key_path(&d.file, dir),
        d.response,
        d.rule.to_string(),
        d.pointer.as_deref().map(str::to_string),
    )
}

fn baseline_dir(path: &Path) -> PathBuf {
    absolute(
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )
}

/// Collects findings for `--write-baseline` as they are reported.
pub struct Recorder {
    dir: PathBuf,
    counts: BTreeMap<Key, usize>,
}

impl Recorder {
    /// A recorder for a baseline to be written at `path`.
    pub fn new(path: &Path) -> Self {
        Self {
            dir: baseline_dir(path),
            counts: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, diagnostic: &Diagnostic) {
        *self
            .counts
            .entry(key_of(diagnostic, &self.dir))
            .or_default() += 1;
    }

    /// The baseline file's text: sorted, with a trailing newline.
    pub fn render(self) -> String {
        let findings = self
            .counts
            .into_iter()
            .map(|((file, response, rule, pointer), count)| Entry {
                file,
                response,
                rule,
                pointer,
                count,
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&BaselineFile {
            version: VERSION,
            findings,
        })
        .unwrap_or_default();
        text.push('\n');
        text
    }
}

impl Baseline {
    /// Reads a baseline file; a missing or malformed one is an error (exit 2).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an errlint baseline", path.display()))?;
        anyhow::ensure!(
            file.version == VERSION,
            "{}: baseline version {} is not supported (expected {VERSION})",
            path.display(),
            file.version
        );
        let mut remaining = BTreeMap::new();
        for e in file.findings {
            *remaining
                .entry((e.file, e.response, e.rule, e.pointer))
                .or_default() += e.count;
        }
        Ok(Self {
            dir: baseline_dir(path),
            remaining,
            known: 0,
        })
    }

    /// True (and the entry used up) when the baseline records this finding.
    pub fn knows(&mut self, diagnostic: &Diagnostic) -> bool {
        match self.remaining.get_mut(&key_of(diagnostic, &self.dir)) {
            Some(left) if *left > 0 => {
                *left -= 1;
                self.known += 1;
                true
            }
            _ => false,
        }
    }

    /// How many findings the baseline hid so far.
    pub fn known(&self) -> usize {
        self.known
    }

    /// Recorded findings that no longer occur.
    pub fn stale(&self) -> usize {
        self.remaining.values().sum()
    }
}
