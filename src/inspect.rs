//! What `decode` says about a token without verifying it: time facts and warnings.
//! Pure: the instant to judge against is a parameter.

use crate::text::has_unsafe_text;
use crate::time;
use crate::token::{Claims, Payload, Token};
use serde_json::{Map, Value};

/// One thing a person should notice about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable machine code (`alg_none`, `no_exp`, `expired`, ...).
    pub code: &'static str,
    /// Plain-language explanation. May quote token text: escape before printing.
    pub message: String,
}

impl Warning {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
        }
    }
}

/// One NumericDate claim (`exp`, `nbf`, `iat`) as found in the token.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeFact {
    /// `exp`, `nbf` or `iat`.
    pub claim: &'static str,
    /// The raw JSON value.
    pub raw: Value,
    /// The instant, or why the value is not a NumericDate.
    pub value: Result<i64, String>,
}

impl TimeFact {
    /// Seconds from `now` to this instant (negative: in the past).
    pub fn delta(&self, now: i64) -> Option<i64> {
        self.value.as_ref().ok().map(|v| v - now)
    }
}

/// Everything `decode` reports beyond the raw header and claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// The instant relative times were judged at.
    pub at: i64,
    /// NumericDate claims present in the token, in the order `iat`, `nbf`, `exp`.
    pub times: Vec<TimeFact>,
    /// Warnings, most important first.
    pub warnings: Vec<Warning>,
}

/// Header members that carry or point at keys: never fetched, never trusted.
pub const EMBEDDED_KEY_MEMBERS: [&str; 4] = ["jwk", "jku", "x5u", "x5c"];

/// The claims jwtctl treats as NumericDates.
pub const TIME_CLAIMS: [&str; 3] = ["iat", "nbf", "exp"];

/// Inspect a token at instant `now`.
pub fn inspect(token: &Token<'_>, now: i64) -> Inspection {
    let mut warnings = Vec::new();
    alg_warnings(&token.header, &mut warnings);
    if token.signature.is_empty() {
        warnings.push(Warning::new(
            "empty_signature",
            "signature segment is empty",
        ));
    }
    member_warnings(&token.header, &mut warnings);
    let times = match &token.payload {
        Payload::Claims(claims) => time_facts(claims),
        Payload::Bytes(_) => {
            warnings.push(Warning::new(
                "not_a_jwt",
                "payload is not a JSON object: this is a plain JWS, not a JWT",
            ));
            Vec::new()
        }
    };
    if let Payload::Claims(claims) = &token.payload {
        time_warnings(claims, &times, now, &mut warnings);
    }
    if has_unsafe_text(&token.header) || token.claim_set().is_some_and(Claims::has_unsafe_text) {
        warnings.push(Warning::new(
            "control_characters",
            "header or claims contain control or bidirectional characters (shown escaped)",
        ));
    }
    Inspection {
        at: now,
        times,
        warnings,
    }
}

/// The NumericDate claims present in `claims`.
pub fn time_facts(claims: &Claims) -> Vec<TimeFact> {
    TIME_CLAIMS
        .iter()
        .filter_map(|&claim| {
            claims.get(claim).map(|raw| TimeFact {
                claim,
                value: time::numeric_date(&raw),
                raw,
            })
        })
        .collect()
}

fn alg_warnings(header: &Map<String, Value>, out: &mut Vec<Warning>) {
    match header.get("alg") {
        None => out.push(Warning::new("alg_missing", "header has no `alg`")),
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => out.push(Warning::new(
            "alg_none",
            "alg is `none`: the token is unsigned and must never be accepted",
        )),
        Some(Value::String(alg)) if !is_registered_jws_alg(alg) => out.push(Warning::new(
            "alg_unknown",
            format!("alg `{alg}` is not a registered JWS algorithm"),
        )),
        Some(Value::String(_)) => {}
        Some(other) => out.push(Warning::new(
            "alg_not_string",
            format!(
                "alg is {}, not a string",
                crate::token::json::type_name(other)
            ),
        )),
    }
}

fn member_warnings(header: &Map<String, Value>, out: &mut Vec<Warning>) {
    if header.contains_key("crit") {
        out.push(Warning::new(
            "crit",
            "header has `crit`: a verifier must reject the token unless it understands every \
             listed extension (jwtctl verify rejects it)",
        ));
    }
    if header.contains_key("b64") {
        out.push(Warning::new(
            "b64",
            "header has `b64` (RFC 7797 unencoded payload), which JWTs do not allow",
        ));
    }
    for member in EMBEDDED_KEY_MEMBERS {
        if header.contains_key(member) {
            out.push(Warning::new(
                "embedded_key",
                format!(
                    "header carries `{member}`: a key chosen by the token's author; jwtctl never \
                     fetches or trusts it"
                ),
            ));
        }
    }
}

fn time_warnings(claims: &Claims, times: &[TimeFact], now: i64, out: &mut Vec<Warning>) {
    if !claims.contains("exp") {
        out.push(Warning::new(
            "no_exp",
            "no `exp`: the token never expires; it dies only when the signing key changes",
        ));
    }
    for fact in times {
        let value = match &fact.value {
            Ok(v) => *v,
            Err(why) => {
                out.push(Warning::new(
                    "bad_numeric_date",
                    format!(
                        "`{}` {why}; verifiers reject or, worse, ignore it",
                        fact.claim
                    ),
                ));
                continue;
            }
        };
        let delta = value - now;
        match fact.claim {
            "exp" if delta <= 0 => out.push(Warning::new(
                "expired",
                format!("expired {} ago", time::span(delta)),
            )),
            "nbf" if delta > 0 => out.push(Warning::new(
                "nbf_future",
                format!(
                    "not valid before {} (in {})",
                    time::rfc3339(value),
                    time::span(delta)
                ),
            )),
            "iat" if delta > 0 => out.push(Warning::new(
                "iat_future",
                format!("issued {} in the future: clock skew?", time::span(delta)),
            )),
            _ => {}
        }
    }
}

/// Algorithms registered for JWS (RFC 7518 and RFC 8037), whether or not jwtctl verifies them.
pub fn is_registered_jws_alg(alg: &str) -> bool {
    matches!(
        alg,
        "HS256"
            | "HS384"
            | "HS512"
            | "RS256"
            | "RS384"
            | "RS512"
            | "ES256"
            | "ES384"
            | "ES512"
            | "PS256"
            | "PS384"
            | "PS512"
            | "EdDSA"
            | "ES256K"
            | "Ed25519"
            | "Ed448"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{ReadOptions, b64, parse};

    fn codes(header: &str, claims: &str, sig: &[u8], now: i64) -> Vec<&'static str> {
        let t = format!(
            "{}.{}.{}",
            b64::encode(header),
            b64::encode(claims),
            b64::encode(sig)
        );
        let token = parse(t.as_bytes(), &ReadOptions::default()).unwrap();
        inspect(&token, now)
            .warnings
            .iter()
            .map(|w| w.code)
            .collect()
    }

    #[test]
    fn each_warning_fires_alone() {
        let h = r#"{"alg":"HS256"}"#;
        let now = 1_000;
        let table: &[(&str, &str, &[u8], &str)] = &[
            (r#"{"alg":"none"}"#, r#"{"exp":2000}"#, b"s", "alg_none"),
            (r#"{"alg":"nOnE"}"#, r#"{"exp":2000}"#, b"s", "alg_none"),
            (r#"{"typ":"JWT"}"#, r#"{"exp":2000}"#, b"s", "alg_missing"),
            (r#"{"alg":"HS1"}"#, r#"{"exp":2000}"#, b"s", "alg_unknown"),
            (h, r#"{"exp":2000}"#, b"", "empty_signature"),
            (h, r#"{"sub":"a"}"#, b"s", "no_exp"),
            (h, r#"{"exp":999}"#, b"s", "expired"),
            (h, r#"{"exp":2000,"nbf":1001}"#, b"s", "nbf_future"),
            (h, r#"{"exp":2000,"iat":1041}"#, b"s", "iat_future"),
            (h, r#"{"exp":"2000"}"#, b"s", "bad_numeric_date"),
            (
                r#"{"alg":"HS256","crit":["x"]}"#,
                r#"{"exp":2000}"#,
                b"s",
                "crit",
            ),
            (
                r#"{"alg":"HS256","b64":false}"#,
                r#"{"exp":2000}"#,
                b"s",
                "b64",
            ),
            (
                r#"{"alg":"HS256","jku":"http://x"}"#,
                r#"{"exp":2000}"#,
                b"s",
                "embedded_key",
            ),
            (
                h,
                "{\"exp\":2000,\"sub\":\"\\u001b[2J\"}",
                b"s",
                "control_characters",
            ),
            (
                h,
                "{\"exp\":2000,\"sub\":\"a\u{202e}b\"}",
                b"s",
                "control_characters",
            ),
        ];
        for (header, claims, sig, code) in table {
            assert_eq!(
                codes(header, claims, sig, now),
                [*code],
                "{header} {claims}"
            );
        }
        assert!(codes(h, r#"{"exp":2000,"nbf":1000,"iat":1000}"#, b"s", now).is_empty());
    }
}
