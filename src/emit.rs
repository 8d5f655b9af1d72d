//! The report as findings become ready: files are checked in parallel, but their findings
//! reach the output streams strictly in input order, and a big HAR's findings are written
//! part by part while the rest of it is still being read. Memory then holds the findings
//! not yet written, not all of them.
//!
//! The emitter also applies the baseline, records a new one, and counts errors and warnings
//! after the baseline, so the summary it returns is the one the exit code follows.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Mutex;

use crate::baseline::{Baseline, Recorder};
use crate::diagnostic::{CheckedResponse, Diagnostic, Summary};
use crate::render::Stream;
use crate::rules::Severity;

/// One destination: a format's stream and where it writes.
pub struct Output<'o> {
    pub stream: Box<dyn Stream>,
    pub out: &'o mut (dyn Write + Send),
    /// Set when writing failed; a closed pipe stops the writing, never the checking.
    failed: Option<io::Error>,
}

impl<'o> Output<'o> {
    pub fn new(stream: Box<dyn Stream>, out: &'o mut (dyn Write + Send)) -> Self {
        Self {
            stream,
            out,
            failed: None,
        }
    }

    fn write(&mut self, write: impl FnOnce(&mut dyn Stream, &mut dyn Write) -> io::Result<()>) {
        if self.failed.is_none()
            && let Err(error) = write(self.stream.as_mut(), self.out)
        {
            self.failed = Some(error);
        }
    }
}

struct State<'o> {
    /// The file whose findings may be written now.
    next: usize,
    /// Findings of later files, held until every earlier file is written; with whether
    /// that file is finished.
    pending: BTreeMap<usize, (Vec<Box<Diagnostic>>, bool)>,
    outputs: Vec<Output<'o>>,
    baseline: Option<Baseline>,
    recorder: Option<Recorder>,
    errors: usize,
    warnings: usize,
}

/// Where checkers send findings: the emitter, seen without the lifetime of its outputs.
pub trait Offer: Sync {
    /// Findings of file number `file`, in order; `done` when the file has no more.
    fn offer(&self, file: usize, diagnostics: Vec<Box<Diagnostic>>, done: bool);
}

/// Writes findings to the outputs in input order, from any thread.
pub struct Emitter<'o> {
    state: Mutex<State<'o>>,
}

/// What the run found, after the baseline.
pub struct Finished {
    pub summary: Summary,
    pub recorder: Option<Recorder>,
    /// The first write error of each output that failed, with the output's position in the
    /// list the emitter was given.
    pub write_errors: Vec<(usize, io::Error)>,
}

impl<'o> Emitter<'o> {
    /// Starts every output.
    pub fn new(
        mut outputs: Vec<Output<'o>>,
        baseline: Option<Baseline>,
        recorder: Option<Recorder>,
    ) -> Self {
        for output in &mut outputs {
            output.write(|stream, out| stream.begin(out));
        }
        let state = State {
            next: 0,
            pending: BTreeMap::new(),
            outputs,
            baseline,
            recorder,
            errors: 0,
            warnings: 0,
        };
        Self {
            state: Mutex::new(state),
        }
    }

    /// Ends every output with the summary (completed with the counts after the baseline).
    pub fn finish(self, mut summary: Summary, checked: &[CheckedResponse]) -> Finished {
        let mut state = match self.state.into_inner() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Files that never said they were done (a bug elsewhere) still get written.
        let held: Vec<_> = std::mem::take(&mut state.pending).into_values().collect();
        for (diagnostics, _) in held {
            state.write(&diagnostics);
        }
        summary.errors = state.errors;
        summary.warnings = state.warnings;
        if let Some(baseline) = state.baseline.take() {
            summary.baselined = baseline.known();
            summary.baseline_stale = baseline.stale();
        }
        for output in &mut state.outputs {
            output.write(|stream, out| stream.end(&summary, checked, out));
            output.write(|_, out| out.flush());
        }
        let write_errors = state
            .outputs
            .into_iter()
            .enumerate()
            .filter_map(|(i, o)| o.failed.map(|error| (i, error)))
            .collect();
        Finished {
            summary,
            recorder: state.recorder,
            write_errors,
        }
    }
}

impl Offer for Emitter<'_> {
    fn offer(&self, file: usize, diagnostics: Vec<Box<Diagnostic>>, done: bool) {
        // A poisoned lock means another thread panicked mid-write: the run is lost anyway.
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if file != state.next {
            let entry = state.pending.entry(file).or_default();
            entry.0.extend(diagnostics);
            entry.1 |= done;
            return;
        }
        state.write(&diagnostics);
        if done {
            state.next += 1;
            loop {
                let next = state.next;
                let Some((held, finished)) = state.pending.remove(&next) else {
                    break;
                };
                state.write(&held);
                if !finished {
                    break;
                }
                state.next += 1;
            }
        }
    }
}

impl State<'_> {
    fn write(&mut self, diagnostics: &[Box<Diagnostic>]) {
        for diagnostic in diagnostics {
            if let Some(recorder) = &mut self.recorder {
                recorder.add(diagnostic);
            }
            if let Some(baseline) = &mut self.baseline
                && baseline.knows(diagnostic)
            {
                continue;
            }
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            for output in &mut self.outputs {
                output.write(|stream, out| stream.diagnostic(diagnostic, out));
            }
        }
        // A batch is at most one part of a file (for NDJSON, at most 1,000 lines): a reader
        // at the end of a pipe gets findings as the input goes by (docs/output-formats.md).
        for output in &mut self.outputs {
            if output.stream.flushes() {
                output.write(|_, out| out.flush());
            }
        }
    }
}
