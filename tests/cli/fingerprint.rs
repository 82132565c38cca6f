//! `jwtctl fingerprint`: every expected fingerprint here is computed in the test itself (SHA-256
//! over known bytes, RFC 7638 thumbprints over the canonical JWK members, or the RFC's
//! published example), never taken from jwtctl's own output.

use crate::support::{b64, jwtctl, text};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// RFC 7638 §3.1: the example RSA key and its published thumbprint.
const RFC7638_JWK: &str = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
const RFC7638_THUMBPRINT: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/// A 64-byte secret: strong for HS256, HS384 and HS512.
const STRONG: &str = "k3Yq7f0VZb2Lr9WmXc4TnP6sHd8JgA1eUo5iQyRzBtCvNwMxKjEhFlGaSuDpIOvz";

/// The JSON object `fingerprint --json` prints per key, mirrored so that any member added,
/// renamed or removed fails this test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    kind: String,
    label: String,
    source: String,
    family: String,
    fingerprint: Option<String>,
    short: Option<String>,
    thumbprint: Option<String>,
    salted: Option<String>,
    kid: Option<String>,
    bytes: Option<usize>,
    weak: Option<Weak>,
    trailing_newline: Option<TrailingNewline>,
    expect: Option<Expect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Weak {
    reason: String,
    placeholder: bool,
    guessable: bool,
    guesses_log10: Option<u8>,
    too_short_for: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailingNewline {
    ending: String,
    bytes: usize,
    fingerprint_without: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    expected: String,
    matched: bool,
    matched_without_trailing_newline: Option<bool>,
}

/// `sha256:<hex>` of `bytes`.
fn fp(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// The RFC 7638 thumbprint of a JWK given as its required members in lexicographic order
/// (already canonical JSON), and the same digest as `sha256:<hex>`.
fn thumbprint(canonical: &str) -> (String, String) {
    (
        b64(Sha256::digest(canonical.as_bytes())),
        fp(canonical.as_bytes()),
    )
}

/// `sha256:<hex>` of the 32 bytes a thumbprint encodes.
fn fp_of_thumbprint(thumbprint: &str) -> String {
    let raw = crate::support::unb64(thumbprint);
    assert_eq!(raw.len(), 32);
    format!(
        "sha256:{}",
        raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn write(dir: &TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// PEM armour around DER.
fn pem(tag: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {tag}-----\n{}\n-----END {tag}-----\n",
        lines.join("\n")
    )
}

/// Run `jwtctl <args>` hermetically with `env` set.
fn run(args: &[&str], env: &[(&str, &[u8])]) -> Output {
    let mut cmd = jwtctl();
    cmd.args(args);
    for (name, value) in env {
        let value = std::ffi::OsStr::new(std::str::from_utf8(value).expect("UTF-8 env value"));
        cmd.env(name, value);
    }
    cmd.output().expect("jwtctl runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn lines(output: &Output) -> Vec<Line> {
    let stdout = text(&output.stdout);
    assert!(!stdout.contains("null"), "absent, not null: {stdout}");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn one(output: &Output) -> Line {
    let mut all = lines(output);
    assert_eq!(all.len(), 1, "{}", text(&output.stdout));
    all.remove(0)
}

#[test]
fn hmac_secret_is_fingerprinted_byte_for_byte() {
    let want = fp(STRONG.as_bytes());
    let out = run(
        &["fingerprint", "--secret-env", "KEY"],
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("fingerprint  {want}")), "{stdout}");
    assert!(
        stdout.contains(&format!("short        {}", &want[7..15])),
        "{stdout}"
    );
    assert!(stdout.contains("64 bytes"), "{stdout}");
    assert!(stdout.contains("ok for HS256, HS384 and HS512"), "{stdout}");
    assert!(!stdout.contains(STRONG), "never the secret");
    assert_eq!(text(&out.stderr), "");

    let out = run(
        &["fingerprint", "--json", "--secret-env", "current=KEY"],
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 0);
    let line = one(&out);
    assert_eq!(
        (
            line.kind.as_str(),
            line.label.as_str(),
            line.source.as_str()
        ),
        ("fingerprint", "current", "env KEY")
    );
    assert_eq!(line.family, "hmac");
    assert_eq!(line.fingerprint.as_deref(), Some(want.as_str()));
    assert_eq!(line.short.as_deref(), Some(&want[7..15]));
    assert_eq!(line.bytes, Some(64));
    assert!(line.weak.is_none() && line.thumbprint.is_none() && line.kid.is_none());
    assert!(line.salted.is_none(), "only with --salted");
    assert!(line.trailing_newline.is_none() && line.expect.is_none());
}

#[test]
fn expect_match_exits_0() {
    let want = fp(STRONG.as_bytes());
    for expected in [want.clone(), want.to_uppercase()] {
        let out = run(
            &["fingerprint", "--secret-env", "KEY", "--expect", &expected],
            &[("KEY", STRONG.as_bytes())],
        );
        assert_eq!(code(&out), 0, "{expected}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("result       match"), "{stdout}");
        assert!(stdout.contains("withheld"), "{stdout}");
    }
    let out = run(
        &[
            "fingerprint",
            "--json",
            "--secret-env",
            "KEY",
            "--expect",
            &want,
        ],
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 0);
    let line = one(&out);
    let expect = line.expect.expect("expect member");
    assert!(expect.matched);
    assert_eq!(expect.expected, want);
    assert_eq!(expect.matched_without_trailing_newline, None);
    assert_eq!(line.fingerprint, None, "withheld without --show-actual");
}

#[test]
fn expect_mismatch_exits_1_without_showing_the_actual_digest() {
    let actual = fp(STRONG.as_bytes());
    let expected = fp(b"the key from before the rebuild");
    let args = ["fingerprint", "--secret-env", "KEY", "--expect", &expected];
    let out = run(&args, &[("KEY", STRONG.as_bytes())]);
    assert_eq!(code(&out), 1);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("MISMATCH: not the expected key"), "{all}");
    assert!(
        !all.contains(&actual[7..15]),
        "nothing about the actual digest: {all}"
    );

    let out = run(
        &[&args[..], &["--json"]].concat(),
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 1);
    let line = one(&out);
    assert!(!line.expect.expect("expect member").matched);
    assert_eq!((line.fingerprint, line.short), (None, None));

    let out = run(
        &[&args[..], &["--show-actual"]].concat(),
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 1);
    assert!(text(&out.stdout).contains(&actual), "{}", text(&out.stdout));
}

#[test]
fn malformed_expectation_is_a_usage_error_not_a_mismatch() {
    let good_hex = &fp(STRONG.as_bytes())[7..];
    let cases: &[(&str, &str)] = &[
        ("", "not a fingerprint"),
        (good_hex, "`sha256:` prefix"),
        (
            &format!("sha256:{}", &good_hex[..63]),
            "exactly 64 hex digits",
        ),
        (&format!("sha256:{good_hex}0"), "exactly 64 hex digits"),
        (&format!("sha256:{good_hex}\n"), "whitespace"),
        (
            &format!("sha256:{}z", &good_hex[..63]),
            "not all hex digits",
        ),
        (&format!("md5:{}", &good_hex[..32]), "only SHA-256"),
        (&good_hex[..8], "--expect-short"),
        (STRONG, "not a fingerprint"),
    ];
    for (expected, says) in cases {
        let out = run(
            &["fingerprint", "--secret-env", "KEY", "--expect", expected],
            &[("KEY", STRONG.as_bytes())],
        );
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{expected:?}: {stderr}");
        assert!(stderr.contains(says), "{expected:?}: {stderr}");
        assert_eq!(text(&out.stdout), "");
        if expected.len() > 8 {
            assert!(
                !stderr.contains(*expected),
                "the value is not echoed: {stderr}"
            );
        }
    }
    // Even with no key at all: the expectation is judged first.
    let out = run(&["fingerprint", "--expect", "sha256:1234"], &[]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
}

#[test]
fn short_form_only_when_marked() {
    let want = fp(STRONG.as_bytes());
    let short = &want[7..15];
    let env: &[(&str, &[u8])] = &[("KEY", STRONG.as_bytes())];
    let out = run(
        &["fingerprint", "--secret-env", "KEY", "--expect", short],
        env,
    );
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("--expect-short"),
        "{}",
        text(&out.stderr)
    );

    let out = run(
        &[
            "fingerprint",
            "--secret-env",
            "KEY",
            "--expect-short",
            &short.to_uppercase(),
        ],
        env,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("expected     {short} (short form)")));

    let other = &fp(b"other")[7..15];
    let out = run(
        &[
            "fingerprint",
            "--secret-env",
            "KEY",
            "--expect-short",
            other,
        ],
        env,
    );
    assert_eq!(code(&out), 1);

    for bad in [&want[..], &short[..7], "1a2b3c4g", "1a2b3c4d0"] {
        let out = run(
            &["fingerprint", "--secret-env", "KEY", "--expect-short", bad],
            env,
        );
        assert_eq!(code(&out), 2, "{bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("exactly 8 hex digits"));
    }
    // Not both at once.
    let out = run(
        &[
            "fingerprint",
            "--secret-env",
            "KEY",
            "--expect",
            &want,
            "--expect-short",
            short,
        ],
        env,
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn missing_secret_is_key_unusable_with_hints() {
    let out = run(&["fingerprint"], &[]);
    assert_eq!(code(&out), 5);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no key or secret to fingerprint"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint:") && stderr.contains("--secret-env"),
        "{stderr}"
    );
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");
    assert_eq!(text(&out.stdout), "");

    let out = run(&["fingerprint", "--secret-env", "UNSET"], &[]);
    assert_eq!(code(&out), 5);
    assert!(text(&out.stderr).contains("UNSET is not set"));
}

#[test]
fn health_check_with_jwt_secret() {
    let secret = STRONG.as_bytes();
    let env: &[(&str, &[u8])] = &[("JWT_SECRET", secret)];
    let good = fp(secret);
    // The README's HEALTHCHECK line: quiet, exit code only.
    let out = run(&["-q", "fingerprint", "--expect", &good], env);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        (text(&out.stdout), text(&out.stderr)),
        (String::new(), String::new())
    );
    // After a rebuild regenerated the secret.
    let rebuilt: &[(&str, &[u8])] = &[("JWT_SECRET", b"a-brand-new-secret-from-the-rebuild!")];
    let out = run(&["fingerprint", "--expect", &good, "-q"], rebuilt);
    assert_eq!(code(&out), 1);
    assert_eq!(
        (text(&out.stdout), text(&out.stderr)),
        (String::new(), String::new())
    );
    // Not quiet: the fallback is announced on stderr; stdout stays the product.
    let out = run(&["fingerprint"], env);
    assert_eq!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("$JWT_SECRET"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains(&good));
    assert!(text(&out.stdout).contains("env:JWT_SECRET"));
}

#[test]
fn weak_secrets_are_flagged_per_algorithm() {
    // A placeholder, and shorter than all three hash outputs.
    let out = run(
        &["fingerprint", "--secret-env", "KEY"],
        &[("KEY", b"your-256-bit-secret")],
    );
    assert_eq!(
        code(&out),
        0,
        "fingerprinting a weak secret is not a failure"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("weak:") && stdout.contains("placeholder"),
        "{stdout}"
    );
    assert!(stdout.contains("19 bytes"), "{stdout}");
    assert!(!stdout.contains("your-256-bit-secret"), "never the secret");
    let line = one(&run(
        &["fingerprint", "--json", "--secret-env", "KEY"],
        &[("KEY", b"your-256-bit-secret")],
    ));
    let weak = line.weak.expect("weak");
    assert!(weak.placeholder && weak.guessable);
    assert!(weak.guesses_log10.is_some_and(|g| g < 14), "{weak:?}");
    assert_eq!(weak.too_short_for, ["HS256", "HS384", "HS512"]);
    assert_eq!(
        line.fingerprint.as_deref(),
        Some(fp(b"your-256-bit-secret").as_str())
    );

    // 40 bytes: enough for HS256 only.
    let forty = &STRONG.as_bytes()[..40];
    let out = run(&["fingerprint", "--secret-env", "KEY"], &[("KEY", forty)]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("HS384 (48 bytes) and HS512 (64 bytes)")
            && stdout.contains("long enough for HS256"),
        "{stdout}"
    );
    let line = one(&run(
        &["fingerprint", "--json", "--secret-env", "KEY"],
        &[("KEY", forty)],
    ));
    let weak = line.weak.expect("weak");
    assert!(!weak.placeholder);
    assert_eq!(weak.too_short_for, ["HS384", "HS512"]);
    assert!(weak.reason.contains("40 bytes"), "{}", weak.reason);

    // Pinned to HS256, 40 bytes is fine.
    let line = one(&run(
        &[
            "fingerprint",
            "--json",
            "--secret-env",
            "KEY",
            "--alg",
            "HS256",
        ],
        &[("KEY", forty)],
    ));
    assert!(line.weak.is_none(), "{line:?}");
}

#[test]
fn newline_terminated_secret_file_shows_both_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let as_used = format!("{STRONG}\n");
    let path = write(&dir, "secret.txt", &as_used);
    let path = path.to_str().unwrap();
    let (with, without) = (fp(as_used.as_bytes()), fp(STRONG.as_bytes()));

    let out = run(&["fingerprint", "--secret-file", path], &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("fingerprint  {with}")), "{stdout}");
    assert!(
        stdout.contains(&format!("without it   {without}")),
        "{stdout}"
    );
    assert!(stdout.contains("65 bytes"), "the newline counts: {stdout}");
    assert!(stdout.contains("ends with a newline (LF)"), "{stdout}");

    let line = one(&run(&["fingerprint", "--json", "--secret-file", path], &[]));
    assert_eq!(line.fingerprint.as_deref(), Some(with.as_str()));
    let trailing = line.trailing_newline.expect("trailing_newline");
    assert_eq!((trailing.ending.as_str(), trailing.bytes), ("lf", 1));
    assert_eq!(
        trailing.fingerprint_without.as_deref(),
        Some(without.as_str())
    );

    // The service stripped the newline when the expected value was taken: a mismatch, and
    // the report says why.
    let out = run(
        &["fingerprint", "--secret-file", path, "--expect", &without],
        &[],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stdout).contains("WITHOUT a newline (LF) at its end the secret has the expected"),
        "{}",
        text(&out.stdout)
    );
    let line = one(&run(
        &[
            "fingerprint",
            "--json",
            "--secret-file",
            path,
            "--expect",
            &without,
        ],
        &[],
    ));
    let expect = line.expect.expect("expect");
    assert!(!expect.matched);
    assert_eq!(expect.matched_without_trailing_newline, Some(true));
    assert_eq!(
        line.trailing_newline.unwrap().fingerprint_without,
        None,
        "withheld"
    );

    // CRLF from a Windows editor.
    let crlf = write(&dir, "crlf.txt", format!("{STRONG}\r\n"));
    let line = one(&run(
        &[
            "fingerprint",
            "--json",
            "--secret-file",
            crlf.to_str().unwrap(),
        ],
        &[],
    ));
    let trailing = line.trailing_newline.expect("trailing_newline");
    assert_eq!((trailing.ending.as_str(), trailing.bytes), ("crlf", 2));
    assert_eq!(
        trailing.fingerprint_without.as_deref(),
        Some(without.as_str())
    );
    assert_eq!(
        line.fingerprint.as_deref(),
        Some(fp(format!("{STRONG}\r\n").as_bytes()).as_str())
    );

    // Without a newline there is nothing to say.
    let plain = write(&dir, "plain.txt", STRONG);
    let line = one(&run(
        &[
            "fingerprint",
            "--json",
            "--secret-file",
            plain.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(line.trailing_newline.is_none());
}

#[test]
fn rfc7638_example_thumbprint() {
    let dir = tempfile::tempdir().unwrap();
    let jwk = write(&dir, "rfc7638.jwk", RFC7638_JWK);
    let want_fp = fp_of_thumbprint(RFC7638_THUMBPRINT);
    let pem = fixture("rfc7638-rsa-public.pem");
    for path in [jwk.as_path(), pem.as_path()] {
        let path = path.to_str().unwrap();
        let line = one(&run(&["fingerprint", "--json", "--key", path], &[]));
        assert_eq!(line.family, "rsa");
        assert_eq!(
            line.thumbprint.as_deref(),
            Some(RFC7638_THUMBPRINT),
            "{path}"
        );
        assert_eq!(
            line.fingerprint.as_deref(),
            Some(want_fp.as_str()),
            "{path}"
        );
        assert!(line.bytes.is_none() && line.weak.is_none());

        let out = run(&["fingerprint", "--key", path], &[]);
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("thumbprint   {RFC7638_THUMBPRINT}")),
            "{stdout}"
        );

        for expected in [RFC7638_THUMBPRINT, want_fp.as_str()] {
            let out = run(&["fingerprint", "--key", path, "--expect", expected], &[]);
            assert_eq!(code(&out), 0, "{expected}: {}", text(&out.stderr));
        }
    }
    let line = one(&run(
        &["fingerprint", "--json", "--key", jwk.to_str().unwrap()],
        &[],
    ));
    assert_eq!(line.kid.as_deref(), Some("2011-04-29"));
}

#[test]
fn thumbprint_is_not_accepted_for_an_hmac_secret() {
    let out = run(
        &[
            "fingerprint",
            "--secret-env",
            "KEY",
            "--expect",
            RFC7638_THUMBPRINT,
        ],
        &[("KEY", STRONG.as_bytes())],
    );
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("asymmetric key"),
        "{}",
        text(&out.stderr)
    );
}

/// An Ed25519 and a P-256 key, generated here, as a JWKS with kids; plus their thumbprints
/// computed from the raw public keys.
struct GeneratedKeys {
    ed_pkcs8: Vec<u8>,
    ec_pkcs8: Vec<u8>,
    ec_point: Vec<u8>,
    ed_thumbprint: (String, String),
    ec_thumbprint: (String, String),
    jwks: String,
}

fn generated_keys() -> GeneratedKeys {
    let rng = SystemRandom::new();
    let ed_pkcs8 = Ed25519KeyPair::generate_pkcs8v1(&rng)
        .unwrap()
        .as_ref()
        .to_vec();
    let ed = Ed25519KeyPair::from_pkcs8(&ed_pkcs8).unwrap();
    let ed_x = b64(ed.public_key().as_ref());
    let ec_pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .unwrap()
        .as_ref()
        .to_vec();
    let ec = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &ec_pkcs8).unwrap();
    let ec_point = ec.public_key().as_ref().to_vec();
    assert_eq!((ec_point.len(), ec_point[0]), (65, 4), "uncompressed point");
    let (ec_x, ec_y) = (b64(&ec_point[1..33]), b64(&ec_point[33..]));
    GeneratedKeys {
        ed_thumbprint: thumbprint(&format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{ed_x}"}}"#)),
        ec_thumbprint: thumbprint(&format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{ec_x}","y":"{ec_y}"}}"#
        )),
        // Members in a non-canonical order, with extra members: the thumbprint ignores both.
        jwks: format!(
            r#"{{"keys":[
                {{"kid":"ed-1","use":"sig","x":"{ed_x}","kty":"OKP","crv":"Ed25519"}},
                {{"y":"{ec_y}","x":"{ec_x}","kid":"ec-2","alg":"ES256","kty":"EC","crv":"P-256"}}]}}"#
        ),
        ed_pkcs8,
        ec_pkcs8,
        ec_point,
    }
}

#[test]
fn jwks_prints_one_line_per_key_with_its_kid() {
    let keys = generated_keys();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "jwks.json", &keys.jwks);
    let spec = format!("idp={}", path.to_str().unwrap());

    let out = run(&["fingerprint", "--json", "--key", &spec], &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let all = lines(&out);
    assert_eq!(all.len(), 2);
    let got: Vec<_> = all
        .iter()
        .map(|l| {
            (
                l.label.as_str(),
                l.kid.as_deref(),
                l.family.as_str(),
                l.thumbprint.clone().unwrap(),
                l.fingerprint.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "idp#ed-1",
                Some("ed-1"),
                "okp",
                keys.ed_thumbprint.0.clone(),
                keys.ed_thumbprint.1.clone()
            ),
            (
                "idp#ec-2",
                Some("ec-2"),
                "ec",
                keys.ec_thumbprint.0.clone(),
                keys.ec_thumbprint.1.clone()
            ),
        ]
    );

    let out = run(&["fingerprint", "--key", &spec], &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("kid          ed-1") && stdout.contains("kid          ec-2"),
        "{stdout}"
    );

    // Comparing needs one key: a selection, or an explicit --any.
    let ec_fp = keys.ec_thumbprint.1.as_str();
    let out = run(&["fingerprint", "--key", &spec, "--expect", ec_fp], &[]);
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("2 keys") && stderr.contains("--kid"),
        "{stderr}"
    );
    let out = run(
        &[
            "fingerprint",
            "--key",
            &spec,
            "--kid",
            "ec-2",
            "--expect",
            ec_fp,
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run(
        &[
            "fingerprint",
            "--key",
            &spec,
            "--kid",
            "ed-1",
            "--expect",
            ec_fp,
        ],
        &[],
    );
    assert_eq!(code(&out), 1);
    let out = run(
        &["fingerprint", "--key", &spec, "--any", "--expect", ec_fp],
        &[],
    );
    assert_eq!(code(&out), 0);
    let out = run(
        &[
            "fingerprint",
            "--key",
            &spec,
            "--kid",
            "gone",
            "--expect",
            ec_fp,
        ],
        &[],
    );
    assert_eq!(code(&out), 5);
    assert!(
        text(&out.stderr).contains("`ed-1`, `ec-2`"),
        "{}",
        text(&out.stderr)
    );
    // --any means nothing without an expectation.
    let out = run(&["fingerprint", "--key", &spec, "--any"], &[]);
    assert_eq!(code(&out), 2);
}

#[test]
fn pem_and_der_keys_public_and_private() {
    let keys = generated_keys();
    let dir = tempfile::tempdir().unwrap();
    // P-256 SubjectPublicKeyInfo: the fixed algorithm header, then the point.
    let spki_header =
        b"\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\x03\x42\x00";
    let spki = [&spki_header[..], &keys.ec_point].concat();
    let files = [
        (
            write(&dir, "ec.pem", pem("PRIVATE KEY", &keys.ec_pkcs8)),
            "ec",
            &keys.ec_thumbprint,
        ),
        (
            write(&dir, "ec-pub.pem", pem("PUBLIC KEY", &spki)),
            "ec",
            &keys.ec_thumbprint,
        ),
        (write(&dir, "ec-pub.der", &spki), "ec", &keys.ec_thumbprint),
        (
            write(&dir, "ed.pem", pem("PRIVATE KEY", &keys.ed_pkcs8)),
            "okp",
            &keys.ed_thumbprint,
        ),
        (
            write(&dir, "ed.der", &keys.ed_pkcs8),
            "okp",
            &keys.ed_thumbprint,
        ),
    ];
    for (path, family, (thumb, fingerprint)) in &files {
        let path = path.to_str().unwrap();
        let out = run(&["fingerprint", "--json", "--key", path], &[]);
        assert_eq!(code(&out), 0, "{path}: {}", text(&out.stderr));
        let line = one(&out);
        assert_eq!(line.family, *family, "{path}");
        assert_eq!(line.thumbprint.as_ref(), Some(thumb), "{path}");
        assert_eq!(line.fingerprint.as_ref(), Some(fingerprint), "{path}");
        assert_eq!(line.short.as_deref(), Some(&fingerprint[7..15]), "{path}");
    }
    let out = run(&["fingerprint", "--key", files[0].0.to_str().unwrap()], &[]);
    assert!(text(&out.stdout).contains("private; fingerprint of its public half"));
}

#[test]
fn attacker_controlled_kid_is_escaped() {
    let keys = generated_keys();
    let dir = tempfile::tempdir().unwrap();
    let jwks = keys.jwks.replace("ed-1", "ed\\u001b[2J\\u202e1");
    let path = write(&dir, "jwks.json", jwks);
    let out = run(&["fingerprint", "--key", path.to_str().unwrap()], &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("ed\\u{1b}[2J\\u{202e}1"), "{stdout}");
    let out = run(
        &["fingerprint", "--json", "--key", path.to_str().unwrap()],
        &[],
    );
    let raw = text(&out.stdout);
    assert!(
        !raw.contains('\u{1b}') && !raw.contains('\u{202e}'),
        "{raw:?}"
    );
    assert_eq!(lines(&out)[0].kid.as_deref(), Some("ed\u{1b}[2J\u{202e}1"));
}

#[test]
fn help_shows_the_health_check_example() {
    let out = run(&["fingerprint", "--help"], &[]);
    assert_eq!(code(&out), 0);
    let stdout = text(&out.stdout);
    for needle in [
        "--expect <FP>",
        "--expect-short <HEX8>",
        "--show-actual",
        "--secret-file",
        "HEALTHCHECK CMD jwtctl -q fingerprint --secret-env JWT_SECRET --expect sha256:",
    ] {
        assert!(stdout.contains(needle), "{needle:?}:\n{stdout}");
    }
}

#[test]
fn a_jwks_url_is_fetched_once_and_fingerprinted_per_kid() {
    // An identity provider's signing keys, by URL, served once by this test on 127.0.0.1.
    let body = format!(r#"{{"keys":[{}]}}"#, RFC7638_JWK);
    let (url, server) = crate::support::serve_once(body);
    let out = run(
        &["fingerprint", "--json", "--jwks", &format!("idp={url}")],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(server.join().unwrap(), 1, "fetched exactly once");
    let line = one(&out);
    assert_eq!(line.kid.as_deref(), Some("2011-04-29"));
    assert_eq!(
        line.thumbprint.as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
}
