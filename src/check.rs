//! The checker: runs the rules on each response a loader yields and turns their findings into
//! located diagnostics while the response's buffers are still alive.
//!
//! It decides which responses are checked (docs/rules.md: 1xx and 3xx are not, except a 304 for
//! `body-on-no-content`), parses each body once for all rules, and resolves anchors (body
//! offsets, JSON Pointers) to file line:column and an excerpt.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::capture::{Sink, SplitSink};
use crate::config::Level;
use crate::contract::Contract;
use crate::diagnostic::{CheckedResponse, Diagnostic, RequestInfo, Summary};
use crate::emit::Offer;
use crate::excerpt::excerpt;
use crate::locate::{find_pointer, raw_offset_in_literal};
use crate::position::TextPos;
use crate::response::{Body, OriginKind, Response, is_json_media_type, redact_url};
use crate::rules::{self, Anchor, BodyState, Facts, Finding, Rule, Severity};
use crate::settings::PathGlobs;

/// The rules in force and what they measure against, resolved before the first file.
pub struct RuleSet {
    pub contract: Contract,
    /// Every rule's level from defaults and errlint.toml's `[rules]`.
    pub levels: BTreeMap<&'static str, Level>,
    /// `[[overrides]]`: levels for files matching their globs, applied in order.
    pub overrides: Vec<(PathGlobs, BTreeMap<&'static str, Level>)>,
}

impl RuleSet {
    /// Every rule at its default severity, with the given contract.
    pub fn defaults(contract: Contract) -> Self {
        Self {
            contract,
            levels: rules::RULES
                .iter()
                .map(|r| (r.name, Some(r.default_severity)))
                .collect(),
            overrides: Vec::new(),
        }
    }

    /// The enabled rules and their severities for one file, in `RULES` order.
    pub fn enabled_for(&self, path: Option<&Path>) -> Vec<(&'static Rule, Severity)> {
        if self.overrides.is_empty() {
            return rules::RULES
                .iter()
                .filter_map(|rule| {
                    self.levels
                        .get(rule.name)
                        .copied()
                        .flatten()
                        .map(|severity| (*rule, severity))
                })
                .collect();
        }
        let mut levels = self.levels.clone();
        if let Some(path) = path {
            for (globs, overrides) in &self.overrides {
                if globs.matches(path) {
                    levels.extend(overrides.iter().map(|(k, v)| (*k, *v)));
                }
            }
        }
        rules::RULES
            .iter()
            .filter_map(|rule| {
                levels
                    .get(rule.name)
                    .copied()
                    .flatten()
                    .map(|severity| (*rule, severity))
            })
            .collect()
    }
}

/// Parses a body once and classifies it for the rules.
pub fn facts_for<'r, 'a>(response: &'r Response<'a>) -> Facts<'r, 'a> {
    Facts {
        response,
        body: body_state(response),
    }
}

fn body_state(response: &Response<'_>) -> BodyState {
    let Some(body) = &response.body else {
        return BodyState::NotCaptured;
    };
    if body.is_blank() {
        return BodyState::Empty;
    }
    let bytes = body
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&body.bytes);
    let bom = body.bytes.len() - bytes.len();
    // Most success bodies only need to be valid: checking that without building a tree is
    // several times cheaper. A body that mentions "message" may be an error object under a
    // 2xx (error-body-on-success), so it gets the full parse.
    let success = response
        .status
        .valid_code()
        .is_some_and(|c| (200..300).contains(&c));
    let parsed = if success && memchr::memmem::find(bytes, b"\"message\"").is_none() {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map(|_| BodyState::ValidJson)
    } else {
        serde_json::from_slice(bytes).map(BodyState::Json)
    };
    match parsed {
        Ok(state) => state,
        // Whether the body claimed to be JSON matters only once it failed to parse.
        Err(error) if claims_json(bytes, response) => BodyState::InvalidJson {
            offset: bom + offset_of(bytes, error.line(), error.column()),
            message: parse_error_message(&error),
        },
        Err(_) => BodyState::NotJson,
    }
}

/// A body claims to be JSON when its Content-Type says so, or when it is text starting with
/// `{` or `[` (base64-decoded image bytes may start with 0x7B by chance).
fn claims_json(bytes: &[u8], response: &Response<'_>) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    (matches!(first, Some(b'{' | b'[')) && looks_like_text(bytes))
        || response
            .content_type
            .as_deref()
            .is_some_and(is_json_media_type)
}

/// serde_json's message, made plain where it is obscure.
fn parse_error_message(error: &serde_json::Error) -> String {
    let message = rules::strip_position(error);
    if message == "recursion limit exceeded" {
        // serde_json stops at 128 levels, which keeps a hostile body from exhausting the stack.
        "nested more than 128 levels deep (errlint reads no deeper)".to_string()
    } else {
        message
    }
}

/// True when the start of a body is UTF-8 text (a character cut at the limit is fine).
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// The byte offset of serde_json's 1-based line and column (a column counts bytes).
pub fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', bytes)
            .nth(line - 2)
            .map_or(bytes.len(), |i| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

/// Which rules a response gets, by status class.
enum Route {
    Skip,
    /// A 304: only `body-on-no-content` looks at it.
    NoContentOnly,
    All,
}

fn route(response: &Response<'_>) -> Route {
    match response.status.valid_code() {
        Some(304) => Route::NoContentOnly,
        Some(code) if code < 200 || (300..400).contains(&code) => Route::Skip,
        _ => Route::All,
    }
}

/// What the chosen report shows beyond the diagnostics themselves, so nothing else is kept:
/// a big HAR's findings stay small when no excerpt will be shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportNeeds {
    /// Every checked response (JUnit's test cases).
    pub checked_responses: bool,
    /// The body excerpt under each finding (human output).
    pub excerpts: bool,
}

/// Checks the responses of one file, collecting its diagnostics and counts.
pub struct FileChecker<'s> {
    contract: &'s Contract,
    enabled: Vec<(&'static Rule, Severity)>,
    file: Arc<str>,
    pub diagnostics: Vec<Box<Diagnostic>>,
    pub summary: Summary,
    /// Checked responses, recorded only when the report lists them (JUnit).
    pub checked: Vec<CheckedResponse>,
    report: ReportNeeds,
    findings: Vec<Finding>,
    /// Where findings go as they are ready, with this file's number; without one they are
    /// kept and returned by `finish`.
    emitter: Option<(&'s dyn Offer, usize)>,
}

impl<'s> FileChecker<'s> {
    /// A checker for one file; `path` (when the file has one) selects `[[overrides]]`.
    pub fn new(
        rules: &'s RuleSet,
        file: Arc<str>,
        path: Option<&Path>,
        report: ReportNeeds,
    ) -> Self {
        Self {
            contract: &rules.contract,
            enabled: rules.enabled_for(path),
            file,
            checked: Vec::new(),
            report,
            diagnostics: Vec::new(),
            summary: Summary {
                files: 1,
                ..Summary::default()
            },
            findings: Vec::new(),
            emitter: None,
        }
    }

    /// Sends this file's findings, as number `file` of the run, to `emitter`.
    pub fn emitting_to(mut self, emitter: &'s dyn Offer, file: usize) -> Self {
        self.emitter = Some((emitter, file));
        self
    }

    /// Sorts the diagnostics and counts them into the summary; with an emitter, sends them
    /// and returns none.
    pub fn finish(mut self) -> (Vec<Box<Diagnostic>>, Summary, Vec<CheckedResponse>) {
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        if let Some((emitter, file)) = self.emitter {
            // The emitter counts errors and warnings, after the baseline.
            emitter.offer(file, std::mem::take(&mut self.diagnostics), true);
            return (Vec::new(), self.summary, self.checked);
        }
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
            }
        }
        (self.diagnostics, self.summary, self.checked)
    }

    fn diagnostic(
        &self,
        finding: Finding,
        severity: Severity,
        response: &Response<'_>,
        request: &Option<Arc<RequestInfo>>,
    ) -> Diagnostic {
        let located = locate(&finding.anchor, response, self.report.excerpts);
        Diagnostic {
            rule: finding.rule.name,
            severity,
            message: finding.message,
            file: self.file.clone(),
            line: located.position.line,
            column: located.position.column,
            response: response.index,
            pointer: located.pointer,
            keyword: finding.keyword,
            status: response.status.code(),
            request: request.clone(),
            // Only the human format draws labels under excerpts.
            label: finding.label.filter(|_| self.report.excerpts),
            help: finding.help,
            excerpt: located.excerpt,
        }
    }
}

impl SplitSink for FileChecker<'_> {
    fn part(&self) -> Self {
        Self {
            contract: self.contract,
            enabled: self.enabled.clone(),
            file: self.file.clone(),
            diagnostics: Vec::new(),
            summary: Summary::default(),
            checked: Vec::new(),
            report: self.report,
            findings: Vec::new(),
            emitter: None,
        }
    }

    fn shrink(&mut self) {
        self.diagnostics.shrink_to_fit();
        self.checked.shrink_to_fit();
        self.findings = Vec::new();
    }

    fn absorb(&mut self, mut part: Self) {
        match self.emitter {
            // A part covers whole responses, after every earlier part: sorted, it can go out.
            Some((emitter, file)) => {
                part.diagnostics
                    .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                emitter.offer(file, part.diagnostics, false);
            }
            None => self.diagnostics.extend(part.diagnostics),
        }
        self.summary.add(&part.summary);
        self.checked.extend(part.checked);
    }
}

impl Sink for FileChecker<'_> {
    fn response(&mut self, response: &Response<'_>) {
        self.summary.responses += 1;
        let only_no_content = match route(response) {
            Route::Skip => {
                self.summary.skipped += 1;
                return;
            }
            Route::NoContentOnly => true,
            Route::All => false,
        };
        self.summary.checked += 1;
        if self.report.checked_responses {
            self.checked.push(CheckedResponse {
                file: self.file.clone(),
                response: response.index,
                line: response.start.line,
                column: response.start.column,
                status: response.status.code(),
                request: request_info(response),
            });
        }
        let facts = facts_for(response);
        let mut findings = std::mem::take(&mut self.findings);
        // Shared by every finding on this response, and built only if there is one.
        let mut request = None;
        for (rule, severity) in &self.enabled {
            let Some(check) = rule.check else { continue };
            if only_no_content && rule.name != "body-on-no-content" {
                continue;
            }
            check(&facts, self.contract, &mut findings);
            for finding in findings.drain(..) {
                let request = request.get_or_insert_with(|| request_info(response).map(Arc::new));
                let diagnostic = self.diagnostic(finding, *severity, response, request);
                self.diagnostics.push(Box::new(diagnostic));
            }
        }
        self.findings = findings;
    }

    fn skipped(&mut self, count: usize) {
        self.summary.responses += count;
        self.summary.skipped += count;
    }

    fn malformed(&mut self, at: TextPos, response: usize, message: String) {
        let Some(severity) = self
            .enabled
            .iter()
            .find(|(r, _)| r.name == rules::MALFORMED_CAPTURE.name)
            .map(|(_, s)| *s)
        else {
            return;
        };
        self.diagnostics.push(Box::new(Diagnostic {
            rule: rules::MALFORMED_CAPTURE.name,
            severity,
            message,
            file: self.file.clone(),
            line: at.line,
            column: at.column,
            response,
            pointer: None,
            keyword: None,
            status: None,
            request: None,
            label: None,
            help: Some("export the capture again, or fix it at this position".into()),
            excerpt: None,
        }));
    }
}

fn request_info(response: &Response<'_>) -> Option<RequestInfo> {
    if response.method.is_none() && response.raw_url.is_none() {
        return None;
    }
    Some(RequestInfo {
        method: response.method.as_deref().map(str::to_string),
        url: response.raw_url.as_deref().map(redact_url),
        template: None,
    })
}

struct Located {
    position: TextPos,
    pointer: Option<std::borrow::Cow<'static, str>>,
    excerpt: Option<crate::excerpt::Excerpt>,
}

/// Resolves an anchor to a file position and, for body anchors, an excerpt.
fn locate(anchor: &Anchor, response: &Response<'_>, with_excerpt: bool) -> Located {
    let at_response = Located {
        position: response.start,
        pointer: None,
        excerpt: None,
    };
    let Some(body) = &response.body else {
        return at_response;
    };
    let (span, pointer) = match anchor {
        Anchor::Response => return at_response,
        Anchor::Body => {
            let start = body
                .bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            let end =
                memchr::memchr(b'\n', &body.bytes[start..]).map_or(body.bytes.len(), |i| start + i);
            (start..end, None)
        }
        Anchor::BodyOffset(offset) => (*offset..*offset + 1, None),
        Anchor::Pointer(pointer) => {
            let span = find_pointer(&body.bytes, pointer).map_or(0..0, |found| found.span);
            (span, Some(pointer.clone()))
        }
    };
    let excerpt = with_excerpt.then(|| {
        let start_line = body_position(body, 0).line;
        let verbatim = matches!(body.origin.kind, OriginKind::Verbatim);
        excerpt(&body.bytes, span.clone(), |n| {
            verbatim.then(|| start_line.saturating_add(n as u32))
        })
    });
    Located {
        position: body_position(body, span.start),
        pointer,
        excerpt,
    }
}

/// The file position of a byte of the body.
fn body_position(body: &Body<'_>, offset: usize) -> TextPos {
    let origin = &body.origin;
    match origin.kind {
        OriginKind::Verbatim => origin.file.position(origin.offset + offset),
        OriginKind::JsonString(literal) => origin
            .file
            .position(origin.offset + raw_offset_in_literal(literal, offset)),
        OriginKind::JsonMember {
            container,
            pointer,
            decoded,
        } => match find_pointer(container, pointer) {
            Some(found) if found.span.len() >= 2 && !found.missing => {
                let literal = &container[found.span.start + 1..found.span.end - 1];
                let within = if decoded {
                    0
                } else {
                    raw_offset_in_literal(literal, offset)
                };
                let raw = found.span.start + 1 + within;
                origin.file.position(origin.offset + raw)
            }
            _ => origin.file.position(origin.offset),
        },
        OriginKind::Decoded => origin.file.position(origin.offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_positions_become_offsets() {
        let text = b"{\n  \"a\": 1,\n  \"b\": }";
        let error = serde_json::from_slice::<serde_json::Value>(text).unwrap_err();
        let offset = offset_of(text, error.line(), error.column());
        assert_eq!(text[offset], b'}');
        assert_eq!(rules::strip_position(&error), "expected value");
    }
}
