//! The `errlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Usage errors exit 2 (clap's own), so does anything that stops errlint from doing its job
//! (printed with its cause chain); findings decide between 0 and 1 in `errlint::run`.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use errlint::cli::Cli;
use errlint::render::escape::escape_line;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    let cli = Cli::parse();
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
        Ok(status) => {
            // A reader that went away (`| head`) is not an error of errlint's.
            let _ = stdout.flush();
            ExitCode::from(status.code() as u8)
        }
        Err(error) => {
            let chain: Vec<String> = error
                .chain()
                .map(|cause| escape_line(&cause.to_string()).into_owned())
                .collect();
            let _ = writeln!(io::stderr(), "errlint: error: {}", chain.join(": "));
            ExitCode::from(errlint::ExitStatus::Error.code() as u8)
        }
    }
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
