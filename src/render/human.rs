//! `human`: rustc-style diagnostics with the body shown and the field pointed at, then the
//! summary line. Built with annotate-snippets, as cargo and typos build theirs.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::escape::escape_line;
use super::{Render, RenderConfig, Stream, summary_line};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::rules::Severity;

pub struct Human;

impl Render for Human {
    fn stream(&self, config: RenderConfig) -> Box<dyn Stream> {
        let renderer = if config.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Box::new(HumanStream { config, renderer })
    }
}

struct HumanStream {
    config: RenderConfig,
    renderer: Renderer,
}

impl Stream for HumanStream {
    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}\n", render_one(&self.renderer, d))
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if self.config.quiet {
            return Ok(());
        }
        let style = match (summary.errors, summary.warnings) {
            (0, 0) => Style::new().fg_color(Some(AnsiColor::Green.into())),
            (0, _) => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            _ => Style::new().fg_color(Some(AnsiColor::Red.into())),
        }
        .bold();
        let line = summary_line(summary);
        if self.config.color {
            writeln!(out, "{style}{line}{style:#}")
        } else {
            writeln!(out, "{line}")
        }
    }
}

fn render_one(renderer: &Renderer, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = escape_line(&d.message);
    let file = escape_line(&d.file);
    let mut group = Group::with_title(level.clone().primary_title(message.as_ref()).id(d.rule))
        .element(
            Origin::path(file.as_ref())
                .line(d.line as usize)
                .char_column(d.column as usize),
        );
    let label = d.label.as_deref().map(escape_line);
    if let Some(excerpt) = &d.excerpt {
        let mut annotation = AnnotationKind::Primary.span(excerpt.span.clone());
        if let Some(label) = &label {
            annotation = annotation.label(label.as_ref());
        }
        let snippet = Snippet::source(excerpt.text.as_str())
            .fold(false)
            .annotation(annotation);
        let snippet = match excerpt.first_line {
            Some(line) => snippet.line_start(line as usize),
            None => snippet.line_numbering(false),
        };
        group = group.element(snippet);
    }
    let context = context_note(d);
    group = group.element(Level::NOTE.message(context));
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(escape_line(help).into_owned()));
    }
    drop_secondary_file_markers(&renderer.render(&[group]))
}

/// annotate-snippets marks a snippet without a path that follows an `Origin` as coming from
/// a second file (`:::`). Ours is the same response's body, so the marker line goes.
fn drop_secondary_file_markers(rendered: &str) -> String {
    rendered
        .lines()
        .filter(|line| strip_ansi(line).trim() != ":::")
        .collect::<Vec<_>>()
        .join("\n")
}

/// The visible text of a line of styled output.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequences end with a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `response 41 (GET https://api.example.com/v1/orders), status 429, at /type`.
fn context_note(d: &Diagnostic) -> String {
    let mut note = format!("response {}", d.response);
    if let Some(request) = &d.request {
        let parts: Vec<String> = [request.method.as_deref(), request.url.as_deref()]
            .into_iter()
            .flatten()
            .map(|p| escape_line(p).into_owned())
            .collect();
        if !parts.is_empty() {
            note.push_str(&format!(" ({})", parts.join(" ")));
        }
    }
    if let Some(status) = d.status {
        note.push_str(&format!(", status {status}"));
    }
    if let Some(pointer) = &d.pointer {
        let pointer = if pointer.is_empty() {
            "the body".to_string()
        } else {
            escape_line(pointer).into_owned()
        };
        note.push_str(&format!(", at {pointer}"));
    }
    note
}

#[cfg(test)]
mod tests {
    use crate::cli::OutputFormat;
    use crate::render::RenderConfig;
    use crate::render::tests::render_to_string;

    #[test]
    fn rustc_style_with_location_snippet_and_help() {
        let text = render_to_string(OutputFormat::Human, RenderConfig::default());
        assert!(text.contains("error[status-type-mismatch]: status 429 requires type \"rate_limit\", found \"api\""), "{text}");
        assert!(text.contains("--> captures/orders.har:1532:9"), "{text}");
        assert!(
            text.contains("{\"type\":\"api\",\"code\":\"slow_down\"}"),
            "{text}"
        );
        assert!(text.contains("^^^^^ expected \"rate_limit\""), "{text}");
        assert!(
            text.contains(
                "response 41 (GET https://api.example.com/v1/orders), status 429, at /type"
            ),
            "{text}"
        );
        assert!(
            text.contains("help: set \"type\" to \"rate_limit\""),
            "{text}"
        );
        assert!(text.trim_end().ends_with("1 error, 1 warning"), "{text}");
        assert!(!text.contains(":::"), "{text}");
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = render_to_string(OutputFormat::Human, RenderConfig::default());
        assert!(!plain.contains("\u{1b}["));
        let coloured = render_to_string(
            OutputFormat::Human,
            RenderConfig {
                color: true,
                quiet: false,
            },
        );
        assert!(coloured.contains("\u{1b}["));
        assert!(!coloured.contains(":::"));
    }
}
