//! The key model: what a key is, which algorithms it pins, and how it is identified.
//!
//! Keys are built from bytes by [`parse`] (pure: content detection of PEM, DER, JWK, JWKS;
//! the key-confusion check); a secret's weakness is judged once, by [`Strength`]. Which keys
//! a run wants is a [`KeySpec`]; reading them from the outside world (env, files, stdin,
//! prompt, URL) is the command layer's job (`cmd::load`).
//! The algorithm is always pinned by the key (or `--alg`), never by a token header.

pub(crate) mod digest;
pub(crate) mod encoding;
mod error;
pub(crate) mod hmac;
pub(crate) mod parse;
pub(crate) mod rules;
pub(crate) mod secret;
pub(crate) mod signature;
pub(crate) mod spec;
pub(crate) mod strength;

pub(crate) use encoding::{SecretEncoding, decode_hex, decode_secret};
pub(crate) use error::KeyError;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
pub(crate) use secret::Secret;
pub(crate) use spec::{KeySource, KeySpec};
pub(crate) use strength::Strength;

/// The kind of key, which decides the algorithms it can ever be used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// A shared secret: HS256/384/512.
    Hmac,
    /// RSA: RS256/384/512, PS256/384/512.
    Rsa,
    /// ECDSA on P-256 (ES256) or P-384 (ES384).
    Ec,
    /// Ed25519 (EdDSA).
    Ed,
}

impl Family {
    /// Human name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Family::Hmac => "HMAC secret",
            Family::Rsa => "RSA key",
            Family::Ec => "EC key",
            Family::Ed => "Ed25519 key",
        }
    }

    /// Every algorithm a key of this family could be used with.
    pub(crate) fn algorithms(self) -> &'static [Algorithm] {
        use Algorithm::*;
        match self {
            Family::Hmac => &[HS256, HS384, HS512],
            Family::Rsa => &[RS256, RS384, RS512, PS256, PS384, PS512],
            Family::Ec => &[ES256, ES384],
            Family::Ed => &[EdDSA],
        }
    }
}

/// What the key can do.
#[derive(Clone)]
pub(crate) enum Material {
    /// A shared secret (signs and verifies).
    Hmac(Secret),
    /// A public key (verifies only).
    Public(DecodingKey),
    /// A private key (signs; verifies with its public half).
    Private {
        /// For signing.
        encoding: EncodingKey,
        /// Its public half, for verifying.
        decoding: DecodingKey,
    },
    /// A key jwtctl recognises but cannot use (e.g. P-521 / ES512).
    Unsupported {
        /// Why, in plain words.
        reason: String,
    },
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Material::Hmac(s) => write!(f, "Hmac({s:?})"),
            Material::Public(_) => f.write_str("Public(..)"),
            Material::Private { .. } => f.write_str("Private(redacted)"),
            Material::Unsupported { reason } => write!(f, "Unsupported({reason})"),
        }
    }
}

/// One key of a key ring.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    /// Name shown in reports (`current`, `previous`, `env:JWT_SECRET`, ...).
    pub(crate) label: String,
    /// Where it came from, for messages (`file old.key`, `jwks https://...`).
    pub(crate) origin: String,
    /// The JWK `kid`, when the key has one.
    pub(crate) kid: Option<String>,
    /// The key's family.
    pub(crate) family: Family,
    /// Algorithms this key may verify or sign with (pinned by the key's `alg` or `--alg`,
    /// otherwise every algorithm of its family). Empty for an unsupported key.
    pub(crate) algorithms: Vec<Algorithm>,
    /// The key material.
    pub(crate) material: Material,
    /// `sha256:<64 hex>`: of the secret bytes for HMAC, of the RFC 7638 thumbprint input for
    /// asymmetric keys.
    pub(crate) fingerprint: String,
    /// RFC 7638 JWK thumbprint (base64url SHA-256), for asymmetric keys and `oct` JWKs.
    pub(crate) thumbprint: Option<String>,
    /// Modification time of the key file (Unix seconds), when it came from a file.
    pub(crate) modified: Option<i64>,
    /// The JWK's `key_ops`, when it names them (RFC 7517 §4.3).
    pub(crate) ops: Option<Vec<String>>,
    /// `--allow-weak-key`: an HMAC secret shorter than the hash output may still be used.
    pub(crate) allow_weak: bool,
}

impl Key {
    /// The first 8 hex digits of the fingerprint, for humans.
    pub(crate) fn short_fingerprint(&self) -> &str {
        digest::short(&self.fingerprint)
    }

    /// Pin the key to one algorithm (`--alg`), if it fits the key's family.
    pub(crate) fn pin(&mut self, alg: Algorithm) -> Result<(), KeyError> {
        if !self.family.algorithms().contains(&alg) {
            return Err(KeyError::new(format!(
                "--alg {alg:?} does not fit key `{}` ({})",
                self.label,
                self.family.name()
            )));
        }
        self.algorithms = vec![alg];
        Ok(())
    }

    /// Refuse the key for `op` (`verify`, `sign`) when its `key_ops` exclude it.
    pub(crate) fn permit(&self, op: &str) -> Result<(), KeyError> {
        rules::permits(self.ops.as_deref(), op)
            .map_err(|why| KeyError::new(format!("key `{}` cannot {op}: {why}", self.label)))
    }

    /// Refuse an HMAC secret shorter than `alg`'s hash output (RFC 7518 §3.2), unless
    /// `--allow-weak-key` was given.
    pub(crate) fn refuse_weak(&self, alg: Algorithm) -> Result<(), KeyError> {
        let Some(secret) = self.secret() else {
            return Ok(());
        };
        match Strength::short_for(secret.expose(), alg) {
            Some(need) if !self.allow_weak => Err(KeyError::new(format!(
                "secret `{}` is {} bytes, shorter than the {need}-byte hash output of {alg:?}; \
                 RFC 7518 §3.2 requires at least that (--allow-weak-key uses it anyway)",
                self.label,
                secret.expose().len()
            ))),
            _ => Ok(()),
        }
    }

    /// Whether a signature under `alg` matched a secret shorter than the hash output (only
    /// possible with `--allow-weak-key`).
    pub(crate) fn weak_for(&self, alg: Algorithm) -> bool {
        self.secret()
            .is_some_and(|s| Strength::short_for(s.expose(), alg).is_some())
    }

    /// How strong this HMAC secret is for the algorithms it may be used with, by length and
    /// the placeholder list (what `verify` warns about; see [`Strength::by_length`]).
    pub(crate) fn strength(&self) -> Option<Strength> {
        Some(Strength::by_length(
            self.secret()?.expose(),
            &self.algorithms,
        ))
    }

    /// The HMAC secret, if this is a shared-secret key.
    pub(crate) fn secret(&self) -> Option<&Secret> {
        match &self.material {
            Material::Hmac(s) => Some(s),
            _ => None,
        }
    }
}

/// Parse an algorithm name as jwtctl accepts it on the command line.
pub(crate) fn parse_algorithm(name: &str) -> Result<Algorithm, KeyError> {
    if name.eq_ignore_ascii_case("none") {
        return Err(KeyError::new("`none` is never accepted"));
    }
    if name == "ES512" {
        return Err(KeyError::new(
            "ES512 is not supported (jsonwebtoken 11 has no P-521)",
        ));
    }
    name.parse::<Algorithm>().map_err(|_| {
        KeyError::new(format!(
            "unknown algorithm {name:?}: use HS256, HS384, HS512, RS256, RS384, RS512, PS256, \
             PS384, PS512, ES256, ES384 or EdDSA"
        ))
    })
}

/// The hash output length of an HMAC algorithm, in bytes.
pub(crate) fn hmac_output_len(alg: Algorithm) -> Option<usize> {
    match alg {
        Algorithm::HS256 => Some(32),
        Algorithm::HS384 => Some(48),
        Algorithm::HS512 => Some(64),
        _ => None,
    }
}
