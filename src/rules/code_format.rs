//! `code-format`: `code` is not snake_case.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity, field_name, quote};
use crate::contract::Contract;

pub const CODE_FORMAT: Rule = Rule {
    name: "code-format",
    default_severity: Severity::Warning,
    summary: "The error code is not snake_case",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports a string `code` that is not snake_case: lowercase ASCII letters \
and digits in words joined by single underscores, starting with a letter \
(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`). A `code` that is not a string is a `schema` finding alone. Under the `jsonapi` profile it \
reads each `errors[i].code`; `problem-details` and `google` have no such code, and the rule \
stays quiet (docs/profiles.md).",
        why: "Codes are matched by machines. One spelling convention lets clients compare them \
exactly and lets the documentation list them.",
        example: "{\"type\": \"invalid_request\", \"code\": \"Missing-Param\", …}",
        instead: "{\"type\": \"invalid_request\", \"code\": \"missing_param\", …}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    for (at, code) in facts.error_strings(contract, contract.profile.code) {
        if is_snake_case(code) {
            continue;
        }
        out.push(
            Finding::new(
                &CODE_FORMAT,
                format!(
                    "{} {} is not snake_case",
                    field_name(&at.pointer()),
                    quote(code)
                ),
                Anchor::Pointer(at.pointer().into()),
            )
            .label("not snake_case")
            .help(format!("spell it {}", quote(&suggest(code)))),
        );
    }
}

/// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$` without a regex engine.
pub fn is_snake_case(code: &str) -> bool {
    let mut words = code.split('_');
    let first_ok = words.next().is_some_and(|w| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    first_ok
        && words.all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A snake_case spelling of a code, for the help line.
fn suggest(code: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in code.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    #[test]
    fn snake_case_grammar() {
        for ok in ["a", "missing_param", "card_declined2", "x_1_y"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in [
            "",
            "Missing",
            "missing-param",
            "_x",
            "x_",
            "x__y",
            "1abc",
            "missingParam",
            "ünicode",
        ] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn fires_with_a_suggestion() {
        let body = r#"{"type":"invalid_request","code":"MissingParam","message":"m","param":null}"#;
        let findings = run(&CODE_FORMAT, &response(400, body));
        assert_eq!(
            summary(&findings),
            vec![(
                "/code".into(),
                "code \"MissingParam\" is not snake_case".into()
            )]
        );
        assert_eq!(
            findings[0].help.as_deref(),
            Some("spell it \"missing_param\"")
        );
    }

    #[test]
    fn quiet_on_snake_case_non_strings_and_success() {
        assert!(run(&CODE_FORMAT, &response(400, r#"{"code":"missing_param"}"#)).is_empty());
        assert!(run(&CODE_FORMAT, &response(400, r#"{"code":42}"#)).is_empty());
        assert!(run(&CODE_FORMAT, &response(200, r#"{"code":"Bad"}"#)).is_empty());
    }

    #[test]
    fn reads_each_jsonapi_code_and_skips_profiles_without_one() {
        use crate::rules::testing::run_profile;
        let body = r#"{"errors":[{"code":"ok_code"},{"code":"Bad-Code"}]}"#;
        assert_eq!(
            summary(&run_profile(&CODE_FORMAT, "jsonapi", &response(422, body))),
            vec![(
                "/errors/1/code".into(),
                "errors[1].code \"Bad-Code\" is not snake_case".into()
            )]
        );
        // Google's error.code is the HTTP status and problem details have no code field.
        let google = r#"{"error":{"code":404,"message":"m","status":"NOT_FOUND"}}"#;
        assert!(run_profile(&CODE_FORMAT, "google", &response(404, google)).is_empty());
        let problem = r#"{"title":"x","code":"Bad-Code"}"#;
        assert!(run_profile(&CODE_FORMAT, "problem-details", &response(400, problem)).is_empty());
    }
}
