//! `gitlab`: GitLab Code Quality JSON, an array of CodeClimate-style issues that GitLab shows
//! in merge requests (https://docs.gitlab.com/ci/testing/code_quality/).
//!
//! Each finding is one object with `description`, `check_name`, `fingerprint`, `severity`
//! and `location.path` / `location.lines.begin`. GitLab shows one finding per fingerprint, so
//! fingerprints are unique per finding and survive reformatting (`fingerprint.rs`). Severity:
//! error → `major`, warning → `minor` (docs/output-formats.md). Written as findings arrive.

use std::io::{self, Write};

use serde::Serialize;

use super::fingerprint::Fingerprints;
use super::{Render, RenderConfig, Stream};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::rules::Severity;

pub struct Gitlab;

impl Render for Gitlab {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(GitlabStream {
            written: 0,
            fingerprints: Fingerprints::default(),
        })
    }
}

#[derive(Serialize)]
struct Issue<'d> {
    description: String,
    check_name: &'d str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'d>,
}

#[derive(Serialize)]
struct IssueLocation<'d> {
    path: &'d str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

struct GitlabStream {
    written: usize,
    fingerprints: Fingerprints,
}

impl Stream for GitlabStream {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[")
    }

    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"\n  " } else { b",\n  " })?;
        let issue = Issue {
            description: description(d),
            check_name: d.rule,
            fingerprint: self.fingerprints.next(d),
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            },
            location: IssueLocation {
                // GitLab matches paths relative to the repository root.
                path: d.file.strip_prefix("./").unwrap_or(&d.file),
                lines: Lines { begin: d.line },
            },
        };
        serde_json::to_writer(&mut *out, &issue)?;
        self.written += 1;
        Ok(())
    }

    fn end(&mut self, _: &Summary, _: &[CheckedResponse], out: &mut dyn Write) -> io::Result<()> {
        let close = if self.written == 0 { "]" } else { "\n]" };
        writeln!(out, "{close}")
    }
}

/// The message, with where in the file it is: GitLab shows only the line.
fn description(d: &Diagnostic) -> String {
    let mut text = format!("{} (response {}", d.message, d.response);
    if let Some(pointer) = d.pointer.as_deref().filter(|p| !p.is_empty()) {
        text.push_str(&format!(", at {pointer}"));
    }
    text.push(')');
    text
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::cli::OutputFormat;
    use crate::render::RenderConfig;
    use crate::render::tests::render_to_string;

    #[test]
    fn code_quality_issues_with_the_required_fields() {
        let text = render_to_string(OutputFormat::Gitlab, RenderConfig::default());
        let issues: Value = serde_json::from_str(&text).unwrap();
        let issues = issues.as_array().unwrap();
        assert_eq!(issues.len(), 2);
        let first = &issues[0];
        assert_eq!(first["check_name"], "status-type-mismatch");
        assert_eq!(first["severity"], "major");
        assert_eq!(first["location"]["path"], "captures/orders.har");
        assert_eq!(first["location"]["lines"]["begin"], 1532);
        assert!(
            first["description"]
                .as_str()
                .unwrap()
                .starts_with("status 429 requires type")
        );
        assert_eq!(issues[1]["severity"], "minor");
        assert_ne!(first["fingerprint"], issues[1]["fingerprint"]);
    }
}
