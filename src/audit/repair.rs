//! `audit repair`: cutting an unfinished last line (what a crash or a full disk mid-append
//! leaves), under the exclusive lock, and recording the cut as a `repair` record.
//!
//! Only bytes after the last newline are ever cut: never a complete line. When those bytes are
//! a whole record that lacks only its newline (the write stopped just before it), the newline is
//! added instead.

use std::path::Path;

use super::append::write_or_roll_back;
use super::entry::{RepairAction, RepairFacts, parse_entry};
use super::file::{Tail, last_line_start, open_for_append, read_at, read_tail};
use super::record::{MAX_LINE_BYTES, Tagged, write_line};
use super::{AuditError, Checkpoint};

/// What a repair finds, and (when applied) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Repair {
    /// The log ends with a complete line: nothing to do.
    Nothing {
        /// Records in the log (the last one's seq).
        seq: u64,
    },
    /// The last line is unfinished.
    Unfinished {
        /// What is (or was) done about it.
        action: RepairAction,
        /// Byte offset where the unfinished line starts.
        offset: u64,
        /// Its length.
        bytes: u64,
        /// Its hash.
        sha256: String,
        /// The last complete record's seq, before the repair.
        after_seq: u64,
        /// The head after the repair record, when it was applied.
        head: Option<Checkpoint>,
    },
}

/// Looks at the log's end and, when `apply`, repairs it: cuts the unfinished line (or ends a
/// whole record with its newline) and appends a repair record built from `facts` (whose
/// `action`, `bytes` and `bytes_sha256` are filled in here).
pub(crate) fn repair(
    path: &Path,
    apply: bool,
    mut facts: RepairFacts,
) -> Result<Repair, AuditError> {
    let file = open_for_append(path)?;
    let len = file
        .metadata()
        .map_err(|e| AuditError::io("inspect", path, e))?
        .len();
    let read_err = |e| AuditError::io("read", path, e);
    if len == 0 || read_at(&file, len - 1, 1).map_err(read_err)? == b"\n" {
        // A complete last line that is not a valid record is not for repair to cut.
        let tail = read_tail(&file, path, len)?;
        return Ok(Repair::Nothing { seq: tail.seq });
    }
    let start = last_line_start(&file, len)
        .map_err(read_err)?
        .ok_or_else(|| AuditError::CorruptTail {
            path: path.to_path_buf(),
            detail: format!(
                "its unfinished last line is longer than {MAX_LINE_BYTES} bytes; \
                 no record is that long, so this is not a torn append"
            ),
            incomplete: false,
        })?;
    // What comes before must be an intact end of chain.
    let before = read_tail(&file, path, start)?;
    let fragment = read_at(&file, start, len - start).map_err(read_err)?;
    let whole = parse_entry(&fragment)
        .is_ok_and(|e| e.seq() == before.seq + 1 && e.prev() == before.hash.as_str());
    let (action, cut) = if whole {
        (RepairAction::Terminated, 0)
    } else {
        (RepairAction::Cut, len - start)
    };
    let sha256 = Tagged::of(&fragment).as_str().to_owned();
    let mut found = Repair::Unfinished {
        action,
        offset: start,
        bytes: len - start,
        sha256: sha256.clone(),
        after_seq: before.seq,
        head: None,
    };
    if !apply {
        return Ok(found);
    }
    facts.action = action;
    facts.bytes = cut;
    facts.bytes_sha256 = sha256;
    let (base, mut bytes) = if whole {
        let tail = Tail {
            len,
            seq: before.seq + 1,
            hash: Tagged::of(&fragment),
        };
        (tail, b"\n".to_vec())
    } else {
        file.set_len(start)
            .and_then(|()| file.sync_data())
            .map_err(|e| AuditError::io("cut the unfinished line of", path, e))?;
        (before, Vec::new())
    };
    let seq = base.seq + 1;
    let line_start = bytes.len();
    write_line(seq, &facts.body(), base.hash.as_str(), &mut bytes);
    let hash = Tagged::of(&bytes[line_start..]);
    bytes.push(b'\n');
    let base = Tail {
        len: if whole { len } else { start },
        ..base
    };
    write_or_roll_back(&file, path, &base, &bytes)?;
    if let Repair::Unfinished { head, .. } = &mut found {
        *head = Some(Checkpoint {
            seq,
            hash: hash.as_str().to_owned(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::append;
    use crate::audit::record::OsIdentity;
    use crate::audit::record::tests::sample_facts;
    use crate::audit::verify;

    fn facts() -> RepairFacts {
        RepairFacts {
            time: "2026-01-02T03:04:05Z".into(),
            operator: "alice".into(),
            host: "h".into(),
            os: OsIdentity::default(),
            action: RepairAction::Cut,
            bytes: 0,
            bytes_sha256: Tagged::genesis().as_str().into(),
        }
    }

    #[test]
    fn a_torn_line_is_shown_then_cut_and_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &[sample_facts(1), sample_facts(2)]).unwrap();
        let good = std::fs::read(&path).unwrap();
        let torn = [&good[..], &good[..40]].concat();
        std::fs::write(&path, &torn).unwrap();

        let shown = repair(&path, false, facts()).unwrap();
        assert!(
            matches!(
                shown,
                Repair::Unfinished {
                    action: RepairAction::Cut,
                    bytes: 40,
                    after_seq: 2,
                    head: None,
                    ..
                }
            ),
            "{shown:?}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            torn,
            "a dry run changes nothing"
        );

        let done = repair(&path, true, facts()).unwrap();
        let Repair::Unfinished {
            head: Some(head), ..
        } = done
        else {
            panic!("{done:?}")
        };
        assert_eq!(head.seq, 3);
        let after = std::fs::read(&path).unwrap();
        assert!(after.starts_with(&good));
        let report = verify(&after[..], &[]).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(
            (report.records, report.head.as_str()),
            (3, head.hash.as_str())
        );
        let text = String::from_utf8(after[good.len()..].to_vec()).unwrap();
        assert!(text.contains(r#""action":"cut","bytes":40,"#), "{text}");
        append(&path, &[sample_facts(4)]).unwrap();
        assert!(
            verify(&std::fs::read(&path).unwrap()[..], &[])
                .unwrap()
                .is_intact()
        );
        assert_eq!(
            repair(&path, true, facts()).unwrap(),
            Repair::Nothing { seq: 4 }
        );
    }

    #[test]
    fn a_whole_record_without_its_newline_is_ended_not_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &[sample_facts(1), sample_facts(2)]).unwrap();
        let good = std::fs::read(&path).unwrap();
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        let done = repair(&path, true, facts()).unwrap();
        assert!(
            matches!(
                done,
                Repair::Unfinished {
                    action: RepairAction::Terminated,
                    ..
                }
            ),
            "{done:?}"
        );
        let after = std::fs::read(&path).unwrap();
        assert!(after.starts_with(&good));
        let report = verify(&after[..], &[]).unwrap();
        assert_eq!((report.records, report.is_intact()), (3, true));
    }

    #[test]
    fn a_complete_bad_line_is_never_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        append(&path, &[sample_facts(1)]).unwrap();
        let good = std::fs::read(&path).unwrap();
        let damaged = [&good[..], b"garbage\n"].concat();
        std::fs::write(&path, &damaged).unwrap();
        assert!(matches!(
            repair(&path, true, facts()),
            Err(AuditError::CorruptTail {
                incomplete: false,
                ..
            })
        ));
        // Nor one whose line before it is damaged.
        let damaged = [&good[..], b"garbage\n{\"v\":1"].concat();
        std::fs::write(&path, &damaged).unwrap();
        assert!(repair(&path, true, facts()).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), damaged);
    }
}
