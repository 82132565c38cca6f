//! The corpora the benchmark streams: deterministic tokens with realistic ~200-byte payloads,
//! signed here with aws-lc-rs, an implementation apart from the one under test.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, KeyPair as _};
use aws_lc_rs::{hmac, rand, rsa};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub const SECRET: &[u8] = b"bench-secret-0123456789abcdef-0123456789";

/// Every token's `iat` lies in `[IAT_BASE, IAT_BASE + 100_000)` and its `exp` a century later.
const IAT_BASE: i64 = 1_795_000_000;

/// The instant every batch is judged at (`--at`): after every token's `iat`, because verify
/// checks that `iat` is not in the future, and long before any `exp`.
pub const AT: &str = "1795200000";

/// Signing inputs kept for the HMAC floor.
const SAMPLES: usize = 4096;

/// Distinct tokens in a public-key corpus, repeated to fill it: an RSA signature costs about
/// fifty verifications, so signing a million distinct tokens would take minutes. Nothing in a
/// verifier caches per token, so repeats cost what new tokens cost.
const DISTINCT: usize = 4096;

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A small deterministic generator (xorshift), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn claims(i: usize, rng: &mut Rng) -> String {
    let iat = IAT_BASE + (rng.next() % 100_000) as i64;
    format!(
        r#"{{"sub":"user-{:08}","name":"Integration Account {:05}","email":"svc{:05}@example.com","role":"integration","iat":{iat},"exp":{},"jti":"{:016x}{:016x}"}}"#,
        i,
        rng.next() % 100_000,
        rng.next() % 100_000,
        iat + 3_153_600_000,
        rng.next(),
        rng.next()
    )
}

/// `count` tokens, one per line, into `path`: `distinct` of them signed by `sign`, then
/// repeated. Returns the signing inputs of the first [`SAMPLES`].
fn write(
    path: &Path,
    count: usize,
    distinct: usize,
    header: &str,
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> Vec<Vec<u8>> {
    let header = b64(header.as_bytes());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = BufWriter::new(File::create(path).expect("create corpus"));
    let mut samples = Vec::new();
    let mut signed: Vec<Vec<u8>> = Vec::new();
    for i in 0..count {
        if i >= distinct {
            out.write_all(&signed[i % distinct]).expect("write corpus");
            continue;
        }
        let signing_input = format!("{header}.{}", b64(claims(i, &mut rng).as_bytes()));
        let line = format!("{signing_input}.{}\n", b64(&sign(signing_input.as_bytes())));
        out.write_all(line.as_bytes()).expect("write corpus");
        if i < SAMPLES {
            samples.push(signing_input.into_bytes());
        }
        if distinct < count {
            signed.push(line.into_bytes());
        }
    }
    out.flush().expect("flush corpus");
    samples
}

/// The HS256 corpus, every token distinct. Returns signing inputs for the HMAC floor.
pub fn hs256(path: &Path, count: usize) -> Vec<Vec<u8>> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    write(
        path,
        count,
        count,
        r#"{"alg":"HS256","typ":"JWT"}"#,
        |input| hmac::sign(&key, input).as_ref().to_vec(),
    )
}

/// The public-key algorithms the benchmark verifies.
#[derive(Clone, Copy)]
pub enum Asymmetric {
    Rs256,
    Es256,
}

impl Asymmetric {
    pub fn name(self) -> &'static str {
        match self {
            Asymmetric::Rs256 => "RS256",
            Asymmetric::Es256 => "ES256",
        }
    }
}

/// A public-key corpus and its verification key, as files.
pub struct Signed {
    pub tokens: PathBuf,
    /// The key as jwtctl is given it: SPKI PEM for RSA, a JWK for EC (both paths exercised).
    pub key: PathBuf,
    /// The key as SPKI PEM, for the peers.
    pub pem: PathBuf,
}

/// Generates a fresh key pair for `alg`, writes `count` tokens signed with it and its public
/// key into `dir`.
pub fn asymmetric(dir: &Path, alg: Asymmetric, count: usize) -> Signed {
    let stem = alg.name().to_ascii_lowercase();
    let tokens = dir.join(format!("{stem}-tokens.txt"));
    let pem = dir.join(format!("{stem}-public.pem"));
    let header = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
    let distinct = count.min(DISTINCT);
    let key = match alg {
        Asymmetric::Rs256 => {
            let pair = rsa::KeyPair::generate(rsa::KeySize::Rsa2048).expect("RSA key");
            let rng = rand::SystemRandom::new();
            write(&tokens, count, distinct, &header, |input| {
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(&signature::RSA_PKCS1_SHA256, &rng, input, &mut sig)
                    .expect("RSA signature");
                sig
            });
            let der = pair.public_key().as_der().expect("RSA public key DER");
            std::fs::write(&pem, pem_armor(der.as_ref())).expect("write PEM");
            pem.clone()
        }
        Asymmetric::Es256 => {
            let pair =
                signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
                    .expect("EC key");
            let rng = rand::SystemRandom::new();
            write(&tokens, count, distinct, &header, |input| {
                pair.sign(&rng, input)
                    .expect("EC signature")
                    .as_ref()
                    .to_vec()
            });
            let public = pair.public_key();
            let der = public.as_der().expect("EC public key DER");
            std::fs::write(&pem, pem_armor(der.as_ref())).expect("write PEM");
            // The uncompressed point: 0x04, then x and y, 32 bytes each.
            let point = public.as_ref();
            assert!(
                point.len() == 65 && point[0] == 4,
                "an uncompressed P-256 point"
            );
            let jwk = format!(
                r#"{{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","x":"{}","y":"{}"}}"#,
                b64(&point[1..33]),
                b64(&point[33..])
            );
            let path = dir.join(format!("{stem}-public.jwk"));
            std::fs::write(&path, jwk).expect("write JWK");
            path
        }
    };
    Signed { tokens, key, pem }
}

/// SubjectPublicKeyInfo DER as a `PUBLIC KEY` PEM block.
fn pem_armor(der: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}
