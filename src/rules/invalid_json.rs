//! `invalid-json`: a body that claims to be JSON does not parse.

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;

pub const INVALID_JSON: Rule = Rule {
    name: "invalid-json",
    default_severity: Severity::Error,
    summary: "A body that claims to be JSON does not parse",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a body that claims to be JSON - its Content-Type says JSON, or it \
starts with `{` or `[` - but does not parse. The finding points at the line and column inside \
the body where parsing failed. Success responses are checked too. An empty body is never \
invalid JSON.",
        why: "Clients call JSON.parse on anything served as JSON. A truncated or hand-built body \
makes them throw before they can read the error, so the user sees a generic failure.",
        example: "HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{\"type\": \"invalid_request\", \"code\": \"missing_param\",",
        instead: "Serialise error bodies with a JSON library rather than string templates, and \
make sure proxies do not cut them short.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    if let BodyState::InvalidJson { message, offset } = &facts.body {
        out.push(
            Finding::new(
                &INVALID_JSON,
                format!("body is not valid JSON: {message}"),
                Anchor::BodyOffset(*offset),
            )
            .label("parsing failed here")
            .help("serve a complete JSON document, or a non-JSON Content-Type"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    #[test]
    fn fires_on_truncated_json_with_the_offset() {
        let findings = run(&INVALID_JSON, &response(400, "{\"type\": \"api\","));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.starts_with("body is not valid JSON: "));
        assert_eq!(findings[0].anchor, Anchor::BodyOffset(14));
    }

    #[test]
    fn fires_on_success_responses_too() {
        assert_eq!(run(&INVALID_JSON, &response(200, "[1,")).len(), 1);
    }

    #[test]
    fn binary_that_happens_to_start_with_a_brace_does_not_claim_json() {
        let mut png = response(200, "");
        png.content_type = Some(std::borrow::Cow::Borrowed("image/png"));
        png.body.as_mut().unwrap().bytes = std::borrow::Cow::Borrowed(b"{\x89\xff\xfe binary");
        assert!(run(&INVALID_JSON, &png).is_empty());
    }

    #[test]
    fn quiet_on_valid_and_empty_bodies() {
        assert!(summary(&run(&INVALID_JSON, &response(400, "{\"a\":1}"))).is_empty());
        assert!(run(&INVALID_JSON, &response(400, "")).is_empty());
        assert!(run(&INVALID_JSON, &response(400, "  \n")).is_empty());
    }
}
