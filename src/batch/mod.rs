//! The batch engine: where tokens come from, and how a stream of lines is run.
//!
//! A command's input is one positional argument or stdin ([`source`]). Stdin is read in
//! chunks ([`read_ahead`]); every complete line is handed to a [`LineJob`], on all cores, and
//! the results are written in input order as soon as they and those before them are done
//! ([`pipeline`]), so memory stays constant and the first result appears before the input
//! ends.

mod job;
mod pipeline;
mod read_ahead;
mod source;

pub(crate) use job::{Line, LineJob};
pub(crate) use pipeline::run_lines;
pub(crate) use source::Stream;
pub(crate) use source::{Source, source};

/// Size of one read from stdin.
const CHUNK: usize = 512 * 1024;

#[cfg(test)]
mod tests;
