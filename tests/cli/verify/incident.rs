//! The incident jwtctl exists for: a service regenerates its `JWT_SECRET` on every container
//! rebuild, so a token issued before the rebuild (one with no `exp`, even) fails with 401
//! while it still decodes fine.

use super::{Session, hs256};
use crate::support::{AT_UNIX, decode_with};
use sha2::{Digest, Sha256};

/// The secret before the rebuild and the one the container generated after it.
const OLD: &[u8] = b"old-secret-from-before-the-rebuild-4f9a";
const NEW: &[u8] = b"new-secret-after-the-rebuild-9c2e1b7d33";

fn token() -> String {
    // Issued a week before the rebuild, never expires.
    hs256(
        OLD,
        &format!(r#"{{"sub":"user-42","iat":{}}}"#, AT_UNIX - 7 * 86_400),
    )
}

fn short_fingerprint(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn text(secret: &[u8]) -> String {
    String::from_utf8(secret.to_vec()).unwrap()
}

#[test]
fn the_token_still_decodes_fine() {
    // Why the incident is confusing: nothing looks wrong without a key.
    let assert = decode_with([token()]).assert().code(0);
    assert!(String::from_utf8_lossy(&assert.get_output().stdout).contains("user-42"));
}

#[test]
fn with_the_new_secret_it_is_a_mismatch_that_says_the_key_changed() {
    let mut s = Session::new();
    s.secret(OLD);
    s.secret(NEW);
    let token = token();

    // As the on-call engineer runs it inside the service's container: JWT_SECRET is set.
    let human = s.verify([&token]).env("JWT_SECRET", text(NEW)).run();
    assert_eq!(human.code, 1, "{human}");
    assert!(
        human.stderr.contains("using the secret in $JWT_SECRET"),
        "{human}"
    );
    assert!(human.check_line("signature").contains("FAIL"), "{human}");
    assert!(human.check_line("exp").contains("never expires"), "{human}");
    assert!(human.stdout.contains("Verdict: MISMATCH"), "{human}");
    assert!(
        human.stdout.contains("signed by a different key")
            && human.stdout.contains("the key was probably regenerated"),
        "{human}"
    );
    assert!(human.stdout.contains("Next step: Re-mint"), "{human}");

    let json = s
        .verify([&token, "--json"])
        .env("JWT_SECRET", text(NEW))
        .run();
    assert_eq!(json.code, 1, "{json}");
    let report = json.single();
    assert_eq!(report.verdict, "mismatch");
    assert_eq!(report.codes(), ["key_changed"]);
    assert!(report.finding("key_changed").contains("regenerated"));
    assert!(report.matched_key.is_none());
    assert!(
        report
            .next_step
            .as_deref()
            .is_some_and(|s| s.contains("jwtctl mint --from")),
        "{report:?}"
    );
    assert_eq!(report.check("exp").status, "skip");
}

#[test]
fn with_the_ring_old_and_new_it_says_which_key_signed_it() {
    let mut s = Session::new();
    s.secret(OLD);
    s.secret(NEW);
    let token = token();
    let args = [
        "--secret-env",
        "current=JWT_SECRET",
        "--secret-env",
        "previous=JWT_SECRET_BEFORE_REBUILD",
        &token,
    ];
    let expected = format!(
        "signature does not match `current` ({}); it matches `previous` ({}): the signing key \
         changed after this token was issued",
        short_fingerprint(NEW),
        short_fingerprint(OLD)
    );

    let human = s
        .verify(args)
        .env("JWT_SECRET", text(NEW))
        .env("JWT_SECRET_BEFORE_REBUILD", text(OLD))
        .run();
    assert_eq!(human.code, 0, "{human}");
    assert!(
        human
            .check_line("signature")
            .contains(&format!("matches `previous` ({})", short_fingerprint(OLD))),
        "{human}"
    );
    assert!(human.stdout.contains(&expected), "{human}");
    assert!(human.stdout.contains("Next step: Re-mint"), "{human}");

    let json = s
        .verify(args)
        .arg("--json")
        .env("JWT_SECRET", text(NEW))
        .env("JWT_SECRET_BEFORE_REBUILD", text(OLD))
        .run();
    assert_eq!(json.code, 0, "{json}");
    let report = json.single();
    let key = report.matched_key.as_ref().expect("a matched key");
    assert_eq!(key.label, "previous");
    let full: String = Sha256::digest(OLD)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(key.fingerprint, format!("sha256:{full}"));
    assert_eq!(report.codes(), ["key_rotated"]);
    assert_eq!(report.finding("key_rotated"), expected);
}
