//! Many tokens on stdin, and keys fetched from a JWKS URL.

use super::{Session, VerifyLine, ed25519, hs256};
use crate::support::{AT_UNIX, LATER, serve_once};
use std::net::TcpListener;

const SECRET: &[u8] = b"batch-test-secret-0c5e7a2b9d41f3";

#[test]
fn a_mixed_batch_reports_each_line_in_order_and_folds_the_exit_code() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let valid = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{LATER}}}"#));
    // Signed by another key and expired too: the signature verdict wins, both are reported.
    let mismatched = hs256(
        b"a-key-from-another-deploy-991",
        &format!(r#"{{"sub":"b","exp":{}}}"#, AT_UNIX - 60),
    );
    let expired = hs256(SECRET, &format!(r#"{{"sub":"c","exp":{}}}"#, AT_UNIX - 60));
    let input =
        format!("{valid}\nAuthorization: Bearer {mismatched}\n{expired}\nnot-a-token\n{valid}\n");

    let json = s
        .verify(["--json", "--secret-file", &file])
        .stdin(input.clone())
        .run();
    // Most severe outcome wins: malformed (4) > mismatch (1) > claims (3) > ok (0).
    assert_eq!(json.code, 4, "{json}");
    let lines = json.lines();
    let summary: Vec<(u64, &str)> = lines
        .iter()
        .map(|l| match l {
            VerifyLine::Verified(v) => (v.line, v.verdict.as_str()),
            VerifyLine::Error(e) => (e.line, e.error.class.as_str()),
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "valid"),
            (2, "mismatch"),
            (3, "claims_rejected"),
            (4, "malformed"),
            (5, "valid")
        ]
    );
    assert_eq!(lines[1].verified().codes(), ["key_changed", "expired"]);
    assert_eq!(lines[2].verified().codes(), ["expired"]);

    let human = s.verify(["--secret-file", &file]).stdin(input).run();
    assert_eq!(human.code, 4, "{human}");
    let headings: Vec<&str> = human
        .stdout
        .lines()
        .filter(|l| l.starts_with("── line"))
        .collect();
    assert_eq!(headings.len(), 5, "{human}");
    let verdicts: Vec<&str> = human
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Verdict: "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(verdicts, ["VALID", "MISMATCH", "CLAIMS REJECTED", "VALID"]);
    assert!(human.stderr.contains("line 4:"), "{human}");

    // Without the malformed line the fold is mismatch; without that, claims rejected.
    let run = s
        .verify(["-q", "--secret-file", &file])
        .stdin(format!("{valid}\n{expired}\n{mismatched}\n"))
        .run();
    assert_eq!(run.code, 1, "{run}");
    let run = s
        .verify(["-q", "--secret-file", &file])
        .stdin(format!("{expired}\n{valid}\n"))
        .run();
    assert_eq!(run.code, 3, "{run}");
}

#[test]
fn a_large_batch_keeps_order_across_threads() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let n = 3_000;
    let input: String = (0..n)
        .map(|i| {
            if i % 7 == 3 {
                hs256(b"a-key-from-another-deploy-991", &format!(r#"{{"n":{i}}}"#)) + "\n"
            } else {
                hs256(SECRET, &format!(r#"{{"n":{i}}}"#)) + "\n"
            }
        })
        .collect();
    let run = s
        .verify(["--json", "--secret-file", &file])
        .stdin(input)
        .run();
    assert_eq!(run.code, 1);
    let lines = run.lines();
    assert_eq!(lines.len(), n);
    for (i, line) in lines.iter().enumerate() {
        let v = line.verified();
        assert_eq!(v.line, i as u64 + 1);
        let expected = if i % 7 == 3 { "mismatch" } else { "valid" };
        assert_eq!(v.verdict, expected, "line {}", i + 1);
    }
}

#[test]
fn keys_from_a_jwks_url_fetched_once_per_run() {
    let mut s = Session::new();
    let (current, sign_current) = ed25519();
    let (next, sign_next) = ed25519();
    let (_, sign_retired) = ed25519();
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"k1","x":"{current}"}},{{"kty":"OKP","crv":"Ed25519","kid":"k2","x":"{next}"}}]}}"#
    );
    let (url, server) = serve_once(jwks);
    let header = |kid: &str| format!(r#"{{"alg":"EdDSA","kid":"{kid}"}}"#);
    let claims = r#"{"sub":"user-42"}"#;
    // Three tokens, one server connection: the set is fetched once for the whole batch.
    let input = format!(
        "{}\n{}\n{}\n",
        sign_current(&header("k1"), claims),
        sign_next(&header("k2"), claims),
        sign_retired(&header("k0"), claims)
    );
    let run = s
        .verify(["--json", "--jwks", &format!("idp={url}")])
        .stdin(input)
        .run();
    assert_eq!(server.join().unwrap(), 1);
    assert_eq!(run.code, 1, "{run}");
    let lines = run.lines();
    let labels: Vec<Option<&str>> = lines
        .iter()
        .map(|l| l.verified().matched_key.as_ref().map(|k| k.label.as_str()))
        .collect();
    assert_eq!(labels, [Some("idp#k1"), Some("idp#k2"), None]);
    let third = lines[2].verified();
    assert_eq!(third.codes()[0], "kid_not_found");
    assert!(third.finding("kid_not_found").contains("`k1`, `k2`"));
}

#[test]
fn an_unreachable_jwks_is_an_io_error() {
    let mut s = Session::new();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = s
        .verify([
            "--jwks",
            &format!("http://127.0.0.1:{port}/jwks.json"),
            "x.y.z",
        ])
        .run();
    assert_eq!(run.code, 7, "{run}");
    assert!(run.stderr.contains("cannot fetch the JWKS"), "{run}");
    let run = s.verify(["--jwks", "ftp://example/jwks", "x.y.z"]).run();
    assert_eq!(run.code, 2, "{run}");
}
