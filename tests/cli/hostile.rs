//! The bad-input catalogue as one table: every row runs the real binary and asserts
//! its exit code, that nothing panicked, and that no raw control or bidi character reached the
//! output. Rows run `decode` (which never judges validity) and `verify` (which must refuse).

use crate::support::{b64, hmac_sha256, jwtctl, text};
use std::path::PathBuf;

/// The operator's secret in every `verify` row.
const SECRET: &[u8] = b"hostile-table-secret-0123456789abcdef";
/// An instant after every `iat` and before every `exp` used below.
const AT: &str = "2026-11-23T10:00:00Z";
const FUTURE: i64 = 1_900_000_000;

/// An HS256-signed token from raw header and claims text (signed whatever `alg` says).
fn signed(header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    format!("{input}.{}", b64(hmac_sha256(SECRET, input.as_bytes())))
}

/// A token from raw segments' bytes, signed over whatever they are.
fn signed_bytes(header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    format!("{input}.{}", b64(hmac_sha256(SECRET, input.as_bytes())))
}

/// A token whose payload's last base64url character has an unused low bit set: lenient
/// decoders read the same bytes, a strict one must refuse.
fn non_canonical(header: &str, claims: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut payload = b64(claims).into_bytes();
    assert!(payload.len() % 4 >= 2, "the claims must leave unused bits");
    let last = payload.last_mut().unwrap();
    let index = ALPHABET.iter().position(|c| c == last).unwrap();
    *last = ALPHABET[index ^ 1];
    format!(
        "{}.{}.c2ln",
        b64(header),
        String::from_utf8(payload).unwrap()
    )
}

fn good_claims() -> String {
    format!(r#"{{"sub":"u1","exp":{FUTURE}}}"#)
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// How a row passes its input.
enum Input {
    /// As the positional argument.
    Arg(String),
    /// On stdin.
    Stdin(Vec<u8>),
}

struct Row {
    name: &'static str,
    input: Input,
    /// Extra `verify` arguments (the key); `None` means the default `--secret-env S`.
    keys: Option<Vec<String>>,
    /// Extra arguments for both commands.
    extra: Vec<String>,
    decode: i32,
    verify: i32,
}

fn row(name: &'static str, token: String, decode: i32, verify: i32) -> Row {
    Row {
        name,
        input: Input::Arg(token),
        keys: None,
        extra: Vec::new(),
        decode,
        verify,
    }
}

fn catalogue() -> Vec<Row> {
    let h = r#"{"alg":"HS256","typ":"JWT"}"#;
    let c = good_claims();
    let mut rows = vec![
        row("baseline: a good token", signed(h, &c), 0, 0),
        // alg: none in any casing, missing, unknown, lower-case: never verifies.
        row(
            "alg none, empty signature",
            format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(&c)),
            0,
            1,
        ),
        row(
            "alg None (signed anyway)",
            signed(r#"{"alg":"None"}"#, &c),
            0,
            1,
        ),
        row("alg NONE", signed(r#"{"alg":"NONE"}"#, &c), 0, 1),
        row("alg nOnE", signed(r#"{"alg":"nOnE"}"#, &c), 0, 1),
        row("alg missing", signed(r#"{"typ":"JWT"}"#, &c), 0, 4),
        row("alg unknown HS1", signed(r#"{"alg":"HS1"}"#, &c), 0, 1),
        row(
            "alg lower-case hs256",
            signed(r#"{"alg":"hs256"}"#, &c),
            0,
            1,
        ),
        row("alg not a string", signed(r#"{"alg":256}"#, &c), 0, 4),
        // crit in any form, b64: refused by verify, warned by decode.
        row(
            "crit [exp]",
            signed(r#"{"alg":"HS256","crit":["exp"]}"#, &c),
            0,
            4,
        ),
        row("crit []", signed(r#"{"alg":"HS256","crit":[]}"#, &c), 0, 4),
        row(
            "crit string",
            signed(r#"{"alg":"HS256","crit":"exp"}"#, &c),
            0,
            4,
        ),
        row(
            "crit null",
            signed(r#"{"alg":"HS256","crit":null}"#, &c),
            0,
            4,
        ),
        row(
            "b64 false with crit",
            signed(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, &c),
            0,
            4,
        ),
        row(
            "b64 alone",
            signed(r#"{"alg":"HS256","b64":true}"#, &c),
            0,
            4,
        ),
        // Embedded keys: never fetched, never trusted; the operator's key decides.
        row(
            "jwk in header",
            signed(r#"{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}"#, &c),
            0,
            0,
        ),
        row(
            "jku in header",
            signed(r#"{"alg":"HS256","jku":"http://127.0.0.1:9/k"}"#, &c),
            0,
            0,
        ),
        row(
            "x5u in header",
            signed(r#"{"alg":"HS256","x5u":"http://127.0.0.1:9/c"}"#, &c),
            0,
            0,
        ),
        row(
            "x5c in header",
            signed(r#"{"alg":"HS256","x5c":["MIIB"]}"#, &c),
            0,
            0,
        ),
        // Duplicate members.
        row(
            "duplicate header member",
            signed(r#"{"alg":"HS256","alg":"none"}"#, &c),
            4,
            4,
        ),
        row(
            "duplicate claim",
            signed(h, r#"{"sub":"a","sub":"b"}"#),
            4,
            4,
        ),
        row(
            "duplicate claim via escape",
            signed(h, r#"{"sub":"a","\u0073ub":"b"}"#),
            4,
            4,
        ),
        row(
            "duplicate nested member",
            signed(h, r#"{"a":{"k":1,"k":2}}"#),
            4,
            4,
        ),
        // Empty signature on an HMAC token.
        row("empty signature", format!("{}.{}.", b64(h), b64(&c)), 0, 1),
        // Segment counts and dots.
        row("2 segments", format!("{}.{}", b64(h), b64(&c)), 4, 4),
        row("4 segments", format!("{}.x", signed(h, &c)), 4, 4),
        row(
            "5 segments (JWE)",
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d".into(),
            4,
            4,
        ),
        row("6 segments", format!("{}.x.y.z", signed(h, &c)), 4, 4),
        row("leading dot", format!(".{}", signed(h, &c)), 4, 4),
        row("trailing dot", format!("{}.", signed(h, &c)), 4, 4),
        // Base64url strictness.
        row("padding", format!("{}=", signed(h, &c)), 4, 4),
        row(
            "standard base64 alphabet",
            signed(h, &c).replace('-', "+").replace('_', "/") + "+/",
            4,
            4,
        ),
        row(
            "whitespace inside",
            {
                let t = signed(h, &c);
                format!("{} {}", &t[..10], &t[10..])
            },
            4,
            4,
        ),
        row("non-canonical trailing bits", non_canonical(h, &c), 4, 4),
        // Payload shapes.
        row("payload is an array", signed(h, "[1,2]"), 4, 4),
        row("payload is a string", signed(h, r#""sub""#), 4, 4),
        row(
            "payload with trailing garbage",
            signed(h, &format!("{c} x")),
            4,
            4,
        ),
        row(
            "payload with a BOM",
            signed_bytes(h.as_bytes(), format!("\u{feff}{c}").as_bytes()),
            4,
            4,
        ),
        row(
            "payload not UTF-8",
            signed_bytes(h.as_bytes(), b"{\"sub\":\"\xff\"}"),
            4,
            4,
        ),
        row("lone surrogate", signed(h, r#"{"sub":"\ud800"}"#), 4, 4),
        // Hostile text that must be escaped, not rejected.
        row(
            "NUL in a claim",
            signed(h, &format!(r#"{{"sub":"a\u0000b","exp":{FUTURE}}}"#)),
            0,
            0,
        ),
        row(
            "ESC sequence in a claim",
            signed(
                h,
                &format!(r#"{{"sub":"\u001b[2J\u001b]0;owned\u0007","exp":{FUTURE}}}"#),
            ),
            0,
            0,
        ),
        row(
            "raw bidi override in a claim",
            signed(
                h,
                &format!("{{\"sub\":\"admin\u{202e}nimda\",\"exp\":{FUTURE}}}"),
            ),
            0,
            0,
        ),
        row(
            "C1 control (CSI) in kid",
            signed("{\"alg\":\"HS256\",\"kid\":\"k\u{9b}31m\"}", &c),
            0,
            0,
        ),
    ];
    // Deep nesting, on stdin (too long for argv) with a size cap that lets it through.
    rows.push(Row {
        name: "100,000-deep nested array",
        input: Input::Stdin(
            signed(
                h,
                &format!(r#"{{"a":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000)),
            )
            .into_bytes(),
        ),
        keys: None,
        extra: vec!["--max-size".into(), "1M".into()],
        decode: 4,
        verify: 4,
    });
    // Time claims of the wrong type: decode warns (exit 0), verify rejects the claims (3).
    for (claim, value) in [
        ("exp", r#""1900000000""#),
        ("exp", "null"),
        ("exp", "true"),
        ("exp", "-1"),
        ("exp", "1e308"),
        ("exp", "9223372036854775808"),
        ("exp", "99999999999999999999999"),
        ("nbf", r#""0""#),
        ("nbf", "1e308"),
        ("iat", "null"),
        ("iat", "-5"),
        ("iat", "18446744073709551616"),
    ] {
        let claims = format!(r#"{{"sub":"u1","{claim}":{value}}}"#);
        rows.push(Row {
            name: "time claim of the wrong type",
            input: Input::Arg(signed(h, &claims)),
            keys: None,
            extra: Vec::new(),
            decode: 0,
            verify: 3,
        });
    }
    // A fractional NumericDate is allowed by RFC 7519 (floored): accepted on purpose.
    rows.push(row(
        "fractional exp (accepted on purpose)",
        signed(h, &format!(r#"{{"sub":"u1","exp":{FUTURE}.5}}"#)),
        0,
        0,
    ));
    // Oversized input arrives on stdin (argv cannot carry 10 MB).
    let huge = format!("{}.{}.", b64(h), "A".repeat(10 * 1024 * 1024));
    rows.push(Row {
        name: "10 MB token on stdin",
        input: Input::Stdin(huge.into_bytes()),
        keys: None,
        extra: Vec::new(),
        decode: 4,
        verify: 4,
    });
    rows.push(Row {
        name: "a token of 100,000 dots on stdin",
        input: Input::Stdin(".".repeat(100_000).into_bytes()),
        keys: None,
        extra: vec!["--max-size".into(), "1M".into()],
        decode: 4,
        verify: 4,
    });
    // Key confusion: public keys handed over as HMAC secrets are refused before any token.
    for (name, file) in [
        ("RSA public key as HMAC secret", "rfc7638-rsa-public.pem"),
        ("EC public key as HMAC secret", "ec-p256-public.pem"),
        ("JWK as HMAC secret", "rsa-ps512.jwk.json"),
    ] {
        rows.push(Row {
            name,
            input: Input::Arg(signed(h, &c)),
            keys: Some(vec!["--secret-file".into(), fixture(file)]),
            extra: Vec::new(),
            decode: 0,
            verify: 5,
        });
    }
    // One key, one algorithm: a PS512-pinned RSA key never checks an RS256 token.
    rows.push(Row {
        name: "PS512 key with an RS256 token",
        input: Input::Arg(format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256"}"#),
            b64(&c),
            b64([7u8; 256])
        )),
        keys: Some(vec!["--key".into(), fixture("rsa-ps512.jwk.json")]),
        extra: Vec::new(),
        decode: 0,
        verify: 1,
    });
    rows
}

fn run(command: &str, row: &Row) -> (i32, Vec<u8>, Vec<u8>) {
    let mut cmd = jwtctl();
    cmd.arg(command).args(["--at", AT]).args(&row.extra);
    if command == "verify" {
        match &row.keys {
            Some(keys) => cmd.args(keys),
            None => cmd
                .args(["--secret-env", "S"])
                .env("S", std::str::from_utf8(SECRET).unwrap()),
        };
    }
    match &row.input {
        Input::Arg(token) => {
            cmd.arg(token);
        }
        Input::Stdin(bytes) => {
            cmd.write_stdin(bytes.clone());
        }
    }
    let output = cmd.output().expect("jwtctl runs");
    let code = output.status.code().unwrap_or(-1);
    (code, output.stdout, output.stderr)
}

/// No raw C0/C1 control (but newline), DEL or bidi/invisible formatting character.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn the_bad_input_catalogue() {
    let mut failures = Vec::new();
    for row in catalogue() {
        for (command, expected) in [("decode", row.decode), ("verify", row.verify)] {
            for json in [false, true] {
                let mut row_json = Row {
                    name: row.name,
                    input: match &row.input {
                        Input::Arg(t) => Input::Arg(t.clone()),
                        Input::Stdin(b) => Input::Stdin(b.clone()),
                    },
                    keys: row.keys.clone(),
                    extra: row.extra.clone(),
                    decode: row.decode,
                    verify: row.verify,
                };
                if json {
                    row_json.extra.push("--json".into());
                }
                let (code, stdout, stderr) = run(command, &row_json);
                let (out, err) = (
                    String::from_utf8_lossy(&stdout),
                    String::from_utf8_lossy(&stderr),
                );
                let what = format!(
                    "{} | {command}{}",
                    row.name,
                    if json { " --json" } else { "" }
                );
                if code != expected {
                    failures.push(format!(
                        "{what}: exit {code}, expected {expected}\n  stderr: {err}"
                    ));
                }
                if err.contains("panicked") || code == 101 {
                    failures.push(format!("{what}: PANIC\n{err}"));
                }
                if out.chars().chain(err.chars()).any(unsafe_char) {
                    failures.push(format!("{what}: raw control/bidi character in the output"));
                }
                if json {
                    for line in out.lines() {
                        if serde_json::from_str::<serde_json::Value>(line).is_err() {
                            failures.push(format!("{what}: stdout line is not JSON: {line:.80}"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_huge_leeway_is_a_usage_error_not_an_overflow() {
    let token = signed(r#"{"alg":"HS256"}"#, &good_claims());
    for leeway in ["99999999999999999999", "9223372036854775807", "-1", "1e12"] {
        let output = jwtctl()
            .args(["verify", "--secret-env", "S", "--leeway", leeway, &token])
            .env("S", std::str::from_utf8(SECRET).unwrap())
            .output()
            .unwrap();
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--leeway {leeway}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn keys_named_by_the_token_are_ignored_and_said_to_be() {
    for (member, value) in [
        ("jwk", r#"{"kty":"oct","k":"AA"}"#),
        ("jku", r#""http://127.0.0.1:9/keys""#),
        ("x5u", r#""http://127.0.0.1:9/cert""#),
        ("x5c", r#"["MIIB"]"#),
    ] {
        let token = signed(
            &format!(r#"{{"alg":"HS256","{member}":{value}}}"#),
            &good_claims(),
        );
        for json in [false, true] {
            let mut cmd = jwtctl();
            cmd.args(["verify", "--at", AT, "--secret-env", "S"])
                .env("S", std::str::from_utf8(SECRET).unwrap());
            if json {
                cmd.arg("--json");
            }
            let output = cmd.arg(&token).output().unwrap();
            let out = text(&output.stdout);
            assert_eq!(output.status.code(), Some(0), "{member}: {out}");
            assert!(
                out.contains(&format!("`{member}` ignored")),
                "{member}: {out}"
            );
        }
    }
}

#[test]
fn endless_key_sources_fail_at_once() {
    // Before a size cap, `--key /dev/zero` read until memory ran out.
    let token = signed(r#"{"alg":"HS256"}"#, &good_claims());
    for args in [
        vec!["verify", "--key", "/dev/zero"],
        vec!["verify", "--secret-file", "/dev/urandom"],
        vec!["fingerprint", "--secret-file", "/dev/zero"],
    ] {
        let mut cmd = jwtctl();
        cmd.args(&args);
        if args[0] == "verify" {
            cmd.arg(&token);
        }
        let output = cmd.output().unwrap();
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("not a key or secret"), "{args:?}: {err}");
    }
}
