//! Rendering `mint` results: the token line, the JSON Lines schema, the confirmation summary.

use super::indent;
use super::sanitize::{escape, to_json_line, to_json_pretty};
use super::style::{Role, Style};
use crate::exit::Exit;
use crate::time;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The JSON object for one minted token (schema: `kind: "minted"`).
#[derive(Debug, Serialize)]
pub struct MintedJson<'a> {
    /// Always `"minted"`.
    pub kind: &'static str,
    /// 1-based input line (1 for a token given as an argument or no old token).
    pub line: u64,
    /// The new compact token.
    pub token: &'a str,
    /// Its header.
    pub header: &'a Map<String, Value>,
    /// Its claims.
    pub claims: &'a Map<String, Value>,
    /// Its `exp`, or null for a token that never expires.
    pub exp: Option<i64>,
    /// The sequence number of its audit record.
    pub audit_seq: u64,
    /// Whether the old token's signature was verified (false without an old token).
    pub source_verified: bool,
}

/// One JSON line for a minted token.
pub fn json(view: &MintedJson<'_>, out: &mut Vec<u8>) {
    to_json_line(view, out);
    out.push(b'\n');
}

/// The JSON object for a line that could not be minted: the same shape as `decode`'s
/// (`kind: "error"`).
pub fn error_json(
    line: u64,
    exit: Exit,
    code: &str,
    segment: &str,
    message: &str,
    out: &mut Vec<u8>,
) {
    let view = serde_json::json!({
        "kind": "error",
        "line": line,
        "exit_code": exit.code(),
        "error": {
            "class": exit.name(),
            "code": code,
            "segment": segment,
            "message": message,
        }
    });
    to_json_line(&view, out);
    out.push(b'\n');
}

/// What the operator is asked to confirm.
#[derive(Debug)]
pub struct Summary<'a> {
    /// The old token's claims, when minting from one.
    pub old_claims: Option<&'a Map<String, Value>>,
    /// The old token's first characters.
    pub old_prefix: Option<&'a str>,
    /// How the old token's signature fared: `Ok(key label)` or `Err(why not)`.
    pub verified: Result<&'a str, &'a str>,
    /// The new header.
    pub header: &'a Map<String, Value>,
    /// The new claims.
    pub claims: &'a Map<String, Value>,
    /// The id claim and the user id.
    pub id: (&'a str, &'a Value),
    /// The signing algorithm.
    pub alg: &'a str,
    /// The signing key's label.
    pub key_label: &'a str,
    /// The signing key's fingerprint.
    pub key_fingerprint: &'a str,
    /// The new `exp`.
    pub exp: Option<i64>,
    /// The moment of minting.
    pub now: i64,
    /// Where the audit record goes.
    pub audit_log: &'a str,
}

/// The summary shown before the confirmation prompt (stderr).
pub fn summary(s: &Summary<'_>, style: &Style) -> String {
    let mut out = String::new();
    let name = |text: &str| style.paint(Role::Name, &format!("{text:<9}"));
    let _ = writeln!(
        out,
        "{}",
        style.paint(Role::Heading, "About to mint a token")
    );
    if let Some(prefix) = s.old_prefix {
        let trust = match s.verified {
            Ok(label) => style.paint(
                Role::Good,
                &format!("signature verified with `{}`", escape(label)),
            ),
            Err(why) => style.paint(
                Role::Warn,
                &format!("signature NOT verified ({})", escape(why)),
            ),
        };
        let _ = writeln!(out, "  {} {}… {trust}", name("from"), escape(prefix));
    }
    let _ = writeln!(
        out,
        "  {} {} = {}",
        name("user id"),
        escape(s.id.0),
        escape(&s.id.1.to_string())
    );
    let _ = writeln!(
        out,
        "  {} {} with `{}` {}",
        name("signing"),
        s.alg,
        escape(s.key_label),
        style.paint(Role::Dim, s.key_fingerprint)
    );
    let expires = match s.exp {
        Some(exp) => format!(
            "{exp}  {}  (in {})",
            time::rfc3339(exp),
            time::span(exp - s.now)
        ),
        None => style.paint(
            Role::Warn,
            "never: the token dies only when the signing key rotates",
        ),
    };
    let _ = writeln!(out, "  {} {expires}", name("expires"));
    let _ = writeln!(out, "  {} {}", name("audit log"), escape(s.audit_log));
    if let Some(old) = s.old_claims {
        let _ = writeln!(out, "{}", style.paint(Role::Heading, "Old claims"));
        let _ = writeln!(out, "{}", indent(&to_json_pretty(old)));
    }
    let _ = writeln!(out, "{}", style.paint(Role::Heading, "New header"));
    let _ = writeln!(out, "{}", indent(&to_json_pretty(s.header)));
    let _ = writeln!(out, "{}", style.paint(Role::Heading, "New claims"));
    let _ = writeln!(out, "{}", indent(&to_json_pretty(s.claims)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summary_escapes_attacker_text() {
        let Value::Object(old) = json!({"sub": "evil\u{1b}[2J"}) else {
            unreachable!()
        };
        let Value::Object(header) = json!({"alg": "HS256"}) else {
            unreachable!()
        };
        let user = json!("evil\u{1b}[2J");
        let text = summary(
            &Summary {
                old_claims: Some(&old),
                old_prefix: Some("eyJhbGci"),
                verified: Err("no --verify-with key"),
                header: &header,
                claims: &old,
                id: ("sub", &user),
                alg: "HS256",
                key_label: "env:\u{202e}K",
                key_fingerprint: "sha256:00",
                exp: None,
                now: 0,
                audit_log: "/tmp/a\nb",
            },
            &Style::plain(),
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("never: the token dies only when the signing key rotates"));
        assert!(text.contains("signature NOT verified"));
        assert!(text.contains("/tmp/a\\u{a}b"), "{text}");
    }
}
