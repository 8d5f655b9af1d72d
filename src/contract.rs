//! The error contract in force: the schema, the documented statuses and the status → type map.
//!
//! Built once before the first capture is read (SPEC §1, overridable by configuration) and
//! shared read-only by every rule on every thread.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::Value;

/// The bundled schema of SPEC §1, compiled into the binary.
pub const BUNDLED_SCHEMA: &str = include_str!("../schemas/error.schema.json");

/// The four values `type` may take.
pub const ERROR_TYPES: [&str; 4] = ["invalid_request", "rate_limit", "api", "authentication"];

/// Status codes of SPEC §1's default profile.
pub const DEFAULT_DOCUMENTED_STATUSES: [u16; 14] = [
    200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504,
];

/// Which `type` each error status requires. Exact codes win over `4xx`/`5xx` classes.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusTypes {
    pub exact: BTreeMap<u16, String>,
    /// Keyed by the hundreds digit: 4 for `4xx`, 5 for `5xx`.
    pub classes: BTreeMap<u16, String>,
}

impl Default for StatusTypes {
    fn default() -> Self {
        let exact = [
            (401, "authentication"),
            (403, "authentication"),
            (429, "rate_limit"),
        ];
        let classes = [(4, "invalid_request"), (5, "api")];
        Self {
            exact: exact.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
            classes: classes
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
        }
    }
}

impl StatusTypes {
    /// The `type` a status requires, if the mapping says anything about it.
    pub fn required(&self, code: u16) -> Option<&str> {
        self.exact
            .get(&code)
            .or_else(|| self.classes.get(&(code / 100)))
            .map(String::as_str)
    }
}

/// Everything the rules measure a response against.
pub struct Contract {
    pub schema: jsonschema::Validator,
    pub documented_statuses: Vec<u16>,
    pub status_types: StatusTypes,
}

impl Contract {
    /// The default profile with the given schema document.
    pub fn with_schema(schema: &Value) -> Result<Self> {
        let schema = jsonschema::draft202012::new(schema)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("the error schema does not compile")?;
        Ok(Self {
            schema,
            documented_statuses: DEFAULT_DOCUMENTED_STATUSES.to_vec(),
            status_types: StatusTypes::default(),
        })
    }

    /// The default profile with the bundled schema.
    pub fn bundled() -> Result<Self> {
        let schema: Value =
            serde_json::from_str(BUNDLED_SCHEMA).context("the bundled schema is not JSON")?;
        Self::with_schema(&schema)
    }
}

impl Default for Contract {
    fn default() -> Self {
        // The bundled schema is part of the binary and tested below, not user input.
        Self::bundled().expect("bundled schema compiles")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schema_accepts_the_spec_example_and_rejects_gaps() {
        let contract = Contract::bundled().expect("compiles");
        let good: Value = serde_json::json!({"code":"insufficient_permissions","message":"This account does not have permission to view the requested resource.","param":null,"type":"authentication","request_id":"req_1"});
        assert!(contract.schema.is_valid(&good));
        let bad: Value =
            serde_json::json!({"code":"x","message":"","param":null,"type":"authentication"});
        assert!(!contract.schema.is_valid(&bad));
    }

    #[test]
    fn exact_codes_win_over_classes() {
        let types = StatusTypes::default();
        assert_eq!(types.required(401), Some("authentication"));
        assert_eq!(types.required(429), Some("rate_limit"));
        assert_eq!(types.required(404), Some("invalid_request"));
        assert_eq!(types.required(503), Some("api"));
        assert_eq!(types.required(200), None);
    }
}
