//! Pact files v2, v3 and v4 (https://github.com/pact-foundation/pact-specification):
//! `consumer`, `provider` and `interactions`; one response per HTTP interaction.
//!
//! v4 interactions carry a `type`: only `Synchronous/HTTP` ones have an HTTP response;
//! message interactions are skipped and counted. A response has `status` (200 when absent),
//! `headers` (name → string, or name → list in v4) and a body: a JSON value or string in
//! v2/v3, an object `{content, contentType, encoded}` in v4, where `encoded` is `false`,
//! `"base64"` or `"JSON"`. Matching rules are ignored: the example values are what is
//! checked. Request headers and bodies are never read. This loader must not print.

use std::borrow::Cow;

use base64::Engine as _;
use serde_json::value::RawValue;

use super::Sink;
use super::document::{Json, Members, items_of, members_of, parse_headers, templated, text_of};
use super::har::status_of;
use crate::response::{Body, Response, Status};

/// A pact: `consumer`, `provider` and an `interactions` array.
pub fn recognise(members: &Members<'_>) -> bool {
    members.contains_key("consumer")
        && members.contains_key("provider")
        && members
            .get("interactions")
            .is_some_and(|r| r.get().starts_with('['))
}

/// Hands every HTTP interaction's response to the sink, in file order.
pub fn load<'a>(members: &Members<'a>, json: &Json<'a>, sink: &mut dyn Sink) {
    let version_4 = members
        .get("metadata")
        .and_then(|raw| members_of(raw))
        .and_then(|m| {
            let spec = members_of(m.get("pactSpecification")?)?;
            text_of(spec.get("version"))
        })
        .is_some_and(|v| v.starts_with('4'));
    let Some(interactions) = members.get("interactions").and_then(|r| items_of(r)) else {
        return;
    };
    for (index, raw) in interactions.iter().enumerate() {
        match members_of(raw) {
            Some(interaction) => self::interaction(index, raw, &interaction, version_4, json, sink),
            None => sink.malformed(
                json.position(raw),
                index,
                format!("interaction {index} is not an object"),
            ),
        }
    }
}

fn interaction<'a>(
    index: usize,
    raw: &'a RawValue,
    interaction: &Members<'a>,
    version_4: bool,
    json: &Json<'a>,
    sink: &mut dyn Sink,
) {
    let at = json.position(raw);
    let kind = text_of(interaction.get("type"));
    if kind.as_deref().is_some_and(|k| k != "Synchronous/HTTP") {
        // Asynchronous or synchronous messages: no HTTP response.
        sink.skipped(1);
        return;
    }
    let version_4 = version_4 || kind.is_some();
    let request = interaction.get("request").and_then(|r| members_of(r));
    let url = request.as_ref().and_then(|r| text_of(r.get("path")));
    if !json.selects(url.as_deref()) {
        sink.skipped(1);
        return;
    }
    let Some(response_raw) = interaction.get("response") else {
        return sink.malformed(
            at,
            index,
            format!("interaction {index} has no \"response\""),
        );
    };
    let Some(response) = members_of(response_raw) else {
        return sink.malformed(
            json.position(response_raw),
            index,
            format!("interaction {index}: \"response\" is not an object"),
        );
    };
    let status = response
        .get("status")
        .map_or(Status::Code(200), |raw| status_of(raw.get()));
    let headers = match response.get("headers") {
        Some(raw) if raw.get() != "null" => match parse_headers(raw.get()) {
            Ok(headers) => headers,
            Err(message) => {
                return sink.malformed(
                    json.position(raw),
                    index,
                    format!("interaction {index}: {message}"),
                );
            }
        },
        _ => Default::default(),
    };
    let mut content_type = headers
        .get("content-type")
        .map(|v| Cow::Owned(v.to_string()));
    let body: Body<'a> = match response.get("body") {
        // No body: the provider sends an empty one.
        None => json.empty_body(json.offset(response_raw)),
        Some(body) => match members_of(body)
            .filter(|_| version_4)
            .and_then(|v4| Some((*v4.get("content")?, v4)))
        {
            None => json.body(body),
            Some((content, v4)) => {
                // A header list wins over the body's own content type.
                if content_type.is_none() {
                    content_type = text_of(v4.get("contentType")).map(Cow::Owned);
                }
                let encoded = v4.get("encoded").map(|e| e.get()).unwrap_or("false");
                match encoded {
                    "\"base64\"" | "\"BASE64\"" => {
                        let bytes = text_of(Some(&content)).and_then(|t| {
                            base64::engine::general_purpose::STANDARD
                                .decode(t.trim())
                                .ok()
                        });
                        match bytes {
                            Some(bytes) => json.decoded_body(bytes, content),
                            None => {
                                return sink.malformed(
                                    json.position(content),
                                    index,
                                    format!(
                                        "interaction {index}: \"body.content\" is not valid base64"
                                    ),
                                );
                            }
                        }
                    }
                    // `"JSON"`: the content is the JSON text, held as a string or a value.
                    _ => json.body(content),
                }
            }
        },
    };
    if templated(&body.bytes)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&body.bytes).is_err()
    {
        // Template tags stand for values the provider fills in.
        sink.skipped(1);
        return;
    }
    let mut out = Response::new(index, at, status);
    out.method = request
        .as_ref()
        .and_then(|r| text_of(r.get("method")))
        .map(|m| Cow::Owned(m.to_ascii_uppercase()));
    out.raw_url = url.map(Cow::Owned);
    out.content_type = content_type;
    out.headers = Some(headers);
    out.body = Some(body);
    sink.response(&out);
}
