//! Postman collections v2.0 and v2.1 (https://schema.postman.com/): an `info` object and an
//! `item` array of requests and folders; one response per saved example
//! (`item[].response[]`), folders walked depth-first in document order.
//!
//! An example has `code`, a `header` list of `{key, value}`, a `body` string and the request
//! it answered in `originalRequest` (method, and `url` as a string or an object with `raw`;
//! an example saved without it answered its item's `request`).
//! Folders are walked with an explicit stack and a depth cap, so a collection nested
//! thousands of folders deep is one finding, never a stack overflow. Request headers and
//! bodies are never read. This loader must not print.

use std::borrow::Cow;

use super::mock::{self, Mock, MockBody};
use super::tree::{Node, Value};
use super::{Doc, Format, Reads, Sink, cassette};
use crate::response::{Headers, Status};

pub static FORMAT: Format = Format {
    name: "Postman collection",
    reads: Reads::Document { recognises, load },
};

/// Folders nested deeper than this are not walked (real collections nest a handful).
const MAX_DEPTH: usize = 100;

/// A collection: an `info` mapping and an `item` list.
fn recognises(doc: &Doc<'_>) -> bool {
    doc.root.get("info").is_some_and(Node::is_map)
        && doc.root.get("item").and_then(Node::items).is_some()
}

/// Hands every saved example to the sink, depth-first through folders.
fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    let Some(top) = doc.root.get("item").and_then(Node::items) else {
        return;
    };
    let mut number = 0;
    // Each level: the items of a folder still to visit.
    let mut stack = vec![top.iter()];
    let mut too_deep_reported = false;
    while let Some(level) = stack.last_mut() {
        let Some(item) = level.next() else {
            stack.pop();
            continue;
        };
        if let Some(examples) = item.get("response").and_then(Node::items) {
            for example in examples {
                saved_example(doc, example, item.get("request"), number, sink);
                number += 1;
            }
        }
        if let Some(children) = item.get("item").and_then(Node::items) {
            if stack.len() >= MAX_DEPTH {
                if !too_deep_reported {
                    too_deep_reported = true;
                    sink.malformed(
                        doc.index.position(item.start),
                        number,
                        format!(
                            "folders are nested more than {MAX_DEPTH} deep; the deeper ones were not read"
                        ),
                    );
                }
                continue;
            }
            stack.push(children.iter());
        }
    }
}

/// One saved example; `item_request` is the request of the item holding it, for examples
/// saved without their `originalRequest`.
fn saved_example<'d>(
    doc: &Doc<'d>,
    example: &'d Node<'d>,
    item_request: Option<&Node<'_>>,
    number: usize,
    sink: &mut dyn Sink,
) {
    let item = mock::item(doc, example, number);
    if !example.is_map() {
        return sink.malformed(
            doc.index.position(example.start),
            number,
            format!("saved response {number} is not an object"),
        );
    }
    let (method, url) = [example.get("originalRequest"), item_request]
        .into_iter()
        .flatten()
        .map(request_of)
        .find(|(method, url)| method.is_some() || url.is_some())
        .unwrap_or_default();
    let status = match example
        .get("code")
        .filter(|c| !matches!(c.value, Value::Null))
    {
        None => Status::Missing,
        Some(code) => cassette::status(Some(code)),
    };
    let body = match example.get("body") {
        Some(body) => MockBody::Value(body),
        // An example saved without a body: the response had none.
        None => MockBody::Empty,
    };
    let mock = Mock {
        status,
        headers: headers(example.get("header")),
        body,
        method,
        url,
        body_type: None,
    };
    mock::respond(&item, mock, &format!("saved response {number}"), sink);
}

/// The method and URL of a Postman request: a mapping with `method` and `url` (a string, or
/// a mapping with `raw`), or a bare URL string, which Postman sends as a GET.
fn request_of(request: &Node<'_>) -> (Option<String>, Option<String>) {
    if let Value::Text(_) = request.value {
        return (Some("GET".into()), mock::text(Some(request)));
    }
    let url = request.get("url").and_then(|url| {
        mock::text(Some(url))
            .or_else(|| mock::text(url.get("raw")))
            .or_else(|| url_from_parts(url))
    });
    (mock::text(request.get("method")), url)
}

/// A URL object without `raw` (as newman saves it): `protocol`, `host` and `path` as lists
/// or strings, `port`. The query is left out: reports never show it.
fn url_from_parts(url: &Node<'_>) -> Option<String> {
    let joined = |key: &str, separator: &str| -> Option<String> {
        let part = url.get(key)?;
        match part.items() {
            Some(items) => Some(
                items
                    .iter()
                    .filter_map(|i| i.as_text().map(Cow::into_owned))
                    .collect::<Vec<_>>()
                    .join(separator),
            ),
            None => mock::text(Some(part)),
        }
    };
    let host = joined("host", ".")?;
    let mut text = match mock::text(url.get("protocol")) {
        Some(protocol) => format!("{protocol}://{host}"),
        None => host,
    };
    if let Some(port) = mock::text(url.get("port")) {
        text.push(':');
        text.push_str(&port);
    }
    if let Some(path) = joined("path", "/") {
        text.push('/');
        text.push_str(path.trim_start_matches('/'));
    }
    Some(text)
}

/// A `header` list of `{key, value}` (disabled ones left out); Postman also accepts a
/// `"Name: value\n…"` string.
fn headers(node: Option<&Node<'_>>) -> Headers<'static> {
    let Some(node) = node else {
        return Headers::default();
    };
    if let Some(list) = node.items() {
        let enabled: Vec<Node<'_>> = list
            .iter()
            .filter(|h| !matches!(h.get("disabled").map(|d| &d.value), Some(Value::Bool(true))))
            .cloned()
            .collect();
        let list = Node {
            start: node.start,
            end: node.end,
            value: Value::Seq(enabled),
        };
        return cassette::headers(Some(&list));
    }
    let text = node.as_text().unwrap_or_default();
    Headers(
        text.lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| {
                (
                    Cow::Owned(n.trim().to_string()),
                    Cow::Owned(v.trim().to_string()),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::json_tree;

    #[test]
    fn headers_as_lists_or_text() {
        let parse = |text: &str| headers(Some(&json_tree::parse(text.as_bytes()).unwrap()));
        let h = parse(
            r#"[{"key": "Content-Type", "value": "application/json"}, {"key": "X", "value": "1", "disabled": true}]"#,
        );
        assert_eq!(h.get("content-type"), Some("application/json"));
        assert_eq!(h.get("x"), None);
        let h = parse(r#""Content-Type: text/html\nX-A: b""#);
        assert_eq!(h.get("content-type"), Some("text/html"));
        assert!(parse("null").0.is_empty());
    }
}
