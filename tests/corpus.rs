//! The real-world corpus (`../shared/corpus`, captures written by ~25 real tools): errlint
//! never crashes on any of them, reports no `malformed-capture` on a valid HAR or raw HTTP
//! file, and reports the deliberately broken ones. Skipped, with a note, when the corpus is
//! not beside the project (a user's clone).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Negative inputs of the corpus's MANIFEST: not valid HARs.
const BROKEN: [&str; 5] = [
    "har/janodvarko__harviewer__not-json.har",
    "har/janodvarko__harviewer__not-valid.har",
    "har/mitmproxy__mitmproxy__corrupted-brokenfile.har",
    "har/mitmproxy__mitmproxy__har_extractor.har",
    "har/haralyzer__haralyzer__single_entry.har",
];

mod support;

fn corpus() -> Option<PathBuf> {
    support::shared("corpus")
}

fn check(args: &[&Path]) -> (i32, Value) {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .arg("check")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: bad json ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn rules_of(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_har_and_raw_http_file_file_by_file() {
    let Some(corpus) = corpus() else { return };
    let mut seen = 0;
    for folder in ["har", "raw-http"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let name = format!("{folder}/{}", file.file_name().unwrap().to_string_lossy());
            let (code, report) = check(&[&file]);
            assert!(code == 0 || code == 1, "{name}: exit {code}");
            let malformed = rules_of(&report)
                .iter()
                .filter(|r| *r == "malformed-capture")
                .count();
            if BROKEN.contains(&name.as_str()) {
                assert_eq!(
                    malformed, 1,
                    "{name} is broken and must be reported once: {report}"
                );
            } else if name.ends_with("har-sha1-main-response.txt") {
                // A Playwright sidecar body (plain text), named explicitly: not a capture.
                assert_eq!(malformed, 1, "{name}");
            } else {
                assert_eq!(
                    malformed, 0,
                    "{name} is valid but was reported malformed: {report}"
                );
            }
            seen += 1;
        }
    }
    assert!(seen >= 100, "only {seen} corpus files");
}

#[test]
fn the_whole_corpus_in_one_walk() {
    let Some(corpus) = corpus() else { return };
    let (code, report) = check(&[&corpus.join("har"), &corpus.join("raw-http")]);
    assert_eq!(code, 1);
    let summary = &report["summary"];
    // The Playwright sidecar .txt is in no known format, and mitmproxy's broken_headers.json
    // is JSON of no known structure without a status in its name: both skipped and counted.
    assert_eq!(summary["unrecognized_files"], 2);
    assert!(summary["files"].as_u64().unwrap() >= 100);
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let file = d["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        by_file
            .entry(file)
            .or_default()
            .push(d["rule"].as_str().unwrap().to_string());
    }
    let rules = |file: &str| by_file.get(file).cloned().unwrap_or_default();
    // Polly.JS stored this 404 body as hex chunks of gzip: decoded, it is a Spotify error.
    assert!(
        rules("neviaumi__spotify-music-player__polly-spotify-category-404-gzip-hexarray.har")
            .contains(&"schema".to_string())
    );
    // Brotli and gzip bodies in Fiddler's raw captures decode to valid JSON.
    assert_eq!(
        rules("joelverhagen__SAZ__saz-raw-3_s-brotli.txt"),
        Vec::<String>::new()
    );
    assert_eq!(
        rules("joelverhagen__SAZ__saz-raw-5_s-gzip.txt"),
        Vec::<String>::new()
    );
    // A BOM before the HAR is no problem.
    assert_eq!(
        rules("mitmproxy__mitmproxy__hardfiles-with-bom.har"),
        Vec::<String>::new()
    );
    // A 204 with a `{}` body, as a PayPal fixture has it.
    assert_eq!(
        rules("thephpleague__omnipay-paypal__RestGenericSubscriptionSuccess.txt"),
        ["body-on-no-content"]
    );
    // Browsers fill 304 entries from their cache: no body-on-no-content on them.
    assert!(!rules("mitmproxy__mitmproxy__brave.har").contains(&"body-on-no-content".to_string()));
}

#[test]
fn failed_requests_are_skipped_and_counted() {
    let Some(corpus) = corpus() else { return };
    let (_, report) =
        check(&[&corpus.join("har/mitmproxy__mitmproxy__chrome-timed_out-status0.har")]);
    assert_eq!(report["summary"]["responses"], 33);
    assert!(
        report["summary"]["skipped"].as_u64().unwrap() >= 21,
        "{}",
        report["summary"]
    );
}

/// One line per file (`folder/name: N responses, N checked, N skipped`), then one per
/// finding (`rule:line:column response N /pointer`), as `tests/expected/corpus-mocks.txt`
/// holds them.
fn describe(name: &str, report: &Value) -> String {
    let s = &report["summary"];
    let mut text = format!(
        "{name}: {} responses, {} checked, {} skipped\n",
        s["responses"], s["checked"], s["skipped"]
    );
    for d in report["diagnostics"].as_array().unwrap() {
        let line = format!(
            "  {}:{}:{} response {} {}",
            d["rule"].as_str().unwrap(),
            d["line"],
            d["column"],
            d["response"],
            d["pointer"].as_str().unwrap_or("")
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// Mocks, archives and the rest of `other/`, file by file, each named explicitly: nock
/// fixtures (octokit),
/// WireMock mappings (hub4j/github-api, wiremock), Postman collections (Adyen, postmanlabs,
/// transferwise), WARC (warcio), Fiddler SAZ. Every finding was checked against the file:
/// GitHub's `{"message", "documentation_url"}` errors and Adyen's RFC 7807 bodies break the
/// default contract (`schema` at the body's object, `/type` at Adyen's URL-valued type);
/// the SAZ's `/stream/5` session is NDJSON served as `application/json` (`invalid-json`
/// at its second line); postmanlabs' examples say `application/json` over the text
/// `response body`. A mapping whose `bodyFileName` has no `__files` beside it is one
/// `malformed-capture` at that field.
///
/// Not captures errlint reads, and so expected as they are: curl's test-suite case files
/// (`other/curl__*`) are XML test definitions whose responses sit inside `<data>` with
/// harness placeholders (`%TESTNUMBER`, `%SP`) and line ends the harness fixes at run time.
/// Named explicitly, each is in no known format (one finding); a walk skips and counts them.
/// mitmproxy's `.zhar` is a zlib-deflated HAR, read as the HAR it holds.
#[test]
fn mocks_and_archives_file_by_file() {
    let Some(corpus) = corpus() else { return };
    let mut got = String::new();
    for folder in ["other", "postman", "wiremock"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let name = format!("{folder}/{}", file.file_name().unwrap().to_string_lossy());
            let (code, report) = check(&[&file]);
            assert!(code == 0 || code == 1, "{name}: exit {code}");
            got.push_str(&describe(&name, &report));
        }
    }
    let expected = include_str!("expected/corpus-mocks.txt");
    for (got, expected) in got.lines().zip(expected.lines()) {
        assert_eq!(got, expected);
    }
    assert_eq!(got.lines().count(), expected.lines().count(), "{got}");
}

/// The hub4j mapping and its body file, laid out as WireMock keeps them (`mappings/` and
/// `__files/` under one root): the body file is found and checked.
#[test]
fn a_wiremock_root_from_the_corpus_reads_its_body_file() {
    let Some(corpus) = corpus() else { return };
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("mappings")).unwrap();
    std::fs::create_dir_all(root.path().join("__files")).unwrap();
    let mapping = root.path().join("mappings/3-r_h_t_fail.json");
    std::fs::copy(
        corpus.join("wiremock/hub4j__github-api__mapping-bodyfile-fail.json"),
        &mapping,
    )
    .unwrap();
    std::fs::copy(
        corpus.join("wiremock/hub4j__github-api__files-bodyfile-fail.json"),
        root.path().join("__files/3-r_h_t_fail.json"),
    )
    .unwrap();
    let (code, report) = check(&[&mapping]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["checked"], 1);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}

/// Every cassette of `vcr/` (Ruby VCR YAML and JSON, Betamax, vcrpy, go-vcr), read as its
/// format: (file, responses, findings as "line:column rule"). The positions were checked by
/// reading the files: inside literal and quoted YAML bodies at the offending value; for
/// base64 and `!binary` bodies at the field's start. Invalid JSON in the pay-rails cassettes
/// is real: VCR's `filter_sensitive_data` wrote `<VENDOR_ID>` placeholders into numbers.
#[test]
fn every_cassette_file_by_file() {
    let Some(corpus) = corpus() else { return };
    let expected: &[(&str, u64, &[&str])] = &[
        (
            "betamaxpy__betamax__betamax-GitHub_create_issue.json",
            2,
            &[],
        ),
        (
            "betamaxpy__betamax__betamax-handles_digest_auth.json",
            2,
            &["1:24 missing-error-body"],
        ),
        (
            "betamaxpy__betamax__betamax-preserve_exact_bytes.json",
            1,
            &[],
        ),
        ("dnaeon__go-vcr__iana-reserved-domains.yaml", 1, &[]),
        ("dnaeon__go-vcr__json-content-type.yaml", 1, &[]),
        ("dnaeon__go-vcr__middleware.yaml", 4, &[]),
        ("kevin1024__vcrpy__domain_redirect.yaml", 2, &[]),
        ("kevin1024__vcrpy__gzip_httpx_old_format.yaml", 1, &[]),
        ("kevin1024__vcrpy__gzip_requests.yaml", 1, &[]),
        ("kevin1024__vcrpy__new_cassette.json", 1, &[]),
        ("kevin1024__vcrpy__new_cassette.yaml", 1, &[]),
        ("kevin1024__vcrpy__old_cassette.yaml", 1, &[]),
        (
            "octokit__octokit.rb__vcr-json-401-base64-multiline.json",
            1,
            &["1:1532 schema", "1:1532 schema", "1:1532 schema"],
        ),
        (
            "octokit__octokit.rb__vcr-json-404-base64.json",
            1,
            &["1:1092 schema", "1:1092 schema", "1:1092 schema"],
        ),
        (
            "octokit__octokit.rb__vcr-json-6.3.1-pretty.json",
            2,
            &["83:28 invalid-json", "168:28 invalid-json"],
        ),
        (
            "pay-rails__pay__braintree-403-xml.yml",
            2,
            &["157:9 non-json-error-body"],
        ),
        (
            "pay-rails__pay__paddle-400.yml",
            1,
            &[
                "73:16 schema",
                "73:16 schema",
                "73:16 schema",
                "73:16 schema",
            ],
        ),
        (
            "pay-rails__pay__refund-401.yml",
            1,
            &["70:9 schema", "70:9 schema", "70:9 schema", "70:9 schema"],
        ),
        (
            "pay-rails__pay__stripe-card-declined-402-2025-03.yml",
            2,
            &[
                "98:22 invalid-json",
                "129:3 undocumented-status",
                "219:9 schema",
                "219:9 schema",
                "219:9 schema",
                "219:9 schema",
            ],
        ),
        (
            "pay-rails__pay__stripe-card-declined-402.yml",
            2,
            &[
                "93:22 invalid-json",
                "125:3 undocumented-status",
                "210:9 schema",
                "210:9 schema",
                "210:9 schema",
                "210:9 schema",
            ],
        ),
        (
            "pay-rails__pay__stripe-charge-exception-400.yml",
            2,
            &[
                "93:22 invalid-json",
                "208:9 schema",
                "208:9 schema",
                "208:9 schema",
                "208:9 schema",
            ],
        ),
        (
            "pay-rails__pay__stripe-connect-404.yml",
            6,
            &[
                "78:22 invalid-json",
                "170:9 schema",
                "170:9 schema",
                "170:9 schema",
                "170:9 schema",
                "271:22 invalid-json",
                "435:22 invalid-json",
                "534:22 invalid-json",
                "632:9 schema",
                "632:9 schema",
                "632:9 schema",
                "632:9 schema",
            ],
        ),
        (
            "pay-rails__pay__stripe-create-invoice-large.yml",
            26,
            &[
                "99:22 invalid-json",
                "221:25 invalid-json",
                "474:22 invalid-json",
                "595:25 invalid-json",
                "877:22 invalid-json",
                "998:25 invalid-json",
                "1280:22 invalid-json",
                "1401:25 invalid-json",
                "1678:22 invalid-json",
                "1794:25 invalid-json",
                "2025:22 invalid-json",
                "2141:25 invalid-json",
                "2372:22 invalid-json",
                "2488:25 invalid-json",
                "2719:22 invalid-json",
                "2835:25 invalid-json",
                "3066:22 invalid-json",
                "3182:25 invalid-json",
                "3413:22 invalid-json",
                "3529:25 invalid-json",
                "3757:22 invalid-json",
                "3917:22 invalid-json",
                "4012:22 invalid-json",
                "4123:21 invalid-json",
                "4242:25 invalid-json",
                "4474:25 invalid-json",
            ],
        ),
    ];
    let mut files: Vec<String> = std::fs::read_dir(corpus.join("vcr"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<String> = expected.iter().map(|(f, _, _)| f.to_string()).collect();
    assert_eq!(files, listed, "every file of vcr/ is listed here");
    for (file, responses, findings) in expected {
        let (code, report) = check(&[&corpus.join("vcr").join(file)]);
        assert_eq!(code, i32::from(!findings.is_empty()), "{file}");
        assert_eq!(report["summary"]["responses"], *responses, "{file}");
        let got: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d["line"],
                    d["column"],
                    d["rule"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(got, *findings, "{file}");
    }
}
