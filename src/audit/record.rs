//! The audit record: what one mint leaves behind, and its one canonical line form.
//!
//! A record is written as one line of JSON with a fixed field order. Reading is strict: a line is
//! a valid record only if parsing it and writing it back gives the very same bytes. The writer
//! runs the same check on every line before it is appended, so the writer and the verifier can
//! never disagree about what a valid line is.

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
    // A table instead of `write!("{:02x}")`: a batch mint hashes four times per token, and
    // the formatting machinery cost more than the hashing.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
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

    #[test]
    fn messages_are_single_line_and_capped() {
        let cleaned = one_line(&format!("a\nb\u{1b}[31m{}", "x".repeat(500)));
        assert!(!cleaned.contains('\n') && !cleaned.contains('\u{1b}'));
        assert!(cleaned.chars().count() <= 220);
    }
}
