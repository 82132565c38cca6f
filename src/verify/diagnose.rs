//! Why a token is not (cleanly) valid, in plain words, and what to do next.
//!
//! Runs only when the verdict is not a clean pass. It tries the near misses an on-call engineer
//! would otherwise try by hand (the secret with its trailing newline stripped or added, decoded
//! from base64/base64url/hex, without surrounding quotes), and reads the evidence around the
//! keys (`kid`, key file time, pinned algorithm). It says which transformation matched, never
//! the secret. Pure, like the rest of the core.

use super::{CheckName, KeyOutcome, Policy, Reason, Report, Status, Trial, Verdict};
use crate::keys::signature::Prepared;
use crate::keys::{Family, Key, Secret, decode_hex};
use crate::time::{rfc3339, span};
use crate::token::Token;
use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::Algorithm;

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable machine code (`key_changed`, `secret_trailing_whitespace`, `kid_not_found`, ...).
    pub code: &'static str,
    /// What it means and what to do, in plain words. May quote token text: escape it.
    pub message: String,
}

impl Finding {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            code,
            message: message.into(),
        }
    }
}

/// How to re-mint, as the next steps say it.
pub const REMINT: &str = "`jwtctl mint --from <token>` with the current key's options";

/// Whether a report needs a diagnosis: anything but a clean pass by the first key tried.
pub(super) fn needed(report: &Report<'_>) -> bool {
    report.verdict != Verdict::Valid
        || matches!(
            &report.check(CheckName::Signature).reason,
            Reason::Matched { after, .. } if after.iter().any(|t| t.outcome == KeyOutcome::NoMatch)
        )
}

/// Findings, most important first, and the next step.
pub(super) fn diagnose(
    token: &Token<'_>,
    ring: &[Prepared<'_>],
    policy: &Policy,
    report: &Report<'_>,
) -> (Vec<Finding>, Option<String>) {
    let mut findings = Vec::new();
    let mut next: Option<String> = None;

    structure_findings(report, &mut findings, &mut next);
    algorithm_findings(token, ring, report, &mut findings, &mut next);
    kid_findings(report, &mut findings, &mut next);

    match &report.check(CheckName::Signature).reason {
        Reason::Matched { key, after } => {
            if let Some(first) = after.iter().find(|t| t.outcome == KeyOutcome::NoMatch) {
                findings.push(Finding::new(
                    "key_rotated",
                    format!(
                        "signature does not match `{}` ({}); it matches `{}` ({}): the signing \
                         key changed after this token was issued",
                        first.key.label,
                        short(first.key),
                        key.label,
                        short(key)
                    ),
                ));
                next.get_or_insert(format!(
                    "Re-mint so that `{}` signs it before `{}` is retired: `jwtctl mint --from \
                     <token>` with `{}`'s key option, and `--verify-with` / \
                     `--verify-with-env` naming the key of `{}` so the old signature is checked",
                    first.key.label, key.label, first.key.label, key.label
                ));
            }
        }
        Reason::NoMatch(trials) => {
            let alg = token.alg().and_then(|a| a.parse::<Algorithm>().ok());
            let near = alg.and_then(|alg| near_misses(token, ring, trials, alg));
            match near {
                Some((finding, step)) => {
                    findings.push(finding);
                    next.get_or_insert(step);
                }
                None if trials.iter().any(|t| t.outcome == KeyOutcome::NoMatch) => {
                    findings.push(Finding::new(
                        "key_changed",
                        format!(
                            "signed by a different key: no given key matches ({} tried) and no \
                             near miss (trailing newline, base64/hex encoding, quotes) explains \
                             it: the key was probably regenerated; re-mint with `jwtctl mint \
                             --from ...`",
                            trials
                                .iter()
                                .filter(|t| t.outcome == KeyOutcome::NoMatch)
                                .count()
                        ),
                    ));
                    key_time_findings(token, trials, &mut findings);
                    next.get_or_insert(format!(
                        "Re-mint: {REMINT} and `--unverified-source` (the old key is gone, so the \
                         old signature cannot be checked; the audit log records that). If the \
                         service regenerates its secret on every rebuild, keep it in a secret \
                         store or a mounted file so tokens survive deploys"
                    ));
                }
                None => {}
            }
            unusable_findings(trials, &mut findings, &mut next);
        }
        _ => {}
    }

    claim_findings(report, policy, &mut findings, &mut next);
    (findings, next)
}

fn short(key: &Key) -> String {
    format!("sha256:{}", key.short_fingerprint())
}

fn structure_findings(report: &Report<'_>, findings: &mut Vec<Finding>, next: &mut Option<String>) {
    let check = report.check(CheckName::Structure);
    if check.status != Status::Fail {
        return;
    }
    let (code, message) = match check.reason {
        Reason::Crit(_) => (
            "crit",
            "the header lists critical extensions (`crit`); RFC 7515 §4.1.11 requires rejecting \
             a token whose extensions the verifier does not understand, and jwtctl understands \
             none",
        ),
        Reason::B64 => (
            "b64",
            "the header has `b64` (RFC 7797 unencoded payload), which changes what the signature \
             covers and is not allowed in JWTs",
        ),
        _ => (
            "alg_missing",
            "the header has no usable `alg`: a JWS must name its algorithm (RFC 7515 §4.1.1)",
        ),
    };
    findings.push(Finding::new(code, message));
    next.get_or_insert_with(|| {
        "Ask the issuer for a plain JWT (no `crit`/`b64`, a string `alg`); a conforming \
         verifier rejects this one"
            .into()
    });
}

fn algorithm_findings(
    token: &Token<'_>,
    ring: &[Prepared<'_>],
    report: &Report<'_>,
    findings: &mut Vec<Finding>,
    next: &mut Option<String>,
) {
    let check = report.check(CheckName::Algorithm);
    if check.status != Status::Fail {
        return;
    }
    match &check.reason {
        Reason::AlgNone(alg) => {
            findings.push(Finding::new(
                "alg_none",
                format!(
                    "alg is `{alg}`: an unsigned token, never accepted (the algorithm comes from \
                     the key, not from the token)"
                ),
            ));
            next.get_or_insert_with(|| {
                "Treat this token as forged: nothing vouches for its claims".into()
            });
        }
        Reason::AlgUnsupported(alg) => {
            findings.push(Finding::new(
                "alg_unsupported",
                format!(
                    "{alg} is a registered algorithm that jwtctl cannot verify (its crypto \
                     library has no P-521): this says nothing about the signature"
                ),
            ));
            next.get_or_insert_with(|| {
                format!("Verify this {alg} token with another tool; jwtctl cannot check it")
            });
        }
        Reason::NoUsableKey(why) => {
            findings.push(Finding::new(
                "key_unusable",
                format!("no usable key: {why}"),
            ));
            next.get_or_insert_with(|| "Give a key jwtctl supports".into());
        }
        Reason::AlgUnknown(alg) => {
            findings.push(Finding::new(
                "alg_unknown",
                format!("alg `{alg}` is not an algorithm jwtctl verifies"),
            ));
        }
        Reason::AlgNotPinned(alg) => {
            let families: Vec<String> = ring
                .iter()
                .map(|p| {
                    let algs: Vec<String> =
                        p.key.algorithms.iter().map(|a| format!("{a:?}")).collect();
                    format!(
                        "`{}` ({}: {})",
                        p.key.label,
                        p.key.family.name(),
                        algs.join("/")
                    )
                })
                .collect();
            let hmac_token = token.alg().is_some_and(|a| a.starts_with("HS"));
            let confusion = hmac_token && ring.iter().all(|p| p.key.family != Family::Hmac);
            let message = if confusion {
                format!(
                    "the token claims {alg:?}, an HMAC algorithm, but the keys are public keys ({}): \
                     checking an HMAC signature with a public key is the key-confusion attack, so \
                     jwtctl never does it; this token is probably forged",
                    families.join(", ")
                )
            } else {
                format!(
                    "the token's alg is {alg:?} but the keys are pinned to other algorithms ({}): \
                     it was signed with a different kind of key, or --alg / the JWK's `alg` pins \
                     the wrong one",
                    families.join(", ")
                )
            };
            findings.push(Finding::new("alg_mismatch", message));
            next.get_or_insert_with(|| {
                if confusion {
                    "Treat this token as forged".into()
                } else {
                    format!("Verify with the key the issuer signs {alg:?} tokens with")
                }
            });
        }
        _ => {}
    }
}

fn kid_findings(report: &Report<'_>, findings: &mut Vec<Finding>, next: &mut Option<String>) {
    let Reason::KidNotFound { kid, present } = &report.check(CheckName::Kid).reason else {
        return;
    };
    let list = if present.is_empty() {
        "none".to_string()
    } else {
        present
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    findings.push(Finding::new(
        "kid_not_found",
        format!(
            "the token's kid `{kid}` is not among the keys (kids present: {list}): the issuer \
             rotated its keys since this token was signed, or the token comes from another \
             issuer"
        ),
    ));
    if let Reason::Matched { key, .. } = &report.check(CheckName::Signature).reason {
        findings.push(Finding::new(
            "kid_relabelled",
            format!(
                "yet the signature matches `{}` ({}), whose kid is {}: the key is the same but \
                 its kid changed, and a verifier that selects keys by kid rejects the token",
                key.label,
                short(key),
                key.kid
                    .as_deref()
                    .map_or("not set".into(), |k| format!("`{k}`"))
            ),
        ));
    }
    next.get_or_insert_with(|| {
        "Fetch the issuer's current JWKS (--jwks URL) and check the token's `iss`; if the kid is \
         gone, the token must be re-issued"
            .into()
    });
}

fn unusable_findings(trials: &[Trial<'_>], findings: &mut Vec<Finding>, next: &mut Option<String>) {
    for trial in trials {
        if let KeyOutcome::Unusable(why) = &trial.outcome {
            findings.push(Finding::new(
                "key_unusable",
                format!("key `{}` could not be used: {why}", trial.key.label),
            ));
            next.get_or_insert_with(|| "Check the key file and its algorithm".into());
        }
    }
}

/// "The key file was written after the token was issued."
fn key_time_findings(token: &Token<'_>, trials: &[Trial<'_>], findings: &mut Vec<Finding>) {
    let Some(iat) = token
        .claim_set()
        .and_then(|c| c.numeric_date("iat"))
        .and_then(Result::ok)
    else {
        return;
    };
    for trial in trials {
        let Some(modified) = trial.key.modified else {
            continue;
        };
        if trial.outcome == KeyOutcome::NoMatch && modified > iat {
            findings.push(Finding::new(
                "key_newer_than_token",
                format!(
                    "the key file of `{}` was written at {} ({} after the token was issued at \
                     {}): the key was probably regenerated after this token was issued",
                    trial.key.label,
                    rfc3339(modified),
                    span(modified - iat),
                    rfc3339(iat)
                ),
            ));
        }
    }
}

/// A transformation of a secret that people get wrong, and what to tell them when the
/// signature matches after it.
struct Variant {
    code: &'static str,
    make: fn(&[u8]) -> Option<Vec<u8>>,
    /// Finding message; `{}` is the key label.
    message: fn(&str, &[u8]) -> String,
    step: &'static str,
}

const VARIANTS: &[Variant] = &[
    Variant {
        code: "secret_trailing_whitespace",
        make: |s| {
            let t = s.trim_ascii_end();
            (t.len() != s.len() && !t.is_empty()).then(|| t.to_vec())
        },
        message: |label, s| {
            let what = if s.ends_with(b"\n") {
                "your secret ends with a newline; the service uses it without"
            } else {
                "your secret ends with whitespace; the service uses it without"
            };
            format!(
                "the signature matches `{label}` once the secret's trailing newline/whitespace \
                 is removed: {what} (a file written by `echo` or an editor)"
            )
        },
        step: "Remove the trailing newline from the secret (e.g. `printf %s \"$SECRET\" > file`, \
               or `truncate -s -1 file`), then verify again",
    },
    Variant {
        code: "secret_missing_newline",
        make: |s| {
            (!s.ends_with(b"\n")).then(|| {
                let mut v = s.to_vec();
                v.push(b'\n');
                v
            })
        },
        message: |label, _| {
            format!(
                "the signature matches `{label}` with a newline appended to the secret: the \
                 service's secret ends with a newline that yours lacks (it was probably written \
                 with `echo`)"
            )
        },
        step: "Use the service's secret file byte for byte (--secret-file), newline included",
    },
    Variant {
        code: "secret_quoted",
        make: |s| {
            let t = s.trim_ascii();
            let quoted = t.len() >= 2
                && matches!(t[0], b'"' | b'\'')
                && t.last() == Some(&t[0])
                && t.len() > 2;
            quoted.then(|| t[1..t.len() - 1].to_vec())
        },
        message: |label, _| {
            format!(
                "the signature matches `{label}` once the surrounding quotes are removed from \
                 the secret: the quotes (from a .env or YAML file) became part of your secret; \
                 the service strips them"
            )
        },
        step: "Remove the surrounding quotes from the secret, then verify again",
    },
    Variant {
        code: "secret_base64",
        make: |s| FORGIVING_STANDARD.decode(s.trim_ascii()).ok(),
        message: |label, _| {
            format!(
                "the signature matches `{label}` once the secret is base64-decoded: the service \
                 decodes its secret before use"
            )
        },
        step: "Verify with --secret-encoding base64",
    },
    Variant {
        code: "secret_base64url",
        make: |s| FORGIVING_URL_SAFE.decode(s.trim_ascii()).ok(),
        message: |label, _| {
            format!(
                "the signature matches `{label}` once the secret is base64url-decoded: the \
                 service decodes its secret before use"
            )
        },
        step: "Verify with --secret-encoding base64url",
    },
    Variant {
        code: "secret_hex",
        make: |s| decode_hex(s.trim_ascii()),
        message: |label, _| {
            format!(
                "the signature matches `{label}` once the secret is hex-decoded: the service \
                 decodes its secret before use"
            )
        },
        step: "Verify with --secret-encoding hex",
    },
];

const FORGIVING: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const FORGIVING_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, FORGIVING);
const FORGIVING_URL_SAFE: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, FORGIVING);

/// Would the signature match an HMAC key of the ring after one of the usual mistakes?
/// Returns the finding and the next step for the first near miss found. The variants' keys
/// are prepared once per key and run (see [`Prepared::variants`]), not per token.
fn near_misses(
    token: &Token<'_>,
    ring: &[Prepared<'_>],
    trials: &[Trial<'_>],
    alg: Algorithm,
) -> Option<(Finding, String)> {
    let message = token.signing_input();
    for trial in trials.iter().filter(|t| t.outcome == KeyOutcome::NoMatch) {
        let Some(prepared) = ring.iter().find(|p| std::ptr::eq(p.key, trial.key)) else {
            continue;
        };
        for candidate in prepared.variants(candidates) {
            if candidate.verify(alg, message, &token.signature)? {
                let variant = &VARIANTS[candidate.tag];
                let secret = trial.key.secret()?;
                return Some((
                    Finding::new(
                        variant.code,
                        (variant.message)(&trial.key.label, secret.expose()),
                    ),
                    variant.step.to_string(),
                ));
            }
        }
    }
    None
}

/// Every variant of `secret` worth trying, tagged with its index in [`VARIANTS`], in order.
fn candidates(secret: &[u8]) -> Vec<(usize, Secret)> {
    VARIANTS
        .iter()
        .enumerate()
        .filter_map(|(tag, variant)| {
            // Candidate secrets are secrets too: wiped on drop like the original.
            let candidate = Secret::new((variant.make)(secret)?);
            let differs = !candidate.is_empty() && candidate != Secret::new(secret.to_vec());
            differs.then_some((tag, candidate))
        })
        .collect()
}

fn claim_findings(
    report: &Report<'_>,
    policy: &Policy,
    findings: &mut Vec<Finding>,
    next: &mut Option<String>,
) {
    let at = policy.at;
    for check in report.checks.iter().filter(|c| c.status == Status::Fail) {
        let (code, message, step): (&str, String, String) = match (&check.name, &check.reason) {
            (CheckName::Exp, Reason::Expired { exp, .. }) => (
                "expired",
                format!(
                    "the token expired {} ago, at {} (judged at {})",
                    span(at - exp),
                    rfc3339(*exp),
                    rfc3339(at)
                ),
                format!(
                    "Re-mint: {REMINT}; if the service tolerates clock skew, model it with \
                     --leeway SECONDS"
                ),
            ),
            (CheckName::Nbf, Reason::NotYetValid { nbf, .. }) => (
                "not_yet_valid",
                format!(
                    "the token is not valid before {} ({} after {}): the issuer's clock runs \
                     ahead, or the token was minted for later",
                    rfc3339(*nbf),
                    span(nbf - at),
                    rfc3339(at)
                ),
                "Check the clocks of the issuer and the service; model the service's skew \
                 allowance with --leeway SECONDS"
                    .into(),
            ),
            (CheckName::Iat, Reason::IssuedInFuture { iat, .. }) => (
                "issued_in_future",
                format!(
                    "the token claims to be issued at {}, {} after {}: clock skew between the \
                     issuer and the service",
                    rfc3339(*iat),
                    span(iat - at),
                    rfc3339(at)
                ),
                "Check the clocks (NTP) of the issuer and the service; model the skew \
                 allowance with --leeway SECONDS"
                    .into(),
            ),
            (CheckName::Exp | CheckName::Nbf | CheckName::Iat, Reason::NotNumericDate(why)) => (
                "bad_numeric_date",
                format!(
                    "`{}` {why}: verifiers reject it (or worse, ignore it)",
                    check.name.name()
                ),
                "Fix the issuer: time claims are seconds since 1970 as JSON numbers".into(),
            ),
            (CheckName::Exp, Reason::AbsentRequired) => (
                "missing_claims",
                "the token has no `exp`, and --require exp makes expiry mandatory".into(),
                "Re-mint with an expiry (jwtctl mint --exp DURATION)".into(),
            ),
            (CheckName::Iss, reason) => (
                "wrong_issuer",
                format!(
                    "the token's issuer is {} but --iss expects `{}`: it was issued by another \
                     issuer (or environment)",
                    shown(reason),
                    policy.iss.as_deref().unwrap_or_default()
                ),
                "Get a token from the expected issuer, or check --iss against the service's \
                 configuration"
                    .into(),
            ),
            (CheckName::Aud, reason) => (
                "wrong_audience",
                format!(
                    "the token's audience is {} but --aud expects {}: it was issued for another \
                     service",
                    shown(reason),
                    policy
                        .aud
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                "Request a token for this service's audience, or check --aud against the \
                 service's configuration"
                    .into(),
            ),
            (CheckName::Required, Reason::MissingClaims(missing)) => (
                "missing_claims",
                format!(
                    "required claims are missing: {}",
                    missing
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "Re-mint with the missing claims (jwtctl mint --claim k=v)".into(),
            ),
            (CheckName::Typ, reason) => (
                "wrong_typ",
                format!(
                    "the header's typ is {} but --typ expects `{}`",
                    shown(reason),
                    policy.typ.as_deref().unwrap_or_default()
                ),
                "Check which kind of token the service expects (e.g. `at+jwt` for OAuth access \
                 tokens)"
                    .into(),
            ),
            _ => continue,
        };
        if !findings.iter().any(|f| f.code == code) {
            findings.push(Finding::new(code, message));
        }
        next.get_or_insert(step);
    }
}

/// The token's value as quoted in a finding.
fn shown(reason: &Reason<'_>) -> String {
    match reason {
        Reason::Differs { got, .. } | Reason::WrongType(got) => got.to_string(),
        Reason::Missing => "missing".into(),
        Reason::NoClaimSet => "absent (the payload is not a claim set)".into(),
        _ => "unexpected".into(),
    }
}
