//! The one model of an HTTP response that every rule sees.
//!
//! Loaders build a `Response` per captured response, borrowing from their own buffers so that
//! a streamed HAR entry costs no copies; the checker turns findings into owned diagnostics
//! before the loader moves on. Nothing here prints: header values stay inside the process.

use std::borrow::Cow;

pub use crate::body_map::{BodyOrigin, OriginKind, ScalarStyle};
use crate::position::TextPos;
pub use crate::redact::redact_url;

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
}
