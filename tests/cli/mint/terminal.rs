//! The confirmation, through a real pseudo-terminal: it appears only with a terminal on stdin
//! and stderr, answering "n" mints nothing and writes no record, and without a terminal jwtctl
//! never prompts or waits.

use super::{Lab, NEW_SECRET, claims, incident_token, tokens};
use crate::support::hermetic;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A child process with its stdin and/or stderr on a pseudo-terminal we hold the master of.
struct Pty {
    child: Child,
    master: File,
    /// Everything the child wrote to the terminal so far.
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// Start `cmd` with stdin (if `stdin`) and stderr (if `stderr`) on a new terminal, as its
    /// controlling terminal; stdout is always a pipe, so the token never mixes with the screen.
    fn spawn(mut cmd: Command, stdin: bool, stderr: bool) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 50,
            ws_col: 120,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: valid out-pointers; the name buffer and termios are optional (null).
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: openpty returned two fresh descriptors that we now own.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let on_tty = |yes: bool| {
            if yes {
                Stdio::from(slave.try_clone().expect("dup"))
            } else {
                Stdio::piped()
            }
        };
        cmd.stdin(on_tty(stdin))
            .stderr(on_tty(stderr))
            .stdout(Stdio::piped());
        // SAFETY: setsid and ioctl are async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let fd = if stdin { 0 } else { 2 };
                if (stdin || stderr) && libc::ioctl(fd, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn jwtctl");
        drop(cmd); // closes our copies of the slave side
        drop(slave);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("dup master");
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once the child and every slave descriptor are gone.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            master,
            screen,
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Wait until the terminal shows `text`.
    #[track_caller]
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.screen().contains(text) {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{text:?} never appeared; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).expect("type");
    }

    /// Wait for the child to exit (killing it after [`WAIT`]); returns its status and stdout.
    #[track_caller]
    fn finish(mut self) -> (ExitStatus, Vec<u8>) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "jwtctl did not finish (waiting for input?); screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = Vec::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            pipe.read_to_end(&mut stdout).expect("read stdout");
        }
        (status, stdout)
    }
}

/// `jwtctl mint` for the incident, in `lab`, without `--yes`.
fn incident(lab: &Lab) -> Command {
    let mut cmd = hermetic(&lab.dir);
    cmd.env("NEW_SECRET", NEW_SECRET)
        .env("TERM", "xterm")
        .args([
            "mint",
            "--secret-env",
            "NEW_SECRET",
            "--no-exp",
            "--unverified-source",
        ])
        .arg("--from")
        .arg(incident_token())
        .arg("--audit-log")
        .arg(lab.log());
    cmd
}

#[test]
fn answering_no_mints_nothing_and_writes_no_record() {
    let lab = Lab::new();
    let mut pty = Pty::spawn(incident(&lab), true, true);
    pty.expect("Mint this token");
    let screen = pty.screen();
    for part in [
        "About to mint a token",
        "signature NOT verified",
        super::USER,
        "never: the token dies only when the signing key rotates",
        "Old claims",
        "New claims",
        &super::sha256(NEW_SECRET),
        "audit.jsonl",
    ] {
        assert!(
            screen.contains(part),
            "{part:?} not in the summary:\n{screen}"
        );
    }
    pty.send("n");
    let (status, stdout) = pty.finish();
    assert_eq!(status.code(), Some(130), "declined");
    assert!(
        stdout.is_empty(),
        "no token: {:?}",
        String::from_utf8_lossy(&stdout)
    );
    assert!(!lab.log().exists(), "no audit record, not even a log file");
}

#[test]
fn answering_yes_mints_and_records() {
    let lab = Lab::new();
    let mut pty = Pty::spawn(incident(&lab), true, true);
    pty.expect("Mint this token");
    pty.send("y");
    let (status, stdout) = pty.finish();
    assert_eq!(status.code(), Some(0));
    let new = tokens(&stdout);
    assert_eq!(claims(&new[0])["id"], super::USER);
    assert_eq!(lab.records().len(), 1);
}

#[test]
fn yes_skips_the_prompt_on_a_terminal() {
    let lab = Lab::new();
    let mut cmd = incident(&lab);
    cmd.arg("--yes");
    let pty = Pty::spawn(cmd, true, true);
    let (status, stdout) = pty.finish();
    assert_eq!(status.code(), Some(0));
    assert_eq!(tokens(&stdout).len(), 1);
    assert_eq!(lab.records().len(), 1);
}

/// A terminal on only one of stdin and stderr is not an interactive session: no prompt.
#[test]
fn no_prompt_unless_both_stdin_and_stderr_are_terminals() {
    for (stdin, stderr) in [(true, false), (false, true)] {
        let lab = Lab::new();
        let pty = Pty::spawn(incident(&lab), stdin, stderr);
        let screen = pty.screen.clone();
        let (status, stdout) = pty.finish();
        let screen = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
        assert_eq!(
            status.code(),
            Some(0),
            "stdin tty {stdin}, stderr tty {stderr}"
        );
        assert!(!screen.contains("Mint this token"), "{screen}");
        assert_eq!(tokens(&stdout).len(), 1);
        assert_eq!(lab.records().len(), 1);
    }
}

/// Without a terminal (CI), mint neither prompts nor reads stdin: it finishes even when
/// stdin stays open and silent.
#[test]
fn without_a_terminal_it_never_waits() {
    let lab = Lab::new();
    let mut cmd = incident(&lab);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let _open_stdin = child.stdin.take(); // held open, never written
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("mint waited for input without a terminal");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    assert_eq!(tokens(&stdout).len(), 1);
}
