//! Property tests through the real binary: mint → verify round trips for arbitrary
//! user ids and lifetimes, and no single-byte change of a valid token ever verifies. (Arbitrary
//! bytes through the reader and the audit parser are covered in-process by `src/harness.rs`.)

use crate::support::{jwtctl, text};
use proptest::prelude::*;
use serde_json::Value;

const SECRET: &str = "property-test-secret-0123456789abcdef!";

fn mint(id: &str, lifetime: u32) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let output = jwtctl()
        .args(["mint", "--secret-env", "S", "--yes", "--exp"])
        .arg(format!("{lifetime}s"))
        .arg("--claim")
        .arg(format!("id:={}", Value::String(id.to_owned())))
        .arg("--audit-log")
        .arg(&log)
        .env("S", SECRET)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "mint {id:?}: {}",
        text(&output.stderr)
    );
    text(&output.stdout).trim_end().to_owned()
}

fn verify_json(stdin: String) -> Vec<Value> {
    let output = jwtctl()
        .args(["verify", "--json", "--secret-env", "S"])
        .env("S", SECRET)
        .write_stdin(stdin)
        .output()
        .unwrap();
    let out = text(&output.stdout);
    assert!(!text(&output.stderr).contains("panicked"));
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn mint_then_verify_round_trips(id in "\\PC{1,40}", lifetime in 1u32..=400_000_000) {
        let token = mint(&id, lifetime);
        let output = jwtctl()
            .args(["verify", "--json", "--secret-env", "S", &token])
            .env("S", SECRET)
            .output()
            .unwrap();
        prop_assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
        let decoded = jwtctl().args(["decode", "--json", &token]).output().unwrap();
        let line: Value = serde_json::from_slice(&decoded.stdout).unwrap();
        prop_assert_eq!(&line["claims"]["id"], &Value::String(id));
        let iat = line["claims"]["iat"].as_i64().unwrap();
        let exp = line["claims"]["exp"].as_i64().unwrap();
        prop_assert_eq!(exp - iat, i64::from(lifetime));
    }
}

#[test]
fn no_single_byte_change_of_a_valid_token_verifies() {
    let token = mint("user-42", 3600);
    let bytes = token.as_bytes();
    // Every position, each changed to a few different bytes: base64url neighbours, a dot,
    // a space, a non-ASCII byte. One batch, one line per mutant.
    let mut batch = Vec::new();
    let mut mutants = 0;
    for i in 0..bytes.len() {
        for replacement in [bytes[i] ^ 1, bytes[i] ^ 0x20, b'.', b'A', b'_', b' ', 0xC3] {
            if replacement == bytes[i] || replacement == b'\n' {
                continue;
            }
            let mut mutant = bytes.to_vec();
            mutant[i] = replacement;
            batch.extend_from_slice(&mutant);
            batch.push(b'\n');
            mutants += 1;
        }
    }
    let lines = verify_json(String::from_utf8_lossy(&batch).into_owned());
    assert_eq!(lines.len(), mutants);
    for (n, line) in lines.iter().enumerate() {
        assert_ne!(
            line["valid"],
            Value::Bool(true),
            "mutant {n} verified: {line}"
        );
        assert_ne!(line["exit_code"], Value::from(0), "mutant {n}: {line}");
    }
    // And the original still verifies.
    let original = verify_json(format!("{token}\n"));
    assert_eq!(original[0]["valid"], Value::Bool(true), "{}", original[0]);
}
