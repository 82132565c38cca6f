//! Keys from bytes (pure): content detection of PEM, DER, JWK and JWKS; HMAC secrets with the
//! key-confusion check, and the list of well-known placeholder secrets.

use super::{Family, Key, KeyError, Material, Secret, parse_algorithm};
use super::{digest, rules};
use crate::token::json;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{Map, Value};

/// Where a key's bytes came from: its label, a description and the file's modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Label shown in reports.
    pub(crate) label: String,
    /// Description of the source (`file ./old.key`).
    pub(crate) origin: String,
    /// File modification time, Unix seconds.
    pub(crate) modified: Option<i64>,
}

/// Well-known placeholder secrets that must never sign production tokens.
pub(crate) const PLACEHOLDER_SECRETS: &[&str] = &[
    "secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "my_secret",
    "supersecret",
    "super-secret",
    "topsecret",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "password",
    "passw0rd",
    "jwt",
    "jwtsecret",
    "jwt-secret",
    "jwt_secret",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "your-secret",
    "your-secret-key",
    "your_secret_key",
    "your_jwt_secret",
    "your-jwt-secret",
    "shhhhh",
    "keyboard cat",
    "test",
    "testing",
    "default",
    "example",
    "key",
    "private",
    "token",
    "admin",
    "123456",
    "1234567890",
    "qwerty",
    "s3cr3t",
    "notasecret",
];

/// Whether the secret (surrounding whitespace ignored, any case) is a well-known placeholder.
pub(crate) fn is_placeholder(secret: &[u8]) -> bool {
    let trimmed = secret.trim_ascii();
    PLACEHOLDER_SECRETS
        .iter()
        .any(|p| trimmed.eq_ignore_ascii_case(p.as_bytes()))
}

/// Refuse a "secret" that is really a public key: using a public key as an HMAC secret is the
/// key-confusion attack (CVE-2015-9235, CVE-2022-29217).
pub(crate) fn check_confusion(secret: &[u8]) -> Result<(), String> {
    let s = secret.trim_ascii_start();
    let what = if s.starts_with(b"-----BEGIN") {
        Some("a PEM key or certificate")
    } else if s.starts_with(b"{") && contains(s, b"\"kty\"") {
        Some("a JWK")
    } else if [
        &b"ssh-rsa "[..],
        b"ssh-ed25519 ",
        b"ssh-dss ",
        b"ecdsa-sha2-",
    ]
    .iter()
    .any(|p| s.starts_with(p))
    {
        Some("an SSH public key")
    } else {
        None
    };
    match what {
        Some(what) => Err(format!(
            "this secret looks like {what}; using a key as an HMAC secret is the key-confusion \
             attack. Pass key files with --key"
        )),
        None => Ok(()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An HMAC key for tests: `secret` labelled `label`, from origin `test <label>`.
#[cfg(test)]
pub(crate) fn test_hmac(label: &str, secret: &[u8]) -> Key {
    let origin = Origin {
        label: label.into(),
        origin: format!("test {label}"),
        modified: None,
    };
    hmac_key(origin, Secret::new(secret.to_vec())).expect("a non-empty test secret")
}

/// An HMAC key from secret bytes.
pub(crate) fn hmac_key(origin: Origin, secret: Secret) -> Result<Key, KeyError> {
    if secret.is_empty() {
        return Err(KeyError::new(format!("secret `{}` is empty", origin.label)));
    }
    check_confusion(secret.expose())
        .map_err(|e| KeyError::new(format!("{}: {e}", origin.label)))?;
    Ok(Key {
        fingerprint: digest::sha256(secret.expose()),
        ops: None,
        allow_weak: false,
        label: origin.label,
        origin: origin.origin,
        kid: None,
        family: Family::Hmac,
        algorithms: Family::Hmac.algorithms().to_vec(),
        material: Material::Hmac(secret),
        thumbprint: None,
        modified: origin.modified,
    })
}

/// Keys from the content of a key file: PEM, DER, JWK or JWKS, detected by content.
pub(crate) fn key_file(origin: Origin, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
    read_key_file(origin, bytes).map_err(KeyError::new)
}

fn read_key_file(origin: Origin, bytes: &[u8]) -> Result<Vec<Key>, String> {
    let text = bytes.trim_ascii_start();
    if text.starts_with(b"-----BEGIN") {
        pem_key(&origin, bytes).map(|k| vec![k])
    } else if text.starts_with(b"{") {
        // A key file may hold secrets (`k`, `d`): the JSON reader's words can quote a byte
        // and its offset, so only the fact is told.
        let value = json::parse(text.trim_ascii_end()).map_err(|_| {
            format!(
                "{}: not valid JSON (which byte and where are not shown: a key file may hold \
                 secrets)",
                origin.origin
            )
        })?;
        match value {
            Value::Object(map) if map.contains_key("keys") => jwks(&origin, &map),
            Value::Object(map) => jwk_key(&origin, &map).map(|k| vec![k]),
            _ => Err(format!("{}: not a JWK or JWKS object", origin.origin)),
        }
    } else if bytes.first() == Some(&0x30) {
        der_key(&origin, bytes).map(|k| vec![k])
    } else {
        Err(format!(
            "{}: not a key file (PEM, DER, JWK or JWKS); for an HMAC secret use --secret-file",
            origin.origin
        ))
    }
}

/// Keys of a JWKS fetched by URL: like [`key_file`], but every member must be a public key
/// (see [`rules::public_only`]).
pub(crate) fn published_jwks(origin: Origin, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
    if let Ok(Value::Object(set)) = json::parse(bytes.trim_ascii()) {
        let whole = Value::Object(set.clone());
        let entries: Vec<&Value> = match set.get("keys") {
            Some(Value::Array(entries)) => entries.iter().collect(),
            // A single JWK served by URL is held to the same rule.
            _ => vec![&whole],
        };
        for entry in entries {
            if let Value::Object(map) = entry {
                rules::public_only(map)
                    .map_err(|why| KeyError::new(format!("{}: {why}", origin.origin)))?;
            }
        }
    }
    key_file(origin, bytes)
}

/// Whether `bytes` is a JWKS document (a JSON object with `keys`).
pub(crate) fn is_jwks(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"{")
        && matches!(json::parse(bytes.trim_ascii()), Ok(Value::Object(m)) if m.contains_key("keys"))
}

/// Keys of a JWKS document. Refuses sets that mix symmetric and asymmetric keys, repeat a
/// `kid`, or contain encryption keys.
fn jwks(origin: &Origin, set: &Map<String, Value>) -> Result<Vec<Key>, String> {
    let Some(Value::Array(entries)) = set.get("keys") else {
        return Err(format!("{}: JWKS `keys` is not an array", origin.origin));
    };
    if entries.is_empty() {
        return Err(format!("{}: JWKS has no keys", origin.origin));
    }
    let mut keys: Vec<Key> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let Value::Object(map) = entry else {
            return Err(format!(
                "{}: JWKS key #{} is not an object",
                origin.origin,
                i + 1
            ));
        };
        let kid = map.get("kid").and_then(Value::as_str);
        let entry_origin = Origin {
            label: match kid {
                Some(kid) => format!("{}#{kid}", origin.label),
                None => format!("{}#{}", origin.label, i + 1),
            },
            ..origin.clone()
        };
        let key = jwk_key(&entry_origin, map)?;
        if let Some(kid) = &key.kid
            && keys.iter().any(|k| k.kid.as_ref() == Some(kid))
        {
            return Err(format!(
                "{}: JWKS repeats kid `{kid}`; a verifier could pick either key",
                origin.origin
            ));
        }
        keys.push(key);
    }
    let symmetric = keys.iter().filter(|k| k.family == Family::Hmac).count();
    if symmetric > 0 && symmetric < keys.len() {
        return Err(format!(
            "{}: JWKS mixes symmetric and asymmetric keys, which invites key confusion",
            origin.origin
        ));
    }
    Ok(keys)
}

/// One JWK.
fn jwk_key(origin: &Origin, map: &Map<String, Value>) -> Result<Key, String> {
    let ctx = |msg: String| format!("{}: {msg}", origin.origin);
    let ops = rules::use_and_ops(map).map_err(ctx)?;
    let kid = map.get("kid").and_then(Value::as_str).map(str::to_owned);
    let member = |name: &str| -> Result<&str, String> {
        map.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| ctx(format!("JWK has no string `{name}`")))
    };
    let b64 = |value: &str, name: &str| {
        crate::token::b64::decode(value.as_bytes())
            .map_err(|_| ctx(format!("JWK `{name}` is not base64url")))
    };
    let kty = member("kty")?;
    let pinned = map.get("alg").and_then(Value::as_str);
    let (family, material, thumbprint_input) = match kty {
        "oct" => {
            let k = member("k")?;
            let bytes = crate::token::b64::decode(k.as_bytes()).map_err(|_| {
                ctx(
                    "JWK `k` is not base64url (which byte and where are not shown: it is a \
                     secret)"
                        .into(),
                )
            })?;
            let mut key =
                hmac_key(origin.clone(), Secret::new(bytes)).map_err(KeyError::into_message)?;
            key.kid = kid;
            key.ops = ops;
            // RFC 7638 §3.2: the required members of an `oct` key are `k` and `kty`.
            let input = format!(r#"{{"k":"{k}","kty":"oct"}}"#);
            key.thumbprint = Some(crate::token::b64::encode(
                <sha2::Sha256 as sha2::Digest>::digest(input.as_bytes()),
            ));
            if let Some(alg) = pinned {
                pin_alg(&mut key, alg).map_err(ctx)?;
            }
            return Ok(key);
        }
        "RSA" => {
            let (n, e) = (member("n")?, member("e")?);
            rules::rsa(&b64(n, "n")?, &b64(e, "e")?).map_err(ctx)?;
            let dk = DecodingKey::from_rsa_components(n, e).map_err(|e| ctx(e.to_string()))?;
            (
                Family::Rsa,
                Material::Public(dk),
                format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#),
            )
        }
        "EC" => {
            let (crv, x, y) = (member("crv")?, member("x")?, member("y")?);
            let input = format!(r#"{{"crv":"{crv}","kty":"EC","x":"{x}","y":"{y}"}}"#);
            rules::ec(crv, &b64(x, "x")?, &b64(y, "y")?, pinned).map_err(ctx)?;
            match crv {
                "P-256" | "P-384" => {
                    let dk =
                        DecodingKey::from_ec_components(x, y).map_err(|e| ctx(e.to_string()))?;
                    (Family::Ec, Material::Public(dk), input)
                }
                "P-521" => (
                    Family::Ec,
                    Material::Unsupported {
                        reason: "P-521 (ES512) is not supported: jsonwebtoken 11 has no ES512"
                            .into(),
                    },
                    input,
                ),
                other => return Err(ctx(format!("unsupported EC curve {other:?}"))),
            }
        }
        "OKP" => {
            let (crv, x) = (member("crv")?, member("x")?);
            if crv != "Ed25519" {
                return Err(ctx(format!("unsupported OKP curve {crv:?} (only Ed25519)")));
            }
            rules::okp_x(&b64(x, "x")?).map_err(ctx)?;
            let dk = DecodingKey::from_ed_components(x).map_err(|e| ctx(e.to_string()))?;
            (
                Family::Ed,
                Material::Public(dk),
                format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#),
            )
        }
        other => return Err(ctx(format!("unsupported JWK kty {other:?}"))),
    };
    let mut key = asymmetric(origin, family, material, &thumbprint_input, kid);
    key.ops = ops;
    if let Some(alg) = pinned {
        pin_alg(&mut key, alg).map_err(ctx)?;
    }
    Ok(key)
}

fn pin_alg(key: &mut Key, alg: &str) -> Result<(), String> {
    if alg == "ES512" && matches!(key.material, Material::Unsupported { .. }) {
        return Ok(());
    }
    let alg = parse_algorithm(alg).map_err(|e| format!("JWK `alg`: {e}"))?;
    key.pin(alg).map_err(KeyError::into_message)
}

fn asymmetric(
    origin: &Origin,
    family: Family,
    material: Material,
    thumbprint_input: &str,
    kid: Option<String>,
) -> Key {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(thumbprint_input.as_bytes());
    let algorithms = match material {
        Material::Unsupported { .. } => Vec::new(),
        _ => family.algorithms().to_vec(),
    };
    Key {
        label: origin.label.clone(),
        origin: origin.origin.clone(),
        kid,
        family,
        algorithms,
        material,
        fingerprint: digest::hex_digest("sha256:", &digest),
        thumbprint: Some(crate::token::b64::encode(digest)),
        modified: origin.modified,
        ops: None,
        allow_weak: false,
    }
}

fn pem_key(origin: &Origin, bytes: &[u8]) -> Result<Key, String> {
    let ctx = |msg: &str| format!("{}: {msg}", origin.origin);
    let text = String::from_utf8_lossy(bytes);
    for (marker, why) in [
        (
            "ENCRYPTED PRIVATE KEY",
            "encrypted private keys are not supported: decrypt it first",
        ),
        (
            "OPENSSH PRIVATE KEY",
            "OpenSSH private keys are not supported: convert to PKCS#8 PEM",
        ),
        (
            "EC PRIVATE KEY",
            "SEC1 EC keys are not supported: convert with `openssl pkcs8 -topk8 -nocrypt`",
        ),
    ] {
        if text.contains(&format!("BEGIN {marker}")) {
            return Err(ctx(why));
        }
    }
    if text.contains("PRIVATE KEY") {
        return match private_pem(origin, bytes) {
            Some(Ok(key)) => Ok(key),
            Some(Err(why)) => Err(ctx(&why)),
            None if is_rsa_pkcs8(&text) => Err(ctx(
                "an RSA private key the crypto library refuses; RFC 7518 §3.3 requires a \
                 modulus of at least 2048 bits (a smaller or malformed key is not used)",
            )),
            None => Err(ctx("unreadable private key (PEM)")),
        };
    }
    let decoding = [
        (Family::Rsa, DecodingKey::from_rsa_pem(bytes)),
        (Family::Ec, DecodingKey::from_ec_pem(bytes)),
        (Family::Ed, DecodingKey::from_ed_pem(bytes)),
    ]
    .into_iter()
    .find_map(|(family, dk)| dk.ok().map(|dk| (family, dk)));
    let Some((family, dk)) = decoding else {
        return Err(ctx("unreadable public key or certificate (PEM)"));
    };
    public_from_decoding(origin, family, dk).map_err(|e| ctx(&e))
}

fn public_from_decoding(origin: &Origin, family: Family, dk: DecodingKey) -> Result<Key, String> {
    let jwk = Jwk::from_decoding_key(&dk, None).map_err(|e| e.to_string())?;
    check_jwk(&jwk)?;
    let (family, input) = thumbprint_input(&jwk).unwrap_or((family, String::new()));
    let material = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P521 => {
            Material::Unsupported {
                reason: "P-521 (ES512) is not supported: jsonwebtoken 11 has no ES512".into(),
            }
        }
        _ => Material::Public(dk),
    };
    let mut key = asymmetric(origin, family, material, &input, None);
    if let AlgorithmParameters::EllipticCurve(p) = &jwk.algorithm {
        key.algorithms = match p.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => Vec::new(),
        };
    }
    Ok(key)
}

fn private_pem(origin: &Origin, bytes: &[u8]) -> Option<Result<Key, String>> {
    let candidates: [(Family, &[Algorithm]); 3] = [
        (Family::Rsa, &[Algorithm::RS256]),
        (Family::Ec, &[Algorithm::ES256, Algorithm::ES384]),
        (Family::Ed, &[Algorithm::EdDSA]),
    ];
    for (family, algs) in candidates {
        let encoding = match family {
            Family::Rsa => EncodingKey::from_rsa_pem(bytes),
            Family::Ec => EncodingKey::from_ec_pem(bytes),
            _ => EncodingKey::from_ed_pem(bytes),
        };
        let Ok(encoding) = encoding else { continue };
        for &alg in algs {
            let Ok(jwk) = Jwk::from_encoding_key(&encoding, alg) else {
                continue;
            };
            let Ok(decoding) = DecodingKey::from_jwk(&jwk) else {
                continue;
            };
            let (family, input) = thumbprint_input(&jwk)?;
            if let Err(why) = check_jwk(&jwk) {
                return Some(Err(why));
            }
            let material = Material::Private {
                encoding: encoding.clone(),
                decoding,
            };
            let mut key = asymmetric(origin, family, material, &input, None);
            if family == Family::Ec {
                key.algorithms = vec![alg];
            }
            return Some(Ok(key));
        }
    }
    None
}

/// Whether a PEM private key is PKCS#8 with the rsaEncryption algorithm (OID
/// 1.2.840.113549.1.1.1), so a refusal can say what it is.
fn is_rsa_pkcs8(pem: &str) -> bool {
    const RSA_ENCRYPTION: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    crate::token::b64::decode_lenient(body.as_bytes(), crate::token::b64::Alphabet::Standard)
        .is_some_and(|der| contains(&der, RSA_ENCRYPTION))
}

/// The key rules for a key read from PEM or DER, on its JWK form.
fn check_jwk(jwk: &Jwk) -> Result<(), String> {
    let b64 = |value: &str| crate::token::b64::decode(value.as_bytes()).unwrap_or_default();
    match &jwk.algorithm {
        AlgorithmParameters::RSA(p) => rules::rsa(&b64(&p.n), &b64(&p.e)),
        AlgorithmParameters::EllipticCurve(p) => {
            let crv = match p.curve {
                EllipticCurve::P256 => "P-256",
                EllipticCurve::P384 => "P-384",
                _ => return Ok(()),
            };
            rules::ec(crv, &b64(&p.x), &b64(&p.y), None)
        }
        _ => Ok(()),
    }
}

fn thumbprint_input(jwk: &Jwk) -> Option<(Family, String)> {
    Some(match &jwk.algorithm {
        AlgorithmParameters::RSA(p) => (
            Family::Rsa,
            format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, p.e, p.n),
        ),
        AlgorithmParameters::EllipticCurve(p) => {
            let crv = match p.curve {
                EllipticCurve::P256 => "P-256",
                EllipticCurve::P384 => "P-384",
                EllipticCurve::P521 => "P-521",
                _ => return None,
            };
            (
                Family::Ec,
                format!(
                    r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
                    p.x, p.y
                ),
            )
        }
        AlgorithmParameters::OctetKeyPair(p) => (
            Family::Ed,
            format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, p.x),
        ),
        _ => return None,
    })
}

fn der_key(origin: &Origin, der: &[u8]) -> Result<Key, String> {
    let body = crate::token::b64::encode_standard(der);
    for tag in [
        "PUBLIC KEY",
        "PRIVATE KEY",
        "RSA PUBLIC KEY",
        "RSA PRIVATE KEY",
    ] {
        let pem = format!("-----BEGIN {tag}-----\n{body}\n-----END {tag}-----\n");
        if let Ok(key) = pem_key(origin, pem.as_bytes()) {
            return Ok(key);
        }
    }
    Err(format!("{}: unreadable DER key", origin.origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(label: &str) -> Origin {
        Origin {
            label: label.into(),
            origin: format!("test {label}"),
            modified: None,
        }
    }

    #[test]
    fn key_confusion_is_refused() {
        for secret in [
            &b"-----BEGIN PUBLIC KEY-----\nMIIB"[..],
            b"  {\"kty\":\"RSA\",\"n\":\"x\"}",
            b"ssh-ed25519 AAAAC3Nz user@host",
            b"ecdsa-sha2-nistp256 AAAA",
        ] {
            let err = hmac_key(origin("s"), Secret::new(secret.to_vec())).unwrap_err();
            assert!(err.to_string().contains("key-confusion"), "{err}");
        }
        assert!(hmac_key(origin("s"), Secret::new(b"0123{\"kty\" later".to_vec())).is_ok());
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(b"secret"));
        assert!(is_placeholder(b"your-256-bit-secret"));
        assert!(
            is_placeholder(b"ChangeMe\n"),
            "any case, whitespace ignored"
        );
        assert!(!is_placeholder(b"short-but-unique"));
    }

    #[test]
    fn rfc7638_thumbprint_of_its_example_key() {
        // RFC 7638 §3.1 example RSA key and its published thumbprint.
        let jwk = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
        let keys = key_file(origin("rfc"), jwk.as_bytes()).unwrap();
        assert_eq!(
            keys[0].thumbprint.as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        assert_eq!(keys[0].algorithms, [Algorithm::RS256]);
        assert_eq!(keys[0].kid.as_deref(), Some("2011-04-29"));
    }

    #[test]
    fn jwks_rules() {
        let oct = r#"{"kty":"oct","kid":"a","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
        let ed = r#"{"kty":"OKP","crv":"Ed25519","kid":"b","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let ed_enc = r#"{"kty":"OKP","crv":"Ed25519","kid":"c","use":"enc","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let set = |items: &[&str]| format!(r#"{{"keys":[{}]}}"#, items.join(","));
        assert!(
            key_file(origin("j"), set(&[oct, ed]).as_bytes())
                .unwrap_err()
                .to_string()
                .contains("mixes")
        );
        assert!(
            key_file(origin("j"), set(&[ed, ed]).as_bytes())
                .unwrap_err()
                .to_string()
                .contains("repeats kid")
        );
        assert!(
            key_file(origin("j"), set(&[ed_enc]).as_bytes())
                .unwrap_err()
                .to_string()
                .contains("use: enc")
        );
        let keys = key_file(origin("j"), set(&[ed]).as_bytes()).unwrap();
        assert_eq!(
            (keys[0].family, keys[0].label.as_str()),
            (Family::Ed, "j#b")
        );
    }

    #[test]
    fn a_published_set_or_key_holds_public_keys_only() {
        let oct = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
        for doc in [format!(r#"{{"keys":[{oct}]}}"#), oct.to_string()] {
            let err = published_jwks(origin("u"), doc.as_bytes()).unwrap_err();
            assert!(err.to_string().contains("public keys only"), "{doc}: {err}");
        }
        assert!(
            key_file(origin("f"), oct.as_bytes()).is_ok(),
            "a local file may hold one"
        );
    }

    /// A throwaway 1024-bit RSA key, PKCS#8, made for this test only.
    const RSA_1024_PKCS8: &str = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAJwUm+I7hbfPEZmh\ny0omfOf41y5tek3GfFf3dFF3tl2DZchcnu7zPT2M9FYay545IZ6OjBnpoPEsEYQO\nTnG5sS85CtTia9J3kjmEO+1hT5eVj5kHyWv3hm2v9xl3DhtcNAKHstIRbLMy7Qz+\n+45chxvNQ1HH0joU8pVW89eEKjNXAgMBAAECgYBhv7Zw1P5Fw3UuVlnOspP/Y6S/\n+uhh1TECloNOkj6wCh6wgPE4jTWJWsGbO2TSTs1zU6sCf4LAB+1gWuVd7AG+qvwQ\nla9lgwZw0PEnykVD0gkJCA1soQKte2nIXPv2xQeOH41yBkWzJOioXIKTiBi0b0a7\n7oKLlNsQZJUA/OVEoQJBAMuBwRFvPZ/btNWh5A4EhP7txCok3QmsewN/5tqclsV1\nzjILOYQO0En1PIq5Xi4Pt6O1i9dcnbKaygHE2HyiOBUCQQDEVyHtLc97c9S/J8qI\nYLcUl+7BgplEhyb0EsewJqXjq7KbMJSDI7JkqmPemNw2Rh0u2R+lxaic4aD4yhGB\nMUy7AkAycb5eyPk4h+hiUBfMlbg1zNAkNjEINdXkPy8FH22MErCC3R9rqZRd0Mkq\nBdrfhgvaK6U3RADfBdlu6NFUy40lAkAF0Wcp9g+N4vLM70rrG6KRM6dZiJsuEqsu\n1FeieqKzymSygJAGCsrAfOQUtobf/NfkiX6MlPzYGT+B38sA/wr9AkEAqC+njaeE\nuYy/m0BYEjnH4Xbzo8iBl/tmn9q23QE73K+/dYo+uiFrn4mqV2mU0qH6zSLM0kn2\n8gDM6GWD6OJyRA==\n-----END PRIVATE KEY-----";

    #[test]
    fn a_small_rsa_private_key_is_refused_with_the_rule() {
        let err = key_file(origin("k"), RSA_1024_PKCS8.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("RFC 7518 §3.3"), "{err}");
    }

    #[test]
    fn pinned_alg_must_fit() {
        let bad = r#"{"kty":"OKP","crv":"Ed25519","alg":"HS256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        assert!(
            key_file(origin("j"), bad.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("does not fit")
        );
    }

    #[test]
    fn not_a_key_file() {
        assert!(
            key_file(origin("x"), b"hello")
                .unwrap_err()
                .to_string()
                .contains("not a key file")
        );
    }
}
