//! `json`: the stable machine interface (docs/output-formats.md). Field names are fixed; fields may be
//! added (`help`, `unrecognized_files`), never renamed or removed.

use std::io::{self, Write};

use serde::Serialize;

use super::{Render, RenderConfig, Stream};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};

pub struct Json;

/// The version of the json wire shape.
pub(super) const VERSION: u32 = 1;

#[derive(Serialize)]
pub(super) struct WireSummary {
    files: usize,
    responses: usize,
    checked: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    unrecognized_files: usize,
    baselined: usize,
    baseline_stale: usize,
}

#[derive(Serialize)]
pub(super) struct WireDiagnostic<'r> {
    rule: &'r str,
    severity: &'r str,
    message: &'r str,
    file: &'r str,
    line: u32,
    column: u32,
    response: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<WireRequest<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'r str>,
    /// The record's `id`, a string or a number as the capture wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Serialize)]
struct WireRequest<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'r str>,
}

pub(super) fn wire_summary(s: &Summary) -> WireSummary {
    WireSummary {
        files: s.files,
        responses: s.responses,
        checked: s.checked,
        skipped: s.skipped,
        errors: s.errors,
        warnings: s.warnings,
        unrecognized_files: s.unrecognized_files,
        baselined: s.baselined,
        baseline_stale: s.baseline_stale,
    }
}

pub(super) fn wire_diagnostic(d: &Diagnostic) -> WireDiagnostic<'_> {
    WireDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        file: &d.file,
        line: d.line,
        column: d.column,
        response: d.response,
        pointer: d.pointer.as_deref(),
        status: d.status,
        request: d.request.as_ref().map(|r| WireRequest {
            method: r.method.as_deref(),
            url: r.url.as_deref(),
        }),
        help: d.help.as_deref(),
        id: d
            .id
            .as_ref()
            .and_then(|id| serde_json::value::RawValue::from_string(id.to_json()).ok()),
    }
}

impl Render for Json {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(JsonStream { written: 0 })
    }
}

/// Writes `{"version", "diagnostics": [...], "summary"}`: the summary comes last because it
/// is only known at the end, and JSON objects have no order.
struct JsonStream {
    written: usize,
}

impl Stream for JsonStream {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{{\n  \"version\": {VERSION},\n  \"diagnostics\": [")
    }

    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.written == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        serde_json::to_writer(&mut *out, &wire_diagnostic(d))?;
        self.written += 1;
        Ok(())
    }

    fn end(
        &mut self,
        summary: &Summary,
        _: &[CheckedResponse],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        write!(out, "{close},\n  \"summary\": ")?;
        serde_json::to_writer(&mut *out, &wire_summary(summary))?;
        writeln!(out, "\n}}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::cli::OutputFormat;
    use crate::render::RenderConfig;
    use crate::render::tests::render_to_string;

    #[test]
    fn the_wire_shape_of_the_spec() {
        let text = render_to_string(OutputFormat::Json, RenderConfig::default());
        let report: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["version"], 1);
        assert_eq!(
            report["summary"],
            json!({"files": 2, "responses": 120, "checked": 80, "skipped": 40, "errors": 1, "warnings": 1, "unrecognized_files": 0, "baselined": 0, "baseline_stale": 0})
        );
        let first = &report["diagnostics"][0];
        for (key, value) in [
            ("rule", json!("status-type-mismatch")),
            ("severity", json!("error")),
            (
                "message",
                json!("status 429 requires type \"rate_limit\", found \"api\""),
            ),
            ("file", json!("captures/orders.har")),
            ("line", json!(1532)),
            ("column", json!(9)),
            ("response", json!(41)),
            ("pointer", json!("/type")),
            ("status", json!(429)),
            (
                "request",
                json!({"method": "GET", "url": "https://api.example.com/v1/orders"}),
            ),
        ] {
            assert_eq!(first[key], value, "{key}");
        }
        assert!(report["diagnostics"][1].get("request").is_none());
    }
}
