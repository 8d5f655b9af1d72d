//! Everything a run needs, resolved before the first capture is read: rules and contract,
//! globs, output format and colour. A mistake here exits 2 before any output.

use anyhow::{Context as _, Result};
use globset::{Glob, GlobSetBuilder};

use crate::capture::LoadOptions;
use crate::check::RuleSet;
use crate::cli::{CheckArgs, ColorChoice, OutputFormat};
use crate::contract::Contract;

/// The resolved settings of one `errlint check`.
pub struct Settings {
    pub rules: RuleSet,
    pub load: LoadOptions,
    pub output: OutputSettings,
    pub exit_zero: bool,
    pub max_warnings: Option<usize>,
}

/// How the report is shown.
#[derive(Clone, Copy, Debug)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub color: bool,
    pub quiet: bool,
}

impl Settings {
    /// Resolves the command line. `stdout_is_terminal` and the environment decide colour.
    pub fn resolve(
        args: &CheckArgs,
        stdout_is_terminal: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let url_filter = if args.urls.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for pattern in &args.urls {
                builder.add(
                    Glob::new(pattern)
                        .with_context(|| format!("--url {pattern:?} is not a valid glob"))?,
                );
            }
            Some(builder.build().context("--url globs do not compile")?)
        };
        Ok(Self {
            rules: RuleSet::defaults(Contract::bundled()?),
            load: LoadOptions {
                url_filter,
                ..LoadOptions::default()
            },
            output: OutputSettings {
                format: args.output_format,
                color: use_color(args.color, stdout_is_terminal, env),
                quiet: args.quiet,
            },
            exit_zero: args.exit_zero,
            max_warnings: args.max_warnings,
        })
    }
}

/// `--color`, then NO_COLOR (https://no-color.org), then CLICOLOR_FORCE, then the terminal.
pub fn use_color(
    choice: ColorChoice,
    stdout_is_terminal: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                stdout_is_terminal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn colour_follows_flag_then_environment_then_terminal() {
        assert!(use_color(
            ColorChoice::Always,
            false,
            &env(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Never,
            true,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            true,
            &env(&[("NO_COLOR", "1")])
        ));
        assert!(use_color(
            ColorChoice::Auto,
            true,
            &env(&[("NO_COLOR", "")])
        ));
        assert!(use_color(
            ColorChoice::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!use_color(ColorChoice::Auto, false, &env(&[])));
        assert!(use_color(ColorChoice::Auto, true, &env(&[])));
    }
}
