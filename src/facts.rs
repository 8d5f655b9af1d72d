//! Facts about a response that every rule shares: its body parsed once, and classified as
//! absent, empty, JSON, not JSON, or JSON that failed to parse.
//!
//! Sits between the response model and the rules; it reads no file and never prints.

use crate::response::{Response, is_json_media_type};
use crate::rules::{BodyState, Facts};
use crate::text::{from_json_bytes, offset_of, strip_position};

/// Parses a body once and classifies it for the rules. `marker` is the quoted member name
/// that every error body of the contract's profile holds (`"message"`, `"errors"`).
pub fn facts_for<'r, 'a>(response: &'r Response<'a>, marker: &str) -> Facts<'r, 'a> {
    Facts {
        response,
        body: body_state(response, marker.as_bytes()),
        operation: crate::openapi::Match::NotConfigured,
    }
}

fn body_state(response: &Response<'_>, marker: &[u8]) -> BodyState {
    let Some(body) = &response.body else {
        return BodyState::NotCaptured;
    };
    if body.is_blank() {
        return BodyState::Empty;
    }
    let bytes = body
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&body.bytes);
    let bom = body.bytes.len() - bytes.len();
    // Most success bodies only need to be valid: checking that without building a tree is
    // several times cheaper. A body that mentions the profile's marker (`"message"` for the
    // default profile) may be an error object under a 2xx (error-body-on-success), so it gets
    // the full parse.
    let success = response
        .status
        .valid_code()
        .is_some_and(|c| (200..300).contains(&c));
    let plain_success = success && !contains(bytes, marker);
    if plain_success && response.body_is_parsed_json {
        return BodyState::ValidJson;
    }
    let parsed = if plain_success {
        from_json_bytes::<serde::de::IgnoredAny>(bytes).map(|_| BodyState::ValidJson)
    } else {
        from_json_bytes(bytes).map(BodyState::Json)
    };
    match parsed {
        Ok(state) => state,
        // Whether the body claimed to be JSON matters only once it failed to parse.
        Err(error) if claims_json(bytes, response) => BodyState::InvalidJson {
            offset: bom + offset_of(bytes, error.line(), error.column()),
            message: parse_error_message(&error),
        },
        Err(_) => BodyState::NotJson,
    }
}

/// Whether `needle` (a quoted member name such as `"message"`) occurs in `haystack`. Bodies
/// are short, where building a substring searcher per body cost more than the search: the
/// name's first letter is looked for, then the name around it.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&letter) = needle.get(1) else {
        return memchr::memmem::find(haystack, needle).is_some();
    };
    memchr::memchr_iter(letter, haystack)
        .any(|at| at >= 1 && haystack[at - 1..].starts_with(needle))
}

/// A body claims to be JSON when its Content-Type says so, or when it is text starting with
/// `{` or `[` (base64-decoded image bytes may start with 0x7B by chance).
fn claims_json(bytes: &[u8], response: &Response<'_>) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    (matches!(first, Some(b'{' | b'[')) && looks_like_text(bytes))
        || response
            .content_type
            .as_deref()
            .is_some_and(is_json_media_type)
}

/// serde_json's message, made plain where it is obscure.
fn parse_error_message(error: &serde_json::Error) -> String {
    let message = strip_position(error);
    if message == "recursion limit exceeded" {
        // serde_json stops at 128 levels, which keeps a hostile body from exhausting the stack.
        "nested more than 128 levels deep (errlint reads no deeper)".to_string()
    } else {
        message
    }
}

/// True when the start of a body is UTF-8 text (a character cut at the limit is fine).
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn contains_finds_a_quoted_name_anywhere() {
        let marker = b"\"message\"";
        assert!(contains(br#"{"message": "x"}"#, marker));
        assert!(contains(br#"{"a": "mmm", "message": 1}"#, marker));
        assert!(!contains(br#"{"messages": 1, "message_id": 2}"#, marker));
        assert!(!contains(b"message\"", marker));
        assert!(!contains(b"", marker));
        assert!(contains(br#"""#, b"\""));
    }
}
