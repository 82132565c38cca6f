//! Rendering `decode` results: human text and the JSON Lines schema.

use super::finding::sentence;
use super::indent;
use super::style::{Role, Style};
use crate::exit::Exit;
use crate::inspect::{Inspection, TimeFact};
use crate::text::{escape, escape_bytes, to_json_line, to_json_pretty, write_json_str};
use crate::time;
use crate::token::{Malformed, Payload, Token, b64};
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Human view of one decoded token.
pub(crate) fn human(token: &Token<'_>, inspection: &Inspection, style: &Style) -> String {
    let mut out = String::new();
    let heading = |s: &str| style.paint(Role::Heading, s);
    let _ = writeln!(out, "{}", heading("Header"));
    let _ = writeln!(out, "{}", indent(&to_json_pretty(token.header.map())));
    match &token.payload {
        Payload::Claims(claims) => {
            let _ = writeln!(out, "{}", heading("Claims"));
            let _ = writeln!(out, "{}", indent(&to_json_pretty(claims.map())));
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
                escape(&sentence(warning))
            );
        }
    }
    out
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
pub(crate) fn relative_phrase(claim: &str, delta: i64) -> (Role, String) {
    let mut out = Vec::with_capacity(32);
    let role = write_relative_phrase(claim, delta, &mut out);
    (role, String::from_utf8(out).unwrap_or_default())
}

/// Append [`relative_phrase`] to `out` (ASCII only); returns its role.
pub(crate) fn write_relative_phrase(claim: &str, delta: i64, out: &mut Vec<u8>) -> Role {
    let (role, before, after): (Role, &[u8], &[u8]) = match (claim, delta > 0) {
        ("exp", true) => (Role::Good, b"expires in ", b""),
        ("exp", false) => (Role::Bad, b"expired ", b" ago"),
        ("nbf", true) => (Role::Bad, b"not valid for another ", b""),
        ("nbf", false) => (Role::Good, b"valid since ", b" ago"),
        ("iat", true) => (Role::Bad, b"issued ", b" in the future"),
        (_, _) => (Role::Dim, b"issued ", b" ago"),
    };
    out.extend_from_slice(before);
    time::write_span(delta, out);
    out.extend_from_slice(after);
    role
}

/// The part of every `decode` JSON line that depends only on the instant `at`
/// (`,"times":{"at":…,"at_utc":"…","claims":{`): a batch judges every token at one instant,
/// so this is rendered once per run and handed to [`json`].
pub(crate) fn times_head(at: i64) -> Vec<u8> {
    let mut out = b",\"times\":{\"at\":".to_vec();
    push_int(&mut out, at);
    out.extend_from_slice(b",\"at_utc\":\"");
    time::write_rfc3339(at, &mut out);
    out.extend_from_slice(b"\",\"claims\":{");
    out
}

/// One JSON line for a decoded token (schema `kind: "decoded"`). Written directly (not
/// through a `Value`) because batches stream millions of these; the field order is part of
/// the schema pinned by tests.
/// `times_head` is [`times_head`] of `inspection.at`, rendered once per run by the caller.
pub(crate) fn json(
    line: u64,
    token: &Token<'_>,
    inspection: &Inspection,
    times_head: &[u8],
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(b"{\"kind\":\"decoded\",\"line\":");
    push_int(out, line as i64);
    out.extend_from_slice(b",\"header\":");
    token.header.write_compact_json(out);
    out.extend_from_slice(b",\"claims\":");
    match &token.payload {
        Payload::Claims(claims) => {
            claims.write_compact_json(out);
            out.extend_from_slice(b",\"payload_base64url\":null");
        }
        Payload::Bytes(bytes) => {
            out.extend_from_slice(b"null,\"payload_base64url\":\"");
            out.extend_from_slice(b64::encode(bytes).as_bytes());
            out.push(b'"');
        }
    }
    out.extend_from_slice(b",\"signature\":{\"alg\":");
    match token.header.get("alg") {
        Some(Value::String(alg)) => write_json_str(alg, out),
        alg => to_json_line(alg.unwrap_or(&Value::Null), out),
    }
    out.extend_from_slice(b",\"bytes\":");
    push_int(out, token.signature.len() as i64);
    out.extend_from_slice(b",\"verified\":false}");
    out.extend_from_slice(times_head);
    for (i, fact) in inspection.times.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(fact.claim.as_bytes());
        out.extend_from_slice(b"\":");
        write_time_json(fact, inspection.at, out);
    }
    out.extend_from_slice(b"}},\"warnings\":");
    super::finding::write_json(&inspection.warnings, out);
    out.extend_from_slice(b"}\n");
}

fn push_int(out: &mut Vec<u8>, n: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// `{"raw":..,"value":..,"utc":..,"relative_seconds":..,"error":..}` for one time claim.
pub(crate) fn write_time_json(fact: &TimeFact, at: i64, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"raw\":");
    match &fact.value {
        Ok(v) => {
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(*v).as_bytes();
            // The usual raw value is that integer, written as serde_json would write it.
            if fact.raw.as_i64() == Some(*v) {
                out.extend_from_slice(digits);
            } else {
                to_json_line(&fact.raw, out);
            }
            out.extend_from_slice(b",\"value\":");
            out.extend_from_slice(digits);
            out.extend_from_slice(b",\"utc\":\"");
            time::write_rfc3339(*v, out);
            out.extend_from_slice(b"\",\"relative_seconds\":");
            push_int(out, v - at);
            out.extend_from_slice(b",\"error\":null}");
        }
        Err(why) => {
            to_json_line(&fact.raw, out);
            out.extend_from_slice(
                b",\"value\":null,\"utc\":null,\"relative_seconds\":null,\"error\":",
            );
            to_json_line(why.as_str(), out);
            out.push(b'}');
        }
    }
}

/// The JSON object for an input that could not be read (schema: `kind: "error"`).
pub(crate) fn error_json(line: u64, error: &Malformed, out: &mut Vec<u8>) {
    super::error_line::ErrorLine {
        line,
        exit: Exit::Malformed,
        code: error.code,
        segment: error.segment.name(),
        message: &error.message,
    }
    .write(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `raw` is the claim exactly as the token has it: an integer as is, and a float, a
    /// string or a value out of range through serde_json, even when it reads as an instant.
    #[test]
    fn time_json_keeps_the_raw_value() {
        let at = 1_795_200_000;
        let cases = [
            (
                json!(1_500_000_000),
                time::numeric_date(&json!(1_500_000_000)),
            ),
            (json!(1.5e9), time::numeric_date(&json!(1.5e9))),
            (
                json!(1_500_000_000.5),
                time::numeric_date(&json!(1_500_000_000.5)),
            ),
            (json!(-0.0), time::numeric_date(&json!(-0.0))),
            (
                json!("1500000000"),
                time::numeric_date(&json!("1500000000")),
            ),
            (json!(u64::MAX), time::numeric_date(&json!(u64::MAX))),
        ];
        for (raw, value) in cases {
            let fact = TimeFact {
                claim: "exp",
                raw: raw.clone(),
                value,
            };
            let mut out = Vec::new();
            write_time_json(&fact, at, &mut out);
            let text = String::from_utf8(out).unwrap();
            let expected = format!("{{\"raw\":{}", serde_json::to_string(&raw).unwrap());
            assert!(text.starts_with(&expected), "{text} for {raw}");
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back["raw"], raw);
            match &fact.value {
                Ok(v) => assert_eq!(back["value"], json!(v), "{text}"),
                Err(_) => assert_eq!(back["value"], Value::Null, "{text}"),
            }
        }
    }

    #[test]
    fn times_head_is_the_instant_both_ways() {
        let head = String::from_utf8(times_head(1_795_200_000)).unwrap();
        assert_eq!(
            head,
            r#","times":{"at":1795200000,"at_utc":"2026-11-20T18:40:00Z","claims":{"#
        );
    }
}
