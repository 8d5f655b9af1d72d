//! Renderers: findings in, bytes out, one file per format behind one trait.
//!
//! Every format writes as findings arrive (`Stream`: begin, each finding in file order,
//! end with the summary), so a report of a million findings never has to be held at once;
//! `Render::render` drives a stream over a whole `Report`. Renderers are pure: they never
//! read files, never decide exit codes, and escape every piece of captured text for their
//! medium (`escape.rs` for terminals and HTML). Reports that need the whole run (`html`,
//! `--statistics`) keep counts and what they draw, never every finding.

use std::io::{self, Write};

use crate::cli::OutputFormat;
use crate::diagnostic::{CheckedResponse, Diagnostic, Report, Summary};

pub mod concise;
pub mod escape;
mod fingerprint;
pub mod github;
mod gitlab;
mod group;
mod html;
mod human;
mod json;
mod jsonl;
mod junit;
pub mod sarif;
mod statistics;

/// How a renderer should look.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderConfig {
    pub color: bool,
    /// Print only the findings.
    pub quiet: bool,
}

/// A report being written: `begin`, every finding in order, then `end`.
pub trait Stream: Send {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn diagnostic(&mut self, diagnostic: &Diagnostic, out: &mut dyn Write) -> io::Result<()>;
    /// Closes the report. `checked` lists the checked responses when the run recorded them.
    fn end(
        &mut self,
        summary: &Summary,
        checked: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()>;
    /// True when the output must be flushed after every batch of findings, for a reader at
    /// the other end of a pipe (`jsonl`).
    fn flushes(&self) -> bool {
        false
    }
}

/// One output format.
pub trait Render: Sync {
    /// A new stream of this format.
    fn stream(&self, config: RenderConfig) -> Box<dyn Stream>;

    /// Writes a whole report.
    fn render(
        &self,
        report: &Report,
        config: &RenderConfig,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut stream = self.stream(*config);
        stream.begin(out)?;
        for diagnostic in &report.diagnostics {
            stream.diagnostic(diagnostic, out)?;
        }
        stream.end(&report.summary, &report.checked, out)
    }
}

/// The renderer of a format.
pub fn renderer(format: OutputFormat) -> &'static dyn Render {
    match format {
        OutputFormat::Human => &human::Human,
        OutputFormat::Concise => &concise::Concise,
        OutputFormat::Json => &json::Json,
        OutputFormat::Jsonl => &jsonl::Jsonl,
        OutputFormat::Sarif => &sarif::SarifFormat,
        OutputFormat::Junit => &junit::Junit,
        OutputFormat::Github => &github::Github,
        OutputFormat::Gitlab => &gitlab::Gitlab,
        OutputFormat::Html => &html::Html,
    }
}

/// The `--statistics` stream for a format: a table for people (`human`, `concise`) or a
/// JSON object (`json`); `None` for formats that have no statistics form.
pub fn statistics(format: OutputFormat, config: RenderConfig) -> Option<Box<dyn Stream>> {
    match format {
        OutputFormat::Human | OutputFormat::Concise => Some(Box::new(statistics::TextStatistics {
            quiet: config.quiet,
            counts: statistics::Counts::default(),
        })),
        OutputFormat::Json => Some(Box::new(statistics::JsonStatistics::default())),
        _ => None,
    }
}

/// The summary line of the human and concise formats.
pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {} ({} checked, {} skipped): {}, {}",
        plural(summary.files, "file"),
        plural(summary.responses, "response"),
        summary.checked,
        summary.skipped,
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    );
    if summary.baselined > 0 || summary.baseline_stale > 0 {
        line.push_str(&format!(
            "; {} hidden by the baseline",
            plural(summary.baselined, "finding")
        ));
        if summary.baseline_stale > 0 {
            let entries = if summary.baseline_stale == 1 {
                "entry"
            } else {
                "entries"
            };
            line.push_str(&format!(
                ", {} baseline {entries} no longer found (refresh it with --write-baseline)",
                summary.baseline_stale
            ));
        }
    }
    if summary.unrecognized_files > 0 {
        line.push_str(&format!(
            "; {} in no known format skipped",
            plural(summary.unrecognized_files, "file")
        ));
    }
    line
}

#[cfg(test)]
pub(crate) mod tests {
    //! One shared report rendered in every format.
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Diagnostic, RequestInfo};
    use crate::excerpt::Excerpt;
    use crate::rules::Severity;

    pub fn sample_report() -> Report {
        let file: Arc<str> = Arc::from("captures/orders.har");
        let mismatch = Diagnostic {
            rule: "status-type-mismatch",
            severity: Severity::Error,
            message: "status 429 requires type \"rate_limit\", found \"api\"".into(),
            file: file.clone(),
            line: 1532,
            column: 9,
            response: 41,
            pointer: Some("/type".into()),
            keyword: None,
            status: Some(429),
            request: Some(Arc::new(RequestInfo {
                method: Some("GET".into()),
                url: Some("https://api.example.com/v1/orders".into()),
                template: None,
            })),
            label: Some("expected \"rate_limit\"".into()),
            help: Some("set \"type\" to \"rate_limit\"".into()),
            excerpt: Some(Excerpt {
                text: "{\"type\":\"api\",\"code\":\"slow_down\"}".into(),
                first_line: None,
                span: 8..13,
            }),
            id: None,
        };
        let hostile = Diagnostic {
            rule: "code-format",
            severity: Severity::Warning,
            message: "code \"\u{1b}[31mX\" is not snake_case".into(),
            file: Arc::from("odd\u{1b}]0;name\u{7}.json"),
            line: 3,
            column: 12,
            response: 0,
            pointer: Some("/code".into()),
            keyword: None,
            status: Some(400),
            request: None,
            label: None,
            help: None,
            excerpt: Some(Excerpt {
                text: "  \"code\": \"\\u{1b}[31mX\",".into(),
                first_line: Some(3),
                span: 10..24,
            }),
            id: None,
        };
        Report {
            diagnostics: vec![Box::new(mismatch), Box::new(hostile)],
            summary: Summary {
                files: 2,
                responses: 120,
                checked: 80,
                skipped: 40,
                errors: 1,
                warnings: 1,
                unrecognized_files: 0,
                baselined: 0,
                baseline_stale: 0,
            },
            checked: Vec::new(),
        }
    }

    pub fn render_to_string(format: OutputFormat, config: RenderConfig) -> String {
        let mut out = Vec::new();
        renderer(format)
            .render(&sample_report(), &config, &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn summary_line_counts_everything() {
        assert_eq!(
            summary_line(&sample_report().summary),
            "2 files, 120 responses (80 checked, 40 skipped): 1 error, 1 warning"
        );
    }

    #[test]
    fn no_format_lets_an_escape_character_through() {
        for format in OutputFormat::ALL {
            let text = render_to_string(format, RenderConfig::default());
            assert!(!text.contains('\u{1b}'), "{format:?} leaked ESC:\n{text}");
            assert!(!text.contains('\u{7}'), "{format:?} leaked BEL");
        }
    }
}
