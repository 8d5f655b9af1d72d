//! Secrets never leave the process (docs/security.md): canary values in every place a capture keeps secrets —
//! header values (also written as bare strings, which serde then quotes Debug-style), Digest
//! credentials, cookies, query strings, credentials in URLs in every form, path parameters,
//! request bodies, a request written after a response, parameters of a Content-Type — on
//! responses with findings forced on them, in every output format, in a report file, in a
//! baseline and in error messages. The canaries hold quotes, backslashes and multi-byte
//! characters, so a redaction that stops at the first quote is caught.

use assert_cmd::Command;
use clap::ValueEnum as _;
use errlint::cli::OutputFormat;
use serde_json::json;

/// Every canary starts with this; none may appear in any output.
const CANARY: &str = "CANARY";

/// A canary with the characters that break naive redaction: the marker after a quote (a
/// redaction that ends at the first quote shows it), an escaped quote, backslashes, a `\u`
/// sequence, multi-byte characters.
fn secret(tag: &str) -> String {
    format!("pre\"CANARY-{tag}\\\"q\\u0041-ü€😀\"")
}

fn bad_body() -> String {
    json!({"type": "api", "code": "Bad-Code", "message": "x", "param": "a b"}).to_string()
}

fn har() -> String {
    let entry = |n: u32, status: u32, mime: &str, text: String| {
        json!({
            "request": {
                "method": "POST",
                "url": format!("https://user:CANARY-{n}a@api.example.com/v1/orders?token=CANARY-{n}b#CANARY-{n}c"),
                "headers": [
                    {"name": "Authorization", "value": format!("Bearer CANARY-{n}d")},
                    {"name": "Cookie", "value": format!("session=CANARY-{n}e")},
                    {"name": "Accept", "value": format!("application/json; CANARY-{n}f")}
                ],
                "cookies": [{"name": "session", "value": format!("CANARY-{n}g")}],
                "queryString": [{"name": "token", "value": format!("CANARY-{n}h")}],
                "postData": {"mimeType": "application/json", "text": format!("{{\"password\": \"CANARY-{n}i\"}}")}
            },
            "response": {
                "status": status,
                "headers": [
                    {"name": "Set-Cookie", "value": format!("session=CANARY-{n}j; HttpOnly")},
                    {"name": "Content-Type", "value": format!("{mime}; CANARY-{n}k")},
                    {"name": "WWW-Authenticate", "value": format!("Bearer realm=CANARY-{n}l")}
                ],
                "cookies": [{"name": "session", "value": format!("CANARY-{n}m")}],
                "content": {"mimeType": "", "text": text, "size": 1}
            }
        })
    };
    let mut broken = entry(4, 400, "application/json", bad_body());
    // A malformed entry: serde's message would quote the offending value.
    broken["response"]["content"]["size"] = json!(secret("4z"));
    // Headers written as bare strings, as some tools do: serde's message quotes the string,
    // escaping its quotes as \".
    let mut string_headers = entry(7, 400, "application/json", bad_body());
    string_headers["response"]["headers"] =
        json!([format!("Set-Cookie: sid={}; Path=/", secret("7s"))]);
    string_headers["request"]["headers"] = json!([format!(
        "Authorization: Digest username={}, realm={}, nonce={}, response={}",
        secret("7t"),
        secret("7u"),
        secret("7v"),
        secret("7w")
    )]);
    // URLs with credentials holding `/`, `?` and `#`, path parameters, and scheme-relative.
    let mut odd_url = entry(8, 400, "application/json", bad_body());
    odd_url["request"]["url"] =
        json!("https://user:CANARY-8a/x?y#z@api.example.com/v1/cart;jsessionid=CANARY-8b/items");
    let mut relative_url = entry(9, 400, "application/json", bad_body());
    relative_url["request"]["url"] = json!("//user:CANARY-9a@api.example.com/v1;sid=CANARY-9b");
    let entries = vec![
        entry(1, 429, "application/json", bad_body()),
        entry(2, 500, "text/plain", bad_body()),
        entry(
            3,
            502,
            "text/html",
            "<html>CANARY-3-is-the-body-so-may-show</html>".into(),
        ),
        broken,
        string_headers,
        odd_url,
        relative_url,
    ];
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn raw_http() -> String {
    // The request written after the first response (as proxies log an exchange) must not be
    // read as the body of the response before it.
    format!(
        "HTTP/1.1 403 Forbidden\r\nSet-Cookie: id=CANARY-5a\r\nContent-Type: text/plain; charset=CANARY-5b\r\nX-Api-Key: CANARY-5c\r\n\r\n{body}\r\n\
         POST /v1/login?password=CANARY-5d HTTP/1.1\r\nAuthorization: Digest username={d1}, response={d2}\r\nCookie: s={d3}\r\n\r\n{{\"password\": {d4:?}}}\r\n\
         HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{body}",
        body = bad_body(),
        d1 = secret("5e"),
        d2 = secret("5f"),
        d3 = secret("5g"),
        d4 = secret("5h"),
    )
}

fn ndjson() -> String {
    let good = json!({
        "status": 401,
        "url": "https://api.example.com/v1/me?k=CANARY-10a",
        "headers": {"Authorization": format!("Digest username={}, nonce={}", secret("10b"), secret("10c"))},
        "body": bad_body()
    });
    // Headers as one string: not a capture errlint can read, and serde would quote it.
    let broken = json!({
        "status": 401,
        "headers": format!("Authorization: Digest username={}, response={}", secret("10d"), secret("10e")),
        "body": bad_body()
    });
    let broken_status = json!({"status": secret("10f"), "body": bad_body()});
    format!("{good}\n{broken}\n{broken_status}\n")
}

fn envelope() -> String {
    json!({
        "status": 401,
        "method": "GET",
        "url": "https://api.example.com/v1/me?api_key=CANARY-6a",
        "headers": {"Authorization": "Basic CANARY-6b", "Content-Type": "text/plain; CANARY-6c"},
        "body": bad_body()
    })
    .to_string()
}

fn captures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("traffic.har"), har()).unwrap();
    std::fs::write(dir.path().join("curl.http"), raw_http()).unwrap();
    std::fs::write(dir.path().join("envelope.json"), envelope()).unwrap();
    std::fs::write(dir.path().join("log.ndjson"), ndjson()).unwrap();
    dir
}

fn assert_no_canary(what: &str, text: &str) {
    // The HTML body of response 3 is body text, which errlint may show; only its marker differs.
    let leaked: Vec<&str> = text
        .match_indices(CANARY)
        .map(|(i, _)| &text[i..(i + 12).min(text.len())])
        .filter(|s| !s.starts_with("CANARY-3-is"))
        .collect();
    assert!(leaked.is_empty(), "{what} leaked {leaked:?}");
}

#[test]
fn no_format_prints_a_secret() {
    let dir = captures();
    for format in OutputFormat::ALL {
        let format = format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        let format = format.as_str();
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        // Findings really were forced on every capture.
        for file in ["traffic.har", "curl.http", "envelope.json", "log.ndjson"] {
            assert!(stdout.contains(file), "{format}: no finding on {file}");
        }
        assert_no_canary(&format!("{format} stdout"), &stdout);
        assert_no_canary(
            &format!("{format} stderr"),
            &String::from_utf8_lossy(&output.stderr),
        );
    }
}

#[test]
fn report_files_and_baselines_hold_no_secret() {
    let dir = captures();
    let out = tempfile::tempdir().unwrap();
    for (format, name) in [("sarif", "r.sarif"), ("junit", "r.xml"), ("json", "r.json")] {
        let path = out.path().join(name);
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .args(["check", "-f", format, "-o"])
            .arg(&path)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_no_canary(
            "stdout beside a report file",
            &String::from_utf8_lossy(&output.stdout),
        );
        assert_no_canary(name, &std::fs::read_to_string(&path).unwrap());
    }
    let baseline = out.path().join("baseline.json");
    Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "--write-baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(0);
    assert_no_canary("baseline", &std::fs::read_to_string(&baseline).unwrap());
}

// ---- credentials in every URL form ------------------------------------------------------

/// Credentials as captures hold them: plain, with the characters that break naive redaction
/// (quotes, backslashes, multi-byte; written raw, as hand-made fixtures do, and
/// percent-encoded, as browsers write them), with `@` inside, and a bare token.
fn userinfos(n: usize) -> Vec<String> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let encoded = |text: &str| utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
    vec![
        format!("CANARY-{n}u:CANARY-{n}p"),
        format!("CANARY-{n}u:{}", secret(&format!("{n}p"))),
        format!(
            "{}:{}",
            encoded(&secret(&format!("{n}u"))),
            encoded(&secret(&format!("{n}p")))
        ),
        format!("CANARY-{n}u:CANARY-{n}p@x"),
        format!("CANARY-{n}u@x:CANARY-{n}p"),
        format!("CANARY-{n}t"),
        secret(&format!("{n}t")),
    ]
}

const HOSTS: [&str; 6] = [
    "api.example.com",
    "API.Example.COM",
    "api.example.com:8443",
    "[2001:db8::1]",
    "[::1]:8080",
    "127.0.0.1:9000",
];

/// The ways a URL's start is written that browsers accept (WHATWG URL: backslashes, missing
/// or extra slashes, any case) and the scheme-less one of Postman raw URLs and envelopes.
const SHAPES: [&str; 12] = [
    "https://{userinfo}@{host}{path}",
    "HTTPS://{userinfo}@{host}{path}",
    "https:{userinfo}@{host}{path}",
    "https:/{userinfo}@{host}{path}",
    "https:\\\\{userinfo}@{host}{path}",
    "https:/\\{userinfo}@{host}{path}",
    "http:///{userinfo}@{host}{path}",
    "wss://{userinfo}@{host}{path}",
    "git+https://{userinfo}@{host}{path}",
    "//{userinfo}@{host}{path}",
    "\\\\{userinfo}@{host}{path}",
    "{userinfo}@{host}{path}",
];

/// What surrounds or interrupts the URL: nothing, spaces, C0 controls, and tabs and line
/// ends inside (which WHATWG removes).
const WRAPPINGS: [&str; 4] = ["", "  ", "\u{1}\u{1f} \u{0}", "\t\n"];

/// A family of URLs holding credentials, queries and fragments, each part a canary.
fn url_family() -> Vec<String> {
    let mut urls = Vec::new();
    for (s, shape) in SHAPES.iter().enumerate() {
        for (w, wrapping) in WRAPPINGS.iter().enumerate() {
            for (u, userinfo) in userinfos(s * 100 + w * 10).into_iter().enumerate() {
                let host = HOSTS[(s + w + u) % HOSTS.len()];
                let n = s * 100 + w * 10 + u;
                let path = format!(
                    "/v1/orders;jsessionid=CANARY-{n}j/items?token={}&k=CANARY-{n}k#{}",
                    secret(&format!("{n}q")),
                    secret(&format!("{n}f"))
                );
                let url = shape
                    .replace("{userinfo}", &userinfo)
                    .replace("{host}", host)
                    .replace("{path}", &path);
                let url = match *wrapping {
                    "\t\n" => {
                        // Inside the scheme (or the user name) and inside the host.
                        let mut chars: Vec<char> = url.chars().collect();
                        chars.insert(2, '\t');
                        let at = url[..url.find("/v1").unwrap()].chars().count();
                        chars.insert(at, '\n');
                        chars.into_iter().collect()
                    }
                    around => format!("{around}{url}{around}"),
                };
                urls.push(url);
            }
        }
    }
    urls
}

fn ndjson_of(urls: &[String]) -> String {
    urls.iter()
        .map(|url| {
            json!({"status": 400, "method": "GET", "url": url, "body": bad_body()}).to_string()
                + "\n"
        })
        .collect()
}

fn postman_of(urls: &[String]) -> String {
    let items: Vec<_> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            // The URL as a string, and as an object with `raw`, as Postman saves both.
            let url = if i % 2 == 0 {
                json!(url)
            } else {
                json!({"raw": url})
            };
            json!({
                "name": format!("item {i}"),
                "request": {"method": "GET", "url": url},
                "response": [{
                    "name": "bad",
                    "code": 400,
                    "header": [{"key": "Content-Type", "value": "application/json"}],
                    "body": bad_body(),
                    "originalRequest": {"method": "GET", "url": url}
                }]
            })
        })
        .collect();
    json!({"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": items})
        .to_string()
}

fn har_of(urls: &[String]) -> String {
    let entries: Vec<_> = urls
        .iter()
        .map(|url| {
            json!({
                "request": {"method": "GET", "url": url, "headers": []},
                "response": {
                    "status": 400,
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "content": {"mimeType": "application/json", "text": bad_body(), "size": 1}
                }
            })
        })
        .collect();
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

/// A WARC record per URL (as `WARC-Target-URI`, a header line: no line ends in it).
fn warc_of(urls: &[String]) -> Vec<u8> {
    let mut warc = Vec::new();
    for url in urls.iter().filter(|url| !url.contains(['\r', '\n'])) {
        let block = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{}",
            bad_body()
        );
        warc.extend(
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
                block.len()
            )
            .into_bytes(),
        );
    }
    warc
}

fn zip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A Fiddler session per URL, the URL in its request line (which splits at whitespace, so
/// only URLs without any).
fn saz_of(urls: &[String]) -> Vec<u8> {
    let mut members = Vec::new();
    for (i, url) in urls
        .iter()
        .map(|url| url.trim_matches(|c: char| c <= ' '))
        .filter(|url| !url.contains(char::is_whitespace))
        .enumerate()
    {
        members.push((
            format!("raw/{}_c.txt", i + 1),
            format!("GET {url} HTTP/1.1\r\nAuthorization: Bearer CANARY-saz\r\n\r\n").into_bytes(),
        ));
        members.push((
            format!("raw/{}_s.txt", i + 1),
            format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{}",
                bad_body()
            )
            .into_bytes(),
        ));
    }
    zip(&members)
}

/// No canary in any case: hosts are shown in lower case, so a credential read as a host
/// would show as `canary-…`.
fn assert_no_canary_any_case(what: &str, text: &str) {
    let lower = text.to_ascii_lowercase();
    let leaked: Vec<&str> = lower
        .match_indices("canary")
        .map(|(i, _)| {
            let mut end = (i + 40).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            &text[i.saturating_sub(40)..end]
        })
        .collect();
    assert!(leaked.is_empty(), "{what} leaked {leaked:#?}");
}

/// Every format, and `--statistics` in each format that has it.
fn every_report(dir: &std::path::Path, files: &[&str]) {
    let mut runs: Vec<Vec<String>> = OutputFormat::ALL
        .iter()
        .filter_map(|format| format.to_possible_value())
        .map(|value| vec!["-f".to_string(), value.get_name().to_string()])
        .collect();
    for format in ["human", "concise", "json"] {
        runs.push(vec!["--statistics".into(), "-f".into(), format.into()]);
    }
    for args in runs {
        let output = Command::cargo_bin("errlint")
            .unwrap()
            .arg("check")
            .args(&args)
            .arg(dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        if args == ["-f", "json"] {
            // Findings really were forced on every capture (human output groups repeats, so
            // only the json report is sure to name every file).
            for file in files {
                assert!(stdout.contains(file), "{args:?}: no finding on {file}");
            }
        }
        assert_no_canary_any_case(&format!("{args:?} stdout"), &stdout);
        assert_no_canary_any_case(&format!("{args:?} stderr"), &stderr);
    }
}

#[test]
fn credentials_in_no_url_form_are_shown() {
    let urls = url_family();
    assert!(urls.len() > 300, "{}", urls.len());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("urls.har"), har_of(&urls)).unwrap();
    std::fs::write(dir.path().join("urls.ndjson"), ndjson_of(&urls)).unwrap();
    std::fs::write(
        dir.path().join("urls.postman_collection.json"),
        postman_of(&urls),
    )
    .unwrap();
    std::fs::write(dir.path().join("urls.warc"), warc_of(&urls)).unwrap();
    std::fs::write(dir.path().join("urls.saz"), saz_of(&urls)).unwrap();
    // One envelope per file: the shape errlint's docs suggest for hand-written fixtures.
    for (i, url) in urls.iter().enumerate().step_by(7) {
        let envelope = json!({"status": 400, "method": "GET", "url": url, "body": bad_body()});
        std::fs::write(
            dir.path().join(format!("envelope-{i}.json")),
            envelope.to_string(),
        )
        .unwrap();
    }
    every_report(
        dir.path(),
        &[
            "urls.har",
            "urls.ndjson",
            "urls.postman_collection.json",
            "urls.warc",
            "urls.saz",
            "envelope-0.json",
        ],
    );
}

#[test]
fn shown_urls_keep_their_host_and_path() {
    // Redaction that showed nothing would pass the test above: what is left is real.
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = [
        " https:u:CANARY-p@api.example.com/v1/orders?t=CANARY-q",
        "https:\\\\u:CANARY-p@api.example.com\\v1\\orders",
        "u:CANARY-p@api.example.com/v1/orders?t=CANARY-q",
    ]
    .map(String::from)
    .to_vec();
    std::fs::write(dir.path().join("urls.ndjson"), ndjson_of(&urls)).unwrap();
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "-f", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let shown: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["request"]["url"].as_str())
        .collect();
    assert_eq!(
        shown,
        [
            "https://api.example.com/v1/orders",
            "api.example.com/v1/orders"
        ]
        .into_iter()
        .collect()
    );
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .args(["check", "--statistics", "-f", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let statistics = String::from_utf8_lossy(&output.stdout);
    assert!(statistics.contains("GET /v1/orders"), "{statistics}");
    assert_no_canary_any_case("statistics", &statistics);
}

// ---- request text after a response --------------------------------------------------------

/// Request lines as tools write them: spacing, curl `-v`'s `> `, versions, methods.
fn request_lines(n: usize) -> Vec<String> {
    let target = format!(
        "/v1/login?password=CANARY-{n}a&t={}",
        secret(&format!("{n}b"))
    );
    let absolute = format!("https://u:CANARY-{n}c@api.example.com/v1?k=CANARY-{n}d");
    vec![
        format!("POST {target} HTTP/1.1"),
        format!("POST  {target}   HTTP/1.1"),
        format!("POST\t{target}\tHTTP/1.1"),
        format!("POST {target} HTTP/1.1   "),
        format!("POST {target} HTTP/1.1 \t "),
        format!("   POST {target} HTTP/1.1"),
        format!("> POST {target} HTTP/1.1"),
        format!(">POST {target} HTTP/2"),
        format!(">\t POST  {absolute}  HTTP/1.0 "),
        format!("GET {absolute} HTTP/3"),
        format!("M-SEARCH {target} HTTP/1.1"),
        format!("PATCH /v1/a b?t=CANARY-{n}e HTTP/1.1"),
    ]
}

/// The request's own lines after its request line: headers and a body, all canaries.
fn request_rest(n: usize, eol: &str, prefix: &str) -> String {
    format!(
        "{prefix}Authorization: Digest username={}, response={}{eol}{prefix}Cookie: s=CANARY-{n}g{eol}{prefix}{eol}{{\"password\": {:?}}}{eol}",
        secret(&format!("{n}f")),
        secret(&format!("{n}h")),
        secret(&format!("{n}i")),
    )
}

/// A response, then a request written after it (as proxies and `curl -v` log an exchange),
/// then another response: in every line-end style.
fn exchanges() -> Vec<(String, Vec<u8>)> {
    let response = |eol: &str| {
        format!(
            "HTTP/1.1 400 Bad Request{eol}Content-Type: application/json{eol}{eol}{}{eol}",
            bad_body()
        )
    };
    let mut files = Vec::new();
    // Line ends of the responses and of the request: a request written with lone CRs still
    // ends the body before it.
    let line_ends = [("\r\n", "\r\n"), ("\n", "\n"), ("\r\n", "\r"), ("\n", "\r")];
    for (e, (eol, request_eol)) in line_ends.into_iter().enumerate() {
        for (l, line) in request_lines(e * 100).into_iter().enumerate() {
            let n = e * 100 + l;
            let prefix = if line.trim_start().starts_with('>') {
                "> "
            } else {
                ""
            };
            let text = format!(
                "{first}{line}{request_eol}{rest}{second}",
                first = response(eol),
                rest = request_rest(n, request_eol, prefix),
                second = response(eol),
            );
            files.push((format!("exchange-{n}.http"), text.into_bytes()));
        }
    }
    // curl -v -i: the response, then curl's notes and the next request on one stream.
    let curl = format!(
        "{}* Connection #0 to host api.example.com left intact\n* Re-using existing connection\n> GET /v1/me?k=CANARY-900a HTTP/2\n> Host: api.example.com\n> Authorization: Bearer CANARY-900b\n>\n< HTTP/2 400\n< content-type: application/json\n<\n{}",
        response("\r\n"),
        bad_body()
    );
    files.push(("curl-v.http".into(), curl.into_bytes()));
    files
}

#[test]
fn request_text_after_a_response_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let files = exchanges();
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    // The same responses as WARC blocks and as Fiddler sessions' responses.
    let mut warc = Vec::new();
    let mut sessions = Vec::new();
    for (i, (_, block)) in files.iter().enumerate() {
        warc.extend(
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://api.example.com/{i}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
                block.len()
            )
            .into_bytes(),
        );
        warc.extend(block);
        warc.extend(b"\r\n\r\n");
        sessions.push((
            format!("raw/{}_c.txt", i + 1),
            format!("GET https://api.example.com/{i} HTTP/1.1\r\n\r\n").into_bytes(),
        ));
        sessions.push((format!("raw/{}_s.txt", i + 1), block.clone()));
    }
    std::fs::write(dir.path().join("exchanges.warc"), warc).unwrap();
    std::fs::write(dir.path().join("exchanges.saz"), zip(&sessions)).unwrap();
    let mut names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    names.extend(["exchanges.warc", "exchanges.saz"]);
    every_report(dir.path(), &names);
}
