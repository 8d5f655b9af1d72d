//! Renderers on arbitrary text in every field a capture can influence; the excerpt is cut
//! from the raw bytes (invalid UTF-8, multi-byte characters, any span), as the checker does.
#![no_main]
use std::sync::Arc;

use errlint::diagnostic::{Diagnostic, Report, RequestInfo};
use errlint::excerpt::excerpt;
use errlint::response::RecordId;
use errlint::rules::{RULES, Severity};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let mut next = || parts.next().unwrap_or("").to_string();
    let (file, message, pointer, url, help) = (next(), next(), next(), next(), next());
    // The body is the raw bytes after the fifth NUL, not lossy text.
    let body: &[u8] = data.split(|&b| b == 0).nth(5).unwrap_or(b"");
    let span_start = data.first().map_or(0, |b| usize::from(*b));
    let rule = RULES[data.len() % RULES.len()];
    let diagnostic = Diagnostic {
        rule: rule.name,
        severity: if data.len() % 2 == 0 {
            Severity::Error
        } else {
            Severity::Warning
        },
        message,
        file: Arc::from(file),
        line: data.len() as u32,
        column: 1 + span_start as u32,
        response: data.len(),
        // The keyword, template and record id are captured text too: the pointer's, the
        // URL's and the help's, so every renderer escapes them.
        keyword: Some(pointer.clone().into()),
        pointer: Some(pointer.clone().into()),
        status: Some(i64::from(data.get(1).copied().unwrap_or(0)) * 3),
        request: Some(Arc::new(RequestInfo {
            method: Some("GET".into()),
            template: Some(url.clone()),
            url: Some(url),
        })),
        label: Some("label".into()),
        id: Some(RecordId::Text(Arc::from(help.as_str()))),
        help: Some(help.into()),
        excerpt: Some(excerpt(
            body,
            span_start..span_start + usize::from(data.get(1).copied().unwrap_or(3) % 8),
            |n| Some(n as u32 + 1),
        )),
    };
    let report = Report {
        diagnostics: vec![Box::new(diagnostic.clone()), Box::new(diagnostic)],
        ..Report::default()
    };
    common::render_everything(&report);
});
