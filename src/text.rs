//! Text safety, below every other module: attacker-controlled text (claims, `kid`, error
//! details) is escaped before it reaches a terminal or a JSON consumer, so a claim holding ESC
//! sequences or bidi overrides cannot repaint the on-call engineer's screen or disguise what
//! it says. JSON output goes through one escaper: serde_json's own escaping, plus every
//! [`is_unsafe_char`] written as `\uXXXX` ([`write_safe_fragment`]).

use serde_json::ser::{CharEscape, Formatter};
use std::borrow::Cow;
use std::io::{self, Write};

/// Characters that are never shown raw: C0/C1 controls and DEL, bidirectional controls,
/// zero-width and invisible formatting characters, line/paragraph separators.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Does `text` contain any character [`is_unsafe_char`] flags?
pub(crate) fn is_unsafe_text(text: &str) -> bool {
    // Printable ASCII is never unsafe: only text with other bytes is decoded and looked at.
    // Every byte is tested (no early exit), which the compiler does many at a time.
    let printable = text.bytes().fold(true, |printable, b| {
        printable & (b.wrapping_sub(0x20) < 0x5f)
    });
    !printable && text.chars().any(is_unsafe_char)
}

/// `text` with every unsafe character replaced by a visible `\u{..}` escape.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !is_unsafe_text(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Bytes that may not be UTF-8, shown safely: valid UTF-8 escaped as by [`escape`], other
/// bytes as `\xNN`.
pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Write a fragment of a JSON string whose JSON escapes are already in place (quotes,
/// backslashes and C0 controls taken care of), with every unsafe character as `\uXXXX`
/// (lower-case hex, as serde_json writes its own). Only bytes from DEL up can still be unsafe.
pub(crate) fn write_safe_fragment<W: ?Sized + Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    let bytes = fragment.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(n) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b >= 0x7f))
    {
        i += n;
        // Only whole characters are stepped over, so `i` is on a character boundary.
        let Some(c) = fragment.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if is_unsafe_char(c) {
            w.write_all(&bytes[start..i])?;
            write!(w, "\\u{:04x}", c as u32)?;
            start = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    w.write_all(&bytes[start..])
}

/// Append `text` as a JSON string (quotes included), escaped as everything else is. Most
/// strings written (claim names, codes, labels) are printable ASCII that needs no escape.
pub(crate) fn write_json_str(text: &str, out: &mut Vec<u8>) {
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        to_json_line(text, out);
    }
}

/// A serde_json formatter that, on top of JSON's own escaping, writes every unsafe character
/// as a `\\uXXXX` escape. Output stays valid JSON and decodes to the same strings.
struct SafeFormatter<F>(F);

impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_safe_fragment(w, fragment)
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        self.0.write_char_escape(w, escape)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Serialize compactly (one line), unsafe characters escaped.
pub(crate) fn to_json_line<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        SafeFormatter(serde_json::ser::CompactFormatter),
    );
    // Serializing a Value or a derive(Serialize) struct into a Vec cannot fail.
    let _ = value.serialize(&mut ser);
}

/// Serialize with indentation (for humans), unsafe characters escaped.
pub(crate) fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        SafeFormatter(serde_json::ser::PrettyFormatter::with_indent(b"  ")),
    );
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

/// Human name of a JSON value's type, for error messages.
pub(crate) fn type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use serde_json::json;

    #[test]
    fn escapes_terminal_attacks() {
        assert_eq!(escape("plain é"), "plain é");
        assert_eq!(escape("\u{1b}[2Jx"), "\\u{1b}[2Jx");
        assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(escape("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(escape_bytes(b"ok\xff\x1b"), "ok\\xff\\u{1b}");
    }

    #[test]
    fn json_strings_escape_json_and_unsafe_characters() {
        for (text, want) in [
            ("", r#""""#),
            ("plain ascii", r#""plain ascii""#),
            ("q\"uo\\te/", r#""q\"uo\\te/""#),
            (
                "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1b}[2J\u{1f}",
                r#""\u0000\u0001\b\t\n\u000b\f\r\u001b[2J\u001f""#,
            ),
            (
                "del\u{7f} c1\u{85}\u{9b} nbsp\u{a0}",
                "\"del\\u007f c1\\u0085\\u009b nbsp\u{a0}\"",
            ),
            (
                "é日本 \u{200b}\u{202e}\u{2066}\u{feff}\u{fffa} 😀",
                "\"é日本 \\u200b\\u202e\\u2066\\ufeff\\ufffa 😀\"",
            ),
        ] {
            let mut out = Vec::new();
            write_json_str(text, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn json_output_stays_valid_and_lossless() {
        let value = json!({"sub\u{202e}": "x\u{1b}[31m\u{9b}\u{2066}y", "n": 1});
        let mut line = Vec::new();
        to_json_line(&value, &mut line);
        let text = String::from_utf8(line).unwrap();
        assert!(!text.chars().any(is_unsafe_char), "{text}");
        assert!(
            text.contains("\\u202e") && text.contains("\\u009b"),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        let pretty = to_json_pretty(&value);
        assert!(
            !pretty.chars().any(|c| c != '\n' && is_unsafe_char(c)),
            "{pretty}"
        );
    }

    proptest::proptest! {
        #[test]
        fn json_strings_read_back_and_show_nothing_unsafe(text in "\\PC*|[\\x00-\\x{a0}\\x{2028}-\\x{202f}\"\\\\a]{0,12}") {
            let mut out = Vec::new();
            write_json_str(&text, &mut out);
            let out = String::from_utf8(out).unwrap();
            proptest::prop_assert!(!out.chars().any(is_unsafe_char), "{}", out);
            let back: String = serde_json::from_str(&out).unwrap();
            proptest::prop_assert_eq!(&back, &text);
            let mut serde = Vec::new();
            to_json_line(text.as_str(), &mut serde);
            proptest::prop_assert_eq!(out.as_bytes(), &serde[..]);
        }
    }
}
