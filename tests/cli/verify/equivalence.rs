//! A batch with valid, invalid and malformed tokens mixed yields the same per-line
//! results, in the same order, as one-by-one runs.

use super::Session;
use crate::mixed;

#[test]
fn a_mixed_batch_says_line_for_line_what_one_by_one_runs_say() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", mixed::KEY);
    let input = mixed::batch().join("\n") + "\n";
    let batch = s
        .verify(["--json", "--secret-file", &file])
        .stdin(input)
        .run();
    // Malformed lines are the most severe outcome in the batch.
    assert_eq!(batch.code, 4, "{}", batch.stderr);
    // Every kind of line shows up as the result it should, so the comparison below compares
    // reports that differ from kind to kind (not the same error 6,000 times).
    let verdicts: Vec<String> = batch
        .stdout
        .lines()
        .take(mixed::KINDS.len())
        .map(|l| {
            let v = mixed::without_line(l);
            v["verdict"]
                .as_str()
                .or(v["error"]["code"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            "valid",
            "mismatch",
            "mismatch",
            "claims_rejected",
            "claims_rejected",
            "claims_rejected",
            "mismatch",
            "mismatch",
            "mismatch",
            "rejected",
            "valid",
            "claims_rejected",
            "valid",
            "valid",
            "segments",
            "not_found",
            "base64url",
            "not_object",
            "json",
            "jwe",
            "json_serialization",
        ]
    );
    mixed::check_against_singles(&batch.stdout, |line| {
        s.verify(["--json", "--secret-file", &file, "--", line])
            .run()
            .stdout
    });
}
