//! The header and key checks: structure, algorithm, `kid`, signature.

use super::{Check, CheckName, Facts, KeyOutcome, Reason, Status, Trial};
use crate::keys::signature::Prepared;
use crate::keys::{Key, Material};
use crate::token::{Payload, Token};
use jsonwebtoken::Algorithm;
use serde_json::Value;

/// Members a JWT verifier must refuse to guess about.
pub(super) fn structure<'a>(token: &'a Token<'_>) -> Check<'a> {
    let fail = |reason| Check::new(CheckName::Structure, Status::Fail, reason);
    // RFC 7515 §4.1.11: a recipient that does not understand every extension listed in
    // `crit` must reject the JWS. jwtctl implements none.
    if let Some(crit) = token.header.get("crit") {
        return fail(Reason::Crit(crit));
    }
    // RFC 7797's unencoded payload changes what the signature covers; JWTs may not use it.
    if token.header.contains_key("b64") {
        return fail(Reason::B64);
    }
    match token.header.get("alg") {
        None => return fail(Reason::AlgMissing),
        Some(Value::String(_)) => {}
        Some(other) => return fail(Reason::AlgNotString(other)),
    }
    // A key named by the token itself is never fetched or trusted; say so, then ignore it.
    let named_key = crate::inspect::EMBEDDED_KEY_MEMBERS
        .into_iter()
        .find(|member| token.header.contains_key(member));
    let reason = match (&token.payload, named_key) {
        (Payload::Bytes(_), _) => Reason::PlainJws,
        (Payload::Claims(_), Some(member)) => Reason::KeyInHeaderIgnored(member),
        (Payload::Claims(_), None) => Reason::Compact,
    };
    Check::new(CheckName::Structure, Status::Pass, reason)
}

/// The algorithm check, and the algorithm to verify with when it passed.
pub(super) struct AlgCheck<'a> {
    pub(crate) check: Check<'a>,
    /// The algorithm, when at least one key is pinned to it.
    pub(crate) alg: Option<Algorithm>,
    /// The algorithm or every key is unusable (not a mismatch: a limit of jwtctl).
    pub(crate) unusable: bool,
}

/// The header's `alg` against what the keys are pinned to. The header never chooses: it can
/// only name an algorithm some key already allows.
pub(super) fn algorithm<'a>(token: &'a Token<'_>, ring: &'a [Prepared<'a>]) -> AlgCheck<'a> {
    let result = |status, reason, alg, unusable| AlgCheck {
        check: Check::new(CheckName::Algorithm, status, reason),
        alg,
        unusable,
    };
    let Some(name) = token.alg() else {
        return result(Status::Skip, Reason::NoAlg, None, false);
    };
    if name.eq_ignore_ascii_case("none") {
        return result(Status::Fail, Reason::AlgNone(name), None, false);
    }
    if name == "ES512" {
        return result(Status::Fail, Reason::AlgUnsupported(name), None, true);
    }
    let Ok(alg) = name.parse::<Algorithm>() else {
        return result(Status::Fail, Reason::AlgUnknown(name), None, false);
    };
    if let Some(reason) = unusable_ring(ring) {
        return result(Status::Fail, Reason::NoUsableKey(reason), None, true);
    }
    if ring.iter().any(|p| p.key.algorithms.contains(&alg)) {
        result(Status::Pass, Reason::AlgAllowed(alg), Some(alg), false)
    } else {
        result(Status::Fail, Reason::AlgNotPinned(alg), None, false)
    }
}

/// When every key of the ring is unusable, the first one's reason.
fn unusable_ring<'a>(ring: &'a [Prepared<'a>]) -> Option<&'a str> {
    let mut first = None;
    for p in ring {
        match &p.key.material {
            Material::Unsupported { reason } => {
                first.get_or_insert(reason.as_str());
            }
            _ => return None,
        }
    }
    first
}

/// The kid check, and the kid that selects keys when it passed.
pub(super) struct KidCheck<'a> {
    pub(crate) check: Check<'a>,
    /// Only keys with this kid (or none) are tried.
    pub(crate) wanted: Option<&'a str>,
}

/// Does the token's `kid` name a key of the ring? Only meaningful when keys have kids.
pub(super) fn kid<'a>(
    token: &'a Token<'_>,
    ring: &'a [Prepared<'a>],
    facts: Facts<'a>,
) -> KidCheck<'a> {
    let result = |status, reason, wanted| KidCheck {
        check: Check::new(CheckName::Kid, status, reason),
        wanted,
    };
    if !ring.iter().any(|p| p.key.kid.is_some()) {
        return result(Status::Skip, Reason::KeysHaveNoKid, None);
    }
    let kid = match token.header.get("kid") {
        None => return result(Status::Skip, Reason::TokenHasNoKid, None),
        Some(Value::String(kid)) => kid.as_str(),
        Some(other) => {
            return result(
                Status::Fail,
                Reason::WrongType(Box::new(other.clone())),
                None,
            );
        }
    };
    if ring.iter().any(|p| p.key.kid.as_deref() == Some(kid)) {
        return result(Status::Pass, Reason::KidFound(kid), Some(kid));
    }
    let present = match facts.jwks_kids {
        Some(kids) => kids.iter().map(String::as_str).collect(),
        None => ring.iter().filter_map(|p| p.key.kid.as_deref()).collect(),
    };
    result(Status::Fail, Reason::KidNotFound { kid, present }, None)
}

/// The signature check and the key that matched.
pub(super) struct SigCheck<'a> {
    pub(crate) check: Check<'a>,
    pub(crate) matched: Option<&'a Key>,
    /// No key matched and every key that was tried could not be used.
    pub(crate) all_unusable: bool,
}

/// Try the keys in ring order; stop at the first match. Keys that are not pinned to `alg`,
/// or whose kid differs from the one the token names, are not tried.
pub(super) fn signature<'a>(
    token: &'a Token<'_>,
    ring: &'a [Prepared<'a>],
    alg: Option<Algorithm>,
    wanted_kid: Option<&str>,
) -> SigCheck<'a> {
    let Some(alg) = alg else {
        return SigCheck {
            check: Check::new(
                CheckName::Signature,
                Status::Skip,
                Reason::SignatureNotChecked,
            ),
            matched: None,
            all_unusable: false,
        };
    };
    let message = token.signing_input();
    // Filled only with keys that did not match: empty (no allocation) when the first key does.
    let mut trials: Vec<Trial<'a>> = Vec::new();
    for p in ring {
        let key = p.key;
        let outcome = if !key.algorithms.contains(&alg) {
            KeyOutcome::AlgNotAllowed
        } else if wanted_kid.is_some() && key.kid.is_some() && key.kid.as_deref() != wanted_kid {
            KeyOutcome::KidDiffers
        } else {
            match p.verify(alg, message, &token.signature) {
                Ok(true) => {
                    return SigCheck {
                        check: Check::new(
                            CheckName::Signature,
                            Status::Pass,
                            Reason::Matched {
                                key,
                                after: trials,
                                weak: key.weak_for(alg),
                            },
                        ),
                        matched: Some(key),
                        all_unusable: false,
                    };
                }
                Ok(false) => KeyOutcome::NoMatch,
                Err(e) => KeyOutcome::Unusable(e),
            }
        };
        trials.push(Trial { key, outcome });
    }
    let tried_any = trials.iter().any(|t| t.outcome == KeyOutcome::NoMatch);
    let unusable_any = trials
        .iter()
        .any(|t| matches!(t.outcome, KeyOutcome::Unusable(_)));
    SigCheck {
        check: Check::new(CheckName::Signature, Status::Fail, Reason::NoMatch(trials)),
        matched: None,
        all_unusable: unusable_any && !tried_any,
    }
}
