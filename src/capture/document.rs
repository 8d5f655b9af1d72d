//! Whole JSON and YAML documents: parsed into a `Node` tree, then offered to the structure
//! formats of `FORMATS` in order (cassettes, mocks, envelopes, bare bodies; docs/inputs.md).
//!
//! JSON is read whole (the files are small; a HAR never comes here). YAML is read by
//! `yaml::read`, which hands the items of a cassette's list over one at a time, so a big
//! cassette costs the memory of one interaction. A walked file of no known structure is
//! unrecognised (skipped and counted), never a finding about its content. Never prints.

use super::tree::Node;
use super::yaml::{self, Part, Taken};
use super::{Doc, FORMATS, Item, LoadOptions, Outcome, Reads, Sink, bare_body};
use crate::position::{LineIndex, TextPos};
use crate::text::{offset_of, strip_position};

/// The file a document came from.
pub struct Document<'n> {
    pub file_name: &'n str,
    pub extension: &'n str,
    pub options: &'n LoadOptions,
    pub path: Option<&'n std::path::Path>,
}

impl Document<'_> {
    /// Loads a whole document whose first byte sits at `start`. `claims_json` is true when
    /// the name or content says the file should be JSON.
    pub fn load(
        &self,
        bytes: &[u8],
        start: TextPos,
        sink: &mut dyn Sink,
        claims_json: bool,
    ) -> Outcome {
        let index = LineIndex::new(bytes, start);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if claims_json || matches!(first, Some(b'{' | b'[')) {
            self.load_json(bytes, &index, sink, claims_json)
        } else if self.yaml_named() || looks_like_cassette(bytes) {
            self.load_yaml(bytes, &index, sink)
        } else {
            Outcome::Unrecognized
        }
    }

    fn yaml_named(&self) -> bool {
        matches!(self.extension, "yml" | "yaml")
    }

    fn load_json(
        &self,
        bytes: &[u8],
        index: &LineIndex<'_>,
        sink: &mut dyn Sink,
        claims_json: bool,
    ) -> Outcome {
        let name_status = bare_body::status_from_file_name(self.file_name);
        let root = match super::json_tree::parse(bytes) {
            Ok(root) => root,
            // A body named for its status that does not parse: invalid-json says so.
            Err(_) if name_status.is_some() => {
                bare_body::bare_body(bytes, index, name_status, sink);
                return Outcome::Loaded;
            }
            // Not JSON after all: a YAML cassette may start with `[` or `{` (flow style).
            Err(_) if !claims_json && self.yaml_named() => {
                return self.load_yaml(bytes, index, sink);
            }
            Err(error) => {
                let offset = offset_of(bytes, error.line(), error.column());
                let what = if self.extension == "har" {
                    "HAR"
                } else {
                    "JSON"
                };
                sink.malformed(
                    index.position(offset),
                    0,
                    format!("the file is not valid {what}: {}", strip_position(&error)),
                );
                return Outcome::Loaded;
            }
        };
        if self.extension == "har" {
            sink.malformed(
                index.position(root.start),
                0,
                "not a HAR: a .har file must hold a JSON object with a \"log\" member".into(),
            );
            return Outcome::Loaded;
        }
        let doc = Doc {
            file_name: self.file_name,
            extension: self.extension,
            source: bytes,
            index,
            root: &root,
            json: true,
            options: self.options,
            path: self.path,
        };
        if load_structure(&doc, sink) {
            Outcome::Loaded
        } else {
            Outcome::Unrecognized
        }
    }

    fn load_yaml(&self, bytes: &[u8], index: &LineIndex<'_>, sink: &mut dyn Sink) -> Outcome {
        let Ok(text) = std::str::from_utf8(bytes) else {
            if self.options.explicit {
                sink.malformed(
                    index.position(0),
                    0,
                    "the file is not UTF-8 text; errlint reads YAML in UTF-8".into(),
                );
                return Outcome::Loaded;
            }
            return Outcome::Unrecognized;
        };
        let lists: Vec<&str> = FORMATS
            .iter()
            .filter_map(|f| match f.reads {
                Reads::Items { list, .. } => Some(list),
                _ => None,
            })
            .collect();
        // The format chosen for each streamed list, by its first item.
        let mut chosen: Vec<(Option<String>, Option<usize>)> = Vec::new();
        let mut loaded = false;
        let result = yaml::read(text, &lists, &self.options.budget, &mut |part| match part {
            Part::Item {
                list,
                index: number,
                node,
            } => {
                let at = match chosen.iter().position(|(l, _)| l.as_deref() == list) {
                    Some(at) => at,
                    None => {
                        let format = items_format(list.unwrap_or(""), node);
                        chosen.push((list.map(str::to_string), format));
                        chosen.len() - 1
                    }
                };
                let Some(format) = chosen[at].1 else {
                    return Taken::KeepList;
                };
                if let Reads::Items { item, .. } = FORMATS[format].reads {
                    item(
                        &Item {
                            node,
                            number,
                            source: bytes,
                            index,
                            json: false,
                            options: self.options,
                        },
                        sink,
                    );
                    loaded = true;
                }
                Taken::Yes
            }
            Part::Root(root) => {
                if !loaded {
                    let doc = Doc {
                        file_name: self.file_name,
                        extension: self.extension,
                        source: bytes,
                        index,
                        root,
                        json: false,
                        options: self.options,
                        path: self.path,
                    };
                    loaded = load_structure(&doc, sink);
                }
                Taken::Yes
            }
        });
        match result {
            Ok(()) if loaded => Outcome::Loaded,
            Ok(()) => Outcome::Unrecognized,
            // A broken file that is not even recognisably a cassette is not errlint's to judge,
            // unless it was named, or it is hostile (aliases, nesting) whatever it is.
            Err(error)
                if loaded
                    || self.options.explicit
                    || error.hostile
                    || looks_like_cassette(bytes) =>
            {
                sink.malformed(index.position(error.offset), 0, error.message);
                Outcome::Loaded
            }
            Err(_) => Outcome::Unrecognized,
        }
    }
}

/// The first `Items` format of the list `list` that recognises its first item.
fn items_format(list: &str, first: &Node<'_>) -> Option<usize> {
    FORMATS.iter().position(|f| match f.reads {
        Reads::Items {
            list: l,
            recognises,
            ..
        } => l == list && recognises(first),
        _ => false,
    })
}

/// Offers a whole document to the structure formats in order; false when none took it.
fn load_structure(doc: &Doc<'_>, sink: &mut dyn Sink) -> bool {
    for format in FORMATS {
        match format.reads {
            Reads::Document { recognises, load } if recognises(doc) => {
                load(doc, sink);
                return true;
            }
            Reads::Items {
                list,
                recognises,
                item,
            } => {
                let holder = if list.is_empty() {
                    Some(doc.root)
                } else {
                    doc.root.get(list)
                };
                let Some(items) = holder.and_then(Node::items) else {
                    continue;
                };
                if !items.first().is_some_and(recognises) {
                    continue;
                }
                for (number, node) in items.iter().enumerate() {
                    item(
                        &Item {
                            node,
                            number,
                            source: doc.source,
                            index: doc.index,
                            json: doc.json,
                            options: doc.options,
                        },
                        sink,
                    );
                }
                return true;
            }
            _ => {}
        }
    }
    false
}

/// A text that starts a line with a cassette's list key: worth reading as YAML whatever its
/// name (stdin, `.txt`), and worth a finding when it does not parse.
fn looks_like_cassette(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or_default();
    head.split(|&b| b == b'\n')
        .any(|line| line.starts_with(b"interactions:") || line.starts_with(b"http_interactions:"))
}
