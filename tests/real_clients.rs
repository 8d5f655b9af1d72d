//! Captures recorded by real clients against `testdata/real/server.py` (see
//! `testdata/real/make_captures.sh`): curl with and without -L, --compressed, --http2 and
//! `Expect: 100-continue`, headless Chromium through Playwright's recordHar, and mitmproxy's
//! HAR dump as a reverse proxy.

use assert_cmd::Command;

fn concise(path: &str) -> Vec<String> {
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", path, "-f", "concise", "-q"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
        .collect()
}

#[test]
fn curl_captures() {
    let mismatch_429 =
        "error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"";
    assert_eq!(
        concise("testdata/real/curl/customer-404.http"),
        Vec::<String>::new()
    );
    assert_eq!(
        concise("testdata/real/curl/orders-429.http"),
        [mismatch_429]
    );
    // curl -L: the 301's headers, then the 429; the redirect is not checked.
    assert_eq!(
        concise("testdata/real/curl/redirect-then-429.http"),
        [mismatch_429]
    );
    // curl --http2-prior-knowledge: `HTTP/2 429 ` with no reason phrase.
    assert_eq!(
        concise("testdata/real/curl/http2-orders-429.http"),
        [mismatch_429]
    );
    // `HTTP/1.1 100 ` before the real response.
    assert_eq!(
        concise("testdata/real/curl/continue-then-429.http"),
        [mismatch_429]
    );
    // Transfer-Encoding: chunked stays in the headers; curl printed the de-chunked body.
    assert_eq!(
        concise("testdata/real/curl/chunked-403.http"),
        [
            "error[status-type-mismatch] status 403 requires type \"authentication\", found \"invalid_request\""
        ]
    );
    let missing_all: Vec<String> = ["code", "message", "param", "type"]
        .iter()
        .map(|f| format!("error[schema] missing required field \"{f}\""))
        .collect();
    // Without --compressed curl prints the gzip bytes; with it, the decoded body under the
    // same Content-Encoding header. Both read the same.
    assert_eq!(concise("testdata/real/curl/gzip-400-raw.http"), missing_all);
    assert_eq!(
        concise("testdata/real/curl/gzip-400-compressed.http"),
        missing_all
    );
    assert_eq!(
        concise("testdata/real/curl/empty-503.http"),
        ["error[missing-error-body] status 503 response has an empty body"]
    );
    assert_eq!(
        concise("testdata/real/curl/gateway-502.http"),
        ["error[non-json-error-body] error body is not JSON (served as \"text/html\")"]
    );
    assert_eq!(
        concise("testdata/real/curl/no-content-204.http"),
        Vec::<String>::new()
    );
    assert_eq!(
        concise("testdata/real/curl/charges-500.http"),
        [
            "warning[code-format] code \"InternalError\" is not snake_case",
            "warning[message-leaks-internals] message reveals internals: a stack trace (\"at com.acme.Orders.get(Orders.java:42\")"
        ]
    );
}

#[test]
fn chromium_har_from_playwright() {
    let lines = concise("testdata/real/chromium.har");
    assert_eq!(
        lines,
        [
            "error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"",
            "warning[code-format] code \"InternalError\" is not snake_case",
            "warning[message-leaks-internals] message reveals internals: a stack trace (\"at com.acme.Orders.get(Orders.java:42\")",
            "error[non-json-error-body] error body is not JSON (served as \"text/html\")",
            "error[status-type-mismatch] status 403 requires type \"authentication\", found \"invalid_request\"",
            "error[missing-error-body] status 503 response has an empty body",
        ]
    );
}

#[test]
fn mitmproxy_har_dump() {
    let mut expected = vec![
        "error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"".to_string(),
        "warning[code-format] code \"InternalError\" is not snake_case".to_string(),
        "warning[message-leaks-internals] message reveals internals: a stack trace (\"at com.acme.Orders.get(Orders.java:42\")".to_string(),
        "error[non-json-error-body] error body is not JSON (served as \"text/html\")".to_string(),
    ];
    // The gzip-encoded 400, decoded from what mitmproxy stored.
    expected.extend(
        ["code", "message", "param", "type"]
            .iter()
            .map(|f| format!("error[schema] missing required field \"{f}\"")),
    );
    expected.push("error[status-type-mismatch] status 403 requires type \"authentication\", found \"invalid_request\"".to_string());
    expected.push("error[missing-error-body] status 503 response has an empty body".to_string());
    assert_eq!(concise("testdata/real/mitmproxy.har"), expected);
}
