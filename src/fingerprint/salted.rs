//! The salted, slow check value of `fingerprint --salted`: argon2id over the key bytes as a
//! PHC string. Unlike the plain SHA-256 fingerprint, it cannot be used to test guesses of a
//! secret at hash speed: each guess costs the parameters below, and the salt rules out
//! precomputed tables. Pure: the salt comes from the command layer.
//!
//! `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`: RFC 9106's argon2id, version 0x13; memory
//! 19 MiB, 2 passes, 1 lane (OWASP's recommended minimum), a 16-byte salt and a 32-byte hash,
//! both in unpadded standard base64 as the PHC string format has it.

use crate::token::b64::{self, Alphabet};
use argon2::{Algorithm, Argon2, Params, Version};
use subtle::ConstantTimeEq;

/// Memory, KiB.
pub(crate) const M_COST: u32 = 19 * 1024;
/// Passes.
pub(crate) const T_COST: u32 = 2;
/// Lanes.
pub(crate) const P_COST: u32 = 1;
/// Salt length, bytes.
pub(crate) const SALT_LEN: usize = 16;
/// Hash length, bytes.
const HASH_LEN: usize = 32;

/// Upper bounds on the parameters an `--expect` value may ask for (a check value from
/// elsewhere must not make a health check take minutes or gigabytes).
pub(crate) const MAX_M_COST: u32 = 256 * 1024;
/// See [`MAX_M_COST`].
pub(crate) const MAX_T_COST: u32 = 16;
/// See [`MAX_M_COST`].
pub(crate) const MAX_P_COST: u32 = 8;

/// A parsed argon2id PHC string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Salted {
    m: u32,
    t: u32,
    p: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// Why an `$argon2id$` value cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaltedError {
    /// Not of the form `$argon2id$v=19$m=..,t=..,p=..$salt$hash`.
    Malformed,
    /// Parameters beyond the bounds.
    TooCostly,
}

impl Salted {
    /// The check value of `key` with `salt`, with jwtctl's parameters.
    pub(crate) fn new(key: &[u8], salt: [u8; SALT_LEN]) -> Self {
        let mut salted = Salted {
            m: M_COST,
            t: T_COST,
            p: P_COST,
            salt: salt.to_vec(),
            hash: Vec::new(),
        };
        salted.hash = salted.hash_of(key);
        salted
    }

    fn hash_of(&self, key: &[u8]) -> Vec<u8> {
        let params = Params::new(self.m, self.t, self.p, Some(HASH_LEN)).expect("bounded params");
        let mut out = vec![0u8; HASH_LEN];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(key, &self.salt, &mut out)
            .expect("salt and output lengths are valid");
        out
    }

    /// Parse a PHC string, strictly.
    pub(crate) fn parse(text: &str) -> Result<Self, SaltedError> {
        let parts: Vec<&str> = text.split('$').collect();
        let ["", "argon2id", "v=19", params, salt, hash] = parts.as_slice() else {
            return Err(SaltedError::Malformed);
        };
        let mut values = [0u32; 3];
        let names = ["m=", "t=", "p="];
        let fields: Vec<&str> = params.split(',').collect();
        if fields.len() != 3 {
            return Err(SaltedError::Malformed);
        }
        for ((field, name), value) in fields.iter().zip(names).zip(&mut values) {
            *value = field
                .strip_prefix(name)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse().ok())
                .ok_or(SaltedError::Malformed)?;
        }
        let [m, t, p] = values;
        let decode = |s: &str| {
            b64::decode_lenient(s.as_bytes(), Alphabet::Standard)
                .filter(|_| !s.contains('='))
                .ok_or(SaltedError::Malformed)
        };
        let (salt, hash) = (decode(salt)?, decode(hash)?);
        if salt.len() < 8 || hash.len() != HASH_LEN || Params::new(m, t, p, Some(HASH_LEN)).is_err()
        {
            return Err(SaltedError::Malformed);
        }
        if m > MAX_M_COST || t > MAX_T_COST || p > MAX_P_COST {
            return Err(SaltedError::TooCostly);
        }
        Ok(Salted {
            m,
            t,
            p,
            salt,
            hash,
        })
    }

    /// Whether `key` has this check value, compared in constant time.
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        bool::from(self.hash_of(key).ct_eq(&self.hash))
    }

    /// The PHC string.
    pub(crate) fn phc(&self) -> String {
        format!(
            "$argon2id$v=19$m={},t={},p={}${}${}",
            self.m,
            self.t,
            self.p,
            b64::encode_standard_unpadded(&self.salt),
            b64::encode_standard_unpadded(&self.hash)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_compare() {
        let salted = Salted::new(b"Password123!", [7; SALT_LEN]);
        let phc = salted.phc();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$"));
        let parsed = Salted::parse(&phc).unwrap();
        assert_eq!(parsed, salted);
        assert!(parsed.matches(b"Password123!"));
        assert!(!parsed.matches(b"Password123?"));
        // Another salt, another value for the same secret.
        assert_ne!(Salted::new(b"Password123!", [8; SALT_LEN]).phc(), phc);
    }

    #[test]
    fn strict_parsing() {
        let good = Salted::new(b"k", [1; SALT_LEN]).phc();
        for bad in [
            good.replace("argon2id", "argon2i"),
            good.replace("v=19", "v=16"),
            good.replace("t=2", "t=x"),
            good.replace(",p=1", ""),
            format!("{good}$"),
            good.replace("m=19456", "m=4"),
        ] {
            assert_eq!(Salted::parse(&bad), Err(SaltedError::Malformed), "{bad}");
        }
        assert_eq!(
            Salted::parse(&good.replace("m=19456", "m=9999999")),
            Err(SaltedError::TooCostly)
        );
    }
}
