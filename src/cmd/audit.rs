//! `jwtctl audit show|verify`, and where the audit log is.

use super::Output;
use crate::audit::{self, Filter};
use crate::cli::{AuditCommand, AuditShowArgs};
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
        AuditCommand::Verify(args) => {
            let path = log_path(args.log.audit_log.as_deref(), ctx)?;
            let shown = path.to_string_lossy();
            let report =
                audit::verify(BufReader::new(open(&path)?)).map_err(|e| read_failure(&path, &e))?;
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
        AuditCommand::Show(args) => show(args, ctx, output, out),
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
    let listed = audit::show(BufReader::new(open(&path)?), &filter, |record, line| {
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
            out.write_all(render::audit::show_row(record, &output.style).as_bytes())
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

fn open(path: &Path) -> Result<File, Failure> {
    File::open(path).map_err(|e| read_failure(path, &e))
}

fn read_failure(path: &Path, e: &io::Error) -> Failure {
    let shown = path.display();
    if e.kind() == io::ErrorKind::NotFound {
        Failure::new(Exit::Io, format!("audit log {shown} does not exist")).hint(
            "nothing was minted with this log yet, or it was moved or deleted; \
             name another with --audit-log PATH",
        )
    } else {
        Failure::new(Exit::Io, format!("cannot read audit log {shown}: {e}"))
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
