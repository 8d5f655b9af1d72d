//! Cassettes recorded by the real tools against `testdata/real/server.py` (see
//! `testdata/real/CASSETTES.md` and `make_cassettes.sh`): vcrpy under requests and httpx,
//! Betamax, Ruby VCR (YAML, JSON and Oj JSON serializers) and go-vcr, each holding the same
//! thirteen server answers. Every finding is asserted with its line:column: inside quoted and
//! escaped bodies at the offending value, for `!binary`/base64 bodies at the field's start.

use assert_cmd::Command;

/// `errlint check PATH -f concise -q`: the findings as "line:column rule", and the summary.
fn findings(path: &str) -> (Vec<String>, String) {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", path, "-f", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let summary = lines.pop().unwrap_or_default().to_string();
    let found = lines
        .iter()
        .map(|line| {
            let rest = line.strip_prefix(path).unwrap().strip_prefix(':').unwrap();
            let (position, rest) = rest.split_once(": ").unwrap();
            let rule = rest.split(['[', ']']).nth(1).unwrap();
            format!("{position} {rule}")
        })
        .collect();
    (found, summary)
}

#[test]
fn recorded_cassettes_report_every_answer_at_its_place() {
    let expected: &[(&str, &str, &[&str])] = &[
        (
            "testdata/real/vcrpy/requests.yaml",
            "1 file, 14 responses (13 checked, 1 skipped): 11 errors, 2 warnings",
            &[
                "54:25 status-type-mismatch",
                "93:40 code-format",
                "93:68 message-leaks-internals",
                "126:25 status-type-mismatch",
                "159:16 schema",
                "159:16 schema",
                "159:16 schema",
                "159:16 schema",
                "193:16 non-json-error-body",
                "209:3 missing-error-body",
                "259:19 status-type-mismatch",
                "292:9 non-json-error-body",
                "358:25 status-type-mismatch",
            ],
        ),
        (
            "testdata/real/vcrpy/httpx.yaml",
            "1 file, 13 responses (12 checked, 1 skipped): 10 errors, 2 warnings",
            &[
                "58:25 status-type-mismatch",
                "99:40 code-format",
                "99:68 message-leaks-internals",
                "134:25 status-type-mismatch",
                "170:9 schema",
                "170:9 schema",
                "170:9 schema",
                "170:9 schema",
                "206:16 non-json-error-body",
                "222:3 missing-error-body",
                "276:19 status-type-mismatch",
                "311:9 non-json-error-body",
            ],
        ),
        (
            "testdata/real/vcrpy/requests.json",
            "1 file, 13 responses (12 checked, 1 skipped): 10 errors, 2 warnings",
            &[
                "103:43 status-type-mismatch",
                "159:62 code-format",
                "159:94 message-leaks-internals",
                "209:43 status-type-mismatch",
                "259:32 schema",
                "259:32 schema",
                "259:32 schema",
                "259:32 schema",
                "309:32 non-json-error-body",
                "313:9 missing-error-body",
                "406:120 status-type-mismatch",
                "509:43 status-type-mismatch",
            ],
        ),
        (
            "testdata/real/betamax/errors.json",
            "1 file, 13 responses (12 checked, 1 skipped): 10 errors, 2 warnings",
            &[
                "1:1340 status-type-mismatch",
                "1:2310 code-format",
                "1:2342 message-leaks-internals",
                "1:3174 status-type-mismatch",
                "1:4035 schema",
                "1:4035 schema",
                "1:4035 schema",
                "1:4035 schema",
                "1:4856 non-json-error-body",
                "1:5221 missing-error-body",
                "1:6426 status-type-mismatch",
                "1:7937 status-type-mismatch",
            ],
        ),
        (
            "testdata/real/betamax/exact-bytes.json",
            "1 file, 14 responses (13 checked, 1 skipped): 11 errors, 2 warnings",
            &[
                "1:1374 status-type-mismatch",
                "1:2364 code-format",
                "1:2364 message-leaks-internals",
                "1:3296 status-type-mismatch",
                "1:4198 schema",
                "1:4198 schema",
                "1:4198 schema",
                "1:4198 schema",
                "1:5032 non-json-error-body",
                "1:5431 missing-error-body",
                "1:6575 status-type-mismatch",
                "1:7475 non-json-error-body",
                "1:8968 status-type-mismatch",
            ],
        ),
        (
            "testdata/real/ruby-vcr/net_http.yml",
            "1 file, 14 responses (13 checked, 1 skipped): 14 errors, 2 warnings",
            &[
                "73:25 status-type-mismatch",
                "111:40 code-format",
                "111:68 message-leaks-internals",
                "147:25 status-type-mismatch",
                "183:16 schema",
                "183:16 schema",
                "183:16 schema",
                "183:16 schema",
                "218:16 non-json-error-body",
                "222:3 missing-error-body",
                "288:9 status-type-mismatch",
                "324:9 non-json-error-body",
                "507:9 schema",
                "507:9 schema",
                "507:9 schema",
                "507:9 schema",
            ],
        ),
        (
            "testdata/real/ruby-vcr/net_http.json",
            "1 file, 14 responses (13 checked, 1 skipped): 14 errors, 2 warnings",
            &[
                "1:1389 status-type-mismatch",
                "1:2224 code-format",
                "1:2256 message-leaks-internals",
                "1:3014 status-type-mismatch",
                "1:3774 schema",
                "1:3774 schema",
                "1:3774 schema",
                "1:3774 schema",
                "1:4434 non-json-error-body",
                "1:4600 missing-error-body",
                "1:5851 status-type-mismatch",
                "1:6565 non-json-error-body",
                "1:10015 schema",
                "1:10015 schema",
                "1:10015 schema",
                "1:10015 schema",
            ],
        ),
        (
            "testdata/real/ruby-vcr/net_http_oj.json",
            "1 file, 14 responses (13 checked, 1 skipped): 14 errors, 2 warnings",
            &[
                "1:1389 status-type-mismatch",
                "1:2224 code-format",
                "1:2256 message-leaks-internals",
                "1:3014 status-type-mismatch",
                "1:3774 schema",
                "1:3774 schema",
                "1:3774 schema",
                "1:3774 schema",
                "1:4434 non-json-error-body",
                "1:4600 missing-error-body",
                "1:5851 status-type-mismatch",
                "1:6559 non-json-error-body",
                "1:10013 schema",
                "1:10013 schema",
                "1:10013 schema",
                "1:10013 schema",
            ],
        ),
        (
            "testdata/real/go-vcr/errors.yaml",
            "1 file, 14 responses (13 checked, 1 skipped): 11 errors, 2 warnings",
            &[
                "44:21 status-type-mismatch",
                "75:36 code-format",
                "75:64 message-leaks-internals",
                "102:21 status-type-mismatch",
                "127:12 schema",
                "127:12 schema",
                "127:12 schema",
                "127:12 schema",
                "152:7 non-json-error-body",
                "165:3 missing-error-body",
                "203:7 status-type-mismatch",
                "229:11 non-json-error-body",
                "286:21 status-type-mismatch",
            ],
        ),
    ];
    for (path, summary, expected) in expected {
        let (found, got_summary) = findings(path);
        assert_eq!(found, *expected, "{path}");
        assert_eq!(got_summary, *summary, "{path}");
    }
}
