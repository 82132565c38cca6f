//! What a batch does with each line: the [`LineJob`] a command hands the pipeline.

use crate::exit::Exit;
use std::io;

/// One input line handed to a job.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based line number in the input.
    pub(crate) number: u64,
    /// The line's bytes, line ending included if there was one. Cut short when the line was
    /// longer than the limit (see `oversized`).
    pub(crate) bytes: &'a [u8],
    /// The line was longer than the reader's limit; only its start is in `bytes`.
    pub(crate) oversized: bool,
    /// More than one line was read: the input is a batch.
    pub(crate) batch: bool,
}

/// Work done for each line. Output for stdout goes to `out`, for stderr to `err`.
pub(crate) trait LineJob: Sync {
    /// Process one line and return its outcome.
    fn line(&self, line: Line<'_>, out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit;

    /// Called once per chunk of input, after [`LineJob::line`] ran for each of its lines. A
    /// job that must make a chunk's results durable before releasing them (`mint` appends
    /// and syncs the chunk's audit records) does it here, and may add the output it held back
    /// to `out`. An error ends the run: the chunk's stdout output is not written.
    fn settle(&self, out: &mut Vec<u8>, err: &mut Vec<u8>) -> io::Result<()> {
        let _ = (out, err);
        Ok(())
    }

    /// Whether the job holds a chunk's output back until [`LineJob::settle`] ran: then no
    /// line of the chunk is written before it is settled, and no line of the next chunk is
    /// handed out before that. Jobs that don't have their results written as they come, while
    /// later lines (of the same or the next chunks) are still being processed.
    fn holds_output(&self) -> bool {
        false
    }

    /// Called after each chunk's results were written, with the number of lines so far (for a
    /// progress display).
    fn progress(&self, lines: u64) {
        let _ = lines;
    }
}
