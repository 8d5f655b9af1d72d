//! `spec-schema`: with an OpenAPI description, a 4xx/5xx JSON body that breaks the schema
//! the request's operation declares for that status and media type.

use std::fmt::Write as _;

use jsonschema::error::ValidationErrorKind;

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity, pointer_token};
use crate::contract::Contract;
use crate::openapi::Match;

pub const SPEC_SCHEMA: Rule = Rule {
    name: "spec-schema",
    default_severity: Severity::Error,
    summary: "The error body breaks the schema the OpenAPI description declares for it",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "With an OpenAPI description configured, validates each 4xx/5xx JSON body \
against the schema its operation declares under `responses` for that status (the exact code, \
else its range such as `4XX`, else `default`) and media type, `$ref`s resolved. Each violation \
is one finding with the body's JSON Pointer, naming the schema that was broken \
(`#/components/schemas/Error`). OpenAPI 3.0 schemas are read as OpenAPI means them \
(`nullable`, boolean `exclusiveMinimum`); 3.1 schemas are JSON Schema 2020-12. Examples in the \
description are checked the same way when the description itself is checked.",
        why: "The description is what client generators and API consumers build from. An error \
body that differs from it breaks the generated clients' decoding, whatever errlint's own \
contract says.",
        example: "# openapi.yaml: 400 → $ref: '#/components/schemas/Error' (requires \"code\")\nHTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{\"message\": \"bad email\"}",
        instead: "{\"code\": \"invalid_email\", \"message\": \"The email address is not valid.\"}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, _contract: &Contract, out: &mut Vec<Finding>) {
    let Match::Operation(matched) = facts.operation else {
        return;
    };
    let (Some(code), true) = (facts.code(), facts.is_error()) else {
        return;
    };
    let BodyState::Json(body) = &facts.body else {
        return;
    };
    let Some(declared) = matched
        .operation
        .schema_for(code, facts.response.content_type.as_deref())
    else {
        return;
    };
    if declared.validator.is_valid(body) {
        return;
    }
    // Named once for all of this body's violations.
    let breaks = format!("breaks {} of {matched}", declared.name);
    for error in declared.validator.iter_errors(body) {
        let at = error.instance_path().as_str();
        // The message is written into one string: a body can break its schema many times.
        let mut message = String::with_capacity(48 + breaks.len());
        let anchor = match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let _ = write!(
                    message,
                    "missing required field {}",
                    serde_json::to_string(name).unwrap_or_default()
                );
                format!("{at}/{}", pointer_token(name))
            }
            _ => {
                let _ = if at.is_empty() {
                    write!(message, "error body: {error}")
                } else {
                    write!(message, "{at:?}: {error}")
                };
                at.to_string()
            }
        };
        let _ = write!(message, " ({breaks})");
        out.push(
            Finding::new(&SPEC_SCHEMA, message, Anchor::Pointer(anchor.into()))
            .keyword(error.kind().keyword().to_string())
            .help("make the body match the schema in the OpenAPI description, or correct the description"),
        );
    }
}
