//! `status-type-mismatch`: the HTTP status and the body's `type` disagree.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;

pub const STATUS_TYPE_MISMATCH: Rule = Rule {
    name: "status-type-mismatch",
    default_severity: Severity::Error,
    summary: "The status and the body's type disagree",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Compares a 4xx/5xx status with the body's `type`: 401 and 403 require \
`authentication`, 429 `rate_limit`, any other 4xx `invalid_request`, any 5xx `api` (each \
overridable in configuration). Only a `type` that is one of the four known values is compared; \
an unknown `type` is a `schema` finding alone.\n\nUnder another profile (docs/profiles.md) the \
fields that must agree are the convention's own: `problem-details` (RFC 9457) — `status`, when \
present, equals the HTTP status; `google` (AIP-193) — `error.code` equals it and `error.status` \
is its canonical name (`NOT_FOUND` for 404); `jsonapi` (JSON:API 1.1) — each `errors[i].status` \
equals it, or the status is the general class of differing ones (400 for 422 and 415); a custom \
`[contract]` — its `type-field`, mapped by `[status-types]`.",
        why: "Clients branch on the status (retry on 429 and 5xx, re-authenticate on 401) and \
on `type`. When they disagree, retries hammer a request that can never succeed, or a real \
outage is shown to the user as their mistake.",
        example: "HTTP/1.1 429 Too Many Requests\nContent-Type: application/json\n\n{\"type\": \"api\", \"code\": \"too_many_requests\", \"message\": \"Slow down.\", \"param\": null}",
        instead: "{\"type\": \"rate_limit\", \"code\": \"too_many_requests\", \"message\": \"Slow down.\", \"param\": null}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    let Some(code) = facts.code() else {
        return;
    };
    let objects = facts.error_objects(contract);
    if objects.is_empty() {
        return;
    }
    // The profile says which fields agree with the status and how (docs/profiles.md).
    for found in contract.profile.disagreements(code, &objects, contract) {
        out.push(
            Finding::new(
                &STATUS_TYPE_MISMATCH,
                found.message,
                Anchor::Pointer(found.pointer.into()),
            )
            .label(found.label)
            .help(found.help),
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

    #[test]
    fn each_profile_ties_its_own_fields_to_the_status() {
        use crate::rules::testing::run_profile;
        let google = r#"{"error":{"code":404,"message":"m","status":"INVALID_ARGUMENT"}}"#;
        let found = run_profile(&STATUS_TYPE_MISMATCH, "google", &response(404, google));
        assert_eq!(
            summary(&found),
            vec![(
                "/error/status".into(),
                "status 404 requires error.status NOT_FOUND, found \"INVALID_ARGUMENT\"".into()
            )]
        );
        let problem = r#"{"title":"Bad","status":400}"#;
        assert_eq!(
            summary(&run_profile(
                &STATUS_TYPE_MISMATCH,
                "problem-details",
                &response(422, problem)
            )),
            vec![(
                "/status".into(),
                "problem details status 400 does not match the HTTP status 422".into()
            )]
        );
        // The default profile's `type` means nothing to other profiles.
        assert!(
            run_profile(
                &STATUS_TYPE_MISMATCH,
                "problem-details",
                &response(429, &body("api"))
            )
            .is_empty()
        );
    }
}
