//! Hermetic command builders, token makers and small output helpers.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::time::Duration;
use tempfile::TempDir;

/// The fixed instant relative times are judged at: 2026-11-23T10:00:00Z.
pub const AT: &str = "2026-11-23T10:00:00Z";
/// [`AT`] as Unix seconds.
pub const AT_UNIX: i64 = 1_795_428_000;
/// One hour after [`AT`]: comfortably unexpired `exp` for tokens that should raise no warning.
pub const LATER: i64 = AT_UNIX + 3_600;
/// No single run may take longer than this: a hang fails the test instead of blocking it.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// The HMAC secret the test tokens are signed with (decode never checks it).
pub const SECRET: &[u8] = b"integration-test-secret-of-32-b!";

/// The `jwtctl` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_jwtctl")
}

/// A `std::process::Command` for the binary with an empty environment (only `PATH`), so no
/// `NO_COLOR`, `JWT_SECRET`, `JWTCTL_*`, `HOME`, `XDG_*`, `TERM` or `CI` from the developer's
/// shell or the CI runner can change what it does, running in `dir`.
pub fn hermetic(dir: &TempDir) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    cmd.env_clear().current_dir(dir.path());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}

/// An `assert_cmd::Command` for the binary that owns the fresh temporary directory it runs
/// in (removed when this is dropped, i.e. after the command ran).
pub struct Jwtctl {
    cmd: assert_cmd::Command,
    _dir: TempDir,
}

impl Deref for Jwtctl {
    type Target = assert_cmd::Command;
    fn deref(&self) -> &assert_cmd::Command {
        &self.cmd
    }
}

impl DerefMut for Jwtctl {
    fn deref_mut(&mut self) -> &mut assert_cmd::Command {
        &mut self.cmd
    }
}

/// The hermetic builder: empty environment but `PATH`, fresh temporary working directory,
/// piped (never a terminal) stdin, stdout and stderr.
pub fn jwtctl() -> Jwtctl {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut cmd = assert_cmd::Command::from_std(hermetic(&dir));
    cmd.timeout(TIMEOUT);
    Jwtctl { cmd, _dir: dir }
}

/// `jwtctl decode --at AT`: relative times never depend on the clock.
pub fn decode() -> Jwtctl {
    let mut cmd = jwtctl();
    cmd.args(["decode", "--at", AT]);
    cmd
}

/// `jwtctl decode --at AT <args>`.
pub fn decode_with<I, S>(args: I) -> Jwtctl
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = decode();
    cmd.args(args);
    cmd
}

/// Unpadded base64url.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode unpadded base64url (for keys in the shared vectors).
pub fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

/// HMAC-SHA256 (RFC 2104), small enough to read at a glance.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// A token from raw header and claims JSON text (taken byte for byte, so tests can craft
/// duplicates, odd spacing or invalid JSON) and an arbitrary signature.
pub fn raw_token(header: &[u8], claims: &[u8], signature: &[u8]) -> String {
    format!("{}.{}.{}", b64(header), b64(claims), b64(signature))
}

/// An HS256 token signed with [`SECRET`]; `header` is used as given.
pub fn hs256_with_header(header: &str, claims: &str) -> String {
    let signing_input = format!("{}.{}", b64(header), b64(claims));
    let signature = hmac_sha256(SECRET, signing_input.as_bytes());
    format!("{signing_input}.{}", b64(signature))
}

/// An HS256 token for `claims` with a plain `{"alg":"HS256","typ":"JWT"}` header.
pub fn hs256(claims: &str) -> String {
    hs256_with_header(r#"{"alg":"HS256","typ":"JWT"}"#, claims)
}

/// A well-formed token that raises no warning at [`AT`].
pub fn good_token() -> String {
    hs256(&format!(
        r#"{{"sub":"user-42","iat":{},"exp":{LATER}}}"#,
        AT_UNIX - 60
    ))
}

/// The shared vectors folder (`<manifest>/../shared/vectors`), or `None` after printing a
/// visible skip line: a user's clone does not have it, CI always does.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        // Not `eprintln!`: the test harness captures that for passing tests, so the skip would
        // be silent in a plain `cargo test`. Writing to the stderr handle is never captured.
        let test = std::thread::current().name().unwrap_or("?").to_owned();
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: ../shared/vectors not found ({test})"
        );
        None
    }
}

/// Serve `body` as JSON to exactly one connection on 127.0.0.1, then stop listening.
pub fn serve_once(body: String) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
        drop(listener); // a second fetch would be refused
        1
    });
    (url, server)
}

/// Captured output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// Does `haystack` contain the byte sequence `needle`?
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn hmac_matches_rfc_4231_test_case_2() {
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn hermetic_builder_clears_the_environment() {
    // Whatever the test process has (CI=true on CI, NO_COLOR, JWT_SECRET in a developer's
    // shell), the child gets PATH only, and its own fresh working directory.
    let cmd = jwtctl();
    let vars: Vec<_> = cmd.get_envs().collect();
    assert!(
        vars.iter()
            .all(|(name, value)| *name == "PATH" && value.is_some()),
        "{vars:?}"
    );
    let dir = cmd.get_current_dir().expect("a working directory is set");
    assert!(dir.is_dir() && dir != std::env::current_dir().unwrap());
    assert_eq!(dir.read_dir().unwrap().count(), 0, "fresh and empty");
}
