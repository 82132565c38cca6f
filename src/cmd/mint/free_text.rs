//! Free text stays clean: a `--reason` or `--claim` value that holds a token or a secret is
//! refused before anything is minted, so it never reaches the audit log (or the new token).

use crate::error::Failure;
use serde_json::Value;

/// Secrets shorter than this are not searched for: too likely to match by chance, and weak
/// enough to be flagged anyway.
const MIN_SECRET_LEN: usize = 6;

/// Refuses `text` (named `what` in the message, which never quotes it) when it holds a
/// JWT-shaped string or one of `secrets`.
pub(super) fn check(what: &str, text: &str, secrets: &[&[u8]]) -> Result<(), Failure> {
    let found = if holds_jwt(text) {
        "a JWT-shaped string"
    } else if secrets
        .iter()
        .any(|s| s.len() >= MIN_SECRET_LEN && contains(text.as_bytes(), s))
    {
        "a secret given to this run"
    } else {
        return Ok(());
    };
    Err(Failure::usage(format!(
        "{what} holds {found}; refusing to mint (nothing recorded)"
    ))
    .hint(
        "audit records are kept for years and read by many: describe the token or \
                   secret (its fingerprint, its jti) instead of pasting it",
    ))
}

/// [`check`] for every string inside a claim value (keys too).
pub(super) fn check_value(what: &str, value: &Value, secrets: &[&[u8]]) -> Result<(), Failure> {
    match value {
        Value::String(s) => check(what, s, secrets),
        Value::Array(items) => items.iter().try_for_each(|v| check_value(what, v, secrets)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check(what, k, secrets)?;
            check_value(what, v, secrets)
        }),
        _ => Ok(()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Whether `text` holds `eyJ…` (a base64url JSON object) `.` payload `.` signature (possibly
/// empty, as for `alg: none`).
fn holds_jwt(text: &str) -> bool {
    let bytes = text.as_bytes();
    let run = |from: usize| bytes[from..].iter().take_while(|&&b| is_b64url(b)).count();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"eyJ").map(|i| i + from) {
        from = at + 1;
        if at > 0 && is_b64url(bytes[at - 1]) {
            continue;
        }
        let header = run(at);
        let dot = at + header;
        if header < 10 || bytes.get(dot) != Some(&b'.') {
            continue;
        }
        let payload = run(dot + 1);
        if payload >= 2 && bytes.get(dot + 1 + payload) == Some(&b'.') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";

    #[test]
    fn tokens_and_secrets_are_found_anywhere() {
        for text in [
            TOKEN.to_string(),
            format!("rotated, old one was {TOKEN} see ticket"),
            format!("Bearer {TOKEN}"),
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.".to_string(),
        ] {
            let err = check("--reason", &text, &[]).unwrap_err();
            assert_eq!(err.exit, crate::exit::Exit::Usage);
            assert!(!err.to_string().contains("eyJ"), "{err}");
        }
        let secret = b"hunter2-is-long";
        assert!(check("--reason", "leaked hunter2-is-long oops", &[secret]).is_err());
        assert!(check("--reason", "secret rotated after leak", &[secret]).is_ok());
        assert!(check("--reason", "eyJ is how JSON starts. see a.b.c", &[]).is_ok());
        assert!(
            check("--reason", "x", &[b"x"]).is_ok(),
            "too short to search for"
        );
        let value = serde_json::json!({"nested": ["ok", TOKEN]});
        assert!(check_value("--claim act", &value, &[]).is_err());
        assert!(check_value("--claim n", &serde_json::json!(42), &[secret]).is_ok());
    }
}
