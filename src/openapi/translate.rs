//! OpenAPI 3.0 Schema Objects → JSON Schema 2020-12, so that `jsonschema` validates what a
//! 3.0 description means (OpenAPI 3.0.3 §4.7.24; 3.1 schemas already are 2020-12).
//!
//! 3.0 is a dialect of JSON Schema draft 5 with its own keywords: `nullable` admits `null`,
//! `exclusiveMinimum`/`exclusiveMaximum` are booleans beside `minimum`/`maximum`, a `$ref`
//! replaces its siblings, and `example`, `discriminator`, `xml`, `externalDocs` and `x-*`
//! extensions say nothing about validity. `readOnly`/`writeOnly` stay: 2020-12 keeps them as
//! annotations. Only schema positions are translated (a property *named* `example` stays).
//! Pure data in, data out: nothing here reads files or prints.

use serde_json::{Map, Value};

/// Keywords whose value is one subschema.
const ONE_SCHEMA: [&str; 3] = ["items", "not", "additionalProperties"];
/// Keywords whose value is a list of subschemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
/// Keywords that say nothing about validity in 3.0.
const DROPPED: [&str; 4] = ["example", "discriminator", "xml", "externalDocs"];

/// Translates one 3.0 schema in place, with every schema nested in it.
pub fn translate_30(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    if map.contains_key("$ref") {
        // OpenAPI 3.0: "This object cannot be extended with additional properties and any
        // properties added SHALL be ignored" — in 2020-12 siblings would apply.
        map.retain(|key, _| key == "$ref");
        return;
    }
    map.retain(|key, _| !DROPPED.contains(&key.as_str()) && !key.starts_with("x-"));
    exclusive_bound(map, "exclusiveMinimum", "minimum");
    exclusive_bound(map, "exclusiveMaximum", "maximum");
    for key in ONE_SCHEMA {
        if let Some(sub) = map.get_mut(key) {
            translate_30(sub);
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(translate_30);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.values_mut().for_each(translate_30);
    }
    let nullable = map.remove("nullable");
    if nullable != Some(Value::Bool(true)) {
        return;
    }
    match map.get_mut("type") {
        Some(Value::String(kind)) => {
            let kind = std::mem::take(kind);
            map.insert(
                "type".into(),
                Value::Array(vec![kind.into(), "null".into()]),
            );
            if let Some(Value::Array(options)) = map.get_mut("enum")
                && !options.contains(&Value::Null)
            {
                options.push(Value::Null);
            }
        }
        _ => {
            // No single type to widen (`allOf`, `oneOf`, an enum alone): null or the rest.
            let rest = std::mem::take(map);
            map.insert(
                "anyOf".into(),
                Value::Array(vec![
                    serde_json::json!({"type": "null"}),
                    Value::Object(rest),
                ]),
            );
        }
    }
}

/// `exclusiveMinimum: true` beside `minimum: m` is 2020-12's `exclusiveMinimum: m`;
/// `false` means the bound is inclusive, which `minimum` already says.
fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, bound: &str) {
    match map.get(exclusive) {
        Some(Value::Bool(true)) => match map.remove(bound) {
            Some(limit) => {
                map.insert(exclusive.into(), limit);
            }
            None => {
                map.remove(exclusive);
            }
        },
        Some(Value::Bool(false)) => {
            map.remove(exclusive);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn translated(mut schema: Value) -> Value {
        translate_30(&mut schema);
        schema
    }

    fn valid(schema: Value, instance: Value) -> bool {
        jsonschema::draft202012::new(&translated(schema))
            .unwrap()
            .is_valid(&instance)
    }

    #[test]
    fn nullable_widens_the_type_and_the_enum() {
        assert_eq!(
            translated(json!({"type": "string", "nullable": true, "enum": ["a"]})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert!(valid(
            json!({"type": "string", "nullable": true}),
            json!(null)
        ));
        assert!(!valid(json!({"type": "string"}), json!(null)));
        assert!(!valid(
            json!({"type": "string", "nullable": false}),
            json!(null)
        ));
    }

    #[test]
    fn nullable_without_a_type_admits_null_beside_the_rest() {
        let schema = json!({"nullable": true, "oneOf": [{"type": "integer"}, {"type": "string"}]});
        assert!(valid(schema.clone(), json!(null)));
        assert!(valid(schema.clone(), json!(3)));
        assert!(!valid(schema, json!(true)));
    }

    #[test]
    fn boolean_exclusive_bounds_become_numbers() {
        assert_eq!(
            translated(
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false})
            ),
            json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 9})
        );
        let schema = json!({"minimum": 0, "exclusiveMinimum": true});
        assert!(!valid(schema.clone(), json!(0)));
        assert!(valid(schema, json!(1)));
    }

    #[test]
    fn annotations_and_extensions_go_but_properties_named_like_them_stay() {
        assert_eq!(
            translated(json!({
                "type": "object", "example": {"a": 1}, "x-internal": true,
                "discriminator": {"propertyName": "kind"}, "xml": {}, "externalDocs": {},
                "readOnly": true,
                "properties": {"example": {"type": "string", "example": "x"}}
            })),
            json!({"type": "object", "readOnly": true, "properties": {"example": {"type": "string"}}})
        );
    }

    #[test]
    fn a_ref_replaces_its_siblings_and_nested_schemas_are_translated() {
        assert_eq!(
            translated(
                json!({"$ref": "#/components/schemas/E", "nullable": true, "description": "d"})
            ),
            json!({"$ref": "#/components/schemas/E"})
        );
        assert_eq!(
            translated(
                json!({"allOf": [{"properties": {"p": {"type": "string", "nullable": true}}}],
                               "items": {"type": "number", "nullable": true}})
            ),
            json!({"allOf": [{"properties": {"p": {"type": ["string", "null"]}}}],
                   "items": {"type": ["number", "null"]}})
        );
    }
}
