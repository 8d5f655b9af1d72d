//! `message-leaks-internals`: the `message` carries technical detail.

use std::sync::LazyLock;

use super::{Anchor, Facts, Finding, Rule, RuleDocs, Severity, field_name, quote};
use crate::contract::Contract;
use regex::{Regex, RegexSet};

pub const MESSAGE_LEAKS_INTERNALS: Rule = Rule {
    name: "message-leaks-internals",
    default_severity: Severity::Warning,
    summary: "The message carries a stack trace, exception, SQL error, file path or source location",
    checks_success: false,
    docs: RuleDocs {
        what_it_does: "Reports an error `message` that carries technical detail: a stack trace \
(Java, JavaScript, Python, Go, Ruby, .NET), an exception class name, an SQL error, a server \
file path, or a source location such as `handler.py:42`. The message is the profile's \
(docs/profiles.md): `detail` for `problem-details`, `error.message` for `google`, each \
`errors[i].detail` for `jsonapi`.",
        why: "`message` is shown to end users. Internals confuse them and tell an attacker \
which framework, database and file layout to aim at (OWASP: improper error handling).",
        example: "{\"type\": \"api\", \"code\": \"internal\", \"message\": \"java.lang.NullPointerException at com.acme.Orders.get(Orders.java:42)\", \"param\": null}",
        instead: "{\"type\": \"api\", \"code\": \"internal\", \"message\": \"Something went wrong on our side. Please try again.\", \"param\": null}\n\nLog the detail on the server, keyed by a request id you return.",
    },
    check: Some(check),
};

/// What kind of internal detail each pattern reveals, most specific first.
static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let table: &[(&str, &str)] = &[
        (
            "a stack trace",
            r"Traceback \(most recent call last\)|goroutine \d+ \[|(?m)^\s*at [\w$.<>]+ ?\(|\bat [\w$.<>]+\([\w$.]*:\d+|\.rb:\d+:in `|\bpanic: ",
        ),
        (
            "an SQL error",
            r"(?i)SQLSTATE|\bORA-\d{5}\b|syntax error at or near|error in your SQL syntax|\bSQLITE_[A-Z]+\b|duplicate key value violates|relation \S+ does not exist|\bSQLException\b|\bPG::\w+",
        ),
        (
            "an exception class",
            r"\b(?:[a-z_][\w]*\.)+[A-Z]\w*(?:Exception|Error)\b|\b[A-Z]\w*Exception\b|\b(?:TypeError|ReferenceError|KeyError|ValueError|AttributeError|NameError|IndexError|ZeroDivisionError|NoMethodError|ArgumentError|RuntimeError): ",
        ),
        (
            "a source location",
            r"\b[\w.-]+\.(?:java|py|rb|go|js|mjs|ts|php|cs|cpp|cc|c|h|rs|kt|scala|ex|exs):\d+|\bline \d+ in\b|, line \d+",
        ),
        (
            "a file path",
            r#"(?:^|[\s'"(=])/(?:usr|var|home|opt|srv|app|etc|tmp|root|src|lib|www|data|mnt)/[\w./-]+|\b[A-Za-z]:\\(?:[^\\\s"]+\\)+"#,
        ),
    ];
    table
        .iter()
        // The patterns are constants of this file, covered by the tests below.
        .map(|(kind, pattern)| (*kind, Regex::new(pattern).expect("valid pattern")))
        .collect()
});

fn check(facts: &Facts<'_, '_>, contract: &Contract, out: &mut Vec<Finding>) {
    for (at, message) in facts.error_strings(contract, contract.profile.message) {
        let Some((kind, excerpt)) = find_internals(message) else {
            continue;
        };
        out.push(
            Finding::new(
                &MESSAGE_LEAKS_INTERNALS,
                format!(
                    "{} reveals internals: {kind} ({})",
                    field_name(&at.pointer()),
                    quote(excerpt.trim())
                ),
                Anchor::Pointer(at.pointer().into()),
            )
            .label(format!("{kind} in a user-facing message"))
            .help("say what went wrong in plain words; log the detail on the server"),
        );
    }
}

/// All patterns at once: one pass over a message tells whether any kind matches, so the
/// common clean message costs one scan instead of one per kind.
static ANY: LazyLock<RegexSet> = LazyLock::new(|| {
    // The same constant patterns as PATTERNS.
    RegexSet::new(PATTERNS.iter().map(|(_, re)| re.as_str())).expect("valid patterns")
});

/// The first kind of internal detail found in a message, with the text that matched.
pub fn find_internals(message: &str) -> Option<(&'static str, &str)> {
    if !ANY.is_match(message) {
        return None;
    }
    PATTERNS
        .iter()
        .find_map(|(kind, re)| re.find(message).map(|m| (*kind, m.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn recognises_each_kind_of_internal_detail() {
        let cases = [
            (
                "java.lang.NullPointerException at com.acme.Orders.get(Orders.java:42)",
                "a stack trace",
            ),
            (
                "Traceback (most recent call last):\n  File \"/app/x.py\", line 3",
                "a stack trace",
            ),
            (
                "TypeError: Cannot read properties of undefined\n    at Object.<anonymous> (/srv/index.js:10:5)",
                "a stack trace",
            ),
            ("goroutine 1 [running]:", "a stack trace"),
            ("ERROR: syntax error at or near \"FROM\"", "an SQL error"),
            (
                "SQLSTATE[23000]: Integrity constraint violation",
                "an SQL error",
            ),
            ("ORA-00942: table or view does not exist", "an SQL error"),
            ("Unhandled IllegalStateException", "an exception class"),
            ("KeyError: 'customer'", "an exception class"),
            ("failed in handlers/orders.py:88", "a source location"),
            ("cannot open /var/lib/app/orders.db", "a file path"),
            (
                "cannot open C:\\inetpub\\wwwroot\\web.config",
                "a file path",
            ),
        ];
        for (message, kind) in cases {
            assert_eq!(
                find_internals(message).map(|(k, _)| k),
                Some(kind),
                "{message}"
            );
        }
    }

    #[test]
    fn plain_messages_pass() {
        for message in [
            "This account does not have permission to view the requested resource.",
            "No such customer: cus_123.",
            "The email address is not valid. See docs at https://example.com/docs/errors.",
            "Error: your card was declined.",
            "Amount must be at least 50 cents.",
            "The file is too large (max 10 MB).",
        ] {
            assert_eq!(find_internals(message), None, "{message}");
        }
    }

    #[test]
    fn fires_on_the_message_field_of_error_bodies_only() {
        let body = r#"{"type":"api","code":"internal","message":"NullPointerException in OrderService","param":null}"#;
        let findings = run(&MESSAGE_LEAKS_INTERNALS, &response(500, body));
        assert_eq!(
            findings[0].message,
            "message reveals internals: an exception class (\"NullPointerException\")"
        );
        assert!(run(&MESSAGE_LEAKS_INTERNALS, &response(200, body)).is_empty());
    }

    #[test]
    fn reads_the_profile_message_field() {
        use crate::rules::testing::{run_profile, summary};
        let problem = r#"{"title":"Server Error","detail":"KeyError: 'customer'"}"#;
        assert_eq!(
            summary(&run_profile(
                &MESSAGE_LEAKS_INTERNALS,
                "problem-details",
                &response(500, problem)
            )),
            vec![(
                "/detail".into(),
                "detail reveals internals: an exception class (\"KeyError:\")".into()
            )]
        );
        let google =
            r#"{"error":{"code":500,"message":"goroutine 7 [running]:","status":"INTERNAL"}}"#;
        assert_eq!(
            summary(&run_profile(
                &MESSAGE_LEAKS_INTERNALS,
                "google",
                &response(500, google)
            ))[0]
                .0,
            "/error/message"
        );
        let jsonapi = r#"{"errors":[{"detail":"fine"},{"detail":"ORA-00942: table or view does not exist"}]}"#;
        assert_eq!(
            summary(&run_profile(
                &MESSAGE_LEAKS_INTERNALS,
                "jsonapi",
                &response(500, jsonapi)
            ))[0]
                .0,
            "/errors/1/detail"
        );
        // The default profile's `message` member means nothing to problem details.
        let other = r#"{"title":"x","message":"KeyError: 'customer'"}"#;
        assert!(
            run_profile(
                &MESSAGE_LEAKS_INTERNALS,
                "problem-details",
                &response(500, other)
            )
            .is_empty()
        );
    }
}
