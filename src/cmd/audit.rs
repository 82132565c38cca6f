//! `jwtctl audit show|verify|head|repair`, and where the audit log is and who writes it.

use super::Output;
use crate::audit::{self, Checkpoint, Filter, OsIdentity, RepairFacts};
use crate::cli::{AuditCommand, AuditHeadArgs, AuditRepairArgs, AuditShowArgs, AuditVerifyArgs};
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::render;
use chrono::{DateTime, Utc};
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

/// The audit log's location: `--audit-log`, else `JWTCTL_AUDIT_LOG`, else
/// `$XDG_STATE_HOME/jwtctl/audit.jsonl` (`~/.local/state/jwtctl/audit.jsonl`).
pub(crate) fn log_path(arg: Option<&Path>, ctx: &Context) -> Result<PathBuf, Failure> {
    if let Some(path) = arg {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = ctx.var("JWTCTL_AUDIT_LOG").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    audit::default_path(ctx.var("XDG_STATE_HOME"), ctx.var("HOME")).ok_or_else(|| {
        Failure::new(
            Exit::AuditFailure,
            "no audit log location: neither XDG_STATE_HOME nor HOME is set to an absolute path",
        )
        .hint("choose the log with --audit-log PATH or JWTCTL_AUDIT_LOG")
    })
}

/// Run `jwtctl audit ...`.
pub(crate) fn run(
    command: &AuditCommand,
    ctx: &Context,
    output: Output,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    match command {
        AuditCommand::Verify(args) => verify(args, ctx, output, out),
        AuditCommand::Show(args) => show(args, ctx, output, out),
        AuditCommand::Head(args) => head(args, ctx, output, out),
        AuditCommand::Repair(args) => repair(args, ctx, output, out),
    }
}

fn verify(
    args: &AuditVerifyArgs,
    ctx: &Context,
    output: Output,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let path = log_path(args.log.audit_log.as_deref(), ctx)?;
    let checkpoints = checkpoints(args)?;
    let shown = path.to_string_lossy();
    let report = audit::verify(BufReader::new(open(&path)?), &checkpoints)
        .map_err(|e| read_failure(&path, &e))?;
    if !output.quiet {
        let mut text = Vec::new();
        if output.json {
            render::audit::verify_json(&shown, &report, &mut text);
        } else {
            text = render::audit::verify_human(&shown, &report, &output.style).into_bytes();
        }
        out.write_all(&text)?;
    }
    out.flush()?;
    Ok(if report.is_intact() {
        Exit::Ok
    } else {
        Exit::AuditFailure
    })
}

/// The checkpoints of `--expect-head` and `--expect-head-file`.
fn checkpoints(args: &AuditVerifyArgs) -> Result<Vec<Checkpoint>, Failure> {
    let mut all = Vec::new();
    for text in &args.expect_head {
        all.push(
            Checkpoint::parse(text)
                .map_err(|why| Failure::usage(format!("--expect-head: {why}")))?,
        );
    }
    for file in &args.expect_head_file {
        let shown = file.display();
        let text = std::fs::read_to_string(file).map_err(|e| {
            Failure::new(
                Exit::Io,
                format!("cannot read checkpoint file {shown}: {e}"),
            )
        })?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            all.push(Checkpoint::parse(line).map_err(|why| {
                Failure::usage(format!("checkpoint file {shown}, line {}: {why}", n + 1))
            })?);
        }
    }
    Ok(all)
}

fn head(
    args: &AuditHeadArgs,
    ctx: &Context,
    output: Output,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let path = log_path(args.log.audit_log.as_deref(), ctx)?;
    let shown = path.to_string_lossy();
    let report =
        audit::verify(BufReader::new(open(&path)?), &[]).map_err(|e| read_failure(&path, &e))?;
    if let Some(found) = &report.first_break {
        return Err(Failure::new(
            Exit::AuditFailure,
            format!(
                "audit log {shown} is broken at line {} ({}): no head to vouch for",
                found.line, found.kind
            ),
        )
        .hint(format!(
            "run `jwtctl audit verify --audit-log {shown}` for the details"
        ))
        .into());
    }
    if !output.quiet {
        let mut text = Vec::new();
        if output.json {
            render::audit::head_json(&shown, &report, &mut text);
        } else {
            text = format!("{}\n", report.head_checkpoint()).into_bytes();
        }
        out.write_all(&text)?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn repair(
    args: &AuditRepairArgs,
    ctx: &Context,
    output: Output,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let path = log_path(args.log.audit_log.as_deref(), ctx)?;
    let shown = path.to_string_lossy();
    let facts = RepairFacts {
        time: crate::time::rfc3339(ctx.now),
        operator: operator(args.operator.as_deref(), ctx),
        host: ctx
            .host_name()
            .unwrap_or("unknown")
            .chars()
            .take(256)
            .collect(),
        os: os_identity(ctx),
        action: audit::RepairAction::Cut,
        bytes: 0,
        bytes_sha256: audit::Tagged::genesis().as_str().to_owned(),
    };
    // Repair never creates a log.
    if let Err(e) = path.symlink_metadata() {
        return Err(read_failure(&path, &e).into());
    }
    let found = audit::repair(&path, args.yes, facts)
        .map_err(|e| Failure::new(Exit::AuditFailure, e.to_string()))?;
    if !output.quiet {
        let mut text = Vec::new();
        if output.json {
            render::audit::repair_json(&shown, &found, args.yes, &mut text);
        } else {
            text =
                render::audit::repair_human(&shown, &found, args.yes, &output.style).into_bytes();
        }
        out.write_all(&text)?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// The declared operator: the flag, else `JWTCTL_OPERATOR`, else `USER` / `LOGNAME`, else the
/// user name of the real uid.
pub(crate) fn operator(flag: Option<&str>, ctx: &Context) -> String {
    flag.filter(|o| !o.is_empty())
        .map(str::to_owned)
        .or_else(|| ctx.var_str("JWTCTL_OPERATOR"))
        .or_else(|| ctx.var_str("USER"))
        .or_else(|| ctx.var_str("LOGNAME"))
        .or_else(|| ctx.os_user().and_then(|u| u.name.clone()))
        .unwrap_or_else(|| "unknown".into())
}

/// What the operating system says about who runs this: real uid, its password-database name,
/// and `SUDO_USER` (each cut to 256 characters).
pub(crate) fn os_identity(ctx: &Context) -> OsIdentity {
    let cut = |s: &str| s.chars().take(256).collect::<String>();
    OsIdentity {
        uid: ctx.os_user().map(|u| u.uid),
        os_user: ctx.os_user().and_then(|u| u.name.as_deref().map(cut)),
        sudo_user: ctx.var_str("SUDO_USER").map(|s| cut(&s)),
    }
}

fn show(
    args: &AuditShowArgs,
    ctx: &Context,
    output: Output,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let path = log_path(args.log.audit_log.as_deref(), ctx)?;
    let instant =
        |seconds: Option<i64>| seconds.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0));
    let filter = Filter {
        since: instant(args.since),
        until: instant(args.until),
        operator: args.operator.clone(),
        user: args.user.clone(),
    };
    let mut header_written = false;
    let listed = audit::show(BufReader::new(open(&path)?), &filter, |entry, line| {
        if output.quiet {
            return Ok(());
        }
        if output.json {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")
        } else {
            if !header_written {
                out.write_all(render::audit::show_header(&output.style).as_bytes())?;
                header_written = true;
            }
            out.write_all(render::audit::show_row(entry, &output.style).as_bytes())
        }
    });
    match listed {
        Ok(_) => {
            out.flush()?;
            Ok(Exit::Ok)
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let _ = out.flush();
            Err(Failure::new(Exit::AuditFailure, e.to_string()).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens the log for reading under a shared lock: an append in progress is waited for, so a
/// reader never sees half of one.
fn open(path: &Path) -> Result<File, Failure> {
    #[cfg(unix)]
    let opened = audit::open_for_reading(path);
    #[cfg(not(unix))]
    let opened = File::open(path);
    opened.map_err(|e| read_failure(path, &e))
}

fn read_failure(path: &Path, e: &io::Error) -> Failure {
    let shown = path.display();
    match e.kind() {
        io::ErrorKind::NotFound => {
            Failure::new(Exit::Io, format!("audit log {shown} does not exist")).hint(
                "nothing was minted with this log yet, or it was moved or deleted; \
                 name another with --audit-log PATH",
            )
        }
        io::ErrorKind::PermissionDenied => Failure::new(
            Exit::Io,
            format!("cannot read audit log {shown}: permission denied"),
        )
        .hint("run as the log's owner, or ask them for a copy to verify"),
        io::ErrorKind::IsADirectory => {
            Failure::new(Exit::Io, format!("audit log {shown} is a directory"))
        }
        _ => Failure::new(Exit::Io, format!("cannot read audit log {shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_precedence() {
        let ctx = Context::fixed(0)
            .with_var("HOME", "/home/u")
            .with_var("XDG_STATE_HOME", "/state");
        assert_eq!(
            log_path(
                Some(Path::new("flag.jsonl")),
                &ctx.clone().with_var("JWTCTL_AUDIT_LOG", "/env")
            ),
            Ok(PathBuf::from("flag.jsonl"))
        );
        assert_eq!(
            log_path(
                None,
                &ctx.clone().with_var("JWTCTL_AUDIT_LOG", "/env.jsonl")
            ),
            Ok(PathBuf::from("/env.jsonl"))
        );
        assert_eq!(
            log_path(None, &ctx),
            Ok(PathBuf::from("/state/jwtctl/audit.jsonl"))
        );
        assert_eq!(
            log_path(None, &Context::fixed(0).with_var("HOME", "/home/u")),
            Ok(PathBuf::from("/home/u/.local/state/jwtctl/audit.jsonl"))
        );
        assert_eq!(
            log_path(None, &Context::fixed(0)).unwrap_err().exit,
            Exit::AuditFailure
        );
    }
}
