//! The `problem-details` profile: RFC 9457 problem details for HTTP APIs.
//!
//! The body is the problem object. Every member is optional (RFC 9457 §3.1; an absent `type`
//! means `about:blank`), so the agreement holds only when `status` is present: it must then
//! equal the HTTP status (§3.1.2). Problems are served as `application/problem+json` (§3).

use std::borrow::Cow;

use crate::contract::profile::{Agreement, ErrorObjects, Expect, Profile};

pub const PROFILE: Profile = Profile {
    name: Cow::Borrowed("problem-details"),
    title: "RFC 9457 problem details",
    reference: "https://www.rfc-editor.org/rfc/rfc9457",
    schema: Cow::Borrowed(include_str!("../../../schemas/problem-details.schema.json")),
    shape_hint: "a problem details object carries type, title, status, detail or instance (RFC 9457)",
    error_objects: ErrorObjects::One(Cow::Borrowed("")),
    agreement: Cow::Borrowed(&[Agreement::EqualsStatus {
        field: "/status",
        text: false,
        general_class: false,
        label: Some("problem details status"),
    }]),
    media_type: Some("application/problem+json"),
    code: None,
    param: None,
    message: Some("/detail"),
    // A 2xx resource may well have a `title`; with an error `status` beside it, it is a problem.
    signature: Cow::Borrowed(&[
        (Cow::Borrowed("/status"), Expect::ErrorStatus),
        (Cow::Borrowed("/title"), Expect::Text),
    ]),
    marker: Cow::Borrowed("\"status\""),
};
