//! A JSON object as the token reader read it (a JOSE header or a claim set): its text as
//! decoded, and where its top-level members are. Single members are read from the text where
//! they are; the whole map is built when someone asks for it.

use super::json::{self, Json, Member, NotObject};
use super::{Malformed, Segment};
use crate::text::{to_json_line, write_json_str};
use serde_json::{Map, Value};
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub(crate) struct Object {
    json: String,
    members: Vec<Member>,
    unsafe_text: bool,
    /// The text is already what [`Object::write_compact_json`] writes.
    plain: bool,
    /// For each of [`REGISTERED`]: its position in `members` plus one, or 0 when absent. The
    /// checks of a batch ask for these claims (some absent) for every token; they are found
    /// without comparing names.
    registered: [u32; REGISTERED.len()],
    map: OnceLock<Map<String, Value>>,
}

/// The registered claim names of RFC 7519 §4.1.
const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Where `name` is in [`REGISTERED`].
#[inline]
fn registered_slot(name: &[u8]) -> Option<usize> {
    match name {
        b"iss" => Some(0),
        b"sub" => Some(1),
        b"aud" => Some(2),
        b"exp" => Some(3),
        b"nbf" => Some(4),
        b"iat" => Some(5),
        b"jti" => Some(6),
        _ => None,
    }
}

impl Object {
    /// Read the decoded bytes of `segment` strictly as a JSON object.
    pub(crate) fn read(json: Vec<u8>, segment: Segment) -> Result<Self, Malformed> {
        let invalid = |why| Malformed::new(segment, "json", why);
        let json = json::into_text(json).map_err(invalid)?;
        match json::members(&json) {
            Ok(read) => Ok(Object {
                registered: registered(&json, &read.members),
                members: read.members,
                unsafe_text: read.unsafe_text,
                plain: read.plain,
                json,
                map: OnceLock::new(),
            }),
            Err(NotObject::Invalid(why)) => Err(invalid(why)),
            Err(NotObject::Other(type_name)) => Err(Malformed::new(
                segment,
                "not_object",
                format!("is {type_name}, not a JSON object"),
            )),
        }
    }

    /// Member `name`.
    fn member(&self, name: &str) -> Option<&Json> {
        if let Some(slot) = registered_slot(name.as_bytes()) {
            let at = usize::try_from(self.registered[slot])
                .ok()?
                .checked_sub(1)?;
            return self.members.get(at).map(|m| &m.value);
        }
        self.members
            .iter()
            .find(|m| m.is(&self.json, name))
            .map(|m| &m.value)
    }

    /// Every member, in the original order.
    pub(crate) fn map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| {
            self.members
                .iter()
                .map(|m| (m.name(&self.json).to_owned(), self.value(&m.value)))
                .collect()
        })
    }

    fn value(&self, json: &Json) -> Value {
        match json {
            Json::Str(range) => {
                Value::String(self.json.get(range.clone()).unwrap_or_default().into())
            }
            Json::Int(n) => Value::from(*n),
            Json::Bool(b) => Value::Bool(*b),
            Json::Null => Value::Null,
            Json::Other(value) => Value::clone(value),
        }
    }

    /// One member's value.
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        self.member(name).map(|json| self.value(json))
    }

    /// Member `name` as a NumericDate ([`crate::time::numeric_date`]), or why it is not one;
    /// `None` when absent. A plain integer (what time claims are) is read as one.
    pub(crate) fn numeric_date(&self, name: &str) -> Option<Result<i64, String>> {
        Some(match self.member(name)? {
            Json::Int(seconds) => crate::time::numeric_seconds(*seconds),
            other => crate::time::numeric_date(&self.value(other)),
        })
    }

    /// Whether member `name` is present.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.member(name).is_some()
    }

    /// Whether any member name or string contains a control, bidi or invisible character.
    pub(crate) fn has_unsafe_text(&self) -> bool {
        self.unsafe_text
    }

    /// Append the object as one line of JSON, unsafe characters escaped, as serde_json writes
    /// it. A plain object (most of them) is already spelled so and is copied as it is.
    pub(crate) fn write_compact_json(&self, out: &mut Vec<u8>) {
        if self.plain {
            out.extend_from_slice(self.json.as_bytes());
            return;
        }
        out.push(b'{');
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(member.name(&self.json), out);
            out.push(b':');
            match &member.value {
                Json::Str(range) => {
                    write_json_str(self.json.get(range.clone()).unwrap_or_default(), out)
                }
                Json::Int(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
                Json::Bool(true) => out.extend_from_slice(b"true"),
                Json::Bool(false) => out.extend_from_slice(b"false"),
                Json::Null => out.extend_from_slice(b"null"),
                Json::Other(value) => to_json_line(value, out),
            }
        }
        out.push(b'}');
    }

    /// The text exactly as decoded.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.json
    }
}

/// Where each of [`REGISTERED`] is in `members` (see [`Object::registered`]).
fn registered(text: &str, members: &[Member]) -> [u32; REGISTERED.len()] {
    let mut slots = [0; REGISTERED.len()];
    for (i, member) in members.iter().enumerate() {
        if let (Some(slot), Ok(at)) = (
            registered_slot(member.name(text).as_bytes()),
            u32::try_from(i + 1),
        ) {
            slots[slot] = at;
        }
    }
    slots
}

/// A JWT claim set, checked strictly when the token is read.
#[derive(Debug, Clone)]
pub struct Claims(Object);

impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

impl Claims {
    pub(crate) fn from_json(json: Vec<u8>) -> Result<Self, Malformed> {
        Object::read(json, Segment::Payload).map(Claims)
    }

    /// Every claim, in the original order.
    pub fn map(&self) -> &Map<String, Value> {
        self.0.map()
    }

    /// One claim's value.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.0.get(name)
    }

    /// Claim `name` as a NumericDate ([`crate::time::numeric_date`]), or why it is not one;
    /// `None` when absent.
    pub fn numeric_date(&self, name: &str) -> Option<Result<i64, String>> {
        self.0.numeric_date(name)
    }

    /// Whether claim `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Whether any member name or string contains a control, bidi or invisible character.
    pub fn has_unsafe_text(&self) -> bool {
        self.0.has_unsafe_text()
    }

    /// Append the claims as one line of JSON, unsafe characters escaped.
    pub fn write_compact_json(&self, out: &mut Vec<u8>) {
        self.0.write_compact_json(out);
    }

    /// The payload bytes exactly as decoded.
    #[cfg(test)]
    pub fn raw_json(&self) -> &[u8] {
        self.0.text().as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_registered_or_not() {
        let text = r#"{"sub":"u1","\u0065xp":7,"x":{"iat":1},"iss":"a","n":[1]}"#;
        let object = Object::read(text.as_bytes().to_vec(), Segment::Payload).unwrap();
        assert_eq!(object.get("sub"), Some(Value::from("u1")));
        assert_eq!(object.numeric_date("exp"), Some(Ok(7)));
        assert_eq!(object.get("iss"), Some(Value::from("a")));
        assert_eq!(object.get("n"), Some(serde_json::json!([1])));
        assert!(object.contains("x"));
        for absent in ["iat", "nbf", "aud", "jti", "y", ""] {
            assert!(!object.contains(absent), "{absent}");
        }
        assert_eq!(object.map().len(), 5);
    }
}
