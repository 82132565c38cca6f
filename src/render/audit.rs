//! Rendering `audit verify` and `audit show`.

use super::style::{Role, Style};
use crate::audit::{ChainReport, Record};
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
    /// Whether every record holds together.
    pub(crate) intact: bool,
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
    let _ = writeln!(out, "{} {}", name("head"), report.head);
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
        }
    }
    out
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
pub(crate) fn show_row(record: &Record, style: &Style) -> String {
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
