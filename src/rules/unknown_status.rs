//! `unknown-status`: the status is outside 100–599 or cannot be found.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;
use crate::response::Status;

pub const UNKNOWN_STATUS: Rule = Rule {
    name: "unknown-status",
    default_severity: Severity::Error,
    summary: "The status is outside 100-599, or no status can be found",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a response whose status is not an integer from 100 to 599, or \
that has no status at all: a bare body file without a status in its name (`404.json`, \
`get_customer.429.json`, `orders-500.json`).",
        why: "Every other rule depends on the status. A status HTTP does not define breaks \
clients and proxies; a fixture without one cannot be checked against the contract.",
        example: "customers/get_customer.json   (a bare body: which status was it sent with?)",
        instead: "Put the status in the file name (get_customer.404.json), or record the \
response with its status line (curl -i) or in an envelope {\"status\": 404, \"body\": …}.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _: &Contract, out: &mut Vec<Finding>) {
    let (message, help) = match &facts.response.status {
        Status::Code(code) if (100..=599).contains(code) => return,
        Status::Code(code) => (
            format!("status {code} is outside the HTTP range 100-599"),
            "send a status HTTP defines",
        ),
        Status::Missing => (
            "no status found: the file name has no status code".to_string(),
            "name the file after its status (e.g. get_customer.404.json) or record the status line",
        ),
        Status::NotANumber(what) => (
            format!("status is {what}, not an integer"),
            "record the status as an integer",
        ),
    };
    out.push(Finding::new(&UNKNOWN_STATUS, message, Anchor::Response).help(help));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_out_of_range_missing_and_non_numeric_statuses() {
        assert_eq!(
            run(&UNKNOWN_STATUS, &response(600, ""))[0].message,
            "status 600 is outside the HTTP range 100-599"
        );
        assert_eq!(run(&UNKNOWN_STATUS, &response(99, "")).len(), 1);
        let mut missing = response(0, "{}");
        missing.status = Status::Missing;
        assert!(
            run(&UNKNOWN_STATUS, &missing)[0]
                .message
                .starts_with("no status found")
        );
        let mut text = response(0, "{}");
        text.status = Status::NotANumber("a string (\"404\")".into());
        assert_eq!(
            run(&UNKNOWN_STATUS, &text)[0].message,
            "status is a string (\"404\"), not an integer"
        );
    }

    #[test]
    fn quiet_on_valid_statuses() {
        for status in [100, 200, 404, 599] {
            assert!(run(&UNKNOWN_STATUS, &response(status, "")).is_empty());
        }
    }
}
