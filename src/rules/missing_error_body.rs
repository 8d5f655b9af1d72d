//! `missing-error-body`: a 4xx/5xx response has an empty body.

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;

pub const MISSING_ERROR_BODY: Rule = Rule {
    name: "missing-error-body",
    default_severity: Severity::Error,
    summary: "A 4xx/5xx response has an empty body",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports a 4xx or 5xx response whose body is empty or only whitespace. \
Responses to HEAD requests are exempt, since they never carry a body. A HAR entry whose body \
the capture tool did not store is not reported.",
        why: "Without a body a client has only the status code: it cannot tell a missing \
parameter from a bad one, and cannot show the user a message.",
        example: "HTTP/1.1 404 Not Found\nContent-Length: 0\n",
        instead: "Send the error object with every error status:\n\n{\"type\": \"invalid_request\", \"code\": \"resource_missing\", \"message\": \"No such customer.\", \"param\": \"id\"}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    if facts.is_error() && matches!(facts.body, BodyState::Empty) && !facts.response.is_head() {
        let status = facts.code().unwrap_or_default();
        out.push(
            Finding::new(
                &MISSING_ERROR_BODY,
                format!("status {status} response has an empty body"),
                Anchor::Response,
            )
            .help("send an error object with type, code, message and param"),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_empty_and_blank_error_bodies() {
        let findings = run(&MISSING_ERROR_BODY, &response(404, ""));
        assert_eq!(findings[0].message, "status 404 response has an empty body");
        assert_eq!(run(&MISSING_ERROR_BODY, &response(503, " \r\n")).len(), 1);
    }

    #[test]
    fn quiet_for_head_success_and_uncaptured_bodies() {
        let mut head = response(404, "");
        head.method = Some(Cow::Borrowed("HEAD"));
        assert!(run(&MISSING_ERROR_BODY, &head).is_empty());
        assert!(run(&MISSING_ERROR_BODY, &response(200, "")).is_empty());
        let mut uncaptured = response(500, "");
        uncaptured.body = None;
        assert!(run(&MISSING_ERROR_BODY, &uncaptured).is_empty());
    }
}
