//! Which keys a mint may use: exactly one key that can sign, an algorithm that fits it, and
//! the rule that an old token's signature is vouched for by a `--verify-with` key unless the
//! operator acknowledged otherwise.

use super::error::MintFailure;
use crate::cmd::load::KeyRing;
use crate::error::Failure;
use crate::keys::signature::{Prepared, default_signing_alg};
use crate::keys::{self, Key, Material};
use crate::token::Token;
use jsonwebtoken::Algorithm;
use std::borrow::Cow;

/// Exactly one key that can sign.
pub(super) fn signing_key(ring: &KeyRing) -> Result<&Key, Failure> {
    let key = match ring.keys.as_slice() {
        [key] => key,
        [] => {
            return Err(Failure::key("no signing key given")
                .hint("give the current key with --secret-env NAME, --secret-file PATH or --key PATH (or set JWT_SECRET)"));
        }
        several => {
            let labels: Vec<String> = several.iter().map(|k| format!("`{}`", k.label)).collect();
            return Err(Failure::usage(format!(
                "mint signs with exactly one key, but {} were given: {}",
                several.len(),
                labels.join(", ")
            ))
            .hint("keys that should vouch for the old token go to --verify-with"));
        }
    };
    key.permit("sign")?;
    match &key.material {
        Material::Hmac(_) | Material::Private { .. } => Ok(key),
        Material::Public(_) => Err(Failure::key(format!(
            "key `{}` is a public key: signing needs the private key",
            key.label
        ))),
        Material::Unsupported { reason } => Err(Failure::key(format!(
            "key `{}` cannot sign: {reason}",
            key.label
        ))),
    }
}

/// The algorithm to sign with: `--alg`, else the key's default; it must fit the key.
pub(super) fn signing_alg(chosen: Option<Algorithm>, key: &Key) -> Result<Algorithm, Failure> {
    let alg = chosen
        .or_else(|| default_signing_alg(key))
        .ok_or_else(|| Failure::key(format!("key `{}` cannot sign", key.label)))?;
    if !key.algorithms.contains(&alg) {
        return Err(Failure::key(format!(
            "--alg {alg:?} does not fit the signing key `{}` ({})",
            key.label,
            key.family.name()
        )));
    }
    key.refuse_weak(alg)?;
    Ok(alg)
}

/// Refuse to mint from an old token nobody can check, unless `--unverified-source` says so.
pub(super) fn require_checkable_source(
    has_source: bool,
    has_checkers: bool,
    unverified_ok: bool,
) -> Result<(), Failure> {
    if has_source && !has_checkers && !unverified_ok {
        return Err(Failure::usage(
            "the old token's signature cannot be checked: no --verify-with key was given",
        )
        .hint("pass the old key with --verify-with [LABEL=]PATH or --verify-with-env NAME")
        .hint(
            "if the old key is gone (it was regenerated), acknowledge with --unverified-source; \
             the audit record will say source_verified: false",
        ));
    }
    Ok(())
}

/// Why the signing secret is weak, as a warning, if it is.
pub(super) fn weak_secret(key: &Key, alg: Algorithm) -> Option<String> {
    let secret = key.secret()?;
    let why = crate::render::fingerprint::weakness(&keys::Strength::of(secret.expose(), &[alg]))?;
    Some(format!(
        "the signing secret `{}` is weak: {why}; anyone who guesses it can mint tokens",
        key.label
    ))
}

/// How the old token's signature fared.
#[derive(Debug, Clone)]
pub(super) enum Trust<'a> {
    /// Verified with the key of this label.
    Verified(&'a str),
    /// Not verified, and the operator acknowledged it; why not.
    Unverified(Cow<'static, str>),
    /// No old token.
    NoSource,
}

/// The keys that may vouch for an old token, prepared once per run.
pub(super) struct SourceCheck<'k> {
    pub(super) checkers: Vec<Prepared<'k>>,
    /// `--unverified-source`: minting from an unverified token is acknowledged.
    pub(super) unverified_ok: bool,
}

impl SourceCheck<'_> {
    /// Does any `--verify-with` key vouch for the old token? If none does, that is fine only
    /// with `--unverified-source`.
    pub(super) fn trust(&self, token: &Token<'_>) -> Result<Trust<'_>, MintFailure> {
        let alg = token.alg().unwrap_or("(none)");
        for checker in &self.checkers {
            if let Ok(alg) = checker.allows(alg)
                && checker.verify(alg, token.signing_input(), &token.signature) == Ok(true)
            {
                return Ok(Trust::Verified(&checker.key.label));
            }
        }
        let why: Cow<'static, str> = if self.checkers.is_empty() {
            "no --verify-with key given".into()
        } else {
            let labels: Vec<String> = self
                .checkers
                .iter()
                .map(|c| format!("`{}`", c.key.label))
                .collect();
            format!("alg {alg}: no match with {}", labels.join(", ")).into()
        };
        if self.unverified_ok {
            return Ok(Trust::Unverified(why));
        }
        Err(MintFailure::SourceUnverified { why })
    }
}
