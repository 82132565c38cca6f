//! How strong an HMAC secret is for the algorithms it may be used with: the one judgement of
//! a secret's weakness, as data (the render layer words it). Pure: the length against the
//! hash output (RFC 7518 §3.2), the list of placeholders, and for a text secret the `zxcvbn`
//! estimate of how many guesses a password cracker needs.

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
    /// For a text secret, log10 of the guesses `zxcvbn` estimates a cracker needs (rounded
    /// down); `None` for a binary secret, which no dictionary models.
    pub(crate) guesses_log10: Option<u8>,
    /// Guessable: a placeholder, or fewer than 10^[`GUESSABLE_BELOW_LOG10`] estimated guesses.
    /// Its unsalted fingerprint then lets anyone who sees it confirm a guess offline.
    pub(crate) guessable: bool,
}

/// Below 10^14 estimated guesses a text secret counts as guessable: its fingerprint is one
/// SHA-256, and one GPU tries ~10^10 of those a second, so 10^14 is hours of one card.
pub(crate) const GUESSABLE_BELOW_LOG10: u8 = 14;

/// Characters of a secret the estimator looks at (its cost grows with the length; a longer
/// text secret is judged by its start).
const ESTIMATE_CHARS: usize = 64;

/// log10 of `zxcvbn`'s guess estimate for a text secret (UTF-8, no control characters; a
/// trailing newline is ignored), rounded down.
fn guesses_log10(secret: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(secret.trim_ascii_end()).ok()?;
    if text.is_empty() || text.chars().any(char::is_control) {
        return None;
    }
    let head: String = text.chars().take(ESTIMATE_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&head, &[]).guesses_log10();
    Some(estimate.clamp(0.0, 255.0) as u8)
}

impl Strength {
    /// Judge `secret` for the HMAC algorithms among `algorithms`, the guess estimate included.
    pub(crate) fn of(secret: &[u8], algorithms: &[Algorithm]) -> Self {
        let mut strength = Self::by_length(secret, algorithms);
        strength.guesses_log10 = guesses_log10(secret);
        strength.guessable = strength.placeholder
            || strength
                .guesses_log10
                .is_some_and(|g| g < GUESSABLE_BELOW_LOG10);
        strength
    }

    /// Judge `secret` by its length and the placeholder list only. The estimator builds its
    /// dictionaries on first use, about ten times what a one-token `verify` costs otherwise, so
    /// `verify` judges this way and `fingerprint` and `mint` (which sign, or vouch for a key)
    /// run the estimator.
    pub(crate) fn by_length(secret: &[u8], algorithms: &[Algorithm]) -> Self {
        let (too_short_for, long_enough_for) = algorithms
            .iter()
            .copied()
            .filter(|a| hmac_output_len(*a).is_some())
            .partition(|a| hmac_output_len(*a).is_some_and(|len| secret.len() < len));
        let placeholder = is_placeholder(secret);
        Strength {
            bytes: secret.len(),
            placeholder,
            too_short_for,
            long_enough_for,
            guesses_log10: None,
            guessable: placeholder,
        }
    }

    /// The hash output length of `alg`, when `secret` is shorter than it (RFC 7518 §3.2).
    pub(crate) fn short_for(secret: &[u8], alg: Algorithm) -> Option<usize> {
        hmac_output_len(alg).filter(|&len| secret.len() < len)
    }

    /// Whether the secret is weak for every algorithm it may be used with: a placeholder, or
    /// shorter than every hash output (so no pin can make it safe).
    pub(crate) fn is_weak_for_all(&self) -> bool {
        self.guessable || (self.long_enough_for.is_empty() && !self.too_short_for.is_empty())
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

    #[test]
    fn guessable_secrets() {
        let all = Family::Hmac.algorithms();
        // (secret, guessable): long enough for HS256 is not enough.
        for (secret, guessable) in [
            (&b"Password123!"[..], true),
            (b"password", true),
            (b"passwordpasswordpasswordpassword", true),
            (b"Password123!Password123!Password123!", true),
            (b"9f2c7a1e4b8d03f6a5c9e2b7d4f1a8c3", false),
            (b"q8#Lx!2vR@9mZ$4tW&7nB^1kP*6sD%3h", false),
            (b"\xff\x00binary", false),
        ] {
            let s = Strength::of(secret, all);
            assert_eq!(
                s.guessable,
                guessable,
                "{:?}: {s:?}",
                String::from_utf8_lossy(secret)
            );
        }
        assert_eq!(Strength::of(b"\xff\x00", all).guesses_log10, None);
        assert!(
            Strength::of(b"passwordpasswordpasswordpassword", &[Algorithm::HS256])
                .is_weak_for_all()
        );
    }
}
