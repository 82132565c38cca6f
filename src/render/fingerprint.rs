//! Rendering `fingerprint` reports: human text and the JSON Lines schema.
//!
//! JSON, one object per key (`kind: "fingerprint"`); `?` marks members that may be absent:
//!
//! ```text
//! { "kind": "fingerprint",
//!   "label": "env:JWT_SECRET", "source": "env JWT_SECRET",
//!   "family": "hmac" | "rsa" | "ec" | "okp",
//!   "fingerprint"?: "sha256:<64 hex>", "short"?: "<8 hex>",   absent when withheld
//!   "thumbprint"?: "<43 base64url>",                          RFC 7638, asymmetric keys
//!   "kid"?: "...",
//!   "bytes"?: 32,                                             HMAC secrets: length as used
//!   "salted"?: "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>",  --salted (replaces a
//!                                                             secret's digests)
//!   "weak"?: { "reason": "...", "placeholder": false, "guessable": true,
//!              "guesses_log10"?: 5, "too_short_for": ["HS384", "HS512"] },
//!   "trailing_newline"?: { "ending": "lf" | "crlf" | "whitespace", "bytes": 1,
//!                          "fingerprint_without"?: "sha256:<64 hex>" },
//!   "expect"?: { "expected": "...", "matched": true,
//!                "matched_without_trailing_newline"?: false } }
//! ```
//!
//! Digests (`fingerprint`, `short`, `thumbprint`, `fingerprint_without`) are withheld when an
//! expected fingerprint was given, unless `--show-actual`.

use super::style::{Role, Style};
use crate::error::Failure;
use crate::fingerprint::{
    Digests, Ending, Expected, FingerprintError, KeyReport, LooksLike, MAX_M_COST, MAX_P_COST,
    MAX_T_COST, Notation, Report, SaltedError, Trailing,
};
use crate::keys::digest::short;
use crate::keys::{Family, Strength, hmac_output_len};
use crate::text::{escape, to_json_line};
use serde::Serialize;
use std::fmt::Write as _;

/// Stable machine name of a key family (the JWK `kty` for asymmetric keys).
pub(crate) const fn family_name(family: Family) -> &'static str {
    match family {
        Family::Hmac => "hmac",
        Family::Rsa => "rsa",
        Family::Ec => "ec",
        Family::Ed => "okp",
    }
}

/// The JSON object for one key.
#[derive(Serialize)]
struct KeyJson<'a> {
    kind: &'static str,
    label: &'a str,
    source: &'a str,
    family: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    short: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salted: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weak: Option<WeakJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trailing_newline: Option<TrailingJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect: Option<ExpectJson>,
}

#[derive(Serialize)]
struct WeakJson {
    reason: String,
    placeholder: bool,
    guessable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    guesses_log10: Option<u8>,
    too_short_for: Vec<String>,
}

#[derive(Serialize)]
struct TrailingJson<'a> {
    ending: &'static str,
    bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint_without: Option<&'a str>,
}

#[derive(Serialize)]
struct ExpectJson {
    expected: String,
    matched: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    matched_without_trailing_newline: Option<bool>,
}

/// One JSON line per key.
pub(crate) fn json(report: &Report, out: &mut Vec<u8>) {
    let expected = report.expected.as_ref().map(|e| e.shown());
    for key in &report.keys {
        let digests = key.digests.as_ref();
        let view = KeyJson {
            kind: "fingerprint",
            label: &key.label,
            source: &key.source,
            family: family_name(key.family),
            fingerprint: digests.map(|d| d.fingerprint.as_str()),
            short: digests.map(|d| short(&d.fingerprint)),
            thumbprint: digests.and_then(|d| d.thumbprint.as_deref()),
            salted: key.salted.as_deref(),
            kid: key.kid.as_deref(),
            bytes: key.strength.as_ref().map(|s| s.bytes),
            weak: key.strength.as_ref().and_then(|s| {
                Some(WeakJson {
                    reason: weakness(s)?,
                    placeholder: s.placeholder,
                    guessable: s.guessable,
                    guesses_log10: s.guesses_log10,
                    too_short_for: s.too_short_for.iter().map(|a| format!("{a:?}")).collect(),
                })
            }),
            trailing_newline: key.trailing.map(|t| TrailingJson {
                ending: t.ending.name(),
                bytes: t.bytes,
                fingerprint_without: digests.and_then(|d| d.without_trailing.as_deref()),
            }),
            expect: key.expect.map(|m| ExpectJson {
                expected: expected.clone().unwrap_or_default(),
                matched: m.matched,
                matched_without_trailing_newline: m.matched_without_trailing,
            }),
        };
        to_json_line(&view, out);
        out.push(b'\n');
    }
}

/// The human report: a block per key, a blank line between blocks.
pub(crate) fn human(report: &Report, style: &Style) -> String {
    let blocks: Vec<String> = report
        .keys
        .iter()
        .map(|key| key_block(key, report.expected.as_ref(), style))
        .collect();
    blocks.join("\n")
}

fn key_block(key: &KeyReport, expected: Option<&Expected>, style: &Style) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(
            out,
            "  {} {value}",
            style.paint(Role::Dim, &format!("{name:<12}"))
        );
    };
    let _ = writeln!(
        out,
        "{}  {}",
        style.paint(Role::Name, &escape(&key.label)),
        style.paint(
            Role::Dim,
            &format!("{} from {}", kind(key), escape(&key.source))
        )
    );
    if let Some(kid) = &key.kid {
        row(&mut out, "kid", &escape(kid));
    }
    match &key.digests {
        Some(Digests {
            fingerprint,
            thumbprint,
            ..
        }) => {
            row(&mut out, "fingerprint", fingerprint);
            row(&mut out, "short", short(fingerprint));
            if let Some(thumbprint) = thumbprint {
                row(
                    &mut out,
                    "thumbprint",
                    &format!("{thumbprint} {}", style.paint(Role::Dim, "(RFC 7638)")),
                );
            }
        }
        None if key.salted.is_some() => row(
            &mut out,
            "fingerprint",
            &style.paint(
                Role::Dim,
                "withheld: the salted value below cannot be used to test guesses",
            ),
        ),
        None => row(
            &mut out,
            "fingerprint",
            &style.paint(
                Role::Dim,
                "withheld while comparing (--show-actual prints it)",
            ),
        ),
    }
    if let Some(salted) = &key.salted {
        row(
            &mut out,
            "salted",
            &format!(
                "{salted} {}",
                style.paint(Role::Dim, "(argon2id; check with --expect)")
            ),
        );
    }
    if let Some(strength) = &key.strength {
        row(&mut out, "length", &format!("{} bytes", strength.bytes));
        row(&mut out, "strength", &strength_text(strength, style));
    }
    if let Some(trailing) = &key.trailing {
        row(
            &mut out,
            "trailing",
            &format!(
                "{} the secret ends with {}, which is part of it and of its fingerprint; a \
                 service that strips it signs with a different key",
                style.paint(Role::Warn, "warning:"),
                describe(*trailing)
            ),
        );
        if let Some(without) = key
            .digests
            .as_ref()
            .and_then(|d| d.without_trailing.as_ref())
        {
            row(
                &mut out,
                "without it",
                &format!(
                    "{without} {}",
                    style.paint(Role::Dim, &format!("(short {})", short(without)))
                ),
            );
        }
    }
    if let Some(reason) = &key.unusable {
        row(&mut out, "note", &escape(reason));
    }
    if let (Some(m), Some(expected)) = (key.expect, expected) {
        let form = match expected.notation() {
            Notation::Short => " (short form)",
            Notation::Thumbprint => " (RFC 7638 thumbprint)",
            Notation::Salted => " (salted argon2id)",
            Notation::Full => "",
        };
        row(&mut out, "expected", &format!("{}{form}", expected.shown()));
        let verdict = if m.matched {
            style.paint(Role::Good, "match")
        } else if let (Some(true), Some(trailing)) = (m.matched_without_trailing, key.trailing) {
            format!(
                "{}: WITHOUT {} at its end the secret has the expected fingerprint: one side \
                 keeps it, the other strips it",
                style.paint(Role::Bad, "MISMATCH"),
                describe(trailing)
            )
        } else {
            format!(
                "{}: not the expected key",
                style.paint(Role::Bad, "MISMATCH")
            )
        };
        row(&mut out, "result", &verdict);
    }
    out
}

fn kind(key: &KeyReport) -> String {
    match (key.family, key.private) {
        (Family::Hmac, _) => "HMAC secret".into(),
        (family, true) => format!(
            "{} (private; fingerprint of its public half)",
            family.name()
        ),
        (family, false) => format!("{} (public)", family.name()),
    }
}

fn strength_text(strength: &Strength, style: &Style) -> String {
    let names = |algs: &[jsonwebtoken::Algorithm]| {
        join_and(&algs.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>())
    };
    match weakness(strength) {
        None => format!(
            "{} for {}",
            style.paint(Role::Good, "ok"),
            names(&strength.long_enough_for)
        ),
        Some(reason) if !strength.placeholder && !strength.long_enough_for.is_empty() => format!(
            "{} {reason}; long enough for {}",
            style.paint(Role::Warn, "weak:"),
            names(&strength.long_enough_for)
        ),
        Some(reason) => format!("{} {reason}", style.paint(Role::Bad, "weak:")),
    }
}

/// Why a secret is weak, in plain words (never quoting the secret), if it is.
pub(crate) fn weakness(strength: &Strength) -> Option<String> {
    let mut parts = Vec::new();
    if strength.placeholder {
        parts.push("it is a well-known placeholder secret that anyone can guess".to_owned());
    } else if strength.guessable {
        parts.push(format!(
            "it is guessable (a password cracker needs about 10^{} guesses, by the zxcvbn \
             estimate)",
            strength.guesses_log10.unwrap_or(0)
        ));
    }
    if strength.guessable {
        parts.push(
            "its fingerprint is a plain SHA-256, so anyone who sees it can confirm a guess \
             offline (`fingerprint --salted` gives a check value that resists this)"
                .to_owned(),
        );
    }
    if !strength.too_short_for.is_empty() {
        let hashes: Vec<String> = strength
            .too_short_for
            .iter()
            .map(|a| format!("{a:?} ({} bytes)", hmac_output_len(*a).unwrap_or(0)))
            .collect();
        parts.push(format!(
            "{} bytes is shorter than the hash output of {} (RFC 7518 §3.2)",
            strength.bytes,
            join_and(&hashes)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "a newline (LF)", "a Windows line ending (CRLF)", "3 bytes of whitespace".
fn describe(trailing: Trailing) -> String {
    match trailing.ending {
        Ending::Lf => "a newline (LF)".into(),
        Ending::Crlf => "a Windows line ending (CRLF)".into(),
        Ending::Whitespace => format!("{} bytes of whitespace", trailing.bytes),
    }
}

/// A fingerprint error as the failure a run ends with: its message and hints.
pub(crate) fn failure(error: &FingerprintError) -> Failure {
    let failure = Failure::new(error.exit(), message(error));
    match error {
        FingerprintError::BadDigest { spaced, .. } => {
            expect_hint(failure).hint(spaced_hint(*spaced))
        }
        FingerprintError::NotAFingerprint { looks_like, .. } => {
            expect_hint(failure).hint(match looks_like {
                LooksLike::BareDigest => {
                    "a SHA-256 digest needs its `sha256:` prefix: --expect sha256:<64 hex>"
                }
                LooksLike::ShortForm => "for the 8-digit short form use --expect-short",
                LooksLike::OtherAlgorithm => {
                    "only SHA-256 fingerprints are supported, written `sha256:<64 hex>`"
                }
                LooksLike::Nothing { spaced } => spaced_hint(*spaced),
            })
        }
        FingerprintError::BadShort { full, spaced, .. } => expect_hint(failure).hint(if *full {
            "a full `sha256:` fingerprint goes to --expect"
        } else {
            spaced_hint(*spaced)
        }),
        FingerprintError::NoKeys => failure
            .hint("name one: --secret-env NAME, --secret-file PATH, --secret-stdin or --key PATH")
            .hint("or set JWT_SECRET, which is used when no key option is given"),
        FingerprintError::NoKid { present, .. } => failure.hint(if present.is_empty() {
            "none of the given keys has a kid".to_string()
        } else {
            format!("kids present: {}", quoted(present))
        }),
        FingerprintError::SeveralKeys { .. } => failure
            .hint("pick one with --kid KID, or give only the key to check")
            .hint("or pass --any to accept a match with any of them"),
        FingerprintError::ThumbprintForHmac { .. } => {
            failure.hint("an HMAC secret's fingerprint is written `sha256:` and 64 hex digits")
        }
        FingerprintError::BadSalted(_) => expect_hint(failure),
        FingerprintError::NoUsableFingerprint { .. } => failure,
    }
}

fn message(error: &FingerprintError) -> String {
    match error {
        FingerprintError::BadDigest { chars, hex, .. } => format!(
            "--expect: `sha256:` must be followed by exactly 64 hex digits; got {chars} \
             characters{}",
            if *hex { "" } else { ", not all hex digits" }
        ),
        FingerprintError::NotAFingerprint { chars, .. } => format!(
            "--expect: not a fingerprint ({chars} characters); use `sha256:` followed by 64 hex \
             digits, or a key's 43-character RFC 7638 thumbprint"
        ),
        FingerprintError::BadShort { chars, .. } => format!(
            "--expect-short: expected exactly 8 hex digits, the short form jwtctl prints; got \
             {chars} characters"
        ),
        FingerprintError::NoKeys => "no key or secret to fingerprint".into(),
        FingerprintError::NoKid { kid, .. } => format!("no key with kid `{kid}` in the key ring"),
        FingerprintError::SeveralKeys { labels } => format!(
            "an expected fingerprint is compared with one key, but {} keys are given: {}",
            labels.len(),
            quoted(labels)
        ),
        FingerprintError::ThumbprintForHmac { label } => format!(
            "--expect: an RFC 7638 thumbprint names an asymmetric key, but `{label}` is an HMAC \
             secret"
        ),
        FingerprintError::NoUsableFingerprint { label } => {
            format!("key `{label}` has no usable fingerprint")
        }
        FingerprintError::BadSalted(SaltedError::Malformed) => "--expect: not a salted value \
            jwtctl checks; `fingerprint --salted` prints `$argon2id$v=19$m=..,t=..,p=..$SALT$HASH`"
            .into(),
        FingerprintError::BadSalted(SaltedError::TooCostly) => format!(
            "--expect: the salted value asks for more than {} MiB, {} passes or {} lanes",
            MAX_M_COST / 1024,
            MAX_T_COST,
            MAX_P_COST
        ),
    }
}

/// The first hint of every error about an expected value.
fn expect_hint(failure: Failure) -> Failure {
    failure.hint(
        "take the expected value from `jwtctl fingerprint` run with the known-good key \
         (the value is not repeated here in case it is a secret)",
    )
}

fn spaced_hint(spaced: bool) -> &'static str {
    if spaced {
        "remove the surrounding whitespace or newline"
    } else {
        "check that the whole value was copied"
    }
}

/// Each item in backquotes, joined by commas.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::Algorithm;

    #[test]
    fn weak_secrets_in_words() {
        let placeholder = Strength::of(b"changeme", Family::Hmac.algorithms());
        let reason = weakness(&placeholder).unwrap();
        assert!(reason.contains("placeholder"), "{reason}");
        assert!(
            !reason.contains("changeme"),
            "never quotes the secret: {reason}"
        );
        let short = Strength::of(&[7; 20], Family::Hmac.algorithms());
        assert_eq!(
            weakness(&short).unwrap(),
            "20 bytes is shorter than the hash output of HS256 (32 bytes), HS384 (48 bytes) \
             and HS512 (64 bytes) (RFC 7518 §3.2)"
        );
        assert_eq!(weakness(&Strength::of(&[7; 32], &[Algorithm::HS256])), None);
    }
}
