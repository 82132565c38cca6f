//! The incident from the issue, end to end: the secret was regenerated, an integration's
//! old token (no `exp`) fails, and the on-call engineer re-mints it with the same user id.

use super::{
    Lab, NEW_SECRET, OLD_SECRET, USER, claims, incident_token, now, segment, sha256, tokens,
    verifies,
};
use crate::support::{contains_bytes, text};

#[test]
fn the_incident_re_mints_the_same_user_with_the_new_secret_and_one_full_audit_record() {
    let lab = Lab::new();
    let old = incident_token();
    assert!(verifies(&old, OLD_SECRET) && !verifies(&old, NEW_SECRET));
    let before = now();

    let assert = lab
        .mint()
        .args(["--from", &old, "--no-exp", "--unverified-source", "--yes"])
        .args(["--operator", "oncall-alice"])
        .args(["--reason", "JWT_SECRET regenerated on container rebuild"])
        .env("CI", "true")
        .env("GITHUB_RUN_ID", "4242")
        .env("GITHUB_REPOSITORY", "acme/billing")
        .assert()
        .code(0);
    let output = assert.get_output();
    let new = tokens(&output.stdout);
    assert_eq!(new.len(), 1, "stdout carries only the new token");
    let new = &new[0];

    // Verifies with the new secret (HMAC recomputed here), not with the old one.
    assert!(verifies(new, NEW_SECRET), "{new}");
    assert!(!verifies(new, OLD_SECRET));
    // The same user id, a fresh iat, no exp, nothing else.
    let new_claims = claims(new);
    assert_eq!(new_claims["id"], USER);
    let iat = new_claims["iat"].as_i64().expect("iat");
    assert!((before..=now()).contains(&iat), "iat {iat} is now");
    assert_eq!(new_claims.keys().collect::<Vec<_>>(), ["id", "iat"]);
    assert_eq!(
        serde_json::Value::Object(segment(new, 0)).to_string(),
        r#"{"alg":"HS256","typ":"JWT"}"#
    );
    // stderr says what the operator must know.
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no `exp`"), "{stderr}");
    assert!(
        stderr.contains("dies only when the signing key"),
        "{stderr}"
    );
    assert!(stderr.contains("--unverified-source"), "{stderr}");
    assert!(stderr.contains("audit record #1"), "{stderr}");

    // Exactly one audit record, with every field.
    let records = lab.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!((r.v, r.seq), (1, 1));
    let time = utc_seconds(&r.time);
    assert!(
        (before - 1..=now() + 1).contains(&time),
        "time {} is now",
        r.time
    );
    assert_eq!(r.operator, "oncall-alice");
    assert!(!r.host.is_empty());
    let ci = r.ci.clone().expect("CI context recorded");
    assert_eq!(ci.get("CI").map(String::as_str), Some("true"));
    assert_eq!(ci.get("GITHUB_RUN_ID").map(String::as_str), Some("4242"));
    assert_eq!(
        ci.get("GITHUB_REPOSITORY").map(String::as_str),
        Some("acme/billing")
    );
    assert_eq!(
        r.reason.as_deref(),
        Some("JWT_SECRET regenerated on container rebuild")
    );
    assert_eq!(r.alg, "HS256");
    assert_eq!(r.key_fingerprint, sha256(NEW_SECRET));
    assert_eq!((r.id_claim.as_str(), &r.user_id), ("id", &USER.into()));
    assert_eq!((&r.old_jti, &r.new_jti, r.new_exp), (&None, &None, None));
    assert_eq!(r.old_token_sha256.as_deref(), Some(sha256(&old).as_str()));
    assert_eq!(r.new_token_sha256, sha256(new));
    let payload = crate::support::unb64(new.split('.').nth(1).unwrap());
    assert_eq!(r.new_payload_sha256, sha256(payload));
    assert_eq!(r.old_token_prefix.as_deref(), Some(&old[..8]));
    assert_eq!(r.new_token_prefix, new[..8]);
    assert!(!r.source_verified);
    assert_eq!(r.prev, format!("sha256:{}", "0".repeat(64)));

    // Never a secret, never a whole token, nor its payload or signature segment.
    let log = std::fs::read(lab.log()).unwrap();
    for forbidden in [
        OLD_SECRET,
        NEW_SECRET,
        old.as_str(),
        new.as_str(),
        old.split('.').nth(1).unwrap(),
        old.split('.').nth(2).unwrap(),
        new.split('.').nth(1).unwrap(),
        new.split('.').nth(2).unwrap(),
    ] {
        assert!(
            !contains_bytes(&log, forbidden.as_bytes()),
            "{forbidden} is in the log"
        );
    }

    // The chain holds.
    let assert = lab.audit("verify").assert().code(0);
    let report = text(&assert.get_output().stdout);
    assert!(report.contains("records   1"), "{report}");
    assert!(report.contains("intact"), "{report}");
}

#[test]
fn with_the_old_secret_at_hand_the_source_is_verified() {
    let lab = Lab::new();
    let old_secret = lab.file("old.secret", OLD_SECRET);
    let old = incident_token();
    let assert = lab
        .mint()
        .arg("--from")
        .arg(&old)
        .arg("--verify-with")
        .arg(format!("previous={}", old_secret.display()))
        .args(["--exp", "30d", "--json"])
        .assert()
        .code(0);
    let lines = super::schema::mint_lines(&assert.get_output().stdout);
    let minted = lines[0].minted();
    assert!(minted.source_verified);
    assert_eq!(
        minted.exp,
        Some(minted.claims["iat"].as_i64().unwrap() + 30 * 86_400)
    );
    assert!(lab.records()[0].source_verified);
    let stderr = text(&assert.get_output().stderr);
    assert!(!stderr.contains("--unverified-source"), "{stderr}");
}

fn utc_seconds(rfc3339: &str) -> i64 {
    assert!(
        rfc3339.ends_with('Z') && rfc3339.len() == 20,
        "whole seconds, UTC: {rfc3339}"
    );
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("RFC 3339")
        .timestamp()
}
