//! Everything a run needs, resolved before the first capture is read: configuration file,
//! flags, contract, rule levels, globs, output. A mistake here exits 2 before any output.
//!
//! Each resolved value remembers where it came from, so `errlint config` can show why a rule
//! is on or off.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use globset::GlobSetBuilder;

use crate::capture::LoadOptions;
use crate::cli::{CheckArgs, ColorChoice, ConfigArgs, OutputFormat};
use crate::config::{self, ConfigFile, Level, StatusKey};
use crate::contract::custom::CustomContract;
use crate::contract::profile::{Agreement, ErrorObjects};
use crate::contract::{self, Contract, DEFAULT_DOCUMENTED_STATUSES, StatusTypes};
use crate::paths::{PathGlobs, absolute};
use crate::rule_set::RuleSet;
use crate::rules::{RULES, Severity};

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Flag(flag) => write!(f, "{flag}"),
        }
    }
}

/// The configuration in force, with provenance, before output concerns.
pub struct Resolved {
    pub config_file: Option<PathBuf>,
    /// The bundled profile's name (`errlint` under a `[contract]`).
    pub profile: (String, Source),
    pub contract: Option<CustomContract>,
    pub schema: (Option<PathBuf>, Source),
    pub openapi: (Option<PathBuf>, Source),
    pub documented_statuses: (Vec<u16>, Source),
    pub urls: (Vec<String>, Source),
    pub exclude: (Vec<String>, Source),
    pub rules: BTreeMap<&'static str, (Level, Source)>,
    pub status_types: (StatusTypes, Source),
    pub overrides: Vec<config::Override>,
    pub max_warnings: (Option<usize>, Source),
    /// The folder that configuration paths and globs are relative to.
    pub base: PathBuf,
}

impl Resolved {
    /// Reads errlint.toml (named or discovered from the current directory) and applies flags.
    pub fn from_args(args: &ConfigArgs) -> Result<Self> {
        let path = match &args.config {
            Some(path) => {
                anyhow::ensure!(path.is_file(), "--config {}: no such file", path.display());
                Some(path.clone())
            }
            None => config::discover(Path::new(".")),
        };
        let file = path.as_deref().map(config::load).transpose()?;
        if let Some(name) = &args.profile {
            config::profile_name(&toml::Value::String(name.clone()))
                .map_err(|e| anyhow::anyhow!("--profile: {e}"))?;
            if name != "errlint" && file.as_ref().is_some_and(|f| f.contract.is_some()) {
                anyhow::bail!(
                    "--profile {name}: the configuration's [contract] describes the error object itself; use one or the other"
                );
            }
            if name != "errlint" && file.as_ref().is_some_and(|f| !f.status_types.is_empty()) {
                anyhow::bail!(
                    "--profile {name}: the configuration's [status-types] applies to the errlint profile; the {name} profile ties each status to its error fields itself"
                );
            }
        }
        Ok(Self::new(file, args))
    }

    fn new(file: Option<ConfigFile>, args: &ConfigArgs) -> Self {
        let from_file = Source::File(file.as_ref().map(|f| f.path.clone()).unwrap_or_default());
        let base = file
            .as_ref()
            .map_or_else(|| absolute(Path::new(".")), |f| absolute(f.dir()));
        let pick = |flag: Option<_>, name: &'static str, configured: Option<_>, default| match (
            flag, configured,
        ) {
            (Some(v), _) => (v, Source::Flag(name)),
            (None, Some(v)) => (v, from_file.clone()),
            (None, None) => (default, Source::Default),
        };
        let file_ref = file.as_ref();
        let schema = match (&args.schema, file_ref.and_then(|f| f.schema.as_ref())) {
            (Some(flag), _) => (Some(flag.clone()), Source::Flag("--schema")),
            (None, Some(path)) => (
                Some(
                    file_ref
                        .map_or_else(PathBuf::new, |f| f.dir().to_path_buf())
                        .join(path),
                ),
                from_file.clone(),
            ),
            (None, None) => (None, Source::Default),
        };
        let openapi = match (&args.openapi, file_ref.and_then(|f| f.openapi.as_ref())) {
            (Some(flag), _) => (Some(flag.clone()), Source::Flag("--openapi")),
            (None, Some(path)) => (
                Some(
                    file_ref
                        .map_or_else(PathBuf::new, |f| f.dir().to_path_buf())
                        .join(path),
                ),
                from_file.clone(),
            ),
            (None, None) => (None, Source::Default),
        };
        let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        let urls = pick(
            non_empty(&args.urls),
            "--url",
            file_ref.and_then(|f| f.urls.clone()),
            Vec::new(),
        );
        let exclude = pick(
            non_empty(&args.excludes),
            "--exclude",
            file_ref.and_then(|f| f.exclude.clone()),
            Vec::new(),
        );
        let documented = match file_ref.and_then(|f| f.documented_statuses.clone()) {
            Some(statuses) => (statuses, from_file.clone()),
            None => (DEFAULT_DOCUMENTED_STATUSES.to_vec(), Source::Default),
        };
        let max_warnings = match args.max_warnings {
            Some(n) => (Some(n), Source::Flag("--max-warnings")),
            None => (None, Source::Default),
        };
        let mut rules: BTreeMap<&'static str, (Level, Source)> = RULES
            .iter()
            .map(|r| (r.name, (Some(r.default_severity), Source::Default)))
            .collect();
        for (name, level) in file_ref.map(|f| f.rules.clone()).unwrap_or_default() {
            rules.insert(name, (level, from_file.clone()));
        }
        let profile = match (&args.profile, file_ref.and_then(|f| f.profile.clone())) {
            (Some(name), _) => (name.clone(), Source::Flag("--profile")),
            (None, Some(name)) => (name, from_file.clone()),
            (None, None) => ("errlint".to_string(), Source::Default),
        };
        let contract = file_ref.and_then(|f| f.contract.clone());
        // A custom contract's types are its own: the default mapping names none of them.
        let mut status_types = if contract.is_some() {
            StatusTypes {
                exact: BTreeMap::new(),
                classes: BTreeMap::new(),
            }
        } else {
            StatusTypes::default()
        };
        let mut types_source = Source::Default;
        for (key, kind) in file_ref.map(|f| f.status_types.clone()).unwrap_or_default() {
            types_source = from_file.clone();
            match key {
                StatusKey::Exact(code) => status_types.exact.insert(code, kind),
                StatusKey::Class(class) => status_types.classes.insert(class, kind),
            };
        }
        Self {
            config_file: file.as_ref().map(|f| f.path.clone()),
            profile,
            contract,
            schema,
            openapi,
            documented_statuses: documented,
            urls,
            exclude,
            rules,
            status_types: (status_types, types_source),
            overrides: file.map(|f| f.overrides).unwrap_or_default(),
            max_warnings,
            base,
        }
    }

    /// Compiles the schema and globs into the rule set, load options and excludes.
    pub fn compile(&self) -> Result<(RuleSet, LoadOptions, Option<PathGlobs>)> {
        let mut contract = Contract::for_profile(self.profile())?;
        if let Some(path) = &self.schema.0 {
            contract.schema = contract::load_schema(path)?;
        }
        contract.documented_statuses = self.documented_statuses.0.clone();
        contract.status_types = self.status_types.0.clone();
        if let Some(custom) = &self.contract {
            contract.types = custom.types.clone();
        }
        let openapi = self
            .openapi
            .0
            .as_deref()
            .map(|path| {
                crate::openapi::Description::load(path).map_err(|e| {
                    let key = match self.openapi.1 {
                        Source::Flag(_) => "--openapi".to_string(),
                        _ => format!("{}: openapi", self.openapi.1),
                    };
                    anyhow::anyhow!("{key}: {e:#}")
                })
            })
            .transpose()?;
        let levels = self
            .rules
            .iter()
            .map(|(name, (level, _))| (*name, *level))
            .collect();
        let overrides = self
            .overrides
            .iter()
            .map(|o| {
                Ok((
                    PathGlobs::new(&o.paths, &self.base, "[[overrides]] paths")?,
                    o.rules.clone(),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let url_filter = if self.urls.0.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for pattern in &self.urls.0 {
                let what = if matches!(self.urls.1, Source::Flag(_)) {
                    "--url"
                } else {
                    "urls"
                };
                builder.add(
                    globset::Glob::new(pattern)
                        .with_context(|| format!("{what} {pattern:?} is not a valid glob"))?,
                );
            }
            Some(std::sync::Arc::new(builder.build()?))
        };
        let exclude = if self.exclude.0.is_empty() {
            None
        } else {
            // `--exclude` globs are relative to where errlint runs; the file's to the file.
            let base = if matches!(self.exclude.1, Source::Flag(_)) {
                absolute(Path::new("."))
            } else {
                self.base.clone()
            };
            Some(PathGlobs::new(&self.exclude.0, &base, "exclude")?)
        };
        Ok((
            RuleSet {
                contract,
                levels,
                overrides,
                openapi,
            },
            LoadOptions {
                url_filter,
                ..LoadOptions::default()
            },
            exclude,
        ))
    }

    /// The profile in force: the `[contract]`'s, else the bundled one named.
    pub fn profile(&self) -> contract::Profile {
        match &self.contract {
            Some(custom) => custom.profile(),
            None => contract::find_profile(&self.profile.0)
                .unwrap_or(&contract::profiles::errlint::PROFILE)
                .clone(),
        }
    }

    /// Whether `[status-types]` means anything under the profile in force.
    fn maps_types(&self) -> bool {
        self.profile()
            .agreement
            .iter()
            .any(|a| matches!(a, Agreement::TypeForStatus { .. }))
    }

    /// The text `errlint config` prints: TOML with the source of each value as a comment.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        match &self.config_file {
            Some(path) => {
                let _ = writeln!(out, "# configuration file: {}", path.display());
            }
            None => out.push_str("# no errlint.toml found: defaults and flags only\n"),
        }
        let line = |out: &mut String, key: &str, value: String, source: &Source| {
            let _ = writeln!(out, "{:<52} # {source}", format!("{key} = {value}"));
        };
        let schema = self.schema.0.as_ref().map_or_else(
            || "\"(bundled)\"".to_string(),
            |p| format!("{:?}", p.display().to_string()),
        );
        let profile = self.profile();
        let profile_name = if self.contract.is_some() {
            "\"custom\"".to_string()
        } else {
            format!("{:?}", self.profile.0)
        };
        let profile_source = match (&self.contract, &self.config_file) {
            (Some(_), Some(path)) => Source::File(path.clone()),
            _ => self.profile.1.clone(),
        };
        line(&mut out, "profile", profile_name, &profile_source);
        describe_contract(&mut out, &profile);
        let schema = if self.schema.0.is_none() && profile.name != "errlint" {
            format!("\"(bundled: {})\"", profile.name)
        } else {
            schema
        };
        line(&mut out, "schema", schema, &self.schema.1);
        let openapi = self.openapi.0.as_ref().map_or_else(
            || "\"(none)\"".to_string(),
            |p| format!("{:?}", p.display().to_string()),
        );
        line(&mut out, "openapi", openapi, &self.openapi.1);
        line(
            &mut out,
            "documented-statuses",
            format!("{:?}", self.documented_statuses.0),
            &self.documented_statuses.1,
        );
        line(&mut out, "urls", format!("{:?}", self.urls.0), &self.urls.1);
        line(
            &mut out,
            "exclude",
            format!("{:?}", self.exclude.0),
            &self.exclude.1,
        );
        let max = self
            .max_warnings
            .0
            .map_or_else(|| "\"(no limit)\"".to_string(), |n| n.to_string());
        line(&mut out, "max-warnings", max, &self.max_warnings.1);
        out.push_str("\n[rules]\n");
        for rule in RULES {
            if let Some((level, source)) = self.rules.get(rule.name) {
                let level = match level {
                    Some(Severity::Error) => "\"error\"",
                    Some(Severity::Warning) => "\"warning\"",
                    None => "\"off\"",
                };
                line(&mut out, rule.name, level.to_string(), source);
            }
        }
        if let Some(custom) = &self.contract {
            let source = Source::File(self.config_file.clone().unwrap_or_default());
            out.push_str("\n[contract]\n");
            line(
                &mut out,
                "error-object",
                format!("{:?}", custom.error_object),
                &source,
            );
            line(
                &mut out,
                "type-field",
                format!("{:?}", custom.type_field),
                &source,
            );
            line(&mut out, "types", format!("{:?}", custom.types), &source);
        }
        if !self.maps_types() {
            out.push_str(&self.describe_overrides());
            return out;
        }
        out.push_str("\n[status-types]\n");
        let types = &self.status_types.0;
        for (code, kind) in &types.exact {
            line(
                &mut out,
                &format!("\"{code}\""),
                format!("{kind:?}"),
                &self.status_types.1,
            );
        }
        for (class, kind) in &types.classes {
            line(
                &mut out,
                &format!("\"{class}xx\""),
                format!("{kind:?}"),
                &self.status_types.1,
            );
        }
        out.push_str(&self.describe_overrides());
        out
    }

    fn describe_overrides(&self) -> String {
        let mut out = String::new();
        for o in &self.overrides {
            out.push_str("\n[[overrides]]\n");
            let _ = writeln!(out, "paths = {:?}", o.paths);
            let rules: Vec<String> = o
                .rules
                .iter()
                .map(|(name, level)| {
                    format!("{name} = \"{}\"", level.map_or("off", Severity::as_str))
                })
                .collect();
            let _ = writeln!(out, "rules = {{ {} }}", rules.join(", "));
        }
        out
    }
}

/// The contract a profile describes, as comments under `profile = …` in `errlint config`.
fn describe_contract(out: &mut String, profile: &contract::Profile) {
    let _ = writeln!(out, "#   {} ({})", profile.title, profile.reference);
    let objects = match &profile.error_objects {
        ErrorObjects::One(at) if at.is_empty() => "the body".to_string(),
        ErrorObjects::One(at) => format!("the object at {at}"),
        ErrorObjects::Each(at) => format!("each object of the array at {at}"),
    };
    let _ = writeln!(out, "#   error object: {objects}");
    for agreement in profile.agreement.iter() {
        let text = match agreement {
            Agreement::TypeForStatus { field } => {
                format!(
                    "{} is the type [status-types] requires",
                    field.trim_start_matches('/')
                )
            }
            Agreement::EqualsStatus {
                field,
                general_class,
                ..
            } => format!(
                "{}, when present, equals the HTTP status{}",
                field.trim_start_matches('/'),
                if *general_class {
                    " (or the status is the general class of differing ones)"
                } else {
                    ""
                }
            ),
            Agreement::NameForStatus { field, names } => format!(
                "{} is a name standing for the HTTP status ({} names)",
                field.trim_start_matches('/'),
                names.len()
            ),
        };
        let _ = writeln!(out, "#   status agreement: {text}");
    }
    let media = profile.media_type.unwrap_or("any JSON media type");
    let _ = writeln!(out, "#   error content type: {media}");
    let field = |f: Option<&str>| {
        f.map_or_else(
            || "(none: rule skipped)".to_string(),
            |f| f.trim_start_matches('/').replace('/', "."),
        )
    };
    let _ = writeln!(
        out,
        "#   fields read: code-format {}, param-format {}, message-leaks-internals {}",
        field(profile.code),
        field(profile.param),
        field(profile.message)
    );
}

/// The resolved settings of one `errlint check`.
pub struct Settings {
    pub rules: RuleSet,
    pub load: LoadOptions,
    pub exclude: Option<PathGlobs>,
    pub output: OutputSettings,
    pub exit_zero: bool,
    pub max_warnings: Option<usize>,
}

/// How the report is shown.
#[derive(Clone, Copy, Debug)]
pub struct OutputSettings {
    pub format: OutputFormat,
    /// The report goes to `--output-file`, and the human report to stdout. False when that
    /// file is the file or pipe standard output is open on (`/dev/stdout`, `/proc/self/fd/1`,
    /// a link to them, the file the shell redirected stdout to): the report then goes to
    /// stdout alone, as without `-o`, since a human report beside it would land in the same
    /// file and break it. A terminal shows both, as it would any two outputs.
    pub to_file: bool,
    pub color: bool,
    pub quiet: bool,
}

impl Settings {
    /// Resolves the command line and configuration. `stdout_is_terminal` and the environment
    /// decide colour.
    pub fn resolve(
        args: &CheckArgs,
        stdout_is_terminal: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let resolved = Resolved::from_args(&args.config)?;
        let (rules, load, exclude) = resolved.compile()?;
        Ok(Self {
            rules,
            load,
            exclude,
            output: OutputSettings {
                format: args.output_format,
                to_file: args.output_file.as_deref().is_some_and(|path| {
                    stdout_is_terminal || !crate::output_file::is_standard_output(path)
                }),
                color: use_color(args.color, stdout_is_terminal, env),
                quiet: args.quiet,
            },
            exit_zero: args.exit_zero,
            max_warnings: resolved.max_warnings.0,
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

    #[test]
    fn absolute_paths_resolve_dots_lexically() {
        assert_eq!(absolute(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = config::parse(
            "urls = [\"https://a/*\"]\nexclude = [\"x/**\"]\n[rules]\ncode-format = \"off\"",
            Path::new("/repo/errlint.toml"),
        )
        .unwrap();
        let args = ConfigArgs {
            urls: vec!["https://b/*".into()],
            max_warnings: Some(3),
            ..ConfigArgs::default()
        };
        let resolved = Resolved::new(Some(file), &args);
        assert_eq!(
            resolved.urls,
            (vec!["https://b/*".to_string()], Source::Flag("--url"))
        );
        assert_eq!(
            resolved.exclude,
            (
                vec!["x/**".to_string()],
                Source::File(PathBuf::from("/repo/errlint.toml"))
            )
        );
        assert_eq!(
            resolved.rules["code-format"],
            (None, Source::File(PathBuf::from("/repo/errlint.toml")))
        );
        assert_eq!(
            resolved.rules["schema"],
            (Some(Severity::Error), Source::Default)
        );
        assert_eq!(resolved.max_warnings.0, Some(3));
        let text = resolved.describe();
        assert!(text.contains("code-format = \"off\""), "{text}");
        assert!(text.contains("# --url"), "{text}");
    }
}
