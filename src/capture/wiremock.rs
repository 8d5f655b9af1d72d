//! WireMock stub mappings (https://wiremock.org/docs/stubbing/): one mapping object with
//! `request` and `response`, or `{"mappings": [...]}`; one response per mapping.
//!
//! The body comes from `body` (text), `jsonBody` (a JSON value), `base64Body`, or
//! `bodyFileName`, a file in the `__files` folder of the WireMock root: the parent of the
//! `mappings` folder holding the mapping, or the mapping's own folder when `__files` sits
//! beside it. A body file name is checked before anything is opened: a name that leads
//! outside `__files` (`..`, an absolute path, a link out at any level, `__files` itself
//! included) is refused and never read, and only regular files are read, through the
//! confined reader (`crate::confined`), from the file's expansion budget.
//! Templated bodies are checked while they still parse as JSON; `fault` and `proxyBaseUrl`
//! responses define no body and are skipped. This loader must not print.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::mock::{self, Mock, MockBody};
use super::tree::Node;
use super::{Doc, Format, Reads, Sink, cassette};
use crate::budget::Budget;
use crate::confined::{Boundary, Refusal};
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
        match body_file(
            doc.path,
            &name,
            doc.options.max_decoded,
            &doc.options.budget,
        ) {
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

/// Reads a mapping's body file from its WireMock root's `__files`, within `limit` bytes
/// drawn from the file's expansion budget. A name that could lead outside `__files` is
/// refused before anything is looked up; any other goes through the confined reader, which
/// refuses a real path outside `__files` as it lies under the root (a link at any level,
/// `__files` itself included) and anything but a regular file.
fn body_file(
    mapping: Option<&Path>,
    name: &str,
    limit: usize,
    budget: &Budget,
) -> Result<Vec<u8>, String> {
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
    let root = wiremock_root(mapping).ok_or_else(|| {
        format!(
            "\"bodyFileName\" {shown} cannot be found: there is no __files folder beside the mapping or its mappings folder"
        )
    })?;
    // The root is resolved (a checkout under a linked path still works); `__files` and
    // everything below it are not, so a `__files` that is a link leads out.
    let files = Boundary::subfolder(&root, FILES)
        .map_err(|_| format!("\"bodyFileName\" {shown}: the WireMock root cannot be read"))?;
    let target = files.real().join(name);
    files
        .read(&target, limit, Some(budget), "the __files folder")
        .map_err(|refusal| match refusal {
            Refusal::Missing => format!(
                "\"bodyFileName\" {shown} is not in the __files folder of the WireMock root"
            ),
            Refusal::Outside { .. } | Refusal::OutsideThroughLink { .. } => {
                format!("\"bodyFileName\" {shown} {refusal}; it was not read")
            }
            refusal => format!("\"bodyFileName\" {shown} was not checked: {refusal}"),
        })
}

/// The body files' folder under a WireMock root.
const FILES: &str = "__files";

/// The WireMock root a mapping file belongs to: its own folder when `__files` is beside it,
/// else the parent of the `mappings` folder holding it, when that has a `__files`. Found by
/// where the folders lie, not where links lead: the confined read judges those.
fn wiremock_root(mapping: &Path) -> Option<PathBuf> {
    let folder = match mapping.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if folder.join(FILES).is_dir() {
        return Some(folder.to_path_buf());
    }
    if folder.file_name().is_some_and(|n| n == "mappings") {
        let root = match folder.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        return root.join(FILES).is_dir().then(|| root.to_path_buf());
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
            let error = body_file(None, name, 1 << 20, &Budget::default()).unwrap_err();
            assert!(error.contains("leads outside"), "{name}: {error}");
        }
        let error = body_file(None, "ok.json", 1 << 20, &Budget::default()).unwrap_err();
        assert!(error.contains("not read from a file"), "{error}");
    }

    /// What a loader hands over: responses and malformed findings' messages.
    #[derive(Default)]
    struct Tally {
        responses: usize,
        malformed: Vec<String>,
    }

    impl Sink for Tally {
        fn response(&mut self, _: &crate::response::Response<'_>) {
            self.responses += 1;
        }
        fn skipped(&mut self, _: usize) {}
        fn malformed(&mut self, _: crate::position::TextPos, _: usize, message: String) {
            self.malformed.push(message);
        }
    }

    impl super::super::SplitSink for Tally {
        fn part(&self) -> Self {
            Self::default()
        }
        fn absorb(&mut self, part: Self) {
            self.responses += part.responses;
            self.malformed.extend(part.malformed);
        }
        fn shrink(&mut self) {}
    }

    #[test]
    fn body_files_read_again_and_again_draw_on_the_file_budget() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
        std::fs::create_dir_all(dir.path().join("__files")).unwrap();
        let body = format!(r#"{{"type": "api", "message": "{}"}}"#, "x".repeat(600));
        std::fs::write(dir.path().join("__files/big.json"), body).unwrap();
        let one = serde_json::json!({
            "request": {"method": "GET", "url": "/x"},
            "response": {"status": 429, "bodyFileName": "big.json"}
        });
        let mapping = serde_json::json!({ "mappings": vec![one; 10] }).to_string();
        let path = dir.path().join("mappings/many.json");
        std::fs::write(&path, &mapping).unwrap();
        let options = super::super::LoadOptions {
            max_decoded: 2048,
            ..super::super::LoadOptions::default()
        };
        let mut tally = Tally::default();
        super::super::load(
            mapping.as_bytes(),
            "many.json",
            Some(&path),
            &options,
            &mut tally,
        )
        .unwrap();
        // Three reads fit in 2 KiB; every later one is refused without being read.
        assert_eq!(tally.responses, 3, "{:?}", tally.malformed);
        assert_eq!(tally.malformed.len(), 7);
        assert!(
            tally.malformed[0].contains("expands past the 2048 bytes"),
            "{:?}",
            tally.malformed
        );
    }
}
