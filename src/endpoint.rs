//! Endpoint names for reports that count findings by endpoint: `METHOD /path/template`.
//!
//! A leaf module used only by renderers. The template is the one a request carries
//! (`RequestInfo::template`, which an API description can fill in); without one, it is the
//! URL path with identifier-like segments (numbers, UUIDs, long hex, prefixed ids such as
//! `cus_9s8d7f`, base64-ish tokens) shown as `{id}`, so `/v1/customers/cus_9s8d7f` and
//! `/v1/customers/cus_0a1b2c` count as one endpoint. Words (`customers`, `search`, `v1`)
//! are never folded: a wrongly merged endpoint hides a broken one. The path is the one
//! `redact::redact_url` shows, found by the same parse (so no URL form puts credentials or a
//! query into a name), and it escapes nothing: every format escapes the name for its own
//! medium.

use crate::diagnostic::RequestInfo;

/// Longest endpoint name kept, in characters; a captured URL can be megabytes long.
const MAX_CHARS: usize = 200;

/// The endpoint a finding's request belongs to, or `None` when the response has no request
/// (a bare body, an envelope without `url`).
pub fn of(request: Option<&RequestInfo>) -> Option<String> {
    let request = request?;
    let path = match (&request.template, &request.url) {
        (Some(template), _) => template.clone(),
        (None, Some(url)) => template_of(&crate::redact::shown_path(url)),
        (None, None) => return None,
    };
    let name = match request.method.as_deref() {
        Some(method) => format!("{} {path}", method.to_ascii_uppercase()),
        None => path,
    };
    Some(cut(name))
}

/// The path of a URL for matching it to an API description's operations: without scheme and
/// authority, query or fragment; `/` when empty. Never shown: endpoint names take the path
/// `redact::shown_path` gives.
pub fn path_of(url: &str) -> &str {
    // Byte searches: this runs for every response a description is matched against.
    let url = &url[..memchr::memchr2(b'?', b'#', url.as_bytes()).unwrap_or(url.len())];
    // One searcher for the process: building one is most of the cost of a short search.
    static SCHEME_END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"://"));
    let path = match SCHEME_END.find(url.as_bytes()) {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            &rest[memchr::memchr(b'/', rest.as_bytes()).unwrap_or(rest.len())..]
        }
        None => url,
    };
    if path.is_empty() { "/" } else { path }
}

/// A URL path with every identifier-like segment replaced by `{id}`.
pub fn template_of(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if is_identifier(segment) {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// True for a path segment that names one resource rather than a kind of resource.
pub fn is_identifier(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    is_number(segment)
        || is_uuid(segment)
        || is_long_hex(segment)
        || is_prefixed_id(segment)
        || is_mostly_digits(segment)
        || is_base64_token(segment)
}

/// `42`, `15064852172826283141`.
fn is_number(segment: &str) -> bool {
    segment.bytes().all(|b| b.is_ascii_digit())
}

/// `342da402-a44b-4b59-aba4-8fc2310e4478`, either case.
fn is_uuid(segment: &str) -> bool {
    let groups: Vec<&str> = segment.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `f28c129b0bea30c`, a SHA or an ObjectId: eight or more hex digits, at least one a
/// decimal digit (so `facade` and `deadbeef` stay words).
fn is_long_hex(segment: &str) -> bool {
    segment.len() >= 8
        && segment.bytes().all(|b| b.is_ascii_hexdigit())
        && segment.bytes().any(|b| b.is_ascii_digit())
}

/// `cus_9s8d7f`, `ch_1Hh1Lm2eZvKYlo2C`: a short word, `_`, then six or more letters and
/// digits with at least one digit (`cus_missing`, `log_event` stay words).
fn is_prefixed_id(segment: &str) -> bool {
    let Some((prefix, id)) = segment.split_once('_') else {
        return false;
    };
    (1..=12).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_alphabetic())
        && id.len() >= 6
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && id.bytes().any(|b| b.is_ascii_digit())
}

/// `INV-2024-0001`, `2024-01-05`, `A1234567`: six or more characters, more than half of the
/// letters and digits being digits (`gen_204` stays a word). Segments with a dot are file
/// names or versions.
fn is_mostly_digits(segment: &str) -> bool {
    if segment.len() < 6 || segment.contains('.') {
        return false;
    }
    if !segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return false;
    }
    let alphanumeric = segment.bytes().filter(u8::is_ascii_alphanumeric).count();
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    digits * 2 > alphanumeric
}

/// A token in base64 or base64url (a JWT part, an opaque cursor): sixteen or more
/// characters of that alphabet with digits and both cases mixed as random text mixes them.
/// `www-embed-player-vflljwD9V` has too few capitals to be one.
fn is_base64_token(segment: &str) -> bool {
    if segment.len() < 16
        || !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=_-".contains(&b))
    {
        return false;
    }
    let upper = segment.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = segment.bytes().filter(u8::is_ascii_lowercase).count();
    let letters = upper + lower;
    segment.bytes().any(|b| b.is_ascii_digit()) && upper * 5 >= letters && lower * 5 >= letters
}

fn cut(name: String) -> String {
    match name.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Option<&str>, url: Option<&str>) -> RequestInfo {
        RequestInfo {
            method: method.map(str::to_string),
            url: url.map(str::to_string),
            template: None,
        }
    }

    #[test]
    fn names_are_method_and_templated_path() {
        let get = request(
            Some("get"),
            Some("https://api.example.com/v1/customers/cus_9s8d7f"),
        );
        assert_eq!(of(Some(&get)).as_deref(), Some("GET /v1/customers/{id}"));
        let bare = request(None, Some("/v1/orders/42/items"));
        assert_eq!(of(Some(&bare)).as_deref(), Some("/v1/orders/{id}/items"));
        assert_eq!(
            of(Some(&request(
                Some("POST"),
                Some("https://api.example.com")
            )))
            .as_deref(),
            Some("POST /")
        );
        assert_eq!(of(Some(&request(Some("GET"), None))), None);
        assert_eq!(of(None), None);
    }

    #[test]
    fn a_template_from_a_description_wins_over_the_heuristic() {
        let mut described = request(Some("GET"), Some("https://api.example.com/v1/search/abc"));
        described.template = Some("/v1/search/{query}".into());
        assert_eq!(
            of(Some(&described)).as_deref(),
            Some("GET /v1/search/{query}")
        );
    }

    #[test]
    fn queries_and_fragments_never_reach_a_name() {
        assert_eq!(path_of("https://h/v1/a?token=s3cret#x"), "/v1/a");
        assert_eq!(path_of("/v1/a?token=s3cret"), "/v1/a");
        for url in [
            "https://u:SECRET@h/v1/a?token=SECRET#SECRET",
            " https:u:SECRET@h/v1/a?token=SECRET",
            "https:\\\\u:SECRET@h\\v1\\a",
            "u:SECRET@h/v1/a?token=SECRET",
            "https://u:SE/CRET@h/v1/a",
        ] {
            let name = of(Some(&request(Some("GET"), Some(url))));
            assert_eq!(name.as_deref(), Some("GET /v1/a"), "{url:?}");
        }
    }

    #[test]
    fn long_urls_are_cut() {
        let url = format!("https://h/{}", "a".repeat(10_000));
        let name = of(Some(&request(Some("GET"), Some(&url)))).unwrap();
        assert!(name.chars().count() <= MAX_CHARS + 1);
    }

    #[test]
    fn identifier_shapes() {
        for id in [
            "42",
            "342da402-a44b-4b59-aba4-8fc2310e4478",
            "C726AB29-0470-440B-B8D2-D552CED3A3DC",
            "f28c129b0bea30c",
            "507f1f77bcf86cd799439011",
            "cus_9s8d7f",
            "ch_1Hh1Lm2eZvKYlo2C",
            "INV-2024-0001",
            "A1234567",
            "2024-01-05",
            "eyJhbm9ueW1vdXMiOnRydWUsImtleSI6Im1pbnQtYW5kcm9pZCJ9",
        ] {
            assert!(is_identifier(id), "{id} should be {{id}}");
        }
        for word in [
            "v1",
            "customers",
            "search",
            "cus_missing",
            "log_event",
            "gen_204",
            "deadbeef",
            "oauth2",
            "v1beta1",
            "issue-23",
            "1.0.3",
            "jquery-1.7.1.min.js",
            "www-embed-player-vflljwD9V",
            "getUserProfileByName",
            "",
        ] {
            assert!(!is_identifier(word), "{word} should stay a word");
        }
    }
}
