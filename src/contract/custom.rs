//! A custom contract from errlint.toml's `[contract]` (docs/profiles.md): the error object at
//! a JSON Pointer, a type field with its allowed values, and `[status-types]` mapping statuses
//! to them.
//!
//! It builds a `Profile` like the bundled ones, with a schema generated from the same keys
//! (the error object must exist and its type field hold an allowed value) unless `schema`
//! replaces it. It reads no capture; `config.rs` has validated the keys.

use std::borrow::Cow;

use serde_json::{Value, json};

use super::profile::{Agreement, ErrorObjects, Expect, Profile};
use super::profiles::errlint;

/// The keys of `[contract]`, validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomContract {
    /// JSON Pointer to the error object inside the body; `""` for the body itself.
    pub error_object: String,
    /// The member of the error object that names its type.
    pub type_field: String,
    /// The values the type field may take.
    pub types: Vec<String>,
}

impl CustomContract {
    /// The pointer of the type field, relative to the error object.
    fn type_pointer(&self) -> String {
        format!("/{}", crate::rules::pointer_token(&self.type_field))
    }

    /// The profile: the default profile's code, param and message fields, read inside this
    /// error object, and the status agreement on the type field.
    pub fn profile(&self) -> Profile {
        let field = self.type_pointer();
        let marker = serde_json::to_string(&self.type_field).unwrap_or_default();
        Profile {
            name: Cow::Borrowed("custom"),
            title: "custom error object",
            reference: "docs/profiles.md",
            schema: Cow::Owned(self.schema().to_string()),
            shape_hint: "the [contract] in errlint.toml says where the error object is and which types it may have",
            error_objects: ErrorObjects::One(Cow::Owned(self.error_object.clone())),
            agreement: Cow::Owned(vec![Agreement::TypeForStatus {
                field: Cow::Owned(field.clone()),
            }]),
            signature: Cow::Owned(vec![(Cow::Owned(field), Expect::KnownType)]),
            marker: Cow::Owned(marker),
            ..errlint::PROFILE
        }
    }

    /// A schema that asks for the error object at its pointer, an object whose type field is
    /// one of `types`: nested `required`/`properties` from the body down.
    pub fn schema(&self) -> Value {
        let mut inner = json!({
            "type": "object",
            "required": [self.type_field],
            "properties": {
                self.type_field.clone(): {"type": "string", "enum": self.types}
            }
        });
        let tokens: Vec<String> = self
            .error_object
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        for token in tokens.iter().rev() {
            inner = json!({
                "type": "object",
                "required": [token],
                "properties": {token.clone(): inner}
            });
        }
        if let Value::Object(map) = &mut inner {
            map.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
        }
        inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_schema_asks_for_the_object_and_its_type() {
        let custom = CustomContract {
            error_object: "/error".into(),
            type_field: "kind".into(),
            types: vec!["client".into(), "server".into()],
        };
        let validator = jsonschema::draft202012::new(&custom.schema()).unwrap();
        assert!(validator.is_valid(&json!({"error": {"kind": "client", "x": 1}})));
        assert!(!validator.is_valid(&json!({"error": {"kind": "oops"}})));
        assert!(!validator.is_valid(&json!({"kind": "client"})));
        assert!(!validator.is_valid(&json!({"error": "client"})));
        let profile = custom.profile();
        assert_eq!(profile.marker, "\"kind\"");
        assert_eq!(profile.message, Some("/message"));
    }
}
