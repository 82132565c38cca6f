//! A batch mint (`--from -`): each line minted on a worker, each chunk's audit records
//! appended under one lock with one sync before the chunk's tokens are released.

use super::minter::{Minter, Pending};
use crate::batch::{Line, LineJob};
use crate::error::Failure;
use crate::exit::Exit;
use crate::text::escape;
use std::io::{self, Write};
use std::sync::PoisonError;

impl LineJob for Minter<'_> {
    fn line(&self, line: Line<'_>, _out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit {
        let (pending, exit) = match self.mint(Some((line.bytes, line.oversized))) {
            Ok(minted) => (self.ready(line.number, minted), Exit::Ok),
            Err(failure) => self.failed(line.number, &failure, line.batch, err),
        };
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pending);
        exit
    }

    fn settle(&self, out: &mut Vec<u8>, _err: &mut Vec<u8>) -> io::Result<()> {
        let mut pending = {
            let mut held = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            // The next chunk is about as long as this one: keep its room.
            let room = held.len();
            std::mem::replace(&mut *held, Vec::with_capacity(room))
        };
        if pending.is_empty() {
            return Ok(());
        }
        // The pipeline may run a chunk's lines on several threads: back to input order, so
        // audit records, sequence numbers and output lines all follow the input. (Each
        // worker's lines arrive in order, so this merges a few sorted runs.)
        pending.sort_by_key(Pending::line);
        self.commit(pending, out)
            .map_err(|e| io::Error::other(Failure::from(e)))
    }

    fn holds_output(&self) -> bool {
        // Tokens are released only after their audit records are appended and synced.
        true
    }

    fn progress(&self, lines: u64) {
        self.progress.update(lines);
    }
}

impl Minter<'_> {
    /// After a batch: what was minted, on stderr.
    pub(super) fn batch_notice(&self, err: &mut dyn Write) {
        self.forward_warning(err);
        let stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(head) = &stats.head {
            let _ = writeln!(err, "jwtctl: audit head {head}");
        }
        if self.output.json {
            return;
        }
        let records = match (stats.first_seq, stats.last_seq) {
            (Some(first), Some(last)) => format!(
                "; audit records #{first}..#{last} in {}",
                escape(&self.audit_path.to_string_lossy())
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            err,
            "jwtctl: minted {} token{}, {} line{} failed{records}",
            stats.minted,
            if stats.minted == 1 { "" } else { "s" },
            stats.failed,
            if stats.failed == 1 { "" } else { "s" },
        );
    }
}
