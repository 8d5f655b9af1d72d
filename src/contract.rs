//! The error contract in force: the profile (docs/profiles.md), the schema, the documented
//! statuses and the status → type map.
//!
//! Built once before the first capture is read (docs/rules.md, overridable by configuration) and
//! shared read-only by every rule on every thread.

pub mod custom;
pub mod profile;
pub mod profiles {
    //! One file per error convention, each a `Profile` constant.
    pub mod errlint;
    pub mod google;
    pub mod jsonapi;
    pub mod problem_details;
}

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

use crate::confined::Boundary;

pub use profile::{Profile, TypeTable};

/// The bundled schema of the default profile (docs/rules.md), compiled into the binary.
pub const BUNDLED_SCHEMA: &str = include_str!("../schemas/error.schema.json");

/// The four values `type` may take.
pub const ERROR_TYPES: [&str; 4] = ["invalid_request", "rate_limit", "api", "authentication"];

/// The documented status codes of the default contract (docs/configuration.md).
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

/// Every bundled profile, the default first (docs/profiles.md).
pub const PROFILES: [&Profile; 4] = [
    &profiles::errlint::PROFILE,
    &profiles::problem_details::PROFILE,
    &profiles::google::PROFILE,
    &profiles::jsonapi::PROFILE,
];

/// A bundled profile by name.
pub fn find_profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().copied().find(|p| p.name == name)
}

/// Everything the rules measure a response against.
pub struct Contract {
    pub schema: jsonschema::Validator,
    pub documented_statuses: Vec<u16>,
    pub status_types: StatusTypes,
    /// Where the error object is and how it agrees with the status.
    pub profile: Profile,
    /// The values the profile's type field may take (`status-type-mismatch` compares only these).
    pub types: Vec<String>,
}

impl Contract {
    /// The default profile with the given schema document.
    pub fn with_schema(schema: &Value) -> Result<Self> {
        let mut contract = Self::for_profile(profiles::errlint::PROFILE)?;
        contract.schema = compile(schema)?;
        Ok(contract)
    }

    /// A profile with its bundled schema, the default documented statuses, and the default
    /// status → type mapping where the profile maps types.
    pub fn for_profile(profile: Profile) -> Result<Self> {
        let document: Value = serde_json::from_str(&profile.schema)
            .with_context(|| format!("the {} profile's schema is not JSON", profile.name))?;
        Ok(Self {
            schema: compile(&document)?,
            documented_statuses: DEFAULT_DOCUMENTED_STATUSES.to_vec(),
            status_types: StatusTypes::default(),
            profile,
            types: ERROR_TYPES.map(str::to_string).to_vec(),
        })
    }

    /// The default profile with the bundled schema.
    pub fn bundled() -> Result<Self> {
        Self::for_profile(profiles::errlint::PROFILE)
    }
}

impl TypeTable for Contract {
    fn required(&self, code: u16) -> Option<&str> {
        self.status_types.required(code)
    }

    fn is_known(&self, value: &str) -> bool {
        self.types.iter().any(|t| t == value)
    }
}

fn compile(schema: &Value) -> Result<jsonschema::Validator> {
    jsonschema::draft202012::new(schema)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the error schema does not compile")
}

/// Compiles a schema file. Its `$ref`s may point only to files in the same folder: anything
/// else (a URL, an absolute path, `../`) is refused before compiling, and the retriever
/// serves only the files already read, so errlint never touches the network (docs/security.md).
/// Those files are read through the confined reader: a link leading out of the folder, or
/// anything but a regular file, is refused.
pub fn load_schema(path: &Path) -> Result<jsonschema::Validator> {
    let shown = path.display();
    let document = read_json(path).with_context(|| format!("cannot use the schema {shown}"))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let boundary =
        Boundary::folder(dir).with_context(|| format!("cannot use the schema {shown}"))?;
    let mut siblings: BTreeMap<String, Value> = BTreeMap::new();
    let mut pending = vec![(shown.to_string(), document.clone())];
    while let Some((from, schema)) = pending.pop() {
        for reference in refs_in(&schema) {
            let target = reference.split('#').next().unwrap_or("");
            if target.is_empty() || siblings.contains_key(target) {
                continue;
            }
            let beside = !target.contains([':', '/', '\\']) && target != ".." && target != ".";
            if !beside {
                bail!(
                    "{from}: $ref {reference:?} is not a file beside the schema; a schema may refer only to files in its own folder (errlint never fetches schemas)"
                );
            }
            let sibling = read_sibling(&boundary, &dir.join(target))
                .with_context(|| format!("{from}: $ref {reference:?}"))?;
            pending.push((dir.join(target).display().to_string(), sibling.clone()));
            siblings.insert(target.to_string(), sibling);
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "schema.json".into());
    jsonschema::options()
        .with_base_uri(format!("file:///errlint-schema/{name}"))
        .with_retriever(Siblings(siblings))
        .build(&document)
        .map_err(|e| anyhow::anyhow!("{shown} is not a valid JSON Schema: {e}"))
}

/// Reads a file a schema's `$ref` names through the confined reader: a regular file whose
/// real path, every link resolved, lies in the schema's folder.
fn read_sibling(boundary: &Boundary, path: &Path) -> Result<Value> {
    let text = boundary
        .read_text(path, MAX_SIBLING, None, "the schema's folder")
        .map_err(|refusal| anyhow::anyhow!("cannot read {}: {refusal}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The largest file a schema's `$ref` may name.
const MAX_SIBLING: usize = crate::budget::DEFAULT_BUDGET;

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// Every `$ref` and `$dynamicRef` string in a schema document.
fn refs_in(schema: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![schema];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref" | "$dynamicRef", Value::String(r)) => found.push(r.clone()),
                        _ => stack.push(v),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Serves `$ref` targets from the files beside the schema, read beforehand; refuses all else.
struct Siblings(BTreeMap<String, Value>);

impl jsonschema::Retrieve for Siblings {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or("");
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| format!("{} is not a file beside the schema", uri.as_str()).into())
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
    fn schemas_may_refer_only_to_files_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("common.json"),
            r#"{"$defs": {"code": {"type": "string", "pattern": "^[a-z_]+$"}}}"#,
        )
        .unwrap();
        let main = dir.path().join("error.json");
        std::fs::write(
            &main,
            r#"{"type": "object", "properties": {"code": {"$ref": "common.json#/$defs/code"}}}"#,
        )
        .unwrap();
        let validator = load_schema(&main).unwrap();
        assert!(validator.is_valid(&serde_json::json!({"code": "ok_code"})));
        assert!(!validator.is_valid(&serde_json::json!({"code": "Bad"})));
        for reference in [
            "http://127.0.0.1:9/x.json",
            "file:///dev/zero",
            "../outside.json",
            "sub/x.json",
            "/etc/passwd",
        ] {
            std::fs::write(&main, format!(r#"{{"$ref": "{reference}"}}"#)).unwrap();
            let error = format!("{:#}", load_schema(&main).unwrap_err());
            assert!(
                error.contains("is not a file beside the schema"),
                "{reference}: {error}"
            );
        }
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
