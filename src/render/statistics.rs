//! `--statistics`: counts instead of findings — by rule, then by endpoint and rule, most
//! frequent first — as a table (`human`, `concise`) or a JSON object (`json`).
//!
//! The counts keep a few numbers per finding (rule, severity, endpoint), never the finding
//! itself, so a run of a million findings needs memory for its distinct endpoints only. The
//! html report draws its endpoints × rules matrix from the same counts.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use super::escape::escape_line;
use super::json::{VERSION, WireSummary, wire_summary};
use super::{Stream, summary_line};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::endpoint;
use crate::rules::{RULES, Severity};

/// Findings counted by rule and by endpoint and rule.
#[derive(Debug, Default)]
pub struct Counts {
    by_rule: BTreeMap<&'static str, RuleCount>,
    by_endpoint: HashMap<(Option<String>, &'static str), usize>,
}

/// How often one rule fired.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub count: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// How often one rule fired on one endpoint (`None`: responses without a request).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointCount {
    pub endpoint: Option<String>,
    pub rule: &'static str,
    pub count: usize,
}

impl Counts {
    pub fn add(&mut self, d: &Diagnostic) {
        let entry = self.by_rule.entry(d.rule).or_insert(RuleCount {
            rule: d.rule,
            ..RuleCount::default()
        });
        entry.count += 1;
        match d.severity {
            Severity::Error => entry.errors += 1,
            Severity::Warning => entry.warnings += 1,
        }
        let endpoint = endpoint::of(d.request.as_deref());
        *self.by_endpoint.entry((endpoint, d.rule)).or_insert(0) += 1;
    }

    /// Rules that fired, most frequent first; ties in the order of the rules list.
    pub fn rules(&self) -> Vec<RuleCount> {
        let mut rules: Vec<RuleCount> = self.by_rule.values().copied().collect();
        rules.sort_by_key(|r| (std::cmp::Reverse(r.count), rule_order(r.rule)));
        rules
    }

    /// Endpoint and rule pairs, most frequent first, then by endpoint and rule.
    pub fn endpoints(&self) -> Vec<EndpointCount> {
        let mut rows: Vec<EndpointCount> = self
            .by_endpoint
            .iter()
            .map(|((endpoint, rule), count)| EndpointCount {
                endpoint: endpoint.clone(),
                rule,
                count: *count,
            })
            .collect();
        rows.sort_by(|a, b| {
            (std::cmp::Reverse(a.count), &a.endpoint, rule_order(a.rule)).cmp(&(
                std::cmp::Reverse(b.count),
                &b.endpoint,
                rule_order(b.rule),
            ))
        });
        rows
    }
}

/// A rule's place in the rules list, so reports list rules in one order.
pub fn rule_order(rule: &str) -> usize {
    RULES
        .iter()
        .position(|r| r.name == rule)
        .unwrap_or(RULES.len())
}

/// What an endpoint shows as when the response had no request.
pub const NO_REQUEST: &str = "(no request)";

/// The statistics table, for people.
pub struct TextStatistics {
    pub quiet: bool,
    pub counts: Counts,
}

impl Stream for TextStatistics {
    fn diagnostic(&mut self, d: &Diagnostic, _: &mut dyn Write) -> io::Result<()> {
        self.counts.add(d);
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let rules = self.counts.rules();
        if !rules.is_empty() {
            let width = rules.iter().map(|r| r.rule.len()).max().unwrap_or(4).max(4);
            writeln!(out, "findings by rule:")?;
            writeln!(out, "{:>7}  {:width$}  severity", "count", "rule")?;
            for r in &rules {
                let severity = match (r.errors, r.warnings) {
                    (_, 0) => "error",
                    (0, _) => "warning",
                    _ => "error, warning",
                };
                writeln!(out, "{:>7}  {:width$}  {severity}", r.count, r.rule)?;
            }
            writeln!(out)?;
            writeln!(out, "findings by endpoint and rule:")?;
            writeln!(out, "{:>7}  {:width$}  endpoint", "count", "rule")?;
            for row in self.counts.endpoints() {
                let endpoint = row.endpoint.as_deref().unwrap_or(NO_REQUEST);
                writeln!(
                    out,
                    "{:>7}  {:width$}  {}",
                    row.count,
                    row.rule,
                    escape_line(endpoint)
                )?;
            }
            writeln!(out)?;
        }
        if !self.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// The statistics as one JSON object, for scripts.
#[derive(Default)]
pub struct JsonStatistics {
    pub counts: Counts,
}

#[derive(Serialize)]
struct WireStatistics {
    version: u32,
    rules: Vec<RuleCount>,
    endpoints: Vec<EndpointCount>,
    summary: WireSummary,
}

impl Stream for JsonStatistics {
    fn diagnostic(&mut self, d: &Diagnostic, _: &mut dyn Write) -> io::Result<()> {
        self.counts.add(d);
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let wire = WireStatistics {
            version: VERSION,
            rules: self.counts.rules(),
            endpoints: self.counts.endpoints(),
            summary: wire_summary(summary),
        };
        serde_json::to_writer_pretty(&mut *out, &wire)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::tests::sample_report;

    fn run(stream: &mut dyn Stream) -> String {
        let report = sample_report();
        let mut out = Vec::new();
        for d in &report.diagnostics {
            stream.diagnostic(d, &mut out).unwrap();
            stream.diagnostic(d, &mut out).unwrap();
        }
        stream.end(&report.summary, &[], &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_table_by_rule_then_by_endpoint() {
        let text = run(&mut TextStatistics {
            quiet: false,
            counts: Counts::default(),
        });
        assert!(
            text.contains("      2  status-type-mismatch  error\n"),
            "{text}"
        );
        assert!(
            text.contains("      2  code-format           warning\n"),
            "{text}"
        );
        assert!(
            text.contains("      2  status-type-mismatch  GET /v1/orders\n"),
            "{text}"
        );
        assert!(
            text.contains("      2  code-format           (no request)\n"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("1 error, 1 warning"), "{text}");
    }

    #[test]
    fn a_json_object_with_the_same_counts() {
        let text = run(&mut JsonStatistics::default());
        let stats: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(stats["version"], 1);
        assert_eq!(
            stats["rules"][0],
            json!({"rule": "status-type-mismatch", "count": 2, "errors": 2, "warnings": 0})
        );
        assert_eq!(
            stats["endpoints"],
            json!([
                {"endpoint": null, "rule": "code-format", "count": 2},
                {"endpoint": "GET /v1/orders", "rule": "status-type-mismatch", "count": 2},
            ])
        );
        assert_eq!(stats["summary"]["errors"], 1);
    }
}
