//! A fast, allocation-light JSON scanner for the common case of the strict reader.
//!
//! It recognises a strict subset of JSON (objects, arrays, strings without surrogate escapes,
//! plain integers, true/false/null; shallow nesting; small objects; no escapes in member
//! names) and records where the top-level members are. Anything outside that subset — and
//! every error — is answered with `None`, and the caller falls back to the full strict parser
//! in `json.rs`, which has the final word and the precise error message. So the scanner can
//! only ever make the reader faster, never more permissive: everything it accepts is valid
//! JSON without duplicate member names, which the property tests below check against
//! `json::parse`.

use crate::render::sanitize::PLAIN;
use std::ops::Range;

/// Deepest nesting the fast path handles.
const MAX_DEPTH: usize = 32;
/// Largest object (in members) the fast path handles; duplicate checks are quadratic.
const MAX_MEMBERS: usize = 32;

/// What the scanner learnt about a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Top-level members: (name bytes range, value bytes range) into the scanned text. Names
    /// contain no escapes, so the range is the name itself (without quotes).
    pub members: Vec<(Range<usize>, Range<usize>)>,
    /// Some string contains a control, bidi or invisible character (raw or escaped).
    pub unsafe_text: bool,
    /// The text has whitespace between tokens (so it is not already compact).
    pub has_whitespace: bool,
}

impl Scan {
    /// The raw JSON text of top-level member `name`.
    pub fn get<'t>(&self, text: &'t [u8], name: &str) -> Option<&'t [u8]> {
        self.members
            .iter()
            .find(|(k, _)| same_name(&text[k.clone()], name.as_bytes()))
            .map(|(_, v)| &text[v.clone()])
    }
}

/// Whether two member names are equal. Claim names are a few bytes long and most differ in
/// length: comparing them here costs less than the call to `memcmp` that `==` makes (perf:
/// memcmp was 4.5% of verify --json, from claim lookups and duplicate checks).
#[inline]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The value of `raw` when it is a plain integer as the scanner accepts them (at most 18
/// digits, so it fits an `i64`), exactly as serde_json would read it; `None` for anything
/// else, including `-0` (which serde_json reads as the float `-0.0`).
pub fn integer(raw: &[u8]) -> Option<i64> {
    let (negative, digits) = match raw {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty()
        || digits.len() > 18
        || (digits.len() > 1 && digits[0] == b'0')
        || (negative && digits == b"0")
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let value = digits
        .iter()
        .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    Some(if negative { -value } else { value })
}

/// Scan `text`, which must be a JSON object. `None`: not on the fast path (maybe invalid,
/// maybe just unusual); use the full parser.
pub fn scan_object(text: &[u8]) -> Option<Scan> {
    let text_str = std::str::from_utf8(text).ok()?;
    // A batch scans a payload per token: the duplicate-check stack is kept between scans
    // (per thread), and the members vector is sized for a typical claim set at once.
    let mut keys = KEYS.take();
    keys.clear();
    let mut s = Scanner {
        src: text_str,
        text: text_str.as_bytes(),
        pos: 0,
        scan: Scan {
            members: Vec::with_capacity(TYPICAL_MEMBERS),
            ..Scan::default()
        },
        keys,
    };
    let done = s.document();
    KEYS.set(std::mem::take(&mut s.keys));
    done.then_some(s.scan)
}

/// Top-level members of a typical claim set (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`
/// and a few of the issuer's own), to size the members vector once.
const TYPICAL_MEMBERS: usize = 12;

thread_local! {
    static KEYS: std::cell::Cell<Vec<Range<usize>>> = const { std::cell::Cell::new(Vec::new()) };
}

struct Scanner<'t> {
    src: &'t str,
    text: &'t [u8],
    pos: usize,
    scan: Scan,
    /// Member names of the objects being scanned (a stack), for duplicate checks.
    keys: Vec<Range<usize>>,
}

impl Scanner<'_> {
    /// The whole text: one object, nothing after it but whitespace.
    fn document(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some(b'{') || self.object(0, true).is_none() {
            return false;
        }
        self.skip_ws();
        self.pos == self.text.len()
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
            self.scan.has_whitespace = true;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1, false),
            b'[' => self.array(depth + 1),
            b'"' => self.string(false).map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.text[self.pos..]
            .starts_with(word)
            .then(|| self.pos += word.len())
    }

    /// Plain integers only (`-?(0|[1-9][0-9]*)`, at most 18 digits): fractions, exponents and
    /// huge values go to the full parser, which knows their exact range rules.
    fn integer(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let digits = self.pos - start;
        if digits == 0 || digits > 18 || (digits > 1 && self.text[start] == b'0') {
            return None;
        }
        match self.peek() {
            Some(b'.' | b'e' | b'E') => None,
            _ => Some(()),
        }
    }

    /// A string; returns the range of its content (between the quotes). With `is_key`, any
    /// escape sends the document to the full parser (duplicate checks compare raw bytes).
    fn string(&mut self, is_key: bool) -> Option<Range<usize>> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            // Skip the plain printable ASCII run in one go.
            let rest = &self.text[self.pos..];
            self.pos += rest
                .iter()
                .position(|&b| !PLAIN[b as usize])
                .unwrap_or(rest.len());
            let b = self.peek()?;
            match b {
                b'"' => {
                    let range = start..self.pos;
                    self.pos += 1;
                    return Some(range);
                }
                b'\\' => {
                    if is_key {
                        return None;
                    }
                    self.escape()?;
                }
                0x00..=0x1f => return None, // raw control characters are invalid JSON
                0x7f => {
                    self.scan.unsafe_text = true;
                    self.pos += 1;
                }
                0x80..=0xff => {
                    // The text is valid UTF-8 (checked up front) and `pos` is at a char start.
                    let c = self.src.get(self.pos..)?.chars().next()?;
                    if crate::render::sanitize::is_unsafe_char(c) {
                        self.scan.unsafe_text = true;
                    }
                    self.pos += c.len_utf8();
                }
                _ => self.pos += 1,
            }
        }
    }

    fn escape(&mut self) -> Option<()> {
        self.pos += 1; // the backslash
        match self.peek()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                self.pos += 1;
                Some(())
            }
            b'u' => {
                let hex = self.text.get(self.pos + 1..self.pos + 5)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                if (0xD800..=0xDFFF).contains(&code) {
                    return None; // surrogates: the full parser pairs or rejects them
                }
                let c = char::from_u32(code)?;
                if crate::render::sanitize::is_unsafe_char(c) {
                    self.scan.unsafe_text = true;
                }
                self.pos += 5;
                Some(())
            }
            _ => None,
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.expect(b'[')?;
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.skip_ws();
            self.value(depth)?;
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self, depth: usize, top: bool) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.expect(b'{')?;
        let first_key = self.keys.len();
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.skip_ws();
            let key = self.string(true)?;
            let name = &self.text[key.clone()];
            if self.keys.len() - first_key >= MAX_MEMBERS
                || self.keys[first_key..]
                    .iter()
                    .any(|k| same_name(&self.text[k.clone()], name))
            {
                return None; // duplicate (the full parser names it) or too many members
            }
            self.keys.push(key.clone());
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            let value_start = self.pos;
            self.value(depth)?;
            if top {
                self.scan.members.push((key, value_start..self.pos));
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.keys.truncate(first_key);
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// Append `text` (valid JSON as accepted by [`scan_object`]) to `out` on one line: whitespace
/// between tokens dropped, unsafe characters inside strings written as `\uXXXX` escapes.
pub fn write_compact(text: &[u8], scan: &Scan, out: &mut Vec<u8>) {
    if !scan.has_whitespace && !scan.unsafe_text {
        out.extend_from_slice(text);
        return;
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if crate::render::sanitize::is_unsafe_char(c) {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
                continue;
            }
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::json;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_common_case_and_finds_members() {
        let text = br#"{"sub":"u1","iat":1516239022,"aud":["a","b"],"x":{"y":null}}"#;
        let scan = scan_object(text).unwrap();
        assert_eq!(scan.get(text, "iat"), Some(&b"1516239022"[..]));
        assert_eq!(scan.get(text, "aud"), Some(&br#"["a","b"]"#[..]));
        assert_eq!(scan.get(text, "y"), None, "only top-level members");
        assert!(!scan.unsafe_text && !scan.has_whitespace);
    }

    #[test]
    fn sends_everything_unusual_to_the_full_parser() {
        for text in [
            &br#"{"a":1,"a":2}"#[..],
            br#"{"a":{"b":1,"b":2}}"#,
            br#"{"\u0061":1}"#,
            br#"{"a":1.5}"#,
            br#"{"a":1e3}"#,
            br#"{"a":01}"#,
            br#"{"a":12345678901234567890}"#,
            br#"{"a":"\ud800"}"#,
            b"{\"a\":\"\x01\"}",
            br#"{"a":1} x"#,
            br#"{"a":1,}"#,
            br#"[1]"#,
            b"\xef\xbb\xbf{}",
            br#"{"a":tru}"#,
        ] {
            assert_eq!(scan_object(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn flags_unsafe_text_raw_or_escaped() {
        assert!(scan_object(br#"{"a":"\u001b[2J"}"#).unwrap().unsafe_text);
        assert!(
            scan_object("{\"a\":\"x\u{202e}y\"}".as_bytes())
                .unwrap()
                .unsafe_text
        );
        assert!(
            scan_object("{\"a\":\"x\u{9b}y\"}".as_bytes())
                .unwrap()
                .unsafe_text
        );
        assert!(
            !scan_object("{\"a\":\"é\\n\"}".as_bytes())
                .unwrap()
                .unsafe_text
        );
    }

    #[test]
    fn compact_output_is_the_same_json_on_one_line() {
        let text = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\",\"s\":\"a b\u{202e}\"}".as_bytes();
        let scan = scan_object(text).unwrap();
        let mut out = Vec::new();
        write_compact(text, &scan, &mut out);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, r#"{"typ":"JWT","alg":"HS256","s":"a b\u202e"}"#);
        assert_eq!(json::parse(out.as_bytes()), json::parse(text));
    }

    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            any::<i32>().prop_map(|n| n.to_string()),
            "[a-c\\\\\"\u{1b}\u{202e}é ]{0,4}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("1.5".to_string()),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|members| {
                    let body: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\" : {v}"))
                        .collect();
                    format!("{{{}}}", body.join(" ,"))
                }),
            ]
        });
        prop::collection::vec(("[a-d]{1,2}", value), 0..5).prop_map(|members| {
            let body: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    #[test]
    fn integers_read_as_serde_json_reads_them() {
        for raw in [
            "0",
            "7",
            "-7",
            "1795042989",
            "-1795042989",
            "999999999999999999",
            "-999999999999999999",
        ] {
            let ours = integer(raw.as_bytes()).map(serde_json::Value::from);
            let theirs: serde_json::Value = serde_json::from_str(raw).unwrap();
            assert_eq!(ours, Some(theirs), "{raw}");
        }
        for raw in [
            "",
            "-",
            "-0",
            "01",
            "1.5",
            "1e3",
            "\"1\"",
            "1234567890123456789",
            "+1",
        ] {
            assert_eq!(integer(raw.as_bytes()), None, "{raw}");
        }
    }

    proptest! {
        #[test]
        fn integers_agree_with_serde_json(n in any::<i64>()) {
            let raw = n.to_string();
            if let Some(ours) = integer(raw.as_bytes()) {
                let theirs: serde_json::Value = serde_json::from_str(&raw).unwrap();
                prop_assert_eq!(serde_json::Value::from(ours), theirs);
            }
        }

        #[test]
        fn fast_path_never_accepts_what_the_full_parser_rejects(text in json_text()) {
            let full = json::parse(text.as_bytes());
            if let Some(scan) = scan_object(text.as_bytes()) {
                prop_assert!(full.is_ok(), "scanner accepted {text}: {full:?}");
                let mut out = Vec::new();
                write_compact(text.as_bytes(), &scan, &mut out);
                prop_assert_eq!(json::parse(&out).ok(), full.ok());
            }
        }

        #[test]
        fn fast_path_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = scan_object(&bytes);
        }
    }
}
