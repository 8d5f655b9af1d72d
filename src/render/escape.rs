//! All escaping of captured text before it reaches a terminal or a web page.
//!
//! Captured bodies, file names and messages are attacker-controlled: an ESC byte could
//! recolour or rewrite the terminal, a bidi override could reorder what a reviewer reads
//! (CVE-2021-42574), a `<script>` could run in the html report, a U+FFFE makes an XML parser
//! reject the whole junit report. Every renderer passes captured text through here.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for characters that must never reach a terminal as they are: C0 controls, DEL, C1
/// controls, and the bidirectional formatting characters.
fn is_dangerous(c: char, keep_tabs: bool) -> bool {
    match c {
        '\t' => !keep_tabs,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// True for characters XML 1.0 forbids in a document (its `Char` production): C0 controls
/// but tab, line feed and carriage return, and the noncharacters U+FFFE and U+FFFF. Surrogates
/// are forbidden too, but a Rust string cannot hold one.
fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn escape_with(text: &str, keep_tabs: bool) -> Cow<'_, str> {
    escape_where(text, |c| is_dangerous(c, keep_tabs))
}

/// `text` with every character `escape` picks written as `\u{hex}`, the one visible form
/// errlint gives characters it will not print.
fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes a one-line text (message, label, file name): newlines and tabs included.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// Escapes one-line captured text for an XML report (junit): as `escape_line`, and also the
/// characters XML 1.0 forbids, so that every parser accepts the document.
pub fn xml_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_dangerous(c, false) || is_forbidden_in_xml(c))
}

/// Escapes a block of lines for an XML report: as `xml_line`, but the line feeds between
/// the lines stay.
pub fn xml_block(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| {
        c != '\n' && (is_dangerous(c, false) || is_forbidden_in_xml(c))
    })
}

/// Escapes one line of a source excerpt, keeping tabs for alignment.
pub fn escape_source_line(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

/// Escapes one-line captured text for HTML text and attribute values: controls and bidi
/// characters as for a terminal (a browser reorders text by bidi overrides too), then the
/// five characters HTML gives meaning (`& < > " '`), so no text can open a tag, close an
/// attribute or start an entity.
pub fn html(text: &str) -> Cow<'_, str> {
    match escape_line(text) {
        Cow::Borrowed(text) => html_entities(text),
        Cow::Owned(text) => Cow::Owned(html_entities(&text).into_owned()),
    }
}

/// Escapes a block of captured lines (a body excerpt) for HTML: as `html`, but newlines and
/// tabs stay for a `<pre>`.
pub fn html_block(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| html_entities(&escape_source_line(line)).into_owned())
        .collect();
    lines.join("\n")
}

fn html_entities(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_cannot_open_tags_attributes_or_entities() {
        assert_eq!(
            html("</script><script>document.title='PWNED'</script>"),
            "&lt;/script&gt;&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"
        );
        assert_eq!(
            html("<img src=x onerror=\"alert(1)\">"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
        );
        assert_eq!(html("&lt;"), "&amp;lt;");
        assert_eq!(html("a\u{202e}b\u{0}c\nd"), "a\\u{202e}b\\u{0}c\\u{a}d");
        assert_eq!(html("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(html_block("<b>\n\tx\u{1b}"), "&lt;b&gt;\n\tx\\u{1b}");
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let escaped = html(&all);
        assert!(!escaped.contains(['<', '>', '"', '\'']));
        assert!(!escaped.chars().any(|c| is_dangerous(c, false)));
        assert!(!html_block(&all).contains(['<', '>', '"', '\'']));
    }

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(escape_line("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_line("x\ny\r"), "x\\u{a}y\\u{d}");
        assert_eq!(escape_line("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
        assert_eq!(escape_line("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(escape_line("\u{2066}"), "\\u{2066}");
        assert_eq!(escape_source_line("\tkey"), "\tkey");
        assert_eq!(escape_line("\tkey"), "\\u{9}key");
    }

    #[test]
    fn xml_text_holds_only_characters_xml_allows() {
        let all: String = (0u32..0x11_0000).filter_map(char::from_u32).collect();
        let allowed = |c: char| !is_forbidden_in_xml(c) && !is_dangerous(c, false);
        assert!(xml_line(&all).chars().all(allowed));
        assert!(xml_block(&all).chars().all(|c| c == '\n' || allowed(c)));
        assert_eq!(
            xml_line("a\u{fffe}b\u{ffff}\u{1}\n"),
            "a\\u{fffe}b\\u{ffff}\\u{1}\\u{a}"
        );
        assert_eq!(xml_block("a\u{fffe}\nb"), "a\\u{fffe}\nb");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let text = "status 429 requires type \"rate_limit\" — café 東京 😀";
        assert!(matches!(escape_line(text), Cow::Borrowed(_)));
    }

    #[test]
    fn no_escape_output_contains_a_dangerous_character() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!escape_line(&all).chars().any(|c| is_dangerous(c, false)));
    }
}
