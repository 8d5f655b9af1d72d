//! All escaping of captured text before it reaches a terminal.
//!
//! Captured bodies, file names and messages are attacker-controlled: an ESC byte could
//! recolour or rewrite the terminal, a bidi override could reorder what a reviewer reads
//! (CVE-2021-42574). Every renderer for people passes captured text through here.

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

fn escape_with(text: &str, keep_tabs: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_dangerous(c, keep_tabs)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c, keep_tabs) {
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

/// Escapes one line of a source excerpt, keeping tabs for alignment.
pub fn escape_source_line(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

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
