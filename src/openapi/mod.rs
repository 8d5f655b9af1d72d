//! The API's own OpenAPI description (3.0 or 3.1, YAML or JSON): which operations exist,
//! which statuses each documents, and the schemas its error responses declare
//! (docs/configuration.md, "OpenAPI").
//!
//! Loaded once by settings, before the first capture is read: every reference is checked,
//! every path template routed and every error schema compiled, so a broken description
//! exits 2 naming the file and the JSON Pointer. Afterwards it is only read — by the checker,
//! which matches each response's request to an operation, and by the rules that look at
//! that operation. It never reads captures and never prints.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

mod documents;
pub mod router;
pub mod translate;

use crate::budget::{Budget, Exhausted};
use documents::{Documents, Location};
use router::Router;

pub use documents::parse_text;

/// The methods a Path Item may hold (OpenAPI 3.1 §4.8.9).
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A `responses` key: an exact status, a class (`4XX`) or `default`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusKey {
    Exact(u16),
    /// The hundreds digit: 4 for `4XX`.
    Range(u16),
    Default,
}

impl StatusKey {
    /// Parses a `responses` key; `None` for anything else (extensions, typos).
    pub fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(Self::Default);
        }
        let bytes = key.as_bytes();
        match bytes {
            [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(Self::Range(u16::from(d - b'0'))),
            [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => key.parse().ok().map(Self::Exact),
            _ => None,
        }
    }

    fn covers(self, code: u16) -> bool {
        match self {
            Self::Exact(c) => c == code,
            Self::Range(class) => code / 100 == class,
            Self::Default => true,
        }
    }

    /// How specific a key is: an exact code wins over its range, a range over `default`.
    fn rank(self) -> u8 {
        match self {
            Self::Exact(_) => 0,
            Self::Range(_) => 1,
            Self::Default => 2,
        }
    }
}

/// A compiled schema the description declares for an error response.
pub struct DeclaredSchema {
    pub validator: jsonschema::Validator,
    /// Where it is written: `#/components/schemas/Error`, or `errors.yaml#/Error` in another file.
    pub name: String,
}

/// One response of an operation: its media types and, for error responses with a JSON
/// media type, the compiled schema.
pub struct ResponseSpec {
    pub key: StatusKey,
    /// Lower-case media types (`application/json`, `application/*`) in document order,
    /// shared by every operation that `$ref`s the same response.
    pub media: Arc<[MediaSchema]>,
}

/// A media type (lower case) and, for an error response in JSON, its compiled schema.
pub type MediaSchema = (String, Option<Arc<DeclaredSchema>>);

/// One operation: `POST /v1/orders`.
pub struct Operation {
    /// Upper case, as reports show it.
    pub method: String,
    pub template: String,
    pub responses: Vec<ResponseSpec>,
    /// The base paths of the operation's own `servers`, or of its path item's: these
    /// replace the description's (OpenAPI 3.1 §4.8.9, §4.8.10). `None`: the description's.
    pub bases: Option<Vec<String>>,
}

impl Operation {
    /// True when a `responses` key covers the status (`default` covers all).
    pub fn documents(&self, code: u16) -> bool {
        self.responses.iter().any(|r| r.key.covers(code))
    }

    /// The schema declared for this status and media type: the most specific response key,
    /// then the media type exactly, `type/*`, `*/*`; without a content type, the first JSON
    /// media type.
    pub fn schema_for(&self, code: u16, content_type: Option<&str>) -> Option<&DeclaredSchema> {
        // Most statuses have a key of their own: looked for first, then the range, then
        // `default`, as this runs for every error response matched to an operation.
        let response = (0..3).find_map(|rank| {
            self.responses
                .iter()
                .find(|r| r.key.rank() == rank && r.key.covers(code))
        })?;
        let media = match content_type {
            Some(content_type) => {
                // Media types are stored lower case; compared without allocating.
                let essence = match content_type.bytes().position(|b| b == b';') {
                    Some(end) => &content_type[..end],
                    None => content_type,
                }
                .trim();
                let family = match essence.bytes().position(|b| b == b'/') {
                    Some(end) => &essence[..end],
                    None => essence,
                };
                let is_family = |m: &str| {
                    m.strip_suffix("/*")
                        .is_some_and(|f| f.eq_ignore_ascii_case(family))
                };
                let find =
                    |want: &dyn Fn(&str) -> bool| response.media.iter().find(|(m, _)| want(m));
                find(&|m| m.eq_ignore_ascii_case(essence))
                    .or_else(|| find(&is_family))
                    .or_else(|| find(&|m| m == "*/*"))
            }
            None => response
                .media
                .iter()
                .find(|(m, _)| crate::response::is_json_media_type(m)),
        }?;
        media.1.as_deref()
    }
}

/// What a response's request matched.
#[derive(Clone, Copy)]
pub enum Match<'d> {
    /// No description is configured.
    NotConfigured,
    /// The response has no request URL or method (a bare body): the global lists apply.
    NoRequest,
    /// No operation of the description has this method and path.
    NoOperation,
    Operation(Matched<'d>),
}

/// An operation and the server base path the request reached it through.
#[derive(Clone, Copy)]
pub struct Matched<'d> {
    pub operation: &'d Operation,
    /// `/v1` for a server at `https://api.example.com/v1`; `""` at the root.
    pub base: &'d str,
}

impl Matched<'_> {
    /// The path template as requests see it: the base path, then the template
    /// (`/v1/orders/{id}`).
    pub fn template(&self) -> String {
        format!("{}{}", self.base, self.operation.template)
    }

    /// `POST /v1/orders`: how messages and reports name the operation.
    pub fn name(&self) -> String {
        self.to_string()
    }
}

/// The operation's name (`POST /v1/orders`), written straight into a message.
impl std::fmt::Display for Matched<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}{}",
            self.operation.method, self.base, self.operation.template
        )
    }
}

/// A loaded description, ready to match requests.
pub struct Description {
    router: Router,
    /// Per routed path: (method, operation index).
    paths: Vec<Vec<(String, usize)>>,
    operations: Vec<Operation>,
    /// Every server base path without a trailing slash (`""` for the root), longest first:
    /// the description's and those of path items and operations with servers of their own.
    bases: Vec<String>,
    /// Which of `bases` the description's own are (by index): operations without servers
    /// of their own are served under those.
    root_served: Vec<bool>,
    /// Per operation, the indices in `bases` of its own servers' base paths, if it has any.
    /// Worked out once, as a request is matched against them for every response.
    own_bases: Vec<Option<Box<[usize]>>>,
}

impl Description {
    /// Reads, checks and compiles a description.
    ///
    /// A JSON description is first read with its path items parsed one at a time (see
    /// `documents`). What that way does not handle — a `$ref` to a path item it has not
    /// kept, text it would leave unparsed or parse below its real depth, any error — reads
    /// the file again whole, so that what loads and what a message says do not depend on
    /// the shortcut.
    pub fn load(path: &Path) -> Result<Self> {
        Self::load_reading(path, true).or_else(|_| Self::load_reading(path, false))
    }

    fn load_reading(path: &Path, lazy_paths: bool) -> Result<Self> {
        let mut docs = Documents::load(path, lazy_paths, &Budget::default())?;
        let shown = path.display().to_string();
        let version = match docs.docs.first().map(|d| &d.value) {
            Some(Value::Object(root)) => match (root.get("openapi"), root.get("swagger")) {
                (Some(Value::String(v)), _) if v.starts_with("3.0") => Version::V30,
                (Some(Value::String(v)), _) if v.starts_with("3.1") || v.starts_with("3.2") => {
                    Version::V31
                }
                (Some(v), _) => bail!(
                    "{shown}#/openapi: version {v} is not supported; expected an OpenAPI 3.0 or 3.1 description"
                ),
                (None, Some(_)) => bail!(
                    "{shown}#/swagger: Swagger 2.0 is not supported; convert the description to OpenAPI 3 (e.g. with swagger2openapi)"
                ),
                (None, None) => bail!(
                    "{shown}: not an OpenAPI description: expected an \"openapi\" member with the version, e.g. \"3.1.0\""
                ),
            },
            _ => bail!("{shown}: not an OpenAPI description: expected a mapping at the top"),
        };
        let root_bases = base_paths(
            docs.docs.first().and_then(|d| d.value.get("servers")),
            &docs.budget,
        )
        .map_err(|e| anyhow!("{shown}#/{e}"))?
        .unwrap_or_default();
        let Outline {
            router,
            paths,
            operations,
            media_sets,
            schemas,
            ..
        } = outline(&mut docs, &shown)?;
        if version == Version::V30 {
            translate_reachable(&mut docs, schemas.iter().cloned().collect())?;
        }
        let mut schemas = schemas.into_iter().map(|at| (at, None)).collect();
        compile(&docs, &mut schemas)?;
        // Every base path a request may start with: the description's, the path items' and
        // the operations' own, longest first. Without servers the description's is the
        // root, which operations without servers of their own are reached through even when
        // others have some.
        let root_bases = by_length(root_bases);
        let mut bases: Vec<String> = root_bases.clone();
        for operation in &operations {
            bases.extend(operation.bases.iter().flatten().cloned());
        }
        let bases = by_length(bases);
        // Each distinct response's media types are built once and shared by the operations
        // that `$ref` it.
        let media_sets: Vec<Arc<[MediaSchema]>> = media_sets
            .into_iter()
            .map(|media| {
                media
                    .into_iter()
                    .map(|(m, at)| (m, at.and_then(|at| schemas.get(&at).cloned().flatten())))
                    .collect()
            })
            .collect();
        let operations = operations
            .into_iter()
            .map(|outline| Operation {
                method: outline.method,
                template: outline.template,
                bases: outline.bases.map(by_length),
                responses: outline
                    .responses
                    .into_iter()
                    .map(|(key, media)| ResponseSpec {
                        key,
                        media: media_sets
                            .get(media)
                            .cloned()
                            .unwrap_or_else(|| Arc::new([])),
                    })
                    .collect(),
            })
            .collect::<Vec<Operation>>();
        // An operation with servers of its own is served under their base paths only; the
        // others under the description's (OpenAPI 3.1 §4.8.9, §4.8.10).
        let root_served = bases.iter().map(|base| root_bases.contains(base)).collect();
        let base_index: foldhash::HashMap<&str, usize> = bases
            .iter()
            .enumerate()
            .map(|(index, base)| (base.as_str(), index))
            .collect();
        let own_bases = operations
            .iter()
            .map(|operation| {
                operation.bases.as_ref().map(|own| {
                    own.iter()
                        .filter_map(|base| base_index.get(base.as_str()).copied())
                        .collect()
                })
            })
            .collect();
        // The parsed files are not needed once the schemas are compiled. Freeing their many
        // small values took a tenth of the load; another thread does it while checking starts
        // (a thread that cannot be started leaves it to this one).
        let _ = std::thread::Builder::new().spawn(move || drop(docs));
        Ok(Self {
            router,
            paths,
            operations,
            bases,
            root_served,
            own_bases,
        })
    }

    /// How many operations the description has.
    pub fn operation_count(&self) -> usize {
        self.operations.len()
    }

    /// The operation a request answered: its URL's path, less a server base path, against
    /// the templates, then its method (`HEAD` falls back to `GET`, as servers answer it).
    pub fn match_request(&self, method: Option<&str>, url: Option<&str>) -> Match<'_> {
        let (Some(method), Some(url)) = (method, url) else {
            return Match::NoRequest;
        };
        let path = crate::endpoint::path_of(url);
        for (base_index, base) in self.bases.iter().enumerate() {
            let rest = if base.is_empty() {
                path
            } else {
                match path.strip_prefix(base.as_str()) {
                    Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
                    _ => continue,
                }
            };
            let Some(found) = self.router.find(rest) else {
                continue;
            };
            let methods = self.paths.get(found).map(Vec::as_slice).unwrap_or(&[]);
            let pick = |want: &str| {
                methods
                    .iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(want))
                    .map(|(_, i)| *i)
            };
            let index = pick(method).or_else(|| {
                method
                    .eq_ignore_ascii_case("HEAD")
                    .then(|| pick("GET"))
                    .flatten()
            });
            // An operation served under other base paths is not reached through this one.
            let operation = index
                .filter(|&i| match self.own_bases.get(i) {
                    Some(Some(own)) => own.contains(&base_index),
                    _ => self.root_served.get(base_index).copied().unwrap_or(false),
                })
                .and_then(|i| self.operations.get(i));
            if let Some(operation) = operation {
                return Match::Operation(Matched {
                    operation,
                    base: base.as_str(),
                });
            }
        }
        Match::NoOperation
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V30,
    V31,
}

/// A response's media types (lower case), each with where its error schema is.
type MediaTypes = Vec<(String, Option<Location>)>;

/// What the description's `paths` hold, read in one pass over the parsed files.
struct Outline {
    router: Router,
    /// Per routed path: (method, operation index).
    paths: Vec<Vec<(String, usize)>>,
    operations: Vec<OperationOutline>,
    /// Each distinct response's media types; operations name them by index.
    media_sets: Vec<MediaTypes>,
    /// Where every error schema is, to be translated and compiled.
    schemas: std::collections::BTreeSet<Location>,
    /// Responses `$ref`ed from many operations (the usual shared `Error`) are read once: by
    /// the file the reference is written in and whether the response is an error, then the
    /// reference.
    by_reference: foldhash::HashMap<(usize, bool), foldhash::HashMap<String, usize>>,
}

/// An operation before its schemas are compiled.
struct OperationOutline {
    method: String,
    template: String,
    /// Each `responses` key with its index in `Outline::media_sets`.
    responses: Vec<(StatusKey, usize)>,
    bases: Option<Vec<String>>,
}

/// Routes every path template and reads every operation's responses, walking the parsed
/// values in hand: a description of thousands of operations is read without looking each
/// one up again from the root.
///
/// Path items still held as text (`Documents::raw_paths`) are parsed one at a time, their
/// references followed, and dropped once read, unless an error schema is written in them:
/// those join the root document, where the schema compiler finds them.
fn outline(docs: &mut Documents, shown: &str) -> Result<Outline> {
    let mut outline = Outline {
        router: Router::default(),
        paths: Vec::new(),
        operations: Vec::new(),
        // The first set is the empty one, shared by the responses without content.
        media_sets: vec![Vec::new()],
        schemas: std::collections::BTreeSet::new(),
        by_reference: foldhash::HashMap::default(),
    };
    if let Some(raw) = docs.raw_paths.take() {
        for (template, text) in raw.items() {
            let at = path_item_at(template);
            let item = documents::RawPaths::parse_item(text)
                .map_err(|e| anyhow!("{}: {e}", docs.show(&at)))?;
            // Every reference is checked, in extensions too, as for the other documents.
            docs.follow_refs_in(&at, &item)?;
            if template.starts_with("x-") {
                continue;
            }
            if outline.add_path_item(docs, template, &item)? {
                docs.keep_path_item(template, item);
            }
        }
        return Ok(outline);
    }
    let docs: &Documents = docs;
    let templates = match docs.docs.first().and_then(|d| d.value.get("paths")) {
        Some(Value::Object(map)) => map,
        Some(_) => bail!("{shown}#/paths: expected a mapping of path templates"),
        None => return Ok(outline),
    };
    for (template, item) in templates {
        if template.starts_with("x-") {
            continue;
        }
        outline.add_path_item(docs, template, item)?;
    }
    Ok(outline)
}

/// Where the root's path item for a template is.
fn path_item_at(template: &str) -> Location {
    Location {
        doc: 0,
        pointer: format!("/paths/{}", crate::rules::pointer_token(template)),
    }
}

impl Outline {
    /// Routes one path template and reads its operations. True when an error schema is
    /// written in the path item itself (not behind a `$ref`): the item must then stay among
    /// the documents for the schema to be compiled.
    fn add_path_item(&mut self, docs: &Documents, template: &str, item: &Value) -> Result<bool> {
        let at = path_item_at(template);
        if !template.starts_with('/') {
            bail!("{}: a path template must start with \"/\"", docs.show(&at));
        }
        self.router
            .insert(template, self.paths.len())
            .map_err(|e| anyhow!("{}: {}", docs.show(&at), e.0))?;
        let in_hand = item.get("$ref").is_none();
        let (item_at, item) = if in_hand {
            (at, item)
        } else {
            let found = docs.resolve_in_hand(&at, item)?;
            let value = docs
                .get(&found)
                .ok_or_else(|| anyhow!("{}: nothing is there", docs.show(&found)))?;
            (found, value)
        };
        let mut schema_in_item = false;
        let item_bases = base_paths(item.get("servers"), &docs.budget)
            .map_err(|e| anyhow!("{}/{e}", docs.show(&item_at)))?;
        let mut methods = Vec::new();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let mut responses = Vec::new();
            let listed = match operation.get("responses") {
                Some(Value::Object(map)) => Some(map),
                _ => None,
            };
            for (key, response) in listed.into_iter().flatten() {
                if key.starts_with("x-") {
                    continue;
                }
                // Pointers are written out only when a message or a schema needs one.
                let key_at = || Location {
                    doc: item_at.doc,
                    pointer: format!(
                        "{}/{method}/responses/{}",
                        item_at.pointer,
                        crate::rules::pointer_token(key)
                    ),
                };
                let Some(status) = StatusKey::parse(key) else {
                    bail!(
                        "{}: {key:?} is not a response key; expected a status (\"404\"), a range (\"4XX\") or \"default\"",
                        docs.show(&key_at())
                    );
                };
                let is_error = match status {
                    StatusKey::Exact(c) => c >= 400,
                    StatusKey::Range(c) => c >= 4,
                    StatusKey::Default => true,
                };
                let media = match response.get("$ref").and_then(Value::as_str) {
                    Some(reference) => {
                        let known = self
                            .by_reference
                            .get(&(item_at.doc, is_error))
                            .and_then(|by| by.get(reference))
                            .copied();
                        match known {
                            Some(index) => index,
                            None => {
                                let found = docs.resolve_in_hand(&key_at(), response)?;
                                let value = docs.get(&found).ok_or_else(|| {
                                    anyhow!("{}: nothing is there", docs.show(&found))
                                })?;
                                let (index, _) = self.add_media(docs, &found, value, is_error)?;
                                self.by_reference
                                    .entry((item_at.doc, is_error))
                                    .or_default()
                                    .insert(reference.to_string(), index);
                                index
                            }
                        }
                    }
                    None => {
                        let (index, written_here) =
                            self.add_media(docs, &key_at(), response, is_error)?;
                        schema_in_item |= written_here;
                        index
                    }
                };
                responses.push((status, media));
            }
            methods.push((method.to_ascii_uppercase(), self.operations.len()));
            self.operations.push(OperationOutline {
                method: method.to_ascii_uppercase(),
                template: template.to_string(),
                responses,
                bases: base_paths(operation.get("servers"), &docs.budget)
                    .map_err(|e| anyhow!("{}/{method}/{e}", docs.show(&item_at)))?
                    .or_else(|| item_bases.clone()),
            });
        }
        self.paths.push(methods);
        Ok(in_hand && schema_in_item)
    }

    /// Notes a response's media types (lower case), each with the location of its schema
    /// when the response is an error and the media type JSON, and returns their index. A
    /// response without content shares the empty set. The flag tells whether a schema is
    /// written in the response itself rather than behind a `$ref`.
    fn add_media(
        &mut self,
        docs: &Documents,
        response_at: &Location,
        response: &Value,
        is_error: bool,
    ) -> Result<(usize, bool)> {
        let Some(Value::Object(content)) = response.get("content") else {
            return Ok((0, false));
        };
        if content.is_empty() {
            return Ok((0, false));
        }
        let mut written_here = false;
        let mut media = Vec::new();
        for (media_type, entry) in content {
            let schema = match entry.get("schema") {
                Some(schema) if is_error && crate::response::is_json_media_type(media_type) => {
                    let schema_at = Location {
                        doc: response_at.doc,
                        pointer: format!(
                            "{}/content/{}/schema",
                            response_at.pointer,
                            crate::rules::pointer_token(media_type)
                        ),
                    };
                    let target = docs.resolve_in_hand(&schema_at, schema)?;
                    written_here |= target == schema_at;
                    self.schemas.insert(target.clone());
                    Some(target)
                }
                _ => None,
            };
            media.push((media_type.to_ascii_lowercase(), schema));
        }
        self.media_sets.push(media);
        Ok((self.media_sets.len() - 1, written_here))
    }
}

/// The path part of every URL of a `servers` list, variables at their defaults (OpenAPI 3.1
/// §4.8.5): `https://api.example.com/v1` and `/v1` both give `/v1`, the root gives `""`.
/// `None` when there is no list (or an empty one): whoever holds it uses the servers of the
/// level above, and the description's default to `/`.
fn base_paths(servers: Option<&Value>, budget: &Budget) -> Result<Option<Vec<String>>> {
    let Some(servers) = servers.and_then(Value::as_array) else {
        return Ok(None);
    };
    let mut bases = Vec::new();
    for server in servers {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let mut defaults = HashMap::new();
        if let Some(Value::Object(variables)) = server.get("variables") {
            for (name, variable) in variables {
                let default = variable
                    .get("default")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                defaults.entry(name.as_str()).or_insert(default);
            }
        }
        let url = server_url(url, &defaults, budget)
            .map_err(|spent| anyhow!("servers: a server URL is not read: {spent}"))?;
        let path = crate::endpoint::path_of(&url);
        // A relative server URL (`v1`) is relative to where the description is served;
        // errlint takes it as a path from the root.
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        bases.push(path.trim_end_matches('/').to_string());
    }
    Ok((!bases.is_empty()).then_some(bases))
}

/// A server URL with each `{name}` that `defaults` knows replaced by its default, in one
/// pass: a default is never expanded in turn (OpenAPI substitutes once), so defaults naming
/// one another cannot multiply, and what the substitution adds is drawn from `budget`. A
/// name without a variable stays as written.
pub fn server_url(
    url: &str,
    defaults: &HashMap<&str, &str>,
    budget: &Budget,
) -> Result<String, Exhausted> {
    // Measured first, drawn once, then made at its exact size: a growing string would hold
    // up to twice what the budget allows.
    let mut size = 0usize;
    substitute(url, defaults, &mut |part| {
        size = size.saturating_add(part.len())
    });
    budget.draw_growth(url.len(), size)?;
    let mut out = String::with_capacity(size);
    substitute(url, defaults, &mut |part| out.push_str(part));
    Ok(out)
}

/// Hands the parts of `url` with its variables substituted, in order, to `emit`.
fn substitute<'u>(url: &'u str, defaults: &HashMap<&str, &'u str>, emit: &mut dyn FnMut(&'u str)) {
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        // The innermost `{`: in `{{a}` the name is `a`.
        let open = open + rest[open..close].rfind('{').unwrap_or(0);
        emit(&rest[..open]);
        match defaults.get(&rest[open + 1..close]) {
            Some(default) => emit(default),
            None => emit(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    emit(rest);
}

/// Base paths longest first (a longer base is the more specific match), each once; the
/// root alone when there are none.
fn by_length(mut bases: Vec<String>) -> Vec<String> {
    if bases.is_empty() {
        bases.push(String::new());
    }
    bases.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    bases.dedup();
    bases
}

/// Translates, in place, every 3.0 schema the error schemas reach through `$ref`s.
fn translate_reachable(docs: &mut Documents, roots: Vec<Location>) -> Result<()> {
    let mut seen: std::collections::BTreeSet<Location> = roots.iter().cloned().collect();
    let mut work = roots;
    while let Some(at) = work.pop() {
        let mut refs = Vec::new();
        if let Some(value) = docs.get(&at) {
            let mut stack = vec![(value, at.pointer.clone())];
            while let Some((value, here)) = stack.pop() {
                match value {
                    Value::Object(map) => {
                        for (key, v) in map {
                            match (key.as_str(), v) {
                                ("$ref", Value::String(r)) => refs.push((here.clone(), r.clone())),
                                _ => stack.push((
                                    v,
                                    format!("{here}/{}", crate::rules::pointer_token(key)),
                                )),
                            }
                        }
                    }
                    Value::Array(items) => {
                        for (i, v) in items.iter().enumerate() {
                            stack.push((v, format!("{here}/{i}")));
                        }
                    }
                    _ => {}
                }
            }
        }
        for (here, reference) in refs {
            let from = Location {
                doc: at.doc,
                pointer: here,
            };
            let target = docs.follow(&from, &reference)?;
            if seen.insert(target.clone()) {
                work.push(target);
            }
        }
    }
    for at in seen {
        if let Some(schema) = docs.get_mut(&at) {
            translate::translate_30(schema);
        }
    }
    Ok(())
}

/// Compiles each distinct error schema once, against a registry that holds the
/// description's own files and nothing else.
fn compile(
    docs: &Documents,
    schemas: &mut BTreeMap<Location, Option<Arc<DeclaredSchema>>>,
) -> Result<()> {
    if schemas.is_empty() {
        return Ok(());
    }
    let registry = jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft202012)
        .retriever(NoRetrieval)
        .extend(docs.docs.iter().map(|d| (d.uri.clone(), &d.value)))
        .and_then(|b| b.prepare())
        .map_err(|e| {
            anyhow!(
                "{}: the description cannot be used as JSON Schema: {e}",
                docs.show(&Location {
                    doc: 0,
                    pointer: String::new()
                })
            )
        })?;
    for (at, slot) in schemas.iter_mut() {
        let doc = docs
            .docs
            .get(at.doc)
            .ok_or_else(|| anyhow!("no document {}", at.doc))?;
        let fragment: String =
            percent_encoding::utf8_percent_encode(&at.pointer, FRAGMENT).to_string();
        let wrapper = serde_json::json!({ "$ref": format!("{}#{fragment}", doc.uri) });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(&registry)
            .with_base_uri("file:///errlint-openapi-root.json")
            .should_validate_formats(false)
            .build(&wrapper)
            .map_err(|e| anyhow!("{}: the schema does not compile: {e}", docs.show(at)))?;
        let name = if at.doc == 0 {
            format!("#{}", at.pointer)
        } else {
            // Other files by their path from the description's folder, as its `$ref`s say.
            let root_dir = docs
                .docs
                .first()
                .and_then(|d| d.path.parent())
                .unwrap_or(Path::new(""));
            let path = doc.path.strip_prefix(root_dir).unwrap_or(&doc.path);
            format!("{}#{}", path.display(), at.pointer)
        };
        *slot = Some(Arc::new(DeclaredSchema { validator, name }));
    }
    Ok(())
}

/// Characters a JSON Pointer keeps but a URI fragment must escape.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'%')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// Refuses every retrieval: the registry already holds every file the description uses.
struct NoRetrieval;

impl jsonschema::Retrieve for NoRetrieval {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{} is not a file of the description", uri.as_str()).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(text: &str) -> Description {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.yaml");
        std::fs::write(&path, text).unwrap();
        Description::load(&path).unwrap()
    }

    fn matched(d: &Description, method: &str, url: &str) -> Option<String> {
        match d.match_request(Some(method), Some(url)) {
            Match::Operation(m) => Some(m.name()),
            _ => None,
        }
    }

    /// Everything a loaded description decides, one line per operation.
    fn table(d: &Description) -> Vec<String> {
        d.operations
            .iter()
            .map(|op| {
                let responses: Vec<String> = op
                    .responses
                    .iter()
                    .map(|r| {
                        let media: Vec<String> = r
                            .media
                            .iter()
                            .map(|(m, schema)| {
                                format!("{m}={}", schema.as_ref().map_or("-", |s| &s.name))
                            })
                            .collect();
                        format!("{:?}[{}]", r.key, media.join(","))
                    })
                    .collect();
                format!(
                    "{} {} {:?} {}",
                    op.method,
                    op.template,
                    op.bases,
                    responses.join(" ")
                )
            })
            .collect()
    }

    /// A description's `table`, or the message it failed with.
    type Loaded = Result<Vec<String>, String>;

    /// Loads a JSON description as `load` does (its path items read one at a time, the
    /// whole file read again if that fails) and whole only: both must load alike, or fail
    /// with the same message. Also tells whether the first way needed no second reading.
    fn both_ways(json: &str) -> (Loaded, Loaded, bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.json");
        std::fs::write(&path, json).unwrap();
        let shown = |d: Result<Description>| d.map(|d| table(&d)).map_err(|e| format!("{e:#}"));
        (
            shown(Description::load(&path)),
            shown(Description::load_reading(&path, false)),
            Description::load_reading(&path, true).is_ok(),
        )
    }

    #[test]
    fn path_items_read_one_at_a_time_load_as_the_whole_file_does() {
        let inline_nullable = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {
            "/a": {"get": {"responses": {"400": {"description": "x", "content": {"application/json":
              {"schema": {"type": "object", "properties": {"p": {"type": "string", "nullable": true}},
                          "required": ["p"]}}}}}}},
            "/b/{id}": {"$ref": "#/components/pathItems/B"},
            "/c": {"post": {"servers": [{"url": "/v2"}], "responses": {"4XX": {"$ref": "#/components/responses/E"}}}},
            "x-skip": {"get": {"responses": {"400": {"$ref": "#/components/responses/E"}}}}},
          "components": {
            "pathItems": {"B": {"get": {"responses": {"500": {"$ref": "#/components/responses/E"}}}}},
            "responses": {"E": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}},
            "schemas": {"E": {"type": "object", "required": ["code"]}}}}"##;
        let (lazy, whole, alone) = both_ways(inline_nullable);
        assert!(alone);
        assert_eq!(lazy, whole);
        assert_eq!(lazy.as_ref().map(Vec::len), Ok(3), "{lazy:?}");
        // The inline schema was compiled from the item kept among the documents.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.json");
        std::fs::write(&path, inline_nullable).unwrap();
        let d = Description::load_reading(&path, true).unwrap();
        let Match::Operation(m) = d.match_request(Some("GET"), Some("/a")) else {
            panic!("no operation");
        };
        let schema = m.operation.schema_for(400, None).unwrap();
        assert!(schema.validator.is_valid(&serde_json::json!({"p": null})));
        assert!(!schema.validator.is_valid(&serde_json::json!({"p": 1})));

        for broken in [
            // A reference into `paths`, a missing target inside an extension, a cycle, a
            // bad template, duplicate templates (the last counts).
            r##"{"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {"description": "x"}}}},
                "/b": {"$ref": "#/paths/~1a"}}}"##,
            r##"{"openapi": "3.1.0", "paths": {"x-a": {"$ref": "#/components/nothing"}}}"##,
            r##"{"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"400": {"$ref": "#/components/responses/A"}}}}},
                "components": {"responses": {"A": {"$ref": "#/components/responses/B"}, "B": {"$ref": "#/components/responses/A"}}}}"##,
            r##"{"openapi": "3.1.0", "paths": {"/a/{id": {}}}"##,
            r##"{"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {"description": "x"}}}},
                "/a": {"put": {"responses": {"201": {"description": "x"}}}}}}"##,
            r##"{"openapi": "3.1.0", "paths": [], "paths": {"/a": {}}}"##,
            r##"{"openapi": "3.1.0", "paths": {"/a": {}}, "paths": 7}"##,
        ] {
            let (lazy, whole, _) = both_ways(broken);
            assert_eq!(lazy, whole, "{broken}");
        }
        // Text the shortcut would leave unparsed, or parse below its real depth: refused as
        // the whole reading refuses it.
        let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        for refused in [
            r#"{"openapi": "3.1.0", "paths": {"/a": {"get": 1e999}, "/a": {}}}"#.to_string(),
            r#"{"openapi": "3.1.0", "paths": {"/a": {"get": 1e999}}, "paths": {}}"#.to_string(),
            format!(
                r#"{{"openapi": "3.1.0", "paths": {{"x-a": {}}}}}"#,
                deep(126)
            ),
            format!(
                r#"{{"openapi": "3.1.0", "paths": {{}}, "components": {}}}"#,
                deep(127)
            ),
        ] {
            let (lazy, whole, _) = both_ways(&refused);
            assert!(whole.is_err(), "{whole:?}");
            assert_eq!(lazy, whole);
        }
        // The description errlint's real-client captures are checked against, as JSON.
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real/openapi.yaml"),
        )
        .unwrap();
        let json = serde_json::to_string(&parse_text(&text, &Budget::default()).unwrap()).unwrap();
        let (lazy, whole, alone) = both_ways(&json);
        assert!(alone);
        assert!(lazy.as_ref().is_ok_and(|t| t.len() > 3), "{lazy:?}");
        assert_eq!(lazy, whole);
    }

    /// The real public descriptions of the shared corpus, those written as JSON.
    #[test]
    fn real_json_descriptions_load_alike_both_ways() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/openapi");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            // As tests/support does: CI must have the corpus; a user's clone may not.
            assert!(
                std::env::var_os("ERRLINT_REQUIRE_TEST_INPUTS").is_none(),
                "{} not found",
                dir.display()
            );
            eprintln!("note: {} not found; skipped", dir.display());
            return;
        };
        let mut compared = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let (lazy, whole, _) = both_ways(&std::fs::read_to_string(&path).unwrap());
            assert_eq!(lazy, whole, "{}", path.display());
            compared += 1;
        }
        assert!(compared >= 3, "only {compared} JSON descriptions");
    }

    const SERVERS: &str = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
servers:
  - url: https://{region}.example.com/api/{version}
    variables:
      region: {default: eu}
      version: {default: v2}
  - url: /
paths:
  /users/{id}:
    get: {responses: {"200": {description: x}}}
    delete: {responses: {"204": {description: x}}}
  /users/me:
    get: {responses: {"200": {description: x}, 4XX: {description: x}}}
  /health:
    get: {responses: {default: {description: x}}}
"#;

    #[test]
    fn base_paths_come_from_servers_with_variables_at_their_defaults() {
        let d = description(SERVERS);
        assert_eq!(
            matched(&d, "GET", "https://eu.example.com/api/v2/users/7?x=1").as_deref(),
            Some("GET /api/v2/users/{id}")
        );
        // The second server's root base.
        assert_eq!(
            matched(&d, "get", "http://localhost:8080/users/7").as_deref(),
            Some("GET /users/{id}")
        );
        assert_eq!(matched(&d, "GET", "https://x/api/v3/users/7"), None);
        assert_eq!(matched(&d, "GET", "https://x/api/v2/users"), None);
    }

    #[test]
    fn path_items_and_operations_with_servers_of_their_own_replace_the_description_s() {
        let d = description(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: https://api.example.com/v1}]
paths:
  /files/{id}:
    servers: [{url: https://uploads.example.com/u}]
    get: {responses: {"200": {description: x}}}
    put:
      servers: [{url: "https://{host}/raw", variables: {host: {default: blobs.example.com}}}]
      responses: {"200": {description: x}}
  /orders:
    get: {responses: {"200": {description: x}}}
"#,
        );
        // The path item's server, for its operations without servers of their own.
        assert_eq!(
            matched(&d, "GET", "https://uploads.example.com/u/files/9").as_deref(),
            Some("GET /u/files/{id}")
        );
        assert_eq!(
            matched(&d, "GET", "https://api.example.com/v1/files/9"),
            None
        );
        // The operation's own server.
        assert_eq!(
            matched(&d, "PUT", "https://blobs.example.com/raw/files/9").as_deref(),
            Some("PUT /raw/files/{id}")
        );
        assert_eq!(
            matched(&d, "PUT", "https://uploads.example.com/u/files/9"),
            None
        );
        // Everything else keeps the description's.
        assert_eq!(
            matched(&d, "GET", "https://api.example.com/v1/orders").as_deref(),
            Some("GET /v1/orders")
        );
        assert_eq!(
            matched(&d, "GET", "https://uploads.example.com/u/orders"),
            None
        );
    }

    #[test]
    fn literal_paths_win_and_methods_must_match() {
        let d = description(SERVERS);
        assert_eq!(
            matched(&d, "GET", "/api/v2/users/me").as_deref(),
            Some("GET /api/v2/users/me")
        );
        // The path decides first, as OpenAPI's path precedence says: `/users/me` has no
        // DELETE, and `/users/{id}` is not tried for it.
        assert_eq!(matched(&d, "DELETE", "/api/v2/users/me"), None);
        assert_eq!(
            matched(&d, "DELETE", "/api/v2/users/7").as_deref(),
            Some("DELETE /api/v2/users/{id}")
        );
        assert_eq!(matched(&d, "POST", "/api/v2/users/7"), None);
        // HEAD is answered by GET.
        assert_eq!(
            matched(&d, "HEAD", "/api/v2/health/").as_deref(),
            Some("GET /api/v2/health")
        );
        assert!(matches!(
            d.match_request(None, Some("/users/7")),
            Match::NoRequest
        ));
        assert!(matches!(
            d.match_request(Some("GET"), Some("/nope")),
            Match::NoOperation
        ));
    }

    #[test]
    fn statuses_by_exact_code_range_and_default() {
        let d = description(SERVERS);
        let op = |url| match d.match_request(Some("GET"), Some(url)) {
            Match::Operation(m) => m.operation,
            _ => panic!("{url}"),
        };
        let me = op("/users/me");
        assert!(me.documents(200) && me.documents(404) && me.documents(429));
        assert!(!me.documents(500) && !me.documents(201));
        let health = op("/health");
        assert!(health.documents(503) && health.documents(200));
    }

    #[test]
    fn status_keys() {
        assert_eq!(StatusKey::parse("404"), Some(StatusKey::Exact(404)));
        assert_eq!(StatusKey::parse("4XX"), Some(StatusKey::Range(4)));
        assert_eq!(StatusKey::parse("5xx"), Some(StatusKey::Range(5)));
        assert_eq!(StatusKey::parse("default"), Some(StatusKey::Default));
        assert_eq!(StatusKey::parse("600"), None);
        assert_eq!(StatusKey::parse("OK"), None);
    }
}
