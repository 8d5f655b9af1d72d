//! The rules: one file each, listed once in `RULES`.
//!
//! A rule is a descriptor (name, default severity, docs) and a pure check function that looks
//! at one response's `Facts` and pushes `Finding`s. Rules never read files, never print, and
//! never see how a response was captured: loaders and the checker do that. Adding a rule is one
//! new file plus one line in `RULES`; the file name, the rule name, the config key and the docs
//! page all share one spelling (`status_type_mismatch.rs` ↔ `status-type-mismatch`).

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::contract::Contract;
pub use crate::contract::profile::display as field_name;
use crate::contract::profile::field_of;
use crate::response::Response;
pub use crate::text::{quote, redact_quoted, strip_position};

mod body_on_no_content;
mod code_format;
mod error_body_on_success;
mod error_content_type;
mod invalid_json;
mod malformed_capture;
mod message_leaks_internals;
mod missing_error_body;
mod non_json_error_body;
mod param_format;
mod schema;
mod spec_schema;
mod status_type_mismatch;
mod undocumented_operation;
mod undocumented_status;
mod unknown_status;

pub use malformed_capture::MALFORMED_CAPTURE;

/// Every rule, in the order of docs/rules.md.
pub const RULES: &[&Rule] = &[
    &invalid_json::INVALID_JSON,
    &missing_error_body::MISSING_ERROR_BODY,
    &non_json_error_body::NON_JSON_ERROR_BODY,
    &schema::SCHEMA,
    &status_type_mismatch::STATUS_TYPE_MISMATCH,
    &error_body_on_success::ERROR_BODY_ON_SUCCESS,
    &body_on_no_content::BODY_ON_NO_CONTENT,
    &unknown_status::UNKNOWN_STATUS,
    &undocumented_status::UNDOCUMENTED_STATUS,
    &error_content_type::ERROR_CONTENT_TYPE,
    &code_format::CODE_FORMAT,
    &param_format::PARAM_FORMAT,
    &message_leaks_internals::MESSAGE_LEAKS_INTERNALS,
    &MALFORMED_CAPTURE,
    &undocumented_operation::UNDOCUMENTED_OPERATION,
    &spec_schema::SPEC_SCHEMA,
];

/// Looks a rule up by its kebab-case name.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.name == name)
}

/// How much a finding matters: errors fail the run, warnings only count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fixed sections of a rule's docs page (shown by `errlint rule NAME`).
pub struct RuleDocs {
    pub what_it_does: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub instead: &'static str,
}

/// A rule's descriptor.
pub struct Rule {
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, used in the rules table and SARIF's `shortDescription`.
    pub summary: &'static str,
    /// True when the rule also looks at 2xx responses ("2xx too" in docs/rules.md).
    pub checks_success: bool,
    pub docs: RuleDocs,
    /// `None` for `malformed-capture`, which loaders raise.
    pub check: Option<fn(&Facts<'_, '_>, &Contract, &mut Vec<Finding>)>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// What the checker learned about a body before any rule runs, so the body is parsed once.
#[derive(Debug)]
pub enum BodyState {
    /// The capture did not store the body: body rules stay quiet.
    NotCaptured,
    /// No bytes, or only whitespace.
    Empty,
    /// The body parsed as JSON.
    Json(Value),
    /// A success body that is valid JSON but was not built into a `Value`: it cannot be an
    /// error object (it has no `"message"`), and no other rule reads a 2xx body's fields.
    ValidJson,
    /// The body claims to be JSON but does not parse; `offset` is where parsing failed.
    InvalidJson { message: String, offset: usize },
    /// The body neither is nor claims to be JSON (an HTML page, plain text).
    NotJson,
}

/// A response plus what the checker derived from it.
pub struct Facts<'r, 'a> {
    pub response: &'r Response<'a>,
    pub body: BodyState,
    /// The operation of the API's OpenAPI description that the request matched.
    pub operation: crate::openapi::Match<'r>,
}

impl Facts<'_, '_> {
    /// The status code when it is a valid HTTP status (100–599).
    pub fn code(&self) -> Option<u16> {
        self.response.status.valid_code()
    }

    /// True for 4xx and 5xx responses.
    pub fn is_error(&self) -> bool {
        self.code().is_some_and(|c| c >= 400)
    }

    /// True for 2xx responses.
    pub fn is_success(&self) -> bool {
        self.code().is_some_and(|c| (200..300).contains(&c))
    }

    /// The parsed body when it is a JSON object.
    pub fn json_object(&self) -> Option<&serde_json::Map<String, Value>> {
        match &self.body {
            BodyState::Json(Value::Object(map)) => Some(map),
            _ => None,
        }
    }

    /// The error objects of a 4xx/5xx JSON body, where the contract's profile says they are,
    /// each with its JSON Pointer into the body: what the body rules look at.
    pub fn error_objects<'s>(
        &'s self,
        contract: &Contract,
    ) -> Vec<(String, &'s serde_json::Map<String, Value>)> {
        match &self.body {
            BodyState::Json(body) if self.is_error() => contract.profile.error_objects(body),
            _ => Vec::new(),
        }
    }

    /// Each string the profile's field (`code`, `param`, `message`) holds in the error objects,
    /// with its JSON Pointer into the body. Empty when the profile has no such field.
    pub fn error_strings<'s, 'f>(
        &'s self,
        contract: &Contract,
        field: Option<&'f str>,
    ) -> Vec<(FieldAt<'f>, &'s str)> {
        let Some(field) = field else {
            return Vec::new();
        };
        self.error_objects(contract)
            .into_iter()
            .filter_map(|(object_at, object)| match field_of(object, field) {
                Some(Value::String(s)) => Some((FieldAt { object_at, field }, s.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// Where a field of an error object is: its pointer is spelled out only for a finding, as
/// most fields checked are fine.
pub struct FieldAt<'f> {
    /// The error object's pointer into the body (`""`, `/error`, `/errors/1`).
    pub object_at: String,
    /// The field's pointer inside the object (`/code`).
    pub field: &'f str,
}

impl FieldAt<'_> {
    /// The field's JSON Pointer into the body.
    pub fn pointer(&self) -> String {
        format!("{}{}", self.object_at, self.field)
    }
}

/// What a finding points at; the checker turns it into a file position.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// The start of the response.
    Response,
    /// The start of the body.
    Body,
    /// A byte offset inside the body.
    BodyOffset(usize),
    /// A JSON Pointer into the body (RFC 6901). A pointer to a member that is absent
    /// points at the object that should hold it.
    Pointer(Cow<'static, str>),
}

/// One problem a rule found in one response.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub message: String,
    pub anchor: Anchor,
    /// A short label under the pointed-at text, e.g. `expected "rate_limit"`.
    pub label: Option<Cow<'static, str>>,
    /// How to fix it, shown on a separate line.
    pub help: Option<Cow<'static, str>>,
    /// What tells this finding apart from others of its rule at the same pointer (the
    /// schema keyword that failed), for fingerprints.
    pub keyword: Option<Cow<'static, str>>,
}

impl Finding {
    pub fn new(rule: &'static Rule, message: impl Into<String>, anchor: Anchor) -> Self {
        Self {
            rule,
            message: message.into(),
            anchor,
            label: None,
            help: None,
            keyword: None,
        }
    }

    pub fn label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn keyword(mut self, keyword: impl Into<Cow<'static, str>>) -> Self {
        self.keyword = Some(keyword.into());
        self
    }
}

/// Escapes one token of a JSON Pointer (RFC 6901 §3).
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Names a JSON value's kind for messages: `a string`, `an array`, `null`.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rule unit tests: a response literal in, findings out.
    use std::borrow::Cow;

    use super::*;
    use crate::facts::facts_for;
    use crate::position::TextPos;
    use crate::response::{Body, BodyOrigin, Headers, OriginKind, Status};

    /// A response with a JSON content type and the given status and body.
    pub fn response(status: i64, body: &str) -> Response<'_> {
        let mut response = Response::new(0, TextPos::START, Status::Code(status));
        response.headers = Some(Headers(vec![(
            Cow::Borrowed("Content-Type"),
            Cow::Borrowed("application/json"),
        )]));
        response.content_type = Some(Cow::Borrowed("application/json"));
        response.body = Some(Body {
            bytes: Cow::Borrowed(body.as_bytes()),
            origin: BodyOrigin {
                file: &TextPos::START,
                offset: 0,
                kind: OriginKind::Verbatim,
            },
        });
        response
    }

    /// Runs one rule on a response with the default contract.
    pub fn run(rule: &'static Rule, response: &Response<'_>) -> Vec<Finding> {
        run_with(rule, response, &Contract::default())
    }

    /// Runs one rule on a response with a bundled profile's contract.
    pub fn run_profile(
        rule: &'static Rule,
        profile: &str,
        response: &Response<'_>,
    ) -> Vec<Finding> {
        let profile = crate::contract::find_profile(profile).expect("a bundled profile");
        let contract = Contract::for_profile(profile.clone()).expect("compiles");
        run_with(rule, response, &contract)
    }

    /// Runs one rule on a response with the given contract.
    pub fn run_with(
        rule: &'static Rule,
        response: &Response<'_>,
        contract: &Contract,
    ) -> Vec<Finding> {
        let facts = facts_for(response, &contract.profile.marker);
        let mut findings = Vec::new();
        if let Some(check) = rule.check {
            check(&facts, contract, &mut findings);
        }
        findings
    }

    /// `(pointer-or-anchor, message)` of each finding, for compact assertions.
    pub fn summary(findings: &[Finding]) -> Vec<(String, String)> {
        findings
            .iter()
            .map(|f| {
                let at = match &f.anchor {
                    Anchor::Pointer(p) => p.to_string(),
                    other => format!("{other:?}"),
                };
                (at, f.message.clone())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_unique_and_match_their_files() {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "duplicate rule name");
        for rule in RULES {
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.name
            );
            let file = format!("src/rules/{}.rs", rule.name.replace('-', "_"));
            assert!(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(&file)
                    .exists(),
                "{} has no {file}",
                rule.name
            );
        }
    }

    #[test]
    fn every_rule_has_complete_docs() {
        for rule in RULES {
            let docs = &rule.docs;
            for (section, text) in [
                ("what it does", docs.what_it_does),
                ("why", docs.why),
                ("example", docs.example),
                ("instead", docs.instead),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {section}", rule.name);
            }
            assert!(
                !rule.summary.ends_with('.'),
                "{}: summary ends with a dot",
                rule.name
            );
        }
    }
}
