//! Appending a batch of records under an exclusive lock, rolled back to the previous length
//! when a write or sync fails. Unix only (see [`super::file`]).

use std::fs::File;
use std::io::Write;
use std::path::Path;

#[cfg(test)]
use super::file::TAIL_CHUNK;
use super::file::{Tail, open_for_append, read_tail};
use super::record::{Body, MAX_LINE_BYTES, Tagged, parse_line, write_line};
#[cfg(test)]
use super::record::{GENESIS, sha256_tagged};
#[cfg(test)]
use super::record::{MintFacts, Record};
use super::{AuditError, Checkpoint};

/// Appends one record per element of `facts`, as one batch, and returns the records written.
///
/// Each record is checked as the verifier would check it before anything is written. A batch
/// mint uses [`append_bodies`] instead, which skips the [`MintFacts`] and the returned
/// [`Record`]s.
#[cfg(test)]
pub(crate) fn append(path: &Path, facts: &[MintFacts]) -> Result<Vec<Record>, AuditError> {
    let bodies = facts
        .iter()
        .enumerate()
        .map(|(index, facts)| {
            Body::from_facts(facts).map_err(|detail| AuditError::InvalidRecord { index, detail })
        })
        .collect::<Result<Vec<Body>, AuditError>>()?;
    let mut records = Vec::with_capacity(facts.len());
    append_with(path, &bodies, |index, seq, prev, _, _| {
        records.push(Record::new(seq, &facts[index], prev.as_str().to_owned()));
    })?;
    Ok(records)
}

/// What an append wrote: the first sequence number (the others follow it consecutively) and
/// the new head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Appended {
    /// Sequence number of the first record written.
    pub(crate) first_seq: u64,
    /// The log's head after the append: the last record's seq and line hash.
    pub(crate) head: Checkpoint,
}

/// Appends one record per body, as one batch, calling `each(index, seq, hash, line)` with every
/// record's sequence number, line hash (a checkpoint for it) and line, before they are written.
///
/// The log file is created (mode 0600, in a directory created with mode 0700, each fsynced into
/// its parent when new) when missing, and is never truncated or followed through a symbolic
/// link; a log or directory that another user could write is refused. The whole batch happens
/// under an exclusive lock on the file: read the last record → write every line with one
/// `write_all` → `sync_data`. Concurrent callers therefore never interleave, lose or fork
/// records. When the write or the sync fails (a full disk), the file is cut back to its length
/// before the batch, still under the lock, so no torn line is left behind.
///
/// Only the last line is read (backwards from the end), not the whole log: if it is incomplete or
/// not a valid record, nothing is written and the error says how to repair it. A record the
/// verifier would reject is never written either. An empty batch writes nothing, but still
/// creates the log and checks its tail.
pub(crate) fn append_bodies<B: AsRef<Body>>(
    path: &Path,
    bodies: &[B],
    mut each: impl FnMut(usize, u64, &Tagged, &[u8]),
) -> Result<Appended, AuditError> {
    append_with(path, bodies, |index, seq, _, hash, line| {
        each(index, seq, hash, line)
    })
}

/// [`append_bodies`], calling `each(index, seq, prev, hash, line)` for every record built.
fn append_with<B: AsRef<Body>>(
    path: &Path,
    bodies: &[B],
    each: impl FnMut(usize, u64, &Tagged, &Tagged, &[u8]),
) -> Result<Appended, AuditError> {
    let file = open_for_append(path)?;
    let len = file
        .metadata()
        .map_err(|e| AuditError::io("inspect", path, e))?
        .len();
    let tail = read_tail(&file, path, len)?;
    let (bytes, head) = build_batch(&tail, bodies, each)?;
    write_or_roll_back(&file, path, &tail, &bytes)?;
    // Dropping `file` closes it, which releases the lock.
    Ok(Appended {
        first_seq: tail.seq + 1,
        head,
    })
}

/// Writes `bytes` at the end and syncs them; on failure cuts the file back to `tail.len`.
pub(super) fn write_or_roll_back(
    mut file: &File,
    path: &Path,
    tail: &Tail,
    bytes: &[u8],
) -> Result<(), AuditError> {
    if bytes.is_empty() {
        return Ok(());
    }
    let failed = match file.write_all(bytes) {
        Err(e) => Some(("write to", e)),
        Ok(()) => file.sync_data().err().map(|e| ("sync", e)),
    };
    let Some((action, source)) = failed else {
        return Ok(());
    };
    let rolled_back = file
        .set_len(tail.len)
        .and_then(|()| file.sync_data())
        .is_ok();
    Err(AuditError::WriteFailed {
        action,
        path: path.to_path_buf(),
        source,
        rolled_back,
    })
}

/// Builds the batch's lines: `seq` and `prev` around each body, then the hash for the next.
///
/// The bodies are canonical by construction ([`Body`] is only built by the canonical writer,
/// which tests pin to the verifier's form), so a release build does not parse every line back;
/// a debug build does, so every test run still checks each line written.
fn build_batch<B: AsRef<Body>>(
    tail: &Tail,
    bodies: &[B],
    mut each: impl FnMut(usize, u64, &Tagged, &Tagged, &[u8]),
) -> Result<(Vec<u8>, Checkpoint), AuditError> {
    // `{"v":1,"seq":<20 digits>,` + `,"prev":"sha256:<64>"}` + newline.
    const FRAME: usize = 34 + 82 + 1;
    let total = bodies
        .iter()
        .map(|b| b.as_ref().as_bytes().len() + FRAME)
        .sum();
    let mut bytes = Vec::with_capacity(total);
    let (mut seq, mut prev) = (tail.seq, tail.hash);
    for (index, body) in bodies.iter().enumerate() {
        let invalid = |detail: String| AuditError::InvalidRecord { index, detail };
        seq = seq
            .checked_add(1)
            .ok_or_else(|| invalid("the sequence number would overflow".into()))?;
        let start = bytes.len();
        write_line(seq, body.as_ref(), prev.as_str(), &mut bytes);
        let line = &bytes[start..];
        if line.len() > MAX_LINE_BYTES {
            return Err(invalid(format!(
                "the line would exceed {MAX_LINE_BYTES} bytes"
            )));
        }
        debug_assert!(
            parse_line(line).is_ok_and(|r| r.seq == seq && r.prev == prev.as_str()),
            "the writer produced a line the verifier rejects: {:?}",
            parse_line(line).map_err(|fault| fault.message()),
        );
        let hash = Tagged::of(line);
        each(index, seq, &prev, &hash, line);
        prev = hash;
        bytes.push(b'\n');
    }
    Ok((
        bytes,
        Checkpoint {
            seq,
            hash: prev.as_str().to_owned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::tests::sample_facts;
    use crate::audit::verify;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn round_trip_three_batches() {
        let dir = tempfile::tempdir().unwrap();
        let log_dir = dir.path().join("state/jwtctl");
        let path = log_dir.join("audit.jsonl");
        let first = append(&path, &[sample_facts(1)]).unwrap();
        let second = append(&path, &[sample_facts(2), sample_facts(3)]).unwrap();
        let third = append(&path, &[sample_facts(4), sample_facts(5), sample_facts(6)]).unwrap();

        let seqs: Vec<u64> = [first, second, third]
            .concat()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
        let content = std::fs::read(&path).unwrap();
        let report = verify(&content[..], &[]).unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.records, 6);
        let last_line = content[..content.len() - 1]
            .rsplit(|&b| b == b'\n')
            .next()
            .unwrap();
        assert_eq!(report.head, sha256_tagged(last_line));

        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&log_dir), 0o700);
        assert_eq!(mode(&dir.path().join("state")), 0o700);
    }

    #[test]
    fn returned_records_are_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut facts = sample_facts(1);
        facts.time += chrono::Duration::milliseconds(999);
        let written = append(&path, &[facts, sample_facts(2)]).unwrap();
        let content = std::fs::read(&path).unwrap();
        let parsed: Vec<Record> = content
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| parse_line(l).unwrap())
            .collect();
        assert_eq!(parsed, written);
        assert_eq!(written[0].prev, GENESIS);
    }

    #[test]
    fn symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.jsonl");
        std::fs::write(&target, b"").unwrap();
        let link = dir.path().join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = append(&link, &[sample_facts(1)]).unwrap_err();
        assert!(matches!(err, AuditError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("audit.jsonl"), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"");

        let dangling = dir.path().join("dangling.jsonl");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let err = append(&dangling, &[sample_facts(1)]).unwrap_err();
        assert!(matches!(err, AuditError::Symlink { .. }), "{err}");
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn directory_under_a_regular_file_fails() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, b"x").unwrap();
        let path = file.join("sub/audit.jsonl");
        let err = append(&path, &[sample_facts(1)]).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, AuditError::Io { .. }), "{message}");
        assert!(message.contains("plain/sub/audit.jsonl"), "{message}");
        assert!(message.contains("os error"), "{message}");
        assert!(!message.contains('\n'));
    }

    #[test]
    fn a_directory_is_not_a_log() {
        let dir = tempfile::tempdir().unwrap();
        let err = append(dir.path(), &[sample_facts(1)]).unwrap_err();
        assert!(
            matches!(err, AuditError::Io { .. } | AuditError::NotAFile { .. }),
            "{err}"
        );
    }

    /// A damaged tail stops every later append, and the file is left exactly as it was.
    #[test]
    fn damaged_tail_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &[sample_facts(1), sample_facts(2)]).unwrap();
        let good = std::fs::read(&path).unwrap();
        type Damage = fn(&[u8]) -> Vec<u8>;
        let damages: [(Damage, &str); 4] = [
            (|g| g[..g.len() - 10].to_vec(), "no final newline"),
            (|g| g[..g.len() - 1].to_vec(), "no final newline"),
            (|g| [g, b"garbage\n"].concat(), "not valid JSON"),
            (|g| [g, b"\n"].concat(), "not valid JSON"),
        ];
        for (damage, why) in damages {
            let damaged = damage(&good);
            std::fs::write(&path, &damaged).unwrap();
            let err = append(&path, &[sample_facts(3)]).unwrap_err();
            assert!(matches!(err, AuditError::CorruptTail { .. }), "{err}");
            assert!(err.to_string().contains(why), "{err}");
            let fix = if why == "no final newline" {
                "Fix: jwtctl audit repair --audit-log"
            } else {
                "jwtctl audit verify --audit-log"
            };
            assert!(err.to_string().contains(fix), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), damaged);
        }
    }

    #[test]
    fn invalid_facts_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &[sample_facts(1)]).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut whole_token = sample_facts(3);
        whole_token.new_token_prefix = "eyJhbGciOiJIUzI1NiJ9.e30.sig".into();
        let err = append(&path, &[sample_facts(2), whole_token]).unwrap_err();
        assert!(
            matches!(err, AuditError::InvalidRecord { index: 1, .. }),
            "{err}"
        );
        assert!(!err.to_string().contains("e30.sig"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn last_line_is_found_across_chunk_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        for n in 0..3 {
            let mut facts = sample_facts(n);
            // Lines of about 1.5 chunks, so the search crosses chunk boundaries.
            facts.reason = Some("r".repeat(TAIL_CHUNK as usize + TAIL_CHUNK as usize / 2));
            append(&path, &[facts]).unwrap();
        }
        let report = verify(&std::fs::read(&path).unwrap()[..], &[]).unwrap();
        assert_eq!((report.records, report.first_break), (3, None));
    }

    #[test]
    fn overlong_line_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut facts = sample_facts(1);
        facts.reason = Some("r".repeat(MAX_LINE_BYTES));
        let err = append(&path, &[facts]).unwrap_err();
        assert!(
            matches!(err, AuditError::InvalidRecord { index: 0, .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }

    /// Threads exclude each other because each opens the file itself: `flock` locks belong to
    /// the open file description, not to the process.
    #[test]
    fn concurrent_appends_never_fork_the_chain() {
        const THREADS: u32 = 8;
        const APPENDS: u32 = 50;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                let path = &path;
                scope.spawn(move || {
                    for i in 0..APPENDS {
                        append(path, &[sample_facts(t * 1000 + i)]).unwrap();
                    }
                });
            }
        });
        let report = verify(&std::fs::read(&path).unwrap()[..], &[]).unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.records, u64::from(THREADS * APPENDS));
    }
}
