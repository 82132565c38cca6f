//! Strict JSON for JOSE headers and claim sets: original member order kept, duplicate member
//! names rejected at every depth (RFC 7515 §5.2 lets a parser choose; we refuse), nesting bounded
//! by serde_json's recursion limit, trailing data and invalid UTF-8 rejected.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Parse one JSON text strictly.
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    // serde_json reports both of these as a generic syntax error at some column; name them.
    if bytes.starts_with(b"\xef\xbb\xbf") {
        return Err(
            "invalid JSON: starts with a byte order mark (BOM, EF BB BF), which JSON must not have"
                .into(),
        );
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        format!(
            "invalid JSON: not UTF-8 (byte 0x{:02x} at offset {offset})",
            bytes[offset]
        )
    })?;
    serde_json::from_str::<Strict>(text)
        .map(|s| s.0)
        .map_err(|e| describe(&e))
}

/// Human name of a JSON value's type, for error messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if text.starts_with("recursion limit exceeded") {
        format!("JSON nested too deeply (column {})", error.column())
    } else {
        format!("invalid JSON: {text}")
    }
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate member `{key}`")));
            }
            let Strict(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_member_order() {
        let v = parse(br#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#).unwrap();
        assert_eq!(v.to_string(), r#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#);
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        let err = parse(br#"{"alg":"HS256","alg":"none"}"#).unwrap_err();
        assert!(err.contains("duplicate member `alg`"), "{err}");
        let err = parse(br#"{"a":[{"k":1,"k":2}]}"#).unwrap_err();
        assert!(err.contains("duplicate member `k`"), "{err}");
    }

    #[test]
    fn rejects_garbage_bom_surrogates_and_deep_nesting() {
        for (input, needle) in [
            (&br#"{"a":1} x"#[..], "trailing"),
            (b"\xef\xbb\xbf{}", "byte order mark"),
            (br#"{"a":"\ud800"}"#, "invalid JSON"),
            (b"{\"a\":\"\xff\"}", "not UTF-8 (byte 0xff at offset 6)"),
            (b"{\"a\":\"\xc3\"}", "not UTF-8 (byte 0xc3 at offset 6)"),
            (b"{\"a\":\"\xc3", "not UTF-8 (byte 0xc3 at offset 6)"),
        ] {
            let err = parse(input).unwrap_err();
            assert!(err.contains(needle), "{input:?}: {err}");
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            parse(deep.as_bytes())
                .unwrap_err()
                .contains("nested too deeply")
        );
    }
}
