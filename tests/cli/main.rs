//! Integration tests for the `jwtctl` binary: one test binary that runs the real executable in
//! a hermetic environment (see `support`). Every test checks the exit code and the content.

mod audit;
#[cfg(unix)]
mod audit_forward;
#[cfg(unix)]
mod audit_tampering;
#[cfg(unix)]
mod audit_trail;
mod decode;
mod errors;
mod fingerprint;
mod generated;
mod golden;
mod guessability;
mod help;
mod hostile;
mod interop;
mod mint;
mod mixed;
#[cfg(unix)]
mod process;
mod properties;
mod readme;
mod schema;
mod secret_hygiene;
mod support;
mod verify;
