//! `jwtctl mint`, and the audit records it leaves behind.

mod batch;
mod fail_closed;
mod incident;
mod key_ops;
mod rules;
pub mod schema;
mod terminal;

use crate::support::{b64, hermetic, hmac_sha256, unb64};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The secret the old tokens were signed with (the one that was regenerated).
pub const OLD_SECRET: &str = "old-secret-regenerated-on-rebuild";
/// The current secret, long enough not to be weak for HS256.
pub const NEW_SECRET: &str = "new-secret-after-rebuild-0123456789abcdef";
/// The incident's user id.
pub const USER: &str = "3f6c2a1e-8b7d-4c2a-9f1e-5a6b7c8d9e0f";

/// A working directory shared by several runs (the audit log lives on between them).
pub struct Lab {
    pub dir: TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Where the audit log is (its directory does not exist until the first mint).
    pub fn log(&self) -> PathBuf {
        self.dir.path().join("state/audit.jsonl")
    }

    /// `jwtctl` in this lab: empty environment but `PATH` and `NEW_SECRET`, never a terminal.
    pub fn jwtctl(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(hermetic(&self.dir));
        cmd.env("NEW_SECRET", NEW_SECRET)
            .timeout(crate::support::TIMEOUT);
        cmd
    }

    /// `jwtctl mint --audit-log <log> --secret-env NEW_SECRET`.
    pub fn mint(&self) -> assert_cmd::Command {
        let mut cmd = self.jwtctl();
        cmd.arg("mint")
            .arg("--audit-log")
            .arg(self.log())
            .args(["--secret-env", "NEW_SECRET"]);
        cmd
    }

    /// `jwtctl audit <sub> --audit-log <log>`.
    pub fn audit(&self, sub: &str) -> assert_cmd::Command {
        let mut cmd = self.jwtctl();
        cmd.args(["audit", sub]).arg("--audit-log").arg(self.log());
        cmd
    }

    /// Write a file in the lab and return its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write a lab file");
        path
    }

    /// The audit log's lines, parsed (and pinned by the record schema).
    pub fn records(&self) -> Vec<schema::Record> {
        records_in(&self.log())
    }
}

/// The records of the log at `path` (none when it does not exist).
pub fn records_in(path: &Path) -> Vec<schema::Record> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.lines().map(schema::record).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// An HS256 token for `claims` (JSON text) signed with `secret`.
pub fn signed(secret: &str, claims: &str) -> String {
    signed_with_header(secret, r#"{"alg":"HS256","typ":"JWT"}"#, claims)
}

/// A token with this header and claims (JSON text), HS256-signed with `secret`.
pub fn signed_with_header(secret: &str, header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = hmac_sha256(secret.as_bytes(), input.as_bytes());
    format!("{input}.{}", b64(signature))
}

/// The incident's old token: signed with the old secret, `{"id": USER}`, no `exp`.
pub fn incident_token() -> String {
    signed(
        OLD_SECRET,
        &format!(r#"{{"id":"{USER}","iat":1700000000}}"#),
    )
}

/// Does the HS256 `token` verify with `secret`? Checked here, independently of jwtctl.
pub fn verifies(token: &str, secret: &str) -> bool {
    let (input, signature) = token.rsplit_once('.').expect("three segments");
    unb64(signature) == hmac_sha256(secret.as_bytes(), input.as_bytes())
}

/// A token's segment (0 header, 1 payload) as a JSON object.
pub fn segment(token: &str, index: usize) -> Map<String, Value> {
    let part = token.split('.').nth(index).expect("segment");
    serde_json::from_slice(&unb64(part)).expect("a JSON object")
}

/// A token's claims.
pub fn claims(token: &str) -> Map<String, Value> {
    segment(token, 1)
}

/// `sha256:<hex>` of `bytes`, as the audit log writes digests.
pub fn sha256(bytes: impl AsRef<[u8]>) -> String {
    let digest = Sha256::digest(bytes.as_ref());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The current time, Unix seconds (mint reads the real clock).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// stdout as the list of tokens it carries, one per line.
#[track_caller]
pub fn tokens(stdout: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(stdout).expect("UTF-8");
    assert!(text.ends_with('\n'), "output ends with a newline: {text:?}");
    text.lines().map(str::to_owned).collect()
}
