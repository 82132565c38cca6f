//! `verify`'s words: check reasons, the verdict sentence and next steps, from the report's
//! data.

use super::write_time_reason;
use crate::finding::SecretFix;
use crate::keys::Key;
use crate::text::type_name;
use crate::time::{rfc3339, span};
use crate::verify::{CheckName, KeyOutcome, NextStep, Reason, Report, Status, Trial, Verdict};
use std::borrow::Cow;
use std::fmt::Write as _;

/// One sentence for the verdict line (after its word).
pub(super) fn verdict_text(report: &Report<'_>) -> String {
    let exit = report.verdict.exit().code();
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name.name())
        .collect();
    match (report.verdict, report.matched_key) {
        (Verdict::Valid, Some(key)) => valid_text(key),
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

/// The verdict sentence of a valid token signed by `key`.
pub(super) fn valid_text(key: &Key) -> String {
    format!(
        "signed by `{}` ({}); every check passed (exit {})",
        key.label,
        short(key),
        Verdict::Valid.exit().code()
    )
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

/// A check's reason in words. Borrowed when the words are the same for every token (which
/// also means they quote nothing from the token or the keys: only `'static` text can be
/// borrowed), so the common checks of a batch cost no formatting.
pub(crate) fn reason(name: CheckName, reason: &Reason<'_>, at: i64) -> Cow<'static, str> {
    let claim = name.name();
    match reason {
        Reason::Compact => "compact JWS: header and claims are JSON objects".into(),
        Reason::KeyInHeaderIgnored(member) => match *member {
            "jwk" => "compact JWS; header `jwk` ignored: a key chosen by the token's author is never trusted",
            "jku" => "compact JWS; header `jku` ignored: keys a token points to are never fetched or trusted",
            "x5u" => "compact JWS; header `x5u` ignored: certificates a token points to are never fetched or trusted",
            _ => "compact JWS; header `x5c` ignored: a certificate chosen by the token's author is never trusted",
        }
        .into(),
        Reason::PlainJws => {
            "compact JWS whose payload is not a claim set (claim checks do not apply)".into()
        }
        Reason::Crit(value) => format!(
            "header has `crit` {value}: RFC 7515 §4.1.11 requires rejecting it, and jwtctl \
             understands no extensions"
        )
        .into(),
        Reason::B64 => {
            "header has `b64`: RFC 7797 unencoded payloads are not allowed in JWTs".into()
        }
        Reason::AlgMissing => "header has no `alg`".into(),
        Reason::AlgNotString(value) => {
            format!("header `alg` is {}, not a string", type_name(value)).into()
        }
        Reason::AlgAllowed(alg) => format!("{alg:?}, pinned by the keys").into(),
        Reason::AlgNone(alg) => format!("alg `{alg}`: unsigned tokens are never accepted").into(),
        Reason::AlgUnsupported(alg) => {
            format!("{alg} is not supported by jwtctl (its crypto library has no P-521)").into()
        }
        Reason::AlgUnknown(alg) => format!("`{alg}` is not an algorithm jwtctl verifies").into(),
        Reason::AlgNotPinned(alg) => format!("{alg:?}: no given key is pinned to it").into(),
        Reason::NoUsableKey(why) => format!("no usable key: {why}").into(),
        Reason::NoAlg => "no `alg` to check".into(),
        Reason::KidFound(kid) => format!("`{kid}` names a given key").into(),
        Reason::KidNotFound { kid, present } => format!(
            "`{kid}` is not among the keys (kids present: {})",
            quoted_list(present.iter().copied(), ", ")
        )
        .into(),
        Reason::KeysHaveNoKid => "the keys have no kid: every key is tried".into(),
        Reason::TokenHasNoKid => "the token names no kid: every key is tried".into(),
        Reason::Matched { key, after, weak } => {
            let mut text = format!("matches `{}` ({})", key.label, short(key));
            if *weak {
                let bytes = key.secret().map_or(0, |s| s.expose().len());
                let _ = write!(
                    text,
                    ", a WEAK key: {bytes} bytes, shorter than the hash output (RFC 7518 §3.2); \
                     used only because of --allow-weak-key"
                );
            }
            let missed: Vec<String> = after
                .iter()
                .filter(|t| t.outcome == KeyOutcome::NoMatch)
                .map(|t| format!("`{}` ({})", t.key.label, short(t.key)))
                .collect();
            if !missed.is_empty() {
                let _ = write!(text, "; did not match {}", missed.join(", "));
            }
            text.into()
        }
        Reason::NoMatch(trials) => {
            let list: Vec<String> = trials.iter().map(trial_text).collect();
            // When no key could be used at all, nothing was matched against: say so.
            let tried = trials.iter().any(|t| t.outcome == KeyOutcome::NoMatch);
            let unusable = trials
                .iter()
                .any(|t| matches!(t.outcome, KeyOutcome::Unusable(_)));
            let lead = if unusable && !tried {
                "not checked: no usable key"
            } else {
                "matches no key"
            };
            format!("{lead}: {}", list.join("; ")).into()
        }
        Reason::SignatureNotChecked => "not checked: the algorithm check failed".into(),
        Reason::NoClaimSet => "the payload is not a claim set".into(),
        Reason::Absent => match name {
            CheckName::Exp => "no `exp`: the token never expires; it dies only when the signing \
                               key changes (--require exp makes expiry mandatory)"
                .into(),
            CheckName::Nbf => "no `nbf`".into(),
            CheckName::Iat => "no `iat`".into(),
            _ => format!("no `{claim}`").into(),
        },
        Reason::AbsentRequired => {
            format!("no `{claim}`, but --require {claim} makes it mandatory").into()
        }
        Reason::NotNumericDate(why) => format!("`{claim}` {why}").into(),
        Reason::ExpiresIn { exp }
        | Reason::ValidSince { nbf: exp }
        | Reason::IssuedAt { iat: exp } => {
            let mut text = Vec::with_capacity(48);
            write_time_reason(name, *exp, at, &mut text);
            String::from_utf8(text).unwrap_or_default().into()
        }
        Reason::Expired { exp, leeway } => format!(
            "expired {} ago ({}){}",
            span(at - exp),
            rfc3339(*exp),
            beyond(*leeway)
        )
        .into(),
        Reason::ExpiredWithinLeeway { exp, leeway } => format!(
            "expired {} ago ({}), within the {} leeway",
            span(at - exp),
            rfc3339(*exp),
            span(*leeway)
        )
        .into(),
        Reason::NotYetValid { nbf, leeway } => format!(
            "not valid for another {} (until {}){}",
            span(nbf - at),
            rfc3339(*nbf),
            beyond(*leeway)
        )
        .into(),
        Reason::IssuedInFuture { iat, leeway } => format!(
            "issued {} in the future ({}){}: clock skew?",
            span(iat - at),
            rfc3339(*iat),
            beyond(*leeway)
        )
        .into(),
        Reason::NotAsked(flag) => match *flag {
            "--iss" => "not asked (--iss)".into(),
            "--aud" => "not asked (--aud)".into(),
            "--require" => "not asked (--require)".into(),
            "--typ" => "not asked (--typ)".into(),
            _ => format!("not asked ({flag})").into(),
        },
        Reason::Equal(value) => format!("`{value}` as expected").into(),
        Reason::Missing => match name {
            CheckName::Typ => "the header has no `typ`".into(),
            CheckName::Iss => "the token has no `iss`".into(),
            CheckName::Aud => "the token has no `aud`".into(),
            _ => format!("the token has no `{claim}`").into(),
        },
        Reason::WrongType(value) => format!(
            "`{claim}` is {}, not {}",
            type_name(value),
            match name {
                CheckName::Aud => "a string or a non-empty array of strings",
                _ => "a string",
            }
        )
        .into(),
        Reason::Differs { got, want } => format!(
            "{got} is not {}",
            quoted_list(want.iter().map(String::as_str), " or ")
        )
        .into(),
        Reason::AllPresent(claims) => format!(
            "present: {}",
            quoted_list(claims.iter().map(String::as_str), ", ")
        )
        .into(),
        Reason::MissingClaims(missing) => {
            format!("missing: {}", quoted_list(missing.iter().copied(), ", ")).into()
        }
        Reason::AudNotAsked(value) => format!("not asked (--aud); the token is for {value}").into(),
    }
}

/// How to re-mint, as the next steps say it.
const REMINT: &str = "`jwtctl mint --from <token>` with the current key's options";

/// The next step in words. May quote labels: escape before printing.
pub(crate) fn next_step(step: &NextStep) -> Cow<'static, str> {
    match step {
        NextStep::RemintRotated { signer, retired } => format!(
            "Re-mint so that `{signer}` signs it before `{retired}` is retired: `jwtctl mint \
             --from <token>` with `{signer}`'s key option, and `--verify-with` / \
             `--verify-with-env` naming the key of `{retired}` so the old signature is checked"
        )
        .into(),
        NextStep::RemintUnverified => format!(
            "Re-mint: {REMINT} and `--unverified-source` (the old key is gone, so the old \
             signature cannot be checked; the audit log records that). If the service \
             regenerates its secret on every rebuild, keep it in a secret store or a mounted \
             file so tokens survive deploys"
        )
        .into(),
        NextStep::PlainJwt => "Ask the issuer for a plain JWT (no `crit`/`b64`, a string \
                               `alg`); a conforming verifier rejects this one"
            .into(),
        NextStep::Forged => "Treat this token as forged: nothing vouches for its claims".into(),
        NextStep::ForgedConfusion => "Treat this token as forged".into(),
        NextStep::OtherTool { alg } => {
            format!("Verify this {alg} token with another tool; jwtctl cannot check it").into()
        }
        NextStep::SupportedKey => "Give a key jwtctl supports".into(),
        NextStep::IssuerKey { alg } => {
            format!("Verify with the key the issuer signs {alg:?} tokens with").into()
        }
        NextStep::FetchJwks => "Fetch the issuer's current JWKS (--jwks URL) and check the \
                                token's `iss`; if the kid is gone, the token must be re-issued"
            .into(),
        NextStep::CheckKeyFile => "Check the key file and its algorithm".into(),
        NextStep::FixSecret(fix) => match fix {
            SecretFix::TrailingNewline | SecretFix::TrailingWhitespace => {
                "Remove the trailing newline from the secret (e.g. `printf %s \"$SECRET\" > \
                 file`, or `truncate -s -1 file`), then verify again"
            }
            SecretFix::MissingNewline => {
                "Use the service's secret file byte for byte (--secret-file), newline included"
            }
            SecretFix::Quoted => "Remove the surrounding quotes from the secret, then verify again",
            SecretFix::Base64 => "Verify with --secret-encoding base64",
            SecretFix::Base64url => "Verify with --secret-encoding base64url",
            SecretFix::Hex => "Verify with --secret-encoding hex",
        }
        .into(),
        NextStep::RemintExpired => format!(
            "Re-mint: {REMINT}; if the service tolerates clock skew, model it with --leeway \
             SECONDS"
        )
        .into(),
        NextStep::CheckClocks => "Check the clocks of the issuer and the service; model the \
                                  service's skew allowance with --leeway SECONDS"
            .into(),
        NextStep::CheckClocksNtp => "Check the clocks (NTP) of the issuer and the service; \
                                     model the skew allowance with --leeway SECONDS"
            .into(),
        NextStep::FixTimeClaims => {
            "Fix the issuer: time claims are seconds since 1970 as JSON numbers".into()
        }
        NextStep::RemintWithExpiry => "Re-mint with an expiry (jwtctl mint --exp DURATION)".into(),
        NextStep::CheckIssuer => "Get a token from the expected issuer, or check --iss against \
                                  the service's configuration"
            .into(),
        NextStep::CheckAudience => "Request a token for this service's audience, or check \
                                    --aud against the service's configuration"
            .into(),
        NextStep::RemintWithClaims => {
            "Re-mint with the missing claims (jwtctl mint --claim k=v)".into()
        }
        NextStep::CheckTyp => "Check which kind of token the service expects (e.g. `at+jwt` \
                               for OAuth access tokens)"
            .into(),
    }
}

fn beyond(leeway: i64) -> String {
    if leeway > 0 {
        format!(", beyond the {} leeway", span(leeway))
    } else {
        String::new()
    }
}
