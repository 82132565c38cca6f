//! Failures read as one `jwtctl: error: ...` line (plus `hint:` lines), clap's usage errors as
//! clap's `error: ...` block with exit 2; never Rust debug output, a panic or a backtrace, even
//! with `RUST_BACKTRACE=1` in the environment.

use crate::support::{hermetic, raw_token, text};
use std::process::{Output, Stdio};

/// What would betray Rust internals on a user's terminal.
const DEBUG_MARKS: [&str; 8] = [
    "panicked",
    "backtrace",
    "Error {",
    "Os {",
    "kind: ",
    "Custom {",
    ".rs:",
    "called `",
];

fn run(args: &[&str], stdin: Stdio) -> Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    hermetic(&dir)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LIB_BACKTRACE", "1")
        .stdin(stdin)
        .output()
        .expect("running jwtctl")
}

fn stdin_bytes(bytes: &'static [u8]) -> Stdio {
    // A file, not a pipe: no writer thread needed, and the child sees end of input.
    let mut file = tempfile::tempfile().expect("temporary file");
    std::io::Write::write_all(&mut file, bytes).expect("writing stdin");
    std::io::Seek::rewind(&mut file).expect("rewinding stdin");
    Stdio::from(file)
}

fn assert_no_debug_output(what: &str, stderr: &str) {
    for mark in DEBUG_MARKS {
        assert!(
            !stderr.contains(mark),
            "{what}: {mark:?} in stderr:\n{stderr}"
        );
    }
}

#[test]
fn run_failures_are_one_error_line_plus_hints() {
    let bad_json = raw_token(br#"{"alg":"HS256""#, b"{}", b"sig");
    let dir = tempfile::tempdir().expect("temporary directory");
    let cases: Vec<(&str, Vec<&str>, Stdio, i32, &str)> = vec![
        (
            "no token in the argument",
            vec!["decode", "not-a-token"],
            Stdio::null(),
            4,
            "no token found",
        ),
        (
            "header is not JSON",
            vec!["decode", &bad_json],
            Stdio::null(),
            4,
            "header",
        ),
        (
            "empty stdin",
            vec!["decode"],
            stdin_bytes(b""),
            4,
            "stdin is empty",
        ),
        (
            "stdin is a directory",
            vec!["decode"],
            Stdio::from(std::fs::File::open(dir.path()).expect("opening a directory")),
            7,
            "directory",
        ),
        (
            "missing key file",
            vec!["fingerprint", "--key", "missing.pem"],
            Stdio::null(),
            5,
            "missing.pem",
        ),
        (
            "missing secret file",
            vec!["fingerprint", "--secret-file", "missing.key"],
            Stdio::null(),
            5,
            "missing.key",
        ),
        (
            "no key at all",
            vec!["fingerprint"],
            Stdio::null(),
            5,
            "no key",
        ),
    ];
    for (what, args, stdin, code, needle) in cases {
        let output = run(&args, stdin);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{what}:\n{stderr}");
        assert!(output.stdout.is_empty(), "{what}: stdout is for results");
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            lines
                .first()
                .is_some_and(|l| l.starts_with("jwtctl: error: ")),
            "{what}:\n{stderr}"
        );
        assert!(lines[0].contains(needle), "{what}: {needle:?}:\n{stderr}");
        assert!(
            lines[1..].iter().all(|l| l.starts_with("  hint: ")),
            "{what}: one error line, then hints only:\n{stderr}"
        );
        assert_no_debug_output(what, &stderr);
    }
}

#[test]
fn batch_failures_are_one_line_per_bad_input_line() {
    let output = run(&["decode"], stdin_bytes(b"not-a-token\nnor-this\n"));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    for (i, line) in lines.iter().enumerate() {
        let prefix = format!("jwtctl: line {}: error: ", i + 1);
        assert!(line.starts_with(&prefix), "{prefix:?}:\n{stderr}");
    }
    assert_no_debug_output("batch", &stderr);
}

/// clap reports usage errors itself: `error: ...`, maybe a tip and the usage line, and a
/// pointer to `--help`; exit 2 and nothing on stdout.
#[test]
fn usage_errors_are_clap_error_blocks() {
    for args in [
        vec!["decode", "--no-such-flag"],
        vec!["decode", "--max-size", "0", "x"],
        vec!["decode", "--at", "yesterday", "x"],
        vec!["--color", "sometimes", "decode", "x"],
        vec!["completions", "tcsh"],
        vec!["completions"],
        vec!["no-such-command"],
    ] {
        let output = run(&args, Stdio::null());
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}:\n{stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(stderr.starts_with("error: "), "{args:?}:\n{stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.contains("error:")).count(),
            1,
            "{args:?}: one error line:\n{stderr}"
        );
        assert!(
            stderr.ends_with("For more information, try '--help'.\n"),
            "{args:?}:\n{stderr}"
        );
        assert_no_debug_output(&format!("{args:?}"), &stderr);
    }
}
