//! Rule docs pages for `errlint rule NAME` and `errlint rules`, from each rule's fixed
//! sections (what it does, why it matters, example, instead), and the same pages as
//! Markdown for `docs/rules.md` (a test keeps that file equal to `markdown()`).

use std::fmt::Write as _;

use crate::rules::{RULES, Rule};

/// One rule's page as plain text.
pub fn page(rule: &Rule) -> String {
    let scope = if rule.checks_success {
        "checks 2xx too"
    } else {
        "checks 4xx/5xx"
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", rule.name);
    let _ = writeln!(
        out,
        "{} (default severity: {}; {scope})\n",
        rule.summary, rule.default_severity
    );
    for (heading, text) in [
        ("What it does", rule.docs.what_it_does),
        ("Why it matters", rule.docs.why),
        ("Example", rule.docs.example),
        ("Instead", rule.docs.instead),
    ] {
        let _ = writeln!(out, "## {heading}\n");
        if heading == "Example" {
            for line in text.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.push('\n');
        } else {
            let _ = writeln!(out, "{text}\n");
        }
    }
    let _ = writeln!(
        out,
        "Configure it in errlint.toml: [rules] {} = \"error\" | \"warning\" | \"off\"",
        rule.name
    );
    out
}

/// Every rule's page, separated by a blank line.
pub fn all_pages() -> String {
    RULES
        .iter()
        .map(|rule| page(rule))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every rule's page as Markdown: the body of `docs/rules.md`.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Rules\n\n<!-- Generated from the rules' own docs (src/rules/). Do not edit: run \
`UPDATE_DOCS=1 cargo test --test docs` after changing a rule. -->\n\n\
Each rule has a stable name, used in reports, in `errlint.toml` (`[rules]`, `[[overrides]]`) \
and by `errlint rule NAME`, which prints the same page in a terminal. Responses with a 1xx or \
3xx status are not checked (except a 304 by `body-on-no-content`); 2xx responses only by the \
rules marked \"2xx too\". Severities are configurable: see [configuration](configuration.md).\n\n\
| rule | default | checks | fires when |\n|---|---|---|---|\n",
    );
    for rule in RULES {
        let scope = if rule.checks_success {
            "2xx too"
        } else {
            "4xx/5xx"
        };
        let _ = writeln!(
            out,
            "| [`{name}`](#{name}) | {} | {scope} | {} |",
            rule.default_severity,
            rule.summary,
            name = rule.name
        );
    }
    for rule in RULES {
        let _ = write!(
            out,
            "\n## {}\n\n{} (default severity: {}).\n\n",
            rule.name, rule.summary, rule.default_severity
        );
        for (heading, text) in [
            ("What it does", rule.docs.what_it_does),
            ("Why it matters", rule.docs.why),
        ] {
            let _ = write!(out, "### {heading}\n\n{}\n\n", markdown_text(text));
        }
        let _ = write!(
            out,
            "### Example\n\n```http\n{}\n```\n\n### Instead\n\n{}\n\n",
            rule.docs.example,
            markdown_text(rule.docs.instead)
        );
        let _ = writeln!(
            out,
            "Configure it in `errlint.toml`: `[rules] {} = \"error\" | \"warning\" | \"off\"`.",
            rule.name
        );
    }
    out
}

/// A docs section as Markdown: paragraphs that are a body or a header line become code
/// blocks, the rest stays prose.
fn markdown_text(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            let code = paragraph.starts_with(['{', '['])
                || paragraph.starts_with("HTTP/")
                || paragraph.starts_with("Content-Type:");
            if code {
                format!("```\n{paragraph}\n```")
            } else {
                paragraph.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One line per rule: name, default severity, summary.
pub fn table() -> String {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        let _ = writeln!(
            out,
            "{:width$}  {:7}  {}",
            rule.name,
            rule.default_severity.as_str(),
            rule.summary
        );
    }
    out
}

/// The rule name closest to a mistyped one, for "did you mean".
pub fn closest_rule(name: &str) -> Option<&'static str> {
    closest(name, RULES.iter().map(|r| r.name))
}

/// The candidate closest to a mistyped name, if any is close (edit distance up to 3).
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (strsim_distance(name, c), c))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance, small inputs only.
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_every_section() {
        let page = page(crate::rules::find("schema").unwrap());
        for heading in [
            "# schema",
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Instead",
        ] {
            assert!(page.contains(heading), "{heading}");
        }
    }

    #[test]
    fn suggests_close_rule_names() {
        assert_eq!(
            closest_rule("status-type-mismatc"),
            Some("status-type-mismatch")
        );
        assert_eq!(closest_rule("shema"), Some("schema"));
        assert_eq!(closest_rule("completely-different"), None);
    }
}
