//! `error-body-on-success`: a 2xx response carries an error object.

use serde_json::Value;

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity, field_name};
use crate::contract::profile::{Expect, field_of};
use crate::contract::{Contract, TypeTable as _};

pub const ERROR_BODY_ON_SUCCESS: Rule = Rule {
    name: "error-body-on-success",
    default_severity: Severity::Error,
    summary: "A 2xx body is an error object",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a 2xx response whose body is an object with a `type` that is one \
of the four error types and a string `message`: an error sent with a success status. Under \
another profile it looks for that convention's error object (docs/profiles.md): a problem with \
an error `status` and a `title`, a Google `error` with an error `code` and a `message`, a \
JSON:API `errors` array, or a custom `[contract]`'s object with one of its `types`.",
        why: "Clients, caches, retries and monitoring all trust the status. An error behind a \
200 is cached, counted as success and handed to code that expects the resource.",
        example: "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"type\": \"invalid_request\", \"code\": \"coupon_expired\", \"message\": \"This coupon has expired.\", \"param\": \"coupon\"}",
        instead: "Send the error with the status its type maps to, here 400 Bad Request.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    if !facts.is_success() {
        return;
    }
    let BodyState::Json(body) = &facts.body else {
        return;
    };
    let profile = &contract.profile;
    // The first of the profile's error objects that has every field of its signature.
    let found = profile.error_objects(body).into_iter().find(|(_, object)| {
        profile
            .signature
            .iter()
            .all(|(field, expect)| match (field_of(object, field), expect) {
                (Some(Value::String(s)), Expect::KnownType) => contract.is_known(s),
                (Some(Value::String(_)), Expect::Text) => true,
                (Some(Value::Number(n)), Expect::ErrorStatus) => {
                    n.as_u64().is_some_and(|n| (400..600).contains(&n))
                }
                _ => false,
            })
    });
    let Some((at, object)) = found else {
        return;
    };
    let status = facts.code().unwrap_or_default();
    let (message, pointer) = match profile.signature.first() {
        Some((field, Expect::KnownType)) => {
            let pointer = format!("{at}{field}");
            let kind = field_of(object, field)
                .and_then(Value::as_str)
                .unwrap_or_default();
            let name = field_name(&pointer);
            (
                format!("status {status} response carries an error body of {name} {kind:?}"),
                pointer,
            )
        }
        Some((field, _)) => (
            format!(
                "status {status} response carries an error body ({})",
                profile.title
            ),
            format!("{at}{field}"),
        ),
        None => (
            format!(
                "status {status} response carries an error body ({})",
                profile.title
            ),
            at,
        ),
    };
    out.push(
        Finding::new(
            &ERROR_BODY_ON_SUCCESS,
            message,
            Anchor::Pointer(pointer.into()),
        )
        .label("an error on a success status")
        .help("send errors with a 4xx or 5xx status"),
    );
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

    #[test]
    fn finds_each_profile_error_object_under_200() {
        use crate::rules::testing::run_profile;
        let cases = [
            (
                "problem-details",
                r#"{"title":"Not Found","status":404}"#,
                "/status",
            ),
            (
                "google",
                r#"{"error":{"code":404,"message":"m","status":"NOT_FOUND"}}"#,
                "/error/code",
            ),
            ("jsonapi", r#"{"errors":[{"status":"404"}]}"#, "/errors/0"),
        ];
        for (profile, body, pointer) in cases {
            let found = summary(&run_profile(
                &ERROR_BODY_ON_SUCCESS,
                profile,
                &response(200, body),
            ));
            assert_eq!(found.len(), 1, "{profile}");
            assert_eq!(found[0].0, pointer, "{profile}");
        }
        // Resources that merely share a member name pass.
        for (profile, body) in [
            (
                "problem-details",
                r#"{"title":"A post","status":"published"}"#,
            ),
            ("google", r#"{"error":null,"message":"ok"}"#),
            ("jsonapi", r#"{"data":{"id":"1"},"errors":[]}"#),
        ] {
            assert!(
                run_profile(&ERROR_BODY_ON_SUCCESS, profile, &response(200, body)).is_empty(),
                "{profile}"
            );
        }
    }
}
