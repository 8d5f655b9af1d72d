//! errlint's own reference in `docs/` stays true to the code: `docs/rules.md` is generated
//! from the rules' docs (as clippy keeps its lint list), and every page the docs, README and
//! source comments link to exists.
//!
//! After changing a rule's docs: `UPDATE_DOCS=1 cargo test --test docs` rewrites the page.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_rules_page_is_generated_from_the_rules() {
    let path = root().join("docs/rules.md");
    let generated = errlint::docs::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date with the rules' docs; regenerate it with \
         `UPDATE_DOCS=1 cargo test --test docs` and commit it"
    );
    for rule in errlint::rules::RULES {
        assert!(
            committed.contains(&format!("\n## {}\n", rule.name)),
            "{}",
            rule.name
        );
    }
}

/// `docs/NAME.md` links in Markdown files and in source comments.
fn linked_pages(text: &str) -> Vec<String> {
    let link = regex::Regex::new(r"docs/([a-z0-9-]+\.md)|\]\(([a-z0-9-]+\.md)").unwrap();
    link.captures_iter(text)
        .filter_map(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
        .collect()
}

fn files_under(dir: &Path, extension: &str, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, extension, found);
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
}

#[test]
fn every_linked_docs_page_exists_and_nothing_cites_the_internal_spec() {
    let mut files = vec![root().join("README.md")];
    files_under(&root().join("docs"), "md", &mut files);
    files_under(&root().join("src"), "rs", &mut files);
    files_under(&root().join("tests"), "rs", &mut files);
    let spec_citation = regex::Regex::new(r"SPEC §|SPEC\.md").unwrap();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for page in linked_pages(&text) {
            assert!(
                root().join("docs").join(&page).exists(),
                "{} links to docs/{page}, which does not exist",
                file.display()
            );
        }
        if file.ends_with("tests/docs.rs") {
            continue;
        }
        assert!(
            !spec_citation.is_match(&text),
            "{} cites a document users cannot open; cite its docs/ page",
            file.display()
        );
    }
}
