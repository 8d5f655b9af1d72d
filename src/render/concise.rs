//! `concise`: `FILE:LINE:COL: SEVERITY[rule] message`, one line per finding (docs/output-formats.md).

use std::io::{self, Write};

use super::escape::escape_line;
use super::{Render, RenderConfig, Stream, summary_line};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};

pub struct Concise;

/// One finding as `FILE:LINE:COL: SEVERITY[rule] message`, escaped for a terminal; also the
/// line other formats use to list findings as text.
pub fn concise_line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {}[{}] {}",
        escape_line(&d.file),
        d.line,
        d.column,
        d.severity,
        d.rule,
        escape_line(&d.message)
    )
}

impl Render for Concise {
    fn stream(&self, config: RenderConfig) -> Box<dyn Stream> {
        Box::new(ConciseStream { config })
    }
}

struct ConciseStream {
    config: RenderConfig,
}

impl Stream for ConciseStream {
    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", concise_line(d))
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if !self.config.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::OutputFormat;
    use crate::render::RenderConfig;
    use crate::render::tests::render_to_string;

    #[test]
    fn one_line_per_finding_then_the_summary() {
        let text = render_to_string(OutputFormat::Concise, RenderConfig::default());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "captures/orders.har:1532:9: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\""
        );
        assert_eq!(
            lines[1],
            "odd\\u{1b}]0;name\\u{7}.json:3:12: warning[code-format] code \"\\u{1b}[31mX\" is not snake_case"
        );
        assert!(lines[2].starts_with("2 files"));
        let quiet = render_to_string(
            OutputFormat::Concise,
            RenderConfig {
                quiet: true,
                ..RenderConfig::default()
            },
        );
        assert_eq!(quiet.lines().count(), 2);
    }
}
