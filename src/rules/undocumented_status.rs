//! `undocumented-status`: a status that is not in the documented list, or, with an OpenAPI
//! description, not among the `responses` of the request's operation.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;

pub const UNDOCUMENTED_STATUS: Rule = Rule {
    name: "undocumented-status",
    default_severity: Severity::Warning,
    summary: "The status is not in the documented list",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a response whose status is not one the API documents. The \
default list is 200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504; set \
`documented-statuses` in errlint.toml to your own. With an OpenAPI description (`openapi` in \
errlint.toml), a response whose request matches an operation is held to that operation's \
`responses` keys instead: exact codes, ranges such as `4XX`, and `default`, which documents \
every status; responses without a request URL still use `documented-statuses`.",
        why: "Clients handle the statuses the documentation promises. A 418 or a 422 that \
nobody documented falls through every branch of their error handling.",
        example: "HTTP/1.1 422 Unprocessable Entity",
        instead: "Answer with a documented status (here 400), or document the new status and \
add it to `documented-statuses`.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    let Some(code) = facts.code() else {
        return;
    };
    if let crate::openapi::Match::Operation(matched) = facts.operation {
        if !matched.operation.documents(code) {
            out.push(
                Finding::new(
                    &UNDOCUMENTED_STATUS,
                    format!("status {code} is not documented for {matched}"),
                    Anchor::Response,
                )
                .help("answer with a status the operation documents, or add it to its responses in the OpenAPI description"),
            );
        }
        return;
    }
    if !contract.documented_statuses.contains(&code) {
        out.push(
            Finding::new(
                &UNDOCUMENTED_STATUS,
                format!("status {code} is not a documented status"),
                Anchor::Response,
            )
            .help("use a documented status, or add it to documented-statuses in errlint.toml"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_undocumented_statuses() {
        assert_eq!(
            run(&UNDOCUMENTED_STATUS, &response(422, "{}"))[0].message,
            "status 422 is not a documented status"
        );
        assert_eq!(run(&UNDOCUMENTED_STATUS, &response(206, "{}")).len(), 1);
    }

    #[test]
    fn quiet_on_documented_statuses() {
        for status in [
            200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504,
        ] {
            assert!(
                run(&UNDOCUMENTED_STATUS, &response(status, "{}")).is_empty(),
                "{status}"
            );
        }
    }
}
