//! A JWK whose `key_ops` exclude an operation is refused for it (RFC 7517 §4.3): `sign` for
//! the signing key, `verify` for the keys that vouch for the old token.

use super::{Lab, OLD_SECRET, signed};
use crate::support::{b64, text};

#[test]
fn key_ops_decide_what_a_key_may_do() {
    let lab = Lab::new();
    let new_key = b64("new-signing-secret-of-enough-bytes-77a1");
    let jwk = |ops: &str, k: &str| format!(r#"{{"kty":"oct","key_ops":{ops},"k":"{k}"}}"#);
    let old = signed(OLD_SECRET, r#"{"sub":"u","exp":4000000000}"#);
    // (what, signing JWK, --verify-with JWK or none, exit, words)
    let rows = [
        (
            "signing key for verify only",
            jwk(r#"["verify"]"#, &new_key),
            None,
            5,
            "cannot sign",
        ),
        (
            "signing key for sign",
            jwk(r#"["sign"]"#, &new_key),
            None,
            0,
            "",
        ),
        (
            "checking key for sign only",
            jwk(r#"["sign"]"#, &new_key),
            Some(jwk(r#"["sign"]"#, &b64(OLD_SECRET))),
            5,
            "cannot verify",
        ),
        (
            "checking key for verify",
            jwk(r#"["sign"]"#, &new_key),
            Some(jwk(r#"["verify"]"#, &b64(OLD_SECRET))),
            0,
            "",
        ),
    ];
    let mut failed = Vec::new();
    for (i, (what, signing, checking, code, says)) in rows.into_iter().enumerate() {
        let signing = lab.file(&format!("sign{i}.jwk"), signing);
        let mut cmd = lab.jwtctl();
        cmd.args(["mint", "--exp", "1h", "--key"])
            .arg(&signing)
            .arg("--audit-log")
            .arg(lab.log());
        match checking {
            Some(checking) => {
                let path = lab.file(&format!("check{i}.jwk"), checking);
                cmd.args(["--from", &old, "--verify-with"]).arg(path);
            }
            None => {
                cmd.args(["--claim", "sub=x"]);
            }
        }
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        if out.status.code() != Some(code)
            || !stderr.contains(says)
            || (code == 5 && !stderr.contains("RFC 7517 §4.3"))
        {
            failed.push(format!("{what}: exit {:?}: {stderr}", out.status.code()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
