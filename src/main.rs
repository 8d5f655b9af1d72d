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
    let cli = Cli::parse();
    // Buffered: a report is many small writes, and a line-buffered stdout would make each
    // line a system call. `run` flushes before it returns.
    let mut stdout = io::BufWriter::with_capacity(64 * 1024, io::stdout());
    match errlint::run(cli, &mut stdout) {
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
