//! Rendering `audit verify` and `audit show`.

use super::style::{Role, Style};
use crate::audit::Repair;
use crate::audit::{
    BreakKind, ChainReport, CheckpointStatus, Entry, Record, RepairAction, RepairRecord,
};
use crate::text::{escape, to_json_line};
use crate::time;
use serde::Serialize;
use std::fmt::Write as _;

/// The JSON object for `audit verify` (schema: `kind: "audit_verify"`).
#[derive(Debug, Serialize)]
pub(crate) struct VerifyJson<'a> {
    /// Always `"audit_verify"`.
    pub(crate) kind: &'static str,
    /// The log that was checked.
    pub(crate) path: &'a str,
    /// Whether every record holds together and every checkpoint given holds.
    pub(crate) intact: bool,
    /// The head as a checkpoint, `SEQ:HASH`.
    pub(crate) checkpoint: String,
    /// The report: `records`, `head`, `first_break` (`line`, `seq`, `kind`, `message`).
    #[serde(flatten)]
    pub(crate) report: &'a ChainReport,
}

/// One JSON line for `audit verify`.
pub(crate) fn verify_json(path: &str, report: &ChainReport, out: &mut Vec<u8>) {
    let view = VerifyJson {
        kind: "audit_verify",
        path,
        intact: report.is_intact(),
        checkpoint: report.head_checkpoint().to_string(),
        report,
    };
    to_json_line(&view, out);
    out.push(b'\n');
}

/// The human report of `audit verify`.
pub(crate) fn verify_human(path: &str, report: &ChainReport, style: &Style) -> String {
    let mut out = String::new();
    let name = |text: &str| style.paint(Role::Name, &format!("{text:<9}"));
    let _ = writeln!(out, "{} {}", name("audit log"), escape(path));
    let _ = writeln!(out, "{} {}", name("records"), report.records);
    let _ = writeln!(out, "{} {}", name("head"), report.head_checkpoint());
    for c in &report.checkpoints {
        let (role, what) = match c.status {
            CheckpointStatus::Holds => (Role::Good, "holds".to_string()),
            CheckpointStatus::Differs => (
                Role::Bad,
                format!(
                    "DIFFERS: record {} now hashes to {}; the log was rewritten at or before it",
                    c.seq,
                    c.found.as_deref().unwrap_or("?")
                ),
            ),
            CheckpointStatus::Missing => (
                Role::Bad,
                format!(
                    "MISSING: the log ends at seq {}; records up to {} were cut off or the log \
                     was replaced",
                    report.head_seq, c.seq
                ),
            ),
            CheckpointStatus::Unreached => (
                Role::Bad,
                "NOT VOUCHED FOR: the chain breaks before it".to_string(),
            ),
        };
        let _ = writeln!(
            out,
            "{} {}:{} {}",
            name("expected"),
            c.seq,
            c.hash,
            style.paint(role, &what)
        );
    }
    match &report.first_break {
        None => {
            let _ = writeln!(
                out,
                "{} {}",
                name("chain"),
                style.paint(Role::Good, "intact")
            );
        }
        Some(found) => {
            let seq = found
                .seq
                .map_or_else(|| "unknown".to_string(), |s| s.to_string());
            let _ = writeln!(
                out,
                "{} {} at line {}, seq {seq}: {}",
                name("chain"),
                style.paint(Role::Bad, &format!("BROKEN ({})", found.kind)),
                found.line,
                escape(&found.message)
            );
            if found.kind == BreakKind::Truncated {
                let _ = writeln!(
                    out,
                    "{} jwtctl audit repair --audit-log {}   (shows what it would cut)",
                    name("fix"),
                    escape(path)
                );
            }
        }
    }
    out
}

/// The JSON object for `audit head` (schema: `kind: "audit_head"`).
pub(crate) fn head_json(path: &str, report: &ChainReport, out: &mut Vec<u8>) {
    #[derive(Serialize)]
    struct HeadJson<'a> {
        kind: &'static str,
        path: &'a str,
        seq: u64,
        hash: &'a str,
        checkpoint: String,
    }
    let view = HeadJson {
        kind: "audit_head",
        path,
        seq: report.head_seq,
        hash: &report.head,
        checkpoint: report.head_checkpoint().to_string(),
    };
    to_json_line(&view, out);
    out.push(b'\n');
}

fn action_name(action: RepairAction) -> &'static str {
    match action {
        RepairAction::Cut => "cut",
        RepairAction::Terminated => "terminated",
    }
}

/// The JSON object for `audit repair` (schema: `kind: "audit_repair"`).
pub(crate) fn repair_json(path: &str, found: &Repair, applied: bool, out: &mut Vec<u8>) {
    #[derive(Serialize)]
    struct RepairJson<'a> {
        kind: &'static str,
        path: &'a str,
        needed: bool,
        applied: bool,
        action: Option<&'static str>,
        offset: Option<u64>,
        bytes: Option<u64>,
        bytes_sha256: Option<&'a str>,
        head: Option<String>,
    }
    let mut view = RepairJson {
        kind: "audit_repair",
        path,
        needed: false,
        applied: false,
        action: None,
        offset: None,
        bytes: None,
        bytes_sha256: None,
        head: None,
    };
    if let Repair::Unfinished {
        action,
        offset,
        bytes,
        sha256,
        head,
        ..
    } = found
    {
        view.needed = true;
        view.applied = applied;
        view.action = Some(action_name(*action));
        view.offset = Some(*offset);
        view.bytes = Some(*bytes);
        view.bytes_sha256 = Some(sha256);
        view.head = head.as_ref().map(ToString::to_string);
    }
    to_json_line(&view, out);
    out.push(b'\n');
}

/// The human report of `audit repair`.
pub(crate) fn repair_human(path: &str, found: &Repair, applied: bool, style: &Style) -> String {
    let path = escape(path);
    match found {
        Repair::Nothing { seq } => {
            format!("audit log {path} ends with a complete record (seq {seq}): nothing to repair\n")
        }
        Repair::Unfinished {
            action,
            offset,
            bytes,
            sha256,
            after_seq,
            head,
        } => {
            let what = match action {
                RepairAction::Cut => format!(
                    "cut the unfinished last line: {bytes} bytes at offset {offset} ({sha256}), \
                     after record {after_seq}"
                ),
                RepairAction::Terminated => format!(
                    "end the last line, a whole record (seq {}) missing only its newline",
                    after_seq + 1
                ),
            };
            match head {
                Some(head) if applied => format!(
                    "{} {what}\nrepair record written; new head {head}\n",
                    style.paint(Role::Good, "repaired:")
                ),
                _ => format!(
                    "{} {what}\nnothing changed; run again with --yes to repair \
                     (a `repair` record will carry the cut bytes' length and hash)\n",
                    style.paint(Role::Warn, "would"),
                ),
            }
        }
    }
}

/// The header row of the `audit show` table.
pub(crate) fn show_header(style: &Style) -> String {
    let text = format!(
        "{:>6}  {:<20}  {:<16}  {:<36}  {:<6}  {:<8}  {:<20}  {:<10}  {}",
        "SEQ", "TIME", "OPERATOR", "USER", "ALG", "KEY", "EXPIRES", "SOURCE", "REASON"
    );
    format!("{}\n", style.paint(Role::Heading, text.trim_end()))
}

/// One row of the `audit show` table.
pub(crate) fn show_row(entry: &Entry, style: &Style) -> String {
    match entry {
        Entry::Mint(record) => mint_row(record, style),
        Entry::Repair(record) => repair_row(record, style),
    }
}

fn repair_row(record: &RepairRecord, style: &Style) -> String {
    let facts = &record.facts;
    let what = match facts.action {
        RepairAction::Cut => format!(
            "repair: cut {} bytes of an unfinished line ({})",
            facts.bytes, facts.bytes_sha256
        ),
        RepairAction::Terminated => "repair: ended a record missing its newline".to_string(),
    };
    format!(
        "{:>6}  {:<20}  {:<16}  {}\n",
        record.seq,
        escape(&facts.time),
        cell(&facts.operator, 16),
        style.paint(Role::Warn, &what)
    )
}

fn mint_row(record: &Record, style: &Style) -> String {
    let facts = &record.facts;
    let user = match &facts.user_id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let expires = facts
        .new_exp
        .map_or_else(|| "never".to_string(), time::rfc3339);
    let source = match (&facts.old_token_sha256, facts.source_verified) {
        (None, _) => style.paint(Role::Dim, &format!("{:<10}", "none")),
        (Some(_), true) => style.paint(Role::Good, &format!("{:<10}", "verified")),
        (Some(_), false) => style.paint(Role::Warn, &format!("{:<10}", "unverified")),
    };
    let row = format!(
        "{:>6}  {:<20}  {:<16}  {:<36}  {:<6}  {:<8}  {:<20}  {source}  {}",
        record.seq,
        time::rfc3339(facts.time.timestamp()),
        cell(&facts.operator, 16),
        cell(&user, 36), // a UUID fits
        cell(&facts.alg, 6),
        crate::keys::digest::short(&facts.key_fingerprint),
        expires,
        escape(facts.reason.as_deref().unwrap_or("")),
    );
    format!("{}\n", row.trim_end())
}

/// Escaped and cut to `width` characters.
fn cell(text: &str, width: usize) -> String {
    let text = escape(text);
    if text.chars().count() <= width {
        text.into_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}
