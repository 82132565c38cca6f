//! The human view of a `verify` report.

use super::words::{valid_text, verdict_text};
use super::{STATUSES, VERDICTS, status_index, write_time_reason};
use crate::keys::Key;
use crate::render::finding::sentence;
use crate::render::style::{Role, Style};
use crate::text::escape;
use crate::time::rfc3339;
use crate::verify::{CheckName, Reason, Report, Status, Verdict};

/// Everything in a human report that is the same for every token of a run, styled once when
/// the run starts (styling allocates, and a batch prints a report per token): the heading with
/// the instant, the `pass  exp        ` start of every check line, the verdict words, the
/// other headings, and each key's verdict sentence for a clean pass.
pub(crate) struct HumanLines<'k> {
    /// `Checks (at 2026-11-23T10:00:00Z)` and its newline.
    heading: String,
    /// `  pass  exp        ` for every check and status (as [`JsonLines`] indexes them).
    starts: Vec<String>,
    /// `Verdict: VALID: ` for every verdict.
    verdicts: Vec<(Verdict, String)>,
    /// `Diagnosis` and its newline.
    diagnosis: String,
    /// `  - ` before each finding.
    bullet: String,
    /// `Next step: `.
    next_step: String,
    /// Per key of the ring: the verdict sentence when the token is valid and signed by it,
    /// escaped, with its newline.
    valid: Vec<(&'k Key, String)>,
    at: i64,
}

impl<'k> HumanLines<'k> {
    /// Style the parts for a run over `keys` (the ring, in order), judged at `at`.
    pub(crate) fn new(keys: impl IntoIterator<Item = &'k Key>, at: i64, style: &Style) -> Self {
        let heading = format!(
            "{} {}\n",
            style.paint(Role::Heading, "Checks"),
            style.paint(Role::Dim, &format!("(at {})", rfc3339(at)))
        );
        let mut starts = Vec::with_capacity(CheckName::ALL.len() * STATUSES.len());
        for name in CheckName::ALL {
            for status in STATUSES {
                let (role, word) = match status {
                    Status::Pass => (Role::Good, "pass"),
                    Status::Fail => (Role::Bad, "FAIL"),
                    Status::Skip => (Role::Dim, "skip"),
                };
                starts.push(format!(
                    "  {}  {}  ",
                    style.paint(role, word),
                    style.paint(Role::Name, &format!("{:<9}", name.name())),
                ));
            }
        }
        let verdicts = VERDICTS
            .into_iter()
            .map(|verdict| {
                let role = match verdict {
                    Verdict::Valid => Role::Good,
                    _ => Role::Bad,
                };
                let start = format!(
                    "{} {}: ",
                    style.paint(Role::Heading, "Verdict:"),
                    style.paint(role, verdict_word(verdict))
                );
                (verdict, start)
            })
            .collect();
        let valid = keys
            .into_iter()
            .map(|key| (key, format!("{}\n", escape(&valid_text(key)))))
            .collect();
        HumanLines {
            heading,
            starts,
            verdicts,
            diagnosis: format!("{}\n", style.paint(Role::Heading, "Diagnosis")),
            bullet: format!("  {} ", style.paint(Role::Warn, "-")),
            next_step: format!("{} ", style.paint(Role::Heading, "Next step:")),
            valid,
            at,
        }
    }

    /// Append the human view of one report.
    pub(crate) fn write(&self, report: &Report<'_>, out: &mut Vec<u8>) {
        let at = self.at;
        out.extend_from_slice(self.heading.as_bytes());
        for check in &report.checks {
            let start =
                &self.starts[check.name as usize * STATUSES.len() + status_index(check.status)];
            out.extend_from_slice(start.as_bytes());
            match &check.reason {
                // ASCII words and numbers: nothing to escape.
                Reason::ExpiresIn { exp: value }
                | Reason::ValidSince { nbf: value }
                | Reason::IssuedAt { iat: value } => {
                    write_time_reason(check.name, *value, at, out);
                }
                reason => {
                    out.extend_from_slice(escape(&super::reason(check.name, reason, at)).as_bytes())
                }
            }
            out.push(b'\n');
        }
        if let Some((_, start)) = self.verdicts.iter().find(|(v, _)| *v == report.verdict) {
            out.extend_from_slice(start.as_bytes());
        }
        let valid = match (report.verdict, report.matched_key) {
            (Verdict::Valid, Some(key)) => self.valid.iter().find(|(k, _)| std::ptr::eq(*k, key)),
            _ => None,
        };
        match valid {
            Some((_, sentence)) => out.extend_from_slice(sentence.as_bytes()),
            None => {
                out.extend_from_slice(escape(&verdict_text(report)).as_bytes());
                out.push(b'\n');
            }
        }
        if !report.diagnosis.is_empty() {
            out.extend_from_slice(self.diagnosis.as_bytes());
            for finding in &report.diagnosis {
                out.extend_from_slice(self.bullet.as_bytes());
                out.extend_from_slice(escape(&sentence(finding)).as_bytes());
                out.push(b'\n');
            }
        }
        if let Some(step) = &report.next_step {
            out.extend_from_slice(self.next_step.as_bytes());
            out.extend_from_slice(escape(&super::next_step(step)).as_bytes());
            out.push(b'\n');
        }
    }
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "VALID",
        Verdict::Rejected => "REJECTED",
        Verdict::Mismatch => "MISMATCH",
        Verdict::ClaimsRejected => "CLAIMS REJECTED",
        Verdict::KeyUnusable => "KEY UNUSABLE",
    }
}
