//! `human`: rustc-style diagnostics with the body shown and the field pointed at, then the
//! summary line. Built with annotate-snippets, as cargo and typos build theirs.
//!
//! Findings of one group (one rule, the same message, the same endpoint: `group.rs`) are
//! shown in full once, then as one line each twice more; the rest of the group is counted
//! on one line with a few of its locations at the end of the report, so the output still
//! streams in input order (docs/output-formats.md says why these numbers).

use std::collections::HashMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::escape::escape_line;
use super::group::{self, location};
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
        Box::new(HumanStream {
            config,
            renderer,
            groups: HashMap::new(),
            counted: Vec::new(),
        })
    }
}

/// Findings of a group shown one line each after the first, which is shown in full.
const SHOWN_AS_LINES: usize = 2;
/// Locations listed on a group's count line.
const LOCATIONS_LISTED: usize = 5;

struct HumanStream {
    config: RenderConfig,
    renderer: Renderer,
    /// Every group seen: how many findings it had, and its entry in `counted` once some
    /// were only counted.
    groups: HashMap<u64, (usize, Option<usize>)>,
    /// Groups with findings beyond those shown, in the order they were first seen.
    counted: Vec<Counted>,
}

/// A group whose later findings are counted, not shown.
struct Counted {
    /// When the group was first seen, for the order of the count lines.
    first_seen: usize,
    severity: Severity,
    rule: &'static str,
    message: String,
    endpoint: Option<String>,
    /// Findings counted, not shown.
    count: usize,
    locations: Vec<String>,
}

impl Stream for HumanStream {
    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        let key = group::key(d);
        let seen = self.groups.len();
        let (count, counted) = self.groups.entry(key.hash).or_insert((0, None));
        *count += 1;
        if *count == 1 {
            return writeln!(out, "{}\n", render_one(&self.renderer, d));
        }
        if *count <= 1 + SHOWN_AS_LINES {
            let level = self.level(d.severity);
            return writeln!(
                out,
                "{level}[{}]: {} at {} (response {}; shown above)\n",
                d.rule,
                escape_line(&d.message),
                escape_line(&location(d)),
                d.response,
            );
        }
        let index = *counted.get_or_insert_with(|| {
            self.counted.push(Counted {
                first_seen: seen,
                severity: d.severity,
                rule: d.rule,
                message: d.message.clone(),
                endpoint: key.endpoint,
                count: 0,
                locations: Vec::new(),
            });
            self.counted.len() - 1
        });
        if let Some(group) = self.counted.get_mut(index) {
            group.count += 1;
            if group.locations.len() < LOCATIONS_LISTED {
                group.locations.push(location(d));
            }
        }
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.counted.sort_by_key(|group| group.first_seen);
        for group in &self.counted {
            writeln!(out, "{}", count_line(&self.level(group.severity), group))?;
        }
        if !self.counted.is_empty() {
            writeln!(out)?;
        }
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

/// `error[schema]: missing required field "param": 1234 more on GET /v1/customers/{id}, at
/// a.har:10:5, …`: one line for the rest of a group.
impl HumanStream {
    /// `error` or `warning`, coloured as annotate-snippets colours them when colour is on.
    fn level(&self, severity: Severity) -> String {
        let (name, color) = match severity {
            Severity::Error => ("error", AnsiColor::BrightRed),
            Severity::Warning => ("warning", AnsiColor::BrightYellow),
        };
        if self.config.color {
            let style = Style::new().fg_color(Some(color.into())).bold();
            format!("{style}{name}{style:#}")
        } else {
            name.to_string()
        }
    }
}

fn count_line(level: &str, group: &Counted) -> String {
    let on = group
        .endpoint
        .as_deref()
        .map(|e| format!(" on {}", escape_line(e)))
        .unwrap_or_default();
    let locations: Vec<String> = group
        .locations
        .iter()
        .map(|l| escape_line(l).into_owned())
        .collect();
    let unlisted = group.count - group.locations.len();
    let rest = if unlisted > 0 {
        format!(" and {unlisted} more")
    } else {
        String::new()
    };
    format!(
        "{level}[{}]: {}: {} more{on}, at {}{rest}",
        group.rule,
        escape_line(&group.message),
        group.count,
        locations.join(", "),
    )
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
    use crate::render::tests::render_to_string;
    use crate::render::{Render as _, RenderConfig};

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

    /// The human report of the sample's first finding repeated `times` times.
    fn repeated(times: usize) -> String {
        let report = crate::render::tests::sample_report();
        let mut stream = super::Human.stream(RenderConfig::default());
        let mut out = Vec::new();
        for _ in 0..times {
            stream.diagnostic(&report.diagnostics[0], &mut out).unwrap();
        }
        stream.end(&report.summary, &[], &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_few_repeats_are_shown_and_more_are_counted() {
        let three = repeated(3);
        assert_eq!(
            three.matches("--> captures/orders.har:1532:9").count(),
            1,
            "{three}"
        );
        assert_eq!(
            three.matches("(response 41; shown above)").count(),
            2,
            "{three}"
        );
        assert!(!three.contains("more on"), "{three}");
        let ten = repeated(10);
        assert_eq!(
            ten.matches("(response 41; shown above)").count(),
            2,
            "{ten}"
        );
        assert!(
            ten.contains(
                "error[status-type-mismatch]: status 429 requires type \"rate_limit\", found \"api\": \
7 more on GET /v1/orders, at captures/orders.har:1532:9, captures/orders.har:1532:9, \
captures/orders.har:1532:9, captures/orders.har:1532:9, captures/orders.har:1532:9 and 2 more\n"
            ),
            "{ten}"
        );
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
