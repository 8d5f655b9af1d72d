//! `junit`: JUnit XML with one test case per checked response, failing when the response has
//! error findings, built with quick-junit. Test suites are files.
//!
//! quick-junit escapes XML's markup characters but not the characters XML 1.0 forbids, so
//! every text handed to it goes through `escape::xml_line` or `escape::xml_block` first: a
//! U+FFFE or a control character from a capture never makes the report unparseable.

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::concise::concise_line;
use super::escape::{xml_block, xml_line};
use super::{Render, RenderConfig, Stream};
use crate::diagnostic::{CheckedResponse, Diagnostic, Report, Summary};
use crate::rules::Severity;

pub struct Junit;

impl Render for Junit {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(JunitStream {
            findings: Vec::new(),
        })
    }
}

/// JUnit groups findings under their response's test case, so it keeps them to the end (its
/// report lists every checked response anyway).
struct JunitStream {
    findings: Vec<Box<Diagnostic>>,
}

impl Stream for JunitStream {
    fn diagnostic(&mut self, d: &Diagnostic, _: &mut dyn Write) -> io::Result<()> {
        self.findings.push(Box::new(d.clone()));
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        checked: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let report = Report {
            diagnostics: std::mem::take(&mut self.findings),
            summary: *summary,
            checked: checked.to_vec(),
        };
        write_junit(&report, out)
    }
}

fn write_junit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Findings by (file, response); suites in the order files were checked.
    let mut findings: BTreeMap<(&str, usize), Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        findings.entry((&d.file, d.response)).or_default().push(d);
    }
    let mut suites: Vec<(String, Vec<TestCase>)> = Vec::new();
    let suite_for = |file: &str, suites: &mut Vec<(String, Vec<TestCase>)>| -> usize {
        let name = xml_line(file).into_owned();
        match suites.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                suites.push((name, Vec::new()));
                suites.len() - 1
            }
        }
    };
    for checked in &report.checked {
        let mut name = format!("response {}", checked.response);
        if let Some(request) = &checked.request {
            let parts: Vec<&str> = [request.method.as_deref(), request.url.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            name.push_str(&format!(" ({})", parts.join(" ")));
        }
        if let Some(status) = checked.status {
            name.push_str(&format!(" → {status}"));
        }
        let these = findings
            .remove(&(checked.file.as_ref(), checked.response))
            .unwrap_or_default();
        let index = suite_for(&checked.file, &mut suites);
        suites[index].1.push(test_case(
            xml_line(&name).into_owned(),
            &checked.file,
            &these,
        ));
    }
    // Findings on responses that were never checked: a file or entry that could not be read.
    for ((file, response), these) in findings {
        let index = suite_for(file, &mut suites);
        suites[index].1.push(test_case(
            format!("response {response} (not read)"),
            file,
            &these,
        ));
    }
    let mut junit = JunitReport::new("errlint");
    for (name, cases) in suites {
        let mut suite = TestSuite::new(name);
        suite.add_test_cases(cases);
        junit.add_test_suite(suite);
    }
    let mut xml = Vec::new();
    junit.serialize(&mut xml).map_err(io::Error::other)?;
    out.write_all(&drop_testsuites_skipped(xml))?;
    writeln!(out)
}

/// quick-junit writes `skipped` on `<testsuites>`, which the strict JUnit schema (Jenkins
/// xunit's junit-10.xsd) does not allow there; errlint never skips a test case, so the
/// attribute carries nothing and is dropped from that one tag.
fn drop_testsuites_skipped(xml: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&xml);
    let Some(start) = text.find("<testsuites") else {
        return xml;
    };
    let end = text[start..].find('>').map_or(text.len(), |i| start + i);
    let tag = &text[start..end];
    let Some(attr) = tag.find(" skipped=\"") else {
        return xml;
    };
    let attr_end = tag[attr + 10..]
        .find('"')
        .map_or(tag.len(), |i| attr + 10 + i + 1);
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(&text[..start + attr]);
    fixed.push_str(&text[start + attr_end..]);
    fixed.into_bytes()
}

fn test_case(name: String, file: &str, findings: &[&Diagnostic]) -> TestCase {
    let errors: Vec<&&Diagnostic> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let status = match errors.first() {
        None => TestCaseStatus::success(),
        Some(first) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_type(xml_line(first.rule).into_owned());
            status.set_message(xml_line(&first.message).into_owned());
            let lines: Vec<String> = findings.iter().map(|d| concise_line(d)).collect();
            status.set_description(xml_block(&lines.join("\n")).into_owned());
            status
        }
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(xml_line(file).into_owned());
    let warnings: Vec<String> = findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| concise_line(d))
        .collect();
    if errors.is_empty() && !warnings.is_empty() {
        case.set_system_out(xml_block(&warnings.join("\n")).into_owned());
    }
    case
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::CheckedResponse;
    use crate::render::tests::sample_report;

    #[test]
    fn one_case_per_checked_response_failing_on_errors() {
        let mut report = sample_report();
        for (file, response) in [("captures/orders.har", 40), ("captures/orders.har", 41)] {
            report.checked.push(CheckedResponse {
                file: Arc::from(file),
                response,
                line: 1,
                column: 1,
                status: Some(429),
                request: None,
            });
        }
        let mut out = Vec::new();
        Junit
            .render(&report, &RenderConfig::default(), &mut out)
            .unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert_eq!(xml.matches("<testcase").count(), 3, "{xml}");
        assert_eq!(xml.matches("<failure").count(), 1, "{xml}");
        assert!(xml.contains("type=\"status-type-mismatch\""), "{xml}");
        assert!(!xml.contains('\u{1b}'));
        assert!(
            xml.contains("<testsuites name=\"errlint\" tests=\"3\" failures=\"1\""),
            "{xml}"
        );
    }
}
