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
