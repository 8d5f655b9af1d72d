//! The OpenAPI description loader behind `--openapi`: the first byte picks the file name
//! (`fuzz.yaml` or `fuzz.json`; the loader tells JSON from YAML by content either way), the
//! rest is written to a file in this process's own temporary folder and loaded. An error is
//! a fine answer (the loader returns one for any broken description); a panic, running out
//! of memory or time is not. A description that loads is matched against a few fixed
//! requests and against every path-like string in the input, its templates included, and
//! each matched operation is asked what it documents.
#![no_main]
use std::path::PathBuf;
use std::sync::LazyLock;

use errlint::openapi::{Description, Match};
use libfuzzer_sys::fuzz_target;

/// One folder per process, so that two fuzzers (or forks) never share the file.
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("errlint-fuzz-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
});

const METHODS: [&str; 5] = ["GET", "POST", "HEAD", "delete", "PATCH"];
const URLS: [&str; 6] = [
    "https://api.example.com/",
    "https://api.example.com/v1/orders/42",
    "http://localhost/a/b/c?x=1#f",
    "/relative/path",
    "",
    "https://h/%7Bid%7D/%2F/..//x",
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/json"),
    Some("application/problem+json; charset=utf-8"),
    Some("text/*"),
];

/// Strings in the input that start with `/`, with `{…}` parameters filled in: the paths
/// its templates would match.
fn paths_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('/').take(64) {
        let rest = &text[at..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ':' | ','))
            .unwrap_or(rest.len());
        let mut path = String::new();
        let mut in_param = false;
        for c in rest[..end].chars() {
            match c {
                '{' => in_param = true,
                '}' if in_param => {
                    in_param = false;
                    path.push('x');
                }
                _ if !in_param => path.push(c),
                _ => {}
            }
        }
        out.push(path);
        if out.len() >= 16 {
            break;
        }
    }
    out
}

fn ask(description: &Description, method: &str, url: &str) {
    if let Match::Operation(matched) = description.match_request(Some(method), Some(url)) {
        let _ = matched.template();
        let _ = matched.name();
        for code in [200, 400, 404, 422, 500, 599] {
            let _ = matched.operation.documents(code);
            for content_type in CONTENT_TYPES {
                let _ = matched.operation.schema_for(code, content_type);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let path = DIR.join(if pick % 2 == 0 {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    });
    std::fs::write(&path, text).unwrap();
    let loaded = Description::load(&path);
    let _ = std::fs::remove_file(&path);
    let Ok(description) = loaded else { return };
    let _ = description.operation_count();
    let _ = description.match_request(None, Some("/"));
    let _ = description.match_request(Some("GET"), None);
    for method in METHODS {
        for url in URLS {
            ask(&description, method, url);
        }
    }
    for path in paths_in(&String::from_utf8_lossy(text)) {
        for method in ["GET", "POST", "PUT"] {
            ask(&description, method, &path);
            ask(
                &description,
                method,
                &format!("https://api.example.com{path}"),
            );
        }
    }
});
