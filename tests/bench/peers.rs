//! What jwtctl is compared with on the same machine in the same run: openssl's own verify
//! rate, PyJWT and node's jsonwebtoken on the same corpus, and jwt-cli's start-up. Each is
//! optional: when absent its row says why.

use crate::corpus::Asymmetric;
use std::process::{Command, Stdio};

/// openssl's verifications per second on `cores` processes (`openssl speed -multi`), its
/// verify/s column.
pub fn openssl_verify_rate(alg: Asymmetric, cores: usize) -> Result<f64, String> {
    let (speed_arg, row) = match alg {
        Asymmetric::Rs256 => ("rsa2048", "rsa 2048 bits"),
        Asymmetric::Es256 => ("ecdsap256", "(nistp256)"),
    };
    let out = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "2",
            "-multi",
            &cores.to_string(),
            speed_arg,
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|_| "openssl: not found".to_owned())?;
    let text = String::from_utf8_lossy(&out.stdout);
    // The summary's row ends with the sign/s and verify/s columns.
    text.lines()
        .rev()
        .find(|line| line.contains(row))
        .and_then(|line| line.split_whitespace().last())
        .and_then(|verify| verify.parse().ok())
        .ok_or_else(|| format!("openssl: no `{row}` row in `openssl speed {speed_arg}`"))
}

/// A JWT library run as a script that reads the corpus from stdin and verifies each token.
pub struct Library {
    /// What it is, with versions, for the row's name.
    pub name: String,
    /// Why RS256 and ES256 cannot run, when they cannot.
    pub no_asymmetric: Option<String>,
    program: String,
    script: &'static str,
    env: Vec<(String, String)>,
}

impl Library {
    /// The command verifying `alg` tokens with the key in `key_path`, judged at `at`.
    pub fn command(&self, alg: &str, key_path: &std::path::Path, at: &str) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.arg(self.script).arg(alg).arg(key_path).arg(at);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }
}

const PEER_PY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench/peer.py");
const PEER_JS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench/peer.js");

/// PyJWT through `JWTCTL_BENCH_PYTHON` (default `python3`), as that interpreter finds it.
pub fn pyjwt() -> Result<Library, String> {
    let python = std::env::var("JWTCTL_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let setup = "pip install pyjwt cryptography";
    let lines = version(&python, PEER_PY, &[]).map_err(|why| {
        format!("PyJWT: {why} ({setup}; JWTCTL_BENCH_PYTHON names the interpreter)")
    })?;
    let name = format!("{}, 1 thread", lines[0]);
    let no_asymmetric = lines
        .get(1)
        .filter(|l| l.starts_with("no "))
        .map(|_| format!("PyJWT without cryptography ({setup})"));
    Ok(Library {
        name,
        no_asymmetric,
        program: python,
        script: PEER_PY,
        env: Vec::new(),
    })
}

/// node's jsonwebtoken through `JWTCTL_BENCH_NODE` (default `node`), found in
/// `JWTCTL_BENCH_NODE_MODULES` (a `node_modules` folder) or wherever node finds modules.
pub fn node_jsonwebtoken() -> Result<Library, String> {
    let node = std::env::var("JWTCTL_BENCH_NODE").unwrap_or_else(|_| "node".to_owned());
    let mut env = Vec::new();
    if let Ok(modules) = std::env::var("JWTCTL_BENCH_NODE_MODULES") {
        let path = match std::env::var("NODE_PATH") {
            Ok(more) if !more.is_empty() => format!("{modules}:{more}"),
            _ => modules,
        };
        env.push(("NODE_PATH".to_owned(), path));
    }
    let lines = version(&node, PEER_JS, &env).map_err(|why| {
        format!(
            "node jsonwebtoken: {why} (npm install --prefix DIR jsonwebtoken, then \
             JWTCTL_BENCH_NODE_MODULES=DIR/node_modules)"
        )
    })?;
    Ok(Library {
        name: format!("node {}, 1 thread", lines[0]),
        no_asymmetric: None,
        program: node,
        script: PEER_JS,
        env,
    })
}

/// The script's `--version` lines, or why it cannot run.
fn version(program: &str, script: &str, env: &[(String, String)]) -> Result<Vec<String>, String> {
    let out = Command::new(program)
        .arg(script)
        .arg("--version")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output()
        .map_err(|_| format!("{program} not found"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let why = err.lines().next().unwrap_or("failed").trim().to_owned();
        return Err(format!("{program}: {why}"));
    }
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        return Err(format!("{program}: no version printed"));
    }
    Ok(lines)
}

/// jwt-cli, the start-up peer: `JWTCTL_BENCH_PEER`, else `jwt` on `PATH`, when it says it is
/// jwt-cli.
pub fn jwt_cli() -> Option<String> {
    let bin = std::env::var("JWTCTL_BENCH_PEER").unwrap_or_else(|_| "jwt".to_owned());
    let out = Command::new(&bin)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .starts_with("jwt")
        .then_some(bin)
}
