//! The tampering table: every way an operator might rewrite the log, what a plain
//! `audit verify` says, and that a checkpoint at or after the changed record always catches it.
//! docs/audit.md lists the same cases and which of them only a checkpoint (or the forwarded
//! copy) can catch.

use crate::mint::schema::audit_verify;
use crate::mint::{Lab, sha256};

const RECORDS: usize = 6;

fn genesis() -> String {
    format!("sha256:{}", "0".repeat(64))
}

/// Each line's `prev` recomputed, as a rewrite by someone who knows the format would.
fn rechain(lines: &mut [String]) {
    let mut prev = genesis();
    for line in lines.iter_mut() {
        if let Some(at) = line.rfind(",\"prev\":\"") {
            *line = format!("{},\"prev\":\"{prev}\"}}", &line[..at]);
        }
        prev = sha256(&*line);
    }
}

/// Each line's `seq` set to its position.
fn renumber(lines: &mut [String]) {
    for (i, line) in lines.iter_mut().enumerate() {
        let start = line.find("\"seq\":").unwrap() + 6;
        let end = start + line[start..].find(',').unwrap();
        line.replace_range(start..end, &(i + 1).to_string());
    }
}

fn edit(line: &mut String) {
    *line = line.replacen("\"host\":\"", "\"host\":\"x", 1);
}

type Tamper = fn(&mut Vec<String>);

/// name, the damage, the first genuine record it changes (1-based; `None` when only records
/// after the last genuine one are touched), and the break kind a plain verify reports (`None`:
/// the chain still holds, only a checkpoint or the forwarded copy tells).
type Case = (&'static str, Tamper, Option<usize>, Option<&'static str>);

fn cases() -> Vec<Case> {
    vec![
        // The rewrites of a log that stays a valid chain.
        ("last record dropped", |l| drop(l.pop()), Some(6), None),
        (
            "last three records dropped",
            |l| l.truncate(3),
            Some(4),
            None,
        ),
        ("log emptied", Vec::clear, Some(1), None),
        ("last record edited", |l| edit(&mut l[5]), Some(6), None),
        (
            "last record replaced by a forgery with the right prev",
            |l| {
                l[5] = l[5].replacen("\"operator\":\"", "\"operator\":\"mallory-", 1);
                rechain(l);
            },
            Some(6),
            None,
        ),
        (
            "forged record appended with the right prev",
            |l| {
                let mut forged = l[5].replacen("\"operator\":\"", "\"operator\":\"mallory-", 1);
                forged = forged.replacen("\"seq\":6,", "\"seq\":7,", 1);
                l.push(forged);
                rechain(l);
            },
            None,
            None,
        ),
        (
            "record 2 edited, chain recomputed",
            |l| {
                edit(&mut l[1]);
                rechain(l);
            },
            Some(2),
            None,
        ),
        (
            "record 3 deleted, renumbered and rechained",
            |l| {
                l.remove(2);
                renumber(l);
                rechain(l);
            },
            Some(3),
            None,
        ),
        (
            "record inserted after 2, renumbered and rechained",
            |l| {
                let copy = l[1].replacen("\"operator\":\"", "\"operator\":\"mallory-", 1);
                l.insert(2, copy);
                renumber(l);
                rechain(l);
            },
            Some(3),
            None,
        ),
        (
            "records 2 and 3 swapped, renumbered and rechained",
            |l| {
                l.swap(1, 2);
                renumber(l);
                rechain(l);
            },
            Some(2),
            None,
        ),
        // The rewrites the chain itself shows.
        (
            "record 1 edited",
            |l| edit(&mut l[0]),
            Some(1),
            Some("edited"),
        ),
        (
            "record 3 edited",
            |l| edit(&mut l[2]),
            Some(3),
            Some("edited"),
        ),
        (
            "seq of record 3 edited",
            |l| {
                l[2] = l[2].replacen("\"seq\":3,", "\"seq\":9,", 1);
            },
            Some(3),
            Some("edited"),
        ),
        (
            "prev of record 4 edited",
            |l| {
                let at = l[3].rfind("sha256:").unwrap() + 7;
                let digit = if &l[3][at..=at] == "0" { "1" } else { "0" };
                l[3].replace_range(at..=at, digit);
            },
            Some(3),
            Some("edited"),
        ),
        (
            "record 1 deleted",
            |l| drop(l.remove(0)),
            Some(1),
            Some("deleted"),
        ),
        (
            "record 3 deleted",
            |l| drop(l.remove(2)),
            Some(3),
            Some("deleted"),
        ),
        (
            "records 3 and 4 deleted",
            |l| drop(l.drain(2..4)),
            Some(3),
            Some("deleted"),
        ),
        (
            "records 2 and 3 swapped",
            |l| l.swap(1, 2),
            Some(2),
            Some("reordered"),
        ),
        (
            "last two records swapped",
            |l| l.swap(4, 5),
            Some(5),
            Some("reordered"),
        ),
        (
            "record 1 moved to the end",
            |l| {
                let first = l.remove(0);
                l.push(first);
            },
            Some(1),
            Some("reordered"),
        ),
        (
            "record 2 duplicated",
            |l| {
                let copy = l[1].clone();
                l.insert(2, copy);
            },
            Some(3),
            Some("reordered"),
        ),
        (
            "last record duplicated",
            |l| {
                let copy = l[5].clone();
                l.push(copy);
            },
            None,
            Some("reordered"),
        ),
        (
            "forged record from genesis inserted after 3",
            |l| {
                let mut forged = l[3].replacen("\"operator\":\"", "\"operator\":\"mallory-", 1);
                let at = forged.rfind(",\"prev\":\"").unwrap();
                forged = format!("{},\"prev\":\"{}\"}}", &forged[..at], genesis());
                l[3] = forged;
            },
            Some(4),
            Some("forged"),
        ),
        (
            "blank line inserted after 2",
            |l| l.insert(2, String::new()),
            Some(3),
            Some("blank_line"),
        ),
        (
            "blank line appended",
            |l| l.push(String::new()),
            None,
            Some("blank_line"),
        ),
        (
            "record 4 cut mid-record",
            |l| {
                let half = l[3].len() / 2;
                l[3].truncate(half);
            },
            Some(4),
            Some("unparsable"),
        ),
    ]
}

#[test]
fn every_rewrite_is_caught_by_the_chain_or_by_a_checkpoint_at_or_after_it() {
    let lab = Lab::new();
    for i in 0..RECORDS {
        lab.mint()
            .args(["--claim", &format!("sub=u{i}"), "--exp", "1h"])
            .assert()
            .code(0);
    }
    let good: Vec<String> = std::fs::read_to_string(lab.log())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let checkpoint = |seq: usize| format!("{seq}:{}", sha256(&good[seq - 1]));
    let (mut chain_caught, mut checkpoint_caught, mut total) = (0, 0, 0);
    for (name, tamper, changed, kind) in cases() {
        let mut lines = good.clone();
        tamper(&mut lines);
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(lab.log(), text).unwrap();
        total += 1;

        let output = lab.audit("verify").arg("--json").output().unwrap();
        let report = audit_verify(&output.stdout);
        let found = report.first_break.as_ref().map(|b| b.kind.as_str());
        assert_eq!(found, kind, "{name}: plain verify");
        assert_eq!(
            output.status.code(),
            Some(if kind.is_some() { 6 } else { 0 }),
            "{name}"
        );
        if kind.is_some() {
            chain_caught += 1;
        }
        let Some(changed) = changed else { continue };
        for seq in changed..=RECORDS {
            let output = lab
                .audit("verify")
                .args(["--json", "--expect-head", &checkpoint(seq)])
                .output()
                .unwrap();
            let report = audit_verify(&output.stdout);
            assert_eq!(output.status.code(), Some(6), "{name}: checkpoint {seq}");
            assert!(!report.intact, "{name}: checkpoint {seq}");
        }
        checkpoint_caught += 1;
        // A checkpoint before the change still holds when the chain is otherwise intact.
        if changed > 1 && kind.is_none() {
            let output = lab
                .audit("verify")
                .args(["--expect-head", &checkpoint(changed - 1)])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{name}: earlier checkpoint");
        }
    }
    let with_a_later_record = cases().iter().filter(|c| c.2.is_some()).count();
    assert_eq!(checkpoint_caught, with_a_later_record);
    assert_eq!(total, 26);
    assert_eq!(chain_caught, 16);
}
