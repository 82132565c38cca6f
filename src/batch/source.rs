//! Where a command's tokens come from: one positional argument, or standard input.

use crate::error::Failure;
use std::ffi::OsStr;
use std::io::{self, Read};

/// Where a command's token(s) come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A positional argument, as raw bytes (need not be UTF-8).
    Arg(Vec<u8>),
    /// Standard input, one token (or pasted line) per line.
    Stdin,
}

/// Decide the source: an argument other than `-` is the token; `-` or nothing means stdin,
/// unless nothing was given and stdin is a terminal (then there is nothing to read).
pub(crate) fn source(arg: Option<&OsStr>, stdin_tty: bool) -> Result<Source, Failure> {
    match arg {
        Some(a) if a != "-" => Ok(Source::Arg(a.as_encoded_bytes().to_vec())),
        Some(_) => Ok(Source::Stdin),
        None if stdin_tty => Err(Failure::usage("no token given")
            .hint("pass the token as an argument, or pipe tokens on stdin (one per line)")),
        None => Ok(Source::Stdin),
    }
}

/// Standard input as a batch reads it: owned and `Send`, so that reads can run ahead on a
/// thread of their own while earlier lines are processed (tests pass in-memory bytes).
pub(crate) type Stream = Box<dyn Read + Send>;

/// Read once into `buf`, retrying when interrupted by a signal.
pub(super) fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}
