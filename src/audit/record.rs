//! The audit record: what one mint leaves behind, and its one canonical line form.
//!
//! A record is written as one line of JSON with a fixed field order. Reading is strict: a line is
//! a valid record only if parsing it and writing it back (with `serde`) gives the very same bytes.
//!
//! The appender does not go through `serde`: it writes lines from pre-rendered parts ([`RunFacts`],
//! [`Body`], [`write_line`]) so a batch of records costs little more than hashing them. That
//! writer is pinned to the canonical form by tests (a property test compares it byte for byte
//! with `serde`'s output and runs every line through the verifier's [`parse_line`]), and in
//! debug builds the appender still parses back every line it writes.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The record format version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// `prev` of the first record: `sha256:` followed by 64 zeros.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Token prefixes kept for humans are at most this many characters long.
pub const MAX_PREFIX_CHARS: usize = 8;

/// Longest record line (without its newline) that is written or accepted.
///
/// It bounds the memory used per line when verifying, and how far back the writer reads to find
/// the last record. Real records are well under 1 KiB.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The facts about one mint that the caller supplies; [`append`](super::append) adds the
/// sequence number and the chain link.
///
/// Never put a secret or a whole token here. Fill the token-derived fields with
/// [`MintFacts::set_tokens`], which stores only SHA-256 digests and short prefixes; `append`
/// refuses a prefix longer than [`MAX_PREFIX_CHARS`] or a digest that is not `sha256:<64 hex>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MintFacts {
    /// When the token was minted. Stored with seconds precision, in UTC.
    #[serde(with = "time_seconds")]
    pub time: DateTime<Utc>,
    /// Who minted (`--operator`, `JWTCTL_OPERATOR` or the OS user).
    pub operator: String,
    /// The host the mint ran on.
    pub host: String,
    /// CI context variables (e.g. job id); omitted from the line when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ci: BTreeMap<String, String>,
    /// The operator's `--reason`; omitted from the line when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The signing algorithm of the new token.
    pub alg: String,
    /// Fingerprint of the signing key, `sha256:<64 hex>`.
    pub key_fingerprint: String,
    /// The claim that carries the user id (`sub`, `uid`, ...).
    pub id_claim: String,
    /// The user id, as found in the token (usually a string or a number).
    pub user_id: serde_json::Value,
    /// `jti` of the old token, if any.
    pub old_jti: Option<String>,
    /// `jti` of the new token, if any.
    pub new_jti: Option<String>,
    /// `exp` of the new token (NumericDate), or none for a never-expiring token.
    pub new_exp: Option<i64>,
    /// SHA-256 of the old token, `sha256:<64 hex>`; none when minted without a source token.
    pub old_token_sha256: Option<String>,
    /// SHA-256 of the new token, `sha256:<64 hex>`.
    pub new_token_sha256: String,
    /// SHA-256 of the new token's payload, `sha256:<64 hex>`.
    pub new_payload_sha256: String,
    /// First characters of the old token, for humans; none without a source token.
    pub old_token_prefix: Option<String>,
    /// First characters of the new token, for humans.
    pub new_token_prefix: String,
    /// Whether the source token's signature was verified before minting.
    pub source_verified: bool,
}

/// One line of the audit log: the mint facts plus version, sequence number and chain link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Format version, [`FORMAT_VERSION`].
    pub v: u32,
    /// Sequence number: 1 for the first record, then consecutive.
    pub seq: u64,
    /// What was minted.
    #[serde(flatten)]
    pub facts: MintFacts,
    /// `sha256:<64 hex>` of the previous line's bytes (without its newline), or [`GENESIS`].
    pub prev: String,
}

/// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
pub fn sha256_tagged(bytes: &[u8]) -> String {
    Tagged::of(bytes).as_str().to_owned()
}

/// `sha256:<64 lowercase hex>` on the stack: a batch mint hashes four times per token, and
/// neither a heap string nor the formatting machinery should cost more than the hashing.
#[derive(Clone, Copy)]
pub(crate) struct Tagged([u8; TAGGED_LEN]);

/// Length of `sha256:<64 hex>`.
const TAGGED_LEN: usize = 7 + 64;

impl Tagged {
    pub(crate) fn of(bytes: &[u8]) -> Tagged {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = Sha256::digest(bytes);
        let mut out = [0u8; TAGGED_LEN];
        out[..7].copy_from_slice(b"sha256:");
        for (pair, byte) in out[7..].chunks_exact_mut(2).zip(digest) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0f)];
        }
        Tagged(out)
    }

    /// [`GENESIS`], the `prev` of the first record.
    pub(crate) fn genesis() -> Tagged {
        let mut out = [b'0'; TAGGED_LEN];
        out[..7].copy_from_slice(b"sha256:");
        Tagged(out)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn as_str(&self) -> &str {
        // Built from ASCII only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The first [`MAX_PREFIX_CHARS`] characters of a token: enough for a human to recognise it,
/// far too little to use it.
pub fn token_prefix(token: &str) -> String {
    token.chars().take(MAX_PREFIX_CHARS).collect()
}

impl MintFacts {
    /// Fills the token-derived fields (digests and prefixes) from the tokens themselves, so that
    /// no caller has to cut a prefix by hand. `new_payload` is the new token's payload (the JSON
    /// bytes that were signed).
    pub fn set_tokens(&mut self, old_token: Option<&str>, new_token: &str, new_payload: &[u8]) {
        self.old_token_sha256 = old_token.map(|t| sha256_tagged(t.as_bytes()));
        self.old_token_prefix = old_token.map(token_prefix);
        self.new_token_sha256 = sha256_tagged(new_token.as_bytes());
        self.new_token_prefix = token_prefix(new_token);
        self.new_payload_sha256 = sha256_tagged(new_payload);
    }

    /// Checks the rules a line's JSON shape cannot express.
    fn validate(&self) -> Result<(), String> {
        check_digest("key_fingerprint", &self.key_fingerprint)?;
        check_digest("new_token_sha256", &self.new_token_sha256)?;
        check_digest("new_payload_sha256", &self.new_payload_sha256)?;
        if let Some(digest) = &self.old_token_sha256 {
            check_digest("old_token_sha256", digest)?;
        }
        check_prefix("new_token_prefix", &self.new_token_prefix)?;
        if let Some(prefix) = &self.old_token_prefix {
            check_prefix("old_token_prefix", prefix)?;
        }
        if self.old_token_sha256.is_some() != self.old_token_prefix.is_some() {
            return Err(
                "old_token_sha256 and old_token_prefix must be both set or both null".into(),
            );
        }
        Ok(())
    }
}

impl Record {
    /// Builds record `seq` from `facts`, linked to the previous line's hash `prev`. The time is
    /// cut to whole seconds, as it is stored.
    pub fn new(seq: u64, facts: &MintFacts, prev: String) -> Record {
        let mut facts = facts.clone();
        facts.time = facts.time.trunc_subsecs(0);
        Record {
            v: FORMAT_VERSION,
            seq,
            facts,
            prev,
        }
    }

    /// The record's line bytes, without the trailing newline.
    pub fn to_line(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| format!("cannot serialize the record: {e}"))
    }

    fn validate(&self) -> Result<(), String> {
        if self.seq == 0 {
            return Err("seq must be 1 or more".into());
        }
        check_digest("prev", &self.prev)?;
        self.facts.validate()
    }
}

/// What every record of one run shares (`time` through `key_fingerprint`), rendered once.
///
/// A batch mint builds each record's [`Body`] from this and the token's own [`TokenFacts`] on
/// the thread that minted the token, so that the part done under the log's lock is only
/// `seq`, `prev`, one hash and the write.
#[derive(Debug, Clone)]
pub struct RunFacts {
    shared: Vec<u8>,
}

impl RunFacts {
    /// Renders the shared members of `template`; its per-token members are ignored. Fails when
    /// its `key_fingerprint` is not `sha256:<64 lowercase hex>`.
    pub fn new(template: &MintFacts) -> Result<RunFacts, String> {
        check_digest("key_fingerprint", &template.key_fingerprint)?;
        let mut shared = Vec::with_capacity(256);
        write_shared(template, &mut shared);
        Ok(RunFacts { shared })
    }

    /// The record body of one mint of this run. Digests and prefixes are computed here from
    /// the tokens, so they are valid by construction.
    pub fn body(&self, token: &TokenFacts<'_>) -> Body {
        let old_token_sha256 = token.old_token.map(|t| Tagged::of(t.as_bytes()));
        let new_token_sha256 = Tagged::of(token.new_token.as_bytes());
        let new_payload_sha256 = Tagged::of(token.new_payload);
        let mut out = Vec::with_capacity(self.shared.len() + 512);
        out.extend_from_slice(&self.shared);
        write_own(
            &Own {
                id_claim: token.id_claim,
                user_id: token.user_id,
                old_jti: token.old_jti,
                new_jti: token.new_jti,
                new_exp: token.new_exp,
                old_token_sha256: old_token_sha256.as_ref().map(Tagged::as_str),
                new_token_sha256: new_token_sha256.as_str(),
                new_payload_sha256: new_payload_sha256.as_str(),
                old_token_prefix: token.old_token.map(prefix_of),
                new_token_prefix: prefix_of(token.new_token),
                source_verified: token.source_verified,
            },
            &mut out,
        );
        Body(out)
    }
}

/// What one mint contributes to its record, borrowed from the mint itself. The tokens are
/// only hashed and cut to a prefix: never stored.
#[derive(Debug, Clone, Copy)]
pub struct TokenFacts<'a> {
    /// The claim that carries the user id.
    pub id_claim: &'a str,
    /// The user id.
    pub user_id: &'a serde_json::Value,
    /// `jti` of the old token, if any.
    pub old_jti: Option<&'a str>,
    /// `jti` of the new token, if any.
    pub new_jti: Option<&'a str>,
    /// `exp` of the new token.
    pub new_exp: Option<i64>,
    /// The old token (compact form), if minted from one.
    pub old_token: Option<&'a str>,
    /// The new token (compact form).
    pub new_token: &'a str,
    /// The new token's payload JSON bytes.
    pub new_payload: &'a [u8],
    /// Whether the old token's signature was verified.
    pub source_verified: bool,
}

/// A record's members from `time` through `source_verified`, in canonical form: everything of
/// its line except `v`, `seq` and `prev`, which [`append_bodies`](super::append_bodies) adds
/// under the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body(Vec<u8>);

impl Body {
    /// The body of a record with `facts`, after checking them as the verifier would.
    pub fn from_facts(facts: &MintFacts) -> Result<Body, String> {
        facts.validate()?;
        let mut out = Vec::with_capacity(768);
        write_shared(facts, &mut out);
        write_own(
            &Own {
                id_claim: &facts.id_claim,
                user_id: &facts.user_id,
                old_jti: facts.old_jti.as_deref(),
                new_jti: facts.new_jti.as_deref(),
                new_exp: facts.new_exp,
                old_token_sha256: facts.old_token_sha256.as_deref(),
                new_token_sha256: &facts.new_token_sha256,
                new_payload_sha256: &facts.new_payload_sha256,
                old_token_prefix: facts.old_token_prefix.as_deref(),
                new_token_prefix: &facts.new_token_prefix,
                source_verified: facts.source_verified,
            },
            &mut out,
        );
        Ok(Body(out))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<Body> for Body {
    fn as_ref(&self) -> &Body {
        self
    }
}

/// Writes a complete line: `{"v":1,"seq":N,` + body + `,"prev":"…"}`.
pub(crate) fn write_line(seq: u64, body: &Body, prev: &Tagged, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"v\":");
    out.extend_from_slice(itoa::Buffer::new().format(FORMAT_VERSION).as_bytes());
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(itoa::Buffer::new().format(seq).as_bytes());
    out.push(b',');
    out.extend_from_slice(body.as_bytes());
    out.extend_from_slice(b",\"prev\":\"");
    out.extend_from_slice(prev.as_bytes());
    out.extend_from_slice(b"\"}");
}

/// The first [`MAX_PREFIX_CHARS`] characters of `token`, borrowed.
fn prefix_of(token: &str) -> &str {
    let end = token
        .char_indices()
        .nth(MAX_PREFIX_CHARS)
        .map_or(token.len(), |(i, _)| i);
    &token[..end]
}

/// A JSON string, escaped exactly as `serde_json` escapes it (the canonical form).
fn write_str(text: &str, out: &mut Vec<u8>) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// A digest already checked to be `sha256:<64 lowercase hex>` (by [`MintFacts::validate`], or
/// built by [`Tagged`]): nothing in it needs escaping.
fn write_digest(digest: &str, out: &mut Vec<u8>) {
    debug_assert!(check_digest("digest", digest).is_ok(), "{digest:?}");
    out.push(b'"');
    out.extend_from_slice(digest.as_bytes());
    out.push(b'"');
}

fn write_opt_str(text: Option<&str>, out: &mut Vec<u8>) {
    match text {
        Some(text) => write_str(text, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// `"time":…` through `"key_fingerprint":…`, as `serde_json` writes them in a [`Record`].
fn write_shared(facts: &MintFacts, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\"time\":");
    write_str(
        &facts
            .time
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        out,
    );
    out.extend_from_slice(b",\"operator\":");
    write_str(&facts.operator, out);
    out.extend_from_slice(b",\"host\":");
    write_str(&facts.host, out);
    if !facts.ci.is_empty() {
        out.extend_from_slice(b",\"ci\":");
        let _ = serde_json::to_writer(&mut *out, &facts.ci);
    }
    if let Some(reason) = &facts.reason {
        out.extend_from_slice(b",\"reason\":");
        write_str(reason, out);
    }
    out.extend_from_slice(b",\"alg\":");
    write_str(&facts.alg, out);
    out.extend_from_slice(b",\"key_fingerprint\":");
    write_str(&facts.key_fingerprint, out);
}

/// The members of one record that are its own.
struct Own<'a> {
    id_claim: &'a str,
    user_id: &'a serde_json::Value,
    old_jti: Option<&'a str>,
    new_jti: Option<&'a str>,
    new_exp: Option<i64>,
    old_token_sha256: Option<&'a str>,
    new_token_sha256: &'a str,
    new_payload_sha256: &'a str,
    old_token_prefix: Option<&'a str>,
    new_token_prefix: &'a str,
    source_verified: bool,
}

/// `,"id_claim":…` through `,"source_verified":…`, as `serde_json` writes them in a [`Record`].
fn write_own(own: &Own<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b",\"id_claim\":");
    write_str(own.id_claim, out);
    out.extend_from_slice(b",\"user_id\":");
    let _ = serde_json::to_writer(&mut *out, own.user_id);
    out.extend_from_slice(b",\"old_jti\":");
    write_opt_str(own.old_jti, out);
    out.extend_from_slice(b",\"new_jti\":");
    write_opt_str(own.new_jti, out);
    out.extend_from_slice(b",\"new_exp\":");
    match own.new_exp {
        Some(exp) => out.extend_from_slice(itoa::Buffer::new().format(exp).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"old_token_sha256\":");
    match own.old_token_sha256 {
        Some(digest) => write_digest(digest, out),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"new_token_sha256\":");
    write_digest(own.new_token_sha256, out);
    out.extend_from_slice(b",\"new_payload_sha256\":");
    write_digest(own.new_payload_sha256, out);
    out.extend_from_slice(b",\"old_token_prefix\":");
    write_opt_str(own.old_token_prefix, out);
    out.extend_from_slice(b",\"new_token_prefix\":");
    write_str(own.new_token_prefix, out);
    out.extend_from_slice(if own.source_verified {
        b",\"source_verified\":true"
    } else {
        b",\"source_verified\":false"
    });
}

/// Why a line is not a valid record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LineFault {
    /// Not JSON at all; `cut_short` when the JSON ended before the value did.
    Syntax { cut_short: bool, message: String },
    /// JSON with a `v` other than [`FORMAT_VERSION`].
    BadVersion { found: String },
    /// JSON, but not a record of this version's schema.
    Schema { message: String },
}

impl LineFault {
    /// A one-line description, safe to print to a terminal.
    pub(crate) fn message(&self) -> String {
        match self {
            LineFault::Syntax { message, .. } => format!("not valid JSON: {message}"),
            LineFault::BadVersion { found } => {
                format!("format version {found} is not the supported version {FORMAT_VERSION}")
            }
            LineFault::Schema { message } => format!("not a valid v1 record: {message}"),
        }
    }
}

/// Only the version, so that a record of another version is named as such.
#[derive(Deserialize)]
struct VersionProbe {
    v: Option<serde_json::Value>,
}

/// Parses and checks one line (without its newline) the way the verifier does.
pub(crate) fn parse_line(line: &[u8]) -> Result<Record, LineFault> {
    let schema = |message: String| LineFault::Schema {
        message: one_line(&message),
    };
    let probe: VersionProbe = serde_json::from_slice(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            LineFault::Syntax {
                cut_short: e.is_eof(),
                message: one_line(&e.to_string()),
            }
        }
        _ => schema(e.to_string()),
    })?;
    match probe.v {
        None => return Err(schema("missing field `v`".into())),
        Some(v) if v != FORMAT_VERSION => {
            return Err(LineFault::BadVersion {
                found: one_line(&v.to_string()),
            });
        }
        Some(_) => {}
    }
    let record: Record = serde_json::from_slice(line).map_err(|e| schema(e.to_string()))?;
    record.validate().map_err(schema)?;
    if record.to_line().map_err(schema)? != line {
        return Err(schema(
            "not in canonical form (fields reformatted, reordered, added or missing)".into(),
        ));
    }
    Ok(record)
}

/// Reads just the `seq` of a line, if it has one; used to tell a reordering from a deletion.
pub(crate) fn peek_seq(line: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct SeqProbe {
        seq: Option<u64>,
    }
    serde_json::from_slice::<SeqProbe>(line).ok()?.seq
}

fn check_digest(field: &str, value: &str) -> Result<(), String> {
    let hex = value.strip_prefix("sha256:").unwrap_or("");
    let lower_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    if hex.len() == 64 && hex.chars().all(lower_hex) {
        Ok(())
    } else {
        Err(format!("{field} must be sha256:<64 lowercase hex digits>"))
    }
}

fn check_prefix(field: &str, value: &str) -> Result<(), String> {
    if value.chars().count() <= MAX_PREFIX_CHARS {
        Ok(())
    } else {
        Err(format!(
            "{field} is longer than {MAX_PREFIX_CHARS} characters (a whole token must never be logged)"
        ))
    }
}

/// Makes a message safe for one terminal line: control characters escaped, length capped.
pub(crate) fn one_line(message: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut out = String::new();
    for c in message.chars().take(MAX_CHARS) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if message.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// `time` as UTC RFC 3339 with whole seconds and a `Z`, e.g. `2026-01-31T12:00:00Z`.
mod time_seconds {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&time.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| D::Error::custom(format!("time is not RFC 3339: {e}")))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Valid facts for tests; `n` varies the user id, time and tokens.
    pub(crate) fn sample_facts(n: u32) -> MintFacts {
        let mut facts = MintFacts {
            time: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
                + chrono::Duration::seconds(n.into()),
            operator: "alice".into(),
            host: "build-7".into(),
            ci: BTreeMap::from([("CI_JOB_ID".to_string(), "42".to_string())]),
            reason: Some("key rotated".into()),
            alg: "HS256".into(),
            key_fingerprint: sha256_tagged(b"not a real key"),
            id_claim: "sub".into(),
            user_id: serde_json::Value::from(format!("user-{n}")),
            old_jti: Some(format!("old-{n}")),
            new_jti: Some(format!("new-{n}")),
            new_exp: Some(1_800_000_000 + i64::from(n)),
            source_verified: false,
            ..MintFacts::default()
        };
        let new_token = format!("eyJhbGciOiJIUzI1NiJ9.new{n}.sig");
        facts.set_tokens(Some("eyJhbGciOiJIUzI1NiJ9.old.sig"), &new_token, b"{}");
        facts
    }

    fn line_of(record: &Record) -> Vec<u8> {
        record.to_line().unwrap()
    }

    #[test]
    fn line_has_the_documented_field_order() {
        let line = line_of(&Record::new(1, &sample_facts(1), GENESIS.into()));
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "v",
                "seq",
                "time",
                "operator",
                "host",
                "ci",
                "reason",
                "alg",
                "key_fingerprint",
                "id_claim",
                "user_id",
                "old_jti",
                "new_jti",
                "new_exp",
                "old_token_sha256",
                "new_token_sha256",
                "new_payload_sha256",
                "old_token_prefix",
                "new_token_prefix",
                "source_verified",
                "prev"
            ]
        );
        assert!(
            String::from_utf8(line)
                .unwrap()
                .contains(r#""time":"2026-01-02T03:04:06Z""#)
        );
    }

    #[test]
    fn empty_ci_and_missing_reason_are_omitted_and_old_fields_are_null() {
        let mut facts = sample_facts(1);
        facts.ci.clear();
        facts.reason = None;
        facts.old_jti = None;
        facts.set_tokens(None, "abc", b"{}");
        let line = String::from_utf8(line_of(&Record::new(1, &facts, GENESIS.into()))).unwrap();
        assert!(
            !line.contains("\"ci\"") && !line.contains("\"reason\""),
            "{line}"
        );
        assert!(line.contains(r#""old_jti":null"#), "{line}");
        assert!(line.contains(r#""old_token_sha256":null"#), "{line}");
        assert!(line.contains(r#""old_token_prefix":null"#), "{line}");
    }

    #[test]
    fn parse_round_trips_and_cuts_time_to_seconds() {
        let mut facts = sample_facts(3);
        facts.time += chrono::Duration::milliseconds(750);
        facts.user_id = serde_json::json!(12345);
        let record = Record::new(7, &facts, sha256_tagged(b"x"));
        assert_eq!(record.facts.time.timestamp_subsec_nanos(), 0);
        assert_eq!(parse_line(&line_of(&record)).unwrap(), record);
    }

    #[test]
    fn digests_are_tagged_lowercase_hex() {
        assert_eq!(
            sha256_tagged(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_tagged(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn prefix_is_cut_to_eight_characters() {
        assert_eq!(token_prefix("eyJhbGciOiJIUzI1NiJ9.e30.sig"), "eyJhbGci");
        assert_eq!(token_prefix("äöüäöüäöüäöü"), "äöüäöüäö");
        assert_eq!(token_prefix("abc"), "abc");
        let mut facts = sample_facts(1);
        facts.set_tokens(Some(&"x".repeat(500)), &"y".repeat(500), b"{}");
        assert_eq!(facts.new_token_prefix, "yyyyyyyy");
        assert_eq!(facts.old_token_prefix.as_deref(), Some("xxxxxxxx"));
    }

    #[test]
    fn bad_lines_are_classified() {
        let good =
            String::from_utf8(line_of(&Record::new(1, &sample_facts(1), GENESIS.into()))).unwrap();
        let whole_token = good.replacen(
            r#""new_token_prefix":"eyJhbGci""#,
            r#""new_token_prefix":"eyJhbGciOiJIUzI1NiJ9""#,
            1,
        );
        let cases: Vec<(String, &str)> = vec![
            (good[..good.len() / 2].to_string(), "cut"),
            ("garbage".into(), "syntax"),
            ("".into(), "cut"),
            (good.replacen(r#""v":1"#, r#""v":2"#, 1), "version"),
            (good.replacen(r#""v":1,"#, "", 1), "schema"),
            (good.replacen(r#""v":1"#, r#""v":1.0"#, 1), "version"),
            (good.replacen(r#""seq":1"#, r#""seq":0"#, 1), "schema"),
            (good.replacen(r#""seq":1"#, r#""seq":"1""#, 1), "schema"),
            (good.replacen(",", ", ", 1), "schema"),
            (good.replacen("}", r#","extra":1}"#, 1), "schema"),
            (good.replacen("sha256:0000", "sha256:000", 1), "schema"),
            (good.replacen("T03:04:06Z", "T03:04:06.5Z", 1), "schema"),
            (whole_token, "schema"),
            ("[1]".into(), "schema"),
            ("42".into(), "schema"),
        ];
        for (line, want) in cases {
            let got = match parse_line(line.as_bytes()) {
                Err(LineFault::Syntax {
                    cut_short: true, ..
                }) => "cut",
                Err(LineFault::Syntax { .. }) => "syntax",
                Err(LineFault::BadVersion { .. }) => "version",
                Err(LineFault::Schema { .. }) => "schema",
                Ok(_) => "ok",
            };
            assert_eq!(got, want, "{line}");
        }
    }

    mod canonical_writer {
        use super::super::*;
        use chrono::TimeZone;
        use proptest::prelude::*;

        fn arb_user_id() -> impl Strategy<Value = serde_json::Value> {
            prop_oneof![
                any::<String>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<u64>().prop_map(serde_json::Value::from),
            ]
        }

        /// Facts the verifier accepts: anything in the free-text fields, valid digests and
        /// prefixes, times from year 0 to 9999 with sub-second parts.
        fn arb_facts() -> impl Strategy<Value = MintFacts> {
            let shared = (
                (0i64..=253_402_300_799, 0u32..1_000_000_000),
                any::<String>(),
                any::<String>(),
                prop::collection::btree_map(any::<String>(), any::<String>(), 0..3),
                prop::option::of(any::<String>()),
                any::<String>(),
                any::<[u8; 4]>(),
            );
            let own = (
                any::<String>(),
                arb_user_id(),
                prop::option::of(any::<String>()),
                prop::option::of(any::<String>()),
                prop::option::of(any::<i64>()),
                prop::option::of(any::<String>()),
                any::<String>(),
                any::<Vec<u8>>(),
                any::<bool>(),
            );
            (shared, own).prop_map(|(shared, own)| {
                let ((secs, nanos), operator, host, ci, reason, alg, key) = shared;
                let (id_claim, user_id, old_jti, new_jti, new_exp, old, new, payload, verified) =
                    own;
                let mut facts = MintFacts {
                    time: Utc.timestamp_opt(secs, nanos).unwrap(),
                    operator,
                    host,
                    ci,
                    reason,
                    alg,
                    key_fingerprint: sha256_tagged(&key),
                    id_claim,
                    user_id,
                    old_jti,
                    new_jti,
                    new_exp,
                    source_verified: verified,
                    ..MintFacts::default()
                };
                facts.set_tokens(old.as_deref(), &new, &payload);
                facts
            })
        }

        proptest! {
            /// The appender's writer gives exactly `serde`'s line for the record, and the
            /// verifier's strict parse accepts it and gives the record back.
            #[test]
            fn writes_what_serde_writes_and_the_verifier_accepts(
                facts in arb_facts(),
                seq in 1u64..,
                prev in any::<Vec<u8>>(),
            ) {
                let prev = Tagged::of(&prev);
                let mut line = Vec::new();
                write_line(seq, &Body::from_facts(&facts).unwrap(), &prev, &mut line);
                let record = Record::new(seq, &facts, prev.as_str().to_owned());
                prop_assert_eq!(
                    String::from_utf8(line.clone()).unwrap(),
                    String::from_utf8(record.to_line().unwrap()).unwrap()
                );
                prop_assert_eq!(parse_line(&line).unwrap(), record);
            }

            /// A batch mint's body (shared part rendered once, digests and prefixes computed
            /// from the tokens) is the body of the facts `set_tokens` fills in.
            #[test]
            fn run_facts_give_the_body_of_the_full_facts(
                template in arb_facts(),
                user_id in arb_user_id(),
                id_claim in any::<String>(),
                jtis in (prop::option::of(any::<String>()), prop::option::of(any::<String>())),
                new_exp in prop::option::of(any::<i64>()),
                old in prop::option::of(any::<String>()),
                new in any::<String>(),
                payload in any::<Vec<u8>>(),
                source_verified in any::<bool>(),
            ) {
                let body = RunFacts::new(&template).unwrap().body(&TokenFacts {
                    id_claim: &id_claim,
                    user_id: &user_id,
                    old_jti: jtis.0.as_deref(),
                    new_jti: jtis.1.as_deref(),
                    new_exp,
                    old_token: old.as_deref(),
                    new_token: &new,
                    new_payload: &payload,
                    source_verified,
                });
                let mut facts = MintFacts {
                    id_claim: id_claim.clone(),
                    user_id: user_id.clone(),
                    old_jti: jtis.0.clone(),
                    new_jti: jtis.1.clone(),
                    new_exp,
                    source_verified,
                    ..template
                };
                facts.set_tokens(old.as_deref(), &new, &payload);
                prop_assert_eq!(body, Body::from_facts(&facts).unwrap());
            }
        }

        #[test]
        fn a_bad_fingerprint_is_refused_once_per_run() {
            let mut template = super::sample_facts(1);
            template.key_fingerprint = "sha256:abc".into();
            assert!(
                RunFacts::new(&template)
                    .unwrap_err()
                    .contains("key_fingerprint")
            );
        }

        #[test]
        fn genesis_is_the_genesis_constant() {
            assert_eq!(Tagged::genesis().as_str(), GENESIS);
            assert_eq!(Tagged::of(b"abc").as_str(), sha256_tagged(b"abc"));
        }
    }

    #[test]
    fn messages_are_single_line_and_capped() {
        let cleaned = one_line(&format!("a\nb\u{1b}[31m{}", "x".repeat(500)));
        assert!(!cleaned.contains('\n') && !cleaned.contains('\u{1b}'));
        assert!(cleaned.chars().count() <= 220);
    }
}
