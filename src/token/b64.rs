//! base64, every text jwtctl reads or writes: strict base64url for token segments (the
//! alphabet of RFC 4648 §5, no padding, no non-canonical trailing bits), standard base64 for
//! PEM, and a lenient reading for secrets as people store them.

/// Decode one segment, or say in plain words what is wrong with it. The one decoder is
/// `base64-simd` (strict: no padding, canonical trailing bits); it gives no detail when it
/// refuses, so [`describe`] finds what is wrong without decoding.
pub fn decode(segment: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match base64_simd::URL_SAFE_NO_PAD.decode_append(segment, &mut out) {
        Ok(_) => Ok(out),
        Err(_) => Err(describe(segment)),
    }
}

/// [`decode`] into `buf` when the segment decodes to at most its size: the bytes' length, or
/// `None` when it is longer or not strict base64url (then [`decode`] says what is wrong).
pub fn decode_into(segment: &[u8], buf: &mut [u8]) -> Option<usize> {
    let engine = base64_simd::URL_SAFE_NO_PAD;
    let len = engine.decoded_length(segment).ok()?;
    if len > buf.len() {
        return None;
    }
    let out = base64_simd::Out::from_slice(&mut buf[..len]);
    engine.decode(segment, out).ok().map(|bytes| bytes.len())
}

/// Encode bytes as unpadded base64url.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    base64_simd::URL_SAFE_NO_PAD.encode_to_string(bytes)
}

/// Encode bytes as standard, padded base64 (PEM bodies).
pub fn encode_standard(bytes: impl AsRef<[u8]>) -> String {
    base64_simd::STANDARD.encode_to_string(bytes)
}

/// Encode bytes as standard base64 without padding (PHC strings).
pub fn encode_standard_unpadded(bytes: impl AsRef<[u8]>) -> String {
    base64_simd::STANDARD_NO_PAD.encode_to_string(bytes)
}

/// Decode text as standard base64 or as base64url, padded or not, with unused trailing bits
/// allowed (secrets as people store them, near misses of the diagnosis). `None` when it is
/// neither; the bytes are never described, since they may be a secret.
pub fn decode_lenient(text: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    let unpadded = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if unpadded.len() % 4 == 1 || unpadded.contains(&b'=') {
        return None;
    }
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(unpadded.len() / 4 * 3 + 2);
    for &byte in unpadded {
        bits = bits << 6 | u32::from(alphabet.value(byte)?);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// The two base64 alphabets of RFC 4648.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// `+` and `/` (§4).
    Standard,
    /// `-` and `_` (§5).
    UrlSafe,
}

impl Alphabet {
    fn value(self, byte: u8) -> Option<u8> {
        match (byte, self) {
            (b'A'..=b'Z', _) => Some(byte - b'A'),
            (b'a'..=b'z', _) => Some(byte - b'a' + 26),
            (b'0'..=b'9', _) => Some(byte - b'0' + 52),
            (b'+', Alphabet::Standard) | (b'-', Alphabet::UrlSafe) => Some(62),
            (b'/', Alphabet::Standard) | (b'_', Alphabet::UrlSafe) => Some(63),
            _ => None,
        }
    }
}

/// What is wrong with a segment the decoder refused: the first byte outside the alphabet, a
/// length no base64 text has, or a last character with unused bits set.
fn describe(segment: &[u8]) -> String {
    if let Some(offset) = segment
        .iter()
        .position(|&b| Alphabet::UrlSafe.value(b).is_none())
    {
        return describe_byte(offset, segment[offset]);
    }
    if segment.len() % 4 == 1 {
        return format!(
            "invalid base64url length {} (one character too many or too few: truncated?)",
            segment.len()
        );
    }
    format!(
        "non-canonical base64url at offset {}: the last character has unused bits set",
        segment.len().saturating_sub(1)
    )
}

fn describe_byte(offset: usize, byte: u8) -> String {
    match byte {
        b'=' => format!("padding '=' at offset {offset}: JWT segments are unpadded base64url"),
        b'+' | b'/' => format!(
            "'{}' at offset {offset}: this is standard base64, JWTs use base64url ('-' and '_')",
            byte as char
        ),
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
            format!("whitespace at offset {offset} is not allowed inside a segment")
        }
        0x21..=0x7e => format!(
            "invalid base64url character '{}' at offset {offset}",
            byte as char
        ),
        _ => format!("invalid base64url byte 0x{byte:02x} at offset {offset}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for input in [&b""[..], b"f", b"fo", b"foo", b"\xff\xfe\xfd\x00"] {
            assert_eq!(decode(encode(input).as_bytes()).unwrap(), input);
        }
    }

    #[test]
    fn rejects_what_lenient_decoders_accept() {
        let cases: &[(&[u8], &str)] = &[
            (b"Zm9v=", "padding '=' at offset 4"),
            (b"Zm8=", "padding '=' at offset 3"),
            (b"a+b/", "standard base64"),
            (b"Zm 9v", "whitespace at offset 2"),
            (b"Zm9vY", "invalid base64url length 5"),
            (b"Zm9=", "padding"),
            (b"Zh", "non-canonical"),
            (b"Zm\xc3\xa9", "0xc3 at offset 2"),
            (b"Zm*v", "'*' at offset 2"),
        ];
        for (input, needle) in cases {
            let err = decode(input).unwrap_err();
            assert!(err.contains(needle), "{input:?}: {err}");
        }
    }

    /// Bytes that are mostly base64url, with some padding, standard-alphabet and stray bytes.
    fn segment() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let byte = prop_oneof![
            20 => proptest::sample::select(ALPHABET),
            1 => proptest::sample::select(&b"=+/ .\n"[..]),
            1 => any::<u8>(),
        ];
        proptest::collection::vec(byte, 0..120)
    }

    #[test]
    fn lenient_decoding_takes_both_paddings_and_trailing_bits() {
        for (text, alphabet, want) in [
            (&b"Zm9v"[..], Alphabet::Standard, Some(&b"foo"[..])),
            (b"Zm8=", Alphabet::Standard, Some(b"fo")),
            (b"Zm8", Alphabet::UrlSafe, Some(b"fo")),
            (b"Zh", Alphabet::UrlSafe, Some(b"f")),
            (b"-_8", Alphabet::UrlSafe, Some(b"\xfb\xff")),
            (b"+/8=", Alphabet::Standard, Some(b"\xfb\xff")),
            (b"+/8=", Alphabet::UrlSafe, None),
            (b"Zm9vY", Alphabet::Standard, None),
            (b"Zm=v", Alphabet::Standard, None),
            (b"Zm$v", Alphabet::Standard, None),
        ] {
            assert_eq!(decode_lenient(text, alphabet).as_deref(), want, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Decoding into a buffer gives the same bytes as decoding into a vector when they
        /// fit, and nothing otherwise.
        #[test]
        fn decoding_into_a_buffer_agrees(input in segment(), size in 0usize..100) {
            let mut buf = vec![0u8; size];
            let into = decode_into(&input, &mut buf).map(|len| buf[..len].to_vec());
            let whole = decode(&input).ok().filter(|bytes| bytes.len() <= size);
            proptest::prop_assert_eq!(into, whole);
        }
    }

    #[test]
    fn decoding_into_a_buffer_that_fits_exactly_or_not() {
        let mut buf = [0u8; 3];
        assert_eq!(decode_into(b"Zm9v", &mut buf), Some(3));
        assert_eq!(&buf, b"foo");
        assert_eq!(decode_into(b"Zm9v", &mut buf[..2]), None);
        assert_eq!(decode_into(b"Zm8", &mut buf[..2]), Some(2));
        assert_eq!(decode_into(b"", &mut buf[..0]), Some(0));
        assert_eq!(decode_into(b"Zm9v=", &mut buf), None);
    }

    #[test]
    fn simd_refuses_non_canonical_tails() {
        // "Zh" decodes to "f" with unused bits set; "Zg" is the canonical form.
        assert!(base64_simd::URL_SAFE_NO_PAD.decode_to_vec(b"Zh").is_err());
        assert_eq!(decode(b"Zg").unwrap(), b"f");
        assert!(decode(b"Zh").unwrap_err().contains("non-canonical"));
    }
}
