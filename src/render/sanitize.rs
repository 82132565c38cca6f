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
    // Printable ASCII is never unsafe: only text with other bytes is decoded and looked at.
    !text.bytes().all(|b| (0x20..0x7f).contains(&b)) && text.chars().any(is_unsafe_char)
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

/// Bytes that stand for themselves inside a JSON string and on a terminal: printable ASCII
/// except `"` and `\\`. Everything else needs a look (an escape, or a check of its character).
pub(crate) const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    table
};

/// Where the run of [`PLAIN`] bytes from `bytes[from]` ends: the index of the first byte at or
/// after `from` that is not plain, or `bytes.len()` (also when `from` is past it). Batches look
/// at every byte of every claim string: sixteen bytes are tested at a time where the build
/// enables SSE2 (x86-64's baseline), then eight at a time (one word, a few arithmetic
/// operations) instead of one table look-up per byte, and only the tail goes byte by byte.
/// It takes and returns an index into the whole text rather than a length of a sub-slice:
/// the scanner calls it for every string, and slicing the text and adding the length back
/// cost a bounds check and two overflow checks per call.
#[inline]
pub(crate) fn plain_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    // Every index added to below is at most `bytes.len()` minus the step, so the additions
    // cannot overflow and are written wrapping (release builds check arithmetic).
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(block) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let special = special16(block);
        if special != 0 {
            return i.wrapping_add(special.trailing_zeros() as usize);
        }
        i = i.wrapping_add(16);
    }
    // The high bit of each byte of `(v - ONES) & !v` is set where v's byte is zero, and where
    // a borrow from a lower zero byte carried in; so the lowest flagged byte is always a true
    // zero. The same holds for `(x - 0x20 * ONES) & !x`, which flags bytes below 0x20. Bytes
    // of 0x80 and above are flagged by their own high bit.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    while let Some(word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*word);
        let special = (x.wrapping_sub(0x20 * ONES) & !x)
            | zero(x ^ (u64::from(b'"') * ONES))
            | zero(x ^ (u64::from(b'\\') * ONES))
            | zero(x ^ (0x7f * ONES))
            | x;
        let special = special & HIGH;
        if special != 0 {
            // Little-endian: the first byte in memory is the lowest.
            return i.wrapping_add((special.trailing_zeros() / 8) as usize);
        }
        i = i.wrapping_add(8);
    }
    match bytes.get(i..) {
        Some(tail) => i.wrapping_add(tail.iter().take_while(|&&b| PLAIN[b as usize]).count()),
        None => bytes.len(),
    }
}

/// A bit per byte of `block` that is not [`PLAIN`] (bit 0: the first byte).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn special16(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: compiled only where SSE2 is enabled for the whole build (the x86-64 baseline),
    // so the CPU running this has it; `block` is 16 readable bytes, and an unaligned load asks
    // nothing more of its address.
    unsafe {
        let x = _mm_loadu_si128(block.as_ptr().cast());
        // As signed bytes, 0x80..=0xff are negative: "below 0x20" flags them with the controls.
        let special = _mm_or_si128(
            _mm_or_si128(
                _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)),
            ),
            _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8)),
            ),
        );
        _mm_movemask_epi8(special) as u32
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `\\uXXXX` (lower-case hex, as serde_json writes it) for a character of the BMP.
fn push_u_escape(c: u32, out: &mut Vec<u8>) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[(c >> 12 & 0xf) as usize],
        HEX[(c >> 8 & 0xf) as usize],
        HEX[(c >> 4 & 0xf) as usize],
        HEX[(c & 0xf) as usize],
    ]);
}

/// Append `text` as a JSON string (quotes included), escaped exactly as [`to_json_line`]
/// escapes a string: JSON's own escapes, and every [`is_unsafe_char`] as `\\uXXXX`. Written
/// directly because batch output escapes a few strings per token: runs of plain ASCII are
/// copied in one go and only the rest is looked at character by character.
pub fn write_json_str(text: &str, out: &mut Vec<u8>) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = plain_end(bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        out.extend_from_slice(&bytes[start..i]);
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        if !short.is_empty() {
            out.extend_from_slice(short);
            i += 1;
        } else if b < 0x20 {
            push_u_escape(u32::from(b), out);
            i += 1;
        } else {
            // DEL or the start of a multi-byte character: `i` is on a character boundary
            // because only whole characters are ever stepped over.
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            let len = c.len_utf8();
            if is_unsafe_char(c) {
                push_u_escape(c as u32, out);
            } else {
                out.extend_from_slice(&bytes[i..i + len]);
            }
            i += len;
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A serde_json formatter that, on top of JSON's own escaping, writes every unsafe character
/// as a `\\uXXXX` escape. Output stays valid JSON and decodes to the same strings.
pub struct SafeFormatter<F>(pub F);

impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already taken out what JSON escapes (quotes, backslashes, C0
        // controls): only characters past printable ASCII can still be unsafe.
        let bytes = fragment.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] < 0x7f {
                i += 1;
                continue;
            }
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
    fn the_direct_string_writer_escapes_like_the_formatter() {
        for text in [
            "",
            "plain ascii",
            "q\"uo\\te/",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1b}[2J\u{1f}",
            "del\u{7f} c1\u{85}\u{9b} nbsp\u{a0}",
            "é日本 \u{200b}\u{202e}\u{2066}\u{feff}\u{fffa} 😀",
        ] {
            let mut direct = Vec::new();
            write_json_str(text, &mut direct);
            let mut serde = Vec::new();
            to_json_line(text, &mut serde);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_direct_string_writer_matches_serde_on_any_text(text in "\\PC*|[\\x00-\\x{a0}\\x{2028}-\\x{202f}\"\\\\a]{0,12}") {
            let mut direct = Vec::new();
            write_json_str(&text, &mut direct);
            let mut serde = Vec::new();
            to_json_line(text.as_str(), &mut serde);
            proptest::prop_assert_eq!(direct, serde);
        }

        #[test]
        fn plain_runs_end_where_the_table_says(
            bytes in proptest::collection::vec(
                // Mostly printable ASCII, so that runs often reach the 8-byte step after a
                // 16-byte block, and the tail after it.
                proptest::prop_oneof![12 => 0x20u8..0x7f, 1 => proptest::num::u8::ANY],
                0..80,
            ),
            from in 0..90usize,
        ) {
            let by_table = |from: usize| {
                (from..bytes.len()).find(|&i| !PLAIN[bytes[i] as usize]).unwrap_or(bytes.len())
            };
            proptest::prop_assert_eq!(plain_end(&bytes, 0), by_table(0));
            // From inside the text, at its end and past it.
            proptest::prop_assert_eq!(plain_end(&bytes, from), by_table(from));
        }
    }

    #[test]
    fn plain_runs_stop_at_every_kind_of_special_byte_in_every_lane() {
        // 27 bytes: a 16-byte block, an 8-byte word and a 3-byte tail; 40: two blocks and a
        // word (on x86-64; elsewhere words and tails only). Plain backgrounds include the
        // edges of the plain range.
        for (len, background) in [27, 40]
            .into_iter()
            .flat_map(|len| [b'a', 0x20, 0x7e].map(|b| (len, b)))
        {
            for special in [0x00, 0x1f, b'"', b'\\', 0x7f, 0x80, 0xc3, 0xff] {
                for at in 0..len {
                    let mut bytes = vec![background; len];
                    bytes[at] = special;
                    // The answer is the special byte itself, also with a zero right after it
                    // (whose borrow flags the bytes above it in the word).
                    assert_eq!(plain_end(&bytes, 0), at, "{special:#x} at {at}");
                    // From inside the run: the blocks and words fall on other lanes.
                    assert_eq!(
                        plain_end(&bytes, at / 2),
                        at,
                        "{special:#x} at {at}, from {}",
                        at / 2
                    );
                    if at + 1 < bytes.len() {
                        bytes[at + 1] = 0;
                        assert_eq!(plain_end(&bytes, 0), at, "{special:#x} at {at}, zero after");
                    }
                }
            }
            assert_eq!(plain_end(&vec![background; len], 0), len);
        }
        assert_eq!(plain_end(b"", 0), 0);
        assert_eq!(plain_end(b" ~ ~ ~ ~ ~ ~ ~ ~ ~", 0), 18);
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn the_16_byte_step_flags_exactly_what_the_table_does() {
        for background in [b'a', 0x20, 0x7e, 0x00, 0xff] {
            for byte in 0..=255u8 {
                for lane in 0..16 {
                    let mut block = [background; 16];
                    block[lane] = byte;
                    let want = (0..16)
                        .filter(|&i| !PLAIN[block[i] as usize])
                        .fold(0u32, |mask, i| mask | 1 << i);
                    assert_eq!(special16(&block), want, "{byte:#x} in lane {lane}");
                }
            }
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
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        let pretty = to_json_pretty(&value);
        assert!(
            !pretty.chars().any(|c| c != '\n' && is_unsafe_char(c)),
            "{pretty}"
        );
    }
}
