//! The interop matrix: for every algorithm jwtctl supports, tokens jwtctl mints verify in
//! node's `jsonwebtoken` and in PyJWT, and tokens they sign verify in jwtctl, with the same
//! keys given as PEM and as JWK. Runs when node with `jsonwebtoken` (tests/interop/node,
//! `npm ci`) and python3 with PyJWT and cryptography are present; says SKIPPED otherwise.

use crate::support::{bin, text};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every algorithm jwtctl signs and verifies, with the key pair it uses.
const MATRIX: &[(&str, &str)] = &[
    ("HS256", "hmac"),
    ("HS384", "hmac"),
    ("HS512", "hmac"),
    ("RS256", "rsa"),
    ("RS384", "rsa"),
    ("RS512", "rsa"),
    ("PS256", "rsa"),
    ("PS384", "rsa"),
    ("PS512", "rsa"),
    ("ES256", "p256"),
    ("ES384", "p384"),
    ("EdDSA", "ed25519"),
];

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

fn skip(why: &str) {
    // Written to the stderr handle: the harness would swallow `eprintln!` of a passing test.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why} (interop matrix)");
}

/// One implementation on the other side: how to run it, and what it cannot do.
struct Other {
    name: &'static str,
    program: &'static str,
    script: PathBuf,
    /// Algorithms the library does not implement (node jsonwebtoken 9 has no EdDSA).
    lacks: &'static [&'static str],
}

impl Other {
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        match Command::new(self.program)
            .arg(&self.script)
            .args(args)
            .output()
        {
            Ok(out) => (
                out.status.success(),
                text(&out.stdout).trim().to_owned(),
                text(&out.stderr),
            ),
            Err(e) => (false, String::new(), e.to_string()),
        }
    }
}

fn available(program: &str, dir: &Path, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn jwtctl(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env_clear()
        .output()
        .expect("jwtctl runs");
    (
        out.status.success(),
        text(&out.stdout).trim().to_owned(),
        text(&out.stderr),
    )
}

#[test]
fn tokens_cross_between_jwtctl_node_jsonwebtoken_and_pyjwt() {
    let node_dir = interop_dir().join("node");
    let node = available("node", &node_dir, &["-e", "require('jsonwebtoken')"]);
    let python = available("python3", &node_dir, &["-c", "import jwt, cryptography"]);
    if !node {
        skip("node with jsonwebtoken not found (npm ci in tests/interop/node)");
    }
    if !python {
        skip("python3 with PyJWT and cryptography not found (pip install pyjwt cryptography)");
    }
    if !node {
        // The key pairs are made by node's crypto module.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path();
    let script = node_dir.join("interop.js");
    let ok = Command::new("node")
        .arg(&script)
        .args(["keys", keys.to_str().unwrap()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "node made the key pairs");
    let file = |name: &str| keys.join(name).to_str().unwrap().to_owned();
    let audit = file("audit.jsonl");

    let mut others = vec![Other {
        name: "node jsonwebtoken",
        program: "node",
        script,
        lacks: &["EdDSA"],
    }];
    if python {
        others.push(Other {
            name: "PyJWT",
            program: "python3",
            script: interop_dir().join("python/interop.py"),
            lacks: &[],
        });
    }

    let mut failed = Vec::new();
    let mut agreed = 0;
    for &(alg, pair) in MATRIX {
        let (private, public, jwk) = if pair == "hmac" {
            (file("hmac.secret"), file("hmac.secret"), file("hmac.jwk"))
        } else {
            (
                file(&format!("{pair}.key")),
                file(&format!("{pair}.pub")),
                file(&format!("{pair}.jwk")),
            )
        };
        let key_option = if pair == "hmac" {
            "--secret-file"
        } else {
            "--key"
        };
        let (minted, token, err) = jwtctl(&[
            "mint",
            "--claim",
            "sub=interop",
            "--exp",
            "1h",
            "--alg",
            alg,
            key_option,
            &private,
            "--audit-log",
            &audit,
        ]);
        if !minted {
            failed.push(format!("jwtctl mint {alg}: {err}"));
            continue;
        }
        for other in &others {
            if other.lacks.contains(&alg) {
                continue;
            }
            for (form, key) in [("PEM", &public), ("JWK", &jwk)] {
                let (ok, _, err) = other.run(&["verify", alg, key, &token]);
                if ok {
                    agreed += 1;
                } else {
                    failed.push(format!(
                        "{alg}: jwtctl's token, {} with the {form}: {err}",
                        other.name
                    ));
                }
            }
            let (signed, theirs, err) = other.run(&["sign", alg, &private]);
            if !signed {
                failed.push(format!("{alg}: {} cannot sign: {err}", other.name));
                continue;
            }
            for (form, option, key) in [("PEM", key_option, &public), ("JWK", "--key", &jwk)] {
                let (ok, out, err) = jwtctl(&["verify", option, key, &theirs]);
                if ok {
                    agreed += 1;
                } else {
                    failed.push(format!(
                        "{alg}: {}'s token, jwtctl with the {form}: {out}{err}",
                        other.name
                    ));
                }
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "interop matrix: {agreed} cases agree, {} disagree ({})",
        failed.len(),
        others.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
    );
    assert!(
        failed.is_empty(),
        "{} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
