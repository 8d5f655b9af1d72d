//! Endpoint names on the URLs of real captures: every HAR of the shared corpus and of
//! `testdata/`. Identifiers must fold into `{id}` so counts by endpoint mean something, and
//! words must never fold, or two endpoints would be counted as one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use errlint::endpoint::{is_identifier, path_of, template_of};

mod support;

fn hars_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            hars_under(&path, found);
        } else if path.extension().is_some_and(|e| e == "har") {
            found.push(path);
        }
    }
}

/// The request URLs of every HAR that parses.
fn real_urls() -> Option<Vec<String>> {
    let corpus = support::shared("corpus/har")?;
    let mut files = Vec::new();
    hars_under(&corpus, &mut files);
    hars_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut files,
    );
    let mut urls = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        // Broken HARs are in the corpus on purpose; they have no URLs to read.
        let Ok(har) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            continue;
        };
        for entry in har["log"]["entries"].as_array().into_iter().flatten() {
            if let Some(url) = entry["request"]["url"].as_str() {
                urls.push(url.to_string());
            }
        }
    }
    assert!(urls.len() > 500, "only {} URLs read", urls.len());
    Some(urls)
}

#[test]
fn real_identifiers_fold_and_real_words_stay() {
    let Some(urls) = real_urls() else {
        return;
    };
    let segments: BTreeSet<&str> = urls
        .iter()
        .flat_map(|url| path_of(url).split('/'))
        .collect();
    let ids = [
        "10001",
        "15064852172826283141",
        "C726AB29-0470-440B-B8D2-D552CED3A3DC",
        "f12a80907d0884e6dff9c16d0c0114d81b8cd07dc3ae54c5e962cc83037e",
        "f28c129b0bea30c",
        "eyJhbm9ueW1vdXMiOnRydWUsImtleSI6Im1pbnQtYW5kcm9pZCJ9",
    ];
    let words = [
        "customers",
        "orders",
        "users",
        "v1",
        "graphql",
        "searchbox",
        "cus_missing",
        "gen_204",
        "generate_204",
        "Main_Page",
        "user-lists",
        "issue-23",
        "www-embed-player-vflljwD9V",
    ];
    for segment in ids.iter().chain(&words) {
        assert!(
            segments.contains(segment),
            "{segment} is no longer in a real capture; pick another real example"
        );
    }
    for id in ids {
        assert!(is_identifier(id), "{id} should fold into {{id}}");
    }
    for word in words {
        assert!(!is_identifier(word), "{word} should stay a word");
    }
    // No segment of plain words, in any real capture, ever folds.
    let folded_words: Vec<&&str> = segments
        .iter()
        .filter(|s| {
            s.bytes()
                .all(|b| b.is_ascii_alphabetic() || b"-_.:".contains(&b))
                && is_identifier(s)
        })
        .collect();
    assert!(folded_words.is_empty(), "{folded_words:?}");
}

#[test]
fn real_urls_become_templates() {
    let Some(urls) = real_urls() else {
        return;
    };
    let templates: BTreeSet<String> = urls.iter().map(|url| template_of(path_of(url))).collect();
    let uuid = "C726AB29-0470-440B-B8D2-D552CED3A3DC";
    let with_uuid = urls.iter().find(|url| url.contains(uuid)).unwrap();
    let template = template_of(path_of(with_uuid));
    assert!(
        template.contains("/{id}") && !template.contains(uuid),
        "{template}"
    );
    assert!(
        templates.iter().all(|t| !t.contains('?')),
        "no query strings"
    );
    // Folding merges many URLs into fewer endpoints, never the other way round.
    let paths: BTreeSet<&str> = urls.iter().map(|url| path_of(url)).collect();
    assert!(templates.len() < paths.len());
}
