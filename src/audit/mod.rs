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
mod checkpoint;
mod entry;
#[cfg(unix)]
mod file;
mod lines;
mod record;
#[cfg(unix)]
mod repair;
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
pub(crate) use checkpoint::{Checkpoint, CheckpointStatus};
pub(crate) use entry::{Entry, RepairAction, RepairFacts, RepairRecord};
#[cfg(unix)]
pub(crate) use file::open_for_reading;
pub(crate) use record::{
    Body, MintFacts, OsIdentity, Record, RunFacts, Tagged, TokenFacts, token_prefix,
};
#[cfg(unix)]
pub(crate) use repair::{Repair, repair};
pub(crate) use show::{Filter, show};
pub(crate) use verify::{BreakKind, ChainReport, verify};

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
    /// The log or its directory could be changed by someone else.
    Unsafe {
        /// The file or directory.
        path: PathBuf,
        /// Whether it is the directory.
        is_dir: bool,
        /// What is wrong with it.
        why: UnsafeWhy,
    },
    /// Writing or syncing the records failed; the file was cut back to its length before them
    /// (unless `rolled_back` is false).
    WriteFailed {
        /// `"write to"` or `"sync"`.
        action: &'static str,
        /// The log path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
        /// Whether the file is back to its previous length.
        rolled_back: bool,
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
        /// The last line is unfinished (no newline): `jwtctl audit repair` can fix it.
        incomplete: bool,
    },
    /// A record of the batch would not be valid (e.g. a token prefix too long to be a prefix).
    InvalidRecord {
        /// 0-based position of the facts in the batch.
        index: usize,
        /// What is wrong.
        detail: String,
    },
}

/// Why a log or directory is unsafe to append to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnsafeWhy {
    /// Group or other may write it.
    Writable {
        /// Its permission bits.
        mode: u32,
    },
    /// Another user owns it.
    Owner {
        /// Its owner's uid.
        owner: u32,
        /// The appending user's uid.
        me: u32,
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
            AuditError::Unsafe { path, is_dir, why } => {
                let what = if *is_dir {
                    "the directory of the audit log"
                } else {
                    "audit log"
                };
                match why {
                    UnsafeWhy::Writable { mode } => write!(
                        f,
                        "{what} {path:?} is writable by other users (mode {mode:04o}); \
                         refusing to use it. Fix: chmod go-w {}",
                        shell_word(path)
                    ),
                    UnsafeWhy::Owner { owner, me } => write!(
                        f,
                        "{what} {path:?} is owned by uid {owner}, not by uid {me} (or root); \
                         refusing to use it. Fix: chown {me} {}",
                        shell_word(path)
                    ),
                }
            }
            AuditError::WriteFailed {
                action,
                path,
                source,
                rolled_back,
            } => {
                let cause = match source.kind() {
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => "the disk is full",
                    io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
                    _ => "an I/O error",
                };
                let state = if *rolled_back {
                    "the log was cut back to its previous length, nothing was recorded"
                } else {
                    "cutting the log back failed too: run `jwtctl audit verify`"
                };
                write!(
                    f,
                    "cannot {action} audit log {path:?}: {cause} ({source}); {state}"
                )
            }
            AuditError::CorruptTail {
                path,
                detail,
                incomplete: true,
            } => write!(
                f,
                "audit log {path:?}: {detail}, as a crash or a full disk mid-append leaves it; \
                 refusing to append. Fix: jwtctl audit repair --audit-log {}",
                shell_word(path)
            ),
            AuditError::CorruptTail { path, detail, .. } => write!(
                f,
                "audit log {path:?}: {detail}; refusing to append. \
                 Run `jwtctl audit verify --audit-log {}` to see what is wrong",
                shell_word(path)
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

/// A path as one shell word: bare when it is plain, else single-quoted (escaped for display).
fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

impl std::error::Error for AuditError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuditError::Io { source, .. } | AuditError::WriteFailed { source, .. } => Some(source),
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
