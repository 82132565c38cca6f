//! `jwtctl audit verify|show` on logs written by `jwtctl mint`: concurrency, tampering,
//! filters.

use crate::mint::schema::{AuditVerify, audit_verify};
use crate::mint::{Lab, OLD_SECRET, signed};
use crate::support::text;

const AUDIT_FAILURE: i32 = 6;

/// A log of `n` records minted in one batch, for users `user-1`..`user-n`.
fn log_of(n: usize) -> Lab {
    let lab = Lab::new();
    let input: String = (1..=n)
        .map(|i| {
            signed(
                OLD_SECRET,
                &format!(r#"{{"sub":"user-{i}","iat":1000,"exp":4600}}"#),
            ) + "\n"
        })
        .collect();
    lab.mint()
        .args(["--from", "-", "--unverified-source", "--operator", "alice"])
        .write_stdin(input)
        .assert()
        .code(0);
    lab
}

fn lines(lab: &Lab) -> Vec<String> {
    std::fs::read_to_string(lab.log())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(lab: &Lab, lines: &[String]) {
    std::fs::write(lab.log(), lines.join("\n") + "\n").unwrap();
}

/// `audit verify --json`, with its exit code checked.
#[track_caller]
fn verify(lab: &Lab, code: i32) -> AuditVerify {
    let assert = lab.audit("verify").arg("--json").assert().code(code);
    let report = audit_verify(&assert.get_output().stdout);
    assert_eq!(report.kind, "audit_verify");
    assert_eq!(report.path, lab.log().to_string_lossy());
    assert_eq!(report.intact, code == 0);
    report
}

#[test]
fn an_intact_log_verifies_with_its_head_hash() {
    let lab = log_of(5);
    let report = verify(&lab, 0);
    assert_eq!(report.records, 5);
    assert!(report.first_break.is_none());
    let last = lines(&lab).pop().unwrap();
    assert_eq!(report.head, crate::mint::sha256(last));

    let assert = lab.audit("verify").assert().code(0);
    let human = text(&assert.get_output().stdout);
    assert!(human.contains("records   5"), "{human}");
    assert!(human.contains(&report.head), "{human}");
    assert!(human.contains("chain     intact"), "{human}");
}

/// Edit, delete, swap, truncate: `audit verify` names the first broken record.
#[test]
fn tampering_is_named() {
    type Tamper = fn(&mut Vec<String>);
    let cases: [(&str, Tamper, usize, Option<u64>, &str); 6] = [
        (
            "edit a user id",
            |l| l[2] = l[2].replace("user-3", "user-9"),
            3,
            Some(3),
            "edited",
        ),
        (
            "edit the source flag",
            |l| l[1] = l[1].replace("\"source_verified\":false", "\"source_verified\":true"),
            2,
            Some(2),
            "edited",
        ),
        (
            "delete a record",
            |l| drop(l.remove(2)),
            3,
            Some(4),
            "deleted",
        ),
        (
            "swap two records",
            |l| l.swap(1, 2),
            2,
            Some(3),
            "reordered",
        ),
        (
            "duplicate a record",
            |l| l.insert(3, l[2].clone()),
            4,
            Some(3),
            "reordered",
        ),
        (
            "reformat a record",
            |l| l[0] = l[0].replacen(',', ", ", 1),
            1,
            Some(1),
            "unparsable",
        ),
    ];
    for (what, tamper, line, seq, kind) in cases {
        let lab = log_of(5);
        let mut l = lines(&lab);
        tamper(&mut l);
        write_lines(&lab, &l);
        let report = verify(&lab, AUDIT_FAILURE);
        let found = report.first_break.expect(what);
        assert_eq!(
            (found.line, found.seq, found.kind.as_str()),
            (line, seq, kind),
            "{what}: {}",
            found.message
        );
        let assert = lab.audit("verify").assert().code(AUDIT_FAILURE);
        let human = text(&assert.get_output().stdout);
        assert!(
            human.contains(&format!("BROKEN ({kind}) at line {line}")),
            "{what}: {human}"
        );
    }
}

#[test]
fn truncation_is_named_and_a_cut_tail_changes_the_head() {
    let lab = log_of(5);
    let intact_head = verify(&lab, 0).head;

    // A half-written last line.
    let mut bytes = std::fs::read(lab.log()).unwrap();
    bytes.truncate(bytes.len() - 40);
    std::fs::write(lab.log(), &bytes).unwrap();
    let found = verify(&lab, AUDIT_FAILURE).first_break.unwrap();
    assert_eq!((found.line, found.kind.as_str()), (5, "truncated"));

    // Whole records cut off the end leave a valid chain: only the anchored head tells.
    let mut l = lines(&log_of(5));
    l.truncate(3);
    write_lines(&lab, &l);
    let report = verify(&lab, 0);
    assert_eq!(report.records, 3);
    assert_ne!(report.head, intact_head, "compare with the anchored head");
}

#[test]
fn a_missing_log_is_an_error_not_an_empty_success() {
    let lab = Lab::new();
    let assert = lab.audit("verify").assert().code(7);
    assert!(assert.get_output().stdout.is_empty());
    assert!(text(&assert.get_output().stderr).contains("does not exist"));
}

/// 8 processes × 50 mints on one log: 400 records, one unbroken chain.
#[test]
fn concurrent_minters_never_fork_the_chain() {
    const PROCESSES: usize = 8;
    const MINTS: usize = 50;
    let lab = Lab::new();
    std::thread::scope(|scope| {
        for p in 0..PROCESSES {
            let lab = &lab;
            scope.spawn(move || {
                for m in 0..MINTS {
                    lab.mint()
                        .args(["--claim", &format!("sub=p{p}-m{m}"), "--exp", "1h"])
                        .assert()
                        .code(0);
                }
            });
        }
    });
    let report = verify(&lab, 0);
    assert_eq!(report.records, (PROCESSES * MINTS) as u64);
    let seqs: Vec<u64> = lab.records().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=400).collect::<Vec<u64>>());
}

#[test]
fn show_filters_and_prints_records_as_stored() {
    let lab = log_of(3);
    lab.mint()
        .args(["--claim", "sub=user-2", "--exp", "1h", "--operator", "bob"])
        .assert()
        .code(0);
    let stored = lines(&lab);

    let show = |args: &[&str]| {
        let assert = lab.audit("show").args(args).assert().code(0);
        text(&assert.get_output().stdout)
    };
    // --json: the stored lines, byte for byte.
    assert_eq!(show(&["--json"]), stored.join("\n") + "\n");
    assert_eq!(
        show(&["--json", "--operator", "bob"]),
        stored[3].clone() + "\n"
    );
    assert_eq!(
        show(&["--json", "--user", "user-2"]),
        format!("{}\n{}\n", stored[1], stored[3])
    );
    assert_eq!(
        show(&["--json", "--since", "2000-01-01T00:00:00Z"])
            .lines()
            .count(),
        4
    );
    assert_eq!(show(&["--json", "--since", "2999-01-01T00:00:00Z"]), "");
    assert_eq!(show(&["--json", "--until", "2000-01-01T00:00:00Z"]), "");

    // Human: a header and one row per record.
    let table = show(&["--operator", "alice"]);
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(
        rows[0].contains("SEQ") && rows[0].contains("OPERATOR"),
        "{table}"
    );
    assert!(
        rows[2].contains("user-2") && rows[2].contains("alice"),
        "{table}"
    );
    assert!(rows[2].contains("unverified"), "{table}");
}

#[test]
fn show_escapes_attacker_controlled_ids() {
    let lab = Lab::new();
    let evil = signed(
        OLD_SECRET,
        r#"{"sub":"x\u001b[2J\u202ey","iat":1,"exp":61}"#,
    );
    lab.mint()
        .args(["--from", &evil, "--unverified-source"])
        .assert()
        .code(0);
    let assert = lab.audit("show").assert().code(0);
    let table = text(&assert.get_output().stdout);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{202e}'),
        "{table:?}"
    );
    assert!(table.contains("x\\u{1b}[2J\\u{202e}y"), "{table}");
}

#[test]
fn show_stops_at_a_damaged_line() {
    let lab = log_of(3);
    let mut l = lines(&lab);
    l[1] = "garbage".into();
    write_lines(&lab, &l);
    let assert = lab.audit("show").arg("--json").assert().code(AUDIT_FAILURE);
    assert_eq!(text(&assert.get_output().stdout), l[0].clone() + "\n");
    assert!(text(&assert.get_output().stderr).contains("line 2"));
}
