//! A JWT claim set: the payload's JSON as decoded, and where its top-level members are.

use super::json::{self, Member, NotObject};
use super::{Malformed, Segment};
use crate::text::{to_json_line, write_json_str};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// A JWT claim set, checked strictly when the token is read. Single claims are read from the
/// payload text where they are; the whole map is built only when someone asks for it.
#[derive(Debug, Clone)]
pub struct Claims {
    json: String,
    members: Vec<Member>,
    unsafe_text: bool,
    map: OnceLock<Map<String, Value>>,
}

impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

impl Claims {
    pub(crate) fn from_json(json: Vec<u8>) -> Result<Self, Malformed> {
        let invalid = |why| Malformed::new(Segment::Payload, "json", why);
        let json = json::into_text(json).map_err(invalid)?;
        match json::members(&json) {
            Ok(object) => Ok(Claims {
                json,
                members: object.members,
                unsafe_text: object.unsafe_text,
                map: OnceLock::new(),
            }),
            Err(NotObject::Invalid(why)) => Err(invalid(why)),
            Err(NotObject::Other(type_name)) => Err(Malformed::new(
                Segment::Payload,
                "not_object",
                format!("is {type_name}, not a JSON object"),
            )),
        }
    }

    /// The raw JSON of claim `name`.
    fn raw(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|m| m.name(&self.json) == name)
            .and_then(|m| self.json.get(m.value.clone()))
    }

    /// Every claim, in the original order.
    pub fn map(&self) -> &Map<String, Value> {
        self.map
            .get_or_init(|| serde_json::from_str(&self.json).unwrap_or_default())
    }

    /// One claim's value.
    pub fn get(&self, name: &str) -> Option<Value> {
        let raw = self.raw(name)?;
        // Time claims are plain integers: read them without a JSON deserializer.
        json::integer(raw)
            .map(Value::from)
            .or_else(|| serde_json::from_str(raw).ok())
    }

    /// Claim `name` as a NumericDate ([`crate::time::numeric_date`]), or why it is not one;
    /// `None` when absent. A plain integer (what time claims are) is read as one: no `Value`
    /// is built and dropped for the time checks of every token of a batch.
    pub fn numeric_date(&self, name: &str) -> Option<Result<i64, String>> {
        let raw = self.raw(name)?;
        match json::integer(raw) {
            Some(seconds) => Some(crate::time::numeric_seconds(seconds)),
            None => self
                .get(name)
                .map(|value| crate::time::numeric_date(&value)),
        }
    }

    /// Whether claim `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// Whether any member name or string contains a control, bidi or invisible character.
    pub fn has_unsafe_text(&self) -> bool {
        self.unsafe_text
    }

    /// Append the claims as one line of JSON, unsafe characters escaped, as serde_json writes
    /// them. Plain values (most claims) are already spelled so and are copied as they are.
    pub fn write_compact_json(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(member.name(&self.json), out);
            out.push(b':');
            let raw = self.json.get(member.value.clone()).unwrap_or("null");
            if member.plain {
                out.extend_from_slice(raw.as_bytes());
            } else {
                // Checked when the token was read.
                let value: Value = serde_json::from_str(raw).unwrap_or_default();
                to_json_line(&value, out);
            }
        }
        out.push(b'}');
    }

    /// The payload bytes exactly as decoded.
    pub fn raw_json(&self) -> &[u8] {
        self.json.as_bytes()
    }
}
