//! Rendering `verify` reports: human text (a line per check, the verdict, the diagnosis, the
//! next step) and the JSON Lines schema (`kind: "verified"`).
//!
//! Every reason may quote the token (kid, iss, aud, typ, alg): human text goes through
//! [`escape`], JSON through [`to_json_line`]. Keys appear by label and short fingerprint only.

use super::decode::relative_phrase;
use super::sanitize::{escape, to_json_line};
use super::style::{Role, Style};
use crate::keys::Key;
use crate::time::{rfc3339, span};
use crate::token::json::type_name;
use crate::verify::{CheckName, KeyOutcome, Reason, Report, Status, Trial, Verdict};
use serde::Serialize;
use std::fmt::Write as _;

/// Human view of one report. `at` is the instant the times were judged at.
pub fn human(report: &Report<'_>, at: i64, style: &Style, out: &mut Vec<u8>) {
    let mut text = String::with_capacity(1024);
    let _ = writeln!(
        text,
        "{} {}",
        style.paint(Role::Heading, "Checks"),
        style.paint(Role::Dim, &format!("(at {})", rfc3339(at)))
    );
    for check in &report.checks {
        let (role, word) = match check.status {
            Status::Pass => (Role::Good, "pass"),
            Status::Fail => (Role::Bad, "FAIL"),
            Status::Skip => (Role::Dim, "skip"),
        };
        let _ = writeln!(
            text,
            "  {}  {}  {}",
            style.paint(role, word),
            style.paint(Role::Name, &format!("{:<9}", check.name.name())),
            escape(&reason(check.name, &check.reason, at))
        );
    }
    let role = match report.verdict {
        Verdict::Valid => Role::Good,
        _ => Role::Bad,
    };
    let _ = writeln!(
        text,
        "{} {}: {}",
        style.paint(Role::Heading, "Verdict:"),
        style.paint(role, verdict_word(report.verdict)),
        escape(&verdict_text(report))
    );
    if !report.diagnosis.is_empty() {
        let _ = writeln!(text, "{}", style.paint(Role::Heading, "Diagnosis"));
        for finding in &report.diagnosis {
            let _ = writeln!(
                text,
                "  {} {}",
                style.paint(Role::Warn, "-"),
                escape(&finding.message)
            );
        }
    }
    if let Some(step) = &report.next_step {
        let _ = writeln!(
            text,
            "{} {}",
            style.paint(Role::Heading, "Next step:"),
            escape(step)
        );
    }
    out.extend_from_slice(text.as_bytes());
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "VALID",
        Verdict::Rejected => "REJECTED",
        Verdict::Mismatch => "MISMATCH",
        Verdict::ClaimsRejected => "CLAIMS REJECTED",
        Verdict::KeyUnusable => "KEY UNUSABLE",
    }
}

/// One sentence for the verdict line (after its word).
pub fn verdict_text(report: &Report<'_>) -> String {
    let exit = report.verdict.exit().code();
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name.name())
        .collect();
    match (report.verdict, report.matched_key) {
        (Verdict::Valid, Some(key)) => format!(
            "signed by `{}` ({}); every check passed (exit {exit})",
            key.label,
            short(key)
        ),
        (Verdict::ClaimsRejected, Some(key)) => format!(
            "the signature matches `{}` ({}), but {} failed (exit {exit})",
            key.label,
            short(key),
            failed.join(", ")
        ),
        (Verdict::Mismatch, Some(key)) => format!(
            "the signature matches `{}` ({}), but the token's kid names no given key (exit {exit})",
            key.label,
            short(key)
        ),
        (Verdict::Mismatch, None) => {
            format!("the signature matches no given key (exit {exit})")
        }
        (Verdict::KeyUnusable, _) => {
            format!(
                "the algorithm or the key cannot be used, so the signature was not judged (exit {exit})"
            )
        }
        (Verdict::Rejected, _) => {
            format!("the token uses a header feature every verifier must refuse (exit {exit})")
        }
        (_, None) => format!("{} failed (exit {exit})", failed.join(", ")),
    }
}

fn short(key: &Key) -> String {
    format!("sha256:{}", key.short_fingerprint())
}

fn quoted_list<'s>(items: impl IntoIterator<Item = &'s str>, sep: &str) -> String {
    let list: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(sep)
    }
}

fn trial_text(trial: &Trial<'_>) -> String {
    let what = match &trial.outcome {
        KeyOutcome::NoMatch => "no match".to_string(),
        KeyOutcome::AlgNotAllowed => {
            let algs: Vec<String> = trial
                .key
                .algorithms
                .iter()
                .map(|a| format!("{a:?}"))
                .collect();
            if algs.is_empty() {
                "not tried (unusable key)".to_string()
            } else {
                format!("not tried (pinned to {})", algs.join("/"))
            }
        }
        KeyOutcome::KidDiffers => "not tried (other kid)".to_string(),
        KeyOutcome::Unusable(why) => format!("unusable: {why}"),
    };
    format!("`{}` ({}) {what}", trial.key.label, short(trial.key))
}

/// A check's reason in words.
pub fn reason(name: CheckName, reason: &Reason<'_>, at: i64) -> String {
    let claim = name.name();
    match reason {
        Reason::Compact => "compact JWS: header and claims are JSON objects".into(),
        Reason::PlainJws => {
            "compact JWS whose payload is not a claim set (claim checks do not apply)".into()
        }
        Reason::Crit(value) => format!(
            "header has `crit` {value}: RFC 7515 §4.1.11 requires rejecting it, and jwtctl \
             understands no extensions"
        ),
        Reason::B64 => {
            "header has `b64`: RFC 7797 unencoded payloads are not allowed in JWTs".into()
        }
        Reason::AlgMissing => "header has no `alg`".into(),
        Reason::AlgNotString(value) => {
            format!("header `alg` is {}, not a string", type_name(value))
        }
        Reason::AlgAllowed(alg) => format!("{alg:?}, pinned by the keys"),
        Reason::AlgNone(alg) => format!("alg `{alg}`: unsigned tokens are never accepted"),
        Reason::AlgUnsupported(alg) => {
            format!("{alg} is not supported by jwtctl (its crypto library has no P-521)")
        }
        Reason::AlgUnknown(alg) => format!("`{alg}` is not an algorithm jwtctl verifies"),
        Reason::AlgNotPinned(alg) => format!("{alg:?}: no given key is pinned to it"),
        Reason::NoUsableKey(why) => format!("no usable key: {why}"),
        Reason::NoAlg => "no `alg` to check".into(),
        Reason::KidFound(kid) => format!("`{kid}` names a given key"),
        Reason::KidNotFound { kid, present } => format!(
            "`{kid}` is not among the keys (kids present: {})",
            quoted_list(present.iter().copied(), ", ")
        ),
        Reason::KeysHaveNoKid => "the keys have no kid: every key is tried".into(),
        Reason::TokenHasNoKid => "the token names no kid: every key is tried".into(),
        Reason::Matched { key, after } => {
            let mut text = format!("matches `{}` ({})", key.label, short(key));
            let missed: Vec<String> = after
                .iter()
                .filter(|t| t.outcome == KeyOutcome::NoMatch)
                .map(|t| format!("`{}` ({})", t.key.label, short(t.key)))
                .collect();
            if !missed.is_empty() {
                let _ = write!(text, "; did not match {}", missed.join(", "));
            }
            text
        }
        Reason::NoMatch(trials) => {
            let list: Vec<String> = trials.iter().map(trial_text).collect();
            format!("matches no key: {}", list.join("; "))
        }
        Reason::SignatureNotChecked => "not checked: the algorithm check failed".into(),
        Reason::NoClaimSet => "the payload is not a claim set".into(),
        Reason::Absent => match name {
            CheckName::Exp => "no `exp`: the token never expires; it dies only when the signing \
                               key changes (--require exp makes expiry mandatory)"
                .into(),
            _ => format!("no `{claim}`"),
        },
        Reason::AbsentRequired => format!("no `{claim}`, but --require {claim} makes it mandatory"),
        Reason::NotNumericDate(why) => format!("`{claim}` {why}"),
        Reason::ExpiresIn { exp }
        | Reason::ValidSince { nbf: exp }
        | Reason::IssuedAt { iat: exp } => {
            let (_, phrase) = relative_phrase(claim, exp - at);
            format!("{phrase} ({})", rfc3339(*exp))
        }
        Reason::Expired { exp, leeway } => format!(
            "expired {} ago ({}){}",
            span(at - exp),
            rfc3339(*exp),
            beyond(*leeway)
        ),
        Reason::ExpiredWithinLeeway { exp, leeway } => format!(
            "expired {} ago ({}), within the {} leeway",
            span(at - exp),
            rfc3339(*exp),
            span(*leeway)
        ),
        Reason::NotYetValid { nbf, leeway } => format!(
            "not valid for another {} (until {}){}",
            span(nbf - at),
            rfc3339(*nbf),
            beyond(*leeway)
        ),
        Reason::IssuedInFuture { iat, leeway } => format!(
            "issued {} in the future ({}){}: clock skew?",
            span(iat - at),
            rfc3339(*iat),
            beyond(*leeway)
        ),
        Reason::NotAsked(flag) => format!("not asked ({flag})"),
        Reason::Equal(value) => format!("`{value}` as expected"),
        Reason::Missing => match name {
            CheckName::Typ => "the header has no `typ`".into(),
            _ => format!("the token has no `{claim}`"),
        },
        Reason::WrongType(value) => format!(
            "`{claim}` is {}, not {}",
            type_name(value),
            match name {
                CheckName::Aud => "a string or a non-empty array of strings",
                _ => "a string",
            }
        ),
        Reason::Differs { got, want } => format!(
            "{got} is not {}",
            quoted_list(want.iter().map(String::as_str), " or ")
        ),
        Reason::AllPresent(claims) => format!(
            "present: {}",
            quoted_list(claims.iter().map(String::as_str), ", ")
        ),
        Reason::MissingClaims(missing) => {
            format!("missing: {}", quoted_list(missing.iter().copied(), ", "))
        }
        Reason::AudNotAsked(value) => {
            format!("not asked (--aud); the token is for {value}")
        }
    }
}

fn beyond(leeway: i64) -> String {
    if leeway > 0 {
        format!(", beyond the {} leeway", span(leeway))
    } else {
        String::new()
    }
}

/// The JSON object for one verified token (schema: `kind: "verified"`).
#[derive(Serialize)]
pub struct VerifiedJson<'a> {
    kind: &'static str,
    line: u64,
    valid: bool,
    verdict: &'static str,
    exit_code: u8,
    checks: Vec<CheckJson>,
    matched_key: Option<KeyJson<'a>>,
    diagnosis: Vec<FindingJson<'a>>,
    next_step: Option<&'a str>,
}

#[derive(Serialize)]
struct CheckJson {
    name: &'static str,
    status: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct KeyJson<'a> {
    label: &'a str,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    code: &'static str,
    message: &'a str,
}

/// One JSON line for a verified token.
pub fn json(line: u64, report: &Report<'_>, at: i64, out: &mut Vec<u8>) {
    let view = VerifiedJson {
        kind: "verified",
        line,
        valid: report.verdict == Verdict::Valid,
        verdict: report.verdict.name(),
        exit_code: report.verdict.exit().code(),
        checks: report
            .checks
            .iter()
            .map(|c| CheckJson {
                name: c.name.name(),
                status: c.status.name(),
                reason: reason(c.name, &c.reason, at),
            })
            .collect(),
        matched_key: report.matched_key.map(|k| KeyJson {
            label: &k.label,
            fingerprint: &k.fingerprint,
        }),
        diagnosis: report
            .diagnosis
            .iter()
            .map(|f| FindingJson {
                code: f.code,
                message: &f.message,
            })
            .collect(),
        next_step: report.next_step.as_deref(),
    };
    to_json_line(&view, out);
    out.push(b'\n');
}
