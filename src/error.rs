//! The one place where failures become exit codes.

use crate::exit::Exit;
use crate::keys::KeyError;
use crate::token::Malformed;
use crate::verify::PolicyError;
use std::fmt;
use std::io;

/// A failure the user can act on: the exit code it maps to, a message and hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code this failure ends the run with.
    pub exit: Exit,
    /// One line saying what went wrong (never a secret or a whole token).
    pub message: String,
    /// What to do about it.
    pub hints: Vec<String>,
}

impl Failure {
    /// A failure with exit code `exit`.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }

    /// A key or secret that cannot be used (exit 5).
    pub fn key(message: impl Into<String>) -> Self {
        Failure::new(Exit::KeyUnusable, message)
    }

    /// Add a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<KeyError> for Failure {
    fn from(e: KeyError) -> Self {
        Failure::new(e.exit(), e.into_message())
    }
}

impl From<Malformed> for Failure {
    fn from(m: Malformed) -> Self {
        Failure::new(Exit::Malformed, m.to_string())
    }
}

/// The exit code for an error that ended a run. A broken pipe on output means the reader
/// went away (`jwtctl ... | head -1`): that is success, not a failure.
pub fn classify(error: &anyhow::Error) -> Exit {
    if is_broken_pipe(error) {
        return Exit::Ok;
    }
    if let Some(failure) = error.downcast_ref::<Failure>() {
        return failure.exit;
    }
    if let Some(key) = error.downcast_ref::<KeyError>() {
        return key.exit();
    }
    if let Some(policy) = error.downcast_ref::<PolicyError>() {
        return policy.exit();
    }
    if error.downcast_ref::<Malformed>().is_some() {
        return Exit::Malformed;
    }
    Exit::Io
}

/// Whether the error is (caused by) a broken pipe.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Hints attached to the error, if it carries any.
pub fn hints(error: &anyhow::Error) -> &[String] {
    error
        .downcast_ref::<Failure>()
        .map_or(&[], |f| f.hints.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn classification() {
        let pipe =
            anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert_eq!(classify(&pipe), Exit::Ok);
        let other: anyhow::Result<()> = Err(io::Error::from(io::ErrorKind::NotFound).into());
        assert_eq!(classify(&other.context("reading x").unwrap_err()), Exit::Io);
        assert_eq!(classify(&Failure::key("no key").into()), Exit::KeyUnusable);
        assert_eq!(classify(&Failure::usage("bad").into()), Exit::Usage);
    }
}
