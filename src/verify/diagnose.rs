//! Why a token is not (cleanly) valid, and what to do next, as data.
//!
//! Runs only when the verdict is not a clean pass. It tries the near misses an on-call engineer
//! would otherwise try by hand (the secret with its trailing newline stripped or added, decoded
//! from base64/base64url/hex, without surrounding quotes), and reads the evidence around the
//! keys (`kid`, key file time, pinned algorithm). It says which transformation matched, never
//! the secret. Pure, like the rest of the core; the words are the render layer's.

use super::{CheckName, KeyOutcome, Policy, Reason, Report, Status, Trial, Verdict};
use crate::finding::{ClaimValue, Finding, KeyName, KeyPins, SecretFix};
use crate::keys::signature::Prepared;
use crate::keys::{Family, Key, Secret, decode_hex};
use crate::token::b64::{self, Alphabet};
use crate::token::{Payload, Token};
use jsonwebtoken::Algorithm;

/// What to do next, as data (worded by the render layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NextStep {
    /// Re-mint with `signer` (the key tried first) before `retired` (the key that matched) goes.
    RemintRotated {
        /// The current key's label.
        signer: String,
        /// The label of the key that still matches.
        retired: String,
    },
    /// Re-mint without the old key (`--unverified-source`).
    RemintUnverified,
    /// Ask for a plain JWT (structure problems).
    PlainJwt,
    /// An unsigned token: nothing vouches for its claims.
    Forged,
    /// The key-confusion attack.
    ForgedConfusion,
    /// Verify this algorithm with another tool.
    OtherTool {
        /// The algorithm as the token spells it.
        alg: String,
    },
    /// Give a key jwtctl supports.
    SupportedKey,
    /// Verify with the key the issuer signs this algorithm with.
    IssuerKey {
        /// The token's algorithm.
        alg: Algorithm,
    },
    /// Fetch the issuer's current JWKS.
    FetchJwks,
    /// Check the key file and its algorithm.
    CheckKeyFile,
    /// Undo the mistake with the secret.
    FixSecret(SecretFix),
    /// Re-mint an expired token.
    RemintExpired,
    /// Check the clocks (`nbf`).
    CheckClocks,
    /// Check the clocks with NTP (`iat`).
    CheckClocksNtp,
    /// Fix the issuer's time claims.
    FixTimeClaims,
    /// Re-mint with an expiry.
    RemintWithExpiry,
    /// Check the issuer.
    CheckIssuer,
    /// Check the audience.
    CheckAudience,
    /// Re-mint with the missing claims.
    RemintWithClaims,
    /// Check the expected `typ`.
    CheckTyp,
}

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
) -> (Vec<Finding>, Option<NextStep>) {
    let mut findings = Vec::new();
    let mut next: Option<NextStep> = None;

    structure_findings(report, &mut findings, &mut next);
    algorithm_findings(token, ring, report, &mut findings, &mut next);
    kid_findings(report, &mut findings, &mut next);

    match &report.check(CheckName::Signature).reason {
        Reason::Matched { key, after, .. } => {
            if let Some(first) = after.iter().find(|t| t.outcome == KeyOutcome::NoMatch) {
                findings.push(Finding::KeyRotated {
                    tried: name(first.key),
                    matched: name(key),
                });
                next.get_or_insert(NextStep::RemintRotated {
                    signer: first.key.label.clone(),
                    retired: key.label.clone(),
                });
            }
        }
        Reason::NoMatch(trials) => {
            let alg = token.alg().and_then(|a| a.parse::<Algorithm>().ok());
            let near = alg.and_then(|alg| near_misses(token, ring, trials, alg));
            let tried = trials
                .iter()
                .filter(|t| t.outcome == KeyOutcome::NoMatch)
                .count();
            let empty_payload = matches!(&token.payload, Payload::Bytes(bytes) if bytes.is_empty());
            match near {
                Some((key, fix)) => {
                    findings.push(Finding::NearMiss { key, fix });
                    next.get_or_insert(NextStep::FixSecret(fix));
                }
                // An empty payload that no key signed: most likely the content was detached.
                None if tried > 0 && empty_payload => findings.push(Finding::DetachedContent),
                None if tried > 0 => {
                    findings.push(Finding::KeyChanged { tried });
                    key_time_findings(token, trials, &mut findings);
                    next.get_or_insert(NextStep::RemintUnverified);
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

fn name(key: &Key) -> KeyName {
    KeyName {
        label: key.label.clone(),
        fingerprint: key.fingerprint.clone(),
    }
}

fn structure_findings(
    report: &Report<'_>,
    findings: &mut Vec<Finding>,
    next: &mut Option<NextStep>,
) {
    let check = report.check(CheckName::Structure);
    if check.status != Status::Fail {
        return;
    }
    findings.push(match check.reason {
        Reason::Crit(_) => Finding::Crit,
        Reason::B64 => Finding::B64,
        _ => Finding::AlgMissing,
    });
    next.get_or_insert(NextStep::PlainJwt);
}

fn algorithm_findings(
    token: &Token<'_>,
    ring: &[Prepared<'_>],
    report: &Report<'_>,
    findings: &mut Vec<Finding>,
    next: &mut Option<NextStep>,
) {
    let check = report.check(CheckName::Algorithm);
    if check.status != Status::Fail {
        return;
    }
    match &check.reason {
        Reason::AlgNone(alg) => {
            findings.push(Finding::AlgNone {
                alg: (*alg).to_owned(),
            });
            next.get_or_insert(NextStep::Forged);
        }
        Reason::AlgUnsupported(alg) => {
            findings.push(Finding::AlgUnsupported {
                alg: (*alg).to_owned(),
            });
            next.get_or_insert_with(|| NextStep::OtherTool {
                alg: (*alg).to_owned(),
            });
        }
        Reason::NoUsableKey(why) => {
            findings.push(Finding::NoUsableKey {
                why: (*why).to_owned(),
            });
            next.get_or_insert(NextStep::SupportedKey);
        }
        Reason::AlgUnknown(alg) => {
            findings.push(Finding::AlgUnknown {
                alg: (*alg).to_owned(),
            });
        }
        Reason::AlgNotPinned(alg) => {
            let keys = ring
                .iter()
                .map(|p| KeyPins {
                    label: p.key.label.clone(),
                    family: p.key.family,
                    algorithms: p.key.algorithms.clone(),
                })
                .collect();
            let hmac_token = token.alg().is_some_and(|a| a.starts_with("HS"));
            let confusion = hmac_token && ring.iter().all(|p| p.key.family != Family::Hmac);
            findings.push(Finding::AlgMismatch {
                alg: *alg,
                keys,
                confusion,
            });
            next.get_or_insert(if confusion {
                NextStep::ForgedConfusion
            } else {
                NextStep::IssuerKey { alg: *alg }
            });
        }
        _ => {}
    }
}

fn kid_findings(report: &Report<'_>, findings: &mut Vec<Finding>, next: &mut Option<NextStep>) {
    let Reason::KidNotFound { kid, present } = &report.check(CheckName::Kid).reason else {
        return;
    };
    findings.push(Finding::KidNotFound {
        kid: (*kid).to_owned(),
        present: present.iter().map(|k| (*k).to_owned()).collect(),
    });
    if let Reason::Matched { key, .. } = &report.check(CheckName::Signature).reason {
        findings.push(Finding::KidRelabelled {
            key: name(key),
            kid: key.kid.clone(),
        });
    }
    next.get_or_insert(NextStep::FetchJwks);
}

fn unusable_findings(
    trials: &[Trial<'_>],
    findings: &mut Vec<Finding>,
    next: &mut Option<NextStep>,
) {
    for trial in trials {
        if let KeyOutcome::Unusable(why) = &trial.outcome {
            findings.push(Finding::KeyUnusable {
                key: trial.key.label.clone(),
                why: why.to_string(),
            });
            next.get_or_insert(NextStep::CheckKeyFile);
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
            findings.push(Finding::KeyNewerThanToken {
                key: trial.key.label.clone(),
                modified,
                iat,
            });
        }
    }
}

/// A transformation of a secret that people get wrong: the candidate secret it makes, and
/// which mistake a match after it reveals (given the secret as the operator gave it).
struct Variant {
    make: fn(&[u8]) -> Option<Vec<u8>>,
    fix: fn(&[u8]) -> SecretFix,
}

const VARIANTS: &[Variant] = &[
    Variant {
        make: |s| {
            let t = s.trim_ascii_end();
            (t.len() != s.len() && !t.is_empty()).then(|| t.to_vec())
        },
        fix: |s| {
            if s.ends_with(b"\n") {
                SecretFix::TrailingNewline
            } else {
                SecretFix::TrailingWhitespace
            }
        },
    },
    Variant {
        make: |s| {
            (!s.ends_with(b"\n")).then(|| {
                let mut v = s.to_vec();
                v.push(b'\n');
                v
            })
        },
        fix: |_| SecretFix::MissingNewline,
    },
    Variant {
        make: |s| {
            let t = s.trim_ascii();
            let quoted = t.len() >= 2
                && matches!(t[0], b'"' | b'\'')
                && t.last() == Some(&t[0])
                && t.len() > 2;
            quoted.then(|| t[1..t.len() - 1].to_vec())
        },
        fix: |_| SecretFix::Quoted,
    },
    Variant {
        make: |s| b64::decode_lenient(s.trim_ascii(), Alphabet::Standard),
        fix: |_| SecretFix::Base64,
    },
    Variant {
        make: |s| b64::decode_lenient(s.trim_ascii(), Alphabet::UrlSafe),
        fix: |_| SecretFix::Base64url,
    },
    Variant {
        make: |s| decode_hex(s.trim_ascii()),
        fix: |_| SecretFix::Hex,
    },
];

/// Would the signature match an HMAC key of the ring after one of the usual mistakes?
/// Returns the key's label and the mistake for the first near miss found. The variants' keys
/// are prepared once per key and run (see [`Prepared::variants`]), not per token.
fn near_misses(
    token: &Token<'_>,
    ring: &[Prepared<'_>],
    trials: &[Trial<'_>],
    alg: Algorithm,
) -> Option<(String, SecretFix)> {
    let message = token.signing_input();
    for trial in trials.iter().filter(|t| t.outcome == KeyOutcome::NoMatch) {
        let Some(prepared) = ring.iter().find(|p| std::ptr::eq(p.key, trial.key)) else {
            continue;
        };
        for candidate in prepared.variants(candidates) {
            if candidate.verify(alg, message, &token.signature)? {
                let secret = trial.key.secret()?;
                let fix = (VARIANTS[candidate.tag].fix)(secret.expose());
                return Some((trial.key.label.clone(), fix));
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
    next: &mut Option<NextStep>,
) {
    let at = policy.at;
    for check in report.checks.iter().filter(|c| c.status == Status::Fail) {
        let (finding, step) = match (&check.name, &check.reason) {
            (CheckName::Exp, Reason::Expired { exp, .. }) => {
                (Finding::Expired { exp: *exp, at }, NextStep::RemintExpired)
            }
            (CheckName::Nbf, Reason::NotYetValid { nbf, .. }) => (
                Finding::NotYetValid { nbf: *nbf, at },
                NextStep::CheckClocks,
            ),
            (CheckName::Iat, Reason::IssuedInFuture { iat, .. }) => (
                Finding::IssuedInFuture { iat: *iat, at },
                NextStep::CheckClocksNtp,
            ),
            (CheckName::Exp | CheckName::Nbf | CheckName::Iat, Reason::NotNumericDate(why)) => (
                Finding::BadNumericDate {
                    claim: check.name.name(),
                    why: why.clone(),
                },
                NextStep::FixTimeClaims,
            ),
            (CheckName::Exp, Reason::AbsentRequired) => {
                (Finding::ExpRequired, NextStep::RemintWithExpiry)
            }
            (CheckName::Iss, reason) => (
                Finding::WrongIssuer {
                    got: shown(reason),
                    want: policy.iss.clone().unwrap_or_default(),
                },
                NextStep::CheckIssuer,
            ),
            (CheckName::Aud, reason) => (
                Finding::WrongAudience {
                    got: shown(reason),
                    want: policy.aud.clone(),
                },
                NextStep::CheckAudience,
            ),
            (CheckName::Required, Reason::MissingClaims(missing)) => (
                Finding::MissingClaims {
                    claims: missing.iter().map(|c| (*c).to_owned()).collect(),
                },
                NextStep::RemintWithClaims,
            ),
            (CheckName::Typ, reason) => (
                Finding::WrongTyp {
                    got: shown(reason),
                    want: policy.typ.clone().unwrap_or_default(),
                },
                NextStep::CheckTyp,
            ),
            _ => continue,
        };
        if !findings.iter().any(|f| f.code() == finding.code()) {
            findings.push(finding);
        }
        next.get_or_insert(step);
    }
}

/// The token's value as a finding quotes it.
fn shown(reason: &Reason<'_>) -> ClaimValue {
    match reason {
        Reason::Differs { got, .. } | Reason::WrongType(got) => ClaimValue::Json(got.to_string()),
        Reason::Missing => ClaimValue::Missing,
        Reason::NoClaimSet => ClaimValue::NoClaimSet,
        _ => ClaimValue::Unexpected,
    }
}
