//! The audit trail against its own operators and crashes: checkpoints (`audit head`,
//! `verify --expect-head`), `audit repair`, readers under a shared lock, OS identity, modes.

use crate::mint::schema::{AuditVerify, audit_verify, mint_lines};
use crate::mint::{Lab, sha256};
use crate::support::text;
use serde_json::Value;

const AUDIT_FAILURE: i32 = 6;

fn mint_n(lab: &Lab, n: usize) {
    for i in 0..n {
        lab.mint()
            .args(["--claim", &format!("sub=u{i}"), "--exp", "1h"])
            .assert()
            .code(0);
    }
}

fn head(lab: &Lab) -> String {
    let assert = lab.audit("head").assert().code(0);
    text(&assert.get_output().stdout).trim_end().to_owned()
}

fn lines(lab: &Lab) -> Vec<String> {
    std::fs::read_to_string(lab.log())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The lines again, each `prev` recomputed: a rewrite by someone who knows the format.
fn rechain(lines: &[String]) -> Vec<String> {
    let mut prev = format!("sha256:{}", "0".repeat(64));
    lines
        .iter()
        .map(|line| {
            let at = line.rfind(",\"prev\":\"").expect("a prev member");
            let line = format!("{},\"prev\":\"{prev}\"}}", &line[..at]);
            prev = sha256(&line);
            line
        })
        .collect()
}

fn write(lab: &Lab, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(lab.log(), text).unwrap();
}

#[track_caller]
fn verify_against(lab: &Lab, checkpoints: &[&str]) -> (i32, AuditVerify) {
    let mut cmd = lab.audit("verify");
    cmd.arg("--json");
    for c in checkpoints {
        cmd.args(["--expect-head", c]);
    }
    let output = cmd.output().unwrap();
    (output.status.code().unwrap(), audit_verify(&output.stdout))
}

#[test]
fn mint_reports_the_head_that_audit_head_prints() {
    let lab = Lab::new();
    std::fs::create_dir_all(lab.log().parent().unwrap()).unwrap();
    std::fs::write(lab.log(), "").unwrap();
    assert_eq!(head(&lab), format!("0:sha256:{}", "0".repeat(64)));
    let assert = lab
        .mint()
        .args(["--claim", "sub=a", "--exp", "1h"])
        .assert()
        .code(0);
    let stderr = text(&assert.get_output().stderr);
    let last = lines(&lab).pop().unwrap();
    let want = format!("1:{}", sha256(&last));
    assert!(stderr.contains(&format!("audit head {want}")), "{stderr}");
    assert_eq!(head(&lab), want);

    let assert = lab
        .mint()
        .args(["--claim", "sub=b", "--exp", "1h", "--json"])
        .assert()
        .code(0);
    let minted = mint_lines(&assert.get_output().stdout);
    let want = format!("2:{}", sha256(lines(&lab).pop().unwrap()));
    assert_eq!(minted[0].minted().audit_head, want);
    assert!(text(&assert.get_output().stderr).contains(&want));

    let assert = lab.audit("head").arg("--json").assert().code(0);
    let json: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["kind"], "audit_head");
    assert_eq!(json["seq"], 2);
    assert_eq!(json["checkpoint"], want.as_str());

    // Both checkpoints hold.
    let report = verify_against(&lab, &[&want, &minted[0].minted().audit_head]);
    assert_eq!(report.0, 0);
    assert!(report.1.checkpoints.iter().all(|c| c.status == "holds"));
}

#[test]
fn audit_head_refuses_a_broken_log() {
    let lab = Lab::new();
    mint_n(&lab, 2);
    let mut l = lines(&lab);
    l.swap(0, 1);
    write(&lab, &l);
    let assert = lab.audit("head").assert().code(AUDIT_FAILURE);
    assert!(assert.get_output().stdout.is_empty());
    assert!(text(&assert.get_output().stderr).contains("broken at line 1"));
}

type Rewrite = fn(&mut Vec<String>);

/// Every rewrite that leaves a valid chain passes a plain `audit verify`, and fails once a
/// checkpoint at or after the changed record is given.
#[test]
fn checkpoints_catch_what_the_chain_cannot() {
    let lab = Lab::new();
    mint_n(&lab, 6);
    let good = lines(&lab);
    let at = |n: usize| format!("{n}:{}", sha256(&good[n - 1]));
    let rows: [(&str, Rewrite, usize, &str); 7] = [
        (
            "last record dropped",
            |l| {
                l.pop();
            },
            6,
            "missing",
        ),
        ("last three dropped", |l| l.truncate(3), 4, "missing"),
        ("log emptied", Vec::clear, 1, "missing"),
        (
            "last record edited",
            |l| {
                l[5] = l[5].replacen("\"host\":\"", "\"host\":\"x", 1);
            },
            6,
            "differs",
        ),
        (
            "last record replaced by a forgery with the right prev",
            |l| {
                let forged = l[5].replacen("\"operator\":\"", "\"operator\":\"mallory-", 1);
                l[5] = forged;
                *l = rechain(l);
            },
            6,
            "differs",
        ),
        (
            "record 2 edited, chain recomputed",
            |l| {
                l[1] = l[1].replacen("\"host\":\"", "\"host\":\"x", 1);
                *l = rechain(l);
            },
            3,
            "differs",
        ),
        (
            "record 3 deleted, later ones renumbered and rechained",
            |l| {
                l.remove(2);
                for (i, line) in l.iter_mut().enumerate().skip(2) {
                    let from = format!("\"seq\":{},", i + 2);
                    *line = line.replacen(&from, &format!("\"seq\":{},", i + 1), 1);
                }
                *l = rechain(l);
            },
            4,
            "differs",
        ),
    ];
    for (name, rewrite, checkpoint_seq, status) in rows {
        let mut l = good.clone();
        rewrite(&mut l);
        write(&lab, &l);
        let (code, plain) = verify_against(&lab, &[]);
        assert_eq!(
            (code, plain.first_break.is_none()),
            (0, true),
            "{name}: passes alone"
        );
        // Every checkpoint at or after the change catches it.
        for seq in checkpoint_seq..=6 {
            let (code, report) = verify_against(&lab, &[&at(seq)]);
            assert_eq!(code, AUDIT_FAILURE, "{name}: checkpoint {seq}");
            assert!(!report.intact, "{name}");
            let want = if seq > l.len() { "missing" } else { status };
            let result = &report.checkpoints[0];
            assert_eq!(result.status, want, "{name}: checkpoint {seq}");
            let expected = at(seq);
            assert_eq!(
                format!("{}:{}", result.seq, result.hash),
                expected,
                "{name}"
            );
            assert_eq!(result.found.is_some(), want == "differs", "{name}");
            assert_eq!(
                report.checkpoint,
                format!("{}:{}", report.head_seq, report.head)
            );
        }
    }
    // The untouched log holds every checkpoint; one from a file too.
    write(&lab, &good);
    let file = lab.file(
        "checkpoints.txt",
        format!("# from CI\n{}\n\n{}\n", at(2), at(6)),
    );
    let assert = lab
        .audit("verify")
        .arg("--expect-head-file")
        .arg(&file)
        .assert()
        .code(0);
    let human = text(&assert.get_output().stdout);
    assert!(
        human.contains(&format!("expected  {} holds", at(6))),
        "{human}"
    );
    let bad = lab.file("bad.txt", "2:sha256:nothex\n");
    let assert = lab
        .audit("verify")
        .arg("--expect-head-file")
        .arg(&bad)
        .assert()
        .code(2);
    assert!(text(&assert.get_output().stderr).contains("line 1"));
}

#[test]
fn a_torn_tail_is_named_repaired_and_the_log_appendable_again() {
    let lab = Lab::new();
    mint_n(&lab, 3);
    let good = std::fs::read(lab.log()).unwrap();
    let torn_len = good.len() - 30;
    std::fs::write(lab.log(), &good[..torn_len]).unwrap();

    let assert = lab
        .mint()
        .args(["--claim", "sub=x", "--exp", "1h"])
        .assert()
        .code(AUDIT_FAILURE);
    assert!(
        assert.get_output().stdout.is_empty(),
        "no token without its record"
    );
    let stderr = text(&assert.get_output().stderr);
    assert!(
        stderr.contains("jwtctl audit repair --audit-log"),
        "{stderr}"
    );

    let assert = lab.audit("verify").assert().code(AUDIT_FAILURE);
    let human = text(&assert.get_output().stdout);
    assert!(human.contains("BROKEN (truncated)"), "{human}");
    assert!(human.contains("jwtctl audit repair"), "{human}");

    // The dry run changes nothing.
    let assert = lab.audit("repair").assert().code(0);
    let shown = text(&assert.get_output().stdout);
    assert!(shown.contains("would"), "{shown}");
    assert!(shown.contains("after record 2"), "{shown}");
    assert_eq!(std::fs::read(lab.log()).unwrap(), &good[..torn_len]);

    let assert = lab
        .audit("repair")
        .args(["--yes", "--json"])
        .assert()
        .code(0);
    let json: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["action"], "cut");
    let cut_from = good[..torn_len].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(json["bytes"], (torn_len - cut_from) as u64);
    assert_eq!(
        json["bytes_sha256"],
        sha256(&good[cut_from..torn_len]).as_str()
    );
    let (code, report) = verify_against(&lab, &[json["head"].as_str().unwrap()]);
    assert_eq!((code, report.records), (0, 3));
    let repair_line = lines(&lab).pop().unwrap();
    assert!(repair_line.contains("\"kind\":\"repair\""), "{repair_line}");
    assert!(repair_line.contains("\"action\":\"cut\""), "{repair_line}");

    mint_n(&lab, 1);
    let (code, report) = verify_against(&lab, &[]);
    assert_eq!((code, report.records), (0, 4));
    let assert = lab.audit("show").assert().code(0);
    assert!(text(&assert.get_output().stdout).contains("repair: cut"));

    // Nothing left to repair; a complete bad line is never cut.
    let assert = lab.audit("repair").arg("--yes").assert().code(0);
    assert!(text(&assert.get_output().stdout).contains("nothing to repair"));
    let before = [std::fs::read(lab.log()).unwrap(), b"{\"v\":1}\n".to_vec()].concat();
    std::fs::write(lab.log(), &before).unwrap();
    lab.audit("repair")
        .arg("--yes")
        .assert()
        .code(AUDIT_FAILURE);
    assert_eq!(std::fs::read(lab.log()).unwrap(), before);
}

#[test]
fn repair_never_creates_a_log() {
    let lab = Lab::new();
    lab.audit("repair").arg("--yes").assert().code(7);
    assert!(!lab.log().exists());
}

#[test]
fn every_record_carries_the_os_identity() {
    let lab = Lab::new();
    lab.mint()
        .args(["--claim", "sub=a", "--exp", "1h", "--operator", "alice"])
        .env("SUDO_USER", "bob")
        .assert()
        .code(0);
    let record = &lab.records()[0];
    assert_eq!(record.operator, "alice");
    assert_eq!(record.sudo_user.as_deref(), Some("bob"));
    let uid = std::fs::metadata(lab.dir.path()).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    assert_eq!(record.uid, uid.ok(), "the test's own uid owns its temp dir");
    assert!(record.os_user.is_some());
}

#[test]
fn a_log_others_could_write_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new();
    mint_n(&lab, 1);
    let before = std::fs::read(lab.log()).unwrap();
    let dir = lab.log().parent().unwrap().to_path_buf();
    for (path, mode) in [(lab.log(), 0o666), (dir.clone(), 0o777)] {
        let old = std::fs::metadata(&path).unwrap().permissions().mode();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let assert = lab
            .mint()
            .args(["--claim", "sub=x", "--exp", "1h"])
            .assert()
            .code(AUDIT_FAILURE);
        assert!(assert.get_output().stdout.is_empty());
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.contains("writable by other users"), "{stderr}");
        assert!(stderr.contains("chmod go-w"), "{stderr}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(old)).unwrap();
    }
    assert_eq!(std::fs::read(lab.log()).unwrap(), before);
    mint_n(&lab, 1);
}

/// Readers take the shared lock: `audit verify` looping beside batch writers never sees half
/// an append.
#[test]
fn readers_never_see_half_an_append() {
    const WRITERS: usize = 3;
    const TOKENS: usize = 1000;
    let lab = Lab::new();
    mint_n(&lab, 1);
    let done = std::sync::atomic::AtomicBool::new(false);
    let (runs, alarms) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let (mut runs, mut alarms) = (0, Vec::new());
            while !done.load(std::sync::atomic::Ordering::Relaxed) || runs == 0 {
                let (code, report) = verify_against(&lab, &[]);
                runs += 1;
                if code != 0 {
                    alarms.push(report.first_break.map(|b| b.message));
                }
            }
            (runs, alarms)
        });
        // Stops the reader even when a writer fails, so a failure never hangs the test.
        struct Done<'a>(&'a std::sync::atomic::AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let guard = Done(&done);
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let lab = &lab;
                scope.spawn(move || {
                    let input: String = (0..TOKENS)
                        .map(|i| {
                            crate::mint::signed(
                                crate::mint::OLD_SECRET,
                                &format!(r#"{{"sub":"w{w}-{i}","exp":4600}}"#),
                            ) + "\n"
                        })
                        .collect();
                    lab.mint()
                        .args(["--from", "-", "--unverified-source", "--exp", "1h"])
                        .write_stdin(input)
                        .assert()
                        .code(0);
                })
            })
            .collect();
        let finished: Vec<bool> = writers.into_iter().map(|w| w.join().is_ok()).collect();
        drop(guard);
        let result = reader.join().unwrap();
        assert!(finished.iter().all(|ok| *ok), "a writer failed");
        result
    });
    assert!(
        alarms.is_empty(),
        "{} false alarms in {runs} runs: {alarms:?}",
        alarms.len()
    );
    let (code, report) = verify_against(&lab, &[]);
    assert_eq!((code, report.records), (0, (1 + WRITERS * TOKENS) as u64));
}

#[test]
fn free_text_holding_a_token_or_a_secret_is_refused_and_never_stored() {
    let lab = Lab::new();
    mint_n(&lab, 1);
    let before = std::fs::read(lab.log()).unwrap();
    let token = crate::mint::signed(crate::mint::OLD_SECRET, r#"{"sub":"u"}"#);
    let reason = format!("replaces {token}");
    let claim = format!("sub={}", crate::mint::NEW_SECRET);
    let nested = format!("act:={{\"tok\":\"{token}\"}}");
    let cases: [&[&str]; 3] = [
        &["--reason", &reason],
        &["--claim", &claim],
        &["--claim", &nested],
    ];
    for args in cases {
        let assert = lab
            .mint()
            .args(["--exp", "1h", "--claim", "role=x"])
            .args(args)
            .assert()
            .code(2);
        let output = assert.get_output();
        assert!(output.stdout.is_empty());
        let stderr = text(&output.stderr);
        assert!(stderr.contains("refusing to mint"), "{stderr}");
        assert!(!stderr.contains(&token) && !stderr.contains(crate::mint::NEW_SECRET));
        assert_eq!(std::fs::read(lab.log()).unwrap(), before, "{args:?}");
    }
}
