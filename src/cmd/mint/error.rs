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
}

impl MintFailure {
    /// The exit code this failure maps to.
    pub(super) fn exit(&self) -> Exit {
        match self {
            MintFailure::TooLarge { .. } | MintFailure::Malformed(_) => Exit::Malformed,
            MintFailure::SourceUnverified { .. } => Exit::Mismatch,
            MintFailure::Mint(e) => e.exit(),
            MintFailure::Random(_) => Exit::Io,
            MintFailure::Audit(_) => Exit::AuditFailure,
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
            MintFailure::TooLarge { .. } | MintFailure::Random(_) | MintFailure::Audit(_) => {
                "token"
            }
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
            MintFailure::Audit(AuditError::CorruptTail { .. }) => None,
            MintFailure::Audit(_) => Some(
                "make the log's directory writable, or choose another log with --audit-log PATH \
                 or JWTCTL_AUDIT_LOG"
                    .into(),
            ),
            MintFailure::TooLarge { .. } | MintFailure::Malformed(_) | MintFailure::Random(_) => {
                None
            }
        }
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
