//! Guessable secrets: judged by an estimator beside their length, said so with what their
//! fingerprint gives away; the salted check value of `fingerprint --salted`, which `--expect`
//! takes; the RFC 7638 thumbprint of `oct` JWKs.

use crate::support::{jwtctl, text};
use std::time::Instant;

fn fingerprint(args: &[&str], secret: &str) -> (i32, String, String) {
    let out = jwtctl()
        .arg("fingerprint")
        .args(args)
        .env("SB", secret)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn guessable_secrets_are_said_to_be_guessable() {
    // (secret, guessable): the last two are long enough for HS256 by length alone.
    let rows = [
        ("Password123!", true),
        ("password-password-password-pass", true),
        ("Password123!Password123!Password123!", true),
        ("passwordpasswordpasswordpassword", true),
        ("9f2c7a1e4b8d03f6a5c9e2b7d4f1a8c3", false),
    ];
    let mut failed = Vec::new();
    for (secret, guessable) in rows {
        let (code, human, _) = fingerprint(&["--secret-env", "SB", "--alg", "HS256"], secret);
        let (_, json, _) = fingerprint(&["--json", "--secret-env", "SB", "--alg", "HS256"], secret);
        let says = human.contains("guessable") && human.contains("confirm a guess");
        let flagged = json.contains(r#""guessable":true"#);
        if code != 0 || says != guessable || flagged != guessable {
            failed.push(format!(
                "{secret:?}: guessable {guessable} but:\n{human}{json}"
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

#[test]
fn salted_check_values() {
    let secret = "a-long-random-enough-secret-9c1f0e7b2d";
    let started = Instant::now();
    let (code, out, err) = fingerprint(&["--secret-env", "SB", "--salted"], secret);
    let took = started.elapsed();
    assert_eq!(code, 0, "{err}");
    let phc = out
        .split_whitespace()
        .find(|w| w.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"))
        .unwrap_or_else(|| panic!("no PHC string: {out}"))
        .to_owned();
    assert!(
        !out.contains("sha256:"),
        "the plain fingerprint is withheld: {out}"
    );
    assert!(took.as_secs() < 10, "{took:?}");
    // A second run draws another salt.
    let (_, again, _) = fingerprint(&["--json", "--secret-env", "SB", "--salted"], secret);
    assert!(
        again.contains(r#""salted":"$argon2id$"#) && !again.contains(&phc),
        "{again}"
    );

    let mut failed = Vec::new();
    for (what, secret, expect, code) in [
        ("the same secret", secret, phc.clone(), 0),
        (
            "another secret",
            "another-secret-entirely-5d2a9b8c7e1f",
            phc.clone(),
            1,
        ),
        (
            "a changed hash",
            secret,
            format!("{}A", &phc[..phc.len() - 1]),
            1,
        ),
        ("not a PHC string", secret, phc.replace("$v=19", ""), 2),
        (
            "too costly",
            secret,
            phc.replace("m=19456", "m=99999999"),
            2,
        ),
    ] {
        let (got, out, err) = fingerprint(&["--secret-env", "SB", "--expect", &expect], secret);
        let wrong_changed = what == "a changed hash" && expect == phc;
        if got != code || wrong_changed {
            failed.push(format!("{what}: exit {got}, wanted {code}:\n{out}{err}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn oct_jwks_get_their_rfc7638_thumbprint() {
    let dir = tempfile::tempdir().unwrap();
    // RFC 7517 appendix A.3's first symmetric key.
    let jwk = r#"{"kty":"oct","alg":"A128KW","k":"GawgguFyGrWKav7AX4VKUg"}"#;
    let path = dir.path().join("oct.jwk");
    std::fs::write(&path, jwk.replace(r#""alg":"A128KW","#, "")).unwrap();
    let path = path.to_str().unwrap();
    // RFC 7638 §3.2 members: {"k":"GawgguFyGrWKav7AX4VKUg","kty":"oct"}.
    let thumbprint = {
        use aws_lc_rs::digest::{SHA256, digest};
        crate::support::b64(digest(
            &SHA256,
            br#"{"k":"GawgguFyGrWKav7AX4VKUg","kty":"oct"}"#,
        ))
    };
    let out = jwtctl()
        .args(["fingerprint", "--key", path])
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&thumbprint) && shown.contains("sha256:"),
        "{shown}"
    );
    let out = jwtctl()
        .args(["fingerprint", "--key", path, "--expect", &thumbprint])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
