//! Reference tokens and keys nobody on the project wrote, from `../shared/vectors` (never
//! copied into the project; keys are written to a temporary directory for the run). Each test
//! skips visibly when the folder is absent.

use super::Session;
use crate::support::{unb64, vectors_dir};
use serde_json::Value;
use std::path::Path;

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Register a JWK's secret parts with the session, write the key to a file, return its path.
fn key_file(s: &mut Session, name: &str, jwk: &Value) -> String {
    if let Some(k) = jwk["k"].as_str() {
        s.secret(&unb64(k));
    }
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        if let Some(part) = jwk[private].as_str() {
            s.secret(part.as_bytes());
        }
    }
    s.file(name, jwk.to_string().as_bytes())
}

/// Before the RFC 7515 tokens' `exp` (1300819380, 2011-03-22).
const BEFORE_EXP: &str = "2011-03-01T00:00:00Z";

#[test]
fn rfc7515_appendix_a_verify_with_their_keys() {
    let Some(dir) = vectors_dir() else { return };
    let file = read_json(&dir.join("rfc7515-appendix-a.json"));
    for name in ["A.1", "A.2", "A.3"] {
        let mut s = Session::new();
        let entry = &file[name];
        let alg = entry["alg"].as_str().unwrap();
        let jwt = entry["jwt"].as_str().unwrap();
        let key = key_file(&mut s, "key.jwk", &entry["key"]);

        let run = s
            .verify(["--json", "--key", &key, jwt])
            .at(BEFORE_EXP)
            .run();
        assert_eq!(run.code, 0, "{name}: {run}");
        let report = run.single();
        assert_eq!(
            report.check("algorithm").reason,
            format!("{alg}, pinned by the keys")
        );
        assert_eq!(report.check("exp").status, "pass", "{name}");
        assert!(report.matched_key.is_some(), "{name}");

        let human = s.verify(["--key", &key, jwt]).at(BEFORE_EXP).run();
        assert_eq!(human.code, 0, "{name}: {human}");
        assert!(human.stdout.contains("Verdict: VALID"), "{name}: {human}");

        // At the suite's 2026 instant they are long expired: claims rejected, signature fine.
        let later = s.verify(["--json", "--key", &key, jwt]).run();
        assert_eq!(later.code, 3, "{name}: {later}");
        assert_eq!(later.single().check("signature").status, "pass");

        // One flipped signature bit: a mismatch, never a pass.
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        let mut raw = unb64(sig);
        raw[0] ^= 1;
        let tampered = format!("{input}.{}", crate::support::b64(raw));
        let run = s
            .verify(["--json", "--key", &key, &tampered])
            .at(BEFORE_EXP)
            .run();
        assert_eq!(run.code, 1, "{name}: {run}");
    }
}

fn cookbook(dir: &Path, file: &str) -> Value {
    read_json(&dir.join("rfc7520-cookbook/jws").join(file))
}

#[test]
fn rfc7520_compact_examples_verify_with_their_keys() {
    let Some(dir) = vectors_dir() else { return };
    for (file, alg) in [
        ("4_1.rsa_v15_signature.json", "RS256"),
        ("4_2.rsa-pss_signature.json", "PS384"),
        ("4_4.hmac-sha2_integrity_protection.json", "HS256"),
    ] {
        let mut s = Session::new();
        let example = cookbook(&dir, file);
        let key = key_file(&mut s, "key.jwk", &example["input"]["key"]);
        let compact = example["output"]["compact"].as_str().unwrap();
        // The payload is prose, not a claim set.
        let run = s
            .verify(["--json", "--any-payload", "--key", &key, compact])
            .run();
        assert_eq!(run.code, 0, "{file}: {run}");
        let report = run.single();
        assert_eq!(report.check("structure").status, "pass");
        assert_eq!(
            report.check("algorithm").reason,
            format!("{alg}, pinned by the keys")
        );
        assert_eq!(report.check("kid").status, "pass", "{file}");
        assert_eq!(report.check("exp").status, "skip", "{file}");
        let human = s.verify(["--any-payload", "--key", &key, compact]).run();
        assert_eq!(human.code, 0, "{file}: {human}");
    }
}

#[test]
fn rfc7520_es512_is_reported_unsupported_not_as_a_bad_signature() {
    let Some(dir) = vectors_dir() else { return };
    let mut s = Session::new();
    let example = cookbook(&dir, "4_3.ecdsa_signature.json");
    let key = key_file(&mut s, "key.jwk", &example["input"]["key"]);
    let compact = example["output"]["compact"].as_str().unwrap();
    let (human, report) = s.both(&["--any-payload", "--key", &key, compact], 5);
    assert!(human.stdout.contains("ES512 is not supported"), "{human}");
    assert!(human.stdout.contains("KEY UNUSABLE"), "{human}");
    assert_eq!(report.verdict, "key_unusable");
    assert_eq!(report.check("signature").status, "skip");
    assert_eq!(report.codes(), ["alg_unsupported"]);
}

#[test]
fn rfc7520_detached_content_is_an_empty_payload_whose_signature_fails() {
    // RFC 7520 §4.5: the compact form carries no payload (`header..signature`). That is a
    // legal JWS with an empty payload, so it is read and its signature checked; the signature
    // covers the detached content, so it fails, and the diagnosis says why.
    let Some(dir) = vectors_dir() else { return };
    let mut s = Session::new();
    let detached = cookbook(&dir, "4_5.signature_with_detached_content.json");
    let key = key_file(&mut s, "key.jwk", &detached["input"]["key"]);
    let compact = detached["output"]["compact"].as_str().unwrap();
    let (_, report) = s.both(&["--any-payload", "--key", &key, compact], 1);
    assert_eq!(report.verdict, "mismatch");
    assert_eq!(report.codes(), ["detached_content"]);
}

#[test]
fn rfc7520_json_serializations_are_not_compact_jws() {
    let Some(dir) = vectors_dir() else { return };
    let mut s = Session::new();
    let key = key_file(
        &mut s,
        "key.jwk",
        &cookbook(&dir, "4_1.rsa_v15_signature.json")["input"]["key"],
    );
    let mut inputs = Vec::new();
    for (name, file) in [
        ("4.6", "4_6.protecting_specific_header_fields.json"),
        ("4.7", "4_7.protecting_content_only.json"),
        ("4.8", "4_8.multiple_signatures.json"),
    ] {
        let json = cookbook(&dir, file)["output"]["json"].to_string();
        inputs.push((name, json, "json_serialization"));
    }
    for (name, input, code) in inputs {
        let run = s
            .verify(["--json", "--any-payload", "--key", &key, &input])
            .run();
        assert_eq!(run.code, 4, "{name}: {run}");
        let lines = run.lines();
        let super::VerifyLine::Error(error) = &lines[0] else {
            panic!("{name}: expected an error line: {run}");
        };
        assert_eq!(error.error.code, code, "{name}");
        let human = s.verify(["--any-payload", "--key", &key, &input]).run();
        assert_eq!(human.code, 4, "{name}: {human}");
        assert!(human.stderr.contains("error:"), "{name}: {human}");
    }
}
