//! What `decode` says about a token without verifying it: time facts and warnings.
//! Pure: the instant to judge against is a parameter.

use crate::finding::Finding;
use crate::time;
use crate::token::{Claims, Header, Payload, Token};
use serde_json::Value;

/// One NumericDate claim (`exp`, `nbf`, `iat`) as found in the token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeFact {
    /// `exp`, `nbf` or `iat`.
    pub(crate) claim: &'static str,
    /// The raw JSON value.
    pub(crate) raw: Value,
    /// The instant, or why the value is not a NumericDate.
    pub(crate) value: Result<i64, String>,
}

/// Everything `decode` reports beyond the raw header and claims.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inspection {
    /// The instant relative times were judged at.
    pub(crate) at: i64,
    /// NumericDate claims present in the token, in the order `iat`, `nbf`, `exp`.
    pub(crate) times: Vec<TimeFact>,
    /// Warnings, most important first.
    pub(crate) warnings: Vec<Finding>,
}

/// Header members that carry or point at keys: never fetched, never trusted.
pub(crate) const EMBEDDED_KEY_MEMBERS: [&str; 4] = ["jwk", "jku", "x5u", "x5c"];

/// The claims jwtctl treats as NumericDates.
pub(crate) const TIME_CLAIMS: [&str; 3] = ["iat", "nbf", "exp"];

/// Inspect a token at instant `now`.
pub(crate) fn inspect(token: &Token<'_>, now: i64) -> Inspection {
    let mut warnings = Vec::new();
    alg_warnings(&token.header, &mut warnings);
    if token.signature.is_empty() {
        warnings.push(Finding::EmptySignature);
    }
    member_warnings(&token.header, &mut warnings);
    let times = match &token.payload {
        Payload::Claims(claims) => time_facts(claims),
        Payload::Bytes(_) => {
            warnings.push(Finding::NotAJwt);
            Vec::new()
        }
    };
    if let Payload::Claims(claims) = &token.payload {
        time_warnings(claims, &times, now, &mut warnings);
    }
    if token.header.has_unsafe_text() || token.claim_set().is_some_and(Claims::has_unsafe_text) {
        warnings.push(Finding::ControlCharacters);
    }
    Inspection {
        at: now,
        times,
        warnings,
    }
}

/// The NumericDate claims present in `claims`.
pub(crate) fn time_facts(claims: &Claims) -> Vec<TimeFact> {
    let mut facts = Vec::with_capacity(TIME_CLAIMS.len());
    for claim in TIME_CLAIMS {
        if let Some(raw) = claims.get(claim) {
            let value = time::numeric_date(&raw);
            facts.push(TimeFact { claim, raw, value });
        }
    }
    facts
}

fn alg_warnings(header: &Header, out: &mut Vec<Finding>) {
    match header.get("alg") {
        None => out.push(Finding::AlgMissing),
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => {
            out.push(Finding::AlgNone { alg: alg.clone() })
        }
        Some(Value::String(alg)) if !is_registered_jws_alg(alg) => {
            out.push(Finding::AlgUnknown { alg: alg.clone() })
        }
        Some(Value::String(_)) => {}
        Some(other) => out.push(Finding::AlgNotString {
            type_name: crate::text::type_name(other),
        }),
    }
}

fn member_warnings(header: &Header, out: &mut Vec<Finding>) {
    if header.contains_key("crit") {
        out.push(Finding::Crit);
    }
    if header.contains_key("b64") {
        out.push(Finding::B64);
    }
    for member in EMBEDDED_KEY_MEMBERS {
        if header.contains_key(member) {
            out.push(Finding::EmbeddedKey { member });
        }
    }
}

fn time_warnings(claims: &Claims, times: &[TimeFact], now: i64, out: &mut Vec<Finding>) {
    if !claims.contains("exp") {
        out.push(Finding::NoExp);
    }
    for fact in times {
        let value = match &fact.value {
            Ok(v) => *v,
            Err(why) => {
                out.push(Finding::BadNumericDate {
                    claim: fact.claim,
                    why: why.clone(),
                });
                continue;
            }
        };
        let delta = value - now;
        match fact.claim {
            "exp" if delta <= 0 => out.push(Finding::Expired {
                exp: value,
                at: now,
            }),
            "nbf" if delta > 0 => out.push(Finding::NotYetValid {
                nbf: value,
                at: now,
            }),
            "iat" if delta > 0 => out.push(Finding::IssuedInFuture {
                iat: value,
                at: now,
            }),
            _ => {}
        }
    }
}

/// Algorithms registered for JWS (RFC 7518 and RFC 8037), whether or not jwtctl verifies them.
pub(crate) fn is_registered_jws_alg(alg: &str) -> bool {
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
            .map(Finding::code)
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
