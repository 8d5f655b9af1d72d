//! `non-json-error-body`: a 4xx/5xx body is not JSON and does not claim to be.

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity, quote};
use crate::contract::Contract;
use crate::response::media_type_for_display;

pub const NON_JSON_ERROR_BODY: Rule = Rule {
    name: "non-json-error-body",
    default_severity: Severity::Error,
    summary: "A 4xx/5xx body is not JSON, e.g. an HTML page from a gateway",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports a 4xx or 5xx response whose body is neither JSON nor claims to \
be: typically an HTML error page from a load balancer, a gateway or a framework's debug page, \
or plain text. The body rules do not look at such a body; this one finding says why.",
        why: "API clients parse error bodies as JSON. An HTML page makes them fail with a parse \
error instead of the real cause, and debug pages often reveal internals.",
        example: "HTTP/1.1 502 Bad Gateway\nContent-Type: text/html\n\n<html><body><h1>502 Bad Gateway</h1></body></html>",
        instead: "Configure the gateway or framework to answer errors with the JSON error \
object, e.g. {\"type\": \"api\", \"code\": \"upstream_unavailable\", \"message\": \"The service is temporarily unavailable.\", \"param\": null}.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    if facts.is_error() && matches!(facts.body, BodyState::NotJson) {
        let served_as = match facts.response.content_type.as_deref() {
            Some(ct) => media_type_for_display(ct)
                .map(|m| format!(" (served as {})", quote(&m)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        out.push(
            Finding::new(
                &NON_JSON_ERROR_BODY,
                format!("error body is not JSON{served_as}"),
                Anchor::Body,
            )
            .label("not JSON")
            .help("answer errors with the JSON error object"),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_an_html_gateway_page() {
        let mut r = response(502, "<html><h1>Bad Gateway</h1></html>");
        r.content_type = Some(Cow::Borrowed("text/html"));
        let findings = run(&NON_JSON_ERROR_BODY, &r);
        assert_eq!(
            findings[0].message,
            "error body is not JSON (served as \"text/html\")"
        );
    }

    #[test]
    fn quiet_on_json_claims_and_success() {
        // Claims JSON by its content type: that is invalid-json's business.
        assert!(run(&NON_JSON_ERROR_BODY, &response(500, "oops")).is_empty());
        let mut ok = response(200, "<html></html>");
        ok.content_type = Some(Cow::Borrowed("text/html"));
        assert!(run(&NON_JSON_ERROR_BODY, &ok).is_empty());
    }
}
