//! `html`: one self-contained page that opens offline in any browser — the summary, a matrix
//! of endpoints by rules with counts, then each group of findings (`group.rs`) with a few
//! examples: message, location, status, request and the body excerpt with the offending
//! value marked.
//!
//! The page holds no script and fetches nothing: its Content-Security-Policy forbids every
//! source but inline style and `data:` images, and every captured string goes through
//! `escape::html`. It must stay usable for tens of thousands of findings, so it keeps a few
//! examples for each of the first groups and counts for the rest, and draws a bounded
//! number of groups.
//! Everything is written at the end, because the summary and the matrix come first.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::{html, html_block};
use super::group::{self, location};
use super::statistics::{Counts, NO_REQUEST, rule_order};
use super::{Render, RenderConfig, Stream, summary_line};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::excerpt::Excerpt;
use crate::rules::Severity;

pub struct Html;

impl Render for Html {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(HtmlStream::default())
    }
}

/// Groups kept with their examples while the run goes on; later groups are only counted.
const MAX_GROUPS_KEPT: usize = 10_000;
/// Groups drawn, the biggest, so the page stays quick to open.
const MAX_GROUPS_DRAWN: usize = 1000;
/// Examples drawn in full for each group.
const EXAMPLES_PER_GROUP: usize = 3;
/// Further locations listed for each group.
const LOCATIONS_PER_GROUP: usize = 20;
/// Rows of the endpoints × rules matrix; the rest are summed on one row.
const MAX_MATRIX_ROWS: usize = 200;
/// Longest URL shown, in characters.
const MAX_URL_CHARS: usize = 300;
/// Longest message, help or label shown, in characters: a message may quote a captured value.
const MAX_TEXT_CHARS: usize = 2000;
/// Groups open when the page loads.
const GROUPS_OPEN: usize = 3;

#[derive(Default)]
struct HtmlStream {
    counts: Counts,
    /// Every group seen, with its index in `drawn` when it is kept.
    groups: HashMap<u64, Option<usize>>,
    /// Groups kept with their examples, in the order first seen; the `MAX_GROUPS_DRAWN`
    /// biggest are drawn.
    drawn: Vec<DrawnGroup>,
    /// Groups past `MAX_GROUPS_KEPT`, and their findings.
    undrawn_groups: usize,
    undrawn_findings: usize,
}

struct DrawnGroup {
    severity: Severity,
    rule: &'static str,
    message: String,
    endpoint: Option<String>,
    help: Option<String>,
    count: usize,
    examples: Vec<Example>,
    locations: Vec<String>,
}

/// One finding drawn in full.
struct Example {
    location: String,
    response: usize,
    status: Option<i64>,
    request: Option<String>,
    pointer: Option<String>,
    label: Option<String>,
    excerpt: Option<Excerpt>,
}

impl Stream for HtmlStream {
    fn diagnostic(&mut self, d: &Diagnostic, _: &mut dyn Write) -> io::Result<()> {
        self.counts.add(d);
        let key = group::key(d);
        let slot = match self.groups.get(&key.hash) {
            Some(slot) => *slot,
            None => {
                let slot = (self.drawn.len() < MAX_GROUPS_KEPT).then(|| {
                    self.drawn.push(DrawnGroup {
                        severity: d.severity,
                        rule: d.rule,
                        message: d.message.clone(),
                        endpoint: key.endpoint,
                        help: d.help.as_deref().map(str::to_string),
                        count: 0,
                        examples: Vec::new(),
                        locations: Vec::new(),
                    });
                    self.drawn.len() - 1
                });
                if slot.is_none() {
                    self.undrawn_groups += 1;
                }
                self.groups.insert(key.hash, slot);
                slot
            }
        };
        let Some(group) = slot.and_then(|index| self.drawn.get_mut(index)) else {
            self.undrawn_findings += 1;
            return Ok(());
        };
        group.count += 1;
        if group.examples.len() < EXAMPLES_PER_GROUP {
            group.examples.push(example(d));
        } else if group.locations.len() < LOCATIONS_PER_GROUP {
            group.locations.push(location(d));
        }
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut page = String::with_capacity(64 * 1024);
        head(&mut page, summary);
        summary_section(&mut page, summary);
        self.matrix(&mut page);
        self.findings(&mut page);
        page.push_str("</main>\n</body>\n</html>\n");
        out.write_all(page.as_bytes())
    }
}

fn example(d: &Diagnostic) -> Example {
    Example {
        location: location(d),
        response: d.response,
        status: d.status,
        request: d.request.as_ref().map(|r| {
            let parts: Vec<&str> = [r.method.as_deref(), r.url.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            cut(&parts.join(" "), MAX_URL_CHARS)
        }),
        pointer: d.pointer.as_deref().map(str::to_string),
        label: d.label.as_deref().map(str::to_string),
        excerpt: d.excerpt.clone(),
    }
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Nothing may leave the page: no script, frame, font, request or form target; only inline
/// style and `data:` images.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE: &str = "
:root { color-scheme: light dark; --err: #c62828; --warn: #a86b00; --line: #8884; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; }
header, main { padding: 0 24px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 22px; margin: 20px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
code, pre, .mono { font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace; font-size: 13px; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.counts div { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; }
.counts b { display: block; font-size: 20px; }
.errors b { color: var(--err); } .warnings b { color: var(--warn); }
table.matrix { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
.matrix th.endpoint { text-align: left; font-weight: normal; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; max-width: 520px; overflow-wrap: anywhere; }
.matrix thead th { vertical-align: bottom; font-size: 12px; }
.matrix thead th:first-child { text-align: left; }
.matrix td.h1 { background: #c6282812; } .matrix td.h2 { background: #c6282828; }
.matrix td.h3 { background: #c6282845; } .matrix td.h4 { background: #c6282870; }
.matrix tfoot td, .matrix tfoot th { font-weight: bold; }
details.group { border: 1px solid var(--line); border-left: 4px solid var(--warn); border-radius: 4px; margin: 8px 0; padding: 4px 10px; }
details.group.error { border-left-color: var(--err); }
summary { cursor: pointer; }
.sev { font-weight: bold; } .error .sev { color: var(--err); } .warning .sev { color: var(--warn); }
.badge { border-radius: 10px; background: #8882; padding: 0 8px; margin-left: 6px; }
.example { border-top: 1px dashed var(--line); margin-top: 6px; padding-top: 4px; }
.where { color: #888; overflow-wrap: anywhere; }
pre { background: #8881; padding: 8px; overflow-x: auto; white-space: pre; }
mark { background: #ffd54f; color: #000; border-radius: 2px; }
.label { color: var(--err); }
.more, .note { color: #888; overflow-wrap: anywhere; }
";

fn head(page: &mut String, summary: &Summary) {
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>errlint report: {} errors, {} warnings</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        summary.errors, summary.warnings
    );
}

fn summary_section(page: &mut String, summary: &Summary) {
    let _ = write!(
        page,
        "<header>\n<h1>errlint report</h1>\n<p id=\"summary\">{}</p>\n<div class=\"counts\">",
        html(&summary_line(summary))
    );
    for (class, label, value) in [
        ("files", "files", summary.files),
        ("responses", "responses", summary.responses),
        ("checked", "checked", summary.checked),
        ("skipped", "skipped", summary.skipped),
        ("errors", "errors", summary.errors),
        ("warnings", "warnings", summary.warnings),
    ] {
        let _ = write!(
            page,
            "<div class=\"{class}\"><b id=\"count-{class}\">{value}</b>{label}</div>"
        );
    }
    page.push_str("</div>\n</header>\n<main>\n");
}

impl HtmlStream {
    /// The endpoints × rules matrix: rules that fired as columns, endpoints as rows, most
    /// findings first.
    fn matrix(&self, page: &mut String) {
        let rows = self.counts.endpoints();
        if rows.is_empty() {
            page.push_str("<p class=\"note\">No findings.</p>\n");
            return;
        }
        let mut rules: Vec<&'static str> = rows
            .iter()
            .map(|r| r.rule)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        rules.sort_by_key(|rule| rule_order(rule));
        // Endpoint → count per rule, and the total that orders the rows.
        let mut by_endpoint: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
        for row in &rows {
            let cells = by_endpoint
                .entry(row.endpoint.as_deref())
                .or_insert_with(|| vec![0; rules.len()]);
            if let Some(column) = rules.iter().position(|r| *r == row.rule)
                && let Some(cell) = cells.get_mut(column)
            {
                *cell += row.count;
            }
        }
        let mut endpoints: Vec<(Option<&str>, Vec<usize>, usize)> = by_endpoint
            .into_iter()
            .map(|(endpoint, cells)| {
                let total = cells.iter().sum();
                (endpoint, cells, total)
            })
            .collect();
        endpoints.sort_by(|a, b| (std::cmp::Reverse(a.2), a.0).cmp(&(std::cmp::Reverse(b.2), b.0)));

        let max = endpoints
            .iter()
            .flat_map(|(_, cells, _)| cells.iter().copied())
            .max()
            .unwrap_or(1);
        page.push_str(
            "<section id=\"matrix\">\n<h2>Endpoints by rule</h2>\n<table class=\"matrix\">\n<thead><tr><th>endpoint</th>",
        );
        for rule in &rules {
            let _ = write!(page, "<th class=\"rule\">{rule}</th>");
        }
        page.push_str("<th>total</th></tr></thead>\n<tbody>\n");
        let mut column_totals = vec![0usize; rules.len()];
        let mut rest: Option<(usize, Vec<usize>, usize)> = None;
        for (index, (endpoint, cells, total)) in endpoints.iter().enumerate() {
            for (sum, cell) in column_totals.iter_mut().zip(cells) {
                *sum += cell;
            }
            if index >= MAX_MATRIX_ROWS {
                let (count, sums, grand) = rest.get_or_insert_with(|| (0, vec![0; rules.len()], 0));
                *count += 1;
                for (sum, cell) in sums.iter_mut().zip(cells) {
                    *sum += cell;
                }
                *grand += total;
                continue;
            }
            let name = endpoint.map_or_else(|| NO_REQUEST.to_string(), |e| html(e).into_owned());
            let _ = write!(
                page,
                "<tr class=\"endpoint\"><th class=\"endpoint\">{name}</th>"
            );
            matrix_cells(page, cells, *total, max);
        }
        if let Some((count, sums, grand)) = rest {
            let _ = write!(
                page,
                "<tr class=\"rest\"><th class=\"endpoint\">{count} more endpoints</th>"
            );
            matrix_cells(page, &sums, grand, usize::MAX);
        }
        page.push_str("</tbody>\n<tfoot><tr><th class=\"endpoint\">all endpoints</th>");
        let grand: usize = column_totals.iter().sum();
        matrix_cells(page, &column_totals, grand, usize::MAX);
        page.push_str("</tfoot>\n</table>\n</section>\n");
    }

    fn findings(&mut self, page: &mut String) {
        // The biggest groups are drawn; they are shown errors first, then by size. Sorts are
        // stable: ties keep the order the groups were found in.
        self.drawn
            .sort_by_key(|g| (std::cmp::Reverse(g.count), std::cmp::Reverse(g.severity)));
        let skipped = self.drawn.split_off(self.drawn.len().min(MAX_GROUPS_DRAWN));
        self.drawn.sort_by_key(|g| {
            (
                std::cmp::Reverse(g.severity),
                std::cmp::Reverse(g.count),
                rule_order(g.rule),
            )
        });
        if self.drawn.is_empty() {
            return;
        }
        page.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
        for (index, group) in self.drawn.iter().enumerate() {
            group_html(page, group, index < GROUPS_OPEN);
        }
        let groups = self.undrawn_groups + skipped.len();
        let findings = self.undrawn_findings + skipped.iter().map(|g| g.count).sum::<usize>();
        if groups > 0 {
            let _ = writeln!(
                page,
                "<p class=\"note\">{groups} more groups with {findings} findings are counted above \
but not drawn; the json report lists every finding.</p>"
            );
        }
        page.push_str("</section>\n");
    }
}

/// One row's cells, shaded by their share of the largest cell (`max`) like a heat map.
fn matrix_cells(page: &mut String, cells: &[usize], total: usize, max: usize) {
    for cell in cells {
        if *cell == 0 {
            page.push_str("<td></td>");
        } else {
            let heat = match cell.saturating_mul(10) / max.max(1) {
                0 => 1,
                1..=2 => 2,
                3..=5 => 3,
                _ => 4,
            };
            let _ = write!(page, "<td class=\"h{heat}\">{cell}</td>");
        }
    }
    let _ = writeln!(page, "<td class=\"total\">{total}</td></tr>");
}

fn group_html(page: &mut String, group: &DrawnGroup, open: bool) {
    let severity = group.severity.as_str();
    let endpoint = group
        .endpoint
        .as_deref()
        .map_or_else(|| NO_REQUEST.to_string(), |e| html(e).into_owned());
    let _ = writeln!(
        page,
        "<details class=\"group {severity}\"{}><summary><span class=\"sev\">{severity}</span>[<code class=\"rule\">{}</code>]: \
<span class=\"message\">{}</span> <span class=\"where\">on <span class=\"mono\">{endpoint}</span></span>\
<span class=\"badge\">{} ×</span></summary>",
        if open { " open" } else { "" },
        group.rule,
        html(&cut(&group.message, MAX_TEXT_CHARS)),
        group.count,
    );
    if let Some(help) = &group.help {
        let _ = writeln!(
            page,
            "<p class=\"note\">help: {}</p>",
            html(&cut(help, MAX_TEXT_CHARS))
        );
    }
    for example in &group.examples {
        example_html(page, example);
    }
    let shown = group.examples.len() + group.locations.len();
    if !group.locations.is_empty() {
        let locations: Vec<String> = group
            .locations
            .iter()
            .map(|l| html(l).into_owned())
            .collect();
        let _ = write!(page, "<p class=\"more\">also at {}", locations.join(", "));
        if group.count > shown {
            let _ = write!(page, " and {} more", group.count - shown);
        }
        page.push_str("</p>\n");
    }
    page.push_str("</details>\n");
}

fn example_html(page: &mut String, example: &Example) {
    let mut where_ = vec![
        format!("<span class=\"mono\">{}</span>", html(&example.location)),
        format!("response {}", example.response),
    ];
    if let Some(status) = example.status {
        where_.push(format!("status {status}"));
    }
    if let Some(request) = &example.request {
        where_.push(format!("<span class=\"mono\">{}</span>", html(request)));
    }
    if let Some(pointer) = &example.pointer {
        let pointer = if pointer.is_empty() {
            "the body".to_string()
        } else {
            format!("<code>{}</code>", html(pointer))
        };
        where_.push(format!("at {pointer}"));
    }
    let _ = write!(
        page,
        "<div class=\"example\"><div class=\"where\">{}</div>",
        where_.join(" · ")
    );
    if let Some(excerpt) = &example.excerpt {
        page.push_str("<pre><code>");
        page.push_str(&marked(excerpt));
        page.push_str("</code></pre>");
        if let Some(label) = &example.label {
            let _ = write!(
                page,
                "<div class=\"label\">{}</div>",
                html(&cut(label, MAX_TEXT_CHARS))
            );
        }
    }
    page.push_str("</div>\n");
}

/// The excerpt with its span in `<mark>`; a span that falls outside the text marks nothing.
fn marked(excerpt: &Excerpt) -> String {
    let text = &excerpt.text;
    let (start, end) = (excerpt.span.start, excerpt.span.end);
    match (text.get(..start), text.get(start..end), text.get(end..)) {
        (Some(before), Some(span), Some(after)) => format!(
            "{}<mark>{}</mark>{}",
            html_block(before),
            html_block(span),
            html_block(after)
        ),
        _ => html_block(text),
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::OutputFormat;
    use crate::render::tests::render_to_string;
    use crate::render::{Render as _, RenderConfig};

    #[test]
    fn one_page_with_summary_matrix_and_findings() {
        let page = render_to_string(OutputFormat::Html, RenderConfig::default());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("default-src 'none'"), "{page}");
        assert!(page.contains("<b id=\"count-errors\">1</b>"), "{page}");
        assert!(
            page.contains("<tr class=\"endpoint\"><th class=\"endpoint\">GET /v1/orders</th>"),
            "{page}"
        );
        assert!(page.contains("<mark>&quot;api&quot;</mark>"), "{page}");
        assert!(
            page.contains("status 429 requires type &quot;rate_limit&quot;"),
            "{page}"
        );
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains('\u{1b}'));
    }

    #[test]
    fn big_runs_draw_a_bounded_number_of_groups_and_count_the_rest() {
        let sample = crate::render::tests::sample_report();
        let mut stream = super::Html.stream(RenderConfig::default());
        let mut out = Vec::new();
        let groups = super::MAX_GROUPS_DRAWN + 5;
        for n in 0..groups {
            let mut d = (*sample.diagnostics[1]).clone();
            d.message = format!("code \"X{n}\" is not snake_case");
            stream.diagnostic(&d, &mut out).unwrap();
        }
        // The biggest group is drawn though it was seen last.
        let mut big = (*sample.diagnostics[1]).clone();
        big.message = "code \"BIG\" is not snake_case".into();
        for _ in 0..10 {
            stream.diagnostic(&big, &mut out).unwrap();
        }
        stream.end(&sample.summary, &[], &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert_eq!(page.matches("<details").count(), super::MAX_GROUPS_DRAWN);
        assert!(page.contains("code &quot;BIG&quot; is not snake_case"));
        assert!(
            page.contains("6 more groups with 6 findings are counted above"),
            "{page}"
        );
    }
}
