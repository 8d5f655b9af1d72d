//! `github`: GitHub Actions workflow commands. The full list of findings goes to the log
//! inside a `stop-commands` block (so no captured text can run a command); then annotations
//! for the most severe findings, as many as GitHub shows per step, and a notice of the rest.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`): in data `%`, CR and LF
//! are percent-encoded; in properties also `:` and `,`. Control characters are first made
//! visible by `escape.rs`, so nothing captured can reach the log raw.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};

use super::concise::concise_line;
use super::escape::escape_line;
use super::{Render, RenderConfig, Stream, summary_line};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::rules::Severity;

pub struct Github;

/// GitHub shows at most this many error and this many warning annotations per step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// Escapes the data part of a workflow command (after `::`).
pub fn escape_data(text: &str) -> String {
    escape_line(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…,title=…`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// An unpredictable token for `stop-commands`, so captured text cannot end the block.
fn stop_token() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    hasher.write_u32(std::process::id());
    let high = hasher.finish();
    hasher.write_u64(high);
    format!("errlint-{high:016x}{:016x}", hasher.finish())
}

fn annotation(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(&d.file),
        d.line,
        d.column,
        escape_property(&format!("errlint {}", d.rule)),
        escape_data(&d.message)
    )
}

impl Render for Github {
    fn stream(&self, config: RenderConfig) -> Box<dyn Stream> {
        Box::new(GithubStream {
            config,
            token: None,
            total: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
        })
    }
}

/// Lists every finding inside a stop-commands block as it comes, keeps the first few of each
/// severity, and prints them as annotations at the end, errors first.
struct GithubStream {
    config: RenderConfig,
    /// Set once the stop-commands block is open.
    token: Option<String>,
    total: usize,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl Stream for GithubStream {
    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        if self.token.is_none() {
            let token = stop_token();
            writeln!(out, "::group::errlint findings")?;
            writeln!(out, "::stop-commands::{token}")?;
            self.token = Some(token);
        }
        writeln!(out, "{}", concise_line(d))?;
        self.total += 1;
        let kept = match d.severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
        };
        if kept.len() < ANNOTATIONS_PER_LEVEL {
            kept.push(annotation(d));
        }
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if let Some(token) = self.token.take() {
            writeln!(out, "::{token}::")?;
            writeln!(out, "::endgroup::")?;
        }
        for line in self.errors.iter().chain(&self.warnings) {
            writeln!(out, "{line}")?;
        }
        let shown = self.errors.len() + self.warnings.len();
        if shown < self.total {
            writeln!(
                out,
                "::notice title=errlint::{} more findings are not shown as annotations (GitHub shows {} errors and {} warnings per step); all {} are listed in the \"errlint findings\" group of this step's log",
                self.total - shown,
                ANNOTATIONS_PER_LEVEL,
                ANNOTATIONS_PER_LEVEL,
                self.total
            )?;
        }
        if !self.config.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::OutputFormat;
    use crate::render::tests::{render_to_string, sample_report};

    #[test]
    fn data_escaping_follows_the_runner() {
        assert_eq!(
            escape_data("100% done\r\nnext"),
            "100%25 done\\u{d}\\u{a}next"
        );
        assert_eq!(escape_data("a%0Ab"), "a%250Ab");
    }

    #[test]
    fn property_escaping_follows_the_runner() {
        assert_eq!(escape_property("dir/a,b:c%d.har"), "dir/a%2Cb%3Ac%25d.har");
        assert_eq!(escape_property("x\ny"), "x\\u{a}y");
    }

    #[test]
    fn annotations_then_summary() {
        let text = render_to_string(OutputFormat::Github, RenderConfig::default());
        assert!(text.contains("::error file=captures/orders.har,line=1532,col=9,title=errlint status-type-mismatch::status 429 requires type \"rate_limit\", found \"api\""), "{text}");
        assert!(
            text.contains("::warning file=odd\\u{1b}]0;name\\u{7}.json,line=3,col=12,"),
            "{text}"
        );
        // Every line outside the stop-commands block is errlint's own command or summary.
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("::stop-commands::") {
                inside = true;
            } else if inside && line.starts_with("::errlint-") {
                inside = false;
            } else if !inside {
                assert!(
                    line.starts_with("::") || line.starts_with("2 files"),
                    "{line}"
                );
            }
        }
    }

    #[test]
    fn too_many_findings_end_with_a_notice() {
        let mut report = sample_report();
        let first = report.diagnostics[0].clone();
        report.diagnostics = (0..25)
            .map(|i| {
                Box::new(Diagnostic {
                    response: i,
                    ..(*first).clone()
                })
            })
            .collect();
        let mut out = Vec::new();
        Github
            .render(&report, &RenderConfig::default(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error ")).count(),
            ANNOTATIONS_PER_LEVEL
        );
        assert!(
            text.contains("::notice title=errlint::15 more findings are not shown as annotations"),
            "{text}"
        );
    }
}
