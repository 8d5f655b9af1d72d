//! What the pipeline produces: owned diagnostics and the run's summary.
//!
//! A `Diagnostic` carries everything any renderer shows, already located and excerpted, so
//! renderers stay pure functions of the findings they are given. The stable json wire shape
//! lives with the json renderer, not here.

use std::borrow::Cow;
use std::sync::Arc;

use crate::excerpt::Excerpt;
use crate::response::RecordId;
use crate::rules::Severity;

/// The request a response answered, as reports show it: the URL has no query string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestInfo {
    pub method: Option<String>,
    pub url: Option<String>,
    /// The path template of the request's operation (`/v1/customers/{id}`) when an API
    /// description names it; reports then count findings by it instead of guessing one
    /// from the URL (`endpoint.rs`).
    pub template: Option<String>,
}

/// One finding, located in a file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The path as given or as found by the walk (`-` or `--stdin-filename` for stdin).
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    /// 0-based index of the response inside its file.
    pub response: usize,
    /// RFC 6901 pointer into the body, when the finding is about a part of it.
    /// Mostly a constant (`/type`), so shared rather than allocated per finding.
    pub pointer: Option<Cow<'static, str>>,
    /// What tells apart findings of one rule at one pointer: the schema keyword that failed
    /// (`type`, `enum`) for `schema` findings. Part of a finding's identity (fingerprints).
    pub keyword: Option<Cow<'static, str>>,
    pub status: Option<i64>,
    /// Shared by all findings on one response.
    pub request: Option<Arc<RequestInfo>>,
    pub label: Option<Cow<'static, str>>,
    pub help: Option<Cow<'static, str>>,
    pub excerpt: Option<Excerpt>,
    /// The record's `id` when its capture gave one (an NDJSON envelope's).
    pub id: Option<RecordId>,
}

impl Diagnostic {
    /// The order reports list diagnostics in: by file (in input order, kept by the caller),
    /// then response, then position, then rule.
    pub fn sort_key(&self) -> (usize, u32, u32, &'static str, &str) {
        (
            self.response,
            self.line,
            self.column,
            self.rule,
            &self.message,
        )
    }
}

/// Counts for the summary line and the json `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Capture files read.
    pub files: usize,
    /// Responses found in them.
    pub responses: usize,
    /// Responses the rules looked at.
    pub checked: usize,
    /// Responses not checked: 1xx and 3xx, failed requests (status 0 or below), HAR page
    /// assets and entries outside `--url`.
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files found by a directory walk in no format errlint knows.
    pub unrecognized_files: usize,
    /// Findings hidden because the baseline records them.
    pub baselined: usize,
    /// Baseline entries that no longer occur (the baseline can be refreshed).
    pub baseline_stale: usize,
}

impl Summary {
    pub fn add(&mut self, other: &Summary) {
        self.files += other.files;
        self.responses += other.responses;
        self.checked += other.checked;
        self.skipped += other.skipped;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.unrecognized_files += other.unrecognized_files;
        self.baselined += other.baselined;
        self.baseline_stale += other.baseline_stale;
    }
}

/// A response the rules looked at, for formats that list every check (JUnit).
#[derive(Clone, Debug)]
pub struct CheckedResponse {
    pub file: Arc<str>,
    pub response: usize,
    pub line: u32,
    pub column: u32,
    pub status: Option<i64>,
    pub request: Option<RequestInfo>,
}

/// Everything a renderer needs.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Boxed, so that merging the lists of parts and files moves pointers, not findings.
    pub diagnostics: Vec<Box<Diagnostic>>,
    pub summary: Summary,
    /// Every checked response, in file order; filled only when the format lists them.
    pub checked: Vec<CheckedResponse>,
}
