//! The `errlint` profile (the default): `type`, `code`, `message` and `param` at the top of
//! the body, the status → type mapping of `[status-types]` (docs/profiles.md).

use std::borrow::Cow;

use crate::contract::profile::{Agreement, ErrorObjects, Expect, Profile};

pub const PROFILE: Profile = Profile {
    name: Cow::Borrowed("errlint"),
    title: "errlint error object",
    reference: "docs/rules.md",
    schema: Cow::Borrowed(crate::contract::BUNDLED_SCHEMA),
    shape_hint: "every error body carries type, code, message and param",
    error_objects: ErrorObjects::One(Cow::Borrowed("")),
    agreement: Cow::Borrowed(&[Agreement::TypeForStatus {
        field: Cow::Borrowed("/type"),
    }]),
    media_type: None,
    code: Some("/code"),
    param: Some("/param"),
    message: Some("/message"),
    signature: Cow::Borrowed(&[
        (Cow::Borrowed("/type"), Expect::KnownType),
        (Cow::Borrowed("/message"), Expect::Text),
    ]),
    marker: Cow::Borrowed("\"message\""),
};
