//! The Spark job of integrations/spark, run for real in local mode over 100,000 generated
//! NDJSON records in four files, two of them gzipped: its findings equal, as a multiset of
//! (id, rule, pointer), those of one plain `errlint check` over the same files. Needs
//! `spark-submit` (PyPI `pyspark`) and Java 17; `.ci/run` installs both.

mod support;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const RECORDS: usize = 100_000;
const FILES: usize = 4;

/// One record; every few records break the contract in a different way, some carry no id,
/// some are HAR entry objects, and each file has a line that is not JSON.
fn record(i: usize) -> String {
    let body = |kind: &str, code: &str| json!({"type": kind, "code": code, "message": "No.", "param": null});
    let envelope = |status: u16, body: Value| {
        let id = if i.is_multiple_of(2) {
            json!(format!("r-{i}"))
        } else {
            json!(i)
        };
        json!({"id": id, "status": status, "headers": {"Content-Type": "application/json"}, "body": body})
    };
    let value = match i % 10 {
        0 => envelope(429, body("api", "slow_down")),
        1 => envelope(
            400,
            json!({"type": "invalid_request", "code": "Bad-Code", "message": "No."}),
        ),
        2 => envelope(500, json!("<html>bad gateway</html>")),
        3 => json!({"request": {"method": "GET", "url": "https://api.example.com/v1/x"},
                    "response": {"status": 401, "content": {"mimeType": "application/json",
                                  "text": body("invalid_request", "no_key").to_string()}}}),
        4 => envelope(200, json!({"ok": true})),
        5 => json!({"id": {"nested": i}, "status": 404, "body": body("api", "missing")}),
        _ => envelope(404, body("invalid_request", "not_found")),
    };
    if i % 25_000 == 7 {
        return "this line is not JSON".into();
    }
    value.to_string()
}

fn write_inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let per_file = RECORDS / FILES;
    (0..FILES)
        .map(|f| {
            let lines: String = (f * per_file..(f + 1) * per_file)
                .map(|i| record(i) + "\n")
                .collect();
            let gz = f % 2 == 1;
            let path = dir.join(format!("part-{f}.ndjson{}", if gz { ".gz" } else { "" }));
            let file = std::fs::File::create(&path).unwrap();
            if gz {
                let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
                encoder.write_all(lines.as_bytes()).unwrap();
                encoder.finish().unwrap();
            } else {
                std::io::BufWriter::new(file)
                    .write_all(lines.as_bytes())
                    .unwrap();
            }
            path
        })
        .collect()
}

type Key = (Option<String>, String, Option<String>);

/// Counts findings, one JSON object a line, by (id, rule, pointer).
fn multiset(text: &str, into: &mut BTreeMap<Key, usize>) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let finding: Value = serde_json::from_str(line).unwrap();
        let key = (
            finding.get("id").map(Value::to_string),
            finding["rule"].as_str().unwrap().to_string(),
            finding
                .get("pointer")
                .and_then(Value::as_str)
                .map(String::from),
        );
        *into.entry(key).or_default() += 1;
    }
}

#[test]
fn spark_finds_what_one_errlint_check_finds() {
    let Some(spark_submit) = support::tool("spark-submit") else {
        return;
    };
    let job = Path::new(env!("CARGO_MANIFEST_DIR")).join("integrations/spark/errlint_spark.py");
    let errlint = env!("CARGO_BIN_EXE_errlint");
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let files = write_inputs(&input);

    let plain = Command::new(errlint)
        .args(["check", "-f", "jsonl"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(
        plain.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let mut expected = BTreeMap::new();
    multiset(&String::from_utf8(plain.stdout).unwrap(), &mut expected);

    let output = work.path().join("report");
    let run = Command::new(spark_submit)
        .args([
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--files",
            errlint,
        ])
        .arg(&job)
        .arg(&input)
        .arg(&output)
        // Spark's own startup looks up the machine's address; loopback is enough locally.
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "spark-submit failed:\n{log}");

    let mut found = BTreeMap::new();
    for part in std::fs::read_dir(output.join("findings")).unwrap() {
        let path = part.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("part-") {
            multiset(&std::fs::read_to_string(&path).unwrap(), &mut found);
        }
    }
    // Every record kind gave findings, with and without ids, so the comparison means something.
    assert!(expected.len() > 10, "{expected:?}");
    assert!(
        expected
            .keys()
            .any(|(id, _, _)| id.as_deref() == Some("\"r-0\""))
    );
    assert!(expected.keys().any(|(id, _, _)| id.as_deref() == Some("1")));
    assert_eq!(found, expected);

    // The table of counts by rule adds up to the findings.
    let counts_dir = output.join("counts");
    let table: String = std::fs::read_dir(&counts_dir)
        .unwrap()
        .map(|p| p.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let total: usize = table
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit(',').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(total, expected.values().sum::<usize>(), "{table}");
}
