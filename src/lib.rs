//! jwtctl: an operator's toolkit for JSON Web Tokens.
//!
//! The binary (`src/main.rs`) parses the command line (`cli`), reads the process's context
//! once (`context`: clock, terminals, environment), and calls `app::run`, which dispatches to
//! the command layer (`cmd`: key loading and other I/O, batches through `batch`). The pure core
//! below it (`token`, `keys`, `verify`, `mint`, `audit`, `inspect`, `finding`, `fingerprint`,
//! `time`, `text`) takes no clock, environment or I/O but as parameters, and never imports
//! `cli` or `render`. `render` puts results into words and JSON; `exit` owns the exit codes.
//! `docs/ARCHITECTURE.md` has the map and how to add a check, a finding or a command.
//!
//! Visibility: `pub(crate)` is the default. A module is `pub` only when something outside the
//! crate needs it: the binary (`app`, `cli`, `context`, `pipe`), the tests that check the
//! generated files and the exit table (`generate`, `exit`), and the fuzz targets (`harness`).

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
pub(crate) mod error;
pub mod exit;
pub(crate) mod finding;
pub(crate) mod fingerprint;
pub mod generate;
#[doc(hidden)]
pub mod harness;
pub(crate) mod inspect;
pub(crate) mod keys;
pub(crate) mod mint;
pub mod pipe;
pub(crate) mod render;
pub(crate) mod text;
pub(crate) mod time;
pub(crate) mod token;
pub(crate) mod verify;
