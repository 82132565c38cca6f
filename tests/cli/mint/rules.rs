//! The rules a mint follows, through the CLI: id claim detection, expiry, source trust, the
//! signing key, claim edits. A refused mint prints nothing on stdout and writes no record.

use super::{
    Lab, NEW_SECRET, OLD_SECRET, claims, now, segment, signed, signed_with_header, tokens,
};
use crate::support::text;

/// Run a mint that must be refused: exit `code`, nothing on stdout, no audit record; returns
/// stderr.
#[track_caller]
fn refused(lab: &Lab, args: &[&str], code: i32) -> String {
    let before = lab.records().len();
    let assert = lab.mint().args(args).assert().code(code);
    let output = assert.get_output();
    assert!(
        output.stdout.is_empty(),
        "{args:?}: {:?}",
        text(&output.stdout)
    );
    assert_eq!(lab.records().len(), before, "{args:?} wrote a record");
    text(&output.stderr)
}

/// Run a mint that must succeed; returns the new token.
#[track_caller]
fn minted(lab: &Lab, args: &[&str]) -> String {
    let assert = lab.mint().args(args).assert().code(0);
    let mut new = tokens(&assert.get_output().stdout);
    assert_eq!(new.len(), 1);
    new.remove(0)
}

#[test]
fn id_claim_detection_table() {
    // (old claims, extra args, Ok(id claim) | Err((exit code, words stderr must contain)))
    type Row = (
        &'static str,
        &'static [&'static str],
        Result<&'static str, (i32, &'static [&'static str])>,
    );
    let rows: [Row; 9] = [
        (r#"{"sub":"u1"}"#, &[], Ok("sub")),
        (r#"{"id":"u1"}"#, &[], Ok("id")),
        (r#"{"user_id":42}"#, &[], Ok("user_id")),
        (r#"{"uid":"u1"}"#, &[], Ok("uid")),
        (r#"{"userId":"u1"}"#, &[], Ok("userId")),
        (
            r#"{"email":"a@b","role":"x"}"#,
            &[],
            Err((3, &["no user id claim", "`email`, `role`", "--id-claim"])),
        ),
        (
            r#"{"sub":"a","uid":"b"}"#,
            &[],
            Err((
                3,
                &[
                    "several user id claims",
                    r#"`sub` = "a""#,
                    r#"`uid` = "b""#,
                    "--id-claim sub",
                ],
            )),
        ),
        (
            r#"{"sub":"a","uid":"b"}"#,
            &["--id-claim", "uid"],
            Ok("uid"),
        ),
        (
            r#"{"sub":"a"}"#,
            &["--id-claim", "email"],
            Err((
                3,
                &[
                    "claim `email` (--id-claim) is not in the old token",
                    "`sub`",
                ],
            )),
        ),
    ];
    for (old_claims, extra, want) in rows {
        let lab = Lab::new();
        let old = signed(OLD_SECRET, old_claims);
        let mut args = vec!["--from", &old, "--unverified-source", "--no-exp"];
        args.extend_from_slice(extra);
        match want {
            Ok(claim) => {
                let new = minted(&lab, &args);
                let want_value =
                    serde_json::from_str::<serde_json::Value>(old_claims).unwrap()[claim].clone();
                assert_eq!(claims(&new)[claim], want_value, "{old_claims}");
                assert_eq!(lab.records()[0].id_claim, claim);
            }
            Err((code, words)) => {
                let stderr = refused(&lab, &args, code);
                for word in words {
                    assert!(
                        stderr.contains(word),
                        "{old_claims}: {word:?} not in {stderr}"
                    );
                }
            }
        }
    }
}

#[test]
fn expiry_rules_table() {
    // (old claims, extra args, Ok(Some(lifetime)) / Ok(None) for no exp | Err(exit code, word))
    type Row = (
        &'static str,
        &'static [&'static str],
        Result<Option<i64>, (i32, &'static str)>,
    );
    let rows: [Row; 8] = [
        (r#"{"sub":"u","iat":1000,"exp":4600}"#, &[], Ok(Some(3600))),
        (
            r#"{"sub":"u","iat":1000,"exp":4600}"#,
            &["--exp", "15m"],
            Ok(Some(900)),
        ),
        (
            r#"{"sub":"u","iat":1000,"exp":4600}"#,
            &["--no-exp"],
            Ok(None),
        ),
        (
            r#"{"sub":"u"}"#,
            &[],
            Err((3, "dies only when the signing key rotates")),
        ),
        (r#"{"sub":"u"}"#, &["--no-exp"], Ok(None)),
        (r#"{"sub":"u"}"#, &["--exp", "7d"], Ok(Some(7 * 86_400))),
        (r#"{"sub":"u","exp":4600}"#, &[], Err((3, "no `iat`"))),
        (
            r#"{"sub":"u"}"#,
            &["--exp", "0"],
            Err((2, "longer than 0s")),
        ),
    ];
    for (old_claims, extra, want) in rows {
        let lab = Lab::new();
        let old = signed(OLD_SECRET, old_claims);
        let mut args = vec!["--from", &old, "--unverified-source"];
        args.extend_from_slice(extra);
        match want {
            Ok(lifetime) => {
                let new = minted(&lab, &args);
                let c = claims(&new);
                let iat = c["iat"].as_i64().unwrap();
                let exp = c.get("exp").map(|e| e.as_i64().unwrap());
                assert_eq!(exp.map(|e| e - iat), lifetime, "{old_claims} {extra:?}");
                assert_eq!(lab.records()[0].new_exp, exp);
            }
            Err((code, word)) => {
                let stderr = refused(&lab, &args, code);
                assert!(stderr.contains(word), "{old_claims} {extra:?}: {stderr}");
            }
        }
    }
    // --exp and --no-exp together is a usage error.
    let lab = Lab::new();
    refused(&lab, &["--claim", "sub=x", "--exp", "1h", "--no-exp"], 2);
}

#[test]
fn no_exp_warns_on_stderr() {
    let lab = Lab::new();
    let assert = lab
        .mint()
        .args(["--claim", "sub=svc", "--no-exp"])
        .assert()
        .code(0);
    let stderr = text(&assert.get_output().stderr);
    assert!(
        stderr.contains("warning: the new token has no `exp`"),
        "{stderr}"
    );
}

#[test]
fn source_trust() {
    let old = signed(OLD_SECRET, r#"{"sub":"u","iat":1,"exp":61}"#);
    let lab = Lab::new();
    let old_file = lab.file("old.secret", OLD_SECRET);
    let wrong_file = lab.file("wrong.secret", "a-different-secret-of-some-length");
    let old_path = old_file.to_str().unwrap();
    let wrong_path = wrong_file.to_str().unwrap();

    // No key to check it with, no acknowledgement: usage error, before anything is read.
    let stderr = refused(&lab, &["--from", &old], 2);
    assert!(stderr.contains("--verify-with"), "{stderr}");
    assert!(stderr.contains("--unverified-source"), "{stderr}");
    assert!(!lab.log().exists(), "not even created");

    // A key that does not match, no acknowledgement: mismatch.
    let stderr = refused(&lab, &["--from", &old, "--verify-with", wrong_path], 1);
    assert!(stderr.contains("does not verify"), "{stderr}");
    assert!(stderr.contains("--unverified-source"), "{stderr}");

    // Acknowledged: minted, recorded as unverified.
    minted(
        &lab,
        &[
            "--from",
            &old,
            "--verify-with",
            wrong_path,
            "--unverified-source",
        ],
    );
    assert!(!lab.records()[0].source_verified);

    // The right key among several (file or env): verified.
    minted(
        &lab,
        &[
            "--from",
            &old,
            "--verify-with",
            wrong_path,
            "--verify-with",
            old_path,
        ],
    );
    let assert = lab
        .mint()
        .args(["--from", &old, "--verify-with-env", "OLD"])
        .env("OLD", OLD_SECRET)
        .assert()
        .code(0);
    assert_eq!(tokens(&assert.get_output().stdout).len(), 1);
    let verified: Vec<bool> = lab.records().iter().map(|r| r.source_verified).collect();
    assert_eq!(verified, [false, true, true]);

    // `alg: none` never verifies.
    let unsecured = format!(
        "{}.{}.",
        crate::support::b64(r#"{"alg":"none"}"#),
        crate::support::b64(r#"{"sub":"u","iat":1,"exp":61}"#)
    );
    refused(
        &Lab::new(),
        &["--from", &unsecured, "--verify-with", old_path],
        1,
    );
}

#[test]
fn exactly_one_signing_key_that_can_sign() {
    let lab = Lab::new();
    let other = lab.file("other.secret", "another-current-secret-0123456789abcdef");
    let stderr = refused(
        &lab,
        &[
            "--claim",
            "sub=x",
            "--exp",
            "1h",
            "--secret-file",
            other.to_str().unwrap(),
        ],
        2,
    );
    assert!(stderr.contains("exactly one key"), "{stderr}");
    assert!(stderr.contains("--verify-with"), "{stderr}");

    // No key at all.
    let assert = lab
        .jwtctl()
        .env_remove("NEW_SECRET")
        .args(["mint", "--claim", "sub=x", "--exp", "1h", "--audit-log"])
        .arg(lab.log())
        .assert()
        .code(5);
    assert!(assert.get_output().stdout.is_empty());
    assert!(text(&assert.get_output().stderr).contains("no signing key"));

    // JWT_SECRET is used when no key option is given, and stderr says so.
    let assert = lab
        .jwtctl()
        .env("JWT_SECRET", NEW_SECRET)
        .args(["mint", "--claim", "sub=x", "--exp", "1h", "--audit-log"])
        .arg(lab.log())
        .assert()
        .code(0);
    assert!(text(&assert.get_output().stderr).contains("$JWT_SECRET"));
    let new = tokens(&assert.get_output().stdout).remove(0);
    assert!(super::verifies(&new, NEW_SECRET));

    // --alg must fit the key.
    let stderr = refused(
        &lab,
        &["--claim", "sub=x", "--exp", "1h", "--alg", "RS256"],
        5,
    );
    assert!(stderr.contains("RS256"), "{stderr}");
}

#[test]
fn a_public_key_cannot_sign_and_a_jwks_url_is_refused() {
    let lab = Lab::new();
    let public = lab.file(
        "pub.jwk",
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    );
    let assert = lab
        .jwtctl()
        .args(["mint", "--claim", "sub=x", "--exp", "1h", "--key"])
        .arg(&public)
        .arg("--audit-log")
        .arg(lab.log())
        .assert()
        .code(5);
    assert!(text(&assert.get_output().stderr).contains("public key"));
    assert!(lab.records().is_empty());

    // A JWKS URL publishes public keys: refused before any network access.
    let assert = lab
        .jwtctl()
        .args(["mint", "--claim", "sub=x", "--exp", "1h"])
        .args(["--jwks", "https://idp.invalid/jwks.json", "--audit-log"])
        .arg(lab.log())
        .assert()
        .code(7);
    assert!(text(&assert.get_output().stderr).contains("public keys only"));
    assert!(lab.records().is_empty());
}

#[test]
fn weak_signing_secret_is_refused_unless_allowed() {
    let lab = Lab::new();
    for (secret, bytes) in [("changeme", "8 bytes"), ("short-secret", "12 bytes")] {
        let assert = lab
            .jwtctl()
            .env("WEAK", secret)
            .args([
                "mint",
                "--claim",
                "sub=x",
                "--exp",
                "1h",
                "--secret-env",
                "WEAK",
            ])
            .arg("--audit-log")
            .arg(lab.log())
            .assert()
            .code(5);
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.contains(bytes), "{stderr}");
        assert!(stderr.contains("32-byte hash output of HS256"), "{stderr}");
        assert!(lab.records().is_empty(), "nothing minted, nothing logged");
    }
    for (secret, why) in [
        ("changeme", "placeholder"),
        ("short-secret", "shorter than"),
    ] {
        let assert = lab
            .jwtctl()
            .env("WEAK", secret)
            .args([
                "mint",
                "--claim",
                "sub=x",
                "--exp",
                "1h",
                "--secret-env",
                "WEAK",
                "--allow-weak-key",
                "--audit-log",
            ])
            .arg(lab.log())
            .assert()
            .code(0);
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.contains("warning: the signing secret"), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
    let assert = lab
        .mint()
        .args(["--claim", "sub=x", "--exp", "1h"])
        .assert()
        .code(0);
    assert!(!text(&assert.get_output().stderr).contains("weak"));
}

#[test]
fn claims_header_and_edits() {
    let lab = Lab::new();
    let old = signed_with_header(
        OLD_SECRET,
        r#"{"alg":"HS256","typ":"at+jwt","kid":"2025-key"}"#,
        r#"{"iss":"auth","uid":7,"scope":"read","aud":"api","jti":"0b9d1e2c-4f3a-4b5c-8d6e-7f8091a2b3c4","iat":1000,"exp":4600}"#,
    );
    let base = ["--from", old.as_str(), "--unverified-source"];

    // Default: only the id, fresh iat, same lifetime, a new jti shaped like the old one.
    let new = minted(&lab, &base);
    let c = claims(&new);
    assert_eq!(c.keys().collect::<Vec<_>>(), ["uid", "iat", "exp", "jti"]);
    assert_eq!(c["uid"], 7);
    let jti = c["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 36);
    assert_ne!(jti, "0b9d1e2c-4f3a-4b5c-8d6e-7f8091a2b3c4");
    assert_eq!(
        serde_json::Value::Object(segment(&new, 0)).to_string(),
        r#"{"alg":"HS256","typ":"at+jwt","kid":"2025-key"}"#
    );
    let r = &lab.records()[0];
    assert_eq!(
        r.old_jti.as_deref(),
        Some("0b9d1e2c-4f3a-4b5c-8d6e-7f8091a2b3c4")
    );
    assert_eq!(r.new_jti.as_deref(), Some(jti));

    // --keep-claims, edits, header overrides.
    let mut args = base.to_vec();
    args.extend([
        "--keep-claims",
        "--claim",
        "scope=write",
        "--claim",
        "roles:=[\"a\"]",
        "--claim",
        "n=42",
        "--unset",
        "aud",
        "--kid",
        "2026-key",
        "--typ",
        "JWT",
        "--alg",
        "HS512",
        "--allow-weak-key",
    ]);
    let new = minted(&lab, &args);
    let c = claims(&new);
    assert_eq!(
        c.keys().collect::<Vec<_>>(),
        ["iss", "uid", "scope", "jti", "iat", "exp", "roles", "n"]
    );
    assert_eq!(
        (&c["scope"], &c["roles"], &c["n"]),
        (&"write".into(), &serde_json::json!(["a"]), &42.into())
    );
    assert_eq!(
        serde_json::Value::Object(segment(&new, 0)).to_string(),
        r#"{"alg":"HS512","typ":"JWT","kid":"2026-key"}"#
    );
    assert_eq!(lab.records()[1].alg, "HS512");

    // Edits jwtctl refuses.
    for (args, word) in [
        (vec!["--claim", "exp=1"], "--exp"),
        (vec!["--unset", "iat"], "iat"),
        (vec!["--claim", "uid=8"], "replace the user id"),
        (vec!["--claim", "a=1", "--unset", "a"], "more than once"),
        (vec!["--claim", "bad:=nope"], "JSON"),
    ] {
        let mut all = base.to_vec();
        all.extend(args);
        let stderr = refused(&Lab::new(), &all, 2);
        assert!(stderr.contains(word), "{word}: {stderr}");
    }
}

#[test]
fn minting_from_claims_alone() {
    let lab = Lab::new();
    let before = now();
    let new = minted(
        &lab,
        &[
            "--claim",
            "sub=svc-billing",
            "--claim",
            "scope=batch",
            "--exp",
            "15m",
        ],
    );
    let c = claims(&new);
    assert_eq!(c["sub"], "svc-billing");
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 900);
    assert!(c["iat"].as_i64().unwrap() >= before);
    assert_eq!(
        serde_json::Value::Object(segment(&new, 0)).to_string(),
        r#"{"alg":"HS256","typ":"JWT"}"#
    );
    let r = &lab.records()[0];
    assert_eq!(
        (r.old_token_sha256.as_deref(), r.old_token_prefix.as_deref()),
        (None, None)
    );
    assert!(!r.source_verified);

    // Without an id claim, or without an expiry decision: refused.
    let stderr = refused(&lab, &["--claim", "scope=x", "--exp", "1h"], 3);
    assert!(stderr.contains("--claim sub=VALUE"), "{stderr}");
    let stderr = refused(&lab, &["--claim", "sub=x"], 3);
    assert!(stderr.contains("--no-exp"), "{stderr}");
    refused(
        &lab,
        &["--claim", "sub=x", "--exp", "1h", "--keep-claims"],
        2,
    );
    refused(
        &lab,
        &["--claim", "sub=x", "--exp", "1h", "--unverified-source"],
        2,
    );
}

#[test]
fn operator_and_log_location_come_from_the_environment() {
    let lab = Lab::new();
    let env_log = lab.dir.path().join("env/audit.jsonl");
    lab.jwtctl()
        .args([
            "mint",
            "--claim",
            "sub=x",
            "--exp",
            "1h",
            "--secret-env",
            "NEW_SECRET",
        ])
        .env("JWTCTL_AUDIT_LOG", &env_log)
        .env("JWTCTL_OPERATOR", "ci-bot")
        .env("USER", "root")
        .assert()
        .code(0);
    assert_eq!(super::records_in(&env_log)[0].operator, "ci-bot");

    let state = lab.dir.path().join("xdg-state");
    lab.jwtctl()
        .args([
            "mint",
            "--claim",
            "sub=x",
            "--exp",
            "1h",
            "--secret-env",
            "NEW_SECRET",
        ])
        .env("XDG_STATE_HOME", &state)
        .env("USER", "alice")
        .assert()
        .code(0);
    let default_log = state.join("jwtctl/audit.jsonl");
    assert_eq!(super::records_in(&default_log)[0].operator, "alice");
    let mode = |p: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&default_log), 0o600);
    assert_eq!(mode(default_log.parent().unwrap()), 0o700);

    // --operator wins; with nothing at all, the real uid's name in the password database.
    lab.mint()
        .args(["--claim", "sub=x", "--exp", "1h", "--operator", "bob"])
        .env("JWTCTL_OPERATOR", "ci-bot")
        .assert()
        .code(0);
    lab.mint()
        .args(["--claim", "sub=x", "--exp", "1h"])
        .assert()
        .code(0);
    let records = lab.records();
    let operators: Vec<&str> = records.iter().map(|r| r.operator.as_str()).collect();
    let os_user = records[1].os_user.as_deref().unwrap_or("unknown");
    assert_eq!(operators, ["bob", os_user]);
    assert!(records.iter().all(|r| r.uid.is_some()));
}

#[test]
fn quiet_is_refused_because_it_would_lose_the_token() {
    let lab = Lab::new();
    let stderr = refused(&lab, &["--claim", "sub=x", "--exp", "1h", "--quiet"], 2);
    assert!(stderr.contains("--quiet"), "{stderr}");
}
