//! The html report in a real browser (headless Chromium): what the page shows — counts, rules,
//! endpoints — equals the json report of the same run, and hostile captured text is shown
//! as text: no script runs and no request leaves the page.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use errlint::diagnostic::RequestInfo;
use serde_json::{Value, json};

mod support;

fn errlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("errlint").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// The DOM Chromium built from a page, serialised (`--dump-dom`), with a fresh profile and
/// nothing running in the background.
fn dump_dom(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let page = page.canonicalize().unwrap();
    let mut child = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "chromium failed");
    String::from_utf8(output.stdout).unwrap()
}

fn chromium() -> Option<PathBuf> {
    support::tool("chromium")
}

/// Text of serialised HTML, entities undone.
fn text(html: &str) -> String {
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    tags.replace_all(html, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn entry(method: &str, url: &str, status: u16, body: &str) -> Value {
    json!({
        "request": {"method": method, "url": url, "headers": []},
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": body}
        }
    })
}

fn write_har(path: &Path, entries: Vec<Value>) {
    let har = json!({"log": {"version": "1.2", "entries": entries}});
    std::fs::write(path, serde_json::to_string_pretty(&har).unwrap()).unwrap();
}

#[test]
fn the_page_shows_what_the_json_report_holds() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut entries = Vec::new();
    for (n, (method, path, status, body)) in [
        ("GET", "/v1/customers/cus_9s8d7f", 404, r#"{"type": "invalid_request", "code": "missing", "message": "No such customer."}"#),
        ("POST", "/v1/orders", 429, r#"{"type": "api", "code": "slow_down", "message": "Slow down.", "param": null}"#),
        ("GET", "/v1/search", 500, r#"{"type": "api", "code": "Internal-Error", "message": "at com.acme.Search.run(Search.java:42)", "param": null}"#),
        ("DELETE", "/v1/customers/42", 502, "<html>bad gateway</html>"),
    ]
    .iter()
    .cycle()
    .take(23)
    .enumerate()
    {
        let _ = n;
        entries.push(entry(method, &format!("https://api.example.com{path}"), *status, body));
    }
    write_har(&dir.path().join("api.har"), entries);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let examples = examples.to_str().unwrap();

    let output = errlint(dir.path())
        .args(["check", "-f", "json", "api.har", examples])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    errlint(dir.path())
        .args([
            "check",
            "-f",
            "html",
            "-o",
            "report.html",
            "api.har",
            examples,
        ])
        .output()
        .unwrap();
    let dom = dump_dom(&chromium, &dir.path().join("report.html"));

    // The summary.
    for key in [
        "files",
        "responses",
        "checked",
        "skipped",
        "errors",
        "warnings",
    ] {
        let shown = regex::Regex::new(&format!(r#"<b id="count-{key}">(\d+)</b>"#))
            .unwrap()
            .captures(&dom)
            .unwrap_or_else(|| panic!("no {key} count in {dom}"))[1]
            .parse::<u64>()
            .unwrap();
        assert_eq!(Some(shown), report["summary"][key].as_u64(), "{key}");
    }

    // The matrix: one cell per endpoint and rule, as counted from the json report.
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for d in diagnostics {
        let request = d.get("request").map(|r| RequestInfo {
            method: r["method"].as_str().map(str::to_string),
            url: r["url"].as_str().map(str::to_string),
            template: None,
        });
        let endpoint =
            errlint::endpoint::of(request.as_ref()).unwrap_or_else(|| "(no request)".into());
        *expected
            .entry((endpoint, d["rule"].as_str().unwrap().to_string()))
            .or_default() += 1;
    }
    let header = regex::Regex::new(r#"<th class="rule">([^<]*)</th>"#).unwrap();
    let rules: Vec<String> = header.captures_iter(&dom).map(|c| text(&c[1])).collect();
    let row = regex::Regex::new(r#"(?s)<tr class="endpoint">(.*?)</tr>"#).unwrap();
    let cell = regex::Regex::new(r#"(?s)<t[hd][^>]*>(.*?)</t[hd]>"#).unwrap();
    let mut shown: BTreeMap<(String, String), u64> = BTreeMap::new();
    for tr in row.captures_iter(&dom) {
        let cells: Vec<String> = cell.captures_iter(&tr[1]).map(|c| text(&c[1])).collect();
        assert_eq!(cells.len(), rules.len() + 2, "{cells:?}");
        for (rule, count) in rules.iter().zip(&cells[1..]) {
            if !count.is_empty() {
                shown.insert((cells[0].clone(), rule.clone()), count.parse().unwrap());
            }
        }
    }
    assert_eq!(shown, expected);
    assert!(shown.contains_key(&("GET /v1/customers/{id}".into(), "schema".into())));
    assert!(shown.contains_key(&("DELETE /v1/customers/{id}".into(), "invalid-json".into())));

    // Every finding is in one group; each group is drawn with its examples.
    let badges = regex::Regex::new(r#"<span class="badge">(\d+) ×</span>"#).unwrap();
    let grouped: u64 = badges
        .captures_iter(&dom)
        .map(|c| c[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(grouped, diagnostics.len() as u64);
    assert!(dom.contains("<mark>"), "offending values are marked");
    assert!(!dom.contains("<script"));
}

#[test]
fn hostile_captures_run_no_script_and_fetch_nothing() {
    let Some(chromium) = chromium() else {
        return;
    };
    // Anything the page fetched would knock here.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let script = "</script><script>document.title='PWNED'</script>";
    let img = format!("<img src={origin}/img onerror=\"document.title='PWNED'\">");
    let tags = format!(
        "<iframe src={origin}/frame></iframe><link rel=stylesheet href={origin}/css>\
<meta http-equiv=refresh content=\"0;url={origin}/refresh\"><style>@import url({origin}/import);</style>"
    );
    let bidi = "\u{202e}gnp.exe\u{2066}";

    let dir = tempfile::tempdir().unwrap();
    let body = |code: &str, message: &str| {
        json!({"type": "invalid_request", "code": code, "message": message, "param": "a b"})
            .to_string()
    };
    let ten_mb = format!("{}{script}", "A".repeat(10 << 20));
    write_har(
        &dir.path().join(format!("{}.har", img.replace('/', "_"))),
        vec![
            entry(
                "GET",
                &format!("{origin}/v1/{script}/{img}"),
                400,
                &body(script, &img),
            ),
            entry(
                "GET",
                "javascript:document.title='PWNED'",
                400,
                &body(&tags, bidi),
            ),
            entry(
                "POST",
                &format!("{origin}/v1/big"),
                400,
                &body("Bad-Code", &ten_mb),
            ),
        ],
    );
    let output = errlint(dir.path())
        .args(["check", "-f", "html", "-o", "report.html", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "warnings only: {output:?}");
    let page_path = dir.path().join("report.html");
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert!(
        page.len() < 1 << 20,
        "a 10 MB body is excerpted, not copied: {}",
        page.len()
    );

    let dom = dump_dom(&chromium, &page_path);
    assert!(dom.contains("<title>errlint report"), "{dom}");
    assert!(!dom.contains("PWNED</title>"));
    for element in [
        "<script",
        "<img",
        "<iframe",
        "<link",
        "<meta http-equiv=\"refresh",
        "<style>@import",
    ] {
        assert!(
            !dom.to_lowercase().contains(element),
            "{element} became an element"
        );
    }
    assert!(
        dom.contains("default-src 'none'"),
        "the page forbids every external source"
    );
    // The payloads are there, as text.
    assert!(
        dom.contains("&lt;script&gt;document.title='PWNED'"),
        "{dom}"
    );
    assert!(dom.contains("javascript:document.title='PWNED'"));
    assert!(
        dom.contains("\\u{202e}gnp.exe"),
        "bidi overrides are shown escaped"
    );
    assert!(!dom.contains('\u{202e}'));
    match listener.accept() {
        Err(error) if error.kind() == ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the page made a request ({peer})"),
        Err(error) => panic!("{error}"),
    }
}
