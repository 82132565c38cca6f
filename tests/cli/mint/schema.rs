//! The `mint --json` schema, the audit record and the `audit verify --json` object, mirrored
//! field for field with `deny_unknown_fields`. Nullable fields are declared with [`present`], so
//! a field that disappears is an error rather than a silent `None`.

use crate::schema::ErrorLine;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A field that must be present but may be `null`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::deserialize(deserializer)
}

/// One line of `mint --json` output.
#[derive(Debug)]
pub enum MintLine {
    Minted(Box<Minted>),
    Error(ErrorLine),
}

impl MintLine {
    pub fn line(&self) -> u64 {
        match self {
            MintLine::Minted(m) => m.line,
            MintLine::Error(e) => e.line,
        }
    }

    #[track_caller]
    pub fn minted(&self) -> &Minted {
        match self {
            MintLine::Minted(m) => m,
            MintLine::Error(e) => panic!("expected a minted object, got {e:?}"),
        }
    }

    #[track_caller]
    pub fn error(&self) -> &ErrorLine {
        match self {
            MintLine::Error(e) => e,
            MintLine::Minted(m) => panic!("expected an error object, got {m:?}"),
        }
    }
}

/// `kind: "minted"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minted {
    pub kind: String,
    pub line: u64,
    pub token: String,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    #[serde(deserialize_with = "present")]
    pub exp: Option<i64>,
    pub audit_seq: u64,
    /// The record's checkpoint, `SEQ:sha256:HEX`.
    pub audit_head: String,
    pub source_verified: bool,
}

/// Parse one `mint --json` line against the schema, or say why it does not fit.
pub fn try_mint_line(line: &str) -> Result<MintLine, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let parsed = match value.get("kind").and_then(Value::as_str) {
        Some("minted") => serde_json::from_str(line).map(|m| MintLine::Minted(Box::new(m))),
        Some("error") => serde_json::from_str(line).map(MintLine::Error),
        other => return Err(format!("unknown kind {other:?}")),
    };
    parsed.map_err(|e| format!("schema drift ({e})"))
}

/// Every line of a `mint --json` stdout, each checked against the schema.
#[track_caller]
pub fn mint_lines(stdout: &[u8]) -> Vec<MintLine> {
    let text = std::str::from_utf8(stdout).expect("JSON output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "output must end with a newline: {text:?}"
    );
    text.lines()
        .map(|line| try_mint_line(line).unwrap_or_else(|why| panic!("{why}: {line}")))
        .collect()
}

/// One line of the audit log. `ci` and `reason` are left out of a line when empty.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub v: u32,
    pub seq: u64,
    pub time: String,
    pub operator: String,
    pub host: String,
    /// OS identity: omitted when unknown.
    pub uid: Option<u32>,
    pub os_user: Option<String>,
    pub sudo_user: Option<String>,
    #[serde(default)]
    pub ci: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub reason: Option<String>,
    pub alg: String,
    pub key_fingerprint: String,
    pub id_claim: String,
    pub user_id: Value,
    #[serde(deserialize_with = "present")]
    pub old_jti: Option<String>,
    #[serde(deserialize_with = "present")]
    pub new_jti: Option<String>,
    #[serde(deserialize_with = "present")]
    pub new_exp: Option<i64>,
    #[serde(deserialize_with = "present")]
    pub old_token_sha256: Option<String>,
    pub new_token_sha256: String,
    pub new_payload_sha256: String,
    #[serde(deserialize_with = "present")]
    pub old_token_prefix: Option<String>,
    pub new_token_prefix: String,
    pub source_verified: bool,
    pub prev: String,
}

/// One audit log line, checked against the record schema.
#[track_caller]
pub fn record(line: &str) -> Record {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("record schema drift ({e}): {line}"))
}

/// `audit verify --json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditVerify {
    pub kind: String,
    pub path: String,
    pub intact: bool,
    pub checkpoint: String,
    pub records: u64,
    pub head: String,
    pub head_seq: u64,
    #[serde(deserialize_with = "present")]
    pub first_break: Option<Break>,
    #[serde(default)]
    pub checkpoints: Vec<CheckpointResult>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointResult {
    pub seq: u64,
    pub hash: String,
    pub status: String,
    pub found: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    pub line: usize,
    #[serde(deserialize_with = "present")]
    pub seq: Option<u64>,
    pub kind: String,
    pub message: String,
}

/// The one `audit verify --json` line.
#[track_caller]
pub fn audit_verify(stdout: &[u8]) -> AuditVerify {
    let text = std::str::from_utf8(stdout).expect("UTF-8");
    let mut lines = text.lines();
    let line = lines.next().expect("one line");
    assert_eq!(lines.next(), None, "exactly one line: {text}");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("schema drift ({e}): {line}"))
}

#[test]
fn the_mirrors_reject_drift() {
    let good = r#"{"kind":"minted","line":1,"token":"a.b.c","header":{},"claims":{},"exp":null,"audit_seq":1,"audit_head":"1:sha256:00","source_verified":false}"#;
    assert_eq!(try_mint_line(good).unwrap().minted().audit_seq, 1);
    let added = good.replace(r#""line":1"#, r#""line":1,"extra":true"#);
    let renamed = good.replace(r#""audit_seq""#, r#""seq""#);
    let missing = good.replace(r#""exp":null,"#, "");
    for drifted in [added, renamed, missing] {
        assert!(try_mint_line(&drifted).is_err(), "accepted: {drifted}");
    }
}
