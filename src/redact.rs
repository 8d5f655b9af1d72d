//! What reports may show of a request URL: the one redaction every display path uses (the
//! request in every format, `--statistics` and html endpoint names, `--url` globs, `{:?}`).
//!
//! A leaf module. URLs are understood as browsers parse them, with the WHATWG parser of the
//! `url` crate, never by hand: surrounding C0 controls and spaces are ignored and tabs and
//! line ends inside removed, `\` stands for `/` and the slashes after a special scheme may be
//! missing (`https:user:pass@host`, `https:\\host`), and a URL without a scheme
//! (`user:pass@host/path`, as Postman raw URLs and envelopes carry) is read as browsers read
//! what is typed into their address bar: as `http://user:pass@host/path`. What is shown is the
//! scheme, host, port and path; credentials, the query, the fragment and `;name=value` path
//! parameters never are. Text the parser refuses is shown as something that cannot hold them.

use std::borrow::Cow;
use std::sync::LazyLock;

use url::Url;

/// Strips from a URL everything that may carry a secret, so that reports never show one
/// (docs/security.md): credentials (`user:password@`, in any form a browser accepts and in
/// unencoded forms with `/`, `?`, `#` or `@` inside), the query string, the fragment and path
/// parameters (`;jsessionid=…`). What is left is the scheme, host, port and path, as the WHATWG
/// parser gives them (scheme and host in lower case, a default port dropped), in the form the
/// URL was written in: absolute, scheme-relative (`//host/path`), a path (`/path`) or without
/// a scheme (`host/path`).
pub fn redact_url(url: &str) -> String {
    let shown = shown(url);
    let mut out = shown.origin;
    out.push_str(&shown.path);
    out
}

/// The path of a URL as `redact_url` shows it, `/` when it has none: what endpoint names are
/// built from (`https://u:p@h/v1/a?t=1`, `h/v1/a` and `/v1/a` all give `/v1/a`).
pub fn shown_path(url: &str) -> String {
    let path = shown(url).path;
    if path.is_empty() { "/".into() } else { path }
}

/// A URL as shown, in two parts: scheme and authority (`https://h:8443`, `//h`, `h` or
/// nothing), and path.
#[derive(Debug, PartialEq)]
struct Shown {
    origin: String,
    path: String,
    /// The parser found a user name or password (never shown).
    had_credentials: bool,
}

/// How many `@`, from the last, are tried as the end of unencoded credentials: a bound on the
/// work for a URL full of them (past it, nothing up to the last `@` is shown).
const AT_SIGNS_TRIED: usize = 4;

fn shown(url: &str) -> Shown {
    // As the WHATWG parser does before anything else (URL Standard, basic URL parser).
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let text: Cow<'_, str> = if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(trimmed)
    };
    match parsed(&text) {
        Some(shown)
            if !shown.had_credentials && (plausible_host(&shown.origin) || !text.contains('@')) =>
        {
            return shown;
        }
        _ => {}
    }
    // Credentials, or text the parser refused or read with a host no name has
    // (`https://tok"en\x@host/v1` gives the host `tok"en`). Credentials may hold an
    // unencoded `/`, `\`, `?`, `#` or `@`, which end the authority early
    // (`https://user:p/ss@host/v1`) or late (`https://u:p@s\s@host/v1`), so they are taken to
    // end at the last `@` that a plausible host follows: of a URL with credentials, an `@` in
    // the path (`/users/@me`) may be taken for their end, never a part of them for a path.
    let prefix = scheme_prefix(&text);
    for (at, _) in text.rmatch_indices('@').take(AT_SIGNS_TRIED) {
        let candidate = format!("{prefix}{}", &text[at + 1..]);
        match parsed(&candidate) {
            Some(shown) if plausible_host(&shown.origin) => return shown,
            _ => {}
        }
    }
    Shown {
        origin: String::new(),
        path: unparsed(&text),
        had_credentials: false,
    }
}

/// The URL parsed as what it looks like: absolute, scheme-relative, a path, or without a
/// scheme; `None` when the parser refuses it.
fn parsed(text: &str) -> Option<Shown> {
    /// Relative URLs are parsed against it; nothing of it is ever shown.
    static BASE: LazyLock<Url> =
        LazyLock::new(|| Url::parse("http://base.invalid/").expect("a valid URL"));
    let leading_slashes = text
        .bytes()
        .take_while(|&b| b == b'/' || b == b'\\')
        .count();
    if leading_slashes >= 1 {
        let url = Url::options().base_url(Some(&BASE)).parse(text).ok()?;
        let origin = if leading_slashes >= 2 {
            // `//host/path` (`\\host\path` and `/\host` too: `\` is `/` under an http base).
            format!("//{}", as_written(authority(&url)?, text))
        } else {
            String::new()
        };
        return Some(Shown {
            origin,
            path: path(&url, text),
            had_credentials: has_credentials(&url),
        });
    }
    match Url::parse(text) {
        Ok(url) if url.is_special() || url.has_host() => Some(Shown {
            origin: format!(
                "{}://{}",
                url.scheme(),
                as_written(authority(&url).unwrap_or_default(), text)
            ),
            path: path(&url, text),
            had_credentials: has_credentials(&url),
        }),
        // No scheme, or what looked like one is not (`user:pass@host`, `localhost:8080/x`,
        // whose "scheme" is a user name or a host): the address-bar reading.
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => {
            let url = Url::parse(&format!("http://{text}")).ok()?;
            Some(Shown {
                origin: as_written(authority(&url)?, text),
                path: path(&url, text),
                had_credentials: has_credentials(&url),
            })
        }
        Err(_) => None,
    }
}

/// True when the host of a shown origin (`https://h:8443`, `//h`, `h`) is made of what host
/// names, IP addresses and Postman's `{{variables}}` are made of. The parser accepts more
/// (`"`, `'`, `(`, non-ASCII text turned into punycode), which in a captured URL is far more
/// likely a piece of unencoded credentials than a host.
fn plausible_host(origin: &str) -> bool {
    let authority = origin
        .split_once("//")
        .map_or(origin, |(_, authority)| authority);
    authority.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'_' | b'~' | b'%' | b'{' | b'}' | b'[' | b']' | b':'
            )
    })
}

/// A host that is a template (Postman's `{{baseUrl}}`) with its letters' case as written,
/// which the parser lowered: a variable's name, unlike a host, is not the same in any case.
/// Any other host is shown as parsed.
fn as_written(host: String, text: &str) -> String {
    if !host.contains('{') {
        return host;
    }
    let lower = text.to_ascii_lowercase();
    match lower.find(&host) {
        // Same bytes but for ASCII case, so a char boundary in both.
        Some(at) => text[at..at + host.len()].to_string(),
        None => host,
    }
}

fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// `host` or `host:port` (`[::1]:8080`), never credentials; `None` when the URL has no host.
fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// The URL's path without path parameters; empty when the URL is only `/` where the text had
/// no path (`https://api.example.com` is shown as written, not with a `/` added).
fn path(url: &Url, text: &str) -> String {
    let path = url.path();
    let written = &text[..text.find(['?', '#']).unwrap_or(text.len())];
    if path == "/" && !written.ends_with(['/', '\\']) {
        return String::new();
    }
    // The parser encodes `{` and `}`; shown as written, Postman's `{{variable}}` stays legible.
    without_parameters(path)
        .replace("%7B", "{")
        .replace("%7D", "}")
}

/// A path without `;name=value` parameters (RFC 3986 §3.3), which carry session ids.
fn without_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(segment.split(';').next().unwrap_or(""));
    }
    out
}

/// What precedes the authority, to put before what follows an `@`: `scheme://` for a special
/// scheme or one followed by `//`, `//` for a scheme-relative URL, else nothing (in
/// `user:p/ss@host` the `user:` is a user name, not a scheme).
fn scheme_prefix(text: &str) -> String {
    if text.starts_with(['/', '\\']) {
        return "//".into();
    }
    let Some(colon) = text.find(':') else {
        return String::new();
    };
    let scheme = &text[..colon];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let special = ["http", "https", "ws", "wss", "ftp", "file"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    let slashes = text[colon + 1..].starts_with("//");
    if valid && (special || slashes) {
        format!("{}://", scheme.to_ascii_lowercase())
    } else {
        String::new()
    }
}

/// What is shown of text no parser reading accepts: nothing up to the last `@` (which may
/// follow a `?` or `#` inside credentials), nothing from the first `?` or `#` after it, no path
/// parameters. Without an `@` there are no credentials to hide; with one, whatever preceded
/// it is gone.
fn unparsed(text: &str) -> String {
    let text = text.rfind('@').map_or(text, |at| &text[at + 1..]);
    let text = &text[..text.find(['?', '#']).unwrap_or(text.len())];
    without_parameters(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_queries_fragments_and_credentials() {
        assert_eq!(
            redact_url("https://api.example.com/v1/orders?token=s3cret#frag"),
            "https://api.example.com/v1/orders"
        );
        assert_eq!(
            redact_url("https://user:pw@api.example.com/a?b=c"),
            "https://api.example.com/a"
        );
        assert_eq!(redact_url("/relative/path?q=1"), "/relative/path");
        assert_eq!(
            redact_url("https://api.example.com"),
            "https://api.example.com"
        );
        assert_eq!(
            redact_url("https://api.example.com/"),
            "https://api.example.com/"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:18765/v1/orders/ord_1/items"),
            "http://127.0.0.1:18765/v1/orders/ord_1/items"
        );
    }

    #[test]
    fn credentials_in_every_form_are_dropped() {
        let cases = [
            (
                "https://user:p/ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://user:p?ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://user:p#ss@api.example.com/v1",
                "https://api.example.com/v1",
            ),
            (
                "https://u:p@ss@api.example.com:8443/v1",
                "https://api.example.com:8443/v1",
            ),
            ("//user:pw@api.example.com/v1?x=1", "//api.example.com/v1"),
            ("https://tok@[::1]:8080/a", "https://[::1]:8080/a"),
            // As a browser reads them (WHATWG), hence lower case.
            ("HTTP://u:p@h/a", "http://h/a"),
            ("  https://u:p@h/a?t=1  ", "https://h/a"),
            ("\u{1}\u{1f} https://u:p@h/a\u{0}", "https://h/a"),
            ("ht\ttps://u:p@h\n/a", "https://h/a"),
            ("https:user:pass@host/x?t=1", "https://host/x"),
            ("https:\\\\user:pass@host\\x", "https://host/x"),
            ("https:/user:pass@host/x", "https://host/x"),
            ("wss://u:p@h:9000/x", "wss://h:9000/x"),
            ("ftp://u:p@h/x", "ftp://h/x"),
            ("git+ssh://u:p@h/x", "git+ssh://h/x"),
            ("https://us%3Aer:p%40ss@h/x", "https://h/x"),
            ("\\\\u:p@h/x", "//h/x"),
            ("/\\u:p@h/x", "//h/x"),
            // No scheme: what an address bar, Postman and curl make of it.
            ("user:pass@host/path?t=1", "host/path"),
            ("user:pass@host:8080/path", "host:8080/path"),
            ("user@host/path", "host/path"),
            ("user:p/ss@host/path", "host/path"),
            ("user:p@ss@host/path", "host/path"),
            ("u:p@[2001:db8::1]:8443/a", "[2001:db8::1]:8443/a"),
            ("localhost:8080/v1?k=1", "localhost:8080/v1"),
            ("api.example.com/v1/x?k=1", "api.example.com/v1/x"),
        ];
        for (url, redacted) in cases {
            assert_eq!(redact_url(url), redacted, "{url:?}");
        }
    }

    #[test]
    fn a_host_made_of_credentials_is_not_shown() {
        // WHATWG ends the authority at the `\` and takes `tok"en` for the host.
        assert_eq!(redact_url("https://tok\"en\\x@h/v1"), "https://h/v1");
        assert_eq!(redact_url("tok\"en\\x@h/v1"), "h/v1");
        assert_eq!(redact_url("https://t(o)k/x@h/v1"), "https://h/v1");
        // Without an `@` there are no credentials: shown as parsed.
        assert_eq!(redact_url("https://we\"ird/v1"), "https://we\"ird/v1");
    }

    #[test]
    fn what_no_parser_accepts_cannot_show_credentials() {
        // An out-of-range port: nothing parses, and nothing before the last `@` is shown.
        assert_eq!(redact_url("https://u:p@h:99999/v?x"), "h:99999/v");
        assert_eq!(redact_url("https://u:p/x@h:99999/v;s=1"), "h:99999/v");
        assert_eq!(redact_url("https://h:99999/v?t=1#f"), "https://h:99999/v");
    }

    #[test]
    fn postman_variables_stay_legible() {
        assert_eq!(
            redact_url("{{baseUrl}}/users/{{userId}}?k={{key}}"),
            "{{baseUrl}}/users/{{userId}}"
        );
        assert_eq!(redact_url("u:p@{{API_HOST}}:8080/x"), "{{API_HOST}}:8080/x");
        assert_eq!(redact_url("HTTPS://{{Host}}/x"), "https://{{Host}}/x");
        assert_eq!(redact_url("//u@{{Host}}/x"), "//{{Host}}/x");
        assert_eq!(
            shown_path("{{baseUrl}}/users/{{userId}}"),
            "/users/{{userId}}"
        );
    }

    #[test]
    fn path_parameters_are_dropped() {
        assert_eq!(
            redact_url("https://shop.example.com/cart;jsessionid=S3CR3T/items;v=1?q"),
            "https://shop.example.com/cart/items"
        );
        assert_eq!(redact_url("/a;sid=x/b"), "/a/b");
    }

    #[test]
    fn an_at_sign_in_the_path_is_kept() {
        assert_eq!(
            redact_url("https://api.example.com/users/@me?t=1"),
            "https://api.example.com/users/@me"
        );
        assert_eq!(
            redact_url("https://api.example.com/v1/emails/a@b.com"),
            "https://api.example.com/v1/emails/a@b.com"
        );
        // With credentials, an `@` that a host follows may end them: the path is then lost,
        // never a part of the credentials shown.
        assert_eq!(
            redact_url("https://u:p/s@api.example.com/v1/emails/a@b.com"),
            "https://b.com"
        );
        assert_eq!(
            redact_url("https://u:p@s\\CANARY@api.example.com/v1"),
            "https://api.example.com/v1"
        );
        assert_eq!(redact_url("/redirect?to=https://u:p@x/"), "/redirect");
    }

    #[test]
    fn paths_are_what_endpoints_are_built_from() {
        for url in [
            "https://u:p@h/v1/a?t=1",
            "h/v1/a",
            "u:p@h/v1/a",
            "/v1/a;s=1",
            "//h/v1/a#f",
            "https:\\\\h\\v1\\a",
        ] {
            assert_eq!(shown_path(url), "/v1/a", "{url:?}");
        }
        assert_eq!(shown_path("https://h"), "/");
        assert_eq!(shown_path("https://h?x"), "/");
    }

    #[test]
    fn redaction_is_stable() {
        for url in [
            "https://u:p@h/a?b",
            "HTTPS://U:P@H:443/A b/ü",
            "u:p@h/x",
            "https://u:p@h:99999/v",
            "{{base}}/x/{{id}}",
            "//u@h",
            "mailto:a@b",
            "javascript:alert(1)",
            "",
        ] {
            let once = redact_url(url);
            assert_eq!(redact_url(&once), once, "{url:?}");
        }
    }
}
