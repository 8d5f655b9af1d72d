//! Bare bodies: any other JSON file is one response whose body is the whole file and whose
//! status is in the file name (`404.json`, `get_customer.429.json`).
//!
//! Last in the recognition order. A walked file without a status in its name is not read as
//! one (`package.json` is no response): it is skipped and counted; a file named explicitly
//! is, and then reported as `unknown-status`. Never prints.

use std::borrow::Cow;

use super::{Format, Reads, Sink};
use crate::position::LineIndex;
use crate::response::{Body, BodyOrigin, OriginKind, Response, Status};

pub static FORMAT: Format = Format {
    name: "bare body",
    reads: Reads::Document {
        recognises: |doc| {
            doc.json && (doc.options.explicit || status_from_file_name(doc.file_name).is_some())
        },
        load: |doc, sink| {
            bare_body(
                doc.source,
                doc.index,
                status_from_file_name(doc.file_name),
                sink,
            )
        },
    },
};

/// The whole file is the body; the status comes from the file name.
pub fn bare_body(bytes: &[u8], index: &LineIndex<'_>, status: Option<u16>, sink: &mut dyn Sink) {
    let mut response = Response::new(
        0,
        index.position(0),
        status.map_or(Status::Missing, |s| Status::Code(i64::from(s))),
    );
    response.body = Some(Body {
        bytes: Cow::Borrowed(bytes),
        origin: BodyOrigin {
            file: index,
            offset: 0,
            kind: OriginKind::Verbatim,
        },
    });
    sink.response(&response);
}

/// The status in a bare body's file name: the last run of exactly three digits, 100–599,
/// in the name without its extension (`404.json`, `get_customer.429.json`, `orders-500.json`).
pub fn status_from_file_name(file_name: &str) -> Option<u16> {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    stem.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 3)
        .filter_map(|run| run.parse::<u16>().ok())
        .rfind(|code| (100..=599).contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_file_names() {
        assert_eq!(status_from_file_name("404.json"), Some(404));
        assert_eq!(status_from_file_name("get_customer.429.json"), Some(429));
        assert_eq!(status_from_file_name("orders-500.json"), Some(500));
        assert_eq!(status_from_file_name("v2_orders-503.error.json"), Some(503));
        assert_eq!(status_from_file_name("customer.json"), None);
        assert_eq!(status_from_file_name("2024-01-01.json"), None);
        assert_eq!(status_from_file_name("1234.json"), None);
        assert_eq!(status_from_file_name("999.json"), None);
    }
}
