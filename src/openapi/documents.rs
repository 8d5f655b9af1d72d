//! The files of a description: the root document and the files its `$ref`s name, read as
//! YAML or JSON, with references resolved.
//!
//! Only local references (`#/components/...`) and relative files (`errors.yaml#/Error`) are
//! followed; a URL is refused before anything is fetched (errlint never touches the
//! network), and a file is read only through the confined reader (`crate::confined`): a
//! regular file whose real path lies in the root description's folder. Every reference in every file is checked when the description loads, so a
//! missing file, a pointer to nothing or a chain of `$ref`s that never ends is a
//! configuration error naming the file and the JSON Pointer (RFC 6901). Never prints.
//!
//! A JSON root may be read with its `paths` left as text (`RawPaths`): a description of
//! thousands of operations is mostly path items, and holding them all as values made most of
//! its load time (allocating, and touching fresh memory). Each is then parsed when its
//! operations are read, its references followed then, and kept only if an error schema is
//! written in it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::budget::Budget;
use crate::capture::borrowed::Members;
use crate::confined::Boundary;

/// The largest file a `$ref` may name: as large as the largest body errlint decodes.
const MAX_REFERENCED_FILE: usize = crate::budget::DEFAULT_BUDGET;

/// A chain of references longer than this is a cycle (real descriptions chain two or three).
const MAX_CHAIN: usize = 64;

/// One file of a description.
pub struct Document {
    /// The file as the user can find it (the root as given, others beside it).
    pub path: PathBuf,
    /// `file://` URI of its absolute path: the base `jsonschema` resolves its `$ref`s against.
    pub uri: String,
    pub value: Value,
}

/// A place in one of the documents.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub doc: usize,
    /// JSON Pointer, `""` for the whole document.
    pub pointer: String,
}

/// Every file of the description, the root first.
pub struct Documents {
    pub docs: Vec<Document>,
    /// References already followed, by the document they are written in: descriptions
    /// repeat the same few thousands of times.
    /// Keyed by document, then reference, so that a lookup needs no owned key.
    followed: HashMap<usize, HashMap<String, Location>>,
    /// How many of `docs` have had their references followed.
    checked: usize,
    /// The root's path items still as text, when the root was read that way.
    pub raw_paths: Option<RawPaths>,
    /// What the description may make beyond its files' bytes (aliases, server variables).
    pub budget: Budget,
    /// The real folder of the root: every file a `$ref` names must lie inside it.
    boundary: Boundary,
}

/// The root file's `paths`, not yet parsed.
pub struct RawPaths {
    text: String,
    items: PathItemPlaces,
}

/// Each path template with where its path item is in the text, in template order; of two
/// equal templates the last, as a JSON object reads.
type PathItemPlaces = Vec<(String, Range<usize>)>;

impl RawPaths {
    /// Parses one path item's text. An item nested deeper than the whole reading would
    /// accept where it stands is refused, so that the description is read whole.
    pub fn parse_item(text: &str) -> Result<Value> {
        let item: Value = serde_json::from_str(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
        if depth(&item) > LAZY_DEPTH {
            bail!("nested more than {LAZY_DEPTH} levels deep");
        }
        Ok(item)
    }

    /// Each template with its path item's JSON text.
    pub fn items(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items.iter().map(|(template, range)| {
            (
                template.as_str(),
                self.text.get(range.clone()).unwrap_or_default(),
            )
        })
    }
}

impl Documents {
    /// Reads the root and every file its references name, checking every reference.
    /// With `lazy_paths`, a JSON root's path items stay text (`raw_paths`), their references
    /// not yet followed.
    /// Copies that aliases make are drawn from `budget`, shared by every file read.
    pub fn load(root: &Path, lazy_paths: bool, budget: &Budget) -> Result<Self> {
        let folder = match root.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let boundary =
            Boundary::folder(folder).map_err(|e| anyhow!("cannot read {}: {e}", root.display()))?;
        let mut documents = Documents {
            budget: budget.clone(),
            docs: Vec::new(),
            followed: HashMap::new(),
            checked: 0,
            raw_paths: None,
            boundary,
        };
        if lazy_paths {
            documents.read_root_lazily(root)?;
        } else {
            documents.read(root)?;
        }
        documents.follow_pending()?;
        Ok(documents)
    }

    /// Follows every reference of the documents read since the last call.
    fn follow_pending(&mut self) -> Result<()> {
        while self.checked < self.docs.len() {
            let next = self.checked;
            // Descriptions repeat a few references thousands of times: each distinct one is
            // followed once. Only when one fails are they walked again with their places, so
            // that the message names where the first failing one is written.
            let mut distinct = Vec::new();
            collect_distinct_refs(
                &self.docs[next].value,
                &mut foldhash::HashSet::default(),
                &mut distinct,
            );
            let distinct: Vec<String> = distinct.into_iter().map(str::to_string).collect();
            let anywhere = Location {
                doc: next,
                pointer: String::new(),
            };
            if distinct
                .iter()
                .any(|reference| self.follow(&anywhere, reference).is_err())
            {
                let mut refs = Vec::new();
                collect_refs(&self.docs[next].value, String::new(), &mut refs);
                for (at, reference) in refs {
                    let from = Location {
                        doc: next,
                        pointer: at,
                    };
                    self.follow(&from, &reference)?;
                }
            }
            self.checked += 1;
        }
        Ok(())
    }

    /// Follows every reference in a value that is not (yet) among the documents, written at
    /// `at`: a root path item read from `raw_paths`.
    pub fn follow_refs_in(&mut self, at: &Location, value: &Value) -> Result<()> {
        let mut distinct = Vec::new();
        collect_distinct_refs(value, &mut foldhash::HashSet::default(), &mut distinct);
        for reference in distinct {
            self.follow(at, reference)?;
        }
        self.follow_pending()
    }

    /// Adds a path item read from `raw_paths` to the root's `paths`, where pointers find it.
    pub fn keep_path_item(&mut self, template: &str, item: Value) {
        if let Some(Value::Object(root)) = self.docs.first_mut().map(|d| &mut d.value)
            && let Value::Object(paths) = root
                .entry("paths")
                .or_insert_with(|| Value::Object(serde_json::Map::new()))
        {
            paths.insert(template.to_string(), item);
        }
    }

    /// The value at a location, if there is one.
    pub fn get(&self, at: &Location) -> Option<&Value> {
        lookup(&self.docs.get(at.doc)?.value, &at.pointer)
    }

    pub fn get_mut(&mut self, at: &Location) -> Option<&mut Value> {
        self.docs.get_mut(at.doc)?.value.pointer_mut(&at.pointer)
    }

    /// `file#/pointer` for messages.
    pub fn show(&self, at: &Location) -> String {
        let file = self
            .docs
            .get(at.doc)
            .map(|d| d.path.display().to_string())
            .unwrap_or_default();
        format!("{file}#{}", at.pointer)
    }

    /// Where the value at `at` really is: `$ref`s followed to a value that is not one.
    ///
    /// Reads nothing: every reference was followed when the files loaded (those in path
    /// items read from `raw_paths`, when the item was read), so this only consults what that
    /// found, and can run while the documents are borrowed.
    pub fn resolve(&self, at: &Location) -> Result<Location> {
        let mut here = at.clone();
        // Chains are short: a list is cheaper than a set, and this runs for every response
        // of every operation.
        let mut seen: Vec<Location> = Vec::new();
        loop {
            let reference = match self.get(&here) {
                Some(Value::Object(map)) => match map.get("$ref") {
                    Some(Value::String(r)) => r,
                    _ => return Ok(here),
                },
                Some(_) => return Ok(here),
                None => bail!("{}: nothing is there", self.show(&here)),
            };
            if seen.contains(&here) || seen.len() >= MAX_CHAIN {
                bail!(
                    "{}: $ref {reference:?} is part of a cycle of references that never reaches a value",
                    self.show(at)
                );
            }
            let next = self.followed_target(&here, reference)?;
            seen.push(std::mem::replace(&mut here, next));
        }
    }

    /// `resolve` for a value in hand written at `at` but not among the documents (a path
    /// item read from `raw_paths`): its own `$ref`, if it has one, then the chain from there.
    pub fn resolve_in_hand(&self, at: &Location, value: &Value) -> Result<Location> {
        match value.get("$ref") {
            Some(Value::String(reference)) => self
                .followed_target(at, reference)
                .and_then(|target| self.resolve(&target))
                // Resolved again from where the value is, when it is among the documents,
                // the way that names that place in the message.
                .or_else(|e| match self.get(at) {
                    Some(_) => self.resolve(at),
                    None => Err(e),
                }),
            _ => Ok(at.clone()),
        }
    }

    /// The target of a reference already followed when the files loaded.
    fn followed_target(&self, from: &Location, reference: &str) -> Result<Location> {
        self.followed
            .get(&from.doc)
            .and_then(|by_reference| by_reference.get(reference))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{}: $ref {reference:?} was not followed before it was resolved",
                    self.ref_at(from)
                )
            })
    }

    /// The target of `reference`, written at `from`; reads the file it names if needed.
    pub fn follow(&mut self, from: &Location, reference: &str) -> Result<Location> {
        if let Some(done) = self
            .followed
            .get(&from.doc)
            .and_then(|by_reference| by_reference.get(reference))
        {
            return Ok(done.clone());
        }
        let target = self.follow_new(from, reference)?;
        self.followed
            .entry(from.doc)
            .or_default()
            .insert(reference.to_string(), target.clone());
        Ok(target)
    }

    fn follow_new(&mut self, from: &Location, reference: &str) -> Result<Location> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file.contains("://") || file.starts_with("//") || file.starts_with('/') {
            bail!(
                "{}: $ref {reference:?} is not a local reference or a relative file (errlint never fetches anything)",
                self.ref_at(from)
            );
        }
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .map_err(|_| {
                anyhow!(
                    "{}: $ref {reference:?}: the fragment is not UTF-8",
                    self.ref_at(from)
                )
            })?
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            bail!(
                "{}: $ref {reference:?}: only JSON Pointer fragments (#/…) are supported",
                self.ref_at(from)
            );
        }
        let doc = if file.is_empty() {
            from.doc
        } else {
            let base = self
                .docs
                .get(from.doc)
                .and_then(|d| d.path.parent())
                .unwrap_or(Path::new("."));
            let path = crate::paths::absolute(&base.join(file));
            match self
                .docs
                .iter()
                .position(|d| crate::paths::absolute(&d.path) == path)
            {
                Some(doc) => doc,
                None => {
                    let path = base.join(file);
                    let at = self.ref_at(from);
                    self.read_referenced(&path)
                        .map_err(|e| anyhow!("{at}: $ref {reference:?}: {e:#}"))?
                }
            }
        };
        let target = Location { doc, pointer };
        if self.get(&target).is_none() {
            bail!(
                "{}: $ref {reference:?} names nothing in {}",
                self.ref_at(from),
                self.docs
                    .get(doc)
                    .map(|d| d.path.display().to_string())
                    .unwrap_or_default()
            );
        }
        Ok(target)
    }

    /// Where a `$ref` is written, for messages.
    fn ref_at(&self, from: &Location) -> String {
        format!("{}/$ref", self.show(from))
    }

    /// Reads the root file, a JSON object's `paths` kept as text (see `RawPaths`); any other
    /// root, or one that must be read whole (see `split_paths`), is read as `read` reads it,
    /// with its messages.
    fn read_root_lazily(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
        let Some((value, items)) = split_paths(&text) else {
            let value =
                parse_text(&text, &self.budget).map_err(|e| anyhow!("{}: {e}", path.display()))?;
            self.push(path, value);
            return Ok(());
        };
        self.push(path, value);
        self.raw_paths = Some(RawPaths { text, items });
        Ok(())
    }

    /// Reads one file (YAML or JSON, told apart by content) and returns its number.
    fn read(&mut self, path: &Path) -> Result<usize> {
        let value = read_value(path, &self.budget)?;
        Ok(self.push(path, value))
    }

    /// Reads a file a `$ref` names through the confined reader: a regular file whose real
    /// path, every link resolved, lies in the root's folder (`..` may climb back from a
    /// subfolder, never out), and returns its number.
    fn read_referenced(&mut self, path: &Path) -> Result<usize> {
        let text = self
            .boundary
            .read_text(path, MAX_REFERENCED_FILE, None, "the description's folder")
            .map_err(|refusal| anyhow!("cannot read {}: {refusal}", path.display()))?;
        let value =
            parse_text(&text, &self.budget).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        Ok(self.push(path, value))
    }

    fn push(&mut self, path: &Path, value: Value) -> usize {
        let absolute = crate::paths::absolute(path);
        self.docs.push(Document {
            path: path.to_path_buf(),
            uri: format!("file://{}", absolute.display()),
            value,
        });
        self.docs.len() - 1
    }
}

/// Nesting deeper than this in a part read on its own sends the description to the whole
/// reading, which alone decides whether the file is too deep (its parser stops at 128
/// levels counted from the top of the file, and a part starts below the top).
const LAZY_DEPTH: usize = 100;

/// A JSON text whose top is an object with a `paths` object: the object without `paths`,
/// and each path item's template and place in the text, in the order a JSON object lists its
/// keys. `None` when the text must be read whole instead: anything else, JSON that does not
/// parse, and text this way would leave unparsed (`paths` or a template given twice) or
/// parse below its real depth.
fn split_paths(text: &str) -> Option<(Value, PathItemPlaces)> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let members = serde_json::from_str::<Members<'_>>(text).ok()?;
    if members.entries().filter(|(key, _)| *key == "paths").count() > 1 {
        return None;
    }
    let mut root = serde_json::Map::new();
    let mut paths = None;
    for (key, raw) in members.entries() {
        if key == "paths" && raw.get().starts_with('{') {
            paths = Some(raw);
            continue;
        }
        let value: Value = serde_json::from_str(raw.get()).ok()?;
        if depth(&value) > LAZY_DEPTH {
            return None;
        }
        root.insert(key.to_string(), value);
    }
    let items = serde_json::from_str::<Members<'_>>(paths?.get()).ok()?;
    let items: Vec<(&str, &RawValue)> = items.entries().collect();
    // The templates in the order the whole reading's `paths` object would list them.
    let mut order = serde_json::Map::new();
    for (index, (template, _)) in items.iter().enumerate() {
        if order
            .insert(template.to_string(), Value::from(index))
            .is_some()
        {
            return None;
        }
    }
    // Each item's text lies within `text`: its place is where it starts from there.
    let start = text.as_ptr() as usize;
    let places = order
        .iter()
        .map(|(template, index)| {
            let (_, raw) = items.get(usize::try_from(index.as_u64()?).ok()?)?;
            let at = (raw.get().as_ptr() as usize).checked_sub(start)?;
            Some((template.clone(), at..at + raw.get().len()))
        })
        .collect::<Option<_>>()?;
    Some((Value::Object(root), places))
}

/// How deeply a value nests arrays and objects (a scalar: 0). Recursive: a parsed value is
/// at most 128 levels deep.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The value a JSON Pointer (RFC 6901) names, like `Value::pointer`, but decoding `~1` and
/// `~0` only in the tokens that hold a `~`: a description's thousands of lookups then
/// allocate nothing.
fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut here = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token: std::borrow::Cow<'_, str> = if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        here = match here {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => {
                // RFC 6901: an index is digits without a leading zero.
                if (token.len() > 1 && token.starts_with('0'))
                    || !token.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(here)
}

/// A JSON or YAML file as a JSON value.
pub fn read_value(path: &Path, budget: &Budget) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    parse_text(&text, budget).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// JSON when the text starts with `{` or `[`, YAML otherwise (JSON is YAML, but errlint's
/// JSON reader gives better messages for it). YAML aliases draw their copies from `budget`.
pub fn parse_text(text: &str, budget: &Budget) -> Result<Value, String> {
    if text.trim_start().starts_with(['{', '[']) {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
    } else {
        crate::capture::yaml::parse(text, budget)
            .map(|node| node.to_json())
            .map_err(|e| format!("not valid YAML: {}", e.message))
    }
}

/// Every distinct `$ref` string in a value, in the order first met. Recursive: both parsers
/// stop nesting at 128 levels (and parts read on their own at `LAZY_DEPTH`), so the depth is
/// bounded.
fn collect_distinct_refs<'v>(
    value: &'v Value,
    seen: &mut foldhash::HashSet<&'v str>,
    out: &mut Vec<&'v str>,
) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) if seen.insert(r) => out.push(r),
                    ("$ref", Value::String(_)) => {}
                    _ if v.is_object() || v.is_array() => collect_distinct_refs(v, seen, out),
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_distinct_refs(v, seen, out);
            }
        }
        _ => {}
    }
}

/// Every `$ref` string in a value, with the pointer of the object holding it. Pointers are
/// built only for the objects that hold a `$ref`: a description has far more of the others.
/// Recursive: both parsers stop nesting at 128 levels (and parts read on their own at
/// `LAZY_DEPTH`), so the depth is bounded.
fn collect_refs(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    fn walk<'v>(value: &'v Value, path: &mut Vec<Token<'v>>, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push((pointer(path), r.clone())),
                        _ if v.is_object() || v.is_array() => {
                            path.push(Token::Key(key));
                            walk(v, path, out);
                            path.pop();
                        }
                        _ => {}
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if v.is_object() || v.is_array() {
                        path.push(Token::Index(i));
                        walk(v, path, out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }
    fn pointer(path: &[Token<'_>]) -> String {
        let mut out = String::new();
        for token in path {
            out.push('/');
            match token {
                Token::Key(key) => out.push_str(&crate::rules::pointer_token(key)),
                Token::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
    enum Token<'v> {
        Key(&'v str),
        Index(usize),
    }
    let start = out.len();
    walk(value, &mut Vec::new(), out);
    if !at.is_empty() {
        for (pointer, _) in &mut out[start..] {
            pointer.insert_str(0, &at);
        }
    }
    // Stable messages: the first reference in document order fails first.
    out.sort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_agrees_with_serde_json_pointer() {
        let value: Value = serde_json::json!({
            "paths": {"/v1/orders/{id}": {"get": {"responses": {"404": {"$ref": "#/x"}}}}},
            "a~b": [10, 20, {"c/d": true}],
            "": {"": 1}
        });
        for pointer in [
            "",
            "/paths/~1v1~1orders~1{id}/get/responses/404",
            "/paths/~1v1~1orders~1{id}/get/responses/404/$ref",
            "/a~0b/1",
            "/a~0b/2/c~1d",
            "/a~0b/01",
            "/a~0b/+1",
            "/a~0b/3",
            "/missing",
            "/",
            "//",
            "no-slash",
        ] {
            assert_eq!(
                lookup(&value, pointer),
                value.pointer(pointer),
                "{pointer:?}"
            );
        }
    }
}
