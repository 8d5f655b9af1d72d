//! Small text helpers shared by every stage: quoting captured values for messages, making
//! serde_json's errors safe to print, and turning its line:column into byte offsets.
//!
//! A leaf module: it knows nothing of captures, rules or reports, so loaders and rules can
//! both use it without depending on each other. It must never print.

/// Quotes a captured value for a message: JSON string syntax, cut to a readable length.
/// Control characters come out as JSON escapes, so they cannot reach a terminal.
pub fn quote(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    if value.chars().count() > MAX_CHARS {
        let cut: String = value.chars().take(MAX_CHARS).collect();
        let quoted = serde_json::to_string(&cut).unwrap_or_default();
        format!("{}…\"", &quoted[..quoted.len() - 1])
    } else {
        serde_json::to_string(value).unwrap_or_default()
    }
}

/// serde_json's message without its " at line L column C" tail: errlint gives the position
/// itself, in file coordinates.
///
/// serde quotes the offending value (`invalid type: string "…", expected f64`); a capture's
/// values may be secrets, so quoted text is replaced by an ellipsis.
/// Parses JSON from bytes that are usually UTF-8: checked as UTF-8 once, the text spares
/// serde a check of every string and key in it (a twentieth of a HAR check); bytes that are
/// not UTF-8 go the slow way, to serde's own error and position.
pub fn from_json_bytes<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

pub fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(cut) => &text[..cut],
        None => &text[..],
    };
    redact_quoted(text)
}

/// A parser's message without any value it quoted from the capture.
///
/// serde writes `invalid type: string "…", expected struct Header` (the value quoted
/// Debug-style, so `\"` may sit inside), `unknown field `…`, expected one of …` (the name
/// quoted as is, so a backtick may sit inside), and `missing field `status``. Only what
/// follows the last `, expected ` comes from errlint's own types. Everything from the first
/// quote or backtick before it to the last one before it is replaced by one `…`, whatever
/// quoting or escaping the value held; after it, the expectation is kept unless a quote
/// shows that part is captured text too.
pub fn redact_quoted(text: &str) -> String {
    let is_quote = |c: char| c == '"' || c == '`';
    let (head, tail) = match text.rfind(", expected ") {
        Some(cut) => text.split_at(cut),
        None => (text, ""),
    };
    let mut out = String::with_capacity(text.len());
    match (head.find(is_quote), head.rfind(is_quote)) {
        (Some(first), Some(last)) if first < last => {
            out.push_str(&head[..=first]);
            out.push('…');
            out.push_str(&head[last..]);
        }
        (Some(first), _) => {
            // An unbalanced quote: the value runs to the end of what we can tell.
            out.push_str(&head[..=first]);
            out.push('…');
            return out;
        }
        _ => out.push_str(head),
    }
    if tail.contains('"') {
        out.push_str(", expected …");
    } else {
        out.push_str(tail);
    }
    out
}

/// The byte offset of serde_json's 1-based line and column (a column counts bytes).
pub fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', bytes)
            .nth(line - 2)
            .map_or(bytes.len(), |i| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_positions_become_offsets() {
        let text = b"{\n  \"a\": 1,\n  \"b\": }";
        let error = serde_json::from_slice::<serde_json::Value>(text).unwrap_err();
        let offset = offset_of(text, error.line(), error.column());
        assert_eq!(text[offset], b'}');
        assert_eq!(strip_position(&error), "expected value");
    }

    #[test]
    fn serde_messages_lose_quoted_values() {
        let error = serde_json::from_str::<f64>("\"Bearer s3cret\"").unwrap_err();
        let message = strip_position(&error);
        assert!(!message.contains("s3cret"), "{message}");
        assert!(
            message.starts_with("invalid type: string \"…\""),
            "{message}"
        );
        assert_eq!(
            redact_quoted("unknown field `tok`, expected `a`"),
            "unknown field `…`, expected `a`"
        );
    }

    #[test]
    fn quoted_values_go_whatever_they_hold() {
        // serde quotes Debug-style: a quote inside the value arrives as \".
        let header = r#"Set-Cookie: sid="CANARY-s3cr3t"; Path=/"#;
        let error = serde_json::from_value::<u32>(serde_json::json!(header)).unwrap_err();
        let message = redact_quoted(&error.to_string());
        assert!(!message.contains("CANARY"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        assert_eq!(message, "invalid type: string \"…\", expected u32");

        let digest = r#"Digest username="alice", realm="r", nonce="N0NCE", response="R3SP""#;
        let error =
            serde_json::from_str::<u32>(&serde_json::to_string(digest).unwrap()).unwrap_err();
        let message = strip_position(&error);
        for secret in ["alice", "N0NCE", "R3SP", "realm"] {
            assert!(!message.contains(secret), "{message}");
        }

        for (text, redacted) in [
            (
                "unknown field `a`b`, expected `x`",
                "unknown field `…`, expected `x`",
            ),
            ("missing field `status`", "missing field `…`"),
            (
                r#"invalid value: string "a, expected b\" c", expected d"#,
                "invalid value: string \"…\", expected d",
            ),
            (
                r#"invalid type: string "unbalanced"#,
                "invalid type: string \"…",
            ),
            (r#"weird "x", expected "y""#, "weird \"…\", expected …"),
            ("expected value", "expected value"),
        ] {
            assert_eq!(redact_quoted(text), redacted, "{text}");
        }
    }

    #[test]
    fn quote_escapes_and_shortens() {
        assert_eq!(quote("a\u{1b}[31m"), "\"a\\u001b[31m\"");
        let long = "x".repeat(100);
        assert!(quote(&long).ends_with("…\""));
    }
}
