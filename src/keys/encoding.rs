//! How secret bytes are written down (`--secret-encoding`), and decoding them. Pure.

use super::{KeyError, Secret};
use crate::token::b64::{self, Alphabet};

/// How HMAC secrets given on the command line, in env vars or files are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SecretEncoding {
    /// The bytes exactly as given (a trailing newline in a file is part of the secret).
    #[default]
    Raw,
    /// Standard base64 (surrounding whitespace ignored).
    Base64,
    /// base64url (surrounding whitespace ignored).
    Base64url,
    /// Hexadecimal (surrounding whitespace ignored).
    Hex,
}

/// Apply the encoding to the secret as given. A raw secret is handed back as it is (no copy);
/// a decoded one replaces it, and the encoded form is wiped when dropped here.
pub(crate) fn decode_secret(raw: Secret, encoding: SecretEncoding) -> Result<Secret, KeyError> {
    let text = raw.expose().trim_ascii();
    let decoded = match encoding {
        SecretEncoding::Raw => return Ok(raw),
        SecretEncoding::Base64 => {
            b64::decode_lenient(text, Alphabet::Standard).ok_or_else(|| not_valid("base64"))
        }
        SecretEncoding::Base64url => {
            b64::decode_lenient(text, Alphabet::UrlSafe).ok_or_else(|| not_valid("base64url"))
        }
        SecretEncoding::Hex => decode_hex(text).ok_or_else(|| not_valid("hex")),
    }
    .map_err(KeyError::new)?;
    Ok(Secret::new(decoded))
}

/// Why a secret does not decode, without a byte of it or the place it fails (either would
/// tell part of the secret).
fn not_valid(encoding: &str) -> String {
    format!("not valid {encoding} (which byte and where are not shown: it is a secret)")
}

/// Decode hex (either case); `None` unless every character is a hex digit and the length even.
pub(crate) fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let decoded =
            |raw: &[u8], encoding| decode_secret(Secret::new(raw.to_vec()), encoding).unwrap();
        assert_eq!(decoded(b"abc\n", SecretEncoding::Raw).expose(), b"abc\n");
        assert_eq!(decoded(b"YWJj\n", SecretEncoding::Base64).expose(), b"abc");
        assert_eq!(
            decoded(b"_-8", SecretEncoding::Base64url).expose(),
            b"\xff\xef"
        );
        assert_eq!(decoded(b"6162FF", SecretEncoding::Hex).expose(), b"ab\xff");
        assert!(decode_secret(Secret::new(b"6g".to_vec()), SecretEncoding::Hex).is_err());
    }
}
