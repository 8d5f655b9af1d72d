//! `jsonl`: one diagnostic object a line, the fields of `json`'s diagnostics, no summary
//! (docs/output-formats.md). Made for pipes: each line is complete when written, and the
//! emitter flushes after every batch of findings, so a reader downstream sees a finding
//! while errlint is still reading the input that follows it.

use std::io::{self, Write};

use super::json::wire_diagnostic;
use super::{Render, RenderConfig, Stream};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};

pub struct Jsonl;

impl Render for Jsonl {
    fn stream(&self, _: RenderConfig) -> Box<dyn Stream> {
        Box::new(JsonlStream)
    }
}

struct JsonlStream;

impl Stream for JsonlStream {
    fn diagnostic(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, &wire_diagnostic(d))?;
        out.write_all(b"\n")
    }

    fn end(&mut self, _: &Summary, _: &[CheckedResponse], out: &mut dyn Write) -> io::Result<()> {
        out.flush()
    }

    fn flushes(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::cli::OutputFormat;
    use crate::render::RenderConfig;
    use crate::render::tests::render_to_string;

    #[test]
    fn one_json_object_a_line_with_the_json_fields() {
        let text = render_to_string(OutputFormat::Jsonl, RenderConfig::default());
        let json = render_to_string(OutputFormat::Json, RenderConfig::default());
        let report: Value = serde_json::from_str(&json).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(&Value::Array(lines), &report["diagnostics"]);
        assert!(!text.contains("summary"));
    }
}
