//! Reference tokens nobody on the project wrote, read from `../shared/vectors` (never copied
//! into the project). Each test skips visibly when the folder is absent.

use crate::schema;
use crate::support::{decode_with, hmac_sha256, jwtctl, text, unb64, vectors_dir};
use serde_json::Value;
use std::path::Path;

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(name, alg, jwt, key)` for RFC 7515 A.1–A.3.
fn rfc7515(dir: &Path) -> Vec<(&'static str, String, String, Value)> {
    let file = read_json(&dir.join("rfc7515-appendix-a.json"));
    ["A.1", "A.2", "A.3"]
        .into_iter()
        .map(|name| {
            let entry = &file[name];
            (
                name,
                entry["alg"].as_str().expect("alg").to_owned(),
                entry["jwt"].as_str().expect("jwt").to_owned(),
                entry["key"].clone(),
            )
        })
        .collect()
}

/// Before the vectors' `exp` (1300819380, March 2011).
const BEFORE_EXP: &str = "1300819000";

#[test]
fn rfc7515_appendix_a_tokens_decode() {
    let Some(dir) = vectors_dir() else { return };
    for (name, alg, jwt, _) in rfc7515(&dir) {
        let assert = jwtctl()
            .args(["decode", "--at", BEFORE_EXP, "--json", &jwt])
            .assert()
            .code(0);
        let line = schema::single(&assert.get_output().stdout);
        let decoded = line.decoded();
        assert_eq!(decoded.claim("iss"), "joe", "{name}");
        assert_eq!(decoded.claim("exp"), 1_300_819_380, "{name}");
        assert_eq!(decoded.claim("http://example.com/is_root"), true, "{name}");
        assert_eq!(decoded.header["alg"], alg.as_str(), "{name}");
        assert_eq!(decoded.signature.alg, alg.as_str(), "{name}");
        let expected_bytes = match alg.as_str() {
            "HS256" => 32,
            "RS256" => 256,
            "ES256" => 64,
            other => panic!("unexpected alg {other}"),
        };
        assert_eq!(decoded.signature.bytes, expected_bytes, "{name}");
        assert!(
            decoded.warnings.is_empty(),
            "{name}: {:?}",
            decoded.warnings
        );

        let assert = decode_with([&jwt]).assert().code(0);
        let stdout = text(&assert.get_output().stdout);
        assert!(stdout.contains(r#""iss": "joe""#), "{name}:\n{stdout}");
        // Evaluated at the fixed 2026 instant, the 2011 tokens are long expired.
        assert!(
            stdout.contains("warning: the token expired 15y"),
            "{name}:\n{stdout}"
        );
    }
}

#[test]
fn rfc7515_appendix_a_tokens_as_one_batch() {
    let Some(dir) = vectors_dir() else { return };
    let vectors = rfc7515(&dir);
    let input: String = vectors
        .iter()
        .map(|v| format!("Bearer {}\n", v.2))
        .collect();
    let assert = decode_with(["--json"]).write_stdin(input).assert().code(0);
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 3);
    for (i, (line, (name, ..))) in lines.iter().zip(&vectors).enumerate() {
        assert_eq!(line.line(), i as u64 + 1, "{name}");
        assert_eq!(line.decoded().claim("iss"), "joe", "{name}");
    }
}

#[test]
fn the_test_hmac_reproduces_rfc7515_a1() {
    // Checks the in-test HS256 helper against an outside reference.
    let Some(dir) = vectors_dir() else { return };
    let (_, _, jwt, key) = rfc7515(&dir).remove(0);
    let secret = unb64(key["k"].as_str().expect("k"));
    let (signing_input, signature) = jwt.rsplit_once('.').unwrap();
    assert_eq!(
        hmac_sha256(&secret, signing_input.as_bytes()).to_vec(),
        unb64(signature)
    );
}

#[test]
fn rfc7520_prose_payload_needs_any_payload() {
    let Some(dir) = vectors_dir() else { return };
    let example =
        read_json(&dir.join("rfc7520-cookbook/jws/4_4.hmac-sha2_integrity_protection.json"));
    let compact = example["output"]["compact"].as_str().expect("compact");

    let assert = decode_with(["--json", compact]).assert().code(4);
    let line = schema::single(&assert.get_output().stdout);
    assert_eq!(line.error().error.segment, "payload");
    assert_eq!(line.error().error.code, "json");

    let assert = decode_with(["--any-payload", "--json", compact])
        .assert()
        .code(0);
    let line = schema::single(&assert.get_output().stdout);
    let decoded = line.decoded();
    assert_eq!(decoded.claims, None);
    assert_eq!(
        decoded.payload_base64url.as_deref(),
        example["output"]["json_flat"]["payload"].as_str()
    );
    assert_eq!(
        decoded.header["kid"],
        "018c0ae5-4d9b-471b-bfd6-eef314bc7037"
    );
    assert_eq!(decoded.warning_codes(), ["not_a_jwt"]);
}

#[test]
fn rfc7520_json_serializations_are_named() {
    let Some(dir) = vectors_dir() else { return };
    for file in [
        "4_6.protecting_specific_header_fields.json",
        "4_7.protecting_content_only.json",
        "4_8.multiple_signatures.json",
    ] {
        let example = read_json(&dir.join("rfc7520-cookbook/jws").join(file));
        let serialization = example["output"]["json"].to_string(); // one line
        let assert = decode_with(["--json", &serialization]).assert().code(4);
        let line = schema::single(&assert.get_output().stdout);
        assert_eq!(line.error().error.code, "json_serialization", "{file}");
        assert_eq!(line.error().error.segment, "token", "{file}");
    }
}
