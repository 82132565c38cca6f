//! Strict base64url: the alphabet of RFC 4648 §5, no padding, no non-canonical trailing bits.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The one engine every segment goes through, both ways.
pub const STRICT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decode one segment, or say in plain words what is wrong with it.
///
/// The SIMD decoder (`base64-simd`, as strict: no padding, canonical trailing bits) does the
/// work; it was a tenth of `decode --json` with the scalar engine alone. It gives no detail
/// when it refuses, so anything it refuses goes through [`STRICT`], which has the final word
/// and names the problem; a property test checks that the two agree.
pub fn decode(segment: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if base64_simd::URL_SAFE_NO_PAD
        .decode_append(segment, &mut out)
        .is_ok()
    {
        return Ok(out);
    }
    decode_scalar(segment)
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

/// [`decode`] with the scalar engine only.
pub fn decode_scalar(segment: &[u8]) -> Result<Vec<u8>, String> {
    // Not `STRICT.decode`: it zeroes its buffer with calloc, which glibc serves from the
    // heap's top instead of the thread cache, so in a batch every token's payload was carved
    // from the top and freed back into it, each time consolidating the heap (perf: 3-5% of
    // verify in malloc_consolidate). A plain allocation of the same size is reused instead.
    let mut out = Vec::with_capacity(segment.len() / 4 * 3 + 3);
    STRICT
        .decode_vec(segment, &mut out)
        .map_err(|e| describe(segment, e))?;
    Ok(out)
}

/// Encode bytes as unpadded base64url.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    STRICT.encode(bytes)
}

fn describe(segment: &[u8], error: base64::DecodeError) -> String {
    use base64::DecodeError::*;
    match error {
        InvalidByte(offset, byte) => describe_byte(offset, byte),
        InvalidLength(len) => format!(
            "invalid base64url length {len} (one character too many or too few: truncated?)"
        ),
        InvalidLastSymbol(offset, _) => format!(
            "non-canonical base64url at offset {offset}: the last character has unused bits set"
        ),
        InvalidPadding => {
            // The engine reports padding without an offset; find it ourselves.
            let offset = segment.iter().position(|&b| b == b'=').unwrap_or(0);
            describe_byte(offset, b'=')
        }
    }
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

    proptest::proptest! {
        /// The SIMD fast path accepts exactly what the strict scalar engine accepts, with the
        /// same bytes; anything else would make the reader more lenient (or differ by machine).
        #[test]
        fn simd_and_scalar_agree(input in segment()) {
            let simd = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(&input).ok();
            let scalar = decode_scalar(&input).ok();
            proptest::prop_assert_eq!(&simd, &scalar);
            proptest::prop_assert_eq!(decode(&input).ok(), scalar);
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
