//! The install and CI instructions (the README and `docs/ci.md`) are the files that CI checks:
//! the GitHub workflow they show is `docs/ci/github-actions.yml` (which actionlint checks), and
//! every pre-commit hook they name is defined in `.pre-commit-hooks.yaml` (whose hooks
//! `tests/pre_commit.rs` runs). Docs that drifted from them would teach a workflow or hook
//! nobody tested.

use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The documents that show the workflow and the hooks.
const DOCS: [&str; 2] = ["README.md", "docs/ci.md"];

/// The contents of each ```yaml block of a document.
fn yaml_blocks(doc: &str) -> Vec<String> {
    read(doc)
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(yaml, _)| yaml.to_string()))
        .collect()
}

#[test]
fn docs_show_the_github_workflow_that_ci_checks() {
    let workflow = read("docs/ci/github-actions.yml");
    for doc in DOCS {
        assert!(
            yaml_blocks(doc).contains(&workflow),
            "{doc}'s GitHub Actions block differs from docs/ci/github-actions.yml; paste the file"
        );
    }
}

#[test]
fn docs_name_only_defined_hooks_and_all_of_them() {
    let defined: Vec<String> = read(".pre-commit-hooks.yaml")
        .lines()
        .filter_map(|line| line.strip_prefix("- id: "))
        .map(|id| id.trim().to_string())
        .collect();
    assert_eq!(defined, ["errlint", "errlint-system"]);
    for doc in DOCS {
        let text = read(doc);
        for id in &defined {
            assert!(
                text.contains(&format!("`{id}`")),
                "{doc} does not name hook {id}"
            );
        }
        let used: Vec<String> = yaml_blocks(doc)
            .iter()
            .flat_map(|block| block.lines().map(str::to_string).collect::<Vec<_>>())
            .filter_map(|line| {
                line.trim_start()
                    .strip_prefix("- id: ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_string)
            })
            .collect();
        assert!(!used.is_empty(), "{doc} shows no pre-commit configuration");
        for id in used {
            assert!(
                defined.contains(&id),
                "{doc} uses hook {id}, which is not defined"
            );
        }
    }
}

#[test]
fn readme_states_the_minimum_rust_of_cargo_toml() {
    let manifest = read("Cargo.toml");
    let rust_version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = "))
        .map(|value| value.trim_matches('"'))
        .expect("Cargo.toml declares rust-version");
    assert!(
        read("README.md").contains(&format!("with a Rust toolchain, {rust_version} or newer")),
        "the README's install section does not say Rust {rust_version} or newer"
    );
}
