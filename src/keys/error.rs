//! The key layer's one error type.

use crate::exit::Exit;

/// Why a key or secret cannot be used, in words for the operator (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct KeyError(String);

impl KeyError {
    /// An error saying `message`.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        KeyError(message.into())
    }

    /// The exit class of a run this error ends: a key that cannot be used.
    pub(crate) const fn exit(&self) -> Exit {
        Exit::KeyUnusable
    }

    /// The message, for a failure that carries it on.
    pub(crate) fn into_message(self) -> String {
        self.0
    }
}
