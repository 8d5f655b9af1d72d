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

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::mock::{self, Mock, MockBody};
use super::tree::Node;
use super::{Doc, Format, Reads, Sink, cassette};
use crate::rules::quote;

pub static FORMAT: Format = Format {
    name: "WireMock stub mapping",
    reads: Reads::Document { recognises, load },
};

/// A mapping (`request` and `response` mappings) or a file of them (`mappings` list).
fn recognises(doc: &Doc<'_>) -> bool {
    let root = doc.root;
    let is_map = |key: &str| root.get(key).is_some_and(Node::is_map);
    (is_map("request") && is_map("response"))
        || root.get("mappings").and_then(Node::items).is_some()
}

/// Hands each mapping's response to the sink, in file order.
fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    match doc.root.get("mappings").and_then(Node::items) {
        Some(mappings) => {
            for (number, node) in mappings.iter().enumerate() {
                mapping(doc, node, number, sink);
            }
        }
        None => mapping(doc, doc.root, 0, sink),
    }
}

fn mapping<'d>(doc: &Doc<'d>, node: &'d Node<'d>, number: usize, sink: &mut dyn Sink) {
    let item = mock::item(doc, node, number);
    let malformed = |sink: &mut dyn Sink, at: usize, message: String| {
        sink.malformed(
            doc.index.position(at),
            number,
            format!("mapping {number}: {message}"),
        );
    };
    let request = node.get("request");
    let url = ["url", "urlPath", "urlPathTemplate"]
        .iter()
        .find_map(|key| mock::text(request.and_then(|r| r.get(key))));
    let Some(response) = node.get("response").filter(|r| r.is_map()) else {
        return malformed(sink, node.start, "it has no \"response\" object".into());
    };
    if response.get("fault").is_some() || response.get("proxyBaseUrl").is_some() {
        // A dropped connection or a proxied call: the mapping defines no response to check.
        sink.skipped(1);
        return;
    }
    let body = if let Some(body) = response.get("body") {
        MockBody::Value(body)
    } else if let Some(body) = response.get("jsonBody") {
        MockBody::Value(body)
    } else if let Some(field) = response.get("base64Body") {
        let text = field.as_text().unwrap_or_default();
        let compact: String = text.split_ascii_whitespace().collect();
        match base64::engine::general_purpose::STANDARD.decode(compact) {
            Ok(bytes) => MockBody::Decoded(bytes, field),
            Err(_) => {
                return malformed(
                    sink,
                    field.start,
                    "\"base64Body\" is not valid base64".into(),
                );
            }
        }
    } else if let Some(field) = response.get("bodyFileName") {
        let Some(name) = mock::text(Some(field)) else {
            return malformed(
                sink,
                field.start,
                "\"bodyFileName\" must be a string".into(),
            );
        };
        if name.contains("{{") {
            // A templated file name (`{{request.path.id}}.json`) names no one file.
            sink.skipped(1);
            return;
        }
        match body_file(doc.path, &name, doc.options.max_decoded) {
            Ok(bytes) => MockBody::Decoded(bytes, field),
            Err(message) => return malformed(sink, field.start, message),
        }
    } else {
        // No body field: WireMock sends an empty body.
        MockBody::Empty
    };
    let mock = Mock {
        status: mock::status_or(response.get("status"), 200),
        headers: cassette::headers(response.get("headers")),
        body,
        method: mock::text(request.and_then(|r| r.get("method"))),
        url,
        body_type: None,
    };
    mock::respond(&item, mock, &format!("mapping {number}"), sink);
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
