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

use serde_json::value::RawValue;

use super::Sink;
use super::document::{Json, Members, items_of, members_of, text_of};
use super::har::status_of;
use crate::response::{Headers, Response, Status};

/// Folders nested deeper than this are not walked (real collections nest a handful).
const MAX_DEPTH: usize = 100;

/// A collection: an `info` object and an `item` array.
pub fn recognise(members: &Members<'_>) -> bool {
    members
        .get("info")
        .is_some_and(|r| r.get().starts_with('{'))
        && members
            .get("item")
            .is_some_and(|r| r.get().starts_with('['))
}

/// Hands every saved example to the sink, depth-first through folders.
pub fn load<'a>(members: &Members<'a>, json: &Json<'a>, sink: &mut dyn Sink) {
    let Some(top) = members.get("item").and_then(|raw| items_of(raw)) else {
        return;
    };
    let mut index = 0;
    // Each level: the items of a folder and the next one to visit.
    let mut stack: Vec<std::vec::IntoIter<&'a RawValue>> = vec![top.into_iter()];
    let mut too_deep_reported = false;
    while let Some(level) = stack.last_mut() {
        let Some(raw) = level.next() else {
            stack.pop();
            continue;
        };
        let Some(item) = members_of(raw) else {
            continue;
        };
        if let Some(examples) = item.get("response").and_then(|r| items_of(r)) {
            let request = item.get("request").copied();
            for example in examples {
                saved_example(index, example, request, json, sink);
                index += 1;
            }
        }
        if let Some(children) = item.get("item").and_then(|r| items_of(r)) {
            if stack.len() >= MAX_DEPTH {
                if !too_deep_reported {
                    too_deep_reported = true;
                    sink.malformed(
                        json.position(raw),
                        index,
                        format!(
                            "folders are nested more than {MAX_DEPTH} deep; the deeper ones were not read"
                        ),
                    );
                }
                continue;
            }
            stack.push(children.into_iter());
        }
    }
}

/// One saved example; `item_request` is the request of the item holding it, for examples
/// saved without their `originalRequest`.
fn saved_example<'a>(
    index: usize,
    raw: &'a RawValue,
    item_request: Option<&'a RawValue>,
    json: &Json<'a>,
    sink: &mut dyn Sink,
) {
    let at = json.position(raw);
    let Some(example) = members_of(raw) else {
        return sink.malformed(
            at,
            index,
            format!("saved response {index} is not an object"),
        );
    };
    let (method, url) = [example.get("originalRequest").copied(), item_request]
        .into_iter()
        .flatten()
        .map(request_of)
        .find(|(method, url)| method.is_some() || url.is_some())
        .unwrap_or_default();
    if !json.selects(url.as_deref()) {
        sink.skipped(1);
        return;
    }
    let status = example
        .get("code")
        .map_or(Status::Missing, |raw| status_of(raw.get()));
    let headers = example
        .get("header")
        .map(|raw| headers(raw))
        .unwrap_or_default();
    let body = match example.get("body") {
        Some(raw) => json.body(raw),
        // An example saved without a body: the response had none.
        None => json.empty_body(json.offset(raw)),
    };
    let mut response = Response::new(index, at, status);
    response.method = method.map(Cow::Owned);
    response.raw_url = url.map(Cow::Owned);
    response.content_type = headers
        .get("content-type")
        .map(|v| Cow::Owned(v.to_string()));
    response.headers = Some(headers);
    response.body = Some(body);
    sink.response(&response);
}

/// The method and URL of a Postman request: an object with `method` and `url` (a string, or
/// an object with `raw`), or a bare URL string, which Postman sends as a GET.
fn request_of(raw: &RawValue) -> (Option<String>, Option<String>) {
    if let Some(url) = text_of(Some(&raw)) {
        return (Some("GET".into()), Some(url));
    }
    let Some(request) = members_of(raw) else {
        return (None, None);
    };
    let url = request.get("url").and_then(|url| {
        text_of(Some(url)).or_else(|| members_of(url).and_then(|u| text_of(u.get("raw"))))
    });
    (text_of(request.get("method")), url)
}

/// A `header` list of `{key, value}` (disabled ones left out); Postman also accepts a
/// `"Name: value\n…"` string.
fn headers(raw: &RawValue) -> Headers<'static> {
    #[derive(serde::Deserialize)]
    struct Header {
        key: Option<String>,
        value: Option<serde_json::Value>,
        #[serde(default)]
        disabled: bool,
    }
    if let Ok(list) = serde_json::from_str::<Vec<Header>>(raw.get()) {
        return Headers(
            list.into_iter()
                .filter(|h| !h.disabled)
                .filter_map(|h| {
                    let value = match h.value? {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => return None,
                        other => other.to_string(),
                    };
                    Some((Cow::Owned(h.key?), Cow::Owned(value)))
                })
                .collect(),
        );
    }
    let Ok(text) = serde_json::from_str::<String>(raw.get()) else {
        return Headers::default();
    };
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

    #[test]
    fn headers_as_lists_or_text() {
        fn raw(t: &str) -> &RawValue {
            serde_json::from_str(t).unwrap()
        }
        let list = r#"[{"key": "Content-Type", "value": "application/json"}, {"key": "X", "value": "1", "disabled": true}]"#;
        let h = headers(raw(list));
        assert_eq!(h.get("content-type"), Some("application/json"));
        assert_eq!(h.get("x"), None);
        let h = headers(raw(r#""Content-Type: text/html\nX-A: b""#));
        assert_eq!(h.get("content-type"), Some("text/html"));
        assert!(headers(raw("null")).0.is_empty());
    }
}
