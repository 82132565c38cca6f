//! The tamper-evident mint audit log.
//!
//! Every mint appends one JSON line ([`Record`]) to an append-only file. Each line carries
//! `prev`, the SHA-256 of the line before it, so editing, deleting or reordering a record breaks
//! the chain, and [`verify`] names the first broken record. [`show`] lists records by filter.
//!
//! The module reads no environment and no clock: the caller passes the time in [`MintFacts`] and
//! the environment to [`default_path`].
#![warn(missing_docs)]

#[cfg(unix)]
mod append;
mod lines;
mod record;
mod show;
mod verify;

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(all(unix, test))]
pub(crate) use append::append;
#[cfg(unix)]
pub(crate) use append::append_bodies;
pub(crate) use record::{Body, MintFacts, Record, RunFacts, TokenFacts, token_prefix};
pub(crate) use show::{Filter, show};
pub(crate) use verify::{ChainReport, verify};

/// Why an append was refused. Nothing was written, except for an `Io` error while writing or
/// syncing, after which the log's tail may be incomplete (and later appends refuse).
#[derive(Debug)]
pub(crate) enum AuditError {
    /// The log path is a symbolic link.
    Symlink {
        /// The log path.
        path: PathBuf,
    },
    /// The log path exists but is not a regular file.
    NotAFile {
        /// The log path.
        path: PathBuf,
    },
    /// An operating-system error.
    Io {
        /// What was being done, e.g. `"open"`.
        action: &'static str,
        /// The log path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The log's last line is incomplete or not a valid record.
    CorruptTail {
        /// The log path.
        path: PathBuf,
        /// What is wrong with the last line.
        detail: String,
    },
    /// A record of the batch would not be valid (e.g. a token prefix too long to be a prefix).
    InvalidRecord {
        /// 0-based position of the facts in the batch.
        index: usize,
        /// What is wrong.
        detail: String,
    },
}

impl AuditError {
    fn io(action: &'static str, path: &Path, source: io::Error) -> AuditError {
        AuditError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for AuditError {
    // Paths are printed with `{:?}`: quoted and escaped, so the message stays on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::Symlink { path } => {
                write!(
                    f,
                    "audit log {path:?} is a symbolic link; refusing to follow it"
                )
            }
            AuditError::NotAFile { path } => {
                write!(f, "audit log {path:?} is not a regular file")
            }
            AuditError::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} audit log {path:?}: {source}"),
            AuditError::CorruptTail { path, detail } => write!(
                f,
                "audit log {path:?}: {detail}; refusing to append. \
                 Run `jwtctl audit verify` and repair the log"
            ),
            AuditError::InvalidRecord { index, detail } => {
                write!(
                    f,
                    "audit record {} of the batch is invalid: {detail}",
                    index + 1
                )
            }
        }
    }
}

impl std::error::Error for AuditError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuditError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The default log location: `$XDG_STATE_HOME/jwtctl/audit.jsonl`, else
/// `$HOME/.local/state/jwtctl/audit.jsonl`; `None` when neither is usable.
///
/// The caller passes the two variables' values. As the XDG spec says, an empty or relative value
/// is ignored (the same goes for `HOME`, so a log never lands relative to the working directory).
pub(crate) fn default_path(
    xdg_state_home: Option<&OsStr>,
    home: Option<&OsStr>,
) -> Option<PathBuf> {
    let absolute = |dir: &&OsStr| Path::new(dir).is_absolute();
    if let Some(state) = xdg_state_home.filter(absolute) {
        return Some(Path::new(state).join("jwtctl/audit.jsonl"));
    }
    home.filter(absolute)
        .map(|home| Path::new(home).join(".local/state/jwtctl/audit.jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_prefers_xdg_state_home() {
        let os = |s: &'static str| Some(OsStr::new(s));
        let rows: [(Option<&OsStr>, Option<&OsStr>, Option<&str>); 6] = [
            (os("/xdg"), os("/home/u"), Some("/xdg/jwtctl/audit.jsonl")),
            (
                None,
                os("/home/u"),
                Some("/home/u/.local/state/jwtctl/audit.jsonl"),
            ),
            (
                os(""),
                os("/home/u"),
                Some("/home/u/.local/state/jwtctl/audit.jsonl"),
            ),
            (
                os("rel"),
                os("/home/u"),
                Some("/home/u/.local/state/jwtctl/audit.jsonl"),
            ),
            (os(""), os(""), None),
            (None, os("rel"), None),
        ];
        for (xdg, home, want) in rows {
            assert_eq!(
                default_path(xdg, home),
                want.map(PathBuf::from),
                "{xdg:?} {home:?}"
            );
        }
    }

    #[test]
    fn errors_are_one_line_and_name_the_path() {
        let err = AuditError::io(
            "open",
            Path::new("/tmp/odd\nname"),
            io::Error::from_raw_os_error(13),
        );
        let message = err.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(
            message.contains("odd\\nname") && message.contains("os error 13"),
            "{message}"
        );
        assert!(std::error::Error::source(&err).is_some());
    }
}
