//! Groups of findings for the reports people read (`human`, `html`): one rule firing with
//! the same message on the same endpoint is one group.
//!
//! A group is known by a hash of rule, message and endpoint, so a run of a million distinct
//! findings keeps a number per finding, not its text. Machine formats never group: every
//! finding stays one entry there.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::diagnostic::Diagnostic;
use crate::endpoint;

/// What makes findings one group.
pub struct GroupKey {
    pub hash: u64,
    pub endpoint: Option<String>,
}

/// The group a finding belongs to.
pub fn key(d: &Diagnostic) -> GroupKey {
    let endpoint = endpoint::of(d.request.as_deref());
    // `DefaultHasher::new` has fixed keys: the same finding hashes alike within a run, which
    // is all a group needs (the hash never leaves the process).
    let mut hasher = DefaultHasher::new();
    (d.rule, &d.message, &endpoint).hash(&mut hasher);
    GroupKey {
        hash: hasher.finish(),
        endpoint,
    }
}

/// `file:line:column`, unescaped: each format escapes it for its medium.
pub fn location(d: &Diagnostic) -> String {
    format!("{}:{}:{}", d.file, d.line, d.column)
}
