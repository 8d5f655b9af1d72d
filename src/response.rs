//! The one model of an HTTP response that every rule sees.
//!
//! Loaders build a `Response` per captured response, borrowing from their own buffers so that
//! a streamed HAR entry costs no copies; the checker turns findings into owned diagnostics
//! before the loader moves on. Nothing here prints: header values stay inside the process.

use std::borrow::Cow;

pub use crate::body_map::{BodyOrigin, OriginKind, ScalarStyle};
use crate::position::TextPos;

/// The status a capture gave a response.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// An integer status code (possibly out of range: rules decide).
    Code(i64),
    /// No status could be found (a bare body without a status in its file name).
    Missing,
    /// A status that is not an integer; the description says what it was, e.g. `a string`.
    NotANumber(String),
}

impl Status {
    /// The code when it is an integer in the HTTP range of 100–599.
    pub fn valid_code(&self) -> Option<u16> {
        match self {
            Status::Code(code) if (100..=599).contains(code) => u16::try_from(*code).ok(),
            _ => None,
        }
    }

    /// The integer code, whatever its range.
    pub fn code(&self) -> Option<i64> {
        match self {
            Status::Code(code) => Some(*code),
            _ => None,
        }
    }
}

/// A response body as captured, after undoing what capture tools and transfer encodings did.
#[derive(Clone, Debug)]
pub struct Body<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub origin: BodyOrigin<'a>,
}

impl Body<'_> {
    /// True when the body holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.bytes.iter().all(u8::is_ascii_whitespace)
    }
}

/// Header names and values as captured. Values are read by rules (Content-Type, Accept)
/// but never printed: they may hold tokens and cookies. Even `{:?}` shows names only.
#[derive(Clone, Default)]
pub struct Headers<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl std::fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| format!("{name}: …")))
            .finish()
    }
}

impl Headers<'_> {
    /// The first value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

/// One captured response with what is known of its request.
#[derive(Clone)]
pub struct Response<'a> {
    /// 0-based index of the response inside its file (docs/output-formats.md).
    pub index: usize,
    /// Where the response starts in the file.
    pub start: TextPos,
    pub status: Status,
    pub method: Option<Cow<'a, str>>,
    /// The request URL as captured, secrets and all: anything shown of it goes through
    /// `redact_url` (only `check::request_info` does that, when a finding needs it).
    pub raw_url: Option<Cow<'a, str>>,
    /// Response headers; `None` when the capture format has none (a bare body).
    pub headers: Option<Headers<'a>>,
    /// The declared media type: HAR `content.mimeType`, else the `Content-Type` header.
    pub content_type: Option<Cow<'a, str>>,
    /// The body; `None` when the capture did not store it (a HAR without `content.text`).
    pub body: Option<Body<'a>>,
    /// The status stands for a range of statuses (an OpenAPI example under `default`): only
    /// the body's JSON and schemas are checked, never what the status implies.
    pub schema_only: bool,
    /// The body is a JSON value the loader has already parsed (an envelope's `body` object),
    /// so it is known to be well-formed: a success body then need not be parsed again.
    pub body_is_parsed_json: bool,
    /// The record's own identifier (an envelope's `id`) as its JSON text, copied into its
    /// findings so that findings of a distributed run join back to their records
    /// (docs/inputs.md). Kept as written: only a record with findings needs it decoded.
    pub id: Option<&'a str>,
}

/// An envelope's `id`: a string or a number, kept as given.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordId {
    Text(std::sync::Arc<str>),
    /// The number's JSON text, as written (`17`, `1.5e3`): never rounded through a float.
    Number(std::sync::Arc<str>),
}

impl RecordId {
    /// The id in a JSON value's text, or `None` when the value is neither a string nor a
    /// number (the caller reports that).
    pub fn from_json(raw: &str) -> Option<RecordId> {
        let raw = raw.trim();
        match raw.as_bytes().first()? {
            b'"' => serde_json::from_str::<crate::capture::borrowed::BorrowedStr<'_>>(raw)
                .ok()
                .map(|text| RecordId::Text(std::sync::Arc::from(&*text.0))),
            b'-' | b'0'..=b'9' => serde_json::from_str::<serde::de::IgnoredAny>(raw)
                .ok()
                .map(|_| RecordId::Number(raw.into())),
            _ => None,
        }
    }

    /// The id as JSON text: a quoted string or the number as written.
    pub fn to_json(&self) -> String {
        match self {
            RecordId::Text(text) => serde_json::to_string(&**text).unwrap_or_default(),
            RecordId::Number(number) => number.to_string(),
        }
    }
}

/// Written by hand so that `{:?}` shows the URL redacted and header names only.
impl std::fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("index", &self.index)
            .field("start", &self.start)
            .field("status", &self.status)
            .field("method", &self.method)
            .field("url", &self.raw_url.as_deref().map(redact_url))
            .field("headers", &self.headers)
            .field(
                "content_type",
                &self
                    .content_type
                    .as_deref()
                    .and_then(media_type_for_display),
            )
            .field("body", &self.body)
            .field("id", &self.id)
            .finish()
    }
}

impl<'a> Response<'a> {
    /// A response with nothing known but its position and status; loaders fill in the rest.
    pub fn new(index: usize, start: TextPos, status: Status) -> Self {
        Self {
            index,
            start,
            status,
            method: None,
            raw_url: None,
            headers: None,
            content_type: None,
            body: None,
            schema_only: false,
            body_is_parsed_json: false,
            id: None,
        }
    }

    /// True for a `HEAD` request, whose response never has a body.
    pub fn is_head(&self) -> bool {
        self.method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("HEAD"))
    }
}

/// True when a media type is JSON: `application/json` or any `*/*+json`, parameters ignored.
pub fn is_json_media_type(content_type: &str) -> bool {
    // Compared without allocating: this runs several times for every response.
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let ends_with = |suffix: &str| {
        essence.len() >= suffix.len()
            && essence.as_bytes()[essence.len() - suffix.len()..]
                .eq_ignore_ascii_case(suffix.as_bytes())
    };
    essence.eq_ignore_ascii_case("application/json")
        || (essence.contains('/') && ends_with("+json"))
}

/// The media type of a Content-Type value (`text/html` of `text/html; charset=utf-8`), for
/// messages. Parameters are dropped and anything that is not a plain `type/subtype` token
/// is withheld, because header values never leave errlint (docs/security.md).
pub fn media_type_for_display(content_type: &str) -> Option<String> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let token = |part: &str| {
        !part.is_empty()
            && part.len() <= 40
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => Some(essence),
        _ => None,
    }
}

/// Strips from a URL everything that may carry a secret, so that reports never show one
/// (README, "Safe on hostile input"): the query string and fragment, credentials
/// (`user:password@`, in any form a capture may hold: with `/`, `?` or `#` inside, or in a
/// scheme-relative `//…@host` URL) and path parameters (`;jsessionid=…`). What is left is
/// the scheme, host and path.
pub fn redact_url(url: &str) -> String {
    let (prefix, rest) = match authority_start(url) {
        Some(at) => {
            let (prefix, rest) = url.split_at(at);
            (prefix, without_userinfo(rest))
        }
        None => ("", url),
    };
    let cut = rest.find(['?', '#']).unwrap_or(rest.len());
    let mut out = String::with_capacity(prefix.len() + cut);
    out.push_str(prefix);
    for (i, segment) in rest[..cut].split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        // `;name=value` path parameters (RFC 3986 §3.3) carry session ids.
        out.push_str(segment.split(';').next().unwrap_or(""));
    }
    out
}

/// Where the authority of `scheme://authority/…` or `//authority/…` begins, if the URL has one.
fn authority_start(url: &str) -> Option<usize> {
    if url.starts_with("//") {
        return Some(2);
    }
    let colon = url.find("://")?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(colon + 3)
}

/// The authority and what follows, without credentials. The authority normally ends at the
/// first `/`, `?` or `#`; when that does not leave a plausible `host[:port]`, those characters
/// sat inside credentials, which then end at the last `@` that a plausible host follows.
fn without_userinfo(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if !authority.contains('@') && is_host_port(authority) {
        return rest;
    }
    for (at, _) in rest.match_indices('@').rev() {
        let after = &rest[at + 1..];
        let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
        if is_host_port(&after[..host_end]) {
            return after;
        }
    }
    // No host after any `@`: drop everything up to the authority's last `@`, if any.
    match authority.rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`, with nothing else.
fn is_host_port(text: &str) -> bool {
    let (host, port) = match text.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((inner, tail)) => (inner, tail.strip_prefix(':').unwrap_or(tail)),
            None => return false,
        },
        None => match text.split_once(':') {
            Some((host, port)) => (host, port),
            None => (text, ""),
        },
    };
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%'))
        && port.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(is_json_media_type("application/problem+json"));
        assert!(is_json_media_type("application/hal+json; charset=utf-8"));
        assert!(!is_json_media_type("text/html"));
        assert!(!is_json_media_type("application/jsonp"));
        assert!(!is_json_media_type("+json"));
    }

    #[test]
    fn media_types_are_shown_without_parameters_or_oddities() {
        assert_eq!(
            media_type_for_display("Text/HTML; charset=utf-8; token=SECRET").as_deref(),
            Some("text/html")
        );
        assert_eq!(
            media_type_for_display("application/problem+json").as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(media_type_for_display("Bearer abc.def"), None);
        assert_eq!(media_type_for_display("text/\u{1b}[31m"), None);
    }

    #[test]
    fn urls_lose_queries_fragments_and_credentials() {
        assert_eq!(
            redact_url("https://api.example.com/v1/orders?token=s3cret#frag"),
            "https://api.example.com/v1/orders"
        );
        assert_eq!(
            redact_url("https://user:pw@api.example.com/a?b=c"),
            "https://api.example.com/a"
        );
        assert_eq!(redact_url("/relative/path?q=1"), "/relative/path");
    }

    #[test]
    fn credentials_in_every_form_are_dropped() {
        let cases = [
            (
                "https://user:p/ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://user:p?ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://user:p#ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://u:p@ss@api.example.com:8443/v1",
                "https://api.example.com:8443/v1",
            ),
            ("//user:pw@api.example.com/v1?x=1", "//api.example.com/v1"),
            ("https://tok@[::1]:8080/a", "https://[::1]:8080/a"),
            ("HTTP://u:p@h/a", "HTTP://h/a"),
        ];
        for (url, redacted) in cases {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn debug_output_withholds_secrets() {
        let mut response = Response::new(0, TextPos::START, Status::Code(401));
        response.raw_url = Some("https://u:pw@h/a;jsessionid=J1?token=T1".into());
        response.headers = Some(Headers(vec![("Authorization".into(), "Bearer B1".into())]));
        response.content_type = Some("application/json; secret=C1".into());
        let shown = format!("{response:?} {response:#?}");
        for secret in ["pw", "J1", "T1", "B1", "C1"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("Authorization"), "{shown}");
    }

    #[test]
    fn path_parameters_are_dropped() {
        assert_eq!(
            redact_url("https://shop.example.com/cart;jsessionid=S3CR3T/items;v=1?q"),
            "https://shop.example.com/cart/items"
        );
        assert_eq!(redact_url("/a;sid=x/b"), "/a/b");
    }

    #[test]
    fn an_at_sign_in_the_path_is_kept() {
        assert_eq!(
            redact_url("https://api.example.com/users/@me?t=1"),
            "https://api.example.com/users/@me"
        );
        assert_eq!(
            redact_url("https://api.example.com/v1/emails/a@b.com"),
            "https://api.example.com/v1/emails/a@b.com"
        );
        assert_eq!(redact_url("/redirect?to=https://u:p@x/"), "/redirect");
    }
}
