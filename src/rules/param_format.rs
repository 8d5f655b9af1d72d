//! `param-format`: `param` is not a dotted path.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity, field_name, quote};
use crate::contract::Contract;

pub const PARAM_FORMAT: Rule = Rule {
    name: "param-format",
    default_severity: Severity::Warning,
    summary: "The param is not a dotted path",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports a string `param` that is not a dotted path to a request \
parameter: names of letters, digits, `_` and `-` (not starting with a digit or `-`), joined by \
dots, each optionally followed by array indexes, e.g. `email`, `customer.id`, `items[0].price`, \
`items.0.price`. `null` and non-strings are left to `schema`. Under the `jsonapi` profile it \
reads each `errors[i].source.parameter`; `problem-details` and `google` have no such field, and \
the rule stays quiet (docs/profiles.md).",
        why: "Clients use `param` to highlight the field the user must fix. Free text, JSON \
Pointers or spaces cannot be mapped back to a form field.",
        example: "{\"type\": \"invalid_request\", \"code\": \"invalid_price\", \"message\": \"…\", \"param\": \"items/0/price\"}",
        instead: "{\"type\": \"invalid_request\", \"code\": \"invalid_price\", \"message\": \"…\", \"param\": \"items[0].price\"}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    for (at, param) in facts.error_strings(contract, contract.profile.param) {
        if is_dotted_path(param) {
            continue;
        }
        out.push(
            Finding::new(
                &PARAM_FORMAT,
                format!(
                    "{} {} is not a dotted path",
                    field_name(&at.pointer()),
                    quote(param)
                ),
                Anchor::Pointer(at.pointer().into()),
            )
            .label("not a dotted path")
            .help(
                "name the parameter as a dotted path, e.g. \"customer.id\" or \"items[0].price\"",
            ),
        );
    }
}

/// A dotted path: segments joined by `.`, each a name or an index, names optionally followed
/// by `[N]` indexes.
pub fn is_dotted_path(param: &str) -> bool {
    !param.is_empty() && param.split('.').all(is_segment)
}

fn is_segment(segment: &str) -> bool {
    if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
        return true; // items.0.price
    }
    let name_end = segment.find('[').unwrap_or(segment.len());
    let (name, mut indexes) = segment.split_at(name_end);
    let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !name_ok {
        return false;
    }
    while !indexes.is_empty() {
        let Some(rest) = indexes.strip_prefix('[') else {
            return false;
        };
        let Some(close) = rest.find(']') else {
            return false;
        };
        let digits = &rest[..close];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        indexes = &rest[close + 1..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    #[test]
    fn dotted_path_grammar() {
        for ok in [
            "email",
            "customer.id",
            "items[0].price",
            "items.0.price",
            "a_b.c-d",
            "m[1][2]",
            "_x",
        ] {
            assert!(is_dotted_path(ok), "{ok}");
        }
        for bad in [
            "",
            "items/0/price",
            "/customer",
            "customer id",
            "a..b",
            ".a",
            "a.",
            "a[x]",
            "a[]",
            "a[0",
            "0abc",
            "-a",
        ] {
            assert!(!is_dotted_path(bad), "{bad}");
        }
    }

    #[test]
    fn fires_on_a_pointer_shaped_param() {
        let body = r#"{"type":"invalid_request","code":"c","message":"m","param":"items/0/price"}"#;
        assert_eq!(
            summary(&run(&PARAM_FORMAT, &response(400, body))),
            vec![(
                "/param".into(),
                "param \"items/0/price\" is not a dotted path".into()
            )]
        );
    }

    #[test]
    fn quiet_on_null_non_strings_and_good_paths() {
        assert!(run(&PARAM_FORMAT, &response(400, r#"{"param":null}"#)).is_empty());
        assert!(run(&PARAM_FORMAT, &response(400, r#"{"param":3}"#)).is_empty());
        assert!(run(&PARAM_FORMAT, &response(400, r#"{"param":"customer.id"}"#)).is_empty());
    }

    #[test]
    fn reads_jsonapi_source_parameter() {
        use crate::rules::testing::run_profile;
        let body =
            r#"{"errors":[{"source":{"parameter":"sort by"}},{"source":{"parameter":"include"}}]}"#;
        assert_eq!(
            summary(&run_profile(&PARAM_FORMAT, "jsonapi", &response(400, body))),
            vec![(
                "/errors/0/source/parameter".into(),
                "errors[0].source.parameter \"sort by\" is not a dotted path".into()
            )]
        );
        let google =
            r#"{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","param":"a b"}}"#;
        assert!(run_profile(&PARAM_FORMAT, "google", &response(400, google)).is_empty());
    }
}
