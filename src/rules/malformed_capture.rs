//! `malformed-capture`: a capture file cannot be read or parsed.
//!
//! Loaders raise this rule (it has no check function): a broken file becomes one finding
//! with its location, and every other file is still checked.

use super::{Rule, RuleDocs, Severity};

pub const MALFORMED_CAPTURE: Rule = Rule {
    name: "malformed-capture",
    default_severity: Severity::Error,
    summary: "A capture file cannot be read or parsed",
    checks_success: true,
    docs: RuleDocs {
        what_it_does: "Reports a capture that errlint cannot read or parse: a truncated or \
invalid HAR, a `.har` file without a `log`, a HAR entry of the wrong shape, binary junk, an \
unreadable file, a body that cannot be decoded, or a file named on the command line in no \
format errlint knows. The finding gives the file and the line and column where reading \
stopped; responses read before that point are still checked, and so is every other file.",
        why: "A capture that cannot be read is a capture that is not checked: without this \
finding a broken export would pass silently.",
        example: "{\"log\": {\"version\": \"1.2\", \"entries\": [{\"request\": {\"method\": \"GET\"",
        instead: "Export the capture again from the tool that made it, or fix the file by hand \
at the reported position.",
    },
    check: None,
};
