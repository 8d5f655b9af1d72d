//! The `google` profile: Google's AIP-193 errors, `{"error": {code, message, status, details}}`.
//!
//! `error.code` is the HTTP status and `error.status` the name of a canonical code
//! (`google.rpc.Code`), each of which stands for one HTTP status
//! (https://google.aip.dev/193, and the mapping documented in `google/rpc/code.proto`).

use std::borrow::Cow;

use crate::contract::profile::{Agreement, ErrorObjects, Expect, Profile};

/// Every canonical code name and the HTTP status it stands for (`google/rpc/code.proto`).
pub const CANONICAL_CODES: [(&str, u16); 17] = [
    ("OK", 200),
    ("CANCELLED", 499),
    ("UNKNOWN", 500),
    ("INVALID_ARGUMENT", 400),
    ("DEADLINE_EXCEEDED", 504),
    ("NOT_FOUND", 404),
    ("ALREADY_EXISTS", 409),
    ("PERMISSION_DENIED", 403),
    ("RESOURCE_EXHAUSTED", 429),
    ("FAILED_PRECONDITION", 400),
    ("ABORTED", 409),
    ("OUT_OF_RANGE", 400),
    ("UNIMPLEMENTED", 501),
    ("INTERNAL", 500),
    ("UNAVAILABLE", 503),
    ("DATA_LOSS", 500),
    ("UNAUTHENTICATED", 401),
];

pub const PROFILE: Profile = Profile {
    name: Cow::Borrowed("google"),
    title: "Google AIP-193 error",
    reference: "https://google.aip.dev/193",
    schema: Cow::Borrowed(include_str!("../../../schemas/google.schema.json")),
    shape_hint: "a Google error is {\"error\": {\"code\", \"message\", \"status\", \"details\"}} (AIP-193)",
    error_objects: ErrorObjects::One(Cow::Borrowed("/error")),
    agreement: Cow::Borrowed(&[
        Agreement::EqualsStatus {
            field: "/code",
            text: false,
            general_class: false,
            label: None,
        },
        Agreement::NameForStatus {
            field: "/status",
            names: &CANONICAL_CODES,
        },
    ]),
    media_type: None,
    // `error.code` is the HTTP status and `error.status` an upper-case canonical name, so
    // neither is a snake_case code; parameters live in `details` (google.rpc.BadRequest).
    code: None,
    param: None,
    message: Some("/message"),
    signature: Cow::Borrowed(&[
        (Cow::Borrowed("/code"), Expect::ErrorStatus),
        (Cow::Borrowed("/message"), Expect::Text),
    ]),
    marker: Cow::Borrowed("\"error\""),
};
