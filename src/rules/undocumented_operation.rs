//! `undocumented-operation`: with an OpenAPI description, a request whose method and path
//! match no operation of it.

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity};
use crate::contract::Contract;
use crate::openapi::Match;

pub const UNDOCUMENTED_OPERATION: Rule = Rule {
    name: "undocumented-operation",
    default_severity: Severity::Warning,
    summary: "The request matches no operation of the OpenAPI description",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "With an OpenAPI description configured (`openapi` in errlint.toml, or \
`--openapi`), reports a response whose request method and URL path match no operation: the \
path, less a `servers` base path, is matched against the path templates (a literal path wins \
over a templated one; a trailing slash and percent-encoding are ignored as servers ignore \
them), then the method (`HEAD` is answered by `GET`). Responses without a request URL are not \
matched. Quiet without a description.",
        why: "An endpoint the description does not list has no documented statuses or error \
schemas: clients were never told it exists, and errlint cannot hold it to a contract.",
        example: "# openapi.yaml documents GET /v1/orders only\nDELETE https://api.example.com/v1/orders/ord_1 → 404",
        instead: "Document the operation in the OpenAPI description, or stop serving it.",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _contract: &Contract, out: &mut Vec<Finding>) {
    if !matches!(facts.operation, Match::NoOperation) {
        return;
    }
    let method = facts
        .response
        .method
        .as_deref()
        .unwrap_or("")
        .to_ascii_uppercase();
    out.push(
        Finding::new(
            &UNDOCUMENTED_OPERATION,
            format!("{method} request matches no operation of the OpenAPI description"),
            Anchor::Response,
        )
        .help(
            "document the operation in the OpenAPI description, or check the servers' base paths",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::facts_for;
    use crate::rules::testing::response;

    #[test]
    fn fires_only_when_a_description_matched_nothing() {
        let mut r = response(404, "{}");
        r.method = Some("DELETE".into());
        let contract = Contract::default();
        for (operation, expected) in [
            (Match::NoOperation, 1),
            (Match::NotConfigured, 0),
            (Match::NoRequest, 0),
        ] {
            let mut facts = facts_for(&r, &contract.profile.marker);
            facts.operation = operation;
            let mut out = Vec::new();
            check(&facts, &contract, &mut out);
            assert_eq!(out.len(), expected);
        }
        let mut facts = facts_for(&r, &contract.profile.marker);
        facts.operation = Match::NoOperation;
        let mut out = Vec::new();
        check(&facts, &contract, &mut out);
        assert_eq!(
            out[0].message,
            "DELETE request matches no operation of the OpenAPI description"
        );
    }
}
