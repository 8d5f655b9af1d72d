//! A contract profile: one error convention described as data (docs/profiles.md).
//!
//! A profile says where the error object sits in a body, which fields tie it to the HTTP
//! status and how, which media type errors are served with, and which fields hold the code,
//! the parameter and the message. The rules read a profile; they never branch on its name, so
//! adding a convention is one file in `profiles/`. Nothing here reads a capture or prints.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Where the error objects of a body are.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorObjects {
    /// One object at this JSON Pointer (`""` for the body itself, `/error`).
    One(Cow<'static, str>),
    /// Each object of the array at this JSON Pointer (`/errors`).
    Each(Cow<'static, str>),
}

/// One way a field of the error object must agree with the HTTP status
/// (`status-type-mismatch`). Field pointers are relative to the error object.
#[derive(Clone, Debug, PartialEq)]
pub enum Agreement {
    /// The field names a class of error; `[status-types]` says which class each status
    /// requires. Only values in the contract's `types` are compared: others are `schema`'s.
    TypeForStatus { field: Cow<'static, str> },
    /// The field, when present, is the HTTP status itself: an integer, or a string of digits
    /// when `text`. With `general_class`, error objects that carry several differing statuses
    /// may be sent with their general class instead (400 for 4xx ones, 500 when one is 5xx),
    /// as JSON:API 1.1 ("Error Objects") recommends.
    EqualsStatus {
        field: &'static str,
        text: bool,
        general_class: bool,
        /// How messages name the field when its path alone would not say what it is.
        label: Option<&'static str>,
    },
    /// The field is a name that stands for one status (`NOT_FOUND` → 404).
    NameForStatus {
        field: &'static str,
        names: &'static [(&'static str, u16)],
    },
}

/// What a field must hold for a 2xx body to be taken for an error object
/// (`error-body-on-success`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// A string that is one of the contract's `types`.
    KnownType,
    /// Any string.
    Text,
    /// An integer from 400 to 599.
    ErrorStatus,
}

/// One error convention.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The name used in errlint.toml and `--profile`.
    pub name: Cow<'static, str>,
    /// What users call the convention, for messages and docs.
    pub title: &'static str,
    /// The public specification it follows.
    pub reference: &'static str,
    /// The bundled JSON Schema (draft 2020-12) that validates a whole error body.
    pub schema: Cow<'static, str>,
    /// How `schema` findings tell what an error body must hold.
    pub shape_hint: &'static str,
    pub error_objects: ErrorObjects,
    pub agreement: Cow<'static, [Agreement]>,
    /// The media type errors must be served with; `None` accepts any JSON type.
    pub media_type: Option<&'static str>,
    /// Fields (pointers relative to an error object) that `code-format`, `param-format`
    /// and `message-leaks-internals` read; `None` turns the rule off for the profile.
    pub code: Option<&'static str>,
    pub param: Option<&'static str>,
    pub message: Option<&'static str>,
    /// The fields that make a 2xx body an error object; all must hold.
    pub signature: Cow<'static, [(Cow<'static, str>, Expect)]>,
    /// A member name (quoted, as in the JSON text) that every error body of the profile
    /// holds: a 2xx body without it cannot be an error object and is only checked for syntax.
    pub marker: Cow<'static, str>,
}

/// A field of an error object that breaks the status agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct Disagreement {
    /// JSON Pointer into the body.
    pub pointer: String,
    pub message: String,
    pub label: String,
    pub help: String,
}

impl Profile {
    /// The error objects of a body, each with its JSON Pointer into the body.
    pub fn error_objects<'v>(&self, body: &'v Value) -> Vec<(String, &'v Map<String, Value>)> {
        match &self.error_objects {
            ErrorObjects::One(at) => match body.pointer(at).and_then(Value::as_object) {
                Some(object) => vec![(at.to_string(), object)],
                None => Vec::new(),
            },
            ErrorObjects::Each(at) => match body.pointer(at).and_then(Value::as_array) {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| item.as_object().map(|o| (format!("{at}/{i}"), o)))
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    /// Every way the error objects of a `code` response disagree with it. `required_type`
    /// answers for `TypeForStatus`: the type a status requires, and whether a value is a
    /// known type at all.
    pub fn disagreements(
        &self,
        code: u16,
        objects: &[(String, &Map<String, Value>)],
        types: &dyn TypeTable,
    ) -> Vec<Disagreement> {
        let mut out = Vec::new();
        for agreement in self.agreement.iter() {
            match agreement {
                Agreement::TypeForStatus { field } => {
                    type_for_status(code, objects, field, types, &mut out)
                }
                Agreement::EqualsStatus {
                    field,
                    text,
                    general_class,
                    label,
                } => equals_status(
                    code,
                    objects,
                    field,
                    *text,
                    *general_class,
                    *label,
                    &mut out,
                ),
                Agreement::NameForStatus { field, names } => {
                    name_for_status(code, objects, field, names, &mut out)
                }
            }
        }
        out
    }
}

/// What `TypeForStatus` needs from the configured mapping.
pub trait TypeTable {
    /// The type a status requires, if the mapping says anything about it.
    fn required(&self, code: u16) -> Option<&str>;
    /// Whether `value` is one of the contract's types.
    fn is_known(&self, value: &str) -> bool;
}

/// The value at a JSON Pointer relative to an error object (`/code`, `/source/parameter`).
pub fn field_of<'v>(object: &'v Map<String, Value>, pointer: &str) -> Option<&'v Value> {
    let rest = pointer.strip_prefix('/')?;
    let (first, deeper) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // Profiles name plain fields: decoding (and allocating) only when a token has escapes.
    let value = if first.contains('~') {
        object.get(&first.replace("~1", "/").replace("~0", "~"))?
    } else {
        object.get(first)?
    };
    if deeper.is_empty() {
        Some(value)
    } else {
        value.pointer(deeper)
    }
}

/// A field's name for messages: `type`, `error.status`, `errors[1].status`.
pub fn display(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        "error body".to_string()
    } else {
        out
    }
}

fn type_for_status(
    code: u16,
    objects: &[(String, &Map<String, Value>)],
    field: &str,
    types: &dyn TypeTable,
    out: &mut Vec<Disagreement>,
) {
    let Some(required) = types.required(code) else {
        return;
    };
    for (at, object) in objects {
        let Some(Value::String(found)) = field_of(object, field) else {
            continue;
        };
        if !types.is_known(found) || found == required {
            continue;
        }
        let name = display(&format!("{at}{field}"));
        out.push(Disagreement {
            pointer: format!("{at}{field}"),
            message: format!("status {code} requires {name} {required:?}, found {found:?}"),
            label: format!("expected {required:?}"),
            help: format!(
                "set {name:?} to {required:?}, or send the status that matches {found:?}"
            ),
        });
    }
}

fn equals_status(
    code: u16,
    objects: &[(String, &Map<String, Value>)],
    field: &str,
    text: bool,
    general_class: bool,
    label: Option<&str>,
    out: &mut Vec<Disagreement>,
) {
    // (pointer, the value as written, the status it names)
    let found: Vec<(String, String, u16)> = objects
        .iter()
        .filter_map(|(at, object)| {
            let value = field_of(object, field)?;
            let status = match (value, text) {
                (Value::Number(n), false) => n.as_u64().and_then(|n| u16::try_from(n).ok())?,
                (Value::String(s), true) => s.parse::<u16>().ok()?,
                _ => return None,
            };
            Some((format!("{at}{field}"), value.to_string(), status))
        })
        .collect();
    let class = general_class_of(found.iter().map(|(_, _, s)| *s));
    if general_class && class == Some(code) {
        return;
    }
    for (pointer, written, status) in found {
        if status == code {
            continue;
        }
        let name = label.map_or_else(|| display(&pointer), str::to_string);
        let help = match class {
            Some(class) if general_class => format!(
                "send the status {status}, or, for errors of differing statuses, their general class {class}"
            ),
            _ => format!(
                "send the status {status}, or set {} to {code}",
                display(&pointer)
            ),
        };
        out.push(Disagreement {
            pointer,
            message: format!("{name} {written} does not match the HTTP status {code}"),
            label: format!(
                "expected {}",
                if text {
                    format!("\"{code}\"")
                } else {
                    code.to_string()
                }
            ),
            help,
        });
    }
}

/// The general class of several differing statuses: 400 when all are 4xx, 500 when one is
/// 5xx. `None` when they do not differ (or there are fewer than two).
pub fn general_class_of(statuses: impl Iterator<Item = u16>) -> Option<u16> {
    let statuses: Vec<u16> = statuses.collect();
    let first = *statuses.first()?;
    if statuses.iter().all(|s| *s == first) {
        return None;
    }
    if statuses.iter().any(|s| (500..600).contains(s)) {
        Some(500)
    } else if statuses.iter().all(|s| (400..500).contains(s)) {
        Some(400)
    } else {
        None
    }
}

fn name_for_status(
    code: u16,
    objects: &[(String, &Map<String, Value>)],
    field: &str,
    names: &[(&str, u16)],
    out: &mut Vec<Disagreement>,
) {
    let expected: Vec<&str> = names
        .iter()
        .filter(|(_, s)| *s == code)
        .map(|(n, _)| *n)
        .collect();
    for (at, object) in objects {
        let Some(Value::String(found)) = field_of(object, field) else {
            continue;
        };
        // A name outside the table is the schema's finding alone.
        let Some(maps_to) = names.iter().find(|(n, _)| n == found).map(|(_, s)| *s) else {
            continue;
        };
        if maps_to == code {
            continue;
        }
        let pointer = format!("{at}{field}");
        let name = display(&pointer);
        let (message, label) = match expected.as_slice() {
            [] => (
                format!(
                    "status {code} has no canonical {name}, found {found:?} (which stands for {maps_to})"
                ),
                format!("stands for {maps_to}"),
            ),
            some => (
                format!(
                    "status {code} requires {name} {}, found {found:?}",
                    or_list(some)
                ),
                format!("expected {}", or_list(some)),
            ),
        };
        out.push(Disagreement {
            pointer,
            message,
            label,
            help: format!("set {name:?} to the name of status {code}, or send the status {maps_to} that {found:?} stands for"),
        });
    }
}

/// `A`, `A or B`, `A, B or C`.
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::contract::profiles::google::CANONICAL_CODES;
    use crate::contract::{Contract, find_profile};

    /// The disagreements of a body under a bundled profile, as `(pointer, message)`.
    fn disagreements(profile: &str, status: u16, body: Value) -> Vec<(String, String)> {
        let profile = find_profile(profile).expect("bundled");
        let contract = Contract::for_profile(profile.clone()).expect("compiles");
        let objects = profile.error_objects(&body);
        profile
            .disagreements(status, &objects, &contract)
            .into_iter()
            .map(|d| (d.pointer, d.message))
            .collect()
    }

    fn google(code: u16, status: &str) -> Value {
        json!({"error": {"code": code, "message": "m", "status": status}})
    }

    #[test]
    fn every_canonical_google_code_agrees_with_its_own_status_and_no_other() {
        let expected = [
            ("OK", 200),
            ("CANCELLED", 499),
            ("UNKNOWN", 500),
            ("INVALID_ARGUMENT", 400),
            ("DEADLINE_EXCEEDED", 504),
            ("NOT_FOUND", 404),
            ("ALREADY_EXISTS", 409),
            ("PERMISSION_DENIED", 403),
            ("RESOURCE_EXHAUSTED", 429),
            ("FAILED_PRECONDITION", 400),
            ("ABORTED", 409),
            ("OUT_OF_RANGE", 400),
            ("UNIMPLEMENTED", 501),
            ("INTERNAL", 500),
            ("UNAVAILABLE", 503),
            ("DATA_LOSS", 500),
            ("UNAUTHENTICATED", 401),
        ];
        assert_eq!(CANONICAL_CODES.len(), 17);
        for (name, status) in expected {
            assert!(
                disagreements("google", status, google(status, name)).is_empty(),
                "{name} under {status}"
            );
            for other in [200, 400, 401, 403, 404, 409, 429, 499, 500, 501, 503, 504] {
                if other == status {
                    continue;
                }
                let found = disagreements("google", other, google(other, name));
                assert_eq!(found.len(), 1, "{name} under {other}: {found:?}");
                assert_eq!(found[0].0, "/error/status");
            }
        }
    }

    #[test]
    fn google_messages_name_the_field_and_every_fitting_name() {
        assert_eq!(
            disagreements("google", 404, google(404, "INVALID_ARGUMENT")),
            vec![(
                "/error/status".into(),
                "status 404 requires error.status NOT_FOUND, found \"INVALID_ARGUMENT\"".into()
            )]
        );
        assert_eq!(
            disagreements("google", 400, google(400, "NOT_FOUND"))[0].1,
            "status 400 requires error.status INVALID_ARGUMENT, FAILED_PRECONDITION or OUT_OF_RANGE, found \"NOT_FOUND\""
        );
        assert_eq!(
            disagreements("google", 502, google(502, "UNAVAILABLE"))[0].1,
            "status 502 has no canonical error.status, found \"UNAVAILABLE\" (which stands for 503)"
        );
        assert_eq!(
            disagreements("google", 404, google(400, "NOT_FOUND")),
            vec![(
                "/error/code".into(),
                "error.code 400 does not match the HTTP status 404".into()
            )]
        );
        // A name outside the table, or a code that is not an integer, is the schema's.
        assert!(disagreements("google", 404, google(404, "GONE")).is_empty());
        assert!(
            disagreements(
                "google",
                404,
                json!({"error": {"code": "404", "status": "NOT_FOUND"}})
            )
            .is_empty()
        );
    }

    #[test]
    fn problem_details_status_must_equal_the_http_status_when_present() {
        assert_eq!(
            disagreements(
                "problem-details",
                422,
                json!({"title": "Bad", "status": 400})
            ),
            vec![(
                "/status".into(),
                "problem details status 400 does not match the HTTP status 422".into()
            )]
        );
        assert!(
            disagreements(
                "problem-details",
                422,
                json!({"title": "Bad", "status": 422})
            )
            .is_empty()
        );
        // No `status` member: nothing to agree with (RFC 9457 §3.1.2 makes it optional).
        assert!(
            disagreements(
                "problem-details",
                503,
                json!({"type": "https://example.com/probs/out-of-credit", "title": "x"})
            )
            .is_empty()
        );
        assert!(disagreements("problem-details", 503, json!({})).is_empty());
        // A string status is the schema's finding alone.
        assert!(disagreements("problem-details", 503, json!({"status": "400"})).is_empty());
    }

    fn jsonapi(statuses: &[&str]) -> Value {
        json!({"errors": statuses.iter().map(|s| json!({"status": s})).collect::<Vec<_>>()})
    }

    #[test]
    fn jsonapi_statuses_equal_the_http_status_or_their_general_class() {
        assert!(disagreements("jsonapi", 422, jsonapi(&["422"])).is_empty());
        assert!(disagreements("jsonapi", 422, jsonapi(&["422", "422"])).is_empty());
        // 422 and 415 together are sent as their general class, 400.
        assert!(disagreements("jsonapi", 400, jsonapi(&["422", "415"])).is_empty());
        assert!(disagreements("jsonapi", 500, jsonapi(&["502", "503"])).is_empty());
        assert!(disagreements("jsonapi", 500, jsonapi(&["422", "503"])).is_empty());
        assert_eq!(
            disagreements("jsonapi", 422, jsonapi(&["422", "415"])),
            vec![(
                "/errors/1/status".into(),
                "errors[1].status \"415\" does not match the HTTP status 422".into()
            )]
        );
        // Equal statuses are no "several differing ones": 400 is not their class.
        assert_eq!(
            disagreements("jsonapi", 400, jsonapi(&["422", "422"])).len(),
            2
        );
        assert_eq!(
            disagreements("jsonapi", 404, jsonapi(&["422"])),
            vec![(
                "/errors/0/status".into(),
                "errors[0].status \"422\" does not match the HTTP status 404".into()
            )]
        );
        // Members without status and non-objects are skipped.
        assert!(disagreements("jsonapi", 404, json!({"errors": [{"title": "x"}, 3]})).is_empty());
    }

    #[test]
    fn general_class_of_differing_statuses() {
        assert_eq!(general_class_of([422, 415].into_iter()), Some(400));
        assert_eq!(general_class_of([422, 503].into_iter()), Some(500));
        assert_eq!(general_class_of([404, 404].into_iter()), None);
        assert_eq!(general_class_of([404].into_iter()), None);
        assert_eq!(general_class_of([].into_iter()), None);
    }

    #[test]
    fn the_default_profile_keeps_its_messages() {
        assert_eq!(
            disagreements(
                "errlint",
                429,
                json!({"type": "api", "code": "c", "message": "m", "param": null})
            ),
            vec![(
                "/type".into(),
                "status 429 requires type \"rate_limit\", found \"api\"".into()
            )]
        );
    }

    #[test]
    fn field_names_for_messages() {
        assert_eq!(display("/type"), "type");
        assert_eq!(display("/error/status"), "error.status");
        assert_eq!(
            display("/errors/1/source/parameter"),
            "errors[1].source.parameter"
        );
        assert_eq!(display(""), "error body");
        let object = json!({"source": {"parameter": "q"}, "a/b": 1});
        let object = object.as_object().unwrap();
        assert_eq!(field_of(object, "/source/parameter"), Some(&json!("q")));
        assert_eq!(field_of(object, "/a~1b"), Some(&json!(1)));
        assert_eq!(field_of(object, "/missing/x"), None);
        assert_eq!(field_of(object, ""), None);
    }

    #[test]
    fn every_bundled_profile_schema_compiles_and_accepts_its_example() {
        let examples = [
            (
                "errlint",
                json!({"type": "api", "code": "c", "message": "m", "param": null}),
            ),
            (
                "problem-details",
                json!({"type": "about:blank", "title": "Not Found", "status": 404}),
            ),
            (
                "google",
                json!({"error": {"code": 404, "message": "m", "status": "NOT_FOUND", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo"}]}}),
            ),
            (
                "jsonapi",
                json!({"errors": [{"status": "422", "source": {"pointer": "/data/attributes/x"}}]}),
            ),
        ];
        for (name, example) in examples {
            let contract = Contract::for_profile(find_profile(name).unwrap().clone()).unwrap();
            assert!(contract.schema.is_valid(&example), "{name}");
            assert!(
                !contract.schema.is_valid(&json!({"error": "x"})) || name == "google",
                "{name}"
            );
        }
    }
}
