//! JOSE key rules checked when a key is loaded: an invalid key is exit 5 with the rule and its
//! RFC section named, never "matches no key". One row per rule.

use super::{Session, hs256_with};
use crate::support::b64;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use num_bigint::BigUint;

const SECRET: &[u8] = b"key-rules-secret-of-32-bytes-0a9";

/// A P-256 key pair: its coordinates (base64url) and an ES256 token it signed.
fn p256() -> (String, String, String) {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
    let point = pair.public_key().as_ref();
    let (x, y) = (b64(&point[1..33]), b64(&point[33..65]));
    let input = format!("{}.{}", b64(r#"{"alg":"ES256"}"#), b64(r#"{"sub":"u"}"#));
    let sig = pair.sign(&rng, input.as_bytes()).unwrap();
    (x, y, format!("{input}.{}", b64(sig.as_ref())))
}

/// A modulus with the ROCA fingerprint: a product of two numbers of the vulnerable
/// generator's form k·M + (65537^a mod M), M the product of the fingerprint's primes.
fn roca_modulus() -> String {
    let primes = [
        3u32, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    let m: BigUint = primes.iter().map(|&p| BigUint::from(p)).product();
    let g = BigUint::from(65537u32);
    let part = |k: u32, a: u32| -> BigUint {
        (BigUint::from(k) << 1000u32) * &m + g.modpow(&BigUint::from(a), &m)
    };
    b64((part(5, 321) * part(9, 77)).to_bytes_be())
}

#[test]
fn invalid_keys_are_refused_with_the_rule_named() {
    let mut s = Session::new();
    s.secret(SECRET);
    let k = b64(SECRET);
    let hs = hs256_with(SECRET, r#"{"alg":"HS256"}"#, r#"{"sub":"u"}"#);
    let (x, y, es) = p256();
    let rs = format!(
        "{}.{}.AAAA",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"sub":"u"}"#)
    );
    let n2048 = b64([[0xc3u8].as_slice(), &[0x5a; 255]].concat());
    let n1024 = b64([[0xc3u8].as_slice(), &[0x5a; 127]].concat());
    let zero = b64([0u8; 32]);
    let ed = format!(
        "{}.{}.AAAA",
        b64(r#"{"alg":"EdDSA"}"#),
        b64(r#"{"sub":"u"}"#)
    );
    let rows: Vec<(&str, String, &String, &str)> = vec![
        (
            "crv names a curve the coordinates do not fit",
            format!(r#"{{"kty":"EC","crv":"P-384","alg":"ES256","x":"{x}","y":"{y}"}}"#),
            &es,
            "RFC 7518 §6.2.1.2",
        ),
        (
            "alg of another curve",
            format!(r#"{{"kty":"EC","crv":"P-256","alg":"ES384","x":"{x}","y":"{y}"}}"#),
            &es,
            "RFC 7518 §3.4",
        ),
        (
            "point off the curve",
            format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{zero}"}}"#),
            &es,
            "not on P-256",
        ),
        (
            "key_ops exclude verify",
            format!(r#"{{"kty":"oct","key_ops":["encrypt"],"k":"{k}"}}"#),
            &hs,
            "RFC 7517 §4.3",
        ),
        (
            "use: sig with key_ops encrypt",
            format!(r#"{{"kty":"oct","use":"sig","key_ops":["encrypt"],"k":"{k}"}}"#),
            &hs,
            "inconsistent",
        ),
        (
            "key_ops sign only, asked to verify",
            format!(r#"{{"kty":"oct","key_ops":["sign"],"k":"{k}"}}"#),
            &hs,
            "do not include \"verify\"",
        ),
        (
            "RSA under 2048 bits",
            format!(r#"{{"kty":"RSA","n":"{n1024}","e":"AQAB"}}"#),
            &rs,
            "RFC 7518 §3.3",
        ),
        (
            "RSA exponent 1",
            format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQ"}}"#),
            &rs,
            "RFC 8017 §3.1",
        ),
        (
            "ROCA modulus",
            format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, roca_modulus()),
            &rs,
            "CVE-2017-15361",
        ),
        (
            "Ed25519 x of the wrong length",
            r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#.to_string(),
            &ed,
            "RFC 8037 §2",
        ),
        (
            "duplicate kid in a JWKS",
            format!(
                r#"{{"keys":[{{"kty":"oct","kid":"a","k":"{k}"}},{{"kty":"oct","kid":"a","k":"{k}"}}]}}"#
            ),
            &hs,
            "repeats kid",
        ),
    ];
    let mut failed = Vec::new();
    for (i, (why, jwk, token, rule)) in rows.iter().enumerate() {
        let file = s.file(&format!("key{i}.jwk"), jwk.as_bytes());
        let run = s.verify(["--key", &file, token.as_str()]).run();
        if run.code != 5 || !run.stderr.contains(rule) || run.stdout.contains("matches no key") {
            failed.push(format!("{why} (wants exit 5 and {rule:?}):\n{run}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The same keys made valid are accepted.
    let ok = [
        format!(r#"{{"kty":"EC","crv":"P-256","alg":"ES256","x":"{x}","y":"{y}"}}"#),
        format!(r#"{{"kty":"oct","use":"sig","key_ops":["sign","verify"],"k":"{k}"}}"#),
    ];
    for (jwk, token) in ok.iter().zip([&es, &hs]) {
        let file = s.file("ok.jwk", jwk.as_bytes());
        let run = s.verify(["--key", &file, token.as_str()]).run();
        assert_eq!(run.code, 0, "{jwk}: {run}");
    }
}

#[test]
fn weak_hmac_secrets_are_refused_unless_allowed() {
    let mut s = Session::new();
    let short = s.secret(b"twenty-byte-secret!!");
    let exact = s.secret(SECRET);
    type Row<'a> = (&'a [u8], &'a str, &'a [&'a str], i32, &'a str);
    let rows: [Row<'_>; 6] = [
        (
            &short,
            "HS256",
            &[],
            5,
            "20 bytes, shorter than the 32-byte hash output of HS256",
        ),
        (
            &exact,
            "HS384",
            &[],
            5,
            "32 bytes, shorter than the 48-byte hash output of HS384",
        ),
        (
            &exact,
            "HS512",
            &[],
            5,
            "shorter than the 64-byte hash output of HS512",
        ),
        (&exact, "HS256", &[], 0, "matches"),
        (
            &short,
            "HS256",
            &["--allow-weak-key"],
            0,
            "a WEAK key: 20 bytes",
        ),
        (
            &exact,
            "HS512",
            &["--allow-weak-key"],
            0,
            "a WEAK key: 32 bytes",
        ),
    ];
    let mut failed = Vec::new();
    for (i, (secret, alg, flags, code, says)) in rows.into_iter().enumerate() {
        let file = s.secret_file(&format!("s{i}"), secret);
        let token = hs_token(secret, alg);
        let mut args = vec!["--secret-file", file.as_str(), token.as_str()];
        args.extend(flags);
        let run = s.verify(&args).run();
        if run.code != code || !run.stdout.contains(says) {
            failed.push(format!(
                "{alg} {flags:?} (wants exit {code} and {says:?}):\n{run}"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// A token signed with `secret` under HMAC algorithm `alg`.
fn hs_token(secret: &[u8], alg: &str) -> String {
    use aws_lc_rs::hmac;
    let algorithm = match alg {
        "HS256" => hmac::HMAC_SHA256,
        "HS384" => hmac::HMAC_SHA384,
        _ => hmac::HMAC_SHA512,
    };
    let input = format!(
        "{}.{}",
        b64(format!(r#"{{"alg":"{alg}"}}"#)),
        b64(r#"{"sub":"u"}"#)
    );
    let tag = hmac::sign(&hmac::Key::new(algorithm, secret), input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}
