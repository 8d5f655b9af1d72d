//! `errlint.toml`: its types, its discovery, and its validation (docs/configuration.md).
//!
//! The file is read as a TOML table and checked key by key, so that every mistake names the
//! file, the key, what was expected and, when a known key is close, what was meant. Nothing
//! here reads a capture; `settings.rs` turns a `ConfigFile` into the run's settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use toml::{Table, Value};

use crate::contract::custom::CustomContract;
use crate::contract::{ERROR_TYPES, PROFILES};
use crate::docs::closest;
use crate::rules::{self, Severity};

/// The file name errlint looks for.
pub const FILE_NAME: &str = "errlint.toml";

/// Top-level keys, for "did you mean".
const TOP_KEYS: [&str; 10] = [
    "profile",
    "contract",
    "schema",
    "openapi",
    "documented-statuses",
    "urls",
    "exclude",
    "rules",
    "status-types",
    "overrides",
];

/// A rule's level in configuration: a severity, or off.
pub type Level = Option<Severity>;

/// A status-types key: an exact code or a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusKey {
    Exact(u16),
    /// The hundreds digit: 4 for `4xx`.
    Class(u16),
}

/// One `[[overrides]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub paths: Vec<String>,
    pub rules: BTreeMap<&'static str, Level>,
}

/// A parsed and validated errlint.toml.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigFile {
    /// Where the file is; relative paths in it are relative to its folder.
    pub path: PathBuf,
    /// A bundled profile's name, checked against `PROFILES`.
    pub profile: Option<String>,
    /// `[contract]`: a custom error object.
    pub contract: Option<CustomContract>,
    pub schema: Option<PathBuf>,
    /// The API's OpenAPI description, relative to the file.
    pub openapi: Option<PathBuf>,
    pub documented_statuses: Option<Vec<u16>>,
    pub urls: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub rules: BTreeMap<&'static str, Level>,
    pub status_types: BTreeMap<StatusKey, String>,
    pub overrides: Vec<Override>,
}

impl ConfigFile {
    /// The folder the file's relative paths start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Finds errlint.toml in `start` or its nearest parent, stopping at the directory that holds
/// `.git` (the repository root), inclusive.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads and validates a configuration file.
pub fn load(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    parse(&text, path)
}

/// Parses and validates configuration text; `path` names the file in messages.
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile> {
    let shown = path.display().to_string();
    let table: Table =
        toml::from_str(text).map_err(|e| anyhow!("{shown}: not valid TOML: {}", e.message()))?;
    let mut config = ConfigFile {
        path: path.to_path_buf(),
        ..ConfigFile::default()
    };
    for (key, value) in &table {
        let at = |what: &str| anyhow!("{shown}: {key}: {what}");
        match key.as_str() {
            "profile" => {
                config.profile = Some(profile_name(value).map_err(|e| at(&e))?.to_string())
            }
            "contract" => {
                let (contract, schema, types) =
                    custom_contract(value).map_err(|e| anyhow!("{shown}: [contract] {e}"))?;
                config.contract = Some(contract);
                if !types.is_empty() {
                    if table.contains_key("status-types") {
                        bail!(
                            "{shown}: [contract.status-types]: set the mapping once, in [status-types] or in [contract.status-types]"
                        );
                    }
                    config.status_types = types;
                }
                if let Some(schema) = schema {
                    if table.contains_key("schema") {
                        bail!(
                            "{shown}: [contract] schema: set the schema once, at the top level or in [contract]"
                        );
                    }
                    config.schema = Some(schema);
                }
            }
            "schema" => {
                config.schema = Some(PathBuf::from(
                    value
                        .as_str()
                        .ok_or_else(|| at("expected a path (a string)"))?,
                ))
            }
            "openapi" => {
                config.openapi =
                    Some(PathBuf::from(value.as_str().ok_or_else(|| {
                        at("expected a path to an OpenAPI description (a string)")
                    })?))
            }
            "documented-statuses" => {
                config.documented_statuses = Some(statuses(value).map_err(|e| at(&e))?)
            }
            "urls" => config.urls = Some(globs(value).map_err(|e| at(&e))?),
            "exclude" => config.exclude = Some(globs(value).map_err(|e| at(&e))?),
            "rules" => {
                config.rules = rule_levels(value).map_err(|e| anyhow!("{shown}: [rules] {e}"))?
            }
            "status-types" => {
                let types = table
                    .get("contract")
                    .and_then(|c| custom_contract(c).ok())
                    .map(|(c, _, _)| c.types);
                let allowed: Vec<&str> = match &types {
                    Some(types) => types.iter().map(String::as_str).collect(),
                    None => ERROR_TYPES.to_vec(),
                };
                config.status_types = status_types(value, &allowed)
                    .map_err(|e| anyhow!("{shown}: [status-types] {e}"))?
            }
            "overrides" => {
                config.overrides =
                    overrides(value).map_err(|e| anyhow!("{shown}: [[overrides]] {e}"))?
            }
            other => bail!(
                "{shown}: unknown key {other:?}{}; expected one of {}",
                did_you_mean(other, &TOP_KEYS),
                TOP_KEYS.join(", ")
            ),
        }
    }
    // A bundled profile other than errlint maps statuses by its own specification, and a
    // [contract] is a profile of its own (docs/profiles.md).
    if let Some(name) = config.profile.as_deref().filter(|name| *name != "errlint") {
        if config.contract.is_some() {
            bail!(
                "{shown}: profile {name:?} and [contract] both describe the error object; keep one"
            );
        }
        if !config.status_types.is_empty() {
            bail!(
                "{shown}: [status-types] applies to the errlint profile and to a [contract]; the {name} profile ties each status to its error fields itself"
            );
        }
    }
    Ok(config)
}

/// A bundled profile's name (docs/profiles.md).
pub fn profile_name(value: &Value) -> Result<&'static str, String> {
    let names: Vec<&str> = PROFILES
        .iter()
        .map(|p| match &p.name {
            std::borrow::Cow::Borrowed(name) => *name,
            std::borrow::Cow::Owned(_) => "",
        })
        .collect();
    let expected = || names.join(", ");
    let name = value
        .as_str()
        .ok_or_else(|| format!("expected a profile name (a string): one of {}", expected()))?;
    names.iter().copied().find(|n| *n == name).ok_or_else(|| {
        format!(
            "unknown profile {name:?}{}; expected one of {}",
            did_you_mean(name, &names),
            expected()
        )
    })
}

const CONTRACT_KEYS: [&str; 5] = [
    "error-object",
    "type-field",
    "types",
    "status-types",
    "schema",
];

/// What `[contract]` holds: the custom error object, its schema when it names one, and its
/// `[contract.status-types]`.
type ContractKeys = (CustomContract, Option<PathBuf>, BTreeMap<StatusKey, String>);

/// `[contract]`, validated key by key.
fn custom_contract(value: &Value) -> Result<ContractKeys, String> {
    let table = value
        .as_table()
        .ok_or("expected a table with error-object, type-field and types")?;
    let mut contract = CustomContract::default();
    let mut schema = None;
    let mut type_field = None;
    let mut types = None;
    let mut mapping = None;
    for (key, value) in table {
        let at = |what: &str| format!("{key}: {what}");
        match key.as_str() {
            "error-object" => {
                let pointer = value.as_str().ok_or_else(|| {
                    at("expected a JSON Pointer (a string), e.g. \"/error\" or \"\"")
                })?;
                if !pointer.is_empty() && !pointer.starts_with('/') {
                    return Err(at(&format!(
                        "{pointer:?} is not a JSON Pointer; it starts with \"/\" (\"/{pointer}\"), or is \"\" for the body itself"
                    )));
                }
                contract.error_object = pointer.to_string();
            }
            "type-field" => {
                let field = value.as_str().filter(|f| !f.is_empty()).ok_or_else(|| {
                    at("expected the name of a member of the error object, e.g. \"type\"")
                })?;
                type_field = Some(field.to_string());
            }
            "types" => {
                let items = value
                    .as_array()
                    .filter(|items| !items.is_empty())
                    .ok_or_else(|| {
                        at("expected a non-empty list of the values the type field may take")
                    })?;
                let mut list = Vec::new();
                for item in items {
                    let item = item
                        .as_str()
                        .ok_or_else(|| at(&format!("{item} is not a string")))?;
                    if list.iter().any(|t: &String| t == item) {
                        return Err(at(&format!("{item:?} is listed twice")));
                    }
                    list.push(item.to_string());
                }
                types = Some(list);
            }
            "schema" => {
                schema = Some(PathBuf::from(
                    value
                        .as_str()
                        .ok_or_else(|| at("expected a path (a string)"))?,
                ))
            }
            "status-types" => mapping = Some(value),
            other => {
                return Err(format!(
                    "unknown key {other:?}{}; expected one of {}",
                    did_you_mean(other, &CONTRACT_KEYS),
                    CONTRACT_KEYS.join(", ")
                ));
            }
        }
    }
    contract.type_field =
        type_field.ok_or("needs type-field = \"…\", the member that names the error's type")?;
    contract.types = types.ok_or("needs types = [\"…\"], the values the type field may take")?;
    let allowed: Vec<&str> = contract.types.iter().map(String::as_str).collect();
    let mapping = match mapping {
        Some(value) => status_types(value, &allowed).map_err(|e| format!("status-types: {e}"))?,
        None => BTreeMap::new(),
    };
    Ok((contract, schema, mapping))
}

fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    closest(name, candidates.iter().copied())
        .map(|c| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

fn statuses(value: &Value) -> Result<Vec<u16>, String> {
    let items = value
        .as_array()
        .ok_or("expected a list of status codes, e.g. [200, 404]")?;
    items
        .iter()
        .map(|item| match item.as_integer() {
            Some(code @ 100..=599) => Ok(code as u16),
            _ => Err(format!("{item} is not a status code from 100 to 599")),
        })
        .collect()
}

fn globs(value: &Value) -> Result<Vec<String>, String> {
    let items = value
        .as_array()
        .ok_or("expected a list of glob patterns, e.g. [\"captures/legacy/**\"]")?;
    items
        .iter()
        .map(|item| {
            let pattern = item
                .as_str()
                .ok_or_else(|| format!("{item} is not a glob pattern (a string)"))?;
            globset::Glob::new(pattern)
                .map_err(|e| format!("{pattern:?} is not a valid glob: {}", e.kind()))?;
            Ok(pattern.to_string())
        })
        .collect()
}

fn rule_levels(value: &Value) -> Result<BTreeMap<&'static str, Level>, String> {
    let table = value
        .as_table()
        .ok_or("expected a table of rule = \"error\" | \"warning\" | \"off\"")?;
    let names: Vec<&str> = rules::RULES.iter().map(|r| r.name).collect();
    let mut levels = BTreeMap::new();
    for (name, level) in table {
        let rule = rules::find(name)
            .ok_or_else(|| format!("unknown rule {name:?}{}", did_you_mean(name, &names)))?;
        let level = match level.as_str() {
            Some("error") => Some(Severity::Error),
            Some("warning") => Some(Severity::Warning),
            Some("off") => None,
            _ => {
                return Err(format!(
                    "{name}: bad severity {level}; expected \"error\", \"warning\" or \"off\""
                ));
            }
        };
        levels.insert(rule.name, level);
    }
    Ok(levels)
}

fn status_types(value: &Value, allowed: &[&str]) -> Result<BTreeMap<StatusKey, String>, String> {
    let table = value
        .as_table()
        .ok_or("expected a table of \"404\" = \"invalid_request\" or \"4xx\" = \"…\"")?;
    let mut types = BTreeMap::new();
    for (key, value) in table {
        let status = parse_status_key(key).ok_or_else(|| format!("bad status {key:?}; expected a code from 400 to 599 such as \"404\", or a class \"4xx\" or \"5xx\""))?;
        let kind = value
            .as_str()
            .filter(|t| allowed.contains(t))
            .ok_or_else(|| {
                format!(
                    "{key}: bad type {value}; expected one of {}",
                    allowed
                        .iter()
                        .map(|t| format!("{t:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        types.insert(status, kind.to_string());
    }
    Ok(types)
}

fn parse_status_key(key: &str) -> Option<StatusKey> {
    match key.to_ascii_lowercase().as_str() {
        "4xx" => Some(StatusKey::Class(4)),
        "5xx" => Some(StatusKey::Class(5)),
        exact => exact
            .parse::<u16>()
            .ok()
            .filter(|c| (400..=599).contains(c))
            .map(StatusKey::Exact),
    }
}

fn overrides(value: &Value) -> Result<Vec<Override>, String> {
    let items = value.as_array().ok_or("expected [[overrides]] tables")?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let table = item
                .as_table()
                .ok_or(format!("entry {}: expected a table", i + 1))?;
            let mut paths = None;
            let mut rules = BTreeMap::new();
            for (key, value) in table {
                match key.as_str() {
                    "paths" => {
                        paths =
                            Some(globs(value).map_err(|e| format!("entry {}: paths: {e}", i + 1))?)
                    }
                    "rules" => {
                        rules = rule_levels(value)
                            .map_err(|e| format!("entry {}: rules: {e}", i + 1))?
                    }
                    other => {
                        return Err(format!(
                            "entry {}: unknown key {other:?}{}; expected paths, rules",
                            i + 1,
                            did_you_mean(other, &["paths", "rules"])
                        ));
                    }
                }
            }
            let paths = paths.ok_or(format!("entry {}: needs paths = [\"glob\", …]", i + 1))?;
            Ok(Override { paths, rules })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        parse(text, Path::new("errlint.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn the_spec_example_parses() {
        let text = r#"
schema = "schemas/our-error.schema.json"
documented-statuses = [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503]
urls = ["https://api.example.com/*"]
exclude = ["captures/legacy/**"]

[rules]
undocumented-status = "off"
code-format = "error"

[status-types]
"404" = "invalid_request"
"4xx" = "invalid_request"
"5xx" = "api"

[[overrides]]
paths = ["captures/partner/**"]
rules = { message-leaks-internals = "off" }
"#;
        let config = parse(text, Path::new("/repo/errlint.toml")).unwrap();
        assert_eq!(
            config.schema.as_deref(),
            Some(Path::new("schemas/our-error.schema.json"))
        );
        assert_eq!(config.documented_statuses.as_ref().map(Vec::len), Some(12));
        assert_eq!(config.rules.get("undocumented-status"), Some(&None));
        assert_eq!(
            config.rules.get("code-format"),
            Some(&Some(Severity::Error))
        );
        assert_eq!(
            config
                .status_types
                .get(&StatusKey::Exact(404))
                .map(String::as_str),
            Some("invalid_request")
        );
        assert_eq!(
            config
                .status_types
                .get(&StatusKey::Class(5))
                .map(String::as_str),
            Some("api")
        );
        assert_eq!(
            config.overrides[0].rules.get("message-leaks-internals"),
            Some(&None)
        );
        assert_eq!(config.dir(), Path::new("/repo"));
    }

    #[test]
    fn mistakes_name_the_file_the_key_and_what_was_expected() {
        assert_eq!(
            error_of("documented-status = [200]"),
            "errlint.toml: unknown key \"documented-status\" (did you mean \"documented-statuses\"?); expected one of profile, contract, schema, openapi, documented-statuses, urls, exclude, rules, status-types, overrides"
        );
        assert_eq!(
            error_of("[rules]\ncode-formt = \"error\""),
            "errlint.toml: [rules] unknown rule \"code-formt\" (did you mean \"code-format\"?)"
        );
        assert_eq!(
            error_of("[rules]\ncode-format = \"fatal\""),
            "errlint.toml: [rules] code-format: bad severity \"fatal\"; expected \"error\", \"warning\" or \"off\""
        );
        assert!(
            error_of("exclude = [\"a/[b\"]")
                .starts_with("errlint.toml: exclude: \"a/[b\" is not a valid glob")
        );
        assert!(error_of("[status-types]\n\"6xx\" = \"api\"").contains("bad status \"6xx\""));
        assert!(
            error_of("[status-types]\n\"404\" = \"not_found\"")
                .contains("404: bad type \"not_found\"")
        );
        assert!(error_of("documented-statuses = [200, 700]").contains("700 is not a status code"));
        assert!(error_of("[[overrides]]\nrules = {}").contains("needs paths"));
        assert!(error_of("schema = 3").contains("schema: expected a path"));
        assert!(error_of("openapi = 3").contains("openapi: expected a path to an OpenAPI"));
        assert!(error_of("= broken").starts_with("errlint.toml: not valid TOML"));
    }

    #[test]
    fn profiles_and_custom_contracts_are_validated_like_every_key() {
        let config = parse("profile = \"google\"", Path::new("errlint.toml")).unwrap();
        assert_eq!(config.profile.as_deref(), Some("google"));
        assert_eq!(
            error_of("profile = \"gogle\""),
            "errlint.toml: profile: unknown profile \"gogle\" (did you mean \"google\"?); expected one of errlint, problem-details, google, jsonapi"
        );
        assert!(error_of("profile = 3").contains("profile: expected a profile name"));
        assert!(
            error_of("profile = \"jsonapi\"\n[status-types]\n\"4xx\" = \"api\"")
                .contains("[status-types] applies to the errlint profile")
        );
        let text = r#"
[contract]
error-object = "/error"
type-field = "kind"
types = ["client", "server"]

[status-types]
"4xx" = "client"
"5xx" = "server"
"#;
        let config = parse(text, Path::new("errlint.toml")).unwrap();
        let contract = config.contract.unwrap();
        assert_eq!(contract.error_object, "/error");
        assert_eq!(contract.types, ["client", "server"]);
        assert_eq!(
            config
                .status_types
                .get(&StatusKey::Class(4))
                .map(String::as_str),
            Some("client")
        );
        let nested = "[contract]\ntype-field = \"kind\"\ntypes = [\"a\"]\n[contract.status-types]\n\"404\" = \"a\"";
        let config = parse(nested, Path::new("errlint.toml")).unwrap();
        assert_eq!(config.status_types.len(), 1);
        assert!(
            error_of("[contract]\ntype-field = \"kind\"\ntypes = [\"a\"]\n[status-types]\n\"404\" = \"api\"")
                .contains("404: bad type \"api\"; expected one of \"a\"")
        );
        assert_eq!(
            error_of("[contract]\ntype-feild = \"kind\""),
            "errlint.toml: [contract] unknown key \"type-feild\" (did you mean \"type-field\"?); expected one of error-object, type-field, types, status-types, schema"
        );
        assert!(error_of("[contract]\ntypes = [\"a\"]").contains("needs type-field"));
        assert!(error_of("[contract]\ntype-field = \"t\"").contains("needs types"));
        assert!(error_of("[contract]\ntype-field = \"t\"\ntypes = []").contains("non-empty list"));
        assert!(
            error_of("[contract]\nerror-object = \"error\"\ntype-field = \"t\"\ntypes = [\"a\"]")
                .contains("is not a JSON Pointer")
        );
        assert!(
            error_of("profile = \"google\"\n[contract]\ntype-field = \"t\"\ntypes = [\"a\"]")
                .contains("both describe the error object")
        );
    }
}
