//! The `errlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Usage errors exit 2 (clap's own), so does anything that stops errlint from doing its job
//! (printed with its cause chain); findings decide between 0 and 1 in `errlint::run`.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser as _;
use errlint::cli::Cli;
use errlint::render::escape::escape_line;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    // Buffered: a report is many small writes, and a line-buffered stdout would make each
    // line a system call. `run` flushes before it returns.
    let mut stdout = io::BufWriter::with_capacity(64 * 1024, io::stdout());
    // A panic (a bug, never a capture's fault) unwinds to here so that destructors run: an
    // unfinished report's temporary file is removed and the previous report stays.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        errlint::run(cli, &mut stdout)
    }));
    let Ok(outcome) = outcome else {
        return ExitCode::from(errlint::ExitStatus::Error.code() as u8);
    };
    match outcome {
        // `run` has flushed and reported any failed write.
        Ok(status) => ExitCode::from(status.code() as u8),
        Err(error) => report_error(&error),
    }
}

/// clap's own output: help and version on stdout (exit 0), usage errors on stderr (exit 2).
/// Help or version that cannot be written fails like any command's output.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let printed = error.print().and_then(|()| io::stdout().flush());
    if !error.use_stderr()
        && let Err(failed) = errlint::stdout_written(printed)
    {
        return report_error(&failed);
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// The one line an error prints, its causes joined, and exit 2.
fn report_error(error: &anyhow::Error) -> ExitCode {
    let chain: Vec<String> = error
        .chain()
        .map(|cause| escape_line(&cause.to_string()).into_owned())
        .collect();
    let _ = writeln!(io::stderr(), "errlint: error: {}", chain.join(": "));
    ExitCode::from(errlint::ExitStatus::Error.code() as u8)
}

/// Says that errlint failed, and where in errlint's own source, but never the panic's
/// message: it may quote captured bytes (a body, a header value).
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    // Threads that join a panicked thread panic again; one message is enough.
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let _ = writeln!(
        io::stderr(),
        "errlint: error: internal error{place}; this is a bug in errlint, not in your captures \
         (the captured data involved is not shown). Please report it with the errlint version."
    );
}
