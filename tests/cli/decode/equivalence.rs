//! For `decode`: a batch with valid, invalid and malformed tokens mixed yields the same
//! per-line results, in the same order, as one-by-one runs.

use crate::mixed;
use crate::support::{decode_with, text};

#[test]
fn a_mixed_batch_says_line_for_line_what_one_by_one_runs_say() {
    let input = mixed::batch().join("\n") + "\n";
    let batch = decode_with(["--json"]).write_stdin(input).assert().code(4);
    let stdout = text(&batch.get_output().stdout);
    mixed::check_against_singles(&stdout, |line| {
        let single = decode_with(["--json", "--", line]).assert();
        text(&single.get_output().stdout)
    });
}
