//! Property tests over arbitrary input, in the normal suite (the fuzz targets in fuzz/ go
//! further with coverage guidance): loaders never panic and always produce valid reports;
//! escaping never lets a control character or a workflow command through.

use errlint::cli::OutputFormat;
use errlint::render::escape::{escape_line, escape_source_line};
use errlint::render::github::{escape_data, escape_property};
use errlint::render::{RenderConfig, renderer};
use proptest::prelude::*;

fn dangerous(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Checks bytes as a capture named `name` and renders the report in every format.
fn check_and_render(bytes: &[u8], name: &str) {
    let report = errlint::check_bytes(bytes, name);
    for format in OutputFormat::ALL {
        let mut out = Vec::new();
        renderer(format)
            .render(&report, &RenderConfig::default(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        if matches!(
            format,
            OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab
        ) {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        } else {
            if format == OutputFormat::Html {
                // Captured text never opens a tag in the html report.
                assert!(
                    !text.contains("<script") && !text.contains("<img"),
                    "{text}"
                );
            }
            assert!(!text.contains('\u{1b}'), "{format:?}");
        }
    }
    for d in &report.diagnostics {
        assert!(d.line >= 1 && d.column >= 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn escaped_text_has_no_control_or_bidi_characters(text in any::<String>()) {
        prop_assert!(!escape_line(&text).chars().any(dangerous));
        prop_assert!(!escape_source_line(&text).chars().any(|c| c != '\t' && dangerous(c)));
    }

    #[test]
    fn workflow_command_data_stays_on_its_line(text in any::<String>()) {
        let data = escape_data(&text);
        prop_assert!(!data.contains('\n') && !data.contains('\r') && !data.chars().any(dangerous));
        let property = escape_property(&text);
        prop_assert!(!property.contains(',') && !property.contains(':') && !property.contains('\n'));
    }

    #[test]
    fn arbitrary_bytes_never_break_a_loader(bytes in proptest::collection::vec(any::<u8>(), 0..512), kind in 0usize..5) {
        let name = ["x.har", "x.http", "x.json", "x.ndjson", "x.404.json"][kind];
        check_and_render(&bytes, name);
    }

    #[test]
    fn raw_http_with_arbitrary_headers_and_bodies(status in 0u32..1000, headers in proptest::collection::vec(("[A-Za-z-]{1,12}", "\\PC{0,20}"), 0..6), body in any::<String>()) {
        let mut capture = format!("HTTP/1.1 {status} Whatever\r\n");
        for (name, value) in headers {
            capture.push_str(&format!("{name}: {value}\r\n"));
        }
        capture.push_str("\r\n");
        capture.push_str(&body);
        check_and_render(capture.as_bytes(), "x.http");
    }

    #[test]
    fn hars_with_arbitrary_text_in_every_field(texts in proptest::collection::vec(any::<String>(), 6), status in any::<i64>(), base64 in any::<bool>()) {
        let har = serde_json::json!({"log": {"entries": [{
            "request": {"method": texts[0], "url": texts[1], "headers": [{"name": texts[2], "value": texts[3]}]},
            "response": {"status": status, "headers": [{"name": "Content-Type", "value": texts[4]}],
                         "content": {"mimeType": "application/json", "text": texts[5], "encoding": if base64 { "base64" } else { "" }}}
        }]}});
        check_and_render(har.to_string().as_bytes(), "x.har");
    }

    #[test]
    fn redaction_takes_any_text_and_shows_no_query_or_fragment(text in any::<String>()) {
        let shown = errlint::redact::redact_url(&text);
        prop_assert!(!shown.contains(['?', '#']), "{text:?} shown as {shown:?}");
        let path = errlint::redact::shown_path(&text);
        prop_assert!(!path.contains(['?', '#']), "{text:?}: path {path:?}");
    }

    /// Credentials whose password holds anything (quotes, backslashes, `/`, `?`, `#`, `@`,
    /// multi-byte text), in any way of writing a URL's start browsers accept, never show:
    /// in no case, since hosts are shown in lower case.
    #[test]
    fn credentials_with_any_characters_never_show(
        shape in 0usize..8,
        around in "[ \t\u{0}\u{1f}]{0,3}",
        password in "[a-zA-Z0-9\"'\\\\/?#@:%;=ü€😀 -]{0,16}",
        host in prop::sample::select(vec!["api.example.com", "API.example.com:8443", "[::1]:8080", "10.0.0.1", "{{baseUrl}}"]),
        path in "(/[a-z0-9@._~-]{0,8}){0,3}",
        query in "[a-zA-Z0-9\"'\\\\/?#@:%&=ü€😀 -]{0,16}",
    ) {
        // `:` and a letter after the user name: what ends the authority early is then never
        // a valid port, so the parser cannot take the user name for a host.
        let userinfo = format!("CANARY:x{password}CANARY");
        let start = ["https://", "HTTPS://", "https:", "https:\\\\", "https:/\\", "//", "\\\\", ""][shape];
        let url = format!("{around}{start}{userinfo}@{host}{path}?CANARY{query}#CANARY{query}{around}");
        let shown = errlint::redact::redact_url(&url);
        prop_assert!(!shown.to_ascii_lowercase().contains("canary"), "{url:?} shown as {shown:?}");
        let path = errlint::redact::shown_path(&url);
        prop_assert!(!path.to_ascii_lowercase().contains("canary"), "{url:?}: path {path:?}");
    }
}
