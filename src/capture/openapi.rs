//! OpenAPI descriptions (3.x, and Swagger 2.0 files recognised so they are never read as a
//! bare body) as captures: one response per example of a JSON response,
//! `responses.<code>.content.<media type>.example` and `examples.<name>.value`, in document
//! order, `$ref`s inside the file followed (docs/inputs.md).
//!
//! The status is the response key; a range key (`4XX`) stands for its class and becomes
//! `400`, and `default` is checked by the schemas only (`Response::schema_only`). The
//! request is the operation: its method and the first server's base path joined to the path
//! template, which a configured description then matches like any request. Each response is
//! located at the example's own value. A reference that leads nowhere or into a cycle is one
//! malformed finding; one to another file is skipped and counted (loaders read one file).
//! Never prints.

use std::borrow::Cow;
use std::collections::HashMap;

use super::mock::{self, Mock, MockBody};
use super::tree::Node;
use super::{Doc, Format, Reads, Sink};
use crate::budget::{Budget, Exhausted};
use crate::position::TextPos;
use crate::response::{Headers, Response, Status};

pub static FORMAT: Format = Format {
    name: "OpenAPI description",
    reads: Reads::Document { recognises, load },
};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Longest chain of `$ref`s followed before it counts as a cycle.
const MAX_CHAIN: usize = 32;

/// A document with an `openapi` (or Swagger 2.0 `swagger`) member and `paths` or `info`.
fn recognises(doc: &Doc<'_>) -> bool {
    (doc.root.get("openapi").is_some() || doc.root.get("swagger").is_some())
        && (doc.root.get("paths").is_some() || doc.root.get("info").is_some())
}

fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    let budget = &doc.options.budget;
    let base = match base_path(doc.root, budget) {
        Ok(base) => base,
        Err(spent) => {
            let at = doc.root.get("servers").map_or(doc.root.start, |s| s.start);
            sink.malformed(
                doc.index.position(at),
                0,
                format!("the first server's URL is not read: {spent}"),
            );
            return;
        }
    };
    let Some(paths) = doc.root.get("paths").and_then(Node::members) else {
        return;
    };
    let mut number = 0;
    // Examples reached through `$ref`s can be checked once per operation that names them:
    // past the file's own size, what is checked is drawn from the expansion budget.
    let mut unpaid = doc.source.len();
    for (template, item) in paths {
        if template.starts_with("x-") {
            continue;
        }
        let item = match resolve(doc.root, item) {
            Resolved::Node(node) => node,
            Resolved::Elsewhere => continue,
            Resolved::Broken(at, why) => {
                sink.malformed(doc.index.position(at), number, why);
                continue;
            }
        };
        for method in METHODS {
            let Some(responses) = item.path(&[method, "responses"]).and_then(Node::members) else {
                continue;
            };
            let url = format!("{base}{template}");
            for (key, response) in responses {
                let Some(status) = status_of(key) else {
                    continue;
                };
                let response = match resolve(doc.root, response) {
                    Resolved::Node(node) => node,
                    Resolved::Elsewhere => continue,
                    Resolved::Broken(at, why) => {
                        sink.malformed(doc.index.position(at), number, why);
                        continue;
                    }
                };
                let Some(content) = response.get("content").and_then(Node::members) else {
                    continue;
                };
                for (media_type, media) in content {
                    if !crate::response::is_json_media_type(media_type) {
                        continue;
                    }
                    for example in examples(doc.root, media) {
                        let value = match example {
                            Resolved::Node(node) => node,
                            Resolved::Elsewhere => {
                                sink.skipped(1);
                                number += 1;
                                continue;
                            }
                            Resolved::Broken(at, why) => {
                                sink.malformed(doc.index.position(at), number, why);
                                number += 1;
                                continue;
                            }
                        };
                        let size = value.copy_bytes();
                        let owed = size.saturating_sub(unpaid);
                        unpaid = unpaid.saturating_sub(size);
                        if let Err(spent) = budget.draw(owed) {
                            sink.malformed(
                                doc.index.position(value.start),
                                number,
                                format!("examples are checked no further: {spent}"),
                            );
                            return;
                        }
                        let item = mock::item(doc, value, number);
                        let mock = Mock {
                            status: Status::Code(status.0),
                            headers: Headers(vec![(
                                Cow::Borrowed("Content-Type"),
                                Cow::Owned(media_type.to_string()),
                            )]),
                            body: MockBody::Value(value),
                            method: Some(method.to_ascii_uppercase()),
                            url: Some(url.clone()),
                            body_type: None,
                        };
                        let what = format!("example {number}");
                        if status.1 {
                            mock::respond(&item, mock, &what, &mut SchemaOnly(sink));
                        } else {
                            mock::respond(&item, mock, &what, sink);
                        }
                        number += 1;
                    }
                }
            }
        }
    }
}

/// The status a response key stands for, and whether only schemas can judge it.
fn status_of(key: &str) -> Option<(i64, bool)> {
    match key.as_bytes() {
        b"default" => Some((500, true)),
        [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some((i64::from(d - b'0') * 100, false)),
        [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => key.parse().ok().map(|c| (c, false)),
        _ => None,
    }
}

/// The examples of a Media Type Object: `example`, then each of `examples` (its `value`).
fn examples<'n, 'a>(root: &'n Node<'a>, media: &'n Node<'a>) -> Vec<Resolved<'n, 'a>> {
    let mut found = Vec::new();
    if let Some(example) = media.get("example") {
        found.push(Resolved::Node(example));
    }
    for (_, example) in media.get("examples").and_then(Node::members).unwrap_or(&[]) {
        match resolve(root, example) {
            Resolved::Node(node) => {
                // `externalValue` examples live elsewhere: nothing to check here.
                if let Some(value) = node.get("value") {
                    found.push(Resolved::Node(value));
                }
            }
            other => found.push(other),
        }
    }
    found
}

enum Resolved<'n, 'a> {
    Node(&'n Node<'a>),
    /// A reference to another file.
    Elsewhere,
    /// A reference that leads nowhere: where it is written and why.
    Broken(usize, String),
}

/// Follows `$ref`s within the document.
fn resolve<'n, 'a>(root: &'n Node<'a>, node: &'n Node<'a>) -> Resolved<'n, 'a> {
    let mut here = node;
    for _ in 0..MAX_CHAIN {
        let Some(reference) = here.get("$ref").and_then(Node::as_text) else {
            return Resolved::Node(here);
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return Resolved::Elsewhere;
        };
        let decoded = percent_encoding::percent_decode_str(pointer).decode_utf8_lossy();
        match find(root, &decoded) {
            Some(target) => here = target,
            None => {
                return Resolved::Broken(
                    here.start,
                    format!("$ref {:?} names nothing in this file", reference.as_ref()),
                );
            }
        }
    }
    Resolved::Broken(
        node.start,
        "$ref is part of a cycle of references that never reaches a value".into(),
    )
}

/// The node at a JSON Pointer (RFC 6901).
fn find<'n, 'a>(root: &'n Node<'a>, pointer: &str) -> Option<&'n Node<'a>> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut here = root;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        here = match here.items() {
            Some(items) => items.get(token.parse::<usize>().ok()?)?,
            None => here.get(&token)?,
        };
    }
    Some(here)
}

/// The first server's URL path (variables at their defaults, substituted once as
/// `openapi::server_url` does), without a trailing slash.
fn base_path(root: &Node<'_>, budget: &Budget) -> Result<String, Exhausted> {
    let Some(server) = root
        .get("servers")
        .and_then(Node::items)
        .and_then(|s| s.first())
    else {
        return Ok(String::new());
    };
    let Some(url) = server.get("url").and_then(Node::as_text) else {
        return Ok(String::new());
    };
    let variables = server
        .get("variables")
        .and_then(Node::members)
        .unwrap_or(&[]);
    let defaults: Vec<(&str, Cow<'_, str>)> = variables
        .iter()
        .map(|(name, variable)| {
            let default = variable.get("default").and_then(Node::as_text);
            (name.as_ref(), default.unwrap_or_default())
        })
        .collect();
    let mut by_name = HashMap::new();
    for (name, default) in &defaults {
        by_name.entry(*name).or_insert(default.as_ref());
    }
    let url = crate::openapi::server_url(&url, &by_name, budget)?;
    let path = crate::endpoint::path_of(&url);
    let path = path.trim_end_matches('/');
    Ok(if path.is_empty() || path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    })
}

/// Marks every response as one whose status stands for any status (`default`).
struct SchemaOnly<'s>(&'s mut dyn Sink);

impl Sink for SchemaOnly<'_> {
    fn response(&mut self, response: &Response<'_>) {
        let mut response = response.clone();
        response.schema_only = true;
        self.0.response(&response);
    }

    fn skipped(&mut self, count: usize) {
        self.0.skipped(count);
    }

    fn malformed(&mut self, at: TextPos, response: usize, message: String) {
        self.0.malformed(at, response, message);
    }
}
