//! The command line, as clap derive types only: what the user typed, nothing resolved.
//!
//! `settings.rs` turns these into everything a run needs before the first file is read.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Lints captured HTTP API responses against the platform's error contract.
#[derive(Debug, Parser)]
#[command(name = "errlint", version = env!("ERRLINT_VERSION"), about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check captures: HAR files, raw HTTP (curl -i), envelopes, NDJSON and bare bodies.
    Check(CheckArgs),
    /// Show the docs of every rule.
    Rules(RulesArgs),
    /// Show the docs of one rule.
    Rule {
        /// The rule's name, e.g. status-type-mismatch.
        name: String,
    },
    /// Show the resolved configuration and where each value came from.
    Config(ConfigArgs),
    /// Print a shell completion script to stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Print one line per rule (name, default severity, summary) instead of every page.
    #[arg(long)]
    pub short: bool,
}

/// Flags that override errlint.toml; shared by `check` and `config`.
#[derive(Debug, Default, clap::Args)]
pub struct ConfigArgs {
    /// Use this configuration file instead of discovering errlint.toml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Check against this error convention: errlint (default), problem-details (RFC 9457),
    /// google (AIP-193) or jsonapi (JSON:API 1.1). Replaces `profile` from errlint.toml.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Use this error schema instead of the configured or bundled one.
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,

    /// Use this OpenAPI description (3.0 or 3.1, YAML or JSON) for per-operation statuses and
    /// error schemas instead of the configured one.
    #[arg(long, value_name = "PATH")]
    pub openapi: Option<PathBuf>,

    /// Check only HAR entries whose request URL (without query string) matches GLOB, and
    /// then every one of them; repeatable. Replaces `urls` from errlint.toml.
    #[arg(long = "url", value_name = "GLOB")]
    pub urls: Vec<String>,

    /// Skip files and folders matching GLOB (relative to the current directory); repeatable.
    /// Replaces `exclude` from errlint.toml.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Fail when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories are walked); `-` reads stdin.
    /// Defaults to the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = OutputFormat::Human)]
    pub output_format: OutputFormat,

    /// Write the report in the --output-format to PATH (atomically); stdout then shows the
    /// human report, so one run can print findings and save a SARIF file.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// When to colour human output (honours NO_COLOR and CLICOLOR_FORCE in auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only the findings: no summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print counts instead of findings: by rule, then by endpoint (METHOD /path/{id}) and
    /// rule, most frequent first. A table, or a JSON object with -f json.
    #[arg(long)]
    pub statistics: bool,

    /// Exit 0 even when there are errors (exit 2 still reports that errlint failed).
    #[arg(long)]
    pub exit_zero: bool,

    /// The file name to report for stdin (`-`); also gives its format and, for a bare
    /// body, its status (e.g. get_customer.404.json).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE (sorted JSON, fit to commit) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// rustc-style, with the body shown and the field pointed at.
    Human,
    /// One line per finding: FILE:LINE:COL: SEVERITY[rule] message.
    Concise,
    /// The stable JSON report (docs/output-formats.md).
    Json,
    /// One diagnostic object a line (the `json` diagnostics' fields), flushed as found.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test case per checked response.
    Junit,
    /// GitHub Actions workflow commands: annotations on the files.
    Github,
    /// GitLab Code Quality JSON, for merge request widgets.
    Gitlab,
    /// One self-contained HTML page: summary, endpoints by rules, grouped findings.
    Html,
}

impl OutputFormat {
    /// Every format, for code that must treat them all alike (tests, fuzzing).
    pub const ALL: [OutputFormat; 9] = [
        OutputFormat::Human,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Sarif,
        OutputFormat::Junit,
        OutputFormat::Github,
        OutputFormat::Gitlab,
        OutputFormat::Html,
    ];

    /// Formats for machines: their output is always a valid document and never coloured.
    pub fn is_machine(self) -> bool {
        matches!(
            self,
            OutputFormat::Json
                | OutputFormat::Jsonl
                | OutputFormat::Sarif
                | OutputFormat::Junit
                | OutputFormat::Gitlab
                | OutputFormat::Html
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
