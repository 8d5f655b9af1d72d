//! Envelope lists: a JSON array whose every item is a capture envelope, one response each.
//!
//! An array with any item that is not an envelope is no list of envelopes (it may be a bare
//! body that is an array). Never prints.

use serde_json::value::RawValue;

use super::envelope::{Members, envelope, integer_status};
use super::{Doc, Format, Reads, Sink};

pub static FORMAT: Format = Format {
    name: "envelope list",
    reads: Reads::Document { recognises, load },
};

fn recognises(doc: &Doc<'_>) -> bool {
    doc.json
        && doc.root.items().is_some_and(|items| {
            !items.is_empty()
                && items
                    .iter()
                    .all(|item| item.get("status").and_then(|s| s.as_number()).is_some())
        })
}

fn load(doc: &Doc<'_>, sink: &mut dyn Sink) {
    let items = serde_json::from_slice::<Vec<&RawValue>>(doc.source).unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        match serde_json::from_str::<Members<'_>>(item.get()) {
            Ok(members) if integer_status(&members).is_some() => {
                envelope(&members, i, doc.source, doc.index, sink)
            }
            _ => sink.malformed(
                doc.index.position(0),
                i,
                format!("item {i} is not a capture envelope"),
            ),
        }
    }
}
