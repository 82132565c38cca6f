//! Re-checking the hash chain of a whole log, streaming.

use std::fmt;
use std::io::{self, BufRead};

use serde::Serialize;

use super::checkpoint::{Checkpoint, CheckpointResult, CheckpointStatus};
use super::entry::parse_entry;
use super::lines::{LineReader, RawLine};
use super::record::{GENESIS, LineFault, peek_seq, sha256_tagged};

/// The result of [`verify`]: how much of the log holds together, and where it first does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ChainReport {
    /// Number of good records before the first break (all of them when there is none).
    pub(crate) records: u64,
    /// `sha256:` hash of the last good line ([`GENESIS`] when there is none). Keep it somewhere
    /// else: it is what proves, later, that the end of the log was not changed or cut.
    pub(crate) head: String,
    /// Sequence number of the last good record (0 when there is none).
    pub(crate) head_seq: u64,
    /// The first place where the chain breaks, if any.
    pub(crate) first_break: Option<Break>,
    /// How each checkpoint given fared, in the order given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) checkpoints: Vec<CheckpointResult>,
}

impl ChainReport {
    /// Whether the whole log verified and holds every checkpoint given.
    pub(crate) fn is_intact(&self) -> bool {
        self.first_break.is_none()
            && self
                .checkpoints
                .iter()
                .all(|c| c.status == CheckpointStatus::Holds)
    }

    /// The head as a checkpoint: the last good record's seq and line hash.
    pub(crate) fn head_checkpoint(&self) -> Checkpoint {
        Checkpoint {
            seq: self.head_seq,
            hash: self.head.clone(),
        }
    }
}

/// The first broken record of a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Break {
    /// 1-based line number of the broken record.
    pub(crate) line: usize,
    /// Its sequence number, when the line could be read.
    pub(crate) seq: Option<u64>,
    /// What kind of damage this is.
    pub(crate) kind: BreakKind,
    /// A one-line explanation, safe to print.
    pub(crate) message: String,
}

/// What kind of damage broke the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BreakKind {
    /// The line's content changed after it was written.
    Edited,
    /// One or more records before this line are missing.
    Deleted,
    /// The line is out of sequence order (moved or duplicated).
    Reordered,
    /// The last line is incomplete.
    Truncated,
    /// The line is not a valid record.
    Unparsable,
    /// The line is a record of a format version this code does not know.
    BadVersion,
    /// An empty line.
    BlankLine,
    /// A record whose link points at no line before it: written by something other than jwtctl.
    Forged,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakKind::Edited => "edited",
            BreakKind::Deleted => "deleted",
            BreakKind::Reordered => "reordered",
            BreakKind::Truncated => "truncated",
            BreakKind::Unparsable => "unparsable",
            BreakKind::BadVersion => "bad version",
            BreakKind::BlankLine => "blank line",
            BreakKind::Forged => "forged",
        })
    }
}

/// Verifies a whole log, streaming it in constant memory, and checks it against `checkpoints`.
///
/// Every line must be a valid version-1 record, ending with a newline; `seq` starts at 1 and
/// grows by one per line; each `prev` is the hash of the line before it (genesis for line 1).
/// Reading stops at the first break. An empty log is valid, with 0 records and the genesis head.
///
/// The last line has no successor whose `prev` vouches for it: an edit there that keeps it a
/// valid record changes only the reported `head`, and whole records cut off the end (or a
/// rewritten chain) leave a valid log. That is what checkpoints catch: a checkpoint holds when
/// the log has a record with its seq and hash within the verified chain.
pub(crate) fn verify(reader: impl BufRead, checkpoints: &[Checkpoint]) -> io::Result<ChainReport> {
    let mut lines = LineReader::new(reader);
    let mut walk = Walk {
        checkpoints: checkpoints
            .iter()
            .map(|c| CheckpointResult {
                seq: c.seq,
                hash: c.hash.clone(),
                status: CheckpointStatus::Missing,
                found: None,
            })
            .collect(),
        ..Walk::default()
    };
    walk.settle(0, GENESIS);
    while let Some(line) = lines.next_line()? {
        if let Some(found) = walk.step(&line, &mut lines)? {
            return Ok(walk.report(Some(found)));
        }
    }
    Ok(walk.report(None))
}

/// The verified prefix of the log so far.
struct Walk {
    records: u64,
    last_seq: u64,
    last_line: usize,
    head: String,
    /// The head before the last line was accepted: the last line is only vouched for once the
    /// next line's `prev` matches it.
    head_before_last: String,
    /// The checkpoints, settled as their records are reached.
    checkpoints: Vec<CheckpointResult>,
}

impl Default for Walk {
    fn default() -> Walk {
        Walk {
            records: 0,
            last_seq: 0,
            last_line: 0,
            head: GENESIS.to_string(),
            head_before_last: GENESIS.to_string(),
            checkpoints: Vec::new(),
        }
    }
}

impl Walk {
    fn report(mut self, first_break: Option<Break>) -> ChainReport {
        let broken = first_break.is_some();
        for c in &mut self.checkpoints {
            if c.status == CheckpointStatus::Missing && broken {
                c.status = CheckpointStatus::Unreached;
            }
            // A checkpoint on the last good line is only as good as that line, which no later
            // line vouches for when the chain broke right after it: `previous_edited` takes it
            // back, and so does this.
            if c.status == CheckpointStatus::Holds && c.seq > self.last_seq {
                c.status = CheckpointStatus::Unreached;
            }
        }
        ChainReport {
            records: self.records,
            head: self.head,
            head_seq: self.last_seq,
            first_break,
            checkpoints: self.checkpoints,
        }
    }

    /// Settles the checkpoints at `seq`, whose line hash is `hash`.
    fn settle(&mut self, seq: u64, hash: &str) {
        for c in self.checkpoints.iter_mut().filter(|c| c.seq == seq) {
            if c.hash == hash {
                c.status = CheckpointStatus::Holds;
            } else {
                c.status = CheckpointStatus::Differs;
                c.found = Some(hash.to_owned());
            }
        }
    }

    /// Checks one line; accepts it or returns the break it shows.
    fn step<R: BufRead>(
        &mut self,
        line: &RawLine,
        lines: &mut LineReader<R>,
    ) -> io::Result<Option<Break>> {
        if let Some(found) = check_framing(line) {
            return Ok(Some(found));
        }
        let record = match parse_entry(&line.bytes) {
            Ok(record) => record,
            Err(fault) => return Ok(Some(fault_break(line, &fault, lines.peek()?.is_none()))),
        };
        let (seq, prev) = (record.seq(), record.prev());
        let expected = self.last_seq + 1;
        let linked = prev == self.head;
        let found = match (seq == expected, linked) {
            (true, true) => None,
            (true, false) if self.records > 0 && prev == GENESIS => {
                Some(self.forged(line.number, seq))
            }
            (true, false) => Some(self.previous_edited(line.number, seq)),
            (false, true) => Some(self.seq_edited(line.number, seq)),
            (false, false) if seq > expected => {
                let later = found_later(lines, expected)?;
                Some(self.gap(line.number, seq, later))
            }
            (false, false) => Some(self.backwards(line.number, seq)),
        };
        if found.is_none() {
            self.accept(line, seq);
        }
        Ok(found)
    }

    fn accept(&mut self, line: &RawLine, seq: u64) {
        self.records += 1;
        self.last_seq = seq;
        self.last_line = line.number;
        let hash = sha256_tagged(&line.bytes);
        self.settle(seq, &hash);
        self.head_before_last = std::mem::replace(&mut self.head, hash);
    }

    /// A record with the right seq that starts a new chain from genesis in the middle of a
    /// log: written by hand, not appended by jwtctl.
    fn forged(&self, line: usize, seq: u64) -> Break {
        Break {
            line,
            seq: Some(seq),
            kind: BreakKind::Forged,
            message: format!(
                "line {line} (seq {seq}) links to the genesis hash, not to the line before it: \
                 it was forged or inserted"
            ),
        }
    }

    /// This line's `prev` does not match the line before it. Its own seq is right, so the line
    /// before it changed after this one was written: name that one, which is no longer vouched
    /// for. (The same mismatch appears if only this line's `prev` field was edited; blaming the
    /// earlier line is the cautious reading, since nothing after it vouches for it.)
    fn previous_edited(&mut self, line: usize, seq: u64) -> Break {
        if self.records == 0 {
            return Break {
                line,
                seq: Some(seq),
                kind: BreakKind::Edited,
                message: format!("line {line} (seq {seq}) does not start from the genesis hash"),
            };
        }
        let edited = self.last_line;
        let edited_seq = self.last_seq;
        self.records -= 1;
        self.last_seq -= 1;
        self.head = std::mem::take(&mut self.head_before_last);
        Break {
            line: edited,
            seq: Some(edited_seq),
            kind: BreakKind::Edited,
            message: format!(
                "line {edited} (seq {edited_seq}) no longer matches the prev link stored in \
                 line {line} (seq {seq}): line {edited} was changed after it was written, or \
                 line {line} was forged in place of the real record"
            ),
        }
    }

    /// The link to the previous line holds, so nothing was removed: this line's seq was edited.
    fn seq_edited(&self, line: usize, seq: u64) -> Break {
        let expected = self.last_seq + 1;
        Break {
            line,
            seq: Some(seq),
            kind: BreakKind::Edited,
            message: format!(
                "line {line} links to the line before it but has seq {seq} instead of {expected}: \
                 its seq was changed"
            ),
        }
    }

    /// The seq jumps forward: records are missing, or the missing one comes next (moved).
    fn gap(&self, line: usize, seq: u64, later: Option<usize>) -> Break {
        let expected = self.last_seq + 1;
        let (kind, message) = if let Some(at) = later {
            let message = format!(
                "line {line} has seq {seq} but seq {expected} was expected, and is at line {at}: \
                 records were swapped or moved"
            );
            (BreakKind::Reordered, message)
        } else {
            let missing = if seq - 1 == expected {
                format!("record {expected} is")
            } else {
                format!("records {expected} to {} are", seq - 1)
            };
            let message = format!("{missing} missing before line {line} (seq {seq})");
            (BreakKind::Deleted, message)
        };
        Break {
            line,
            seq: Some(seq),
            kind,
            message,
        }
    }

    /// The seq goes backwards or repeats.
    fn backwards(&self, line: usize, seq: u64) -> Break {
        let last = self.last_seq;
        let what = if seq == last {
            "repeats"
        } else {
            "comes after"
        };
        Break {
            line,
            seq: Some(seq),
            kind: BreakKind::Reordered,
            message: format!(
                "line {line} has seq {seq}, which {what} seq {last}: records were moved or copied"
            ),
        }
    }
}

/// The line number of a later line with seq `wanted`, reading the rest of the log (only done
/// at the first break, so the walk stops there anyway).
fn found_later<R: BufRead>(lines: &mut LineReader<R>, wanted: u64) -> io::Result<Option<usize>> {
    while let Some(line) = lines.next_line()? {
        if line.too_long {
            return Ok(None);
        }
        if peek_seq(&line.bytes) == Some(wanted) {
            return Ok(Some(line.number));
        }
    }
    Ok(None)
}

/// Breaks visible without parsing: an overlong line, or a last line without its newline.
fn check_framing(line: &RawLine) -> Option<Break> {
    let (kind, message) = if line.too_long {
        (
            BreakKind::Unparsable,
            "is too long to be a record".to_string(),
        )
    } else if !line.terminated {
        (
            BreakKind::Truncated,
            "has no final newline: the log was cut short".to_string(),
        )
    } else {
        return None;
    };
    Some(Break {
        line: line.number,
        seq: peek_seq(&line.bytes),
        kind,
        message: format!("line {} {message}", line.number),
    })
}

/// A line that is not a valid record. A last line whose JSON ends early was cut short.
fn fault_break(line: &RawLine, fault: &LineFault, is_last: bool) -> Break {
    if line.bytes.iter().all(u8::is_ascii_whitespace) {
        return Break {
            line: line.number,
            seq: None,
            kind: BreakKind::BlankLine,
            message: format!(
                "line {} is blank: a line was inserted or a record's content wiped",
                line.number
            ),
        };
    }
    if let LineFault::Syntax {
        cut_short: true, ..
    } = fault
    {
        let (kind, how) = if is_last {
            (BreakKind::Truncated, "the log was cut mid-record")
        } else {
            (BreakKind::Unparsable, "part of the record was cut away")
        };
        return Break {
            line: line.number,
            seq: peek_seq(&line.bytes),
            kind,
            message: format!("line {} ends mid-record: {how}", line.number),
        };
    }
    let kind = match fault {
        LineFault::Syntax {
            cut_short: true, ..
        } if is_last => BreakKind::Truncated,
        LineFault::BadVersion { .. } => BreakKind::BadVersion,
        _ => BreakKind::Unparsable,
    };
    Break {
        line: line.number,
        seq: peek_seq(&line.bytes),
        kind,
        message: format!("line {} is {}", line.number, fault.message()),
    }
}

#[cfg(test)]
mod tests;
