//! The files of a description: the root document and the files its `$ref`s name, read as
//! YAML or JSON, with references resolved.
//!
//! Only local references (`#/components/...`) and relative files (`errors.yaml#/Error`) are
//! followed; a URL is refused before anything is fetched (errlint never touches the
//! network). Every reference in every file is checked when the description loads, so a
//! missing file, a pointer to nothing or a chain of `$ref`s that never ends is a
//! configuration error naming the file and the JSON Pointer (RFC 6901). Never prints.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

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
}

impl Documents {
    /// Reads the root and every file its references name, checking every reference.
    pub fn load(root: &Path) -> Result<Self> {
        let mut documents = Documents {
            docs: Vec::new(),
            followed: HashMap::new(),
        };
        documents.read(root)?;
        let mut next = 0;
        while next < documents.docs.len() {
            // Descriptions repeat a few references thousands of times: each distinct one is
            // followed once. Only when one fails are they walked again with their places, so
            // that the message names where the first failing one is written.
            let mut distinct = Vec::new();
            collect_distinct_refs(
                &documents.docs[next].value,
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
                .any(|reference| documents.follow(&anywhere, reference).is_err())
            {
                let mut refs = Vec::new();
                collect_refs(&documents.docs[next].value, String::new(), &mut refs);
                for (at, reference) in refs {
                    let from = Location {
                        doc: next,
                        pointer: at,
                    };
                    documents.follow(&from, &reference)?;
                }
            }
            next += 1;
        }
        Ok(documents)
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
    /// Reads nothing: every reference was followed when the files loaded, so this only
    /// consults what that found, and can run while the documents are borrowed.
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

    /// The target of a reference already followed when the files loaded.
    fn followed_target(&self, from: &Location, reference: &str) -> Result<Location> {
        self.followed
            .get(&from.doc)
            .and_then(|by_reference| by_reference.get(reference))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{}: $ref {reference:?} was not followed when the description loaded",
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
                    self.read(&path)
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

    /// Reads one file (YAML or JSON, told apart by content) and returns its number.
    fn read(&mut self, path: &Path) -> Result<usize> {
        let value = read_value(path)?;
        let absolute = crate::paths::absolute(path);
        self.docs.push(Document {
            path: path.to_path_buf(),
            uri: format!("file://{}", absolute.display()),
            value,
        });
        Ok(self.docs.len() - 1)
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
pub fn read_value(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    parse_text(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// JSON when the text starts with `{` or `[`, YAML otherwise (JSON is YAML, but errlint's
/// JSON reader gives better messages for it).
pub fn parse_text(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with(['{', '[']) {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
    } else {
        crate::capture::yaml::parse(text)
            .map(|node| node.to_json())
            .map_err(|e| format!("not valid YAML: {}", e.message))
    }
}

/// Every distinct `$ref` string in a value, in the order first met. Recursive: both parsers
/// stop nesting at 128 levels, so the depth is bounded.
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
/// Recursive: both parsers stop nesting at 128 levels, so the depth is bounded.
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
