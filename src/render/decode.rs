//! Rendering `decode` results: human text and the JSON Lines schema.

use super::sanitize::{escape, escape_bytes, to_json_line, to_json_pretty};
use super::style::{Role, Style};
use crate::exit::Exit;
use crate::inspect::{Inspection, TimeFact};
use crate::time;
use crate::token::{Malformed, Payload, Token, b64};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Human view of one decoded token.
pub fn human(token: &Token<'_>, inspection: &Inspection, style: &Style) -> String {
    let mut out = String::new();
    let heading = |s: &str| style.paint(Role::Heading, s);
    let _ = writeln!(out, "{}", heading("Header"));
    let _ = writeln!(out, "{}", indent(&to_json_pretty(&token.header)));
    match &token.payload {
        Payload::Claims(claims) => {
            let _ = writeln!(out, "{}", heading("Claims"));
            let _ = writeln!(out, "{}", indent(&to_json_pretty(claims)));
        }
        Payload::Bytes(bytes) => {
            let _ = writeln!(out, "{}", heading("Payload (not JSON)"));
            let _ = writeln!(out, "  {}", escape_bytes(bytes));
        }
    }
    if !inspection.times.is_empty() {
        let _ = writeln!(
            out,
            "{} {}",
            heading("Times"),
            style.paint(Role::Dim, &format!("(at {})", time::rfc3339(inspection.at)))
        );
        for fact in &inspection.times {
            let _ = writeln!(out, "  {}", time_line(fact, inspection.at, style));
        }
    }
    let _ = writeln!(out, "{}", heading("Signature"));
    let _ = writeln!(
        out,
        "  {} {}",
        style.paint(Role::Warn, "signature NOT verified"),
        style.paint(
            Role::Dim,
            &format!(
                "(alg {} from the header, {} bytes)",
                escape(&alg_text(&token.header)),
                token.signature.len()
            )
        )
    );
    if !inspection.warnings.is_empty() {
        let _ = writeln!(out, "{}", heading("Warnings"));
        for warning in &inspection.warnings {
            let _ = writeln!(
                out,
                "  {} {}",
                style.paint(Role::Warn, "warning:"),
                escape(&warning.message)
            );
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn alg_text(header: &Map<String, Value>) -> String {
    match header.get("alg") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "(missing)".into(),
    }
}

fn time_line(fact: &TimeFact, at: i64, style: &Style) -> String {
    let name = style.paint(Role::Name, &format!("{:<3}", fact.claim));
    match &fact.value {
        Ok(value) => {
            let delta = value - at;
            let (role, relative) = relative_phrase(fact.claim, delta);
            format!(
                "{name}  {value}  {}  {}",
                time::rfc3339(*value),
                style.paint(role, &relative)
            )
        }
        Err(why) => format!(
            "{name}  {}  {}",
            escape(&fact.raw.to_string()),
            style.paint(Role::Bad, why)
        ),
    }
}

/// "expired 3h12m ago", "issued 41s in the future", ...
pub fn relative_phrase(claim: &str, delta: i64) -> (Role, String) {
    let span = time::span(delta);
    match (claim, delta > 0) {
        ("exp", true) => (Role::Good, format!("expires in {span}")),
        ("exp", false) => (Role::Bad, format!("expired {span} ago")),
        ("nbf", true) => (Role::Bad, format!("not valid for another {span}")),
        ("nbf", false) => (Role::Good, format!("valid since {span} ago")),
        ("iat", true) => (Role::Bad, format!("issued {span} in the future")),
        (_, _) => (Role::Dim, format!("issued {span} ago")),
    }
}

/// The JSON object for one decoded token (schema: `kind: "decoded"`).
#[derive(Serialize)]
pub struct DecodedJson<'a> {
    kind: &'static str,
    line: u64,
    header: &'a Map<String, Value>,
    claims: Option<&'a Map<String, Value>>,
    payload_base64url: Option<String>,
    signature: SignatureJson,
    times: TimesJson,
    warnings: Vec<WarningJson<'a>>,
}

#[derive(Serialize)]
struct SignatureJson {
    alg: Value,
    bytes: usize,
    verified: bool,
}

#[derive(Serialize)]
struct TimesJson {
    at: i64,
    at_utc: String,
    claims: Map<String, Value>,
}

#[derive(Serialize)]
struct WarningJson<'a> {
    code: &'static str,
    message: &'a str,
}

/// One JSON line for a decoded token.
pub fn json(line: u64, token: &Token<'_>, inspection: &Inspection, out: &mut Vec<u8>) {
    let claims = token.claims();
    let payload_base64url = match &token.payload {
        Payload::Bytes(bytes) => Some(b64::encode(bytes)),
        Payload::Claims(_) => None,
    };
    let view = DecodedJson {
        kind: "decoded",
        line,
        header: &token.header,
        claims,
        payload_base64url,
        signature: SignatureJson {
            alg: token.header.get("alg").cloned().unwrap_or(Value::Null),
            bytes: token.signature.len(),
            verified: false,
        },
        times: TimesJson {
            at: inspection.at,
            at_utc: time::rfc3339(inspection.at),
            claims: inspection
                .times
                .iter()
                .map(|f| (f.claim.to_owned(), time_json(f, inspection.at)))
                .collect(),
        },
        warnings: inspection
            .warnings
            .iter()
            .map(|w| WarningJson {
                code: w.code,
                message: &w.message,
            })
            .collect(),
    };
    to_json_line(&view, out);
    out.push(b'\n');
}

/// `{"raw":..,"value":..,"utc":..,"relative_seconds":..,"error":..}` for one time claim.
pub fn time_json(fact: &TimeFact, at: i64) -> Value {
    let (value, utc, relative, error) = match &fact.value {
        Ok(v) => (
            Value::from(*v),
            Value::from(time::rfc3339(*v)),
            Value::from(v - at),
            Value::Null,
        ),
        Err(why) => (
            Value::Null,
            Value::Null,
            Value::Null,
            Value::from(why.as_str()),
        ),
    };
    serde_json::json!({
        "raw": fact.raw,
        "value": value,
        "utc": utc,
        "relative_seconds": relative,
        "error": error,
    })
}

/// The JSON object for an input that could not be read (schema: `kind: "error"`).
pub fn error_json(line: u64, error: &Malformed, out: &mut Vec<u8>) {
    let view = serde_json::json!({
        "kind": "error",
        "line": line,
        "exit_code": Exit::Malformed.code(),
        "error": {
            "class": Exit::Malformed.name(),
            "code": error.code,
            "segment": error.segment.name(),
            "message": error.message,
        }
    });
    to_json_line(&view, out);
    out.push(b'\n');
}
