//! Resource properties (docs/security.md): for each kind of input errlint reads, a family of
//! crafted inputs is checked at size n and 4n, and the cost must grow about linearly — CPU
//! time of the process and bytes allocated at most 8× for 4× the input, where quadratic work
//! gives 16× — while the peak of live memory stays within a few times the input plus the
//! file's expansion budget. Costs are counted in the process (an allocator that counts, the
//! process's CPU clock), not as wall time, so a loaded machine does not change the verdict.
//! The run goes through `errlint::run`, as the command does, on files in a temporary folder.
//! The two tests take turns (`SERIAL`): nothing else allocates in this process while one
//! measures.
//!
//! The memory cases also run the real binary under an address-space limit (`ulimit -v`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Parser as _;
use serde_json::{Value, json};

/// Counts bytes allocated in all and the peak of those live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        TOTAL.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

mod support;
use support::gzip;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The file budget errlint gives every file (src/budget.rs).
const BUDGET: usize = 64 << 20;

#[derive(Debug, Clone, Copy)]
struct Cost {
    cpu_ns: u128,
    allocated: usize,
    peak: usize,
}

fn cpu_ns() -> u128 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128
}

/// Runs `errlint ARGS` in this process; the cheaper of two runs.
fn measure(dir: &Path, args: &[&str]) -> Cost {
    let mut best: Option<Cost> = None;
    for _ in 0..2 {
        let mut argv = vec!["errlint".to_string()];
        argv.extend(args.iter().map(|a| {
            if a.starts_with('-')
                || [
                    "check",
                    "human",
                    "json",
                    "jsonapi",
                    "google",
                    "problem-details",
                    "errlint",
                ]
                .contains(a)
            {
                a.to_string()
            } else {
                dir.join(a).display().to_string()
            }
        }));
        let cli = errlint::cli::Cli::try_parse_from(&argv).unwrap();
        let mut out = Vec::new();
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let total = TOTAL.load(Ordering::Relaxed);
        let cpu = cpu_ns();
        let _ = errlint::run(cli, &mut out);
        let cost = Cost {
            cpu_ns: cpu_ns() - cpu,
            allocated: TOTAL.load(Ordering::Relaxed) - total,
            peak: PEAK.load(Ordering::Relaxed) - base,
        };
        drop(out);
        best = Some(match best {
            Some(b) if b.cpu_ns <= cost.cpu_ns => Cost {
                allocated: b.allocated.min(cost.allocated),
                ..b
            },
            _ => cost,
        });
    }
    best.unwrap()
}

/// One family: writes its input for size parameter `n` into `dir`, returns the arguments.
struct Family {
    name: &'static str,
    n: usize,
    build: fn(&Path, usize) -> Vec<&'static str>,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn har(entries: Vec<Value>) -> String {
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn entry(status: u16, text: &str, encoding: Option<&str>) -> Value {
    let mut content = json!({"mimeType": "application/json", "text": text});
    if let Some(encoding) = encoding {
        content["encoding"] = json!(encoding);
    }
    json!({
        "request": {"method": "GET", "url": "https://api.example.com/v1/x", "headers": []},
        "response": {"status": status, "headers": [], "content": content}
    })
}

/// A JSON:API body with `n` errors, each broken in several ways.
fn many_errors(n: usize) -> String {
    let errors: Vec<Value> = (0..n)
        .map(|i| json!({"status": "500", "code": i, "title": ["t"], "source": {"pointer": 7}}))
        .collect();
    json!({"errors": errors, "type": "nope"}).to_string()
}

fn families() -> Vec<Family> {
    vec![
        Family {
            name: "many findings in one bare body, every profile, with excerpts",
            n: 2_000,
            build: |dir, n| {
                write(dir, "body.400.json", many_errors(n).as_bytes());
                vec![
                    "check",
                    "--profile",
                    "jsonapi",
                    "-f",
                    "human",
                    "body.400.json",
                ]
            },
        },
        Family {
            name: "many findings in a pretty-printed body",
            n: 2_000,
            build: |dir, n| {
                let body: Value = serde_json::from_str(&many_errors(n)).unwrap();
                write(
                    dir,
                    "body.400.json",
                    serde_json::to_string_pretty(&body).unwrap().as_bytes(),
                );
                vec!["check", "--profile", "jsonapi", "body.400.json"]
            },
        },
        Family {
            name: "many findings in a HAR body (a JSON string) on one line",
            n: 2_000,
            build: |dir, n| {
                write(
                    dir,
                    "one.har",
                    har(vec![entry(400, &many_errors(n), None)]).as_bytes(),
                );
                vec!["check", "--profile", "jsonapi", "one.har"]
            },
        },
        Family {
            name: "many findings in a YAML cassette's body string",
            n: 2_000,
            build: |dir, n| {
                let body = many_errors(n).replace('\'', "''");
                let yaml = format!(
                    "interactions:\n- request: {{method: GET, uri: 'https://api.example.com/x', body: null, headers: {{}}}}\n  response:\n    status: {{code: 400, message: Bad}}\n    headers: {{Content-Type: [application/json]}}\n    body: {{string: '{body}'}}\n"
                );
                write(dir, "cassette.yaml", yaml.as_bytes());
                vec!["check", "--profile", "jsonapi", "cassette.yaml"]
            },
        },
        Family {
            name: "many small findings with every other profile",
            n: 2_000,
            build: |dir, n| {
                let entries = (0..n)
                    .map(|i| {
                        entry(
                            400 + (i % 100) as u16,
                            r#"{"error": {"code": "x"}, "type": 5}"#,
                            None,
                        )
                    })
                    .collect();
                write(dir, "many.har", har(entries).as_bytes());
                vec!["check", "--profile", "google", "many.har"]
            },
        },
        Family {
            name: "long runs of one token in bodies",
            n: 200_000,
            build: |dir, n| {
                let entries = vec![
                    entry(500, &"[".repeat(n), None),
                    entry(500, &format!("\"{}\"", "\\\\".repeat(n)), None),
                    entry(500, &"0".repeat(n), None),
                    entry(500, &" ".repeat(n), None),
                    entry(500, &"{\"a\":1,".repeat(n / 6), None),
                ];
                write(dir, "runs.har", har(entries).as_bytes());
                write(
                    dir,
                    "runs.http",
                    format!(
                        "HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\n\r\n{}",
                        "[{\"a\":".repeat(n / 6)
                    )
                    .as_bytes(),
                );
                write(
                    dir,
                    "runs.ndjson",
                    "{\"status\": 500, \"body\": [[[[[[]]]]]]}\n"
                        .repeat(n / 40)
                        .as_bytes(),
                );
                vec!["check", "runs.har", "runs.http", "runs.ndjson"]
            },
        },
        Family {
            name: "YAML aliases of one long scalar",
            n: 400,
            build: |dir, n| {
                let long = "x".repeat(100_000);
                let yaml = format!(
                    "interactions:\n- response:\n    status: {{code: 500}}\n    body: {{string: &a '{long}'}}\n  request: {{method: GET, uri: 'http://x/'}}\n{}",
                    "- response:\n    status: {code: 500}\n    body: {string: *a}\n  request: {method: GET, uri: 'http://x/'}\n".repeat(n)
                );
                write(dir, "aliases.yaml", yaml.as_bytes());
                vec!["check", "aliases.yaml"]
            },
        },
        Family {
            name: "gzip inside gzip in many HAR entries",
            n: 16,
            build: |dir, n| {
                use base64::Engine as _;
                let bomb = gzip(&gzip(&vec![b' '; 8 << 20]));
                let text = base64::engine::general_purpose::STANDARD.encode(bomb);
                let entries = (0..n).map(|_| entry(500, &text, Some("base64"))).collect();
                write(dir, "bombs.har", har(entries).as_bytes());
                vec!["check", "bombs.har"]
            },
        },
        Family {
            name: "OpenAPI server variables naming one another, as --openapi and as a capture",
            n: 2_000,
            build: |dir, n| {
                let url = "{a}".repeat(n);
                let spec = json!({
                    "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                    "servers": [{"url": url, "variables": {
                        "a": {"default": "{b}".repeat(n)}, "b": {"default": "{a}".repeat(n)}}}],
                    "paths": {"/x": {"get": {"responses": {"400": {"description": "d",
                        "content": {"application/json": {"example": {"type": "api"}}}}}}}}
                });
                write(dir, "spec.json", spec.to_string().as_bytes());
                write(dir, "one.har", har(vec![entry(400, "{}", None)]).as_bytes());
                vec!["check", "--openapi", "spec.json", "one.har", "spec.json"]
            },
        },
        Family {
            name: "an example reached through a $ref from many operations",
            n: 1_000,
            build: |dir, n| {
                let big: Vec<Value> = (0..2_000).map(|i| json!({"k": i})).collect();
                let mut paths = serde_json::Map::new();
                for i in 0..n {
                    paths.insert(
                        format!("/p{i}"),
                        json!({"get": {"responses": {"400": {"$ref": "#/components/responses/Big"}}}}),
                    );
                }
                let spec = json!({
                    "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
                    "components": {"responses": {"Big": {"description": "d",
                        "content": {"application/json": {"example": {"type": "api", "list": big}}}}}}
                });
                write(dir, "fanout.openapi.json", spec.to_string().as_bytes());
                vec!["check", "fanout.openapi.json"]
            },
        },
        Family {
            name: "WARC records followed by runs of line ends",
            n: 4 << 20,
            build: |dir, n| {
                let block = "HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\n\r\n{}";
                let record = format!(
                    "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/\r\nContent-Length: {}\r\n\r\n{block}",
                    block.len()
                );
                let text = format!("{record}{}{record}\r\n\r\n", "\r\n".repeat(n));
                write(dir, "gaps.warc.gz", &gzip(text.as_bytes()));
                vec!["check", "gaps.warc.gz"]
            },
        },
    ]
}

#[test]
fn cost_grows_linearly_and_memory_stays_within_the_budget() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut failures = Vec::new();
    for family in families() {
        let small_dir = tempfile::tempdir().unwrap();
        let large_dir = tempfile::tempdir().unwrap();
        let args_small = (family.build)(small_dir.path(), family.n);
        let args_large = (family.build)(large_dir.path(), 4 * family.n);
        let input: usize = std::fs::read_dir(large_dir.path())
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len() as usize)
            .sum();
        let small = measure(small_dir.path(), &args_small);
        let large = measure(large_dir.path(), &args_large);
        // Below a few milliseconds the clock's grain decides; a quadratic case is far above.
        let cpu_ratio = large.cpu_ns as f64 / small.cpu_ns.max(5_000_000) as f64;
        let alloc_ratio = large.allocated as f64 / small.allocated.max(1 << 20) as f64;
        eprintln!(
            "{}: cpu {:.1} ms -> {:.1} ms, allocated {} -> {} KiB, peak {} KiB for {} KiB of input",
            family.name,
            small.cpu_ns as f64 / 1e6,
            large.cpu_ns as f64 / 1e6,
            small.allocated >> 10,
            large.allocated >> 10,
            large.peak >> 10,
            input >> 10
        );
        if cpu_ratio > 8.0 {
            failures.push(format!(
                "{}: CPU time grew {cpu_ratio:.1}x for 4x the input",
                family.name
            ));
        }
        if alloc_ratio > 8.0 {
            failures.push(format!(
                "{}: allocation grew {alloc_ratio:.1}x for 4x the input",
                family.name
            ));
        }
        if large.peak > 16 * input + 2 * BUDGET {
            failures.push(format!(
                "{}: peak memory {} MiB for {} KiB of input",
                family.name,
                large.peak >> 20,
                input >> 10
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn hostile_expansion_is_a_finding_under_an_address_space_limit() {
    // The memory cases through the real binary, limited to 1 GiB of address space: each must
    // end as a finding (exit 1) or a configuration error (exit 2), never an abort.
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bin = assert_cmd::cargo::cargo_bin("errlint");
    for family in families() {
        if ![
            "YAML aliases",
            "gzip inside gzip",
            "OpenAPI server",
            "an example reached",
        ]
        .iter()
        .any(|name| family.name.starts_with(name))
        {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let args = (family.build)(dir.path(), 16 * family.n);
        let script = "ulimit -v 1048576; exec \"$0\" \"$@\" > /dev/null";
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .arg(&bin)
            .args(&args)
            .current_dir(dir.path())
            .status()
            .unwrap();
        let code = status.code();
        assert!(
            matches!(code, Some(1 | 2)),
            "{}: exit {code:?} under a 1 GiB address-space limit",
            family.name
        );
    }
}
