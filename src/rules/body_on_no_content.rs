//! `body-on-no-content`: a 204 or 304 response has a body.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;

pub const BODY_ON_NO_CONTENT: Rule = Rule {
    name: "body-on-no-content",
    default_severity: Severity::Error,
    summary: "A 204 or 304 response has a non-empty body",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a 204 No Content or 304 Not Modified response that carries a \
non-empty body. This is the one rule that looks at a 3xx response.",
        why: "HTTP forbids a body on 204 and 304 (RFC 9110 §15.3.5, §15.4.5). Clients and \
proxies stop reading at the headers, so the stray bytes are taken as the start of the next \
response on a kept-alive connection.",
        example: "HTTP/1.1 204 No Content\nContent-Type: application/json\n\n{}",
        instead: "Send 204 with no body at all, or 200 with the body.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    let Some(code @ (204 | 304)) = facts.code() else {
        return;
    };
    let Some(body) = &facts.response.body else {
        return;
    };
    if !body.is_blank() {
        out.push(
            Finding::new(
                &BODY_ON_NO_CONTENT,
                format!(
                    "status {code} response has a {}-byte body",
                    body.bytes.len()
                ),
                Anchor::Body,
            )
            .label("no body is allowed here")
            .help(format!("drop the body, or answer 200 instead of {code}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_204_and_304_with_a_body() {
        assert_eq!(
            run(&BODY_ON_NO_CONTENT, &response(204, "{}"))[0].message,
            "status 204 response has a 2-byte body"
        );
        assert_eq!(run(&BODY_ON_NO_CONTENT, &response(304, "x")).len(), 1);
    }

    #[test]
    fn quiet_without_a_body_or_on_other_statuses() {
        assert!(run(&BODY_ON_NO_CONTENT, &response(204, "")).is_empty());
        assert!(run(&BODY_ON_NO_CONTENT, &response(204, "\r\n")).is_empty());
        assert!(run(&BODY_ON_NO_CONTENT, &response(200, "{}")).is_empty());
    }
}
