//! A large batch mixing every kind of input (valid, invalid, malformed), and the check that a
//! batch says, line for line and in order, what one-by-one runs say.
//!
//! The batch is big enough (several chunks of stdin, each split across threads) that the
//! parallel driver's ordering is what is being tested, not just the per-token code.

use crate::support::{AT_UNIX, LATER, b64, hmac_sha256, raw_token};
use serde_json::Value;

/// Lines in the batch: about 1.5 MB, more than one 1 MiB read, each split across threads.
pub const LINES: usize = 6_000;
/// Lines run one by one, spread over the batch (on top of the first line of every kind).
pub const SAMPLE: usize = 50;

/// The key the batch's good tokens are signed with.
pub const KEY: &[u8] = b"mixed-batch-secret-7d0c51e9a2b4f816-3a9e0c4b7d21f58e6a0b3c9d4e7f1a2b";

fn hs(secret: &[u8], header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    format!("{input}.{}", b64(hmac_sha256(secret, input.as_bytes())))
}

const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// A kind of line: its name, and the line for a given index (so that no two lines are equal).
pub type Kind = (&'static str, fn(usize) -> String);

/// The kinds of line.
pub const KINDS: &[Kind] = &[
    ("valid", |i| {
        hs(
            KEY,
            HS256,
            &format!(
                r#"{{"sub":"user-{i}","iat":{},"exp":{LATER}}}"#,
                AT_UNIX - 60
            ),
        )
    }),
    ("HS384 header", |i| {
        // Right after a valid token, with a header of the same length as its header: a header
        // cache that mixed them up would go unnoticed otherwise.
        hs(
            KEY,
            r#"{"alg":"HS384","typ":"JWT"}"#,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("other key", |i| {
        hs(
            b"a-key-from-another-deploy-40c2",
            HS256,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("expired", |i| {
        hs(
            KEY,
            HS256,
            &format!(r#"{{"sub":"user-{i}","exp":{}}}"#, AT_UNIX - 90 - i as i64),
        )
    }),
    ("not yet valid", |i| {
        hs(
            KEY,
            HS256,
            &format!(
                r#"{{"sub":"user-{i}","nbf":{}}}"#,
                AT_UNIX + 7_200 + i as i64
            ),
        )
    }),
    ("issued in the future", |i| {
        hs(
            KEY,
            HS256,
            &format!(r#"{{"sub":"user-{i}","iat":{}}}"#, AT_UNIX + 86_400),
        )
    }),
    ("secret with a newline", |i| {
        hs(
            b"mixed-batch-secret-7d0c51e9a2b4f816-3a9e0c4b7d21f58e6a0b3c9d4e7f1a2b\n",
            HS256,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("HS512", |i| {
        // Signed with the wrong hash for its header: a mismatch with an HS512 reason.
        hs(
            KEY,
            r#"{"alg":"HS512"}"#,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("alg none", |i| {
        raw_token(
            br#"{"alg":"none"}"#,
            format!(r#"{{"sub":"user-{i}"}}"#).as_bytes(),
            b"",
        )
    }),
    ("crit", |i| {
        hs(
            KEY,
            r#"{"alg":"HS256","crit":["exp"]}"#,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("kid", |i| {
        hs(
            KEY,
            r#"{"alg":"HS256","kid":"2025-01"}"#,
            &format!(r#"{{"sub":"user-{i}"}}"#),
        )
    }),
    ("hostile text", |i| {
        hs(
            KEY,
            HS256,
            &format!(r#"{{"sub":"\u001b[2J{i}\u202e","name":"q\"uo\\te \u0085","exp":"soon"}}"#),
        )
    }),
    ("bearer", |i| {
        format!(
            "Authorization: Bearer {}",
            hs(KEY, HS256, &format!(r#"{{"sub":"user-{i}"}}"#))
        )
    }),
    ("log line", |i| {
        format!(
            "10:00:{:02} 401 GET /orders token={} ua=curl",
            i % 60,
            hs(
                KEY,
                HS256,
                &format!(r#"{{"sub":"user-{i}","exp":{LATER}}}"#)
            )
        )
    }),
    ("truncated", |i| {
        format!("{}.{}", b64(HS256), b64(format!(r#"{{"sub":"user-{i}"}}"#)))
    }),
    ("not a token", |i| format!("nothing to see here #{i}")),
    ("bad base64", |i| {
        format!("{}.{}=.c2ln", b64(HS256), b64(format!("{{\"n\":{i}}}")))
    }),
    ("not an object", |i| {
        raw_token(HS256.as_bytes(), format!("[{i}]").as_bytes(), b"sig")
    }),
    ("duplicate claim", |i| {
        raw_token(
            HS256.as_bytes(),
            format!(r#"{{"n":{i},"n":0}}"#).as_bytes(),
            b"sig",
        )
    }),
    ("jwe", |i| {
        format!(
            "{}.a.b{i}.c.d",
            b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
        )
    }),
    ("json serialization", |i| {
        format!(r#"{{"payload":"p{i}","signatures":[]}}"#)
    }),
];

/// The batch: line `i` is of kind `i % KINDS.len()`.
pub fn batch() -> Vec<String> {
    (0..LINES).map(|i| (KINDS[i % KINDS.len()].1)(i)).collect()
}

/// The indices to run one by one: the first line of every kind, and [`SAMPLE`] more spread
/// over the whole batch (so every chunk and every thread's part is sampled).
pub fn sample() -> Vec<usize> {
    let mut picked: Vec<usize> = (0..KINDS.len()).collect();
    picked.extend((0..SAMPLE).map(|k| k * LINES / SAMPLE + k % KINDS.len() + 3));
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// A JSON line without its `line` field (which differs between a batch and a single run).
#[track_caller]
pub fn without_line(text: &str) -> Value {
    let mut value: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    value
        .as_object_mut()
        .expect("each line is an object")
        .remove("line");
    value
}

/// Check a batch's stdout against one-by-one runs: one line per input line, numbered in
/// order, and each sampled line equal (but for `line`) to what `single(input)` printed.
#[track_caller]
pub fn check_against_singles(batch_stdout: &str, mut single: impl FnMut(&str) -> String) {
    let inputs = batch();
    let lines: Vec<&str> = batch_stdout.lines().collect();
    assert_eq!(lines.len(), inputs.len(), "one output line per input line");
    for (i, line) in lines.iter().enumerate() {
        let value: Value = serde_json::from_str(line).expect("JSON line");
        assert_eq!(value["line"], i + 1, "line numbers in input order");
    }
    let mut kinds_seen = vec![false; KINDS.len()];
    for i in sample() {
        let kind = KINDS[i % KINDS.len()].0;
        let alone = single(&inputs[i]);
        let alone: Vec<&str> = alone.lines().collect();
        assert_eq!(alone.len(), 1, "a single run prints one line ({kind})");
        assert_eq!(
            without_line(lines[i]),
            without_line(alone[0]),
            "line {} ({kind}): the batch says something else than a run of that line alone",
            i + 1
        );
        kinds_seen[i % KINDS.len()] = true;
    }
    assert!(kinds_seen.iter().all(|&seen| seen), "every kind compared");
}
