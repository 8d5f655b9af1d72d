//! Secrets never reach a report: the fuzzer writes bodies, statuses and junk around fixed
//! places where captures keep secrets — header values (also as the bare strings some tools
//! write, which serde then quotes), Digest credentials, URL credentials, path parameters and
//! queries, and a request written after a response — each a canary holding quotes,
//! backslashes and multi-byte characters. No output of any format may hold a canary.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

/// What every secret starts with; the fuzzer's own bytes never contain it (see below).
const MARK: &str = "CANARY";

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    if data
        .windows(MARK.len())
        .any(|w| w.eq_ignore_ascii_case(MARK.as_bytes()))
    {
        return;
    }
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let fuzz = String::from_utf8_lossy(rest);
    let secret = |n: u32| format!("{MARK}-{n}\"q\\u0041-ü€😀\"");
    let status = 400 + u32::from(pick) % 200;
    let url = format!(
        "https://user:{}@api.example.com/v1/x;jsessionid={}/y?token={}#{}",
        secret(1).replace(['"', '\\'], ""),
        secret(2).replace(['"', '\\'], ""),
        secret(3).replace(['"', '\\'], ""),
        secret(4).replace(['"', '\\'], ""),
    );
    let (name, capture) = match pick % 3 {
        0 => (
            "fuzz.har",
            // Header entries as bare strings: serde's "invalid type" message would quote them.
            format!(
                r#"{{"log":{{"entries":[{{"request":{{"method":"GET","url":{url},"headers":[{h1}]}},"response":{{"status":{status},"headers":[{h2}],"content":{{"mimeType":"application/json","text":{body}}}}}}}]}}}}"#,
                url = json_string(&url),
                h1 = json_string(&format!(
                    "Authorization: Digest username={}, nonce={}",
                    secret(5),
                    secret(6)
                )),
                h2 = json_string(&format!("Set-Cookie: sid={}; Path=/", secret(7))),
                body = json_string(&fuzz),
            ),
        ),
        1 => (
            "fuzz.http",
            format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nSet-Cookie: sid={}\r\n\r\n{fuzz}\r\nGET /v1/me?token={} HTTP/1.1\r\nAuthorization: Bearer {}\r\nCookie: a={}\r\n\r\n",
                secret(8),
                secret(9),
                secret(10),
                secret(11)
            ),
        ),
        _ => (
            "fuzz.ndjson",
            format!(
                "{{\"status\":{status},\"url\":{url},\"headers\":{{\"Authorization\":{auth}}},\"body\":{body}}}\n{{\"status\":{status},\"headers\":{digest}}}\n{fuzz}\n",
                url = json_string(&url),
                auth = json_string(&format!(
                    "Digest username={}, response={}",
                    secret(12),
                    secret(13)
                )),
                digest = json_string(&format!("Digest username={}", secret(14))),
                body = json_string(&fuzz),
            ),
        ),
    };
    let shown = common::render_everything(&errlint::check_bytes(capture.as_bytes(), name));
    assert!(!shown.contains(MARK), "a secret reached a report of {name}");
});
