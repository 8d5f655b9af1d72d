//! errlint: a linter for captured HTTP API responses.
//!
//! ```text
//! Args ─► Settings ─► discover ─► capture::load ─► Response* ─► rules ─► Diagnostic*
//!                                       └─ broken file ─► `malformed-capture` Diagnostic
//! Diagnostic* ─► emit (input order, baseline) ─► render::Stream per output ─► ExitStatus
//! ```
//!
//! Everything that can fail on configuration is resolved before the first capture is read;
//! after that, nothing a capture holds can stop the run: broken files become findings.
//! Files are checked in parallel; their findings are written in input order as soon as
//! they are ready, so memory holds the findings not yet written, never the whole report.

// Findings travel as `Vec<Box<Diagnostic>>` on purpose: merging the lists of a big HAR's
// parts and of many files then moves pointers instead of copying every finding.
#![allow(clippy::vec_box)]

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

pub mod baseline;
pub mod body_map;
pub mod budget;
pub mod capture;
pub mod check;
pub mod cli;
pub mod config;
pub mod confined;
pub mod contract;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod emit;
pub mod endpoint;
pub mod excerpt;
pub mod facts;
pub mod locate;
pub mod openapi;
pub mod output_file;
pub mod paths;
pub mod position;
pub mod redact;
pub mod render;
pub mod response;
pub mod rule_set;
pub mod rules;
pub mod settings;
pub mod text;

use capture::{Outcome, Sink};
use check::FileChecker;
use cli::{CheckArgs, Cli, Command};
use diagnostic::{Diagnostic, Report, Summary};
use discover::{Input, Source};
use output_file::OutputFile;
use position::TextPos;
use render::RenderConfig;
use settings::Settings;

/// How a run ended (docs/exit-codes.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No error findings (and warnings within `--max-warnings`).
    Success,
    /// Error findings, or too many warnings.
    Failure,
    /// errlint could not do its job.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Runs a parsed command line, writing the report to `stdout`. Every command's output ends
/// with one flush here, whose failure is an error like any failed write (`stdout_written`).
pub fn run(cli: Cli, stdout: &mut (dyn Write + Send)) -> Result<ExitStatus> {
    let status = match cli.command {
        // `check` reports its own write errors, naming which of its outputs failed.
        Command::Check(args) => check(&args, stdout)?,
        Command::Rules(args) => {
            let text = if args.short {
                docs::table()
            } else {
                docs::all_pages()
            };
            stdout_written(stdout.write_all(text.as_bytes()))?;
            ExitStatus::Success
        }
        Command::Config(args) => {
            let resolved = settings::Resolved::from_args(&args)?;
            // Compiling proves the schema and globs work, as `check` would.
            resolved.compile()?;
            stdout_written(stdout.write_all(resolved.describe().as_bytes()))?;
            ExitStatus::Success
        }
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            // clap_complete panics when its writer fails, so the script is made in memory
            // and written like any other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "errlint", &mut script);
            stdout_written(stdout.write_all(&script))?;
            ExitStatus::Success
        }
        Command::Rule { name } => match rules::find(&name) {
            Some(rule) => {
                stdout_written(stdout.write_all(docs::page(rule).as_bytes()))?;
                ExitStatus::Success
            }
            None => {
                let hint = docs::closest_rule(&name)
                    .map(|n| format!("; did you mean {n:?}?"))
                    .unwrap_or_default();
                anyhow::bail!("no rule named {name:?}{hint} (errlint rules --short lists them)")
            }
        },
    };
    stdout_written(stdout.flush())?;
    Ok(status)
}

/// What a write to standard output comes to: a failure is an error that says so (exit 2), but
/// a reader that went away (`errlint rules | head`) is the reader's choice and no error.
pub fn stdout_written(result: io::Result<()>) -> Result<()> {
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(error).context("cannot write to standard output"))
        }
        _ => Ok(()),
    }
}

fn check(args: &CheckArgs, stdout: &mut (dyn Write + Send)) -> Result<ExitStatus> {
    if args.statistics && render::statistics(args.output_format, RenderConfig::default()).is_none()
    {
        anyhow::bail!(
            "--statistics prints a table (-f human or concise) or a JSON object (-f json), not {}",
            format_name(args.output_format)
        );
    }
    // Lets the tests prove what a panic prints, using a canary as the message, without a
    // real bug to trigger. Debug builds only: a release binary has no such switch.
    #[cfg(debug_assertions)]
    if let Some(message) = std::env::var_os("ERRLINT_DEBUG_PANIC_WITH") {
        panic!("{}", message.to_string_lossy());
    }
    let settings = Settings::resolve(args, io::stdout().is_terminal(), &|name| {
        std::env::var(name).ok()
    })?;
    let mut inputs = discover::discover(
        &args.paths,
        args.stdin_filename.as_deref(),
        settings.exclude.as_ref(),
    )?;
    // errlint's own files (a report, a baseline) inside a walked folder are never read as
    // captures, on this run or the next.
    let own_files: Vec<&Path> = [&args.output_file, &args.write_baseline, &args.baseline]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect();
    inputs.retain(|input| match &input.source {
        Source::File(path) => !own_files.iter().any(|own| same_file(path, own)),
        _ => true,
    });
    let baseline = args
        .baseline
        .as_deref()
        .map(baseline::Baseline::load)
        .transpose()?;
    let format = settings.output.format;
    let config = RenderConfig {
        color: settings.output.color && !format.is_machine(),
        quiet: settings.output.quiet,
    };
    // `-o` naming standard output, however spelled, means the report on stdout alone, as
    // without `-o` (settings decide it once).
    let report_path = args
        .output_file
        .as_ref()
        .filter(|_| settings.output.to_file);
    if report_path.is_some() || args.write_baseline.is_some() {
        output_file::install_signal_cleanup();
    }
    // With --output-file the report goes to that file (see output_file for how it is written)
    // and people get the human report on stdout.
    let mut report_file = match report_path {
        Some(path) => Some(OutputFile::create(path).with_context(|| cannot_write(path))?),
        None => None,
    };
    // The outputs, in order: the report file when there is one, then stdout.
    let destinations: Vec<String> = report_path
        .iter()
        .map(|path| cannot_write(path))
        .chain(["cannot write the report to standard output".to_string()])
        .collect();
    let outputs = match report_file.as_mut() {
        Some(file) => vec![
            emit::Output::new(
                stream_for(
                    format,
                    args.statistics,
                    RenderConfig {
                        color: false,
                        ..config
                    },
                ),
                file,
            ),
            emit::Output::new(
                stream_for(
                    cli::OutputFormat::Human,
                    args.statistics,
                    RenderConfig {
                        color: settings.output.color,
                        ..config
                    },
                ),
                stdout,
            ),
        ],
        None => vec![emit::Output::new(
            stream_for(format, args.statistics, config),
            stdout,
        )],
    };
    let recorder = args.write_baseline.as_deref().map(baseline::Recorder::new);
    let emitter = emit::Emitter::new(outputs, baseline, recorder);

    let progress = progress_bar(&inputs, &settings);
    let (summary, checked) = check_inputs(&inputs, &settings, progress.as_ref(), &emitter);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let finished = emitter.finish(summary, &checked);
    for (output, error) in finished.write_errors {
        // A closed pipe (`errlint check … | head -1`) is the reader's choice, not a failure.
        if error.kind() != io::ErrorKind::BrokenPipe {
            let destination = destinations.get(output).cloned().unwrap_or_default();
            return Err(anyhow::Error::new(error).context(destination));
        }
    }
    if let (Some(file), Some(path)) = (report_file, report_path) {
        file.commit().with_context(|| cannot_write(path))?;
    }
    if let (Some(recorder), Some(path)) = (finished.recorder, &args.write_baseline) {
        let text = recorder.render();
        OutputFile::create(path)
            .and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.commit()
            })
            .with_context(|| format!("cannot write the baseline to {}", path.display()))?;
        // Recording today's findings is the point of the run, not a failure.
        return Ok(ExitStatus::Success);
    }
    Ok(exit_status(&finished.summary, &settings))
}

/// The stream of a format, or its `--statistics` form when it has one (`check` refuses
/// `--statistics` with a format that has none before anything is read or written).
fn stream_for(
    format: cli::OutputFormat,
    statistics: bool,
    config: RenderConfig,
) -> Box<dyn render::Stream> {
    match statistics
        .then(|| render::statistics(format, config))
        .flatten()
    {
        Some(stream) => stream,
        None => render::renderer(format).stream(config),
    }
}

/// A format's name as typed after `-f`.
fn format_name(format: cli::OutputFormat) -> String {
    use clap::ValueEnum as _;
    format
        .to_possible_value()
        .map_or_else(|| format!("{format:?}"), |v| v.get_name().to_string())
}

/// The one line that says which report could not be written.
fn cannot_write(path: &Path) -> String {
    format!("cannot write the report to {}", path.display())
}

/// True when two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A progress bar on stderr for long runs when a person is watching: stderr is a terminal,
/// the report is for people, and no CI system is running us (CI sets `CI`).
fn progress_bar(inputs: &[Input], settings: &Settings) -> Option<indicatif::ProgressBar> {
    /// Below this much input a run is over before a bar would help.
    const WORTH_A_BAR: u64 = 64 * 1024 * 1024;
    let for_people = matches!(
        settings.output.format,
        cli::OutputFormat::Human | cli::OutputFormat::Concise
    );
    if !for_people
        || settings.output.quiet
        || !io::stderr().is_terminal()
        || std::env::var_os("CI").is_some()
    {
        return None;
    }
    let total: u64 = inputs
        .iter()
        .filter_map(|input| match &input.source {
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            _ => None,
        })
        .sum();
    if total < WORTH_A_BAR {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

/// Checks every input (in parallel), its findings going to `emitter` in input order;
/// returns the counts and, when recorded, the checked responses. `progress` counts the
/// bytes read.
pub fn check_inputs(
    inputs: &[Input],
    settings: &Settings,
    progress: Option<&indicatif::ProgressBar>,
    emitter: &emit::Emitter<'_>,
) -> (Summary, Vec<diagnostic::CheckedResponse>) {
    let results: Vec<_> = inputs
        .par_iter()
        .enumerate()
        .map(|(number, input)| {
            check_input(
                input,
                settings,
                progress,
                Some((emitter as &dyn emit::Offer, number)),
            )
        })
        .collect();
    let mut summary = Summary::default();
    let mut checked = Vec::new();
    for (_, file_summary, file_checked) in results {
        summary.add(&file_summary);
        checked.extend(file_checked);
    }
    (summary, checked)
}

fn check_input<'e>(
    input: &Input,
    settings: &'e Settings,
    progress: Option<&indicatif::ProgressBar>,
    emitter: Option<(&'e dyn emit::Offer, usize)>,
) -> (
    Vec<Box<Diagnostic>>,
    Summary,
    Vec<diagnostic::CheckedResponse>,
) {
    let format = settings.output.format;
    let needs = check::ReportNeeds {
        checked_responses: format == cli::OutputFormat::Junit,
        // Human and html output show excerpts; human goes to stdout beside a report file.
        excerpts: matches!(format, cli::OutputFormat::Human | cli::OutputFormat::Html)
            || settings.output.to_file,
    };
    let path = match &input.source {
        Source::File(path) => Some(path.as_path()),
        _ => None,
    };
    let mut checker = FileChecker::new(&settings.rules, input.display.clone(), path, needs);
    if let Some((emitter, number)) = emitter {
        checker = checker.emitting_to(emitter, number);
    }
    // A walked JSON file of no known structure is skipped, not read as a bare body.
    let walked;
    let load = if input.explicit {
        &settings.load
    } else {
        walked = capture::LoadOptions {
            explicit: false,
            ..settings.load.clone()
        };
        &walked
    };
    let outcome = match &input.source {
        Source::Stdin => capture::load(io::stdin(), &input.file_name, None, load, &mut checker),
        Source::File(path) => File::open(path).and_then(|file| match progress {
            Some(bar) => capture::load(
                bar.wrap_read(file),
                &input.file_name,
                Some(path),
                load,
                &mut checker,
            ),
            None => capture::load(file, &input.file_name, Some(path), load, &mut checker),
        }),
        Source::Unreadable(message) => Err(io::Error::other(message.clone())),
    };
    match outcome {
        Ok(Outcome::Loaded) => {}
        Ok(Outcome::Unrecognized) if input.explicit => checker.malformed(
            TextPos::START,
            0,
            "not a capture errlint recognises: expected a HAR, raw HTTP (curl -i), a cassette, a mock, a capture envelope, NDJSON or a JSON body".into(),
        ),
        Ok(Outcome::Unrecognized) => {
            let (_, mut summary, _) = checker.finish();
            summary.files = 0;
            summary.unrecognized_files = 1;
            return (Vec::new(), summary, Vec::new());
        }
        Err(error) => checker.malformed(TextPos::START, 0, format!("the file could not be read: {error}")),
    }
    checker.finish()
}

/// Checks one capture held in memory with the default contract and every rule at its
/// default severity. `file_name` decides the format hint and a bare body's status. The
/// simplest entry point of the library: the fuzz targets and property tests use it.
pub fn check_bytes(bytes: &[u8], file_name: &str) -> Report {
    // Compiled once: the bundled schema is part of the binary and tested; it always compiles.
    static RULES: std::sync::LazyLock<check::RuleSet> =
        std::sync::LazyLock::new(|| check::RuleSet::defaults(contract::Contract::default()));
    let rules = &*RULES;
    let needs = check::ReportNeeds {
        checked_responses: true,
        excerpts: true,
    };
    let mut checker = FileChecker::new(rules, std::sync::Arc::from(file_name), None, needs);
    // The command's own limits: fuzzing must see what users run.
    let options = capture::LoadOptions::default();
    if let Ok(Outcome::Unrecognized) = capture::load(bytes, file_name, None, &options, &mut checker)
    {
        checker.malformed(TextPos::START, 0, "not a capture errlint recognises".into());
    }
    let (diagnostics, summary, checked) = checker.finish();
    Report {
        diagnostics,
        summary,
        checked,
    }
}

/// Errors fail; warnings fail only past `--max-warnings`; `--exit-zero` wins
/// (docs/exit-codes.md).
pub fn exit_status(summary: &Summary, settings: &Settings) -> ExitStatus {
    let too_many_warnings = settings
        .max_warnings
        .is_some_and(|max| summary.warnings > max);
    if settings.exit_zero || (summary.errors == 0 && !too_many_warnings) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}
