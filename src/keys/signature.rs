//! Signing and signature checks with a key of the ring. HMAC keys are prepared once per run
//! (the keyed hash state is computed once and reused for every token).

use super::hmac::HmacKeys;
use super::{Family, Key, Material, Secret};
use jsonwebtoken::Algorithm;
use std::sync::OnceLock;

/// A key ready for many signature checks.
pub struct Prepared<'k> {
    /// The key.
    pub(crate) key: &'k Key,
    hmac: Option<HmacKeys>,
    /// HMAC keys for variants of the secret, prepared on first use (see [`Prepared::variants`]).
    variants: OnceLock<Vec<Variant>>,
}

/// A variant of an HMAC secret (a near miss a diagnosis tries), ready for many checks.
pub(crate) struct Variant {
    /// Which variant, as the caller that made it numbers them.
    pub(crate) tag: usize,
    keys: HmacKeys,
}

impl Variant {
    /// Does `signature` over `message` verify with this variant under `alg` (an HMAC
    /// algorithm; `None` for any other)?
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Option<bool> {
        self.keys.verify(alg, message, signature)
    }
}

/// Why a signature could not be checked at all (as opposed to "does not match").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// The algorithm is not one this key is pinned to.
    AlgNotAllowed {
        /// The algorithm asked for.
        alg: String,
        /// What the key allows.
        allowed: Vec<Algorithm>,
    },
    /// The key can't be used at all (unsupported curve, public key asked to sign).
    Unusable(String),
}

impl std::fmt::Display for SigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigError::AlgNotAllowed { alg, allowed } => {
                let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
                write!(
                    f,
                    "algorithm {alg} is not allowed for this key (allowed: {})",
                    list.join(", ")
                )
            }
            SigError::Unusable(why) => f.write_str(why),
        }
    }
}

impl<'k> Prepared<'k> {
    /// Prepare `key` (computes the HMAC key schedule for each hash once).
    pub(crate) fn new(key: &'k Key) -> Self {
        let hmac = key.secret().map(|s| HmacKeys::new(s.expose()));
        Prepared {
            key,
            hmac,
            variants: OnceLock::new(),
        }
    }

    /// HMAC keys for variants of this key's secret, made by `make` (tagged candidate secrets)
    /// on the first call and kept for the run: a batch of tokens that all miss tries the same
    /// variants of the same secret for each, and an HMAC key schedule per variant per token
    /// would cost more than the check itself. Only the first call's `make` is used; there is
    /// one caller, the near-miss diagnosis. Empty for a key without a secret.
    pub(crate) fn variants(&self, make: impl FnOnce(&[u8]) -> Vec<(usize, Secret)>) -> &[Variant] {
        self.variants.get_or_init(|| {
            let Some(secret) = self.key.secret() else {
                return Vec::new();
            };
            make(secret.expose())
                .into_iter()
                .map(|(tag, candidate)| Variant {
                    tag,
                    keys: HmacKeys::new(candidate.expose()),
                })
                .collect()
        })
    }

    /// Check the algorithm a token names against what the key allows.
    pub(crate) fn allows(&self, alg: &str) -> Result<Algorithm, SigError> {
        if let Material::Unsupported { reason } = &self.key.material {
            return Err(SigError::Unusable(reason.clone()));
        }
        let not_allowed = || SigError::AlgNotAllowed {
            alg: alg.to_owned(),
            allowed: self.key.algorithms.clone(),
        };
        let parsed: Algorithm = alg.parse().map_err(|_| not_allowed())?;
        if self.key.algorithms.contains(&parsed) {
            Ok(parsed)
        } else {
            Err(not_allowed())
        }
    }

    /// Does `signature` over `message` verify with this key under `alg`? `alg` must be one
    /// the key allows (see [`Prepared::allows`]).
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, SigError> {
        if !self.key.algorithms.contains(&alg) {
            return Err(SigError::AlgNotAllowed {
                alg: format!("{alg:?}"),
                allowed: self.key.algorithms.clone(),
            });
        }
        self.key
            .refuse_weak(alg)
            .map_err(|e| SigError::Unusable(e.into_message()))?;
        let hmac = self.hmac.as_ref();
        match (
            &self.key.material,
            hmac.and_then(|k| k.verify(alg, message, signature)),
        ) {
            (Material::Hmac(_), Some(matches)) => Ok(matches),
            (Material::Public(dk), _) | (Material::Private { decoding: dk, .. }, _) => {
                let sig_b64 = crate::token::b64::encode(signature);
                jsonwebtoken::crypto::verify(&sig_b64, message, dk, alg).map_err(|e| {
                    SigError::Unusable(format!("cannot verify with {}: {e}", self.key.label))
                })
            }
            (Material::Unsupported { reason }, _) => Err(SigError::Unusable(reason.clone())),
            _ => Err(SigError::Unusable(format!(
                "{} cannot be used with {alg:?}",
                self.key.family.name()
            ))),
        }
    }

    /// Sign `message` under `alg`, as [`sign`] does, but with the HMAC key schedule computed
    /// once in [`Prepared::new`] (minting many tokens signs with one key many times).
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, SigError> {
        match &self.hmac {
            Some(keys) if self.key.algorithms.contains(&alg) => match keys.sign(alg, message) {
                Some(tag) => Ok(tag),
                None => sign(self.key, alg, message),
            },
            _ => sign(self.key, alg, message),
        }
    }
}

/// Sign `message` with `key` under `alg`; returns the raw signature bytes.
pub(crate) fn sign(key: &Key, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, SigError> {
    if !key.algorithms.contains(&alg) {
        return Err(SigError::AlgNotAllowed {
            alg: format!("{alg:?}"),
            allowed: key.algorithms.clone(),
        });
    }
    match &key.material {
        Material::Hmac(secret) => HmacKeys::new(secret.expose())
            .sign(alg, message)
            .ok_or_else(|| SigError::Unusable(format!("{alg:?} does not fit an HMAC secret"))),
        Material::Private { encoding, .. } => {
            let b64 = jsonwebtoken::crypto::sign(message, encoding, alg)
                .map_err(|e| SigError::Unusable(format!("cannot sign with {}: {e}", key.label)))?;
            crate::token::b64::decode(b64.as_bytes()).map_err(SigError::Unusable)
        }
        Material::Public(_) => Err(SigError::Unusable(format!(
            "{} is a public key: signing needs the private key",
            key.label
        ))),
        Material::Unsupported { reason } => Err(SigError::Unusable(reason.clone())),
    }
}

/// The family's default algorithm for signing with `key` when none is asked for.
pub(crate) fn default_signing_alg(key: &Key) -> Option<Algorithm> {
    match key.family {
        Family::Hmac if key.algorithms.contains(&Algorithm::HS256) => Some(Algorithm::HS256),
        Family::Rsa if key.algorithms.contains(&Algorithm::RS256) => Some(Algorithm::RS256),
        _ => key.algorithms.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Secret;

    fn key(secret: &[u8]) -> Key {
        crate::keys::parse::test_hmac("k", secret)
    }

    #[test]
    fn jsonwebtoken_backend_signs_and_verifies_once() {
        // Fails CI (instead of panicking for a user) if the crypto backend feature is wrong.
        let enc = jsonwebtoken::EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let dec = jsonwebtoken::DecodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let sig = jsonwebtoken::crypto::sign(b"a.b", &enc, Algorithm::HS256).unwrap();
        assert!(jsonwebtoken::crypto::verify(&sig, b"a.b", &dec, Algorithm::HS256).unwrap());
        assert!(!jsonwebtoken::crypto::verify(&sig, b"a.c", &dec, Algorithm::HS256).unwrap());
    }

    #[test]
    fn hmac_round_trip_and_mismatch() {
        let k = key(&b"0123456789abcdef".repeat(4));
        let p = Prepared::new(&k);
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let sig = sign(&k, alg, b"h.p").unwrap();
            assert_eq!(p.verify(alg, b"h.p", &sig), Ok(true));
            assert_eq!(p.verify(alg, b"h.q", &sig), Ok(false));
        }
        let other = key(b"another-secret-of-enough-length!");
        let sig = sign(&other, Algorithm::HS256, b"h.p").unwrap();
        assert_eq!(p.verify(Algorithm::HS256, b"h.p", &sig), Ok(false));
    }

    #[test]
    fn secrets_shorter_than_the_hash_are_refused_unless_allowed() {
        let mut k = key(b"0123456789abcdef0123456789abcdef");
        let sig = sign(&k, Algorithm::HS512, b"h.p").unwrap();
        for (alg, allow_weak, want) in [
            (Algorithm::HS256, false, Some(true)),
            (Algorithm::HS384, false, None),
            (Algorithm::HS512, false, None),
            (Algorithm::HS512, true, Some(true)),
        ] {
            k.allow_weak = allow_weak;
            let p = Prepared::new(&k);
            let sig = if alg == Algorithm::HS512 {
                sig.clone()
            } else {
                sign(&k, alg, b"h.p").unwrap()
            };
            match (p.verify(alg, b"h.p", &sig), want) {
                (Ok(got), Some(want)) => assert_eq!(got, want, "{alg:?}"),
                (Err(SigError::Unusable(why)), None) => {
                    assert!(
                        why.contains("32 bytes") && why.contains("RFC 7518 §3.2"),
                        "{why}"
                    )
                }
                (other, _) => panic!("{alg:?} allow_weak={allow_weak}: {other:?}"),
            }
        }
    }

    #[test]
    fn prepared_signing_matches_one_off_signing() {
        let k = key(b"0123456789abcdef0123456789abcdef");
        let p = Prepared::new(&k);
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            assert_eq!(p.sign(alg, b"h.p"), sign(&k, alg, b"h.p"));
        }
        assert!(p.sign(Algorithm::RS256, b"h.p").is_err());
        let mut pinned = k.clone();
        pinned.pin(Algorithm::HS512).unwrap();
        assert!(matches!(
            Prepared::new(&pinned).sign(Algorithm::HS256, b"h.p"),
            Err(SigError::AlgNotAllowed { .. })
        ));
    }

    #[test]
    fn variants_are_prepared_once_and_verify_like_their_secret() {
        let k = key(b"0123456789abcdef0123456789abcdef\n");
        let p = Prepared::new(&k);
        let mut made = 0;
        let trimmed = |s: &[u8]| vec![(7, Secret::new(s.trim_ascii_end().to_vec()))];
        let first = p.variants(|s| {
            made += 1;
            trimmed(s)
        });
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].tag, 7);
        let again = p.variants(|_| unreachable!("prepared on the first call"));
        assert!(std::ptr::eq(first, again));
        assert_eq!(made, 1);
        let plain = key(b"0123456789abcdef0123456789abcdef");
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let sig = sign(&plain, alg, b"h.p").unwrap();
            assert_eq!(again[0].verify(alg, b"h.p", &sig), Some(true));
            assert_eq!(again[0].verify(alg, b"h.q", &sig), Some(false));
        }
        assert_eq!(again[0].verify(Algorithm::RS256, b"h.p", b"s"), None);
    }

    #[test]
    fn algorithm_is_pinned_by_the_key() {
        let k = key(b"0123456789abcdef0123456789abcdef");
        let p = Prepared::new(&k);
        assert!(matches!(
            p.allows("none"),
            Err(SigError::AlgNotAllowed { .. })
        ));
        assert!(matches!(
            p.allows("RS256"),
            Err(SigError::AlgNotAllowed { .. })
        ));
        assert!(matches!(
            p.allows("hs256"),
            Err(SigError::AlgNotAllowed { .. })
        ));
        assert_eq!(p.allows("HS384"), Ok(Algorithm::HS384));
        assert!(p.verify(Algorithm::RS256, b"x", b"y").is_err());
    }
}
