//! HMAC-SHA-256/384/512 (RFC 2104) with the keyed state computed once per secret.
//!
//! RustCrypto's `hmac` over `sha2` (which uses the CPU's SHA extensions when it has them).
//! A check clones the keyed state, hashes the message and compares in constant time. This is
//! what a batch spends on each token, and here it is cheaper than aws-lc-rs's `hmac::sign`,
//! which sets up and copies a whole context per call (docs/PERFORMANCE.md has the numbers).
//!
//! The keyed states are as good as the secret for forging a signature, so every one of them,
//! the long-lived and the per-check copies alike, is wiped when it is dropped. What the `hmac`
//! crate leaves on the stack while it derives a keyed state from the secret (the padded key
//! block, a long key's hash) is not reached by this: that happens once per key and run (and
//! per near-miss variant a diagnosis tries), not per token, while the secret itself stays in
//! memory, wiped on drop, for the whole run anyway.

use hmac::digest::{FixedOutputReset, KeyInit};
use hmac::{Hmac, Mac};
use jsonwebtoken::Algorithm;
use sha2::{Sha256, Sha384, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

/// An HMAC state, wiped on drop.
struct Wiped<M>(M);

impl<M> Drop for Wiped<M> {
    fn drop(&mut self) {
        // SAFETY: `M` is one of the three `Hmac<Sha*>` types below: plain arrays and integers
        // (digest states, block buffers, a buffer position) with no pointer, reference or
        // drop glue, for which all-zero bytes are a valid value (`flat_states_need_no_drop`
        // checks there is no drop glue and pins their sizes). It is not used after this.
        unsafe { zeroize::zeroize_flat_type(&mut self.0 as *mut M) }
    }
}

impl<M: Mac + KeyInit + Clone + FixedOutputReset> Wiped<M> {
    fn keyed(secret: &[u8]) -> Self {
        // HMAC takes a key of any length (a long one is hashed first): this cannot fail.
        Wiped(<M as Mac>::new_from_slice(secret).expect("HMAC accepts any key length"))
    }

    fn tag(&self, message: &[u8]) -> Vec<u8> {
        let mut mac = Wiped(self.0.clone());
        Mac::update(&mut mac.0, message);
        mac.0.finalize_reset().into_bytes().to_vec()
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let mut mac = Wiped(self.0.clone());
        Mac::update(&mut mac.0, message);
        let mut tag = mac.0.finalize_reset().into_bytes();
        let same = same_tag(&tag, signature);
        tag.zeroize();
        same
    }
}

/// Whether `signature` is `tag`, in constant time (subtle's comparisons, a word of 8 bytes at
/// a time: byte by byte, subtle's barrier made the comparison a visible part of a batch's
/// cost per token). A signature of another length is a mismatch: lengths are not secret.
fn same_tag(tag: &[u8], signature: &[u8]) -> bool {
    if tag.len() != signature.len() {
        return false;
    }
    let word = |bytes: &[u8]| {
        let mut word = [0u8; 8];
        word[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(word)
    };
    let mut same = Choice::from(1);
    for (t, s) in tag.chunks(8).zip(signature.chunks(8)) {
        same &= word(t).ct_eq(&word(s));
    }
    same.into()
}

/// One secret keyed for the three HMAC algorithms.
pub(crate) struct HmacKeys {
    s256: Wiped<Hmac<Sha256>>,
    s384: Wiped<Hmac<Sha384>>,
    s512: Wiped<Hmac<Sha512>>,
}

impl HmacKeys {
    /// Compute the keyed states of `secret`.
    pub(crate) fn new(secret: &[u8]) -> Self {
        HmacKeys {
            s256: Wiped::keyed(secret),
            s384: Wiped::keyed(secret),
            s512: Wiped::keyed(secret),
        }
    }

    /// The tag of `message` under `alg`; `None` when `alg` is not an HMAC algorithm.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Option<Vec<u8>> {
        match alg {
            Algorithm::HS256 => Some(self.s256.tag(message)),
            Algorithm::HS384 => Some(self.s384.tag(message)),
            Algorithm::HS512 => Some(self.s512.tag(message)),
            _ => None,
        }
    }

    /// Whether `signature` is the tag of `message` under `alg` (compared in constant time);
    /// `None` when `alg` is not an HMAC algorithm.
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Option<bool> {
        match alg {
            Algorithm::HS256 => Some(self.s256.verify(message, signature)),
            Algorithm::HS384 => Some(self.s384.verify(message, signature)),
            Algorithm::HS512 => Some(self.s512.verify(message, signature)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::hmac as lc;
    use proptest::prelude::*;

    const ALGS: [(Algorithm, lc::Algorithm); 3] = [
        (Algorithm::HS256, lc::HMAC_SHA256),
        (Algorithm::HS384, lc::HMAC_SHA384),
        (Algorithm::HS512, lc::HMAC_SHA512),
    ];

    #[test]
    fn flat_states_need_no_drop() {
        // What the wipe in `Wiped::drop` relies on is that the states are plain arrays and
        // integers. This cannot prove it; it catches drop glue (heap data), and the sizes catch
        // any change of layout in an upgrade of hmac, sha2 or digest, after which the SAFETY
        // argument must be checked again against the new sources (and these sizes updated).
        assert!(!std::mem::needs_drop::<Hmac<Sha256>>());
        assert!(!std::mem::needs_drop::<Hmac<Sha384>>());
        assert!(!std::mem::needs_drop::<Hmac<Sha512>>());
        assert_eq!(std::mem::size_of::<Hmac<Sha256>>(), 192);
        assert_eq!(std::mem::size_of::<Hmac<Sha384>>(), 384);
        assert_eq!(std::mem::size_of::<Hmac<Sha512>>(), 384);
    }

    #[test]
    fn rejects_other_algorithms_and_wrong_lengths() {
        let keys = HmacKeys::new(b"secret");
        assert_eq!(keys.sign(Algorithm::RS256, b"m"), None);
        assert_eq!(keys.verify(Algorithm::ES256, b"m", b"s"), None);
        let tag = keys.sign(Algorithm::HS256, b"m").unwrap();
        assert_eq!(keys.verify(Algorithm::HS256, b"m", &tag), Some(true));
        assert_eq!(keys.verify(Algorithm::HS256, b"m", &tag[..31]), Some(false));
        let mut longer = tag.clone();
        longer.push(0);
        assert_eq!(keys.verify(Algorithm::HS256, b"m", &longer), Some(false));
        assert_eq!(keys.verify(Algorithm::HS256, b"m", b""), Some(false));
        assert_eq!(keys.verify(Algorithm::HS384, b"m", &tag), Some(false));
    }

    #[test]
    fn tags_compare_whole() {
        let tag: Vec<u8> = (0..48).collect();
        assert!(same_tag(&tag, &tag));
        assert!(same_tag(&[], &[]));
        for at in 0..tag.len() {
            let mut other = tag.clone();
            other[at] ^= 0x80;
            assert!(!same_tag(&tag, &other), "byte {at}");
        }
        assert!(!same_tag(&tag, &tag[..47]));
        assert!(!same_tag(&tag[..47], &tag));
        // Not a multiple of 8: the last word is partial.
        assert!(same_tag(&tag[..13], &tag[..13]));
        let mut odd = tag[..13].to_vec();
        odd[12] ^= 1;
        assert!(!same_tag(&tag[..13], &odd));
    }

    #[test]
    fn a_keyed_state_is_reused_without_carrying_over() {
        let keys = HmacKeys::new(b"secret");
        let first = keys.sign(Algorithm::HS512, b"one").unwrap();
        let _ = keys.sign(Algorithm::HS512, b"two");
        assert_eq!(keys.sign(Algorithm::HS512, b"one").unwrap(), first);
    }

    proptest! {
        /// The same tags as aws-lc's HMAC, for keys shorter than, as long as and longer than
        /// the hash block (a long key is hashed first), and for empty ones.
        #[test]
        fn same_tags_as_aws_lc(
            secret in proptest::collection::vec(any::<u8>(), 0..200),
            message in proptest::collection::vec(any::<u8>(), 0..400),
            flip in any::<usize>(),
        ) {
            let keys = HmacKeys::new(&secret);
            for (alg, lc_alg) in ALGS {
                let expected = lc::sign(&lc::Key::new(lc_alg, &secret), &message);
                let tag = keys.sign(alg, &message).unwrap();
                prop_assert_eq!(tag.as_slice(), expected.as_ref());
                prop_assert_eq!(keys.verify(alg, &message, &tag), Some(true));
                let mut bad = tag.clone();
                bad[flip % tag.len()] ^= 1 << (flip % 8);
                prop_assert_eq!(keys.verify(alg, &message, &bad), Some(false));
            }
        }
    }
}
