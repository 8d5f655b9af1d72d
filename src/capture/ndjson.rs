//! NDJSON (`.jsonl`, `.ndjson`): one capture envelope a line, recognised by its extension
//! (its first line alone is an ordinary JSON object). Never prints.

use super::envelope::{Members, envelope, integer_status};
use super::{Format, Reads, Sink};
use crate::position::{LineIndex, TextPos};
use crate::text::{offset_of, strip_position};

pub static FORMAT: Format = Format {
    name: "NDJSON",
    reads: Reads::Extension {
        extensions: &["jsonl", "ndjson"],
        load: load_ndjson,
    },
};

/// NDJSON (`.jsonl`, `.ndjson`): one envelope a line; blank lines are not items.
pub fn load_ndjson(bytes: &[u8], start: TextPos, sink: &mut dyn Sink) {
    let index = LineIndex::new(bytes, start);
    let mut item = 0;
    let mut line_start = 0;
    for line in bytes.split(|&b| b == b'\n') {
        let offset = line_start;
        line_start += line.len() + 1;
        if line.trim_ascii().is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_ascii_start().len();
        match serde_json::from_slice::<Members<'_>>(line) {
            Ok(members) if integer_status(&members).is_some() => {
                envelope(&members, item, bytes, &index, sink)
            }
            Ok(_) => sink.malformed(
                index.position(offset + lead),
                item,
                format!("item {item} is not a capture envelope: it needs an integer \"status\""),
            ),
            Err(error) => {
                let at = offset + offset_of(line, 1, error.column());
                sink.malformed(
                    index.position(at),
                    item,
                    format!(
                        "item {item} is not a JSON object: {}",
                        strip_position(&error)
                    ),
                );
            }
        }
        item += 1;
    }
}
