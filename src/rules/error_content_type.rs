//! `error-content-type`: a JSON error body served with a Content-Type that is not JSON.

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity, quote};
use crate::contract::Contract;
use crate::response::{is_json_media_type, media_type_for_display};

pub const ERROR_CONTENT_TYPE: Rule = Rule {
    name: "error-content-type",
    default_severity: Severity::Warning,
    summary: "A JSON error body is served with a Content-Type that is not JSON",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports a 4xx/5xx response whose body parses as JSON but whose \
Content-Type is missing or not JSON (`application/json` or any `*/*+json`). Only responses \
whose headers were captured are checked. The `problem-details` profile asks for \
`application/problem+json` (RFC 9457 §3) and `jsonapi` for `application/vnd.api+json` \
(JSON:API 1.1, content negotiation).",
        why: "Many HTTP clients decide how to decode a body by its Content-Type: served as \
text/html or text/plain, the error object reaches the caller as a string, not an error.",
        example: "HTTP/1.1 400 Bad Request\nContent-Type: text/plain\n\n{\"type\": \"invalid_request\", …}",
        instead: "Content-Type: application/json",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    if !facts.is_error() || !matches!(facts.body, BodyState::Json(_)) {
        return;
    }
    let Some(headers) = &facts.response.headers else {
        return;
    };
    let content_type = headers.get("content-type").map(str::trim);
    if let Some(required) = contract.profile.media_type {
        // A profile with its own media type (RFC 9457 §3, JSON:API "Content Negotiation").
        let essence = content_type
            .and_then(|ct| ct.split(';').next())
            .map(|ct| ct.trim().to_ascii_lowercase());
        if essence.as_deref() == Some(required) {
            return;
        }
        let served = match content_type.and_then(media_type_for_display) {
            Some(media_type) => format!("served as {}", quote(&media_type)),
            None if content_type.is_some_and(|ct| !ct.is_empty()) => {
                "served with another Content-Type".to_string()
            }
            None => "served without a Content-Type".to_string(),
        };
        out.push(
            Finding::new(
                &ERROR_CONTENT_TYPE,
                format!("{} is {served}, not {required:?}", contract.profile.title),
                Anchor::Response,
            )
            .help(format!("serve error bodies with Content-Type: {required}")),
        );
        return;
    }
    let message = match content_type {
        Some(ct) if is_json_media_type(ct) => return,
        Some(ct) if !ct.is_empty() => match media_type_for_display(ct) {
            Some(media_type) => format!("JSON error body is served as {}", quote(&media_type)),
            None => "JSON error body is served with a Content-Type that is not JSON".to_string(),
        },
        _ => "JSON error body is served without a Content-Type".to_string(),
    };
    out.push(
        Finding::new(&ERROR_CONTENT_TYPE, message, Anchor::Response)
            .help("serve error bodies with Content-Type: application/json"),
    );
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::response::Headers;
    use crate::rules::testing::{response, run};

    fn with_content_type(ct: Option<&'static str>) -> crate::response::Response<'static> {
        let mut r = response(400, r#"{"type":"invalid_request"}"#);
        r.headers = Some(Headers(
            ct.map(|v| (Cow::Borrowed("content-type"), Cow::Borrowed(v)))
                .into_iter()
                .collect(),
        ));
        r
    }

    #[test]
    fn fires_on_text_and_missing_content_types() {
        assert_eq!(
            run(&ERROR_CONTENT_TYPE, &with_content_type(Some("text/plain")))[0].message,
            "JSON error body is served as \"text/plain\""
        );
        assert_eq!(
            run(&ERROR_CONTENT_TYPE, &with_content_type(None))[0].message,
            "JSON error body is served without a Content-Type"
        );
    }

    #[test]
    fn quiet_on_json_types_and_unknown_headers() {
        assert!(
            run(
                &ERROR_CONTENT_TYPE,
                &with_content_type(Some("application/problem+json; charset=utf-8"))
            )
            .is_empty()
        );
        let mut bare = with_content_type(Some("text/plain"));
        bare.headers = None;
        assert!(run(&ERROR_CONTENT_TYPE, &bare).is_empty());
    }

    #[test]
    fn profiles_with_their_own_media_type_require_it() {
        use crate::rules::testing::run_profile;
        let served = |ct: &'static str| {
            let mut r = response(404, r#"{"title":"Not Found"}"#);
            r.headers = Some(Headers(vec![(
                Cow::Borrowed("Content-Type"),
                Cow::Borrowed(ct),
            )]));
            r
        };
        assert_eq!(
            run_profile(
                &ERROR_CONTENT_TYPE,
                "problem-details",
                &served("application/json")
            )[0]
            .message,
            "RFC 9457 problem details is served as \"application/json\", not \"application/problem+json\""
        );
        assert!(
            run_profile(
                &ERROR_CONTENT_TYPE,
                "problem-details",
                &served("Application/Problem+JSON; charset=utf-8")
            )
            .is_empty()
        );
        assert!(
            run_profile(
                &ERROR_CONTENT_TYPE,
                "jsonapi",
                &served("application/vnd.api+json")
            )
            .is_empty()
        );
        assert_eq!(
            run_profile(&ERROR_CONTENT_TYPE, "jsonapi", &served("application/json")).len(),
            1
        );
        assert!(
            run_profile(
                &ERROR_CONTENT_TYPE,
                "google",
                &served("application/json; charset=UTF-8")
            )
            .is_empty()
        );
    }
}
