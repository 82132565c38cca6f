//! Escaping attacker-controlled text (claims, `kid`, error details) before it reaches a
//! terminal or a JSON consumer: a claim holding ESC sequences or bidi overrides must not
//! repaint the on-call engineer's screen or disguise what it says.

use serde_json::ser::{CharEscape, Formatter};
use std::borrow::Cow;
use std::io::{self, Write};

/// Characters that are never shown raw: C0/C1 controls and DEL, bidirectional controls,
/// zero-width and invisible formatting characters, line/paragraph separators.
pub fn is_unsafe_char(c: char) -> bool {
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
pub fn is_unsafe_text(text: &str) -> bool {
    text.chars().any(is_unsafe_char)
}

/// `text` with every unsafe character replaced by a visible `\u{..}` escape.
pub fn escape(text: &str) -> Cow<'_, str> {
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
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// A serde_json formatter that, on top of JSON's own escaping, writes every unsafe character
/// as a `\uXXXX` escape. Output stays valid JSON and decodes to the same strings.
pub struct SafeFormatter<F>(pub F);

impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe_char(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
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

/// Serialize compactly (one line) with [`SafeFormatter`].
pub fn to_json_line<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        SafeFormatter(serde_json::ser::CompactFormatter),
    );
    // Serializing a Value or a derive(Serialize) struct into a Vec cannot fail.
    let _ = value.serialize(&mut ser);
}

/// Serialize with indentation (for humans) with [`SafeFormatter`].
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        SafeFormatter(serde_json::ser::PrettyFormatter::with_indent(b"  ")),
    );
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        let pretty = to_json_pretty(&value);
        assert!(
            !pretty.chars().any(|c| c != '\n' && is_unsafe_char(c)),
            "{pretty}"
        );
    }
}
