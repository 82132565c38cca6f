//! How strong an HMAC secret is for the algorithms it may be used with: the one judgement of
//! a secret's weakness, as data (the render layer words it). Pure; never looks at more than
//! the length and the list of placeholders.

use super::hmac_output_len;
use super::parse::is_placeholder;
use jsonwebtoken::Algorithm;

/// How long an HMAC secret is, and for which algorithms that is too short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Strength {
    /// Length in bytes, as used for signing.
    pub(crate) bytes: usize,
    /// A well-known placeholder (`secret`, `changeme`, ...).
    pub(crate) placeholder: bool,
    /// The key's HMAC algorithms whose hash output is longer than the secret (RFC 7518 §3.2).
    pub(crate) too_short_for: Vec<Algorithm>,
    /// The key's HMAC algorithms the length is enough for.
    pub(crate) long_enough_for: Vec<Algorithm>,
}

impl Strength {
    /// Judge `secret` for the HMAC algorithms among `algorithms`.
    pub(crate) fn of(secret: &[u8], algorithms: &[Algorithm]) -> Self {
        let (too_short_for, long_enough_for) = algorithms
            .iter()
            .copied()
            .filter(|a| hmac_output_len(*a).is_some())
            .partition(|a| hmac_output_len(*a).is_some_and(|len| secret.len() < len));
        Strength {
            bytes: secret.len(),
            placeholder: is_placeholder(secret),
            too_short_for,
            long_enough_for,
        }
    }

    /// The hash output length of `alg`, when `secret` is shorter than it (RFC 7518 §3.2).
    pub(crate) fn short_for(secret: &[u8], alg: Algorithm) -> Option<usize> {
        hmac_output_len(alg).filter(|&len| secret.len() < len)
    }

    /// Whether the secret is weak for every algorithm it may be used with: a placeholder, or
    /// shorter than every hash output (so no pin can make it safe).
    pub(crate) fn is_weak_for_all(&self) -> bool {
        self.placeholder || (self.long_enough_for.is_empty() && !self.too_short_for.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Family;

    #[test]
    fn weak_secrets() {
        let placeholder = Strength::of(b"changeme", Family::Hmac.algorithms());
        assert!(placeholder.placeholder && placeholder.is_weak_for_all());
        let short = Strength::of(&[7; 20], Family::Hmac.algorithms());
        assert!(short.is_weak_for_all());
        assert_eq!(short.too_short_for.len(), 3);
        let pinned = Strength::of(&[7; 32], &[Algorithm::HS256]);
        assert!(pinned.too_short_for.is_empty() && !pinned.is_weak_for_all());
        let unpinned = Strength::of(&[7; 32], Family::Hmac.algorithms());
        assert!(!unpinned.too_short_for.is_empty() && !unpinned.is_weak_for_all());
        assert_eq!(unpinned.long_enough_for, [Algorithm::HS256]);
        let long = Strength::of(&[7; 64], Family::Hmac.algorithms());
        assert!(long.too_short_for.is_empty() && !long.placeholder);
    }
}
