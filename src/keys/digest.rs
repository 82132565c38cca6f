//! Digests behind fingerprints: `sha256:<64 hex>` of the secret bytes (HMAC) or of the RFC 7638 thumbprint
//! input (asymmetric keys; its base64url form is the JWK thumbprint).

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// `sha256:<64 lower-case hex>` of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex_digest("sha256:", &Sha256::digest(bytes))
}

/// `prefix` followed by `bytes` in lower-case hex.
pub(crate) fn hex_digest(prefix: &str, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(prefix.len() + bytes.len() * 2);
    out.push_str(prefix);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// First 8 hex digits of a `sha256:` fingerprint.
pub(crate) fn short(fingerprint: &str) -> &str {
    let hex = fingerprint.strip_prefix("sha256:").unwrap_or(fingerprint);
    &hex[..hex.len().min(8)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(short(&sha256(b"")), "e3b0c442");
    }
}
