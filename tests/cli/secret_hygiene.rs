//! Secret hygiene: no message carries a byte of a secret or the place a secret fails to
//! decode, and the process cannot dump core while it holds secrets.

use crate::support::{hermetic, jwtctl, text};
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn no_message_reveals_a_secret_byte_or_where_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let bad_k = file(
        "bad-k.jwk",
        br#"{"kty":"oct","k":"c2VjcmV0$2VjcmV0c2VjcmV0"}"#,
    );
    let bad_json = file("bad.jwk", b"{\"kty\":\"oct\",\"k\":\"c2Vj\xffcmV0\"}");
    let broken = file("broken.jwk", br#"{"kty":"oct","k":"c2VjcmV0" "kid":1}"#);
    // (what, args, env value for SB, words that must not appear)
    let rows: Vec<(&str, Vec<&str>, &str, &[&str])> = vec![
        (
            "base64 secret with a `$`",
            vec!["--secret-env", "SB", "--secret-encoding", "base64"],
            "my$ecret",
            &["36", "$", "offset", "symbol"],
        ),
        (
            "base64url secret with a `$`",
            vec!["--secret-env", "SB", "--secret-encoding", "base64url"],
            "my$ecret",
            &["36", "$", "offset", "symbol"],
        ),
        (
            "hex secret with a `g`",
            vec!["--secret-env", "SB", "--secret-encoding", "hex"],
            "0a1b2g",
            &["2g", "offset", "0x67"],
        ),
        (
            "JWK `k` with a `$`",
            vec!["--key", &bad_k],
            "",
            &["36", "$", "offset"],
        ),
        (
            "key file not UTF-8",
            vec!["--key", &bad_json],
            "",
            &["0xff", "offset"],
        ),
        (
            "key file not JSON",
            vec!["--key", &broken],
            "",
            &["column", "line 1"],
        ),
    ];
    let mut failed = Vec::new();
    for (what, args, value, never) in rows {
        let out = jwtctl()
            .arg("fingerprint")
            .args(&args)
            .env("SB", value)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        let shown: Vec<&&str> = never.iter().filter(|w| stderr.contains(**w)).collect();
        if out.status.code() != Some(5) || !shown.is_empty() {
            failed.push(format!(
                "{what}: exit {:?}, shows {shown:?}: {stderr}",
                out.status.code()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The core-file limits of a running process, as `/proc/PID/limits` states them.
#[cfg(target_os = "linux")]
fn core_limits(pid: u32) -> String {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap_or_default();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_default();
    line.split_whitespace()
        .skip(4)
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[cfg(target_os = "linux")]
fn no_core_dump_while_a_secret_is_held() {
    let dir = tempfile::tempdir().unwrap();
    // Start with core dumps allowed (as far as the hard limit lets), then run `verify`
    // waiting for tokens on stdin with the secret loaded.
    let cmd = hermetic(&dir);
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -c \"$(ulimit -H -c)\"; exec \"$0\" \"$@\"")
        .arg(cmd.get_program())
        .args(["verify", "--secret-env", "S"])
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("S", "a-secret-held-in-memory-for-a-while-0123")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = shell.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut limits = String::new();
    while Instant::now() < deadline {
        limits = core_limits(child.id());
        if limits == "0 0" {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(child.stdin.take());
    let _ = child.wait();
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    assert_eq!(
        limits, "0 0",
        "core-file limits of the running verify: {stderr}"
    );
}
