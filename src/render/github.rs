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
use super::{Render, RenderConfig, summary_line};
use crate::diagnostic::{Diagnostic, Report};
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
    fn render(
        &self,
        report: &Report,
        config: &RenderConfig,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let diagnostics = &report.diagnostics;
        if !diagnostics.is_empty() {
            let token = stop_token();
            writeln!(out, "::group::errlint: {} findings", diagnostics.len())?;
            writeln!(out, "::stop-commands::{token}")?;
            for d in diagnostics {
                writeln!(out, "{}", concise_line(d))?;
            }
            writeln!(out, "::{token}::")?;
            writeln!(out, "::endgroup::")?;
        }
        let mut shown = 0;
        for severity in [Severity::Error, Severity::Warning] {
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .take(ANNOTATIONS_PER_LEVEL)
            {
                writeln!(out, "{}", annotation(d))?;
                shown += 1;
            }
        }
        if shown < diagnostics.len() {
            writeln!(
                out,
                "::notice title=errlint::{} more findings are not shown as annotations (GitHub shows {} errors and {} warnings per step); all {} are listed in the \"errlint\" group of this step's log",
                diagnostics.len() - shown,
                ANNOTATIONS_PER_LEVEL,
                ANNOTATIONS_PER_LEVEL,
                diagnostics.len()
            )?;
        }
        if !config.quiet {
            writeln!(out, "{}", summary_line(&report.summary))?;
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
