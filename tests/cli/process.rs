//! The process jwtctl starts as: what Rust's start-up does for it (standard streams, SIGPIPE,
//! panics) is relied on, so it is checked here.

use crate::support::{good_token, hermetic, text};
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Where descriptor `fd` of process `pid` points, when it is open.
#[cfg(target_os = "linux")]
fn fd_target(pid: u32, fd: i32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok()
}

#[cfg(target_os = "linux")]
#[test]
fn closed_standard_descriptors_are_opened_on_dev_null() {
    // A closed stdout or stderr would be handed to the next file jwtctl opens (the audit log
    // among them), and its output would go there; Rust's start-up opens them on /dev/null. Watched from outside, through /proc, while jwtctl waits for
    // its stdin. stdout and stderr start as pipes, so only a close followed by a reopen
    // leaves them on /dev/null.
    if std::fs::read_dir("/proc/self/fd").is_err() {
        eprintln!("SKIPPED: /proc/self/fd cannot be read here");
        return;
    }
    for closed in [&[1][..], &[2], &[1, 2]] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = hermetic(&dir);
        cmd.args(["decode", "--json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let fds = closed.to_vec();
        // SAFETY: only close(2), async-signal-safe, between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                for &fd in &fds {
                    if libc::close(fd) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn jwtctl");
        let pid = child.id();
        let dev_null = std::path::Path::new("/dev/null");
        let deadline = Instant::now() + Duration::from_secs(5);
        let reopened = loop {
            if closed
                .iter()
                .all(|&fd| fd_target(pid, fd).as_deref() == Some(dev_null))
            {
                break true;
            }
            if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let targets: Vec<_> = closed.iter().map(|&fd| fd_target(pid, fd)).collect();
        let mut stdin = child.stdin.take().unwrap();
        let _ = writeln!(stdin, "{}", good_token());
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        assert!(reopened, "closed {closed:?}, then open on {targets:?}");
        assert_eq!(output.status.code(), Some(0), "closed {closed:?}");
        // The closed pipe got nothing: the output went to /dev/null.
        if closed.contains(&1) {
            assert!(output.stdout.is_empty(), "closed {closed:?}");
        }
    }
}

#[test]
fn arguments_arrive_whole() {
    // The arguments come from the C runtime's argv, not from Rust's start-up: an empty one
    // stays an argument (the token here, not a missing one), a non-UTF-8 one reaches clap
    // (which names it), and a plain run works.
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let empty = hermetic(&dir)
        .args(["decode", "", "--json"])
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(4), "{}", text(&empty.stderr));
    assert!(
        text(&empty.stdout).contains(r#""code":"empty""#),
        "the empty argument was the token: {}",
        text(&empty.stdout)
    );
    let bad = hermetic(&dir)
        .args(["decode", "--json"])
        .arg(std::ffi::OsStr::from_bytes(b"--\xffbad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    let err = text(&bad.stderr);
    assert!(err.contains("unexpected argument '--\u{fffd}bad'"), "{err}");
    let ok = hermetic(&dir)
        .args(["decode", "--json", &good_token()])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).starts_with(r#"{"kind":"decoded""#));
}
