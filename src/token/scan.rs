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

use crate::render::sanitize::plain_end;
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
    /// For each of [`REGISTERED`]: its position in `members` plus one, or 0 when absent. The
    /// checks of a batch ask for these claims (some absent) for every token; they are found
    /// without comparing names.
    registered: [u8; REGISTERED.len()],
    /// Some string contains a control, bidi or invisible character (raw or escaped).
    pub unsafe_text: bool,
    /// The text has whitespace between tokens (so it is not already compact).
    pub has_whitespace: bool,
}

impl Scan {
    /// The raw JSON text of top-level member `name`.
    pub fn get<'t>(&self, text: &'t [u8], name: &str) -> Option<&'t [u8]> {
        if let Some(slot) = registered_slot(name.as_bytes()) {
            let (_, value) = self
                .members
                .get(usize::from(self.registered[slot]).checked_sub(1)?)?;
            return Some(&text[value.clone()]);
        }
        self.members
            .iter()
            .find(|(k, _)| same_name(&text[k.clone()], name.as_bytes()))
            .map(|(_, v)| &text[v.clone()])
    }
}

/// The registered claim names of RFC 7519 §4.1, all three letters long.
const REGISTERED: [&[u8; 3]; 7] = [b"iss", b"sub", b"aud", b"exp", b"nbf", b"iat", b"jti"];

/// Where `name` is in [`REGISTERED`]. The three bytes are compared as one number: every
/// token of a batch looks up several of these names, some more than once.
#[inline]
fn registered_slot(name: &[u8]) -> Option<usize> {
    const fn word(name: &[u8; 3]) -> u32 {
        name[0] as u32 | (name[1] as u32) << 8 | (name[2] as u32) << 16
    }
    const WORDS: [u32; REGISTERED.len()] = {
        let mut words = [0; REGISTERED.len()];
        let mut i = 0;
        while i < REGISTERED.len() {
            words[i] = word(REGISTERED[i]);
            i += 1;
        }
        words
    };
    let name: &[u8; 3] = name.try_into().ok()?;
    let name = word(name);
    WORDS.iter().position(|&w| w == name)
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
    {
        return None;
    }
    // At most 18 digits: below 10^18, so nothing here can overflow and the operations need no
    // overflow checks (release builds check arithmetic; a batch reads a few of these per token).
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

/// Scan `text`, which must be a JSON object. `None`: not on the fast path (maybe invalid,
/// maybe just unusual); use the full parser.
pub fn scan_object(text: &[u8]) -> Option<Scan> {
    // UTF-8 is checked where it matters: outside strings only ASCII is accepted, and inside
    // them every other byte must start a whole, valid character (see `Scanner::string`). So
    // whatever is accepted is valid UTF-8, without a pass over all of it first.
    // A batch scans a payload per token: the duplicate-check stack is kept between scans
    // (per thread), and so is the members vector of the last claim set dropped (see
    // [`recycle`]), sized for a typical claim set at once.
    let mut keys = KEYS.take();
    keys.clear();
    let mut members = SPARE_MEMBERS.take();
    members.clear();
    members.reserve(TYPICAL_MEMBERS);
    let mut s = Scanner {
        text,
        pos: 0,
        scan: Scan {
            members,
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
    static KEYS: std::cell::Cell<Vec<Name>> = const { std::cell::Cell::new(Vec::new()) };
    /// The members vector of the last scan given back on this thread (see [`recycle`]).
    static SPARE_MEMBERS: std::cell::Cell<Vec<(Range<usize>, Range<usize>)>> =
        const { std::cell::Cell::new(Vec::new()) };
}

/// Give a scan's members vector back for the next scan on this thread: a batch scans one
/// payload after another, and this spares an allocation per token. Vectors grown far past a
/// typical claim set are let go.
pub(crate) fn recycle(scan: &mut Scan) {
    if scan.members.capacity() <= MAX_MEMBERS {
        // Not while the thread's locals are torn down (then the vector is just freed).
        let members = std::mem::take(&mut scan.members);
        let _ = SPARE_MEMBERS.try_with(|spare| spare.set(members));
    }
}

struct Scanner<'t> {
    text: &'t [u8],
    pos: usize,
    scan: Scan,
    /// Member names of the objects being scanned (a stack), for duplicate checks.
    keys: Vec<Name>,
}

/// A member name as the duplicate check compares it: its first eight bytes and its length
/// settle almost every comparison (claim names are short and mostly differ in length or in
/// their first bytes); only names longer than eight bytes that agree on both are compared in
/// full.
#[derive(Clone, Copy)]
struct Name {
    start: usize,
    len: usize,
    head: u64,
}

impl Name {
    #[inline(always)]
    fn new(text: &[u8], range: Range<usize>) -> Self {
        let len = range.len();
        let head = match text.get(range.start..range.start + 8) {
            // The eight bytes from the name's start (past its end: its closing quote and what
            // follows), masked to the name.
            Some(word) => {
                let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
                if len >= 8 {
                    word
                } else {
                    word & ((1u64 << (8 * len)) - 1)
                }
            }
            None => {
                let mut bytes = [0u8; 8];
                for (to, from) in bytes.iter_mut().zip(&text[range.clone()]) {
                    *to = *from;
                }
                u64::from_le_bytes(bytes)
            }
        };
        Name {
            start: range.start,
            len,
            head,
        }
    }

    #[inline(always)]
    fn same(&self, other: &Name, text: &[u8]) -> bool {
        self.len == other.len
            && self.head == other.head
            && (self.len <= 8
                || text[self.start..self.start + self.len]
                    == text[other.start..other.start + other.len])
    }
}

impl Scanner<'_> {
    /// The whole text: one object, nothing after it but whitespace.
    fn document(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some(b'{') || self.top_object().is_none() {
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

    #[inline(always)]
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1),
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
        self.pos = integer_end(self.text, self.pos)?;
        Some(())
    }

    /// A string; returns the range of its content (between the quotes). With `is_key`, any
    /// escape sends the document to the full parser (duplicate checks compare raw bytes).
    #[inline(always)]
    fn string(&mut self, is_key: bool) -> Option<Range<usize>> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = self.string_end(self.text, start, is_key)?;
        self.pos = end + 1;
        Some(start..end)
    }

    /// Where the string whose content starts at `start` ends (the position of its closing
    /// quote); `text` is `self.text`, passed in so that the object loop keeps it in registers.
    /// Inlined into its callers: a claim set is mostly short strings of plain ASCII, whose
    /// first run of plain bytes ends at the closing quote, and a call per string cost more
    /// than the string's own bytes. Anything else goes on in [`Scanner::string_rest`].
    #[inline(always)]
    fn string_end(&mut self, text: &[u8], start: usize, is_key: bool) -> Option<usize> {
        let end = plain_end(text, start);
        if text.get(end) == Some(&b'"') {
            return Some(end);
        }
        self.string_rest(end, is_key)
    }

    /// The rest of a string from `pos`, a byte that is not plain (an escape, a control, DEL,
    /// a character past ASCII, the end of the text); where its closing quote is. Out of line
    /// so that the common case above stays small.
    #[inline(never)]
    fn string_rest(&mut self, mut pos: usize, is_key: bool) -> Option<usize> {
        let text = self.text;
        loop {
            match *text.get(pos)? {
                b'"' => return Some(pos),
                b'\\' => {
                    if is_key {
                        return None;
                    }
                    self.pos = pos;
                    self.escape()?;
                    pos = self.pos;
                }
                0x00..=0x1f => return None, // raw control characters are invalid JSON
                0x7f => {
                    self.scan.unsafe_text = true;
                    pos += 1;
                }
                0x80..=0xff => {
                    // `pos` is at a character start: only whole characters are stepped over.
                    let c = next_char(&text[pos..])?;
                    if crate::render::sanitize::is_unsafe_char(c) {
                        self.scan.unsafe_text = true;
                    }
                    pos += c.len_utf8();
                }
                _ => pos += 1,
            }
            // Skip the plain printable ASCII run in one go.
            pos = plain_end(text, pos);
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

    /// A nested object: its members are checked, not recorded.
    fn object(&mut self, depth: usize) -> Option<()> {
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
            let name = Name::new(self.text, key.clone());
            if self.keys.len() - first_key >= MAX_MEMBERS
                || self.keys[first_key..]
                    .iter()
                    .any(|k| k.same(&name, self.text))
            {
                return None; // duplicate (the full parser names it) or too many members
            }
            self.keys.push(name);
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            self.value(depth)?;
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

    /// The top-level object (`pos` is at its `{`), whose members are recorded: the loop a
    /// batch runs for every member of every token. The text, the position and the members
    /// vector are kept in locals (through `self` they were loaded and stored back around every
    /// step); compact JSON, plain strings and integers are tested for first, and whitespace,
    /// escapes and other values go through the general steps out of line. callgrind, decode
    /// --json, 20,000 tokens: 2,132 instructions per token in `object` before, 1,317 here.
    /// Out of line: one call per token, and an entry of its own in a profile.
    #[inline(never)]
    fn top_object(&mut self) -> Option<()> {
        let text = self.text;
        let mut members = std::mem::take(&mut self.scan.members);
        // A bit per name seen so far (see `name_bit`): a name whose bit is still clear is no
        // duplicate, so names are only compared when two share a bit.
        let mut seen = 0u64;
        let (mut pos, mut byte) = self.token_at(text, after(self.pos))?;
        if byte == b'}' {
            self.pos = after(pos);
            self.scan.members = members;
            return Some(());
        }
        loop {
            if byte != b'"' {
                return None;
            }
            let start = after(pos);
            let end = self.string_end(text, start, true)?;
            let name = &text[start..end];
            let bit = name_bit(text, start, end);
            if members.len() >= MAX_MEMBERS
                || (seen & bit != 0
                    && members
                        .iter()
                        .any(|(k, _)| same_name(&text[k.clone()], name)))
            {
                return None; // duplicate (the full parser names it) or too many members
            }
            seen |= bit;
            (pos, byte) = self.token_at(text, after(end))?;
            if byte != b':' {
                return None;
            }
            (pos, byte) = self.token_at(text, after(pos))?;
            let value_start = pos;
            pos = match byte {
                b'"' => after(self.string_end(text, after(pos), false)?),
                b'-' | b'0'..=b'9' => integer_end(text, pos)?,
                _ => self.other_value(pos)?,
            };
            if let Some(slot) = registered_slot(name) {
                // At most MAX_MEMBERS members: the count fits.
                self.scan.registered[slot] = (members.len() + 1) as u8;
            }
            members.push((start..end, value_start..pos));
            (pos, byte) = self.token_at(text, pos)?;
            match byte {
                b',' => (pos, byte) = self.token_at(text, after(pos))?,
                b'}' => break,
                _ => return None,
            }
        }
        self.pos = after(pos);
        self.scan.members = members;
        Some(())
    }

    /// A member value of the top-level object that is not a string or a number (an object,
    /// an array, a literal, or an error) at `pos`; where it ends.
    #[inline(never)]
    fn other_value(&mut self, pos: usize) -> Option<usize> {
        self.pos = pos;
        self.value(0)?;
        Some(self.pos)
    }

    /// The first byte at or after `pos` that is not whitespace, and where it is; `text` is
    /// `self.text`. Compact JSON is the common case: one compare settles it, and the skip is
    /// out of line.
    #[inline(always)]
    fn token_at(&mut self, text: &[u8], pos: usize) -> Option<(usize, u8)> {
        let byte = *text.get(pos)?;
        if byte > b' ' {
            return Some((pos, byte));
        }
        self.token_after_ws(pos)
    }

    #[cold]
    #[inline(never)]
    fn token_after_ws(&mut self, pos: usize) -> Option<(usize, u8)> {
        self.pos = pos;
        self.skip_ws();
        Some((self.pos, self.peek()?))
    }
}

/// The position after the byte at `pos`, which is below `text.len()` and so below
/// `usize::MAX`: written wrapping, as release builds check arithmetic (the check was an
/// instruction for each of the five steps of a member that go past a byte).
#[inline(always)]
fn after(pos: usize) -> usize {
    pos.wrapping_add(1)
}

/// A bit for the top-level duplicate check of the name `text[start..end]` (`end` is at its
/// closing quote), the same for equal names: chosen by the name's length and its first and
/// last bytes (for an empty name, the quotes). These set the common claim names apart (`iss`
/// and `iat` differ in the last byte, `sub` and `scope` in the length), and need no masking
/// of a word to the name's length.
#[inline(always)]
fn name_bit(text: &[u8], start: usize, end: usize) -> u64 {
    let key = u32::from(text[start]) | u32::from(text[end - 1]) << 8 | ((end - start) as u32) << 16;
    1 << (key.wrapping_mul(0x9e37_79b1) >> 26)
}

/// Past the plain integer at `pos` (see [`Scanner::integer`]).
#[inline(always)]
fn integer_end(text: &[u8], mut pos: usize) -> Option<usize> {
    if text.get(pos) == Some(&b'-') {
        pos += 1;
    }
    let start = pos;
    // The position is kept in a local: stored back on every digit, it cost a memory write per
    // byte. Time claims have ten digits: eight are tested at once while eight bytes follow,
    // then the rest one by one.
    pos = digit_end(text, pos);
    let digits = pos - start;
    if digits == 0 || digits > 18 || (digits > 1 && text[start] == b'0') {
        return None;
    }
    match text.get(pos) {
        Some(b'.' | b'e' | b'E') => None,
        _ => Some(pos),
    }
}

/// Where the run of ASCII digits from `bytes[from]` ends: the index of the first other byte
/// at or after `from`, or `bytes.len()`. An index into the whole text, as for
/// [`plain_end`]: the indices added to are at most `bytes.len()` minus the step, so the
/// additions cannot overflow and are written wrapping.
#[inline(always)]
fn digit_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        // Each byte XOR 0x30: a digit becomes 0..=9. A byte with its high bit set then, or
        // that reaches it when 0x76 is added (10 and up), is not a digit. Only a byte that is
        // already flagged can carry into the next one, so the lowest flag is a true one.
        let t = u64::from_le_bytes(*word) ^ 0x3030_3030_3030_3030;
        let other = (t | t.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080;
        if other != 0 {
            return i.wrapping_add((other.trailing_zeros() / 8) as usize);
        }
        i = i.wrapping_add(8);
    }
    match bytes.get(i..) {
        Some(tail) => i.wrapping_add(tail.iter().take_while(|b| b.is_ascii_digit()).count()),
        None => bytes.len(),
    }
}

/// The character `bytes` starts with, when they start with a whole, valid UTF-8 encoding of
/// one (not overlong, not a surrogate, not past U+10FFFF).
fn next_char(bytes: &[u8]) -> Option<char> {
    let len = match bytes.first()? {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()
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
        assert_eq!(scan.get(text, "sub"), Some(&br#""u1""#[..]));
        assert_eq!(scan.get(text, "x"), Some(&br#"{"y":null}"#[..]));
        assert_eq!(
            scan.get(text, "exp"),
            None,
            "a registered claim that is absent"
        );
        let nested = br#"{"a":{"exp":1},"b":[{"iat":2}]}"#;
        let scan = scan_object(nested).unwrap();
        assert_eq!(
            scan.get(nested, "exp"),
            None,
            "only top-level registered claims"
        );
        assert_eq!(
            scan.get(nested, "iat"),
            None,
            "only top-level registered claims"
        );
        assert!(!scan.unsafe_text && !scan.has_whitespace);
    }

    #[test]
    fn digit_runs_stop_at_the_first_other_byte_in_every_lane() {
        for other in [
            0x00, b'/', b':', b'.', b'e', b',', b'}', 0x7f, 0x80, 0xb0, 0xff,
        ] {
            for at in 0..20 {
                let mut bytes = vec![b'7'; 20];
                bytes[at] = other;
                assert_eq!(digit_end(&bytes, 0), at, "{other:#x} at {at}");
                // From inside the run: the words fall on other lanes.
                assert_eq!(
                    digit_end(&bytes, at / 2),
                    at,
                    "{other:#x} at {at}, from half"
                );
                // A byte that carries when 0x76 is added, right after: still `at`.
                if at + 1 < bytes.len() {
                    bytes[at + 1] = 0xff;
                    assert_eq!(digit_end(&bytes, 0), at, "{other:#x} at {at}, 0xff after");
                }
            }
        }
        assert_eq!(digit_end(b"0123456789", 0), 10);
        assert_eq!(digit_end(b"0123456789", 3), 10);
        assert_eq!(digit_end(b"", 0), 0);
        assert_eq!(digit_end(b"12", 5), 2, "from past the end");
        for byte in 0..=255u8 {
            let mut bytes = [b'0'; 9];
            bytes[3] = byte;
            let want = if byte.is_ascii_digit() { 9 } else { 3 };
            assert_eq!(digit_end(&bytes, 0), want, "{byte:#x}");
        }
    }

    #[test]
    fn duplicate_names_are_told_apart_by_all_their_bytes() {
        // Names that share their first eight bytes, or differ only past them; names at the
        // end of the text, where fewer than eight bytes follow their start.
        for (text, duplicate) in [
            (&br#"{"abcdefghX":1,"abcdefghY":2}"#[..], false),
            (br#"{"abcdefghX":1,"abcdefghX":2}"#, true),
            (br#"{"abcdefgh":1,"abcdefghi":2}"#, false),
            (br#"{"abcdefgh":1,"abcdefgh":2}"#, true),
            (br#"{"ab":1,"abc":2}"#, false),
            (br#"{"ab":1,"ba":2}"#, false),
            (br#"{"x":1,"a":{}}"#, false),
            (br#"{"a":1,"a":2}"#, true),
            (br#"{"a":1,"a":{}}"#, true),
            (br#"{"a":{"b":1,"b":2}}"#, true),
            (br#"{"a":{"b":1},"b":2}"#, false),
        ] {
            let label = String::from_utf8_lossy(text);
            assert_eq!(scan_object(text).is_none(), duplicate, "{label}");
            assert_eq!(json::parse(text).is_err(), duplicate, "{label}");
        }
    }

    #[test]
    fn top_level_members_are_found_with_whitespace_in_any_gap() {
        // Values the top-level loop reads itself (strings, integers) and those it hands on
        // (objects, arrays, literals); registered names, others, an empty one.
        let members = [
            ("sub", r#""u\"1é""#),
            ("iat", "1516239022"),
            ("n", "-7"),
            ("aud", r#"["a","b"]"#),
            ("x", r#"{"y":null}"#),
            ("t", "true"),
            ("", "false"),
            ("exp", "null"),
        ];
        // Gap 0 is after the `{`; each member then has three (before and after its colon,
        // after its value) and one after its comma.
        let text = |ws: &dyn Fn(usize) -> &'static str| {
            let mut text = format!("{{{}", ws(0));
            for (i, (name, value)) in members.iter().enumerate() {
                let gap = 1 + 4 * i;
                text += &format!(
                    "\"{name}\"{}:{}{value}{}",
                    ws(gap),
                    ws(gap + 1),
                    ws(gap + 2)
                );
                if i + 1 < members.len() {
                    text += &format!(",{}", ws(gap + 3));
                }
            }
            text + "}"
        };
        let gaps = 4 * members.len();
        let mut texts = vec![(text(&|_| ""), false), (text(&|_| " \t\r\n"), true)];
        for gap in 0..gaps {
            for ws in [" ", "\t", "\n", "\r", "\r\n  "] {
                texts.push((text(&move |g| if g == gap { ws } else { "" }), true));
            }
        }
        for (text, has_whitespace) in texts {
            let scan = scan_object(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(scan.has_whitespace, has_whitespace, "{text}");
            assert!(!scan.unsafe_text, "{text}");
            assert_eq!(scan.members.len(), members.len(), "{text}");
            for (name, value) in members {
                let found = scan.get(text.as_bytes(), name);
                assert_eq!(found, Some(value.as_bytes()), "{name} in {text}");
            }
            assert!(json::parse(text.as_bytes()).is_ok(), "{text}");
        }
        for empty in ["{}", "{ }", "{\n\t}", " {} "] {
            let scan = scan_object(empty.as_bytes()).unwrap();
            assert!(scan.members.is_empty());
            assert_eq!(scan.has_whitespace, empty != "{}", "{empty:?}");
        }
    }

    #[test]
    fn objects_of_up_to_max_members_are_scanned() {
        let object = |n: usize| {
            let body: Vec<String> = (0..n).map(|i| format!("\"m{i}\":{i}")).collect();
            format!("{{{}}}", body.join(","))
        };
        let top = object(MAX_MEMBERS);
        assert_eq!(
            scan_object(top.as_bytes()).unwrap().members.len(),
            MAX_MEMBERS
        );
        assert_eq!(scan_object(object(MAX_MEMBERS + 1).as_bytes()), None);
        let nested = format!("{{\"a\":{}}}", object(MAX_MEMBERS));
        assert!(scan_object(nested.as_bytes()).is_some());
        let nested = format!("{{\"a\":{}}}", object(MAX_MEMBERS + 1));
        assert_eq!(scan_object(nested.as_bytes()), None);
    }

    #[test]
    fn names_that_share_a_duplicate_check_bit_are_still_told_apart() {
        // Two-letter names: 676 of them on 64 bits, so many share one.
        let bit = |name: &str| {
            let text = format!("\"{name}\"");
            name_bit(text.as_bytes(), 1, 1 + name.len())
        };
        let names: Vec<String> = (b'a'..=b'z')
            .flat_map(|a| (b'a'..=b'z').map(move |b| String::from_utf8(vec![a, b]).unwrap()))
            .collect();
        let mut pairs = 0;
        for (i, x) in names.iter().enumerate() {
            let Some(y) = names[i + 1..].iter().find(|y| bit(y) == bit(x)) else {
                continue;
            };
            let text = format!(r#"{{"{x}":1,"{y}":2}}"#);
            let scan = scan_object(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(scan.get(text.as_bytes(), y), Some(&b"2"[..]), "{text}");
            for text in [
                format!(r#"{{"{x}":1,"{y}":2,"{x}":3}}"#),
                format!(r#"{{"{x}":1,"{y}":2,"{y}":3}}"#),
            ] {
                assert_eq!(scan_object(text.as_bytes()), None, "{text}");
            }
            pairs += 1;
        }
        assert!(pairs > 600, "{pairs} pairs");
        // The empty name's bit is made from its quotes.
        assert_eq!(scan_object(br#"{"":1,"":2}"#), None);
        assert!(scan_object(br#"{"":1,"a":2}"#).is_some());
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
            // Not UTF-8: a lone lead byte, a continuation byte, overlong, a surrogate, too big.
            b"{\"a\":\"\xc3\"}",
            b"{\"a\":\"\x80\"}",
            b"{\"a\":\"\xc0\xaf\"}",
            b"{\"a\":\"\xe0\x80\xaf\"}",
            b"{\"a\":\"\xed\xa0\x80\"}",
            b"{\"a\":\"\xf4\x90\x80\x80\"}",
            b"{\"a\xc3\xa9\":1,\"\xff\":2}",
            b"{\"a\":1}\xc3\xa9",
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
            // The bytes just around the digits.
            "1:",
            ":",
            "9/",
            "/",
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

        #[test]
        fn members_are_found_as_the_full_parser_finds_them(
            members in prop::collection::vec(
                (prop_oneof!["iss|sub|aud|exp|nbf|iat|jti", "[a-z]{1,4}"], any::<u16>()),
                0..8,
            ),
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}", body.join(","));
            let Ok(serde_json::Value::Object(full)) = json::parse(text.as_bytes()) else {
                // A duplicate name: the scanner must send it to the full parser too.
                prop_assert_eq!(scan_object(text.as_bytes()), None);
                return Ok(());
            };
            let scan = scan_object(text.as_bytes()).expect("plain members are on the fast path");
            for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "a", "ab", "abc", "x"] {
                let found = scan.get(text.as_bytes(), name).map(|raw| integer(raw).unwrap());
                prop_assert_eq!(found, full.get(name).and_then(serde_json::Value::as_i64), "{}", name);
            }
        }

        #[test]
        fn fast_path_accepts_only_utf_8(
            value in prop::collection::vec(any::<u8>(), 0..12),
            key in prop::collection::vec(prop_oneof![b'a'..=b'z', 0x80u8..], 1..4),
        ) {
            let mut text = b"{\"".to_vec();
            text.extend_from_slice(&key);
            text.extend_from_slice(b"\":\"");
            text.extend(value.iter().filter(|&&b| b != b'"' && b != b'\\'));
            text.extend_from_slice(b"\"}");
            if scan_object(&text).is_some() {
                prop_assert!(std::str::from_utf8(&text).is_ok(), "{text:?}");
                prop_assert!(json::parse(&text).is_ok(), "{text:?}");
            }
        }
    }
}
