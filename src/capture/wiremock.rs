//! WireMock stub mappings (https://wiremock.org/docs/stubbing/): one mapping object with
//! `request` and `response`, or `{"mappings": [...]}`; one response per mapping.
//!
//! The body comes from `body` (text), `jsonBody` (a JSON value), `base64Body`, or
//! `bodyFileName`, a file in the `__files` folder of the WireMock root: the parent of the
//! `mappings` folder holding the mapping, or the mapping's own folder when `__files` sits
//! beside it. A body file name is checked before anything is opened: a name that leads
//! outside `__files` (`..`, an absolute path, a link out) is refused and never read.
//! Templated bodies are checked while they still parse as JSON; `fault` and `proxyBaseUrl`
//! responses define no body and are skipped. This loader must not print.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Sink;
use super::document::{Json, Members, items_of, members_of, parse_headers, templated, text_of};
use super::har::status_of;
use crate::response::{Body, Response, Status};
use crate::rules::quote;
use base64::Engine as _;

/// A mapping (`request` and `response` objects) or a file of them (`mappings` array).
pub fn recognise(members: &Members<'_>) -> bool {
    let object = |key: &str| members.get(key).is_some_and(|r| r.get().starts_with('{'));
    (object("request") && object("response"))
        || members
            .get("mappings")
            .is_some_and(|r| r.get().starts_with('['))
}

/// Hands each mapping's response to the sink, in file order.
pub fn load<'a>(members: &Members<'a>, json: &Json<'a>, sink: &mut dyn Sink) {
    let Some(list) = members.get("mappings") else {
        // A single mapping: its position is the document's first member's object.
        let start = members.values().map(|raw| json.offset(raw)).min();
        let at = start
            .and_then(|offset| json.bytes.get(..offset)?.iter().rposition(|&b| b == b'{'))
            .unwrap_or(0);
        return mapping(0, at, members, json, sink);
    };
    let Some(items) = items_of(list) else {
        return sink.malformed(
            json.position(list),
            0,
            "\"mappings\" must be a list of stub mappings".into(),
        );
    };
    for (index, raw) in items.iter().enumerate() {
        match members_of(raw) {
            Some(members) => mapping(index, json.offset(raw), &members, json, sink),
            None => sink.malformed(
                json.position(raw),
                index,
                format!("mapping {index} is not an object"),
            ),
        }
    }
}

fn mapping<'a>(
    index: usize,
    start: usize,
    mapping: &Members<'a>,
    json: &Json<'a>,
    sink: &mut dyn Sink,
) {
    let at = json.index.position(start);
    let malformed = |sink: &mut dyn Sink, at, message: String| {
        sink.malformed(at, index, format!("mapping {index}: {message}"));
    };
    let request = mapping.get("request").and_then(|raw| members_of(raw));
    let url = request.as_ref().and_then(|r| {
        ["url", "urlPath", "urlPathTemplate"]
            .iter()
            .find_map(|key| text_of(r.get(*key)))
    });
    if !json.selects(url.as_deref()) {
        sink.skipped(1);
        return;
    }
    let Some(response) = mapping.get("response").and_then(|raw| members_of(raw)) else {
        return malformed(sink, at, "it has no \"response\" object".into());
    };
    if response.contains_key("fault") || response.contains_key("proxyBaseUrl") {
        // A dropped connection or a proxied call: the mapping defines no response to check.
        sink.skipped(1);
        return;
    }
    let status = response
        .get("status")
        .map_or(Status::Code(200), |raw| status_of(raw.get()));
    let headers = match response.get("headers") {
        Some(raw) if raw.get() != "null" => match parse_headers(raw.get()) {
            Ok(headers) => headers,
            Err(message) => return malformed(sink, json.position(raw), message),
        },
        _ => Default::default(),
    };
    let body: Body<'a> = if let Some(raw) = response.get("body") {
        json.body(raw)
    } else if let Some(raw) = response.get("jsonBody") {
        // A JSON value even when it is a string: the JSON text is what WireMock sends.
        json.verbatim(raw)
    } else if let Some(raw) = response.get("base64Body") {
        let decoded = text_of(Some(raw)).and_then(|text| {
            let compact: String = text.split_ascii_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .ok()
        });
        match decoded {
            Some(bytes) => json.decoded_body(bytes, raw),
            None => {
                return malformed(
                    sink,
                    json.position(raw),
                    "\"base64Body\" is not valid base64".into(),
                );
            }
        }
    } else if let Some(raw) = response.get("bodyFileName") {
        let Some(name) = text_of(Some(raw)) else {
            return malformed(
                sink,
                json.position(raw),
                "\"bodyFileName\" must be a string".into(),
            );
        };
        match body_file(json.path, &name, json.options.max_decoded) {
            Ok(bytes) => json.decoded_body(bytes, raw),
            Err(message) => return malformed(sink, json.position(raw), message),
        }
    } else {
        // No body field: WireMock sends an empty body.
        json.empty_body(start)
    };
    let body = match json.decompressed(body, &headers) {
        Ok(body) => body,
        Err(too_large) => {
            return malformed(
                sink,
                at,
                format!(
                    "the body decodes to more than {} MiB; not checked",
                    too_large.limit >> 20
                ),
            );
        }
    };
    if templated(&body.bytes)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&body.bytes).is_err()
    {
        // Handlebars tags make the text what WireMock renders, not what it sends.
        sink.skipped(1);
        return;
    }
    let mut response = Response::new(index, at, status);
    response.method = request
        .as_ref()
        .and_then(|r| text_of(r.get("method")))
        .map(Cow::Owned);
    response.raw_url = url.map(Cow::Owned);
    response.content_type = headers
        .get("content-type")
        .map(|v| Cow::Owned(v.to_string()));
    response.headers = Some(headers);
    response.body = Some(body);
    sink.response(&response);
}

/// Reads a mapping's body file from its WireMock root's `__files`, within `limit` bytes.
/// The name is refused before anything is opened when it could lead outside `__files`.
fn body_file(mapping: Option<&Path>, name: &str, limit: usize) -> Result<Vec<u8>, String> {
    let shown = quote(name);
    let escapes = name.is_empty()
        || name.starts_with(['/', '\\'])
        || Path::new(name).is_absolute()
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..");
    if escapes {
        return Err(format!(
            "\"bodyFileName\" {shown} leads outside the __files folder; it was not read"
        ));
    }
    let Some(mapping) = mapping else {
        return Err(format!(
            "\"bodyFileName\" {shown} cannot be found: the mapping was not read from a file"
        ));
    };
    let files = files_folder(mapping).ok_or_else(|| {
        format!(
            "\"bodyFileName\" {shown} cannot be found: there is no __files folder beside the mapping or its mappings folder"
        )
    })?;
    let folder = files
        .canonicalize()
        .map_err(|_| format!("\"bodyFileName\" {shown}: the __files folder cannot be read"))?;
    // Resolving links here, before any open, is what keeps a link out of __files unread.
    let target = folder.join(name).canonicalize().map_err(|_| {
        format!("\"bodyFileName\" {shown} is not in the __files folder of the WireMock root")
    })?;
    if !target.starts_with(&folder) {
        return Err(format!(
            "\"bodyFileName\" {shown} leads outside the __files folder; it was not read"
        ));
    }
    if !target.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("\"bodyFileName\" {shown} is not a regular file"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&target)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|error| format!("\"bodyFileName\" {shown} could not be read: {error}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "\"bodyFileName\" {shown} is larger than {} MiB; not checked",
            limit >> 20
        ));
    }
    Ok(bytes)
}

/// The `__files` folder of the WireMock root a mapping file belongs to.
fn files_folder(mapping: &Path) -> Option<PathBuf> {
    let folder = match mapping.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let beside = folder.join("__files");
    if beside.is_dir() {
        return Some(beside);
    }
    if folder.file_name().is_some_and(|n| n == "mappings") {
        let root = match folder.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let files = root.join("__files");
        return files.is_dir().then_some(files);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_leading_out_are_refused_before_any_lookup() {
        for name in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "..\\secret",
            "C:\\x",
            "",
        ] {
            let error = body_file(None, name, 1 << 20).unwrap_err();
            assert!(error.contains("leads outside"), "{name}: {error}");
        }
        let error = body_file(None, "ok.json", 1 << 20).unwrap_err();
        assert!(error.contains("not read from a file"), "{error}");
    }
}
