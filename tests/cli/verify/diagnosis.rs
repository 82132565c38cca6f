//! One test per diagnosis: each asserts the exit code and the cause, in human and JSON output.

use super::{Session, hs256, hs256_with};
use crate::support::{AT, AT_UNIX, b64};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fs::File;
use std::time::{Duration, SystemTime};

/// What the service signs with.
const SERVICE: &[u8] = b"service-secret-3b8d51c07e9f42aa7";

fn token() -> String {
    hs256(SERVICE, r#"{"sub":"user-42"}"#)
}

#[test]
fn secret_file_with_a_trailing_newline() {
    let mut s = Session::new();
    s.secret(SERVICE);
    // `echo "$SECRET" > jwt.key`: the newline is now part of the operator's secret.
    let file = s.secret_file("jwt.key", &[SERVICE, b"\n"].concat());
    let (human, report) = s.both(&["--secret-file", &file, &token()], 1);
    assert!(
        human
            .stdout
            .contains("your secret ends with a newline; the service uses it without"),
        "{human}"
    );
    assert_eq!(report.codes(), ["secret_trailing_whitespace"]);
    assert!(
        report
            .next_step
            .unwrap()
            .contains("Remove the trailing newline"),
        "the fix is named"
    );
}

#[test]
fn service_secret_with_a_trailing_newline() {
    let mut s = Session::new();
    s.secret(SERVICE);
    let service = [SERVICE, b"\n"].concat();
    let file = s.secret_file("jwt.key", SERVICE);
    let token = hs256(&service, r#"{"sub":"user-42"}"#);
    let (human, report) = s.both(&["--secret-file", &file, &token], 1);
    assert!(
        human
            .stdout
            .contains("with a newline appended to the secret"),
        "{human}"
    );
    assert_eq!(report.codes(), ["secret_missing_newline"]);
}

#[test]
fn secret_given_encoded_but_the_service_decodes_it() {
    // The service reads base64/base64url/hex from its config and signs with the bytes.
    let raw: &[u8] = b"\x8f\xfe\xfb\x00raw-bytes-with-?>-in-base64\x01\x02";
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    for (encoded, code, encoding) in [
        (STANDARD.encode(raw), "secret_base64", "base64"),
        (b64(raw), "secret_base64url", "base64url"),
        (hex, "secret_hex", "hex"),
    ] {
        let mut s = Session::new();
        s.secret(raw);
        let file = s.secret_file("secret.txt", format!("{encoded}\n").as_bytes());
        let token = hs256(raw, r#"{"sub":"user-42"}"#);
        let (human, report) = s.both(&["--secret-file", &file, &token], 1);
        let fix = format!("--secret-encoding {encoding}");
        assert!(
            human
                .stdout
                .contains(&format!("the secret is {encoding}-decoded")),
            "{human}"
        );
        assert!(human.stdout.contains(&fix), "{human}");
        assert_eq!(report.codes(), [code]);
        assert!(report.next_step.unwrap().contains(&fix));
        // And the named fix works.
        let fixed = s
            .verify([
                "--secret-file",
                &file,
                "--secret-encoding",
                encoding,
                &token,
            ])
            .run();
        assert_eq!(fixed.code, 0, "{fixed}");
    }
}

#[test]
fn secret_with_surrounding_quotes() {
    let mut s = Session::new();
    s.secret(SERVICE);
    // Copied from a .env file: JWT_SECRET="service-secret-..."
    let quoted = [b"\"", SERVICE, b"\""].concat();
    let human = s
        .verify(["--secret-env", "JWT_SECRET", &token()])
        .env("JWT_SECRET", String::from_utf8(quoted.clone()).unwrap())
        .run();
    assert_eq!(human.code, 1, "{human}");
    assert!(
        human
            .stdout
            .contains("once the surrounding quotes are removed"),
        "{human}"
    );
    let json = s
        .verify(["--secret-env", "JWT_SECRET", "--json", &token()])
        .env("JWT_SECRET", String::from_utf8(quoted).unwrap())
        .run();
    assert_eq!(json.code, 1, "{json}");
    assert_eq!(json.single().codes(), ["secret_quoted"]);
}

fn oct(kid: &str, secret: &[u8]) -> String {
    format!(
        r#"{{"kty":"oct","kid":"{kid}","alg":"HS256","k":"{}"}}"#,
        b64(secret)
    )
}

#[test]
fn kid_not_in_the_jwks_lists_the_kids_present() {
    let mut s = Session::new();
    let june = s.secret(b"june-signing-key-0123456789abcdef");
    let december = s.secret(b"december-signing-key-0123456789ab");
    let jwks = format!(
        r#"{{"keys":[{},{}]}}"#,
        oct("2026-06", &june),
        oct("2026-12", &december)
    );
    let jwks = s.file("jwks.json", jwks.as_bytes());
    // Signed by a key the issuer has since dropped from its set.
    let gone = s.secret(b"january-signing-key-0123456789abc");
    let token = hs256_with(
        &gone,
        r#"{"alg":"HS256","kid":"2026-01"}"#,
        r#"{"sub":"user-42"}"#,
    );
    let (human, report) = s.both(&["--key", &jwks, &token], 1);
    let kid_line = human.check_line("kid");
    assert!(
        kid_line.contains("FAIL")
            && kid_line
                .contains("`2026-01` is not among the keys (kids present: `2026-06`, `2026-12`)"),
        "{human}"
    );
    assert!(
        human.stdout.contains("the issuer rotated its keys"),
        "{human}"
    );
    assert_eq!(report.check("kid").status, "fail");
    assert_eq!(report.codes()[0], "kid_not_found");
    assert!(
        report
            .finding("kid_not_found")
            .contains("kids present: `2026-06`, `2026-12`")
    );

    // The same set, the kid that is there: the key it names is the one that matches.
    let current = hs256_with(
        &december,
        r#"{"alg":"HS256","kid":"2026-12"}"#,
        r#"{"sub":"user-42"}"#,
    );
    let (_, report) = s.both(&["--key", &jwks, &current], 0);
    assert_eq!(report.check("kid").status, "pass");
    let label = &report.matched_key.as_ref().unwrap().label;
    assert!(label.ends_with("#2026-12"), "{label}");
}

#[test]
fn key_file_written_after_the_token_was_issued() {
    let mut s = Session::new();
    s.secret(SERVICE);
    let iat = AT_UNIX - 3 * 86_400;
    let token = hs256(SERVICE, &format!(r#"{{"sub":"user-42","iat":{iat}}}"#));
    let file = s.secret_file("jwt.key", b"regenerated-secret-5e0c9d1a77b2c");
    // The container wrote a new key file a day after the token was issued.
    let written = iat + 86_400;
    File::options()
        .write(true)
        .open(s.path("jwt.key"))
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(written as u64))
        .unwrap();
    let (human, report) = s.both(&["--secret-file", &file, &token], 1);
    let expected = "was written at 2026-11-21T10:00:00Z (1d after the token was issued at \
                    2026-11-20T10:00:00Z): the key was probably regenerated after this token was \
                    issued";
    assert!(human.stdout.contains(expected), "{human}");
    assert_eq!(report.codes(), ["key_changed", "key_newer_than_token"]);
    assert!(report.finding("key_newer_than_token").contains(expected));
}

#[test]
fn token_alg_differs_from_the_keys() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    // An RS256 token (from the identity provider) checked against the HMAC secret.
    let token = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64(r#"{"sub":"user-42"}"#),
        b64([7u8; 256])
    );
    let (human, report) = s.both(&["--secret-file", &file, &token], 1);
    assert!(human.check_line("algorithm").contains("FAIL"), "{human}");
    assert!(
        human
            .stdout
            .contains("the token's alg is RS256 but the keys are pinned to other algorithms"),
        "{human}"
    );
    assert_eq!(report.check("signature").status, "skip");
    assert_eq!(report.codes(), ["alg_mismatch"]);

    // And an HS512 token against a secret pinned to HS256 with --alg.
    let hs512 = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS512"}"#),
        b64(r#"{"sub":"user-42"}"#),
        b64([7u8; 64])
    );
    let (_, report) = s.both(&["--secret-file", &file, "--alg", "HS256", &hs512], 1);
    assert_eq!(report.codes(), ["alg_mismatch"]);
    assert!(report.finding("alg_mismatch").contains("HS256"));
}

#[test]
fn expired_at_the_time_of_the_logged_request() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let exp = AT_UNIX - 2 * 3_600;
    let token = hs256(SERVICE, &format!(r#"{{"sub":"user-42","exp":{exp}}}"#));
    let (human, report) = s.both(&["--secret-file", &file, &token], 3);
    assert!(
        human
            .check_line("exp")
            .contains("FAIL  exp        expired 2h ago (2026-11-23T08:00:00Z)"),
        "{human}"
    );
    assert!(human.stdout.contains("Verdict: CLAIMS REJECTED"), "{human}");
    assert_eq!(report.verdict, "claims_rejected");
    assert_eq!(report.check("signature").status, "pass");
    assert_eq!(report.codes(), ["expired"]);
    assert!(report.finding("expired").contains("expired 2h ago"));
    // At the instant of a request logged before expiry, it was fine.
    let earlier = s
        .verify(["--secret-file", &file, &token])
        .at("2026-11-23T07:59:59Z")
        .run();
    assert_eq!(earlier.code, 0, "{earlier}");
    // And a server with a 3h clock-skew allowance still accepts it.
    let lenient = s
        .verify(["--secret-file", &file, "--leeway", "3h", &token])
        .run();
    assert_eq!(lenient.code, 0, "{lenient}");
}

#[test]
fn not_valid_before_a_future_instant() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let nbf = AT_UNIX + 600;
    let token = hs256(SERVICE, &format!(r#"{{"sub":"user-42","nbf":{nbf}}}"#));
    let (human, report) = s.both(&["--secret-file", &file, &token], 3);
    assert!(
        human
            .check_line("nbf")
            .contains("not valid for another 10m (until 2026-11-23T10:10:00Z)"),
        "{human}"
    );
    assert_eq!(report.check("nbf").status, "fail");
    assert_eq!(report.codes(), ["nbf_future"]);
    assert!(report.next_step.unwrap().contains("--leeway"));
}

#[test]
fn wrong_audience() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let token = hs256(SERVICE, r#"{"sub":"user-42","aud":["billing","reports"]}"#);
    let (human, report) = s.both(&["--secret-file", &file, "--aud", "api", &token], 3);
    assert!(
        human
            .check_line("aud")
            .contains(r#"["billing","reports"] is not `api`"#),
        "{human}"
    );
    assert!(
        human.stdout.contains("issued for another service"),
        "{human}"
    );
    assert_eq!(report.codes(), ["wrong_audience"]);
    let (_, report) = s.both(
        &[
            "--secret-file",
            &file,
            "--aud",
            "api",
            "--aud",
            "reports",
            &token,
        ],
        0,
    );
    assert_eq!(report.check("aud").reason, "`reports` as expected");
}

#[test]
fn wrong_issuer() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let token = hs256(SERVICE, r#"{"sub":"user-42","iss":"https://staging.idp"}"#);
    let (human, report) = s.both(&["--secret-file", &file, "--iss", "https://idp", &token], 3);
    assert!(
        human
            .check_line("iss")
            .contains(r#""https://staging.idp" is not `https://idp`"#),
        "{human}"
    );
    assert!(human.stdout.contains("issued by another issuer"), "{human}");
    assert_eq!(report.codes(), ["wrong_issuer"]);
}

#[test]
fn require_exp_models_a_strict_server() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let (human, report) = s.both(&["--secret-file", &file, "--require", "exp", &token()], 3);
    assert!(
        human
            .check_line("exp")
            .contains("no `exp`, but --require exp makes it mandatory"),
        "{human}"
    );
    assert_eq!(report.check("required").status, "fail");
    assert_eq!(report.codes(), ["missing_claims"]);
    // Without it, the same token is valid: exp is checked only when present.
    s.both(&["--secret-file", &file, &token()], 0);
}

#[test]
fn the_suite_instant_is_what_the_reports_judge_at() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SERVICE);
    let human = s.verify(["--secret-file", &file, &token()]).run();
    assert!(human.stdout.contains(&format!("(at {AT})")), "{human}");
}
