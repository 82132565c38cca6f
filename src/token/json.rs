//! The strict JSON reader for JOSE headers and claim sets: original member order kept,
//! duplicate member names rejected at every depth (RFC 7515 §5.2 lets a parser choose; we
//! refuse), nesting bounded by serde_json's recursion limit, trailing data, lone surrogates and
//! invalid UTF-8 rejected.
//!
//! One serde_json pass does it all. A claim set's top-level members are kept as borrowed views
//! of the text where they can be (names and strings without escapes, integers, literals:
//! nearly every claim); only other values (objects, arrays, escaped strings, floats) are built
//! as `Value`s, by the same strict visitor that reads whole documents ([`parse`]).

use crate::text::is_unsafe_text;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::ops::Range;

/// Parse one JSON text strictly.
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let text = utf8(bytes)?;
    let unsafe_text = Notes::for_text(text);
    let mut de = serde_json::Deserializer::from_str(text);
    Strict(&unsafe_text)
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| describe(&e))
}

/// `bytes` as text, or why JSON cannot be read from them.
fn utf8(bytes: &[u8]) -> Result<&str, String> {
    no_bom(bytes)?;
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, &e))
}

/// [`utf8`], keeping the allocation.
pub(crate) fn into_text(bytes: Vec<u8>) -> Result<String, String> {
    no_bom(&bytes)?;
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), &e.utf8_error()))
}

// serde_json reports both of these as a generic syntax error at some column; name them.
fn no_bom(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        return Err(
            "invalid JSON: starts with a byte order mark (BOM, EF BB BF), which JSON must not have"
                .into(),
        );
    }
    Ok(())
}

fn not_utf8(bytes: &[u8], error: &std::str::Utf8Error) -> String {
    let offset = error.valid_up_to();
    format!(
        "invalid JSON: not UTF-8 (byte 0x{:02x} at offset {offset})",
        bytes.get(offset).copied().unwrap_or_default()
    )
}

fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if text.starts_with("recursion limit exceeded") {
        format!("JSON nested too deeply (column {})", error.column())
    } else {
        format!("invalid JSON: {text}")
    }
}

/// One top-level member of an object read by [`members`].
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub name: Name,
    pub value: Json,
}

/// A member name: where it is in the text, or (when it has escapes) decoded.
#[derive(Debug, Clone)]
pub(crate) enum Name {
    Raw(Range<usize>),
    Decoded(Box<str>),
}

/// A top-level value: a view of the text where it has one, else built.
#[derive(Debug, Clone)]
pub(crate) enum Json {
    /// A string without escapes: where its content (between the quotes) is in the text.
    Str(Range<usize>),
    Int(i64),
    Bool(bool),
    Null,
    /// Anything else: objects, arrays, strings with escapes, other numbers (boxed: members stay
    /// small, and most are none of these).
    Other(Box<Value>),
}

impl Member {
    /// Whether the member is called `name`, `text` being the text it was read from. Every
    /// token of a batch looks up several claims (some absent, so compared with every name):
    /// bytes are compared, without the character-boundary checks of slicing a `str`.
    #[inline]
    pub fn is(&self, text: &str, name: &str) -> bool {
        let own = match &self.name {
            Name::Raw(range) => text.as_bytes().get(range.clone()).unwrap_or_default(),
            Name::Decoded(own) => own.as_bytes(),
        };
        same_name(own, name.as_bytes())
    }

    /// The member's name, `text` being the text it was read from.
    pub fn name<'t>(&'t self, text: &'t str) -> &'t str {
        match &self.name {
            Name::Raw(range) => text.get(range.clone()).unwrap_or_default(),
            Name::Decoded(name) => name,
        }
    }
}

/// A JSON object's top-level members, read strictly.
#[derive(Debug, Clone, Default)]
pub(crate) struct Members {
    pub members: Vec<Member>,
    /// Some name or string, at any depth, holds an unsafe character.
    pub unsafe_text: bool,
    /// The text is compact (no whitespace), every name and value plain and nothing unsafe: it
    /// is spelled exactly as serde_json writes the object.
    pub plain: bool,
}

/// Why [`members`] refused a text.
pub(crate) enum NotObject {
    /// Not JSON as [`parse`] reads it: what is wrong.
    Invalid(String),
    /// Valid JSON, but not an object: this type name.
    Other(&'static str),
}

/// Read `text`, which should hold one JSON object, strictly: its top-level members as views.
pub(crate) fn members(text: &str) -> Result<Members, NotObject> {
    let unsafe_text = Notes::for_text(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_any(TopLevel {
            text,
            unsafe_text: &unsafe_text,
        })
        .and_then(|members| de.end().map(|()| members));
    match read {
        Ok(Some(members)) => Ok(Members {
            plain: !unsafe_text.get() && is_compact(text, &members),
            unsafe_text: unsafe_text.get(),
            members,
        }),
        Ok(None) => Err(match parse(text.as_bytes()) {
            Err(why) => NotObject::Invalid(why),
            Ok(other) => NotObject::Other(crate::text::type_name(&other)),
        }),
        Err(e) => Err(NotObject::Invalid(describe(&e))),
    }
}

/// Whether `text` is exactly `members` written compactly: the lengths of the names and values,
/// spelled as serde_json spells them, and of the punctuation of compact JSON (`{}`, `"":` per
/// member, commas between) add up to the text's length. Any whitespace, escape or other
/// spelling makes them not add up, or a member not plain.
fn is_compact(text: &str, members: &[Member]) -> bool {
    let mut len = 2 + members.len().saturating_sub(1);
    for member in members {
        let Name::Raw(name) = &member.name else {
            return false;
        };
        len += name.len() + 3;
        len += match &member.value {
            Json::Str(range) => range.len() + 2,
            Json::Int(n) => digits(*n),
            Json::Bool(true) | Json::Null => 4,
            Json::Bool(false) => 5,
            Json::Other(_) => return false,
        };
    }
    len == text.len()
}

/// How many characters `n` takes in decimal.
fn digits(n: i64) -> usize {
    let magnitude = n.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 1;
    magnitude + usize::from(n < 0)
}

/// Whether two member names are equal. Claim names are a few bytes long and most differ in
/// length: comparing them here costs less than a call to `memcmp`.
#[inline]
pub(crate) fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Where `part`, borrowed from `text`, is in it.
fn within(text: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    start..start + part.len()
}

/// Objects up to this many members are checked for duplicates in order, larger ones hashed.
const SMALL_OBJECT: usize = 16;

/// The top-level value of [`members`]: `None` when it is not an object.
struct TopLevel<'t, 'f> {
    text: &'t str,
    unsafe_text: &'f Notes,
}

impl<'de> TopLevel<'de, '_> {
    fn not_object<E>(self) -> Result<Option<Vec<Member>>, E> {
        Ok(None)
    }
}

impl<'de> Visitor<'de> for TopLevel<'de, '_> {
    type Value = Option<Vec<Member>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        self.not_object()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Read to its end: a problem inside comes before "not an object".
        while seq.next_element_seed(Strict(self.unsafe_text))?.is_some() {}
        self.not_object()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let text: &'de str = self.text;
        let mut names = Names::default();
        // A typical claim set: the registered claims and a few of the issuer's own.
        let mut members: Vec<Member> = Vec::with_capacity(12);
        while let Some(name) = access.next_key_seed(Key(self.unsafe_text))? {
            if members.len() < SMALL_OBJECT {
                if members.iter().any(|m| m.is(text, &name)) {
                    return Err(duplicate(&name));
                }
            } else {
                if names.is_empty() {
                    names.extend(members.iter().map(|m| m.name(text).to_owned()));
                }
                if !names.insert(&name) {
                    return Err(duplicate(&name));
                }
            }
            let value = access.next_value_seed(View {
                text,
                unsafe_text: self.unsafe_text,
            })?;
            members.push(Member {
                name: match name {
                    Cow::Borrowed(name) => Name::Raw(within(text, name)),
                    Cow::Owned(name) => Name::Decoded(name.into()),
                },
                value,
            });
        }
        Ok(Some(members))
    }
}

fn duplicate<E: de::Error>(name: &str) -> E {
    E::custom(format_args!("duplicate member `{name}`"))
}

/// The names of a large object so far.
#[derive(Default)]
struct Names(std::collections::HashSet<String>);

impl Names {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn extend(&mut self, names: impl Iterator<Item = String>) {
        self.0.extend(names);
    }

    /// Note `name`; false when it was there already.
    fn insert(&mut self, name: &str) -> bool {
        self.0.insert(name.to_owned())
    }
}

/// A top-level member's value, as a view where it can be.
struct View<'t, 'f> {
    text: &'t str,
    unsafe_text: &'f Notes,
}

impl<'de> DeserializeSeed<'de> for View<'de, '_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for View<'de, '_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(i64::try_from(v).map_or_else(|_| Json::Other(Box::new(v.into())), Json::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Strict(self.unsafe_text).visit_f64(v).map(other)
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json, E> {
        note(self.unsafe_text, v);
        Ok(Json::Str(within(self.text, v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        note(self.unsafe_text, v);
        Ok(other(Value::String(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Json, A::Error> {
        Strict(self.unsafe_text).visit_seq(seq).map(other)
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Json, A::Error> {
        Strict(self.unsafe_text).visit_map(access).map(other)
    }
}

fn other(value: Value) -> Json {
    Json::Other(Box::new(value))
}

/// A member name, borrowed when it has no escapes; unsafe characters noted.
struct Key<'f>(&'f Notes);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        note(self.0, v);
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        note(self.0, v);
        Ok(Cow::Owned(v.to_owned()))
    }
}

fn note(notes: &Notes, text: &str) {
    if notes.look && is_unsafe_text(text) {
        notes.found.set(true);
    }
}

/// Whether a text being read holds an unsafe character somewhere. Strings are looked at one by
/// one only when the whole text could hold one: a text of printable ASCII without escapes
/// (most tokens) cannot, and one pass over it, many bytes at a time, says so.
struct Notes {
    look: bool,
    found: Cell<bool>,
}

impl Notes {
    fn for_text(text: &str) -> Notes {
        Notes {
            look: !printable_without_escapes(text.as_bytes()),
            found: Cell::new(false),
        }
    }

    fn get(&self) -> bool {
        self.found.get()
    }
}

/// Whether every byte is printable ASCII and none is a backslash. Every byte is tested (no
/// early exit), which the compiler does many at a time.
fn printable_without_escapes(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |plain, &b| {
        plain & (b.wrapping_sub(0x20) < 0x5f) & (b != b'\\')
    })
}

/// The strict visitor: builds a `Value`, refuses duplicate names, notes unsafe characters.
#[derive(Clone, Copy)]
struct Strict<'f>(&'f Notes);

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
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
        note(self.0, v);
        Ok(Value::String(v.to_owned()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(Key(self.0))? {
            if map.contains_key(key.as_ref()) {
                return Err(duplicate(&key));
            }
            let value = access.next_value_seed(self)?;
            map.insert(key.into_owned(), value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests;
