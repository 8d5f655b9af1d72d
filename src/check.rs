//! The checker: runs the rules on each response a loader yields and turns their findings into
//! located diagnostics while the response's buffers are still alive.
//!
//! It decides which responses are checked (docs/rules.md: 1xx and 3xx are not, except a 304 for
//! `body-on-no-content`), parses each body once for all rules, and resolves anchors (body
//! offsets, JSON Pointers) to file line:column and an excerpt.

use std::path::Path;
use std::sync::Arc;

use crate::capture::{Sink, SplitSink};
use crate::contract::Contract;
use crate::diagnostic::{CheckedResponse, Diagnostic, RequestInfo, Summary};
use crate::emit::Offer;
use crate::facts::facts_for;
use crate::position::TextPos;
use crate::response::{OriginKind, Response, redact_url};
pub use crate::rule_set::RuleSet;
use crate::rules::{self, Anchor, Finding, Rule, Severity};

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
    openapi: Option<&'s crate::openapi::Description>,
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
            openapi: rules.openapi.as_ref(),
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

    fn diagnostic<'b>(
        &self,
        finding: Finding,
        severity: Severity,
        response: &'b Response<'_>,
        request: &Option<Arc<RequestInfo>>,
        locator: &mut BodyLocator<'b>,
    ) -> Diagnostic {
        let located = locate(&finding.anchor, response, locator, self.report.excerpts);
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
            id: response.id.and_then(crate::response::RecordId::from_json),
        }
    }
}

impl SplitSink for FileChecker<'_> {
    fn part(&self) -> Self {
        Self {
            contract: self.contract,
            openapi: self.openapi,
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
        let operation = match self.openapi {
            None => crate::openapi::Match::NotConfigured,
            Some(description) => {
                description.match_request(response.method.as_deref(), response.raw_url.as_deref())
            }
        };
        // Built only when a finding or the report needs it.
        let template = || match operation {
            crate::openapi::Match::Operation(matched) => Some(matched.template()),
            _ => None,
        };
        if self.report.checked_responses {
            self.checked.push(CheckedResponse {
                file: self.file.clone(),
                response: response.index,
                line: response.start.line,
                column: response.start.column,
                status: response.status.code(),
                request: request_info(response, template()),
            });
        }
        let mut facts = facts_for(response, &self.contract.profile.marker);
        facts.operation = operation;
        let mut findings = std::mem::take(&mut self.findings);
        // Shared by every finding on this response, and built only if there is one.
        let mut request = None;
        let mut locator = BodyLocator::default();
        for (rule, severity) in &self.enabled {
            let Some(check) = rule.check else { continue };
            if only_no_content && rule.name != "body-on-no-content" {
                continue;
            }
            // A status that stands for a range says nothing a status rule could check.
            if response.schema_only && !SCHEMA_ONLY_RULES.contains(&rule.name) {
                continue;
            }
            check(&facts, self.contract, &mut findings);
            if findings.is_empty() {
                continue;
            }
            for finding in findings.drain(..) {
                let request =
                    request.get_or_insert_with(|| request_info(response, template()).map(Arc::new));
                let diagnostic =
                    self.diagnostic(finding, *severity, response, request, &mut locator);
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
            id: None,
        }));
    }
}

/// The rules that look at a response whose status stands for a range (an OpenAPI
/// `default` example): its JSON and the schemas, nothing the status implies.
const SCHEMA_ONLY_RULES: [&str; 3] = ["invalid-json", "schema", "spec-schema"];

/// What reports show of a response's request; `template` is its operation's path template
/// when an OpenAPI description named one.
fn request_info(response: &Response<'_>, template: Option<String>) -> Option<RequestInfo> {
    if response.method.is_none() && response.raw_url.is_none() {
        return None;
    }
    Some(RequestInfo {
        method: response.method.as_deref().map(str::to_string),
        url: response.raw_url.as_deref().map(redact_url),
        template,
    })
}

struct Located {
    position: TextPos,
    pointer: Option<std::borrow::Cow<'static, str>>,
    excerpt: Option<crate::excerpt::Excerpt>,
}

/// What locating one finding in a body leaves for the next finding in the same body: the
/// pointer index, the checkpoints through its container, the body's lines. Each is built on
/// first use, so a body without findings costs nothing, and a body with thousands costs
/// about one reading of it rather than one per finding (docs/security.md: linear time).
#[derive(Default)]
struct BodyLocator<'b> {
    pointers: Option<crate::locate::PointerIndex<'b>>,
    checkpoints: crate::locate::Checkpoints,
    text: Option<crate::excerpt::BodyText<'b>>,
}

/// Resolves an anchor to a file position and, for body anchors, an excerpt.
fn locate<'b>(
    anchor: &Anchor,
    response: &'b Response<'_>,
    locator: &mut BodyLocator<'b>,
    with_excerpt: bool,
) -> Located {
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
            let span = locator
                .pointers
                .get_or_insert_with(|| crate::locate::PointerIndex::new(&body.bytes))
                .find(pointer)
                .map_or(0..0, |found| found.span);
            (span, Some(pointer.clone()))
        }
    };
    let excerpt = with_excerpt.then(|| {
        let start_line = body.origin.position(&body.bytes, 0).line;
        let verbatim = matches!(body.origin.kind, OriginKind::Verbatim);
        locator
            .text
            .get_or_insert_with(|| crate::excerpt::BodyText::new(&body.bytes))
            .excerpt(span.clone(), |n| {
                verbatim.then(|| start_line.saturating_add(n as u32))
            })
    });
    Located {
        position: body
            .origin
            .position_from(&body.bytes, span.start, &mut locator.checkpoints),
        pointer,
        excerpt,
    }
}
