//! The golden corpus: every token of `tests/fixtures/golden/corpus.txt` through `decode` and
//! `verify`, human and JSON, single and batch, plus `fingerprint` of each key, pinned byte for
//! byte (stdout, stderr and exit code) under `tests/fixtures/golden/expected/`.
//!
//! This is the guard rail for refactoring: the outputs change only on purpose. After a
//! deliberate change, regenerate and review the diff:
//!
//! JWTCTL_REGENERATE=1 cargo test --test cli golden

use crate::support::{AT, hermetic};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

const REGENERATE: &str = "JWTCTL_REGENERATE";

/// Key files are given this modification time, so the "key written after the token" evidence
/// is the same on every clone: 2026-11-20T00:00:00Z.
const KEY_MTIME: u64 = 1_795_132_800;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

struct Case {
    name: String,
    key: String,
    token: String,
}

fn corpus() -> Vec<Case> {
    let text = std::fs::read_to_string(golden_dir().join("corpus.txt")).expect("corpus.txt");
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let mut next = || fields.next().expect("name<TAB>key<TAB>token").to_owned();
            Case {
                name: next(),
                key: next(),
                token: next(),
            }
        })
        .collect()
}

/// The key options for a corpus key name, relative to the run's working directory.
fn key_args(key: &str) -> Vec<&'static str> {
    match key {
        "hmac" => vec!["--secret-file", "current=hmac.secret"],
        "rsa" => vec!["--key", "rsa=rsa-public.pem"],
        "ec" => vec!["--key", "ec=ec-p256-public.pem"],
        "ed" => vec!["--key", "ed=ed25519-public.pem"],
        other => panic!("unknown corpus key {other}"),
    }
}

const KEY_FILES: [&str; 4] = [
    "hmac.secret",
    "rsa-public.pem",
    "ec-p256-public.pem",
    "ed25519-public.pem",
];

/// A working directory holding copies of the key files with a fixed modification time.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(KEY_MTIME);
    for name in KEY_FILES {
        let to = dir.path().join(name);
        std::fs::copy(golden_dir().join(name), &to).expect("copy key file");
        let file = std::fs::File::options().write(true).open(&to).unwrap();
        file.set_modified(mtime).expect("set key file mtime");
    }
    dir
}

/// Run the binary in `dir` with `args`, `stdin` piped in, and describe what it did.
fn run(dir: &tempfile::TempDir, args: &[&str], stdin: &[u8]) -> String {
    let mut child = hermetic(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start jwtctl");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("jwtctl ran");
    writer.join().unwrap();
    let mut shown = String::new();
    let shown_args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.len() > 60 {
                "<token>".into()
            } else {
                (*a).to_owned()
            }
        })
        .collect();
    let _ = writeln!(shown, "$ jwtctl {}", shown_args.join(" "));
    let _ = writeln!(shown, "exit: {:?}", output.status.code());
    let _ = writeln!(shown, "--- stdout");
    shown.push_str(&String::from_utf8_lossy(&output.stdout));
    let _ = writeln!(shown, "--- stderr");
    shown.push_str(&String::from_utf8_lossy(&output.stderr));
    shown.push('\n');
    shown
}

/// Compare with the pinned file, or write it when regenerating. Returns a mismatch message.
fn check(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join("expected").join(format!("{name}.txt"));
    if std::env::var_os(REGENERATE).is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    (expected != actual).then(|| first_difference(&path, &expected, actual))
}

fn first_difference(path: &Path, expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    format!(
        "{}: differs at line {}\n  expected: {:?}\n  actual:   {:?}",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    )
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} golden file(s) differ (if deliberate: {REGENERATE}=1 cargo test --test cli golden, \
         then review the diff):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_token_decodes_and_verifies_as_pinned() {
    let dir = workdir();
    let mut failures = Vec::new();
    for case in corpus() {
        let token = case.token.as_str();
        let keys = key_args(&case.key);
        let mut actual = String::new();
        actual += &run(
            &dir,
            &["decode", "--at", AT, "--color", "never", token],
            b"",
        );
        actual += &run(&dir, &["decode", "--at", AT, "--json", token], b"");
        let mut verify = vec!["verify", "--at", AT];
        verify.extend(&keys);
        let human: Vec<&str> = verify
            .iter()
            .copied()
            .chain(["--color", "never", token])
            .collect();
        actual += &run(&dir, &human, b"");
        let json: Vec<&str> = verify.iter().copied().chain(["--json", token]).collect();
        actual += &run(&dir, &json, b"");
        failures.extend(check(&case.name, &actual));
    }
    report(failures);
}

#[test]
fn the_corpus_as_one_batch_is_pinned() {
    let dir = workdir();
    let cases = corpus();
    // Only the HMAC tokens: a batch is verified against one key ring.
    let stdin: String = cases
        .iter()
        .filter(|c| c.key == "hmac")
        .map(|c| format!("{}\n", c.token))
        .collect();
    let mut actual = String::new();
    actual += &run(&dir, &["decode", "--at", AT, "--json"], stdin.as_bytes());
    actual += &run(
        &dir,
        &["decode", "--at", AT, "--color", "never"],
        stdin.as_bytes(),
    );
    actual += &run(
        &dir,
        &[
            "verify",
            "--at",
            AT,
            "--secret-file",
            "current=hmac.secret",
            "--json",
        ],
        stdin.as_bytes(),
    );
    actual += &run(
        &dir,
        &[
            "verify",
            "--at",
            AT,
            "--secret-file",
            "hmac.secret",
            "--key",
            "rsa-public.pem",
            "--color",
            "never",
        ],
        stdin.as_bytes(),
    );
    report(check("batch", &actual).into_iter().collect());
}

#[test]
fn fingerprints_of_each_key_are_pinned() {
    let dir = workdir();
    let mut actual = String::new();
    for key in ["hmac", "rsa", "ec", "ed"] {
        let keys = key_args(key);
        for extra in [&["--color", "never"][..], &["--json"][..]] {
            let args: Vec<&str> = std::iter::once("fingerprint")
                .chain(keys.iter().copied())
                .chain(extra.iter().copied())
                .collect();
            actual += &run(&dir, &args, b"");
        }
    }
    report(check("fingerprint", &actual).into_iter().collect());
}
