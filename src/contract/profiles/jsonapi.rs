//! The `jsonapi` profile: JSON:API 1.1 error documents, `{"errors": [error objects]}`.
//!
//! Each error object's `status` is the HTTP status as a string; a response that carries
//! several differing ones should use their general class (JSON:API 1.1, "Error Objects" and
//! "Errors" under "Fetching Data": https://jsonapi.org/format/1.1/#errors). Documents are served
//! as `application/vnd.api+json` ("Content Negotiation").

use std::borrow::Cow;

use crate::contract::profile::{Agreement, ErrorObjects, Profile};

pub const PROFILE: Profile = Profile {
    name: Cow::Borrowed("jsonapi"),
    title: "JSON:API error document",
    reference: "https://jsonapi.org/format/1.1/#errors",
    schema: Cow::Borrowed(include_str!("../../../schemas/jsonapi.schema.json")),
    shape_hint: "a JSON:API error document is {\"errors\": [{\"status\", \"code\", \"title\", \"detail\", \"source\"}]}",
    error_objects: ErrorObjects::Each(Cow::Borrowed("/errors")),
    agreement: Cow::Borrowed(&[Agreement::EqualsStatus {
        field: "/status",
        text: true,
        general_class: true,
        label: None,
    }]),
    media_type: Some("application/vnd.api+json"),
    code: Some("/code"),
    param: Some("/source/parameter"),
    message: Some("/detail"),
    // A top-level `errors` array of objects is what makes a JSON:API document an error
    // document ("Top Level": `data` and `errors` never coexist).
    signature: Cow::Borrowed(&[]),
    marker: Cow::Borrowed("\"errors\""),
};
