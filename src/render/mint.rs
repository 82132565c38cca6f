//! Rendering `mint` results: the token line, the JSON Lines schema, the confirmation summary.

use super::indent;
use super::style::{Role, Style};
use crate::text::{escape, to_json_line, to_json_pretty};
use crate::time;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The JSON object for one minted token (schema: `kind: "minted"`), up to its audit record's
/// sequence number, which is known only once the record is appended. The whole line is
/// `{"kind":"minted","line":…,"token":…,"header":…,"claims":…,"exp":…,"audit_seq":…,
/// "audit_head":…,"source_verified":…}`: [`json_start`] writes it up to `"audit_seq":` (a batch does that on
/// the thread that minted the token), [`json_finish`] the rest.
#[derive(Debug, Serialize)]
pub(crate) struct MintedJson<'a> {
    /// Always `"minted"`.
    pub(crate) kind: &'static str,
    /// 1-based input line (1 for a token given as an argument or no old token).
    pub(crate) line: u64,
    /// The new compact token.
    pub(crate) token: &'a str,
    /// Its header.
    pub(crate) header: &'a Map<String, Value>,
    /// Its claims.
    pub(crate) claims: &'a Map<String, Value>,
    /// Its `exp`, or null for a token that never expires.
    pub(crate) exp: Option<i64>,
}

/// The start of one JSON line for a minted token, up to and including `"audit_seq":`.
pub(crate) fn json_start(view: &MintedJson<'_>, out: &mut Vec<u8>) {
    let start = out.len();
    to_json_line(view, out);
    // A serialized struct is an object: its last byte is the closing brace, reopened here.
    debug_assert_eq!(out.last(), Some(&b'}'));
    if out.len() > start {
        out.pop();
    }
    out.extend_from_slice(b",\"audit_seq\":");
}

/// The rest of the line [`json_start`] began: the audit sequence number (the sequence number
/// of its audit record), the record's checkpoint `SEQ:HASH` (`audit_head`), and whether the old token's signature was verified (false without an
/// old token).
pub(crate) fn json_finish(
    audit_seq: u64,
    audit_hash: &str,
    source_verified: bool,
    out: &mut Vec<u8>,
) {
    let mut buffer = itoa::Buffer::new();
    let seq = buffer.format(audit_seq).as_bytes();
    out.extend_from_slice(seq);
    // The record's checkpoint, SEQ:HASH (a checked digest: nothing to escape).
    out.extend_from_slice(b",\"audit_head\":\"");
    out.extend_from_slice(seq);
    out.push(b':');
    out.extend_from_slice(audit_hash.as_bytes());
    out.push(b'"');
    out.extend_from_slice(if source_verified {
        b",\"source_verified\":true}\n"
    } else {
        b",\"source_verified\":false}\n"
    });
}

/// What the operator is asked to confirm.
#[derive(Debug)]
pub(crate) struct Summary<'a> {
    /// The old token's claims, when minting from one.
    pub(crate) old_claims: Option<&'a Map<String, Value>>,
    /// The old token's first characters.
    pub(crate) old_prefix: Option<&'a str>,
    /// How the old token's signature fared: `Ok(key label)` or `Err(why not)`.
    pub(crate) verified: Result<&'a str, &'a str>,
    /// The new header.
    pub(crate) header: &'a Map<String, Value>,
    /// The new claims.
    pub(crate) claims: &'a Map<String, Value>,
    /// The id claim and the user id.
    pub(crate) id: (&'a str, &'a Value),
    /// The signing algorithm.
    pub(crate) alg: &'a str,
    /// The signing key's label.
    pub(crate) key_label: &'a str,
    /// The signing key's fingerprint.
    pub(crate) key_fingerprint: &'a str,
    /// The new `exp`.
    pub(crate) exp: Option<i64>,
    /// The moment of minting.
    pub(crate) now: i64,
    /// Where the audit record goes.
    pub(crate) audit_log: &'a str,
}

/// The summary shown before the confirmation prompt (stderr).
pub(crate) fn summary(s: &Summary<'_>, style: &Style) -> String {
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
    fn json_in_two_parts_is_the_whole_object() {
        let header: Map<String, Value> =
            serde_json::from_str(r#"{"alg":"HS256","kid":"k\u001b[31m"}"#).unwrap();
        let claims: Map<String, Value> =
            serde_json::from_str(r#"{"sub":"u\u202e1","iat":1,"exp":2}"#).unwrap();
        for (exp, seq, verified) in [(Some(2), 7, true), (None, u64::MAX, false)] {
            let mut out = Vec::new();
            json_start(
                &MintedJson {
                    kind: "minted",
                    line: 3,
                    token: "a.b.c",
                    header: &header,
                    claims: &claims,
                    exp,
                },
                &mut out,
            );
            let hash = format!("sha256:{}", "ab".repeat(32));
            json_finish(seq, &hash, verified, &mut out);
            let mut whole = Vec::new();
            to_json_line(
                &serde_json::json!({
                    "kind": "minted",
                    "line": 3,
                    "token": "a.b.c",
                    "header": header,
                    "claims": claims,
                    "exp": exp,
                    "audit_seq": seq,
                    "audit_head": format!("{seq}:{hash}"),
                    "source_verified": verified,
                }),
                &mut whole,
            );
            whole.push(b'\n');
            assert_eq!(String::from_utf8(out), String::from_utf8(whole));
        }
    }

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
