//! A finding's identity for the formats that track findings across runs (SARIF's
//! `partialFingerprints`, GitLab Code Quality's `fingerprint`).
//!
//! The identity is what stays when a capture is reformatted: file, response index, rule,
//! JSON Pointer and, for `schema`, the keyword that failed — never line, column or message.
//! Both GitHub and GitLab merge findings that share a fingerprint and show only one, so two
//! findings that share all of that (true duplicates) are told apart by their occurrence
//! number in report order, which reformatting does not change either. See
//! `docs/output-formats.md`.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;

/// Numbers the findings of one report: a stream keeps one and asks it for each finding.
#[derive(Debug, Default)]
pub struct Fingerprints {
    /// How many findings with each identity were seen so far.
    seen: HashMap<u64, u32>,
}

impl Fingerprints {
    /// The fingerprint of the next finding of the report: 16 hex digits.
    pub fn next(&mut self, d: &Diagnostic) -> String {
        let identity = identity(d);
        let occurrence = self.seen.entry(identity).or_insert(0);
        let fingerprint = if *occurrence == 0 {
            identity
        } else {
            // The first occurrence keeps the plain identity, so adding a duplicate later
            // does not change the fingerprint of the finding already tracked.
            hash([identity.to_le_bytes().as_slice(), &occurrence.to_le_bytes()])
        };
        *occurrence += 1;
        format!("{fingerprint:016x}")
    }
}

/// The hash of what identifies a finding regardless of formatting.
fn identity(d: &Diagnostic) -> u64 {
    let response = d.response.to_string();
    let mut parts = vec![
        d.file.as_bytes(),
        response.as_bytes(),
        d.rule.as_bytes(),
        d.pointer.as_deref().unwrap_or("").as_bytes(),
    ];
    // Findings without a keyword hash exactly as before keywords were part of the identity.
    if let Some(keyword) = &d.keyword {
        parts.push(keyword.as_bytes());
    }
    hash(parts)
}

/// FNV-1a, 64 bits, over NUL-terminated parts: stable across runs, platforms and Rust
/// versions, unlike `std::hash::Hash`.
fn hash<'p>(parts: impl IntoIterator<Item = &'p [u8]>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(std::iter::once(&0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample_report;

    fn one(d: &Diagnostic) -> String {
        Fingerprints::default().next(d)
    }

    #[test]
    fn position_and_message_are_not_identity() {
        let report = sample_report();
        let mut moved = (*report.diagnostics[0]).clone();
        moved.line += 10;
        moved.column = 1;
        moved.message = "reworded".into();
        assert_eq!(one(&moved), one(&report.diagnostics[0]));
        let mut other = (*report.diagnostics[0]).clone();
        other.pointer = Some("/code".into());
        assert_ne!(one(&other), one(&report.diagnostics[0]));
    }

    #[test]
    fn the_schema_keyword_tells_findings_at_one_pointer_apart() {
        let report = sample_report();
        let mut type_error = (*report.diagnostics[0]).clone();
        type_error.rule = "schema";
        type_error.keyword = Some("type".into());
        let mut enum_error = type_error.clone();
        enum_error.keyword = Some("enum".into());
        assert_ne!(one(&type_error), one(&enum_error));
    }

    #[test]
    fn true_duplicates_get_their_own_fingerprints_in_order() {
        let report = sample_report();
        let d = &report.diagnostics[0];
        let mut fingerprints = Fingerprints::default();
        let first = fingerprints.next(d);
        let second = fingerprints.next(d);
        assert_ne!(first, second);
        assert_eq!(first, one(d));
        let mut again = Fingerprints::default();
        assert_eq!((again.next(d), again.next(d)), (first, second));
    }
}
