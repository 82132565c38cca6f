//! Many old tokens on stdin: one new token per line, same order, one audit record each; a bad
//! line gets an empty line (an error object with --json) and the batch goes on.

use super::schema::mint_lines;
use super::{Lab, NEW_SECRET, OLD_SECRET, claims, sha256, signed, verifies};
use crate::support::text;

fn old(user: &str) -> String {
    signed(
        OLD_SECRET,
        &format!(r#"{{"sub":"{user}","iat":1000,"exp":4600}}"#),
    )
}

/// Good, malformed, good (pasted with its scheme), no id claim, good.
fn mixed() -> String {
    [
        old("user-1"),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0".to_owned(),
        format!("Authorization: Bearer {}", old("user-3")),
        signed(OLD_SECRET, r#"{"name":"nobody","iat":1,"exp":2}"#),
        old("user-5"),
    ]
    .join("\n")
        + "\n"
}

#[test]
fn human_batch_keeps_line_numbers_and_folds_the_exit_code() {
    let lab = Lab::new();
    let assert = lab
        .mint()
        .args(["--from", "-", "--unverified-source"])
        .write_stdin(mixed())
        .assert()
        .code(4); // malformed (4) outranks claims rejected (3)
    let output = assert.get_output();
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "one output line per input line: {stdout:?}");
    assert_eq!((lines[1], lines[3]), ("", ""), "failed lines stay empty");
    for (i, user) in [(0, "user-1"), (2, "user-3"), (4, "user-5")] {
        assert!(verifies(lines[i], NEW_SECRET));
        assert_eq!(claims(lines[i])["sub"], user);
    }
    let stderr = text(&output.stderr);
    assert!(stderr.contains("line 2: error:"), "{stderr}");
    assert!(
        stderr.contains("line 4: error: no user id claim"),
        "{stderr}"
    );
    assert!(
        stderr.contains("minted 3 tokens, 2 lines failed"),
        "{stderr}"
    );
    assert!(stderr.contains("audit records #1..#3"), "{stderr}");

    let records = lab.records();
    let digests: Vec<&str> = records
        .iter()
        .map(|r| r.new_token_sha256.as_str())
        .collect();
    let want: Vec<String> = [0, 2, 4].iter().map(|&i| sha256(lines[i])).collect();
    assert_eq!(digests, want, "one record per minted line, in order");
}

#[test]
fn json_batch_pins_the_schema() {
    let lab = Lab::new();
    let assert = lab
        .mint()
        .args(["--from", "-", "--unverified-source", "--json"])
        .write_stdin(mixed())
        .assert()
        .code(4);
    let lines = mint_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 5);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line.line(), i as u64 + 1);
    }
    let records = lab.records();
    for (i, seq) in [(0, 1), (2, 2), (4, 3)] {
        let m = lines[i].minted();
        assert_eq!(m.kind, "minted");
        assert_eq!(m.audit_seq, seq);
        assert!(!m.source_verified);
        assert_eq!(&m.claims, &claims(&m.token));
        assert_eq!(m.header["alg"], "HS256");
        assert_eq!(m.exp, m.claims["exp"].as_i64());
        assert_eq!(m.exp.unwrap() - m.claims["iat"].as_i64().unwrap(), 3600);
        let record = &records[seq as usize - 1];
        assert_eq!(record.seq, seq);
        assert_eq!(record.new_token_sha256, sha256(&m.token));
    }
    let malformed = lines[1].error();
    assert_eq!((malformed.kind.as_str(), malformed.exit_code), ("error", 4));
    assert_eq!(malformed.error.class, "malformed");
    assert_eq!(malformed.error.segment, "token");
    let no_id = lines[3].error();
    assert_eq!(no_id.exit_code, 3);
    assert_eq!(
        (
            no_id.error.class.as_str(),
            no_id.error.code.as_str(),
            no_id.error.segment.as_str()
        ),
        ("claims_rejected", "id_claim_missing", "payload")
    );
    assert!(no_id.error.message.contains("`name`"), "{no_id:?}");
    // JSON mode keeps stderr for warnings only.
    let stderr = text(&assert.get_output().stderr);
    assert!(!stderr.contains("minted 3"), "{stderr}");

    // A single token with --json is one object too.
    let assert = lab
        .mint()
        .args(["--from", &old("solo"), "--unverified-source", "--json"])
        .assert()
        .code(0);
    let lines = mint_lines(&assert.get_output().stdout);
    assert_eq!((lines.len(), lines[0].minted().audit_seq), (1, 4));
}

#[test]
fn unverified_lines_fail_alone_when_the_old_key_vouches_for_the_others() {
    let lab = Lab::new();
    let old_secret = lab.file("old.secret", OLD_SECRET);
    let forged = signed(
        "not-the-old-secret-at-all-nope!!",
        r#"{"sub":"mallory","iat":1,"exp":2}"#,
    );
    let input = format!("{}\n{forged}\n{}\n", old("user-1"), old("user-3"));
    let assert = lab
        .mint()
        .args(["--from", "-", "--json", "--verify-with"])
        .arg(&old_secret)
        .write_stdin(input)
        .assert()
        .code(1);
    let lines = mint_lines(&assert.get_output().stdout);
    assert!(lines[0].minted().source_verified && lines[2].minted().source_verified);
    let forged = lines[1].error();
    assert_eq!(
        (
            forged.exit_code,
            forged.error.code.as_str(),
            forged.error.segment.as_str()
        ),
        (1, "source_unverified", "signature")
    );
    let users: Vec<_> = lab.records().into_iter().map(|r| r.user_id).collect();
    assert_eq!(users, ["user-1", "user-3"]);
}

/// Big enough for the stdin driver to mint a chunk on several threads: records, sequence
/// numbers and output must still follow the input order.
#[test]
fn large_batch_keeps_input_order_across_threads() {
    const N: usize = 6000;
    let lab = Lab::new();
    let input: String = (0..N).map(|i| old(&format!("user-{i}")) + "\n").collect();
    let assert = lab
        .mint()
        .args(["--from", "-", "--unverified-source"])
        .write_stdin(input)
        .assert()
        .code(0);
    let stdout = text(&assert.get_output().stdout);
    let out: Vec<&str> = stdout.lines().collect();
    assert_eq!(out.len(), N);
    let records = lab.records();
    assert_eq!(records.len(), N);
    for (i, (token, record)) in out.iter().zip(&records).enumerate() {
        let user = format!("user-{i}");
        assert_eq!(claims(token)["sub"], user.as_str(), "output line {}", i + 1);
        assert_eq!(record.seq, i as u64 + 1);
        assert_eq!(record.user_id, user.as_str());
        assert_eq!(record.new_token_sha256, sha256(token));
    }
    let assert = lab.audit("verify").arg("--json").assert().code(0);
    let report = super::schema::audit_verify(&assert.get_output().stdout);
    assert_eq!((report.records, report.intact), (N as u64, true));
}

#[test]
fn empty_stdin_is_an_error_not_an_empty_success() {
    let lab = Lab::new();
    let assert = lab
        .mint()
        .args(["--from", "-", "--unverified-source"])
        .write_stdin("")
        .assert()
        .code(4);
    assert!(assert.get_output().stdout.is_empty());
    assert!(text(&assert.get_output().stderr).contains("stdin is empty"));
    assert!(lab.records().is_empty());
}
