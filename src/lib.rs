//! jwtctl: an operator's toolkit for JSON Web Tokens.
//!
//! The binary is a thin shell around `app::run`; everything else is a library so it can be
//! tested without spawning a process. The core (`token`, `inspect`, `time`) is pure: no clock,
//! environment or I/O; `context` reads those once; `render` turns results into text or JSON;
//! `exit` owns the exit codes and `error` maps failures onto them; `generate` renders shell
//! completions and man pages from `cli`.

#[cfg(not(unix))]
compile_error!(
    "jwtctl supports Unix only (file modes, no-follow opens and descriptors of the audit log)"
);

pub mod app;
pub(crate) mod audit;
pub(crate) mod batch;
pub mod cli;
pub(crate) mod cmd;
pub mod context;
pub mod error;
pub mod exit;
pub mod finding;
pub mod fingerprint;
pub mod generate;
#[doc(hidden)]
pub mod harness;
pub mod inspect;
pub mod keys;
pub(crate) mod mint;
pub mod pipe;
pub mod render;
pub(crate) mod text;
pub mod time;
pub mod token;
pub mod verify;
