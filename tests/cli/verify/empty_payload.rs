//! An empty payload is a legal JWS (its signing input is `header.`): with `--any-payload` it
//! is verified like any other, and only a signature that fails hints at detached content.

use super::Session;
use crate::support::{b64, hmac_sha256};

const HEADER: &str = r#"{"alg":"HS256"}"#;

/// A token, extra arguments, the exit code, the verdict and the diagnosis codes.
type Row<'a> = (String, &'a [&'a str], i32, &'a str, &'a [&'a str]);

fn empty_payload_token(secret: &[u8]) -> String {
    let input = format!("{}.", b64(HEADER));
    format!("{input}.{}", b64(hmac_sha256(secret, input.as_bytes())))
}

#[test]
fn empty_payloads_verify_like_any_jws_and_hint_detached_content_only_on_failure() {
    let mut s = Session::new();
    let secret = s.secret(b"empty-payload-test-secret-32-by!");
    let other = s.secret(b"not-the-key-that-signed-it-32-b!");
    let key = s.secret_file("key", &secret);
    let rows: [Row; 3] = [
        (
            empty_payload_token(&secret),
            &["--any-payload"],
            0,
            "valid",
            &[],
        ),
        (
            empty_payload_token(&other),
            &["--any-payload"],
            1,
            "mismatch",
            &["detached_content"],
        ),
        (empty_payload_token(&secret), &[], 4, "", &[]),
    ];
    for (token, extra, code, verdict, codes) in rows {
        let mut args = vec!["--secret-file", key.as_str()];
        args.extend_from_slice(extra);
        args.push(&token);
        if code == 4 {
            // Without --any-payload an empty payload is no claim set: malformed, not detached.
            let run = s.verify(&args).run();
            assert_eq!(run.code, 4, "{run}");
            assert!(run.stderr.contains("payload: empty segment"), "{run}");
            continue;
        }
        let (_, report) = s.both(&args, code);
        assert_eq!(report.verdict, verdict, "{extra:?}");
        assert_eq!(report.codes(), codes, "{extra:?}");
    }
}
