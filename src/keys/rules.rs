//! The JOSE key rules checked when a key is loaded, one function per rule. Each failure names
//! the rule and its RFC section, so an invalid key is reported as such (exit 5), never as a
//! key that "matches no token". Pure: bytes and JSON members in, a reason out.

use num_bigint::BigUint;
use serde_json::{Map, Value};

/// Coordinates of the NIST curves (RFC 7518 §6.2.1.2–3: the full field-element length).
fn coordinate_len(crv: &str) -> Option<usize> {
    match crv {
        "P-256" => Some(32),
        "P-384" => Some(48),
        "P-521" => Some(66),
        _ => None,
    }
}

/// The curve an ECDSA algorithm is defined over (RFC 7518 §3.4).
fn curve_of(alg: &str) -> Option<&'static str> {
    match alg {
        "ES256" => Some("P-256"),
        "ES384" => Some("P-384"),
        "ES512" => Some("P-521"),
        _ => None,
    }
}

/// RFC 7518 §6.2.1.2–3: `x` and `y` are the full length of a field element of `crv`.
pub(crate) fn ec_coordinates(crv: &str, x: &[u8], y: &[u8]) -> Result<(), String> {
    let Some(len) = coordinate_len(crv) else {
        return Ok(());
    };
    for (name, value) in [("x", x), ("y", y)] {
        if value.len() != len {
            return Err(format!(
                "RFC 7518 §6.2.1.2: `crv` {crv} needs {len}-byte coordinates, `{name}` has {}",
                value.len()
            ));
        }
    }
    Ok(())
}

/// RFC 7518 §3.4: an ECDSA key's `alg` names the algorithm of its curve.
pub(crate) fn ec_alg(crv: &str, alg: Option<&str>) -> Result<(), String> {
    let Some(alg) = alg else { return Ok(()) };
    match curve_of(alg) {
        Some(curve) if curve != crv => Err(format!(
            "RFC 7518 §3.4: `alg` {alg} is defined over {curve}, the key's `crv` is {crv}"
        )),
        _ => Ok(()),
    }
}

/// SEC 1 §3.2.2.1 (referenced by RFC 7518 §6.2.1): the point lies on the curve,
/// y² = x³ − 3x + b (mod p), with both coordinates below p.
pub(crate) fn ec_on_curve(crv: &str, x: &[u8], y: &[u8]) -> Result<(), String> {
    let (p, b) = match crv {
        "P-256" => (
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        ),
        "P-384" => (
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
            "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        ),
        _ => return Ok(()),
    };
    let hex = |s: &str| BigUint::parse_bytes(s.as_bytes(), 16).expect("a curve constant");
    let (p, b) = (hex(p), hex(b));
    let (x, y) = (BigUint::from_bytes_be(x), BigUint::from_bytes_be(y));
    let off = || format!("RFC 7518 §6.2.1 (SEC 1 §3.2.2.1): the point (x, y) is not on {crv}");
    if x >= p || y >= p {
        return Err(off());
    }
    let lhs = (&y * &y) % &p;
    let three_x = (&x * 3u32) % &p;
    let rhs = ((&x * &x % &p) * &x + &b + &p - three_x) % &p;
    if lhs == rhs { Ok(()) } else { Err(off()) }
}

/// The operations RFC 7517 §4.3 defines for `key_ops`, and which of them belong to a `use`.
const SIGNATURE_OPS: &[&str] = &["sign", "verify"];
const KNOWN_OPS: &[&str] = &[
    "sign",
    "verify",
    "encrypt",
    "decrypt",
    "wrapKey",
    "unwrapKey",
    "deriveKey",
    "deriveBits",
];

/// RFC 7517 §4.2–4.3: `use` is `sig` or `enc`, `key_ops` an array of distinct strings, and
/// when both are present they agree (`use: sig` allows only `sign` and `verify`). Returns the
/// key's operations, when it names them.
pub(crate) fn use_and_ops(map: &Map<String, Value>) -> Result<Option<Vec<String>>, String> {
    let use_ = match map.get("use") {
        None => None,
        Some(Value::String(u)) => Some(u.as_str()),
        Some(_) => return Err("RFC 7517 §4.2: `use` must be a string".into()),
    };
    if use_ == Some("enc") {
        return Err(
            "RFC 7517 §4.2: the key is marked `use: enc` (encryption), not for signatures".into(),
        );
    }
    let Some(ops) = map.get("key_ops") else {
        return Ok(None);
    };
    let Value::Array(items) = ops else {
        return Err("RFC 7517 §4.3: `key_ops` must be an array of strings".into());
    };
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(op) = item else {
            return Err("RFC 7517 §4.3: `key_ops` must be an array of strings".into());
        };
        if names.contains(op) {
            return Err(format!("RFC 7517 §4.3: `key_ops` repeats {op:?}"));
        }
        names.push(op.clone());
    }
    if use_ == Some("sig")
        && let Some(bad) = names
            .iter()
            .find(|op| !SIGNATURE_OPS.contains(&op.as_str()))
    {
        return Err(format!(
            "RFC 7517 §4.3: `use: sig` and `key_ops` {bad:?} are inconsistent"
        ));
    }
    if let Some(unknown) = names.iter().find(|op| !KNOWN_OPS.contains(&op.as_str())) {
        return Err(format!(
            "RFC 7517 §4.3: `key_ops` {unknown:?} is not an operation"
        ));
    }
    Ok(Some(names))
}

/// RFC 7517 §4.3: a key whose `key_ops` do not include `op` may not be used for it.
pub(crate) fn permits(ops: Option<&[String]>, op: &str) -> Result<(), String> {
    match ops {
        Some(ops) if !ops.iter().any(|o| o == op) => Err(format!(
            "RFC 7517 §4.3: its `key_ops` [{}] do not include {op:?}",
            ops.join(", ")
        )),
        _ => Ok(()),
    }
}

/// Smallest RSA modulus accepted (RFC 7518 §3.3: 2048 bits or larger MUST be used).
pub(crate) const MIN_RSA_BITS: u64 = 2048;

/// RFC 7518 §3.3: the modulus is at least 2048 bits.
pub(crate) fn rsa_size(n: &[u8]) -> Result<(), String> {
    let bits = BigUint::from_bytes_be(n).bits();
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "RFC 7518 §3.3: the RSA modulus has {bits} bits; at least {MIN_RSA_BITS} are required"
        ));
    }
    Ok(())
}

/// RFC 8017 §3.1: the public exponent is an odd integer of at least 3 (1 makes the
/// "signature" the message itself).
pub(crate) fn rsa_exponent(e: &[u8]) -> Result<(), String> {
    let e = BigUint::from_bytes_be(e);
    if e < BigUint::from(3u32) || !e.bit(0) {
        return Err(format!(
            "RFC 8017 §3.1: the RSA public exponent must be odd and at least 3, not {e}"
        ));
    }
    Ok(())
}

/// The small primes of the ROCA fingerprint (Nemec et al., "The Return of Coppersmith's
/// Attack", CCS 2017): moduli made by the vulnerable generator have, modulo each of these, a
/// residue in the subgroup generated by 65537.
const ROCA_PRIMES: &[u32] = &[
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Whether `n mod p` lies in the multiplicative subgroup of Z/p generated by 65537.
fn in_65537_subgroup(n: &[u8], p: u32) -> bool {
    let p = u64::from(p);
    let residue = n.iter().fold(0u64, |r, &b| (r * 256 + u64::from(b)) % p);
    let g = 65537 % p;
    let mut power = 1u64;
    loop {
        if power == residue {
            return true;
        }
        power = power * g % p;
        if power == 1 {
            return false;
        }
    }
}

/// CVE-2017-15361 (ROCA): refuse a modulus with the vulnerable generator's fingerprint.
pub(crate) fn rsa_not_roca(n: &[u8]) -> Result<(), String> {
    if ROCA_PRIMES.iter().all(|&p| in_65537_subgroup(n, p)) {
        return Err(
            "CVE-2017-15361 (ROCA): the RSA modulus has the fingerprint of a vulnerable key \
             generator; its private key can be computed from the public key"
                .into(),
        );
    }
    Ok(())
}

/// Every rule for an RSA public key.
pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Result<(), String> {
    rsa_size(n)?;
    rsa_exponent(e)?;
    rsa_not_roca(n)
}

/// RFC 8037 §2: an Ed25519 public key `x` is 32 bytes.
pub(crate) fn okp_x(x: &[u8]) -> Result<(), String> {
    if x.len() != 32 {
        return Err(format!(
            "RFC 8037 §2: an Ed25519 `x` is 32 bytes, this one has {}",
            x.len()
        ));
    }
    Ok(())
}

/// Every rule for an EC public key (`alg` when the JWK pins one).
pub(crate) fn ec(crv: &str, x: &[u8], y: &[u8], alg: Option<&str>) -> Result<(), String> {
    ec_coordinates(crv, x, y)?;
    ec_alg(crv, alg)?;
    ec_on_curve(crv, x, y)
}

/// Members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// A JWKS fetched by URL is published to anyone, so it may hold public keys only
/// (RFC 7517 §5; a symmetric `oct` key there is a key an attacker can choose).
pub(crate) fn public_only(map: &Map<String, Value>) -> Result<(), String> {
    if map.get("kty").and_then(Value::as_str) == Some("oct") {
        return Err(
            "RFC 7517 §5: a JWKS fetched by URL holds public keys only; it has a symmetric \
             `oct` key, which anyone who can serve that URL could choose"
                .into(),
        );
    }
    if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| map.contains_key(**m)) {
        return Err(format!(
            "RFC 7517 §5: a JWKS fetched by URL holds public keys only; a key has the private \
             member `{member}`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        crate::keys::decode_hex(s.as_bytes()).unwrap()
    }

    // The P-256 generator point.
    const GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    const GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    #[test]
    fn ec_rules() {
        let (x, y) = (unhex(GX), unhex(GY));
        assert_eq!(ec("P-256", &x, &y, Some("ES256")), Ok(()));
        type Row<'a> = (&'a str, &'a [u8], &'a [u8], Option<&'a str>, &'a str);
        let rows: [Row<'_>; 4] = [
            ("P-384", &x, &y, None, "48-byte coordinates"),
            ("P-256", &x, &y, Some("ES384"), "§3.4"),
            ("P-256", &x, &[0u8; 32], None, "not on P-256"),
            ("P-256", &[0xff; 32], &y, None, "not on P-256"),
        ];
        for (crv, x, y, alg, want) in rows {
            let err = ec(crv, x, y, alg).unwrap_err();
            assert!(err.contains(want), "{crv} {alg:?}: {err}");
        }
    }

    #[test]
    fn use_and_key_ops_rules() {
        let map = |s: &str| match serde_json::from_str::<Value>(s).unwrap() {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        assert_eq!(use_and_ops(&map(r#"{}"#)), Ok(None));
        assert_eq!(
            use_and_ops(&map(r#"{"use":"sig","key_ops":["verify"]}"#)),
            Ok(Some(vec!["verify".into()]))
        );
        for (json, want) in [
            (r#"{"use":"enc"}"#, "use: enc"),
            (r#"{"use":"sig","key_ops":["encrypt"]}"#, "inconsistent"),
            (r#"{"key_ops":"verify"}"#, "array"),
            (r#"{"key_ops":["verify","verify"]}"#, "repeats"),
            (r#"{"key_ops":["fly"]}"#, "not an operation"),
        ] {
            let err = use_and_ops(&map(json)).unwrap_err();
            assert!(err.contains(want), "{json}: {err}");
        }
        let encrypt = ["encrypt".to_string()];
        assert!(
            permits(Some(&encrypt), "verify")
                .unwrap_err()
                .contains("§4.3")
        );
        assert!(permits(None, "verify").is_ok());
    }

    #[test]
    fn rsa_rules() {
        let mut n = vec![0xc5u8; 256];
        n[255] |= 1;
        assert!(rsa_size(&n).is_ok());
        assert!(rsa_size(&n[..128]).unwrap_err().contains("1024 bits"));
        assert!(rsa_exponent(&[1, 0, 1]).is_ok());
        assert!(rsa_exponent(&[1]).unwrap_err().contains("not 1"));
        assert!(rsa_exponent(&[4]).unwrap_err().contains("odd"));
        assert!(okp_x(&[1; 32]).is_ok());
        assert!(okp_x(&[1; 31]).unwrap_err().contains("RFC 8037"));
    }

    /// A modulus built the way the vulnerable generator builds its primes:
    /// p = k·M + (65537^a mod M), M the product of the fingerprint primes.
    fn roca_like(k1: u32, a1: u32, k2: u32, a2: u32) -> Vec<u8> {
        let m: BigUint = ROCA_PRIMES.iter().map(|&p| BigUint::from(p)).product();
        let g = BigUint::from(65537u32);
        let shift = BigUint::from(1u8) << 1000;
        let prime =
            |k: u32, a: u32| -> BigUint { &shift * &m * k + g.modpow(&BigUint::from(a), &m) };
        (prime(k1, a1) * prime(k2, a2)).to_bytes_be()
    }

    #[test]
    fn roca_fingerprint() {
        let n = roca_like(7, 1234, 11, 987);
        assert!(rsa_size(&n).is_ok(), "big enough to reach the ROCA rule");
        assert!(rsa(&n, &[1, 0, 1]).unwrap_err().contains("CVE-2017-15361"));
        // The RFC 7638 example modulus is an ordinary key.
        let rfc = crate::token::b64::decode(b"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw").unwrap();
        assert_eq!(rsa(&rfc, &[1, 0, 1]), Ok(()));
    }

    #[test]
    fn public_only_rule() {
        let map = |s: &str| match serde_json::from_str::<Value>(s).unwrap() {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        assert!(
            public_only(&map(r#"{"kty":"oct","k":"AA"}"#))
                .unwrap_err()
                .contains("oct")
        );
        assert!(
            public_only(&map(r#"{"kty":"EC","d":"AA"}"#))
                .unwrap_err()
                .contains("`d`")
        );
        assert!(public_only(&map(r#"{"kty":"EC","x":"AA"}"#)).is_ok());
    }
}
