//! Many tokens on stdin: one result per line, in order, streamed; the exit code folds.

use crate::schema::{self, parse_line};
use crate::support::{AT, decode_with, good_token, hermetic, hs256, text};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Good, malformed, good, malformed, good.
fn mixed_batch() -> String {
    let t = good_token();
    [
        t.clone(),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0".to_owned(),
        format!("Bearer {t}"),
        "nothing to see here".to_owned(),
        format!("10:00:01 401 GET /orders token={t}"),
    ]
    .join("\n")
        + "\n"
}

#[test]
fn json_batch_has_one_line_per_input_line_in_order() {
    let assert = decode_with(["--json"])
        .write_stdin(mixed_batch())
        .assert()
        .code(4); // malformed lines fold into the batch's exit code (Exit::merge)
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 5, "{lines:?}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line.line(), i as u64 + 1, "{line:?}");
    }
    for i in [0, 2, 4] {
        assert_eq!(lines[i].decoded().claim("sub"), "user-42");
    }
    let truncated = &lines[1].error();
    assert_eq!(truncated.kind, "error");
    assert_eq!(truncated.exit_code, 4);
    assert_eq!(truncated.error.class, "malformed");
    assert_eq!(truncated.error.code, "segments");
    assert_eq!(truncated.error.segment, "token");
    assert!(truncated.error.message.contains("found 2"));
    let missing = &lines[3].error();
    assert_eq!(missing.exit_code, 4);
    assert_eq!(missing.error.code, "not_found");
    assert!(missing.error.message.contains("no token found"));
}

#[test]
fn human_batch_has_headings_on_stdout_and_errors_on_stderr() {
    let assert = decode_with(Vec::<String>::new())
        .write_stdin(mixed_batch())
        .assert()
        .code(4);
    let stdout = text(&assert.get_output().stdout);
    let stderr = text(&assert.get_output().stderr);
    let headings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("── ")).collect();
    assert_eq!(
        headings,
        (1..=5)
            .map(|n| format!("── line {n} ──"))
            .collect::<Vec<_>>()
    );
    assert_eq!(stdout.matches("\nClaims\n").count(), 3, "{stdout}");
    assert!(
        !stdout.contains("error"),
        "errors belong on stderr:\n{stdout}"
    );
    assert_eq!(
        stderr,
        "jwtctl: line 2: error: expected 3 dot-separated segments (header.payload.signature), \
         found 2: truncated?\n\
         jwtctl: line 4: error: no token found (expected a compact JWT such as eyJ...)\n"
    );
}

#[test]
fn two_lines_are_already_a_batch() {
    let t = good_token();
    for input in [format!("{t}\n{t}\n"), format!("{t}\r\n{t}")] {
        let assert = decode_with(Vec::<String>::new())
            .write_stdin(input)
            .assert()
            .code(0);
        let stdout = text(&assert.get_output().stdout);
        assert!(stdout.starts_with("── line 1 ──\nHeader\n"), "{stdout}");
        assert!(stdout.contains("\n── line 2 ──\nHeader\n"), "{stdout}");
    }
}

#[test]
fn a_clean_batch_exits_zero() {
    let t = good_token();
    let assert = decode_with(["--json"])
        .write_stdin(format!("{t}\n{t}\n{t}"))
        .assert()
        .code(0);
    assert_eq!(schema::parse_lines(&assert.get_output().stdout).len(), 3);
}

#[test]
fn order_and_line_numbers_hold_across_read_chunks() {
    // 4,000 lines of ~110 bytes: more than one 256 KiB read from stdin.
    let count = 4_000;
    let input: String = (0..count)
        .map(|i| {
            if i % 7 == 3 {
                format!("garbage {i}\n")
            } else {
                format!("{}\n", hs256(&format!(r#"{{"sub":"u{i}","exp":1}}"#)))
            }
        })
        .collect();
    assert!(input.len() > 300_000, "more than one 256 KiB read");
    let assert = decode_with(["--json"]).write_stdin(input).assert().code(4);
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), count);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line.line(), i as u64 + 1);
        if i % 7 == 3 {
            assert_eq!(line.error().error.code, "not_found");
        } else {
            assert_eq!(line.decoded().claim("sub"), &format!("u{i}"));
        }
    }
}

/// Kills the child if the test fails before it exits, so a failure never leaves a process.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn results_stream_out_before_the_input_ends() {
    let dir = tempfile::tempdir().unwrap();
    let child = hermetic(&dir)
        .args(["decode", "--json", "--at", AT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn jwtctl");
    let mut child = Reaper(child);
    let mut stdin = child.0.stdin.take().unwrap();
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| -> String {
        match rx.recv_timeout(WAIT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => panic!("reading stdout for {what}: {e}"),
            Err(_) => panic!(
                "no output for {what} within {WAIT:?} while stdin is still open: \
                 results are not streamed"
            ),
        }
    };
    let token = |sub: &str| hs256(&format!(r#"{{"sub":"{sub}"}}"#));

    // One line, then a second (so jwtctl knows it is a batch), stdin left open.
    writeln!(stdin, "{}", token("first")).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    writeln!(stdin, "{}", token("second")).unwrap();
    stdin.flush().unwrap();
    let first = parse_line(&next("line 1"));
    assert_eq!(
        (first.line(), first.decoded().claim("sub").as_str()),
        (1, Some("first"))
    );
    let second = parse_line(&next("line 2"));
    assert_eq!(second.line(), 2);

    // A third line, still before the input ends, gets its result too.
    writeln!(stdin, "not a token").unwrap();
    stdin.flush().unwrap();
    let third = parse_line(&next("line 3"));
    assert_eq!(
        (third.line(), third.error().error.code.as_str()),
        (3, "not_found")
    );

    drop(stdin);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "jwtctl did not exit after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(4));
    assert!(
        matches!(
            rx.recv_timeout(WAIT),
            Err(mpsc::RecvTimeoutError::Disconnected)
        ),
        "no output after the last result"
    );
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    // `jwtctl decode --json < big | head -1`: the broken pipe ends the run quietly, exit 0.
    let dir = tempfile::tempdir().unwrap();
    let mut child = hermetic(&dir)
        .args(["decode", "--json", "--at", AT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jwtctl");
    let mut stdin = child.stdin.take().unwrap();
    let line = format!("{}\n", good_token());
    let writer = std::thread::spawn(move || {
        // Far more than the pipe holds; stops when jwtctl exits and the pipe breaks.
        for _ in 0..200_000 {
            if stdin.write_all(line.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with(r#"{"kind":"decoded""#), "{first}");
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "nothing to report on stderr: {err}");
}
