//! Why a mint fails: one typed error for the command, carrying its exit class, and for a line
//! of a batch its machine code and the token segment at fault.

use crate::audit::AuditError;
use crate::error::Failure;
use crate::exit::Exit;
use crate::mint::MintError;
use crate::token::Malformed;
use std::borrow::Cow;

/// Why a token could not be minted, or the run had to stop.
#[derive(Debug, thiserror::Error)]
pub(super) enum MintFailure {
    /// The input line is longer than the reader's limit.
    #[error("input line is longer than {len} bytes (raise the limit with --max-size)")]
    TooLarge { len: usize },
    /// Not a well-formed token.
    #[error("{0}")]
    Malformed(Malformed),
    /// No `--verify-with` key vouches for the old token, and that was not acknowledged.
    #[error("the old token's signature does not verify with any --verify-with key ({why})")]
    SourceUnverified { why: Cow<'static, str> },
    /// The mint core refused (claims, expiry, signing).
    #[error("{0}")]
    Mint(MintError),
    /// No random bytes for the new `jti`.
    #[error("the system's random source failed: {0}")]
    Random(getrandom::Error),
    /// The audit record could not be written: nothing was minted.
    #[error("nothing minted: the audit record could not be written: {0}")]
    Audit(AuditError),
    /// `--audit-forward-required` and a record could not be forwarded: its token is withheld.
    #[error(
        "token withheld: audit record #{seq} is in the local log but could not be forwarded \
         to {to} ({why}), and --audit-forward-required was given"
    )]
    Forward { to: String, seq: u64, why: String },
}

impl MintFailure {
    /// The exit code this failure maps to.
    pub(super) fn exit(&self) -> Exit {
        match self {
            MintFailure::TooLarge { .. } | MintFailure::Malformed(_) => Exit::Malformed,
            MintFailure::SourceUnverified { .. } => Exit::Mismatch,
            MintFailure::Mint(e) => e.exit(),
            MintFailure::Random(_) => Exit::Io,
            MintFailure::Audit(_) | MintFailure::Forward { .. } => Exit::AuditFailure,
        }
    }

    /// A stable machine code, used in JSON output.
    pub(super) fn code(&self) -> &'static str {
        match self {
            MintFailure::TooLarge { .. } => "too_large",
            MintFailure::Malformed(e) => e.code,
            MintFailure::SourceUnverified { .. } => "source_unverified",
            MintFailure::Mint(e) => e.code(),
            MintFailure::Random(_) => "random",
            MintFailure::Audit(_) => "audit",
            MintFailure::Forward { .. } => "audit_forward",
        }
    }

    /// The part of the token the failure is about, used in JSON output.
    pub(super) fn segment(&self) -> &'static str {
        match self {
            MintFailure::Malformed(e) => e.segment.name(),
            MintFailure::SourceUnverified { .. } | MintFailure::Mint(MintError::Sign(_)) => {
                "signature"
            }
            MintFailure::Mint(_) => "payload",
            MintFailure::TooLarge { .. }
            | MintFailure::Random(_)
            | MintFailure::Audit(_)
            | MintFailure::Forward { .. } => "token",
        }
    }

    /// What to do about it.
    pub(super) fn hint(&self) -> Option<String> {
        match self {
            MintFailure::SourceUnverified { .. } => Some(
                "if the old key is gone (it was regenerated), mint anyway with \
                 --unverified-source; the audit record will say source_verified: false"
                    .into(),
            ),
            MintFailure::Mint(e) => e.hint(),
            MintFailure::Audit(e) => audit_hint(e),
            MintFailure::Forward { .. } => {
                Some("check that the collector is up and reachable, then mint again".into())
            }
            MintFailure::TooLarge { .. } | MintFailure::Malformed(_) | MintFailure::Random(_) => {
                None
            }
        }
    }
}

/// What to do about an audit log that cannot be appended to, by cause.
fn audit_hint(e: &AuditError) -> Option<String> {
    use std::io::ErrorKind;
    let another = "or choose another log with --audit-log PATH or JWTCTL_AUDIT_LOG";
    match e {
        // The fix is in the message itself.
        AuditError::CorruptTail { .. } | AuditError::Unsafe { .. } => None,
        AuditError::Symlink { .. } => Some(format!(
            "name the real file with --audit-log (a link could point the log anywhere), {another}"
        )),
        AuditError::WriteFailed {
            rolled_back: true,
            source,
            ..
        } if matches!(
            source.kind(),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded
        ) =>
        {
            Some("free some space and mint again: the log was left intact, no repair needed".into())
        }
        AuditError::WriteFailed { .. } => None,
        AuditError::Io { source, .. } if source.kind() == ErrorKind::PermissionDenied => Some(
            format!("make the log and its directory writable by this user, {another}"),
        ),
        AuditError::Io { source, .. } if source.kind() == ErrorKind::ReadOnlyFilesystem => Some(
            format!("the log's file system is mounted read-only: {another}"),
        ),
        AuditError::Io { .. } | AuditError::NotAFile { .. } => {
            Some(another.replacen("or c", "C", 1))
        }
        AuditError::InvalidRecord { .. } => None,
    }
}

impl From<MintFailure> for Failure {
    fn from(e: MintFailure) -> Failure {
        let mut failure = Failure::new(e.exit(), e.to_string());
        if let Some(hint) = e.hint() {
            failure = failure.hint(hint);
        }
        failure
    }
}

/// A failure that ended a run from inside the batch pipeline, back out of its `io::Error`.
pub(super) fn from_pipeline(e: std::io::Error) -> anyhow::Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Failure>())
    {
        Some(failure) => failure.clone().into(),
        None => e.into(),
    }
}
