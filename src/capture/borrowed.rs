//! JSON text read borrowing from the input: strings and objects whose parts point into the
//! bytes they were parsed from, so that a record costs no allocation for what it only looks
//! at. serde's own `Cow<str>` always copies (it borrows only for fields marked `borrow`),
//! which for a log line of eight members meant eight allocations.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

/// A string borrowed from the input unless it has escapes. Ordered by its text, so that it
/// can key a map.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub struct BorrowedStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Visit<'a> {
            type Value = BorrowedStr<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedStr(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(BorrowedStr(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(Visit(std::marker::PhantomData))
    }
}

/// A JSON object's members as written, each value kept as its raw text. A repeated name
/// counts once, with its last value, as serde_json's own maps have it.
pub struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Members<'a> {
    /// The raw value of member `name`.
    pub fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| *value)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every member as written, in document order, a repeated name each time.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &'a RawValue)> + '_ {
        self.0.iter().map(|(key, value)| (key.as_ref(), *value))
    }

    /// Every member's raw value, in document order.
    pub fn values(&self) -> impl Iterator<Item = &'a RawValue> + '_ {
        self.0.iter().map(|(_, value)| *value)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Visit<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(BorrowedStr(name)) = map.next_key()? {
                    members.push((name, map.next_value::<&'de RawValue>()?));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_borrow_and_the_last_of_a_repeated_name_wins() {
        let text = r#"{"status": 404, "b\u006fdy": {"a": 1}, "status": 429}"#;
        let members: Members<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(members.get("status").map(RawValue::get), Some("429"));
        assert_eq!(members.get("body").map(RawValue::get), Some(r#"{"a": 1}"#));
        assert!(!members.contains_key("headers"));
        assert_eq!(members.values().count(), 3);
        assert!(serde_json::from_str::<Members<'_>>("[1]").is_err());
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let plain: BorrowedStr<'_> = serde_json::from_str(r#""abc""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("abc")));
        let escaped: BorrowedStr<'_> = serde_json::from_str(r#""a\"c""#).unwrap();
        assert!(matches!(escaped.0, Cow::Owned(ref s) if s == "a\"c"));
    }
}
