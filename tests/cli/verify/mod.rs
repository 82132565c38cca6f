//! `jwtctl verify`.
//!
//! Every run goes through a [`Session`], which knows every secret the test handed to jwtctl
//! and checks that no secret byte sequence (raw, trimmed, base64, base64url or hex) appears in
//! the stdout or stderr of any run, as each run ends and again when the test ends.

mod batch;
mod diagnosis;
mod empty_payload;
mod equivalence;
mod incident;
mod jwks_transport;
mod key_rules;
mod output;
mod vectors;

use crate::schema::ErrorLine;
use crate::support::{AT, TIMEOUT, b64, contains_bytes, hermetic, hmac_sha256};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer};
use std::ffi::OsString;
use std::path::PathBuf;
use tempfile::TempDir;

/// An HS256 token signed with `secret`, from header and claims JSON text.
pub fn hs256_with(secret: &[u8], header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = hmac_sha256(secret, input.as_bytes());
    format!("{input}.{}", b64(signature))
}

/// An HS256 token with a plain `{"alg":"HS256","typ":"JWT"}` header.
pub fn hs256(secret: &[u8], claims: &str) -> String {
    hs256_with(secret, r#"{"alg":"HS256","typ":"JWT"}"#, claims)
}

/// One test's verify runs, the secrets they used and everything they printed.
pub struct Session {
    dir: TempDir,
    /// Every form of every secret that must never be printed.
    secrets: Vec<(String, Vec<u8>)>,
    /// Every run's stdout and stderr, for the final check.
    outputs: Vec<(String, Vec<u8>)>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            dir: tempfile::tempdir().expect("temporary directory"),
            secrets: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Register secret bytes; returns them. Short secrets would match ordinary text, so tests
    /// use distinctive ones.
    pub fn secret(&mut self, bytes: &[u8]) -> Vec<u8> {
        let trimmed = bytes.trim_ascii();
        assert!(
            trimmed.len() >= 12,
            "test secrets must be distinctive (12+ bytes)"
        );
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        for (form, value) in [
            ("raw", bytes.to_vec()),
            ("trimmed", trimmed.to_vec()),
            ("base64", STANDARD.encode(trimmed).into_bytes()),
            ("base64url", b64(trimmed).into_bytes()),
            ("hex", hex.into_bytes()),
        ] {
            self.secrets.push((
                format!("{form} of {:?}", String::from_utf8_lossy(bytes)),
                value,
            ));
        }
        bytes.to_vec()
    }

    /// A file in the session's directory (not a secret: e.g. a public key or a JWKS of public
    /// keys). Returns its absolute path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path.to_str().expect("UTF-8 temp path").to_owned()
    }

    /// A secret written to a file in the session's directory. Returns its path.
    pub fn secret_file(&mut self, name: &str, bytes: &[u8]) -> String {
        self.secret(bytes);
        self.file(name, bytes)
    }

    /// The absolute path of `name` in the session's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `jwtctl verify --at AT <args>`, to be run with [`Run::run`].
    pub fn verify<I, S>(&mut self, args: I) -> Run<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Run {
            session: self,
            args: args.into_iter().map(Into::into).collect(),
            at: Some(AT.to_owned()),
            env: Vec::new(),
            stdin: None,
        }
    }

    /// Run the same arguments twice, for humans and with `--json`; both must exit `code`.
    #[track_caller]
    pub fn both(&mut self, args: &[&str], code: i32) -> (Outcome, Verified) {
        let human = self.verify(args).run();
        assert_eq!(human.code, code, "human run of {args:?}:\n{human}");
        let json = self.verify(args).arg("--json").run();
        assert_eq!(json.code, code, "JSON run of {args:?}:\n{json}");
        let report = json.single();
        (human, report)
    }

    #[track_caller]
    fn check_no_secret(&self, what: &str, bytes: &[u8]) {
        for (form, secret) in &self.secrets {
            assert!(
                !contains_bytes(bytes, secret),
                "{what} contains the {form}:\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        // Secrets registered after a run are checked against that run's output too.
        for (what, bytes) in &self.outputs {
            self.check_no_secret(what, bytes);
        }
    }
}

/// One verify run being set up.
pub struct Run<'s> {
    session: &'s mut Session,
    args: Vec<OsString>,
    at: Option<String>,
    env: Vec<(String, OsString)>,
    stdin: Option<Vec<u8>>,
}

impl Run<'_> {
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Judge times at `at` instead of the suite's fixed instant.
    pub fn at(mut self, at: &str) -> Self {
        self.at = Some(at.to_owned());
        self
    }

    /// Set an environment variable (the run's environment is otherwise empty but `PATH`).
    pub fn env(mut self, name: &str, value: impl Into<OsString>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Run it; every output is checked for secrets.
    #[track_caller]
    pub fn run(self) -> Outcome {
        let mut cmd = assert_cmd::Command::from_std(hermetic(&self.session.dir));
        cmd.timeout(TIMEOUT).arg("verify");
        if let Some(at) = &self.at {
            cmd.args(["--at", at]);
        }
        cmd.args(&self.args);
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        cmd.write_stdin(self.stdin.unwrap_or_default());
        let output = cmd.output().expect("run jwtctl");
        let what = format!("jwtctl verify {:?}", self.args);
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            self.session
                .check_no_secret(&format!("{stream} of {what}"), bytes);
            self.session
                .outputs
                .push((format!("{stream} of {what}"), bytes.clone()));
        }
        Outcome {
            code: output.status.code().expect("exit code, not a signal"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Outcome {
    /// Every stdout line, checked against the schema.
    #[track_caller]
    pub fn lines(&self) -> Vec<VerifyLine> {
        assert!(
            self.stdout.is_empty() || self.stdout.ends_with('\n'),
            "output must end with a newline:\n{self}"
        );
        self.stdout.lines().map(parse_line).collect()
    }

    /// Exactly one `verified` line.
    #[track_caller]
    pub fn single(&self) -> Verified {
        let mut lines = self.lines();
        assert_eq!(lines.len(), 1, "expected one JSON line:\n{self}");
        match lines.remove(0) {
            VerifyLine::Verified(v) => *v,
            VerifyLine::Error(e) => panic!("expected a verified object, got {e:?}"),
        }
    }

    /// The human report's line for check `name` (`  FAIL  exp        expired ...`).
    #[track_caller]
    pub fn check_line(&self, name: &str) -> &str {
        self.stdout
            .lines()
            .find(|l| {
                l.get(8..)
                    .is_some_and(|rest| rest.split_whitespace().next() == Some(name))
            })
            .unwrap_or_else(|| panic!("no line for check {name}:\n{self}"))
    }
}

// ---- the `verify --json` schema, mirrored field for field ----

/// A field that must be present but may be `null`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::deserialize(deserializer)
}

/// `kind: "verified"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub kind: String,
    pub line: u64,
    pub valid: bool,
    pub verdict: String,
    pub exit_code: u8,
    pub checks: Vec<CheckJson>,
    #[serde(deserialize_with = "present")]
    pub matched_key: Option<MatchedKey>,
    pub diagnosis: Vec<FindingJson>,
    #[serde(deserialize_with = "present")]
    pub next_step: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckJson {
    pub name: String,
    pub status: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchedKey {
    pub label: String,
    pub fingerprint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingJson {
    pub code: String,
    pub message: String,
}

/// The checks, in report order: every report has all of them.
pub const CHECKS: [&str; 11] = [
    "structure",
    "algorithm",
    "kid",
    "signature",
    "exp",
    "nbf",
    "iat",
    "iss",
    "aud",
    "required",
    "typ",
];

impl Verified {
    #[track_caller]
    pub fn check(&self, name: &str) -> &CheckJson {
        self.checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no check {name}: {self:?}"))
    }

    pub fn codes(&self) -> Vec<&str> {
        self.diagnosis.iter().map(|f| f.code.as_str()).collect()
    }

    #[track_caller]
    pub fn finding(&self, code: &str) -> &str {
        &self
            .diagnosis
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("no finding {code}: {:?}", self.diagnosis))
            .message
    }

    /// Invariants every report keeps, whatever the token.
    #[track_caller]
    fn check_invariants(&self) {
        assert_eq!(self.kind, "verified");
        let names: Vec<&str> = self.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, CHECKS);
        for check in &self.checks {
            assert!(
                ["pass", "fail", "skip"].contains(&check.status.as_str()),
                "{check:?}"
            );
            assert!(!check.reason.is_empty(), "{check:?}");
        }
        let expected_code = match self.verdict.as_str() {
            "valid" => 0,
            "mismatch" => 1,
            "claims_rejected" => 3,
            "rejected" => 4,
            "key_unusable" => 5,
            other => panic!("unknown verdict {other}"),
        };
        assert_eq!(self.exit_code, expected_code, "{self:?}");
        assert_eq!(self.valid, self.verdict == "valid");
        if let Some(key) = &self.matched_key {
            let hex = key.fingerprint.strip_prefix("sha256:").expect("sha256:");
            assert!(
                hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                "{key:?}"
            );
        }
    }
}

/// One line of `verify --json` output.
#[derive(Debug)]
pub enum VerifyLine {
    Verified(Box<Verified>),
    Error(ErrorLine),
}

impl VerifyLine {
    #[track_caller]
    pub fn verified(&self) -> &Verified {
        match self {
            VerifyLine::Verified(v) => v,
            VerifyLine::Error(e) => panic!("expected a verified object, got {e:?}"),
        }
    }
}

#[track_caller]
fn parse_line(line: &str) -> VerifyLine {
    let value: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    match value["kind"].as_str() {
        Some("verified") => {
            let v: Verified =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("schema drift ({e}): {line}"));
            v.check_invariants();
            VerifyLine::Verified(Box::new(v))
        }
        Some("error") => VerifyLine::Error(
            serde_json::from_str(line).unwrap_or_else(|e| panic!("schema drift ({e}): {line}")),
        ),
        other => panic!("unknown kind {other:?}: {line}"),
    }
}

#[test]
fn the_mirror_rejects_drift() {
    let good = r#"{"kind":"verified","line":1,"valid":false,"verdict":"mismatch","exit_code":1,"checks":[],"matched_key":null,"diagnosis":[],"next_step":null}"#;
    assert!(serde_json::from_str::<Verified>(good).is_ok());
    for drifted in [
        good.replace(r#""line":1"#, r#""line":1,"extra":1"#),
        good.replace(r#""next_step":null"#, r#""next":null"#),
        good.replace(r#","matched_key":null"#, ""),
    ] {
        assert!(
            serde_json::from_str::<Verified>(&drifted).is_err(),
            "accepted: {drifted}"
        );
    }
}

#[test]
fn the_secret_guard_catches_a_leak() {
    let mut session = Session::new();
    session.secret(b"a-distinctive-secret");
    let leak = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.check_no_secret("a fake output", b"xx YS1kaXN0aW5jdGl2ZS1zZWNyZXQ= xx");
    }));
    assert!(leak.is_err(), "the base64 form must be caught");
    session.check_no_secret("a clean output", b"sha256:1a2b3c4d");
}

/// A fresh Ed25519 key: its public JWK member `x` and a signer of compact tokens.
pub fn ed25519() -> (String, impl Fn(&str, &str) -> String) {
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let x = b64(pair.public_key().as_ref());
    (x, move |header: &str, claims: &str| {
        let input = format!("{}.{}", b64(header), b64(claims));
        format!("{input}.{}", b64(pair.sign(input.as_bytes()).as_ref()))
    })
}
