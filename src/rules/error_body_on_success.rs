//! `error-body-on-success`: a 2xx response carries an error object.

use serde_json::Value;

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::{Contract, ERROR_TYPES};

pub const ERROR_BODY_ON_SUCCESS: Rule = Rule {
    name: "error-body-on-success",
    default_severity: Severity::Error,
    summary: "A 2xx body is an error object",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a 2xx response whose body is an object with a `type` that is one \
of the four error types and a string `message`: an error sent with a success status.",
        why: "Clients, caches, retries and monitoring all trust the status. An error behind a \
200 is cached, counted as success and handed to code that expects the resource.",
        example: "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"type\": \"invalid_request\", \"code\": \"coupon_expired\", \"message\": \"This coupon has expired.\", \"param\": \"coupon\"}",
        instead: "Send the error with the status its type maps to, here 400 Bad Request.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    if !facts.is_success() {
        return;
    }
    let Some(object) = facts.json_object() else {
        return;
    };
    let (Some(Value::String(kind)), Some(Value::String(_))) =
        (object.get("type"), object.get("message"))
    else {
        return;
    };
    if ERROR_TYPES.contains(&kind.as_str()) {
        let status = facts.code().unwrap_or_default();
        out.push(
            Finding::new(
                &ERROR_BODY_ON_SUCCESS,
                format!("status {status} response carries an error body of type {kind:?}"),
                Anchor::Pointer("/type".into()),
            )
            .label("an error type on a success status")
            .help("send errors with a 4xx or 5xx status"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    #[test]
    fn fires_on_an_error_object_under_200() {
        let body = r#"{"type":"invalid_request","code":"x","message":"expired","param":null}"#;
        assert_eq!(
            summary(&run(&ERROR_BODY_ON_SUCCESS, &response(200, body))),
            vec![(
                "/type".into(),
                "status 200 response carries an error body of type \"invalid_request\"".into()
            )]
        );
    }

    #[test]
    fn quiet_on_resources_and_error_statuses() {
        assert!(
            run(
                &ERROR_BODY_ON_SUCCESS,
                &response(200, r#"{"type":"customer","message":"hi"}"#)
            )
            .is_empty()
        );
        assert!(run(&ERROR_BODY_ON_SUCCESS, &response(200, r#"{"type":"api"}"#)).is_empty());
        assert!(
            run(
                &ERROR_BODY_ON_SUCCESS,
                &response(500, r#"{"type":"api","message":"m"}"#)
            )
            .is_empty()
        );
    }
}
