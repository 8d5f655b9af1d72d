//! The rules in force for a run: every rule's level from defaults, errlint.toml and
//! `[[overrides]]`, and the contract they measure against.
//!
//! Resolved by settings before the first capture is read and only read afterwards by the
//! checker; it never reads captures or prints.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Level;
use crate::contract::Contract;
use crate::paths::PathGlobs;
use crate::rules::{self, Rule, Severity};

/// The rules in force and what they measure against, resolved before the first file.
pub struct RuleSet {
    pub contract: Contract,
    /// Every rule's level from defaults and errlint.toml's `[rules]`.
    pub levels: BTreeMap<&'static str, Level>,
    /// `[[overrides]]`: levels for files matching their globs, applied in order.
    pub overrides: Vec<(PathGlobs, BTreeMap<&'static str, Level>)>,
    /// The API's OpenAPI description, when one is configured: per-operation statuses and
    /// error schemas.
    pub openapi: Option<crate::openapi::Description>,
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
            openapi: None,
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
