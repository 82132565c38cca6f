//! Rendering `verify` reports: human text (a line per check, the verdict, the diagnosis, the
//! next step) and the JSON Lines schema (`kind: "verified"`).
//!
//! The words are in `words` (check reasons, the verdict sentence, next steps) and
//! `render::finding` (the diagnosis); `human` and `json` lay them out. Every reason may quote
//! the token (kid, iss, aud, typ, alg): human text goes through `text::escape`, JSON
//! through `text::write_json_str`. Keys appear by label and short fingerprint only.

mod human;
mod json;
#[cfg(test)]
mod scenarios;
mod words;

pub(crate) use human::HumanLines;
pub(crate) use json::JsonLines;
pub(crate) use words::{next_step, reason};

use super::decode::write_relative_phrase;
use crate::time::write_rfc3339;
use crate::verify::{CheckName, Status, Verdict};

/// Every verdict.
const VERDICTS: [Verdict; 5] = [
    Verdict::Valid,
    Verdict::Rejected,
    Verdict::Mismatch,
    Verdict::ClaimsRejected,
    Verdict::KeyUnusable,
];

const STATUSES: [Status; 3] = [Status::Pass, Status::Fail, Status::Skip];

fn status_index(status: Status) -> usize {
    match status {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Skip => 2,
    }
}

/// "expires in 3h12m (2026-11-23T13:12:00Z)" for a time claim that passed: ASCII only, no
/// quotes, so it is its own JSON string content.
fn write_time_reason(name: CheckName, value: i64, at: i64, out: &mut Vec<u8>) {
    write_relative_phrase(name.name(), value - at, out);
    out.extend_from_slice(b" (");
    write_rfc3339(value, out);
    out.push(b')');
}

/// Text that is its own JSON string content: printable ASCII without `"` or `\\`.
fn is_plain_json(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}
