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
mod tests {
    use super::*;
    use crate::audit::append;
    use crate::audit::record::tests::sample_facts;
    use proptest::prelude::*;

    /// A log of `n` records, as bytes, written by the real appender.
    fn log_of(n: u32) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let facts: Vec<_> = (1..=n).map(sample_facts).collect();
        append(&path, &facts).unwrap();
        std::fs::read(&path).unwrap()
    }

    /// The lines of a log, each with its newline.
    fn lines_of(log: &[u8]) -> Vec<Vec<u8>> {
        log.split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    }

    fn replace_in(line: &[u8], from: &str, to: &str) -> Vec<u8> {
        let text = String::from_utf8(line.to_vec()).unwrap();
        assert!(text.contains(from), "{from} not in {text}");
        text.replacen(from, to, 1).into_bytes()
    }

    #[test]
    fn empty_log_is_valid() {
        let report = verify(&b""[..], &[]).unwrap();
        assert_eq!(report.records, 0);
        assert_eq!(report.head, GENESIS);
        assert!(report.is_intact());
    }

    #[test]
    fn intact_log_verifies() {
        let log = log_of(4);
        let report = verify(&log[..], &[]).unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.records, 4);
        let last = lines_of(&log).pop().unwrap();
        assert_eq!(report.head, sha256_tagged(&last[..last.len() - 1]));
    }

    type Tamper = fn(&mut Vec<Vec<u8>>);
    /// name, damage, then the expected break line, seq, kind and good records before it.
    type Row = (&'static str, Tamper, usize, Option<u64>, BreakKind, u64);

    /// Each row damages a 4-record log and names the line, seq and kind `verify` must report,
    /// and how many good records come before it.
    #[test]
    fn tampering_is_named() {
        let rows: [Row; 14] = [
            (
                "user_id of record 2 changed",
                |l| l[1] = replace_in(&l[1], "user-2", "user-9"),
                2,
                Some(2),
                BreakKind::Edited,
                1,
            ),
            (
                "record 1 changed",
                |l| l[0] = replace_in(&l[0], "alice", "mallory"),
                1,
                Some(1),
                BreakKind::Edited,
                0,
            ),
            (
                "seq of record 2 changed",
                |l| l[1] = replace_in(&l[1], r#""seq":2"#, r#""seq":7"#),
                2,
                Some(7),
                BreakKind::Edited,
                1,
            ),
            (
                "prev of record 3 malformed",
                |l| l[2] = replace_in(&l[2], "\"prev\":\"sha256:", "\"prev\":\"sha256:0"),
                3,
                Some(3),
                BreakKind::Unparsable,
                2,
            ),
            (
                "record 2 deleted",
                |l| {
                    l.remove(1);
                },
                2,
                Some(3),
                BreakKind::Deleted,
                1,
            ),
            (
                "records 2 and 3 swapped",
                |l| l.swap(1, 2),
                2,
                Some(3),
                BreakKind::Reordered,
                1,
            ),
            (
                "records 3 and 4 swapped",
                |l| l.swap(2, 3),
                3,
                Some(4),
                BreakKind::Reordered,
                2,
            ),
            (
                "record 2 duplicated",
                |l| {
                    let c = l[1].clone();
                    l.insert(2, c);
                },
                3,
                Some(2),
                BreakKind::Reordered,
                2,
            ),
            (
                "last line cut mid-way",
                |l| {
                    let n = l[3].len() / 2;
                    l[3].truncate(n);
                },
                4,
                None,
                BreakKind::Truncated,
                3,
            ),
            (
                "last line cut mid-way, newline kept",
                |l| {
                    let n = l[3].len() / 2;
                    l[3].truncate(n);
                    l[3].push(b'\n');
                },
                4,
                None,
                BreakKind::Truncated,
                3,
            ),
            (
                "record 2 cut mid-way, newline kept",
                |l| {
                    let n = l[1].len() / 2;
                    l[1].truncate(n);
                    l[1].push(b'\n');
                },
                2,
                None,
                BreakKind::Unparsable,
                1,
            ),
            (
                "last newline removed",
                |l| {
                    l[3].pop();
                },
                4,
                Some(4),
                BreakKind::Truncated,
                3,
            ),
            (
                "garbage line appended",
                |l| l.push(b"garbage\n".to_vec()),
                5,
                None,
                BreakKind::Unparsable,
                4,
            ),
            (
                "record 2 from the future",
                |l| l[1] = replace_in(&l[1], r#""v":1"#, r#""v":2"#),
                2,
                Some(2),
                BreakKind::BadVersion,
                1,
            ),
        ];
        let log = log_of(4);
        for (name, tamper, line, seq, kind, records) in rows {
            let mut lines = lines_of(&log);
            tamper(&mut lines);
            let report = verify(&lines.concat()[..], &[]).unwrap();
            let found = report
                .first_break
                .as_ref()
                .unwrap_or_else(|| panic!("{name}: no break"));
            assert_eq!(
                (found.line, found.seq, found.kind),
                (line, seq, kind),
                "{name}: {found:?}"
            );
            assert_eq!(report.records, records, "{name}");
            let good_head = match records {
                0 => GENESIS.to_string(),
                n => {
                    let good = &lines_of(&log)[n as usize - 1];
                    sha256_tagged(&good[..good.len() - 1])
                }
            };
            assert_eq!(report.head, good_head, "{name}");
            assert!(!found.message.contains('\n'), "{name}");
        }
    }

    #[test]
    fn only_a_prev_field_edit_blames_the_line_before() {
        let log = log_of(4);
        let mut lines = lines_of(&log);
        // Swap two hex digits of record 3's prev, keeping it a valid record.
        let text = String::from_utf8(lines[2].clone()).unwrap();
        let at = text.find("\"prev\":\"sha256:").unwrap() + 15;
        let mut bytes = text.into_bytes();
        bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
        lines[2] = bytes;
        let report = verify(&lines.concat()[..], &[]).unwrap();
        let found = report.first_break.unwrap();
        assert_eq!(
            (found.line, found.kind),
            (2, BreakKind::Edited),
            "{found:?}"
        );
        assert!(found.message.contains("line 3"), "{}", found.message);
    }

    #[test]
    fn edited_message_names_both_lines() {
        let mut lines = lines_of(&log_of(3));
        lines[1] = replace_in(&lines[1], "user-2", "user-9");
        let found = verify(&lines.concat()[..], &[])
            .unwrap()
            .first_break
            .unwrap();
        assert!(found.message.contains("line 2"), "{}", found.message);
        assert!(found.message.contains("line 3"), "{}", found.message);
    }

    #[test]
    fn overlong_line_is_a_break_not_a_memory_hog() {
        let mut log = log_of(1);
        log.extend(std::iter::repeat_n(
            b'x',
            crate::audit::record::MAX_LINE_BYTES * 3,
        ));
        log.push(b'\n');
        let report = verify(&log[..], &[]).unwrap();
        let found = report.first_break.unwrap();
        assert_eq!((found.line, found.kind), (2, BreakKind::Unparsable));
        assert_eq!(report.records, 1);
    }

    fn arb_facts() -> impl Strategy<Value = crate::audit::MintFacts> {
        (
            any::<u32>(),
            "[a-z]{1,8}",
            proptest::option::of("\\PC{0,20}"),
            any::<bool>(),
            proptest::option::of(any::<i64>()),
        )
            .prop_map(|(n, operator, reason, numeric_user, exp)| {
                let mut facts = sample_facts(n % 100_000);
                facts.operator = operator;
                facts.reason = reason;
                facts.new_exp = exp;
                if numeric_user {
                    facts.user_id = serde_json::json!(n);
                }
                facts
            })
    }

    fn arb_batches() -> impl Strategy<Value = Vec<Vec<crate::audit::MintFacts>>> {
        proptest::collection::vec(proptest::collection::vec(arb_facts(), 1..4), 1..5)
    }

    fn write_batches(batches: &[Vec<crate::audit::MintFacts>]) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        for batch in batches {
            append(&path, batch).unwrap();
        }
        std::fs::read(&path).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn appended_logs_verify(batches in arb_batches()) {
            let log = write_batches(&batches);
            let report = verify(&log[..], &[]).unwrap();
            prop_assert_eq!(report.first_break, None);
            let total: usize = batches.iter().map(Vec::len).sum();
            prop_assert_eq!(report.records, total as u64);
        }

        /// Any changed byte is caught, except in the last line: no later line vouches for it, so
        /// an edit there that leaves a valid record shows only as a different head. That is why
        /// the head is printed for anchoring.
        #[test]
        fn any_byte_edit_is_detected(
            batches in arb_batches(),
            position in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let log = write_batches(&batches);
            let at = position.index(log.len());
            prop_assume!(log[at] != byte);
            let original = verify(&log[..], &[]).unwrap();
            let mut edited = log.clone();
            edited[at] = byte;
            let report = verify(&edited[..], &[]).unwrap();
            let last_line_start = log[..log.len() - 1]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            if at < last_line_start {
                prop_assert!(report.first_break.is_some(), "edit at {} not caught", at);
            } else {
                prop_assert!(report.first_break.is_some() || report.head != original.head);
            }
        }
    }
}
