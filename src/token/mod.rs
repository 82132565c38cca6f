//! The strict token reader shared by every command.
//!
//! A token is read in two steps: [`extract`] finds the compact token in what a person pasted
//! (a bare token, `Bearer <t>`, an `Authorization:` header line, a log line), then [`parse`]
//! checks it strictly and decodes it. Nothing here verifies a signature.

pub mod b64;
pub mod extract;
pub mod json;
mod object;

use object::Object;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

pub use extract::extract;
pub use object::Claims;

/// Default cap on a compact token's length, in bytes.
pub const DEFAULT_MAX_SIZE: usize = 64 * 1024;

/// Which part of the input a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// The whole input (segment count, size, no token found).
    Token,
    /// The first segment, the JOSE header.
    Header,
    /// The second segment, the claims (payload).
    Payload,
    /// The third segment, the signature.
    Signature,
}

impl Segment {
    /// Stable lower-case name, used in messages and JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Segment::Token => "token",
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
        }
    }
}

/// Why an input is not a well-formed compact JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Where the problem is.
    pub segment: Segment,
    /// A stable machine code (`segments`, `base64url`, `json`, `not_object`, `too_large`,
    /// `jwe`, `json_serialization`, `empty`, `not_found`).
    pub code: &'static str,
    /// What is wrong, in plain words. May quote attacker-controlled text: escape before
    /// printing to a terminal.
    pub message: String,
}

impl Malformed {
    pub(crate) fn new(segment: Segment, code: &'static str, message: impl Into<String>) -> Self {
        Malformed {
            segment,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.segment {
            Segment::Token => write!(f, "{}", self.message),
            segment => write!(f, "{}: {}", segment.name(), self.message),
        }
    }
}

impl std::error::Error for Malformed {}

/// What the reader accepts as a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadRule {
    /// A JWT: the payload must be a JSON object (the default everywhere).
    #[default]
    ClaimSet,
    /// A plain JWS: any non-empty payload bytes (e.g. the RFC 7520 examples).
    AnyBytes,
}

/// Reader limits and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest accepted compact token, in bytes.
    pub max_size: usize,
    /// What the payload must be.
    pub payload: PayloadRule,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_size: DEFAULT_MAX_SIZE,
            payload: PayloadRule::ClaimSet,
        }
    }
}

/// A JOSE header: its members in their original order. Shared between tokens with the same
/// header.
#[derive(Debug, Clone)]
pub struct Header(Object);

impl PartialEq for Header {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

impl Header {
    fn read(json: Vec<u8>) -> Result<Self, Malformed> {
        let object = Object::read(json, Segment::Header)?;
        // Every check asks for header members by reference: the map is built once, here.
        object.map();
        Ok(Header(object))
    }

    /// The members.
    pub fn map(&self) -> &Map<String, Value> {
        self.0.map()
    }

    /// Member `name`. A header has a handful of members, and every check of every token of
    /// a batch asks for a few of them: comparing the names costs less than hashing the one
    /// asked for, so small headers are searched in order.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let map = self.map();
        if map.len() <= SMALL_HEADER {
            map.iter()
                .find_map(|(k, v)| json::same_name(k.as_bytes(), name.as_bytes()).then_some(v))
        } else {
            map.get(name)
        }
    }

    /// Whether member `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether any member name or string contains a control, bidi or invisible character.
    pub fn has_unsafe_text(&self) -> bool {
        self.0.has_unsafe_text()
    }

    /// Append the header as one line of JSON, unsafe characters escaped.
    pub fn write_compact_json(&self, out: &mut Vec<u8>) {
        self.0.write_compact_json(out);
    }
}

/// Headers up to this many members are searched in order (see [`Header::get`]).
const SMALL_HEADER: usize = 8;

impl Deref for Header {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        self.map()
    }
}

/// The payload of a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A JSON object: a JWT claim set.
    Claims(Claims),
    /// Anything else (only with [`PayloadRule::AnyBytes`]).
    Bytes(Vec<u8>),
}

/// The decoded signature of a token: inline up to [`INLINE_SIGNATURE`] bytes (HMAC tags,
/// ES256 and EdDSA signatures: no allocation per token in a batch), on the heap beyond (ES384,
/// RSA).
#[derive(Clone)]
pub struct Signature(SignatureRepr);

#[derive(Clone)]
enum SignatureRepr {
    Inline {
        len: u8,
        bytes: [u8; INLINE_SIGNATURE],
    },
    Heap(Vec<u8>),
}

/// The longest signature kept inline: an HS512 tag, an ES256 or an EdDSA signature.
pub const INLINE_SIGNATURE: usize = 64;

impl Signature {
    /// Decode a signature segment (strict base64url).
    fn decode(segment: &[u8]) -> Result<Self, String> {
        let mut bytes = [0u8; INLINE_SIGNATURE];
        match b64::decode_into(segment, &mut bytes) {
            // At most INLINE_SIGNATURE (64) bytes: the length fits a byte.
            Some(len) => Ok(Signature(SignatureRepr::Inline {
                len: len as u8,
                bytes,
            })),
            None => b64::decode(segment).map(|bytes| Signature(SignatureRepr::Heap(bytes))),
        }
    }
}

impl Deref for Signature {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            SignatureRepr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            SignatureRepr::Heap(bytes) => bytes,
        }
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A structurally valid compact JWS, decoded but not verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    /// The compact form exactly as given (`header.payload.signature`).
    input: &'a [u8],
    /// The JOSE header, in its original member order.
    pub header: Arc<Header>,
    /// The decoded payload.
    pub payload: Payload,
    /// The decoded signature bytes (empty for an unsecured token).
    pub signature: Signature,
    /// Where the signing input ends in `compact` (the second dot).
    signing_end: usize,
}

impl<'a> Token<'a> {
    /// The compact form exactly as given (`header.payload.signature`). Every segment decoded
    /// as base64url, so it is ASCII: read as text only where text is needed (mint's record).
    pub fn compact(&self) -> &'a str {
        std::str::from_utf8(self.input).unwrap_or_default()
    }

    /// The bytes the signature covers: `base64url(header) || '.' || base64url(payload)`.
    pub fn signing_input(&self) -> &'a [u8] {
        &self.input[..self.signing_end]
    }

    /// The signature segment as it appears in the token.
    #[cfg(test)]
    pub fn signature_b64(&self) -> &'a str {
        std::str::from_utf8(&self.input[self.signing_end + 1..]).unwrap_or_default()
    }

    /// The claim set as a map, when the payload is one.
    #[cfg(test)]
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.claim_set().map(Claims::map)
    }

    /// The claim set, when the payload is one.
    pub fn claim_set(&self) -> Option<&Claims> {
        match &self.payload {
            Payload::Claims(claims) => Some(claims),
            Payload::Bytes(_) => None,
        }
    }

    /// The header's `alg` member when it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }
}

thread_local! {
    /// The last header read on this thread: a batch usually repeats one header, so it is
    /// decoded and read once (read for every token, it showed as a large share of a
    /// `decode --json` profile).
    static LAST_HEADER: RefCell<Option<(Vec<u8>, Arc<Header>)>> = const { RefCell::new(None) };
}

fn header(b64: &[u8]) -> Result<Arc<Header>, Malformed> {
    let cached = LAST_HEADER.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(key, _)| key.as_slice() == b64)
            .map(|(_, header)| Arc::clone(header))
    });
    if let Some(header) = cached {
        return Ok(header);
    }
    if b64.is_empty() {
        return Err(Malformed::new(Segment::Header, "empty", "empty segment"));
    }
    let bytes = b64::decode(b64).map_err(|m| Malformed::new(Segment::Header, "base64url", m))?;
    let header = Arc::new(Header::read(bytes)?);
    LAST_HEADER.with(|last| *last.borrow_mut() = Some((b64.to_vec(), Arc::clone(&header))));
    Ok(header)
}

/// Strictly parse a compact token (already extracted from its surroundings).
pub fn parse<'a>(input: &'a [u8], options: &ReadOptions) -> Result<Token<'a>, Malformed> {
    if input.is_empty() {
        return Err(Malformed::new(
            Segment::Token,
            "empty",
            "empty input: no token",
        ));
    }
    if input.len() > options.max_size {
        return Err(Malformed::new(
            Segment::Token,
            "too_large",
            format!(
                "token is {} bytes, over the {}-byte limit (raise it with --max-size)",
                input.len(),
                options.max_size
            ),
        ));
    }
    if input.first() == Some(&b'{') {
        return Err(Malformed::new(
            Segment::Token,
            "json_serialization",
            "this is a JWS JSON serialization, not a compact token; jwtctl reads compact JWTs \
             (header.payload.signature)",
        ));
    }
    let mut dots = memchr::memchr_iter(b'.', input);
    let (first, second, third) = (dots.next(), dots.next(), dots.next());
    let (Some(first), Some(second), None) = (first, second, third) else {
        let count = [first, second, third].into_iter().flatten().count() + dots.count();
        if count == 4 {
            return Err(jwe(input));
        }
        return Err(Malformed::new(
            Segment::Token,
            "segments",
            format!(
                "expected 3 dot-separated segments (header.payload.signature), found {}{}",
                count + 1,
                if count < 2 { ": truncated?" } else { "" }
            ),
        ));
    };
    let (header_b64, payload_b64, signature_b64) = (
        &input[..first],
        &input[first + 1..second],
        &input[second + 1..],
    );

    let header = header(header_b64)?;
    let payload = decode_payload(payload_b64, options.payload)?;
    let signature = Signature::decode(signature_b64)
        .map_err(|m| Malformed::new(Segment::Signature, "base64url", m))?;
    Ok(Token {
        input,
        header,
        payload,
        signature,
        signing_end: second,
    })
}

fn decode_object(segment: Segment, b64: &[u8]) -> Result<Map<String, Value>, Malformed> {
    if b64.is_empty() {
        return Err(Malformed::new(segment, "empty", "empty segment"));
    }
    let bytes = b64::decode(b64).map_err(|m| Malformed::new(segment, "base64url", m))?;
    match json::parse(&bytes).map_err(|m| Malformed::new(segment, "json", m))? {
        Value::Object(map) => Ok(map),
        other => Err(Malformed::new(
            segment,
            "not_object",
            format!("is {}, not a JSON object", crate::text::type_name(&other)),
        )),
    }
}

fn decode_payload(b64: &[u8], rule: PayloadRule) -> Result<Payload, Malformed> {
    if b64.is_empty() {
        // An empty payload is a legal JWS (its signing input is `header.`), but no claim set.
        return match rule {
            PayloadRule::ClaimSet => {
                Err(Malformed::new(Segment::Payload, "empty", "empty segment"))
            }
            PayloadRule::AnyBytes => Ok(Payload::Bytes(Vec::new())),
        };
    }
    let bytes = b64::decode(b64).map_err(|m| Malformed::new(Segment::Payload, "base64url", m))?;
    match rule {
        PayloadRule::ClaimSet => Claims::from_json(bytes).map(Payload::Claims),
        PayloadRule::AnyBytes => {
            let looks_like_object = bytes.trim_ascii_start().starts_with(b"{");
            match Claims::from_json(bytes.clone()) {
                Ok(claims) => Ok(Payload::Claims(claims)),
                // A payload that tries to be a claim set but is broken is still an error.
                Err(e) if looks_like_object => Err(e),
                Err(_) => Ok(Payload::Bytes(bytes)),
            }
        }
    }
}

/// Five segments: a JWE. Say so, and what its header claims to be if it can be read.
fn jwe(input: &[u8]) -> Malformed {
    let first = input.split(|&b| b == b'.').next().unwrap_or_default();
    let detail = decode_object(Segment::Header, first)
        .ok()
        .and_then(|h| {
            let alg = h.get("alg").and_then(Value::as_str)?.to_owned();
            let enc = h
                .get("enc")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            Some(format!(" (alg {alg}, enc {enc})"))
        })
        .unwrap_or_default();
    Malformed::new(
        Segment::Token,
        "jwe",
        format!(
            "this is a JWE{detail}: an encrypted token with 5 segments; jwtctl does not decrypt"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64::encode(header),
            b64::encode(payload),
            b64::encode(sig)
        )
    }

    #[test]
    fn consecutive_tokens_carry_nothing_over() {
        // A long claim set, then a short one and a broken one on the same thread: each is read
        // from its own bytes only.
        let header = r#"{"alg":"HS256"}"#;
        let long = format!(
            r#"{{"sub":"{}","a":1,"b":2,"c":3,"exp":9}}"#,
            "x".repeat(500)
        );
        let first = token(header, &long, b"s");
        let parsed = parse(first.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(parsed.claim_set().unwrap().raw_json(), long.as_bytes());
        drop(parsed);
        let short = token(header, r#"{"iat":7}"#, b"s");
        let parsed = parse(short.as_bytes(), &ReadOptions::default()).unwrap();
        let claims = parsed.claim_set().unwrap();
        assert_eq!(claims.raw_json(), br#"{"iat":7}"#);
        assert_eq!(claims.get("exp"), None);
        assert_eq!(claims.get("a"), None);
        assert!(!claims.contains("b"));
        assert_eq!(claims.get("iat"), Some(Value::from(7)));
        assert_eq!(claims.map().len(), 1);
        drop(parsed);
        let broken = token(header, r#"{"iat":7,"iat":8}"#, b"s");
        assert!(parse(broken.as_bytes(), &ReadOptions::default()).is_err());
        let again = parse(short.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(again.claim_set().unwrap().raw_json(), br#"{"iat":7}"#);
    }

    #[test]
    fn parses_and_keeps_order() {
        let t = token(r#"{"typ":"JWT","alg":"HS256"}"#, r#"{"z":1,"a":2}"#, b"sig");
        let parsed = parse(t.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(parsed.alg(), Some("HS256"));
        let keys: Vec<_> = parsed.claims().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(&*parsed.signature, b"sig");
        assert_eq!(parsed.signature_b64(), b64::encode(b"sig"));
        let (signing_input, _) = t.rsplit_once('.').unwrap();
        assert_eq!(parsed.signing_input(), signing_input.as_bytes());
    }

    #[test]
    fn unknown_algorithms_still_parse() {
        for alg in ["none", "NONE", "HS1", "ES512"] {
            let t = token(&format!(r#"{{"alg":"{alg}"}}"#), "{}", b"");
            assert_eq!(
                parse(t.as_bytes(), &ReadOptions::default()).unwrap().alg(),
                Some(alg)
            );
        }
    }

    #[test]
    fn malformed_classes() {
        let ok_h = b64::encode(r#"{"alg":"HS256"}"#);
        let ok_p = b64::encode("{}");
        let cases: Vec<(String, Segment, &str)> = vec![
            ("".into(), Segment::Token, "empty"),
            (format!("{ok_h}.{ok_p}"), Segment::Token, "segments"),
            (format!("{ok_h}.{ok_p}.a.b"), Segment::Token, "segments"),
            (format!("{ok_h}.{ok_p}.x.y.z"), Segment::Token, "jwe"),
            (format!(".{ok_p}.sig"), Segment::Header, "empty"),
            (format!("{ok_h}.{ok_p}=.sig"), Segment::Payload, "base64url"),
            (
                format!("{ok_h}.{}.", b64::encode("[1]")),
                Segment::Payload,
                "not_object",
            ),
            (
                format!("{ok_h}.{}.", b64::encode("{")),
                Segment::Payload,
                "json",
            ),
            (
                format!("{}.{ok_p}.", b64::encode(r#"{"alg":"a","alg":"b"}"#)),
                Segment::Header,
                "json",
            ),
            (
                format!("{ok_h}.{ok_p}.a+b"),
                Segment::Signature,
                "base64url",
            ),
            (
                r#"{"payload":"x"}"#.into(),
                Segment::Token,
                "json_serialization",
            ),
        ];
        for (input, segment, code) in cases {
            let err = parse(input.as_bytes(), &ReadOptions::default()).unwrap_err();
            assert_eq!((err.segment, err.code), (segment, code), "{input}: {err}");
        }
    }

    #[test]
    fn size_cap_is_enforced_and_configurable() {
        let t = token(
            r#"{"alg":"HS256"}"#,
            &format!(r#"{{"a":"{}"}}"#, "x".repeat(100)),
            b"",
        );
        let small = ReadOptions {
            max_size: 50,
            ..ReadOptions::default()
        };
        assert_eq!(parse(t.as_bytes(), &small).unwrap_err().code, "too_large");
        assert!(parse(t.as_bytes(), &ReadOptions::default()).is_ok());
    }

    #[test]
    fn a_token_of_dots_is_rejected_quickly() {
        let dots = ".".repeat(100_000);
        let err = parse(dots.as_bytes(), &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code, "too_large");
        let big = ReadOptions {
            max_size: 1 << 20,
            ..ReadOptions::default()
        };
        let err = parse(dots.as_bytes(), &big).unwrap_err();
        assert!(err.message.contains("found 100001"), "{err}");
    }

    #[test]
    fn any_payload_rule_accepts_prose_and_an_empty_payload() {
        let opts = ReadOptions {
            payload: PayloadRule::AnyBytes,
            ..ReadOptions::default()
        };
        let t = token(r#"{"alg":"HS256"}"#, "It's a dangerous business", b"s");
        assert!(matches!(
            parse(t.as_bytes(), &opts).unwrap().payload,
            Payload::Bytes(_)
        ));
        let empty = format!("{}..c2ln", b64::encode(r#"{"alg":"HS256"}"#));
        let parsed = parse(empty.as_bytes(), &opts).unwrap();
        assert_eq!(parsed.payload, Payload::Bytes(Vec::new()));
        assert_eq!(
            parsed.signing_input(),
            format!("{}.", b64::encode(r#"{"alg":"HS256"}"#)).as_bytes()
        );
        // Without --any-payload an empty payload is no claim set.
        assert_eq!(
            parse(empty.as_bytes(), &ReadOptions::default())
                .unwrap_err()
                .code,
            "empty"
        );
    }
}
