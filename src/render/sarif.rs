//! `sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers, built with serde-sarif.
//!
//! Every rule appears in `tool.driver.rules` with its docs; every result has a location and
//! `partialFingerprints` computed from what identifies a finding regardless of formatting
//! (`fingerprint.rs`: file, response index, rule, pointer, schema keyword, occurrence), so
//! reformatting a capture does not reopen alerts and no two results are merged into one.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Tool,
    ToolComponent,
};

use super::fingerprint::Fingerprints;
use super::{Render, RenderConfig, Stream};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::docs;
use crate::rules::{RULES, Severity};

pub struct SarifFormat;

/// The official location of the SARIF 2.1.0 schema (OASIS errata 01).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of errlint's fingerprint in `partialFingerprints`; bump the version if what goes
/// into it ever changes (v2: the schema keyword and the occurrence of true duplicates).
const FINGERPRINT_KEY: &str = "errlint/v2";

impl Render for SarifFormat {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(SarifStream {
            written: 0,
            fingerprints: Fingerprints::default(),
        })
    }
}

/// errlint as a SARIF tool: every rule with its docs.
fn tool() -> Tool {
    let rules: Vec<ReportingDescriptor> = RULES
        .iter()
        .map(|rule| {
            ReportingDescriptor::builder()
                .id(rule.name)
                .name(pascal_case(rule.name))
                .short_description(
                    MultiformatMessageString::builder()
                        .text(rule.summary)
                        .build(),
                )
                .full_description(
                    MultiformatMessageString::builder()
                        .text(rule.docs.what_it_does)
                        .build(),
                )
                .help(
                    MultiformatMessageString::builder()
                        .text(format!(
                            "{}\n\nInstead: {}",
                            rule.docs.why, rule.docs.instead
                        ))
                        .markdown(docs::page(rule))
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level(rule.default_severity)))
                        .build(),
                )
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("errlint")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    Tool::builder().driver(driver).build()
}

/// Writes the SARIF log around results serialised one at a time.
struct SarifStream {
    written: usize,
    fingerprints: Fingerprints,
}

impl Stream for SarifStream {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        // The log's frame, with `results` opened last so each result can follow on its own.
        // errlint's columns count Unicode scalar values, not UTF-16 code units.
        let frame = serde_json::json!({"$schema": SCHEMA, "version": "2.1.0"});
        let frame = serde_json::to_string(&frame)?;
        write!(out, "{},\"runs\":[{{\"tool\":", frame.trim_end_matches('}'))?;
        serde_json::to_writer(&mut *out, &tool())?;
        out.write_all(b",\"columnKind\":\"unicodeCodePoints\",\"results\":[")
    }

    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        if self.written > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        let fingerprint = self.fingerprints.next(d);
        serde_json::to_writer(&mut *out, &result(d, fingerprint))?;
        self.written += 1;
        Ok(())
    }

    fn end(&mut self, _: &Summary, _: &[CheckedResponse], out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "]}}]}}")
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(d: &Diagnostic, fingerprint: String) -> SarifResult {
    let region = Region::builder()
        .start_line(i64::from(d.line))
        .start_column(i64::from(d.column))
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri_of(&d.file)).build())
                .region(region)
                .build(),
        )
        .build();
    let mut properties = BTreeMap::new();
    properties.insert("response".to_string(), serde_json::json!(d.response));
    if let Some(pointer) = &d.pointer {
        properties.insert("pointer".to_string(), serde_json::json!(pointer));
    }
    if let Some(status) = d.status {
        properties.insert("status".to_string(), serde_json::json!(status));
    }
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!(" (help: {help})"));
    }
    SarifResult::builder()
        .rule_id(d.rule)
        .rule_index(RULES.iter().position(|r| r.name == d.rule).unwrap_or(0) as i64)
        .level(match d.severity {
            Severity::Error => ResultLevel::Error,
            Severity::Warning => ResultLevel::Warning,
        })
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build()
}

/// A file path as a URI reference: path separators kept, everything outside RFC 3986's
/// unreserved set percent-encoded (so `:` cannot read as a scheme, nor `%` as an escape).
pub fn uri_of(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut uri = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::cli::OutputFormat;
    use crate::render::tests::render_to_string;

    #[test]
    fn results_carry_rule_level_location_and_fingerprint() {
        let sarif: Value = serde_json::from_str(&render_to_string(
            OutputFormat::Sarif,
            RenderConfig::default(),
        ))
        .unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        let run = &sarif["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            RULES.len()
        );
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "status-type-mismatch");
        assert_eq!(result["level"], "error");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(1532), Some(9))
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "captures/orders.har"
        );
        assert!(
            result["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .is_some_and(|f| f.len() == 16)
        );
    }

    #[test]
    fn odd_file_names_become_uri_references() {
        assert_eq!(
            uri_of("captures/a b,c:d%e.har"),
            "captures/a%20b%2Cc%3Ad%25e.har"
        );
        assert_eq!(uri_of("données/ü.json"), "donn%C3%A9es/%C3%BC.json");
        assert_eq!(uri_of("dir\\\\file.har"), "dir//file.har");
    }
}
