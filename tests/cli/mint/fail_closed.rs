//! Fail closed: when the audit record cannot be written and synced, no token reaches stdout,
//! the exit code is 6 (audit failure), and stderr says what went wrong.

use super::{Lab, OLD_SECRET, signed};
use crate::support::{hermetic, text};
use std::os::unix::process::CommandExt;
use std::path::Path;

const AUDIT_FAILURE: i32 = 6;

fn old(user: &str) -> String {
    signed(
        OLD_SECRET,
        &format!(r#"{{"sub":"{user}","iat":1000,"exp":4600}}"#),
    )
}

/// Mint one token and three in a batch with the log at `log`: both must fail closed. Returns
/// the single run's stderr.
#[track_caller]
fn refuses_to_mint(lab: &Lab, log: &Path) -> String {
    let single = lab
        .jwtctl()
        .args([
            "mint",
            "--secret-env",
            "NEW_SECRET",
            "--unverified-source",
            "--from",
        ])
        .arg(old("u1"))
        .arg("--audit-log")
        .arg(log)
        .assert()
        .code(AUDIT_FAILURE);
    assert!(single.get_output().stdout.is_empty(), "no token on stdout");
    let batch = lab
        .jwtctl()
        .args([
            "mint",
            "--secret-env",
            "NEW_SECRET",
            "--unverified-source",
            "--json",
            "--from",
            "-",
        ])
        .arg("--audit-log")
        .arg(log)
        .write_stdin(format!("{}\n{}\n{}\n", old("a"), old("b"), old("c")))
        .assert()
        .code(AUDIT_FAILURE);
    assert!(
        batch.get_output().stdout.is_empty(),
        "no token of the batch on stdout"
    );
    let stderr = text(&single.get_output().stderr);
    assert!(
        stderr.contains("nothing minted: the audit record could not be written"),
        "{stderr}"
    );
    stderr
}

#[test]
fn a_log_path_that_cannot_be_created() {
    let lab = Lab::new();
    let file = lab.file("plain", "not a directory");
    let log = file.join("jwtctl/audit.jsonl");
    let stderr = refuses_to_mint(&lab, &log);
    assert!(stderr.contains("plain/jwtctl/audit.jsonl"), "{stderr}");
    assert!(stderr.contains("Not a directory"), "{stderr}");
    assert!(stderr.contains("--audit-log"), "the hint: {stderr}");
}

#[test]
fn a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Root writes through directory permissions, so as root the read-only directory is
        // procfs, where nobody can create a file.
        let lab = Lab::new();
        let stderr = refuses_to_mint(&lab, std::path::Path::new("/proc/jwtctl-audit.jsonl"));
        assert!(stderr.contains("/proc/jwtctl-audit.jsonl"), "{stderr}");
        return;
    }
    let lab = Lab::new();
    let dir = lab.dir.path().join("locked");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let stderr = refuses_to_mint(&lab, &dir.join("audit.jsonl"));
    assert!(stderr.contains("Permission denied"), "{stderr}");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// A full disk, simulated with a file-size limit (RLIMIT_FSIZE) at or just past the log's
/// current size: the write fails with EFBIG, as a full disk fails with ENOSPC, before anything
/// is written or after part of the record is. Either way the log is left as it was (a part
/// written is cut back), and the next mint, without the limit, works. Works as root too.
#[test]
fn a_full_disk() {
    let lab = Lab::new();
    lab.mint()
        .args(["--claim", "sub=first", "--exp", "1h"])
        .assert()
        .code(0);
    for room in [0, 100] {
        let before = std::fs::read(lab.log()).unwrap();
        let limit = (before.len() + room) as libc::rlim_t;

        let mut cmd = hermetic(&lab.dir);
        cmd.env("NEW_SECRET", super::NEW_SECRET)
            .args([
                "mint",
                "--secret-env",
                "NEW_SECRET",
                "--unverified-source",
                "--from",
            ])
            .arg(old("u1"))
            .arg("--audit-log")
            .arg(lab.log());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let rl = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &rl) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // Without this, exceeding the limit kills the process with SIGXFSZ.
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
        let assert = assert_cmd::Command::from_std(cmd)
            .timeout(crate::support::TIMEOUT)
            .assert()
            .code(AUDIT_FAILURE);
        assert!(assert.get_output().stdout.is_empty(), "no token on stdout");
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.contains("cannot write to audit log"), "{stderr}");
        assert!(stderr.contains("File too large"), "{stderr}");
        assert!(
            stderr.contains("cut back to its previous length"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read(lab.log()).unwrap(),
            before,
            "room {room}: log as before"
        );
        lab.mint()
            .args(["--claim", "sub=after", "--exp", "1h"])
            .assert()
            .code(0);
    }
}

#[test]
fn a_symlinked_log_is_refused() {
    let lab = Lab::new();
    let target = lab.file("elsewhere.jsonl", "");
    let link = lab.dir.path().join("audit.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let stderr = refuses_to_mint(&lab, &link);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read(&target).unwrap(), b"");
}

#[test]
fn a_directory_as_the_log_is_refused() {
    let lab = Lab::new();
    let dir = lab.dir.path().join("a-dir");
    std::fs::create_dir(&dir).unwrap();
    refuses_to_mint(&lab, &dir);
}

#[test]
fn a_damaged_log_is_never_appended_to() {
    let lab = Lab::new();
    lab.mint()
        .args(["--claim", "sub=first", "--exp", "1h"])
        .assert()
        .code(0);
    let mut damaged = std::fs::read(lab.log()).unwrap();
    damaged.truncate(damaged.len() - 5);
    std::fs::write(lab.log(), &damaged).unwrap();
    let stderr = refuses_to_mint(&lab, &lab.log());
    assert!(
        stderr.contains("jwtctl audit repair --audit-log"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(lab.log()).unwrap(), damaged);
}

#[test]
fn no_log_location_at_all() {
    let lab = Lab::new();
    // No --audit-log, no JWTCTL_AUDIT_LOG, no XDG_STATE_HOME, no HOME.
    let assert = lab
        .jwtctl()
        .args([
            "mint",
            "--secret-env",
            "NEW_SECRET",
            "--claim",
            "sub=x",
            "--exp",
            "1h",
        ])
        .assert()
        .code(AUDIT_FAILURE);
    assert!(assert.get_output().stdout.is_empty());
    let stderr = text(&assert.get_output().stderr);
    assert!(stderr.contains("no audit log location"), "{stderr}");
}
