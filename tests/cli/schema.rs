//! The `decode --json` schema, mirrored field for field. Every JSON line a test reads goes
//! through these structs, so a renamed, added or removed field fails the tests:
//! `deny_unknown_fields` catches additions and renames, and nullable fields are declared with
//! [`present`] so that a field that disappears is an error rather than a silent `None`.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A field that must be present but may be `null`. (A plain `Option` field would accept the
/// field's absence.)
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::deserialize(deserializer)
}

/// One line of `decode --json` output.
#[derive(Debug)]
pub enum JsonLine {
    Decoded(Box<Decoded>),
    Error(ErrorLine),
}

impl JsonLine {
    pub fn line(&self) -> u64 {
        match self {
            JsonLine::Decoded(d) => d.line,
            JsonLine::Error(e) => e.line,
        }
    }

    #[track_caller]
    pub fn decoded(&self) -> &Decoded {
        match self {
            JsonLine::Decoded(d) => d,
            JsonLine::Error(e) => panic!("expected a decoded object, got {e:?}"),
        }
    }

    #[track_caller]
    pub fn error(&self) -> &ErrorLine {
        match self {
            JsonLine::Error(e) => e,
            JsonLine::Decoded(d) => panic!("expected an error object, got {d:?}"),
        }
    }
}

/// `kind: "decoded"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decoded {
    pub kind: String,
    pub line: u64,
    pub header: Map<String, Value>,
    #[serde(deserialize_with = "present")]
    pub claims: Option<Map<String, Value>>,
    #[serde(deserialize_with = "present")]
    pub payload_base64url: Option<String>,
    pub signature: Signature,
    pub times: Times,
    pub warnings: Vec<Warning>,
}

impl Decoded {
    pub fn warning_codes(&self) -> Vec<&str> {
        self.warnings.iter().map(|w| w.code.as_str()).collect()
    }

    #[track_caller]
    pub fn claim(&self, name: &str) -> &Value {
        self.claims
            .as_ref()
            .and_then(|c| c.get(name))
            .unwrap_or_else(|| panic!("no claim {name:?} in {self:?}"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The header's `alg` as found (any JSON value, `null` when missing).
    pub alg: Value,
    pub bytes: usize,
    pub verified: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Times {
    pub at: i64,
    pub at_utc: String,
    pub claims: TimeClaims,
}

/// Only the NumericDate claims present in the token appear.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeClaims {
    pub iat: Option<TimeClaim>,
    pub nbf: Option<TimeClaim>,
    pub exp: Option<TimeClaim>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeClaim {
    pub raw: Value,
    #[serde(deserialize_with = "present")]
    pub value: Option<i64>,
    #[serde(deserialize_with = "present")]
    pub utc: Option<String>,
    #[serde(deserialize_with = "present")]
    pub relative_seconds: Option<i64>,
    #[serde(deserialize_with = "present")]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// `kind: "error"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorLine {
    pub kind: String,
    pub line: u64,
    pub exit_code: u8,
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    pub class: String,
    pub code: String,
    pub segment: String,
    pub message: String,
}

/// Parse one output line against the schema, or say why it does not fit.
pub fn try_parse_line(line: &str) -> Result<JsonLine, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let parsed = match value.get("kind").and_then(Value::as_str) {
        Some("decoded") => serde_json::from_str(line).map(|d| JsonLine::Decoded(Box::new(d))),
        Some("error") => serde_json::from_str(line).map(JsonLine::Error),
        other => return Err(format!("unknown kind {other:?}")),
    };
    parsed.map_err(|e| format!("schema drift ({e})"))
}

/// Parse one output line against the schema.
#[track_caller]
pub fn parse_line(line: &str) -> JsonLine {
    try_parse_line(line).unwrap_or_else(|why| panic!("{why}: {line}"))
}

/// Every line of a `--json` stdout, each checked against the schema. The output must end
/// with a newline and contain no blank lines.
#[track_caller]
pub fn parse_lines(stdout: &[u8]) -> Vec<JsonLine> {
    let text = std::str::from_utf8(stdout).expect("JSON output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "output must end with a newline: {text:?}"
    );
    text.lines().map(parse_line).collect()
}

/// Exactly one JSON line.
#[track_caller]
pub fn single(stdout: &[u8]) -> JsonLine {
    let mut lines = parse_lines(stdout);
    assert_eq!(lines.len(), 1, "expected one JSON line: {lines:?}");
    lines.remove(0)
}

#[test]
fn the_mirror_itself_rejects_drift() {
    let good = r#"{"kind":"error","line":1,"exit_code":4,"error":{"class":"malformed","code":"empty","segment":"token","message":"m"}}"#;
    assert_eq!(parse_line(good).error().error.code, "empty");
    let added = good.replace(r#""line":1"#, r#""line":1,"extra":true"#);
    let renamed = good.replace(r#""segment""#, r#""part""#);
    let retagged = good.replace(r#""kind":"error""#, r#""kind":"failure""#);
    for drifted in [added, renamed, retagged] {
        assert!(try_parse_line(&drifted).is_err(), "accepted: {drifted}");
    }
    // A nullable field that goes missing is drift too, not a silent None.
    let missing = r#"{"raw":1,"value":1,"utc":"x","relative_seconds":0}"#;
    assert!(serde_json::from_str::<TimeClaim>(missing).is_err());
}
