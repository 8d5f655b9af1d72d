//! `schema`: the error body breaks the error schema, one finding per violation.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::{Anchor, BodyState, Facts, Finding, Rule, RuleDocs, Severity, kind_of, pointer_token};
use crate::contract::Contract;

pub const SCHEMA: Rule = Rule {
    name: "schema",
    default_severity: Severity::Error,
    summary: "The error body breaks the error schema",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Validates every 4xx/5xx JSON body against the error schema (the bundled \
one requires `type`, `code`, `message` and `param`, with `param` nullable, `message` non-empty \
and `type` one of invalid_request, rate_limit, api, authentication). Each violation is one \
finding with the JSON Pointer of the offending field. A body that is JSON but not an object is \
one finding.",
        why: "Clients and SDKs decode errors into one type. A missing `code` or a misspelt \
`type` turns into a crash or a generic \"unknown error\" in every client at once.",
        example: "HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{\"error\": \"invalid email\"}",
        instead: "{\"type\": \"invalid_request\", \"code\": \"invalid_email\", \"message\": \"The email address is not valid.\", \"param\": \"email\"}",
    },
    check: Some(check),
};

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    if !facts.is_error() {
        return;
    }
    let BodyState::Json(body) = &facts.body else {
        return;
    };
    if !body.is_object() {
        out.push(
            Finding::new(
                &SCHEMA,
                format!("error body must be a JSON object, found {}", kind_of(body)),
                Anchor::Pointer(String::new().into()),
            )
            .label("expected an object")
            .help("send an object with type, code, message and param"),
        );
        return;
    }
    // Most bodies are valid: the boolean check is far cheaper than collecting errors.
    if contract.schema.is_valid(body) {
        return;
    }
    for error in contract.schema.iter_errors(body) {
        let at = error.instance_path().as_str().to_string();
        let finding = describe(&at, error.kind(), error.instance(), &error.to_string());
        // Two keywords can fail at one pointer (`"type": null` breaks `type` and `enum`):
        // the keyword keeps their fingerprints apart.
        out.push(finding.keyword(error.kind().keyword().to_string()));
    }
}

/// Turns one schema violation into a finding with a concrete message.
fn describe(at: &str, kind: &ValidationErrorKind, instance: &Value, fallback: &str) -> Finding {
    let field = field_name(at);
    match kind {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            Finding::new(
                &SCHEMA,
                format!(
                    "missing required field {}",
                    serde_json::to_string(name).unwrap_or_default()
                ),
                Anchor::Pointer(format!("{at}/{}", pointer_token(name)).into()),
            )
            .label(format!("this object has no {name:?}"))
            .help(format!(
                "add {name:?}; every error body carries type, code, message and param"
            ))
        }
        ValidationErrorKind::Type { kind } => Finding::new(
            &SCHEMA,
            format!(
                "{field} must be {}, found {}",
                type_names(kind),
                kind_of(instance)
            ),
            Anchor::Pointer(at.to_string().into()),
        )
        .label(format!("expected {}", type_names(kind))),
        ValidationErrorKind::Enum { options } => {
            let allowed = match options.as_ref() {
                Value::Array(items) => items
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            Finding::new(
                &SCHEMA,
                format!(
                    "{field} must be one of {allowed}, found {}",
                    short(instance)
                ),
                Anchor::Pointer(at.to_string().into()),
            )
            .label("not an allowed value")
        }
        ValidationErrorKind::MinLength { limit: 1 } => Finding::new(
            &SCHEMA,
            format!("{field} must not be empty"),
            Anchor::Pointer(at.to_string().into()),
        )
        .label("empty")
        .help("say in a short sentence what went wrong"),
        _ => Finding::new(
            &SCHEMA,
            format!("{field}: {fallback}"),
            Anchor::Pointer(at.to_string().into()),
        ),
    }
}

/// `"param"` for a top-level field, the pointer for nested ones, `error body` for the root.
fn field_name(pointer: &str) -> String {
    match pointer.strip_prefix('/') {
        None => "error body".to_string(),
        Some(token) if !token.contains('/') => {
            format!("{:?}", token.replace("~1", "/").replace("~0", "~"))
        }
        Some(_) => format!("{pointer:?}"),
    }
}

fn type_names(kind: &TypeKind) -> String {
    let names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    };
    let names: Vec<String> = names
        .into_iter()
        .map(|n| match n.as_str() {
            "null" => n,
            "array" | "object" | "integer" => format!("an {n}"),
            _ => format!("a {n}"),
        })
        .collect();
    names.join(" or ")
}

/// A value for a message, cut short.
fn short(value: &Value) -> String {
    match value {
        Value::String(s) => super::quote(s),
        Value::Array(_) | Value::Object(_) => kind_of(value).to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, summary};

    #[test]
    fn one_finding_per_violation_with_pointers() {
        let body = r#"{"type":"card_error","code":7,"message":"","extra":1}"#;
        let mut got = summary(&run(&SCHEMA, &response(402, body)));
        got.sort();
        assert_eq!(
            got,
            vec![
                ("/code".into(), "\"code\" must be a string, found a number".into()),
                ("/message".into(), "\"message\" must not be empty".into()),
                ("/param".into(), "missing required field \"param\"".into()),
                (
                    "/type".into(),
                    "\"type\" must be one of \"invalid_request\", \"rate_limit\", \"api\", \"authentication\", found \"card_error\"".into()
                ),
            ]
        );
    }

    #[test]
    fn a_non_object_body_is_one_finding() {
        let got = summary(&run(&SCHEMA, &response(400, r#"["bad"]"#)));
        assert_eq!(
            got,
            vec![(
                String::new(),
                "error body must be a JSON object, found an array".into()
            )]
        );
    }

    #[test]
    fn param_may_be_null_or_string() {
        let ok = r#"{"type":"api","code":"x","message":"m","param":null}"#;
        assert!(run(&SCHEMA, &response(500, ok)).is_empty());
        let bad = r#"{"type":"api","code":"x","message":"m","param":3}"#;
        assert_eq!(
            summary(&run(&SCHEMA, &response(500, bad))),
            vec![(
                "/param".into(),
                "\"param\" must be null or a string, found a number".into()
            )]
        );
    }

    #[test]
    fn quiet_on_success_and_non_json() {
        assert!(run(&SCHEMA, &response(200, "{}")).is_empty());
        assert!(run(&SCHEMA, &response(400, "{")).is_empty());
    }
}
