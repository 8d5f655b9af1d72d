//! `status-type-mismatch`: the HTTP status and the body's `type` disagree.

use serde_json::Value;

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::{Contract, ERROR_TYPES};

pub const STATUS_TYPE_MISMATCH: Rule = Rule {
    name: "status-type-mismatch",
    default_severity: Severity::Error,
    summary: "The status and the body's type disagree",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Compares a 4xx/5xx status with the body's `type`: 401 and 403 require \
`authentication`, 429 `rate_limit`, any other 4xx `invalid_request`, any 5xx `api` (each \
overridable in configuration). Only a `type` that is one of the four known values is compared; \
an unknown `type` is a `schema` finding alone.",
        why: "Clients branch on the status (retry on 429 and 5xx, re-authenticate on 401) and \
on `type`. When they disagree, retries hammer a request that can never succeed, or a real \
outage is shown to the user as their mistake.",
        example: "HTTP/1.1 429 Too Many Requests\nContent-Type: application/json\n\n{\"type\": \"api\", \"code\": \"too_many_requests\", \"message\": \"Slow down.\", \"param\": null}",
        instead: "{\"type\": \"rate_limit\", \"code\": \"too_many_requests\", \"message\": \"Slow down.\", \"param\": null}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    let (Some(object), Some(code)) = (facts.error_object(), facts.code()) else {
        return;
    };
    let Some(Value::String(found)) = object.get("type") else {
        return;
    };
    if !ERROR_TYPES.contains(&found.as_str()) {
        return;
    }
    let Some(required) = contract.status_types.required(code) else {
        return;
    };
    if found != required {
        out.push(
            Finding::new(
                &STATUS_TYPE_MISMATCH,
                format!("status {code} requires type {required:?}, found {found:?}"),
                Anchor::Pointer("/type".into()),
            )
            .label(format!("expected {required:?}"))
            .help(format!(
                "set \"type\" to {required:?}, or send the status that matches {found:?}"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    fn body(t: &str) -> String {
        format!(r#"{{"type":"{t}","code":"c","message":"m","param":null}}"#)
    }

    #[test]
    fn fires_when_status_and_type_disagree() {
        assert_eq!(
            summary(&run(&STATUS_TYPE_MISMATCH, &response(429, &body("api")))),
            vec![(
                "/type".into(),
                "status 429 requires type \"rate_limit\", found \"api\"".into()
            )]
        );
        assert_eq!(
            run(
                &STATUS_TYPE_MISMATCH,
                &response(403, &body("invalid_request"))
            )
            .len(),
            1
        );
        assert_eq!(
            run(&STATUS_TYPE_MISMATCH, &response(502, &body("rate_limit"))).len(),
            1
        );
        assert_eq!(
            run(&STATUS_TYPE_MISMATCH, &response(404, &body("api"))).len(),
            1
        );
    }

    #[test]
    fn quiet_when_they_agree_or_type_is_unknown() {
        for (status, t) in [
            (401, "authentication"),
            (403, "authentication"),
            (429, "rate_limit"),
            (400, "invalid_request"),
            (500, "api"),
        ] {
            assert!(
                run(&STATUS_TYPE_MISMATCH, &response(status, &body(t))).is_empty(),
                "{status} {t}"
            );
        }
        assert!(run(&STATUS_TYPE_MISMATCH, &response(429, &body("card_error"))).is_empty());
        assert!(run(&STATUS_TYPE_MISMATCH, &response(200, &body("api"))).is_empty());
    }
}
