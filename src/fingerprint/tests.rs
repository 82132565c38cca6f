use super::*;
use crate::error::Failure;
use crate::exit::Exit;
use crate::keys::parse::{Origin, key_file};
use jsonwebtoken::Algorithm;

/// The error as a run reports it (the words are the render layer's).
fn worded(error: FingerprintError) -> Failure {
    crate::render::fingerprint::failure(&error)
}

const RFC7638_JWK: &str = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
const RFC7638_THUMBPRINT: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

fn origin(label: &str) -> Origin {
    Origin {
        label: label.into(),
        origin: format!("test {label}"),
        modified: None,
    }
}

fn hmac(label: &str, secret: &[u8]) -> Key {
    crate::keys::parse::test_hmac(label, secret)
}

/// SHA-256 in hex, computed here rather than through the code under test.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn expect(text: &str) -> Options<'static> {
    Options {
        expected: Some(Expected::parse(text).unwrap()),
        ..Options::default()
    }
}

#[test]
fn expected_values_are_parsed_strictly() {
    let hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    for ok in [
        format!("sha256:{hex}"),
        format!("SHA256:{}", hex.to_lowercase()),
    ] {
        let e = Expected::parse(&ok).unwrap();
        assert_eq!(e.notation(), Notation::Full);
        assert_eq!(e.shown(), format!("sha256:{}", hex.to_lowercase()));
    }
    let t = Expected::parse(RFC7638_THUMBPRINT).unwrap();
    assert_eq!(
        (t.notation(), t.shown().as_str()),
        (Notation::Thumbprint, RFC7638_THUMBPRINT)
    );
    assert_eq!(
        Expected::parse_short("1A2b3c4D").unwrap().shown(),
        "1a2b3c4d"
    );
    for bad in [
        "",
        hex,
        &format!("sha256:{}", &hex[1..]),
        &format!("sha256:{hex}0"),
        &format!("sha256:{hex}\n"),
        &format!(" sha256:{hex}"),
        &format!("sha256:{}g", &hex[1..]),
        &format!("sha1:{hex}"),
        "1a2b3c4d",
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X",
        "NzbLsXh8uDCcd+6MNwXF4W/7noWXFZAfHkxZsRGC9Xs",
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xt",
        "sha256:é",
    ] {
        let err = worded(Expected::parse(bad).unwrap_err());
        assert_eq!(err.exit, Exit::Usage, "{bad:?}");
    }
    for bad in [
        "1a2b3c4",
        "1a2b3c4d5",
        "1a2b3c4g",
        " 1a2b3c4d",
        &format!("sha256:{hex}"),
    ] {
        assert_eq!(
            worded(Expected::parse_short(bad).unwrap_err()).exit,
            Exit::Usage,
            "{bad:?}"
        );
    }
}

#[test]
fn malformed_expectations_do_not_echo_the_value() {
    let secret = "hunter2-the-actual-secret";
    let err = worded(Expected::parse(secret).unwrap_err());
    let shown = format!("{} {:?}", err.message, err.hints);
    assert!(!shown.contains("hunter2"), "{shown}");
    let err = worded(Expected::parse_short(secret).unwrap_err());
    assert!(!format!("{} {:?}", err.message, err.hints).contains("hunter2"));
    assert!(
        worded(Expected::parse("1a2b3c4d").unwrap_err()).hints[1].contains("--expect-short"),
        "a short form needs its own flag"
    );
}

#[test]
fn hmac_fingerprint_is_sha256_of_the_bytes() {
    let secret = b"a-secret-of-thirty-two-bytes-!!!";
    let report = report(&[hmac("s", secret)], Options::default()).unwrap();
    let key = &report.keys[0];
    let digests = key.digests.as_ref().unwrap();
    assert_eq!(
        digests.fingerprint,
        format!("sha256:{}", hex_sha256(secret))
    );
    assert_eq!(digests.thumbprint, None);
    assert_eq!(report.matched(), None);
    let strength = key.strength.as_ref().unwrap();
    assert_eq!(strength.bytes, 32);
    assert_eq!(strength.long_enough_for, [Algorithm::HS256]);
    assert_eq!(strength.too_short_for, [Algorithm::HS384, Algorithm::HS512]);
}

#[test]
fn rfc7638_example_key() {
    let keys = key_file(origin("rfc"), RFC7638_JWK.as_bytes()).unwrap();
    let report = report(&keys, Options::default()).unwrap();
    let digests = report.keys[0].digests.as_ref().unwrap();
    assert_eq!(digests.thumbprint.as_deref(), Some(RFC7638_THUMBPRINT));
    let raw = b64::decode(RFC7638_THUMBPRINT.as_bytes()).unwrap();
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digests.fingerprint, format!("sha256:{hex}"));
    assert_eq!(report.keys[0].strength, None);
    for expected in [RFC7638_THUMBPRINT.to_owned(), format!("sha256:{hex}")] {
        let r = super::report(&keys, expect(&expected)).unwrap();
        assert_eq!(r.matched(), Some(true), "{expected}");
        assert_eq!(r.keys[0].digests, None, "withheld unless asked");
    }
}

#[test]
fn match_and_mismatch() {
    let secret = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let keys = [hmac("s", secret)];
    let good = format!("sha256:{}", hex_sha256(secret));
    let r = report(&keys, expect(&good)).unwrap();
    assert_eq!(r.matched(), Some(true));
    let strength = r.keys[0].strength.as_ref().unwrap();
    assert!(strength.too_short_for.is_empty() && !strength.placeholder);
    let other = format!("sha256:{}", hex_sha256(b"another"));
    let r = report(&keys, expect(&other)).unwrap();
    assert_eq!(r.matched(), Some(false));
    assert_eq!(r.keys[0].digests, None);
    let shown = report(
        &keys,
        Options {
            show_actual: true,
            ..expect(&other)
        },
    )
    .unwrap();
    assert_eq!(shown.keys[0].digests.as_ref().unwrap().fingerprint, good);
    let short = |s: &str| Options {
        expected: Some(Expected::parse_short(s).unwrap()),
        ..Options::default()
    };
    assert_eq!(
        report(&keys, short(&good[7..15])).unwrap().matched(),
        Some(true)
    );
    assert_eq!(
        report(&keys, short(&other[7..15])).unwrap().matched(),
        Some(false)
    );
}

#[test]
fn several_keys_need_a_selection_or_any() {
    let keys = [hmac("a", &[1; 64]), hmac("b", &[2; 64])];
    let fp_b = format!("sha256:{}", hex_sha256(&[2; 64]));
    let err = worded(report(&keys, expect(&fp_b)).unwrap_err());
    assert_eq!(err.exit, Exit::Usage);
    assert!(err.message.contains("2 keys"), "{}", err.message);
    let any = report(
        &keys,
        Options {
            any: true,
            ..expect(&fp_b)
        },
    )
    .unwrap();
    assert_eq!(any.matched(), Some(true));
    assert_eq!(
        any.keys
            .iter()
            .map(|k| k.expect.unwrap().matched)
            .collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(report(&keys, Options::default()).unwrap().keys.len(), 2);
}

#[test]
fn kid_selection() {
    let set = r#"{"keys":[
        {"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty":"EC","crv":"P-256","kid":"b","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
    let keys = key_file(origin("set"), set.as_bytes()).unwrap();
    let r = report(
        &keys,
        Options {
            kid: Some("b"),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(r.keys.len(), 1);
    assert_eq!(
        (r.keys[0].family, r.keys[0].kid.as_deref()),
        (Family::Ec, Some("b"))
    );
    let err = worded(
        report(
            &keys,
            Options {
                kid: Some("zz"),
                ..Options::default()
            },
        )
        .unwrap_err(),
    );
    assert_eq!(err.exit, Exit::KeyUnusable);
    assert!(err.hints[0].contains("`a`, `b`"), "{:?}", err.hints);
}

#[test]
fn thumbprint_notation_is_for_asymmetric_keys() {
    let keys = [hmac("s", &[9; 64])];
    let err = worded(report(&keys, expect(RFC7638_THUMBPRINT)).unwrap_err());
    assert_eq!(err.exit, Exit::Usage);
    // The same 32 bytes as the HMAC fingerprint, written as a thumbprint: still refused,
    // the notation says which kind of key the operator meant.
    let raw = sha2_digest(&[9; 64]);
    let err = worded(report(&keys, expect(&b64::encode(raw))).unwrap_err());
    assert_eq!(err.exit, Exit::Usage);
}

#[test]
fn trailing_whitespace_of_text_secrets() {
    let t = |s: &[u8]| Trailing::of(s).map(|(t, w)| (t.ending, t.bytes, w.to_vec()));
    assert_eq!(t(b"abc\n"), Some((Ending::Lf, 1, b"abc".to_vec())));
    assert_eq!(t(b"abc\r\n"), Some((Ending::Crlf, 2, b"abc".to_vec())));
    assert_eq!(
        t(b"abc \n\n"),
        Some((Ending::Whitespace, 3, b"abc".to_vec()))
    );
    assert_eq!(t(b"abc"), None);
    assert_eq!(t(b"\n"), None, "nothing but whitespace");
    assert_eq!(t(b"\xff\x10binary\n"), None, "binary secret");
}

#[test]
fn newline_terminated_secret_shows_both_fingerprints() {
    let keys = [hmac("file", b"the-real-secret-of-32-bytes-long!\n")];
    let without = format!(
        "sha256:{}",
        hex_sha256(b"the-real-secret-of-32-bytes-long!")
    );
    let r = report(&keys, Options::default()).unwrap();
    let key = &r.keys[0];
    assert_eq!(key.trailing.unwrap().ending, Ending::Lf);
    let digests = key.digests.as_ref().unwrap();
    assert_eq!(
        digests.fingerprint,
        format!(
            "sha256:{}",
            hex_sha256(b"the-real-secret-of-32-bytes-long!\n")
        )
    );
    assert_eq!(digests.without_trailing.as_deref(), Some(without.as_str()));
    // Expecting the secret without its newline: a mismatch, with the reason found.
    let r = report(&keys, expect(&without)).unwrap();
    assert_eq!(r.matched(), Some(false));
    assert_eq!(
        r.keys[0].expect,
        Some(KeyMatch {
            matched: false,
            matched_without_trailing: Some(true)
        })
    );
}

#[test]
fn no_keys_is_a_key_failure_with_hints() {
    let err = worded(report(&[], Options::default()).unwrap_err());
    assert_eq!(err.exit, Exit::KeyUnusable);
    assert!(err.hints.iter().any(|h| h.contains("JWT_SECRET")));
}
