//! The audit record: what one mint leaves behind, and its one canonical line form.
//!
//! A record is one line of JSON with a fixed field order, written by one writer: borrowed
//! `serde` views of its members ([`Shared`], rendered once per run, and [`Own`], per token),
//! serialised by `serde_json` and framed by `v`, `seq` and `prev` ([`write_line`]). Reading is
//! strict: a line is a valid record only if parsing it and writing it back gives the very same
//! bytes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The record format version this code writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `prev` of the first record: `sha256:` followed by 64 zeros.
pub(crate) const GENESIS: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Token prefixes kept for humans are at most this many characters long.
pub(crate) const MAX_PREFIX_CHARS: usize = 8;

/// Longest record line (without its newline) that is written or accepted.
///
/// It bounds the memory used per line when verifying, and how far back the writer reads to find
/// the last record. Real records are well under 1 KiB.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// The facts about one mint that the caller supplies; [`append`](super::append) adds the
/// sequence number and the chain link.
///
/// Never put a secret or a whole token here. Fill the token-derived fields with
/// [`MintFacts::set_tokens`], which stores only SHA-256 digests and short prefixes; `append`
/// refuses a prefix longer than [`MAX_PREFIX_CHARS`] or a digest that is not `sha256:<64 hex>`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct MintFacts {
    /// When the token was minted. Stored with seconds precision, in UTC.
    #[serde(deserialize_with = "time_seconds")]
    pub(crate) time: DateTime<Utc>,
    /// Who minted (`--operator`, `JWTCTL_OPERATOR` or the OS user).
    pub(crate) operator: String,
    /// The host the mint ran on.
    pub(crate) host: String,
    /// The OS identity of the process, beside the declared operator.
    #[serde(flatten)]
    pub(crate) os: OsIdentity,
    /// CI context variables (e.g. job id); omitted from the line when empty.
    #[serde(default)]
    pub(crate) ci: BTreeMap<String, String>,
    /// The operator's `--reason`; omitted from the line when absent.
    #[serde(default)]
    pub(crate) reason: Option<String>,
    /// The signing algorithm of the new token.
    pub(crate) alg: String,
    /// Fingerprint of the signing key, `sha256:<64 hex>`.
    pub(crate) key_fingerprint: String,
    /// The claim that carries the user id (`sub`, `uid`, ...).
    pub(crate) id_claim: String,
    /// The user id, as found in the token (usually a string or a number).
    pub(crate) user_id: serde_json::Value,
    /// `jti` of the old token, if any.
    pub(crate) old_jti: Option<String>,
    /// `jti` of the new token, if any.
    pub(crate) new_jti: Option<String>,
    /// `exp` of the new token (NumericDate), or none for a never-expiring token.
    pub(crate) new_exp: Option<i64>,
    /// SHA-256 of the old token, `sha256:<64 hex>`; none when minted without a source token.
    pub(crate) old_token_sha256: Option<String>,
    /// SHA-256 of the new token, `sha256:<64 hex>`.
    pub(crate) new_token_sha256: String,
    /// SHA-256 of the new token's payload, `sha256:<64 hex>`.
    pub(crate) new_payload_sha256: String,
    /// First characters of the old token, for humans; none without a source token.
    pub(crate) old_token_prefix: Option<String>,
    /// First characters of the new token, for humans.
    pub(crate) new_token_prefix: String,
    /// Whether the source token's signature was verified before minting.
    pub(crate) source_verified: bool,
}

/// Who the operating system says ran a mint or a repair: the real uid, its name in the password
/// database, and `SUDO_USER` when set. Each member is omitted from the line when unknown (and
/// in records written before they were recorded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OsIdentity {
    /// The real user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) uid: Option<u32>,
    /// The user name the password database gives for `uid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) os_user: Option<String>,
    /// `SUDO_USER`: who ran `sudo`, when the process runs under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sudo_user: Option<String>,
}

/// One line of the audit log: the mint facts plus version, sequence number and chain link.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Record {
    /// Format version, [`FORMAT_VERSION`].
    pub(crate) v: u32,
    /// Sequence number: 1 for the first record, then consecutive.
    pub(crate) seq: u64,
    /// What was minted.
    #[serde(flatten)]
    pub(crate) facts: MintFacts,
    /// `sha256:<64 hex>` of the previous line's bytes (without its newline), or [`GENESIS`].
    pub(crate) prev: String,
}

/// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_tagged(bytes: &[u8]) -> String {
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

    pub(crate) fn as_str(&self) -> &str {
        // Built from ASCII only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The first [`MAX_PREFIX_CHARS`] characters of a token: enough for a human to recognise it,
/// far too little to use it.
pub(crate) fn token_prefix(token: &str) -> String {
    token.chars().take(MAX_PREFIX_CHARS).collect()
}

impl MintFacts {
    /// Fills the token-derived fields (digests and prefixes) from the tokens themselves, so that
    /// no caller has to cut a prefix by hand. `new_payload` is the new token's payload (the JSON
    /// bytes that were signed).
    #[cfg(test)]
    pub(crate) fn set_tokens(
        &mut self,
        old_token: Option<&str>,
        new_token: &str,
        new_payload: &[u8],
    ) {
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
    #[cfg(test)]
    pub(crate) fn new(seq: u64, facts: &MintFacts, prev: String) -> Record {
        use chrono::SubsecRound;
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
    pub(crate) fn to_line(&self) -> Vec<u8> {
        let mut line = Vec::with_capacity(768);
        write_line(self.seq, &Body::of(&self.facts), &self.prev, &mut line);
        line
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
pub(crate) struct RunFacts {
    shared: Vec<u8>,
}

impl RunFacts {
    /// Renders the shared members of `template`; its per-token members are ignored. Fails when
    /// its `key_fingerprint` is not `sha256:<64 lowercase hex>`.
    pub(crate) fn new(template: &MintFacts) -> Result<RunFacts, String> {
        check_digest("key_fingerprint", &template.key_fingerprint)?;
        let mut shared = Vec::with_capacity(256);
        write_members(&Shared::of(template), &mut shared);
        Ok(RunFacts { shared })
    }

    /// The record body of one mint of this run. Digests and prefixes are computed here from
    /// the tokens, so they are valid by construction.
    pub(crate) fn body(&self, token: &TokenFacts<'_>) -> Body {
        let old_token_sha256 = token.old_token.map(|t| Tagged::of(t.as_bytes()));
        let new_token_sha256 = Tagged::of(token.new_token.as_bytes());
        let new_payload_sha256 = Tagged::of(token.new_payload);
        let mut out = Vec::with_capacity(self.shared.len() + 512);
        out.extend_from_slice(&self.shared);
        write_members(
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
pub(crate) struct TokenFacts<'a> {
    /// The claim that carries the user id.
    pub(crate) id_claim: &'a str,
    /// The user id.
    pub(crate) user_id: &'a serde_json::Value,
    /// `jti` of the old token, if any.
    pub(crate) old_jti: Option<&'a str>,
    /// `jti` of the new token, if any.
    pub(crate) new_jti: Option<&'a str>,
    /// `exp` of the new token.
    pub(crate) new_exp: Option<i64>,
    /// The old token (compact form), if minted from one.
    pub(crate) old_token: Option<&'a str>,
    /// The new token (compact form).
    pub(crate) new_token: &'a str,
    /// The new token's payload JSON bytes.
    pub(crate) new_payload: &'a [u8],
    /// Whether the old token's signature was verified.
    pub(crate) source_verified: bool,
}

/// A record's members from `time` through `source_verified`, in canonical form: everything of
/// its line except `v`, `seq` and `prev`, which [`append_bodies`](super::append_bodies) adds
/// under the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body(Vec<u8>);

impl Body {
    /// The body of a record with `facts`, after checking them as the verifier would.
    #[cfg(test)]
    pub(crate) fn from_facts(facts: &MintFacts) -> Result<Body, String> {
        facts.validate()?;
        Ok(Body::of(facts))
    }

    /// The body of a record with `facts`, as they are.
    fn of(facts: &MintFacts) -> Body {
        let mut out = Vec::with_capacity(768);
        write_members(&Shared::of(facts), &mut out);
        write_members(
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
        Body(out)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A body from members already in canonical form (another kind of record's).
    pub(super) fn from_members(members: Vec<u8>) -> Body {
        Body(members)
    }
}

impl AsRef<Body> for Body {
    fn as_ref(&self) -> &Body {
        self
    }
}

/// Writes a complete line: `{"v":1,"seq":N,` + body + `,"prev":"…"}`. `prev` is a checked
/// digest (`sha256:<64 hex>`, from [`Tagged`] or [`Record::validate`]): nothing in it needs
/// escaping, and this runs under the log's lock once per record.
pub(crate) fn write_line(seq: u64, body: &Body, prev: &str, out: &mut Vec<u8>) {
    debug_assert!(check_digest("prev", prev).is_ok(), "{prev:?}");
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

/// Appends the members of `view`'s JSON object to `out`, without its braces: at the start of
/// `out`, or after the members already there, separated by a comma.
fn write_members(view: &impl Serialize, out: &mut Vec<u8>) {
    let start = out.len();
    // Serialising these views into a Vec cannot fail: no I/O, and every map key is a string.
    let _ = serde_json::to_writer(&mut *out, view);
    if out.len() < start + 2 {
        out.truncate(start);
        return;
    }
    out.pop();
    if start == 0 {
        out.remove(0);
    } else {
        out[start] = b',';
    }
}

/// The members a run's records share, `time` through `key_fingerprint`, in line order.
#[derive(Serialize)]
struct Shared<'a> {
    /// Unix seconds, written as UTC RFC 3339 with whole seconds and a `Z`.
    #[serde(serialize_with = "rfc3339")]
    time: i64,
    operator: &'a str,
    host: &'a str,
    #[serde(flatten)]
    os: &'a OsIdentity,
    #[serde(skip_serializing_if = "no_ci")]
    ci: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    alg: &'a str,
    key_fingerprint: &'a str,
}

impl<'a> Shared<'a> {
    fn of(facts: &'a MintFacts) -> Self {
        Shared {
            time: facts.time.timestamp(),
            operator: &facts.operator,
            host: &facts.host,
            os: &facts.os,
            ci: &facts.ci,
            reason: facts.reason.as_deref(),
            alg: &facts.alg,
            key_fingerprint: &facts.key_fingerprint,
        }
    }
}

fn no_ci(ci: &&BTreeMap<String, String>) -> bool {
    ci.is_empty()
}

fn rfc3339<S: Serializer>(seconds: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::rfc3339(*seconds))
}

/// The members of one record that are its own, `id_claim` through `source_verified`.
#[derive(Serialize)]
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
    if record.to_line() != line {
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

pub(super) fn check_digest(field: &str, value: &str) -> Result<(), String> {
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

/// Makes a message safe for one terminal line: unsafe characters escaped (`crate::text`),
/// length capped.
pub(crate) fn one_line(message: &str) -> String {
    const MAX_CHARS: usize = 200;
    let kept: String = message.chars().take(MAX_CHARS).collect();
    let mut out = crate::text::escape(&kept).into_owned();
    if message.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// `time` from RFC 3339 (the writer gives UTC, whole seconds and a `Z`; the canonical-form
/// check refuses anything else).
fn time_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    use serde::de::Error as _;
    let text = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| D::Error::custom(format!("time is not RFC 3339: {e}")))
}

#[cfg(test)]
pub(crate) mod tests;
