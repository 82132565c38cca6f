//! The strict JSON reader for JOSE headers and claim sets: original member order kept,
//! duplicate member names rejected at every depth (RFC 7515 §5.2 lets a parser choose; we
//! refuse), nesting bounded by serde_json's recursion limit, trailing data, lone surrogates and
//! invalid UTF-8 rejected.
//!
//! Everything goes through serde_json, checked by one visitor ([`Check`]). A claim set is read
//! in one pass that borrows its top-level members as raw JSON ([`members`]): only values that
//! are not plain (objects, arrays, strings with escapes or past ASCII, numbers other than
//! plain integers) are visited again by [`Check`]. When anything is wrong, the whole text goes
//! through [`Check`] once more, which names the first problem exactly as serde_json positions it.

use crate::text::is_unsafe_text;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

/// Parse one JSON text strictly.
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let text = utf8(bytes)?;
    check(text)?;
    // Checked just above: serde_json's own reader agrees on everything it accepts.
    serde_json::from_str(text).map_err(|e| describe(&e))
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

/// Check a whole JSON text strictly; whether any name or string holds an unsafe character.
fn check(text: &str) -> Result<bool, String> {
    let unsafe_text = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    Check::new(&unsafe_text, 0)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| describe(&e))?;
    Ok(unsafe_text.get())
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
    /// The name, decoded.
    pub name: Name,
    /// Where the value's raw JSON is in the text.
    pub value: Range<usize>,
    /// The raw JSON is plain (see [`is_plain`]): spelled as serde_json writes the value.
    pub plain: bool,
}

/// A member name: where it is in the text, or (when it has escapes) decoded.
#[derive(Debug, Clone)]
pub(crate) enum Name {
    Raw(Range<usize>),
    Decoded(Box<str>),
}

impl Member {
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
    /// The text is compact (no whitespace) and every name and value plain: it is spelled
    /// exactly as serde_json writes the object.
    pub plain: bool,
}

/// Why [`members`] refused a text.
pub(crate) enum NotObject {
    /// Not JSON as [`parse`] reads it: what is wrong.
    Invalid(String),
    /// Valid JSON, but not an object: this type name.
    Other(&'static str),
}

/// Read `text`, which should hold one JSON object, strictly: its top-level members borrowed as
/// raw JSON.
pub(crate) fn members(text: &str) -> Result<Members, NotObject> {
    let unsafe_text = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(TopLevel {
            text,
            unsafe_text: &unsafe_text,
        })
        .and_then(|members| de.end().map(|()| members));
    match read {
        Ok(members) => Ok(Members {
            plain: !unsafe_text.get() && is_compact(text, &members),
            unsafe_text: unsafe_text.get(),
            members,
        }),
        // The error path: read it all again, to name the first problem or the type.
        Err(_) => Err(match parse(text.as_bytes()) {
            Err(why) => NotObject::Invalid(why),
            Ok(other) => NotObject::Other(type_name(&other)),
        }),
    }
}

/// Whether the raw JSON of a value is plain: a plain integer, a literal, or a string of
/// printable ASCII without escapes. Those serde_json's skipping has fully checked, and they
/// are spelled exactly as serde_json writes them; every other value goes through [`Check`].
fn is_plain(raw: &str) -> bool {
    match raw.as_bytes() {
        // Every byte is looked at (no early exit), which the compiler does many at a time.
        [b'"', inner @ .., b'"'] => inner
            .iter()
            .fold(true, |plain, &b| plain & (0x20..0x7f).contains(&b) & (b != b'\\')),
        [b't' | b'f' | b'n', ..] => true,
        [b'-' | b'0'..=b'9', ..] => integer(raw).is_some(),
        _ => false,
    }
}

/// The value of `raw`, a JSON number, when it is a plain integer of at most 18 digits, exactly as
/// serde_json reads it; `None` for anything else (including `-0`, a float to serde_json).
pub(crate) fn integer(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    // At most 18 digits: below 10^18, so nothing here can overflow (longer integers are read
    // by serde_json).
    if digits.is_empty() || digits.len() > 18 || (negative && digits == b"0") {
        return None;
    }
    let mut value = 0i64;
    for &byte in digits {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value.wrapping_mul(10).wrapping_add(i64::from(digit));
    }
    Some(if negative { -value } else { value })
}

/// Whether `text` holds `members` with nothing between them but the punctuation of compact
/// JSON (`{"`, `":`, `,"`, `}`), every name unescaped and every value plain: told from where
/// the members are, without looking at the text again.
fn is_compact(text: &str, members: &[Member]) -> bool {
    let mut end = 0;
    for member in members {
        let Name::Raw(name) = &member.name else {
            return false;
        };
        if !member.plain || name.start != end + 2 || member.value.start != name.end + 2 {
            return false;
        }
        end = member.value.end;
    }
    text.len() == if members.is_empty() { 2 } else { end + 1 }
}

/// Whether two member names are equal. Claim names are a few bytes long and most differ in
/// length: comparing them here costs less than a call to `memcmp`.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The top-level object of [`members`].
struct TopLevel<'t, 'f> {
    text: &'t str,
    unsafe_text: &'f Cell<bool>,
}

impl<'de, 'f> Visitor<'de> for TopLevel<'de, 'f> {
    type Value = Vec<Member>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Vec<Member>, A::Error> {
        // Names are compared with the members so far; a large object's are hashed.
        let mut large: Option<HashSet<Cow<'de, str>>> = None;
        // A typical claim set: the registered claims and a few of the issuer's own.
        let mut members: Vec<Member> = Vec::with_capacity(12);
        while let Some(name) = access.next_key_seed(Key(self.unsafe_text))? {
            let duplicate = if members.len() < SMALL_OBJECT {
                members.iter().any(|m| same_name(m.name(self.text), &name))
            } else {
                let text: &'de str = self.text;
                let set = large.get_or_insert_with(|| {
                    members
                        .iter()
                        .map(|m| match &m.name {
                            Name::Raw(range) => {
                                Cow::Borrowed(text.get(range.clone()).unwrap_or_default())
                            }
                            Name::Decoded(name) => Cow::Owned(name.to_string()),
                        })
                        .collect()
                });
                !set.insert(name.clone())
            };
            if duplicate {
                return Err(de::Error::custom(format_args!("duplicate member `{name}`")));
            }
            let raw: &'de RawValue = access.next_value()?;
            let raw = raw.get();
            let plain = is_plain(raw);
            if !plain {
                let mut de = serde_json::Deserializer::from_str(raw);
                Check::new(self.unsafe_text, 1)
                    .deserialize(&mut de)
                    .map_err(de::Error::custom)?;
            }
            members.push(Member {
                name: match name {
                    Cow::Borrowed(name) => Name::Raw(within(self.text, name)),
                    Cow::Owned(name) => Name::Decoded(name.into()),
                },
                value: within(self.text, raw),
                plain,
            });
        }
        Ok(members)
    }
}

/// Where `part`, borrowed from `text`, is in it.
fn within(text: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    start..start + part.len()
}

/// The names of one object so far, to refuse a duplicate. Most objects have a handful of
/// members: those are compared in order, larger ones hashed.
#[derive(Default)]
struct Names<'de> {
    list: Vec<Cow<'de, str>>,
    set: Option<HashSet<Cow<'de, str>>>,
}

/// Objects up to this many members are searched in order.
const SMALL_OBJECT: usize = 16;

impl<'de> Names<'de> {
    /// Note `name`, or refuse it as a duplicate.
    fn insert<E: de::Error>(&mut self, name: Cow<'de, str>) -> Result<Cow<'de, str>, E> {
        let duplicate = if self.list.len() < SMALL_OBJECT {
            self.list.contains(&name)
        } else {
            let set = self
                .set
                .get_or_insert_with(|| self.list.iter().cloned().collect());
            !set.insert(name.clone())
        };
        if duplicate {
            return Err(E::custom(format_args!("duplicate member `{name}`")));
        }
        self.list.push(name.clone());
        Ok(name)
    }
}

/// A member name, borrowed when it has no escapes; unsafe characters noted.
struct Key<'f>(&'f Cell<bool>);

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

fn note(unsafe_text: &Cell<bool>, text: &str) {
    if is_unsafe_text(text) {
        unsafe_text.set(true);
    }
}

/// Most containers serde_json opens at once (its recursion limit): the 128th is refused.
const MAX_OPEN: usize = 128;

/// The strict check of one JSON value, building nothing: duplicate names at every depth,
/// unsafe characters noted. `open` counts the containers around the value in the whole text,
/// so that a value checked on its own is held to the limit it has there.
#[derive(Clone, Copy)]
struct Check<'f> {
    unsafe_text: &'f Cell<bool>,
    open: usize,
}

impl<'f> Check<'f> {
    fn new(unsafe_text: &'f Cell<bool>, open: usize) -> Self {
        Check { unsafe_text, open }
    }

    fn inner<E: de::Error>(self) -> Result<Self, E> {
        // On a whole text serde_json refuses first; a value checked on its own is refused here.
        if self.open + 1 >= MAX_OPEN {
            return Err(E::custom("recursion limit exceeded"));
        }
        Ok(Check {
            open: self.open + 1,
            ..self
        })
    }
}

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        note(self.unsafe_text, v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = self.inner()?;
        while seq.next_element_seed(inner)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        let inner = self.inner()?;
        let mut names = Names::default();
        while let Some(name) = access.next_key_seed(Key(self.unsafe_text))? {
            names.insert(name)?;
            access.next_value_seed(inner)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
