//! What verify prints where: the report, `--quiet`, notices on stderr, key errors, help.

use super::{CHECKS, Session, hs256, hs256_with};
use crate::support::{LATER, b64, jwtctl, text};

const SECRET: &[u8] = b"output-test-secret-7d2f0a9c41e8b6";

fn good() -> String {
    hs256(SECRET, &format!(r#"{{"sub":"user-42","exp":{LATER}}}"#))
}

#[test]
fn a_valid_token_reports_every_check_and_the_key_that_matched() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let (human, report) = s.both(&["--secret-file", &format!("current={file}"), &good()], 0);
    for name in CHECKS {
        human.check_line(name);
    }
    assert!(
        human
            .check_line("signature")
            .contains("pass  signature  matches `current` (sha256:")
    );
    assert!(human.check_line("exp").contains("expires in 1h"), "{human}");
    assert!(
        human.stdout.contains("Verdict: VALID: signed by `current`"),
        "{human}"
    );
    assert!(!human.stdout.contains("Next step"), "{human}");
    assert!(human.stderr.is_empty(), "{human}");
    assert_eq!(report.line, 1);
    assert!(report.valid);
    assert_eq!(report.matched_key.unwrap().label, "current");
    assert!(report.diagnosis.is_empty() && report.next_step.is_none());
}

#[test]
fn quiet_prints_nothing_and_exits_with_the_verdict() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let expired = hs256(SECRET, r#"{"exp":1}"#);
    let forged = hs256(b"some-other-secret-entirely-1234", "{}");
    for (token, code) in [(good(), 0), (forged, 1), (expired, 3), ("x.y".into(), 4)] {
        for quiet in ["-q", "--quiet"] {
            let run = s.verify([quiet, "--secret-file", &file, &token]).run();
            assert_eq!(run.code, code, "{run}");
            assert!(run.stdout.is_empty(), "{run}");
            if code != 4 {
                assert!(run.stderr.is_empty(), "{run}");
            }
        }
    }
}

#[test]
fn no_key_at_all_is_exit_5_with_hints() {
    let mut s = Session::new();
    let run = s.verify([good()]).run();
    assert_eq!(run.code, 5, "{run}");
    assert!(run.stdout.is_empty());
    for hint in ["--secret-env", "--secret-file", "--key", "JWT_SECRET"] {
        assert!(run.stderr.contains(hint), "{hint}: {run}");
    }
}

#[test]
fn notices_and_warnings_go_to_stderr_never_stdout() {
    let mut s = Session::new();
    s.secret(SECRET);
    let secret = String::from_utf8(SECRET.to_vec()).unwrap();
    let run = s.verify(["--json", "--secret", &secret, &good()]).run();
    assert_eq!(run.code, 0, "{run}");
    run.single();
    assert!(run.stderr.contains("shell history"), "{run}");

    // A placeholder secret is shorter than the hash: refused (exit 5, the lengths named);
    // with --allow-weak-key it is used, flagged, and never shown.
    s.secret(b"your-256-bit-secret");
    let weak = hs256_with(b"your-256-bit-secret", r#"{"alg":"HS256"}"#, "{}");
    let run = s
        .verify(["--json", &weak])
        .env("JWT_SECRET", "your-256-bit-secret")
        .run();
    assert_eq!(run.code, 5, "{run}");
    assert!(
        run.stdout
            .contains("19 bytes, shorter than the 32-byte hash output"),
        "{run}"
    );
    let run = s
        .verify(["--json", "--allow-weak-key", &weak])
        .env("JWT_SECRET", "your-256-bit-secret")
        .run();
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("a WEAK key: 19 bytes"), "{run}");
    run.single();
    assert!(
        run.stderr.contains("using the secret in $JWT_SECRET"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("is weak: it is a well-known placeholder"),
        "{run}"
    );
}

#[test]
fn unusable_key_sources_are_exit_5() {
    let mut s = Session::new();
    let pem = s.file(
        "public.pem",
        b"-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----\n",
    );
    // A public key passed as an HMAC secret: the key-confusion attack, refused.
    let run = s.verify(["--secret-file", &pem, &good()]).run();
    assert_eq!(run.code, 5, "{run}");
    assert!(run.stderr.contains("key-confusion"), "{run}");
    let missing = s.path("missing.key");
    let run = s
        .verify(["--secret-file", missing.to_str().unwrap(), &good()])
        .run();
    assert_eq!(run.code, 5, "{run}");
    let run = s.verify(["--secret-env", "NOT_SET", &good()]).run();
    assert_eq!(run.code, 5, "{run}");
    assert!(run.stderr.contains("NOT_SET is not set"), "{run}");
}

#[test]
fn usage_errors_are_exit_2() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    for bad in [
        vec!["--leeway", "400d"],
        vec!["--leeway", "-5"],
        vec!["--at", "yesterday"],
        vec!["--alg", "none"],
        vec!["--no-such-flag"],
    ] {
        let mut args = vec!["--secret-file", &file];
        args.extend(bad.iter().copied());
        let good = good();
        args.push(&good);
        let run = s.verify(args).run();
        assert_eq!(run.code, 2, "{bad:?}: {run}");
        assert!(run.stdout.is_empty(), "{bad:?}");
    }
    let secret = String::from_utf8(SECRET.to_vec()).unwrap();
    let run = s
        .verify(["--secret-stdin", "--secret", &secret])
        .stdin(good())
        .run();
    assert_eq!(run.code, 2, "stdin carries tokens, not the secret: {run}");
}

#[test]
fn header_features_a_verifier_must_refuse() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let crit = hs256_with(SECRET, r#"{"alg":"HS256","crit":["exp"]}"#, "{}");
    let (human, report) = s.both(&["--secret-file", &file, &crit], 4);
    assert!(
        human.check_line("structure").contains("RFC 7515 §4.1.11"),
        "{human}"
    );
    assert_eq!(report.verdict, "rejected");
    assert_eq!(report.codes(), ["crit"]);

    for alg in ["none", "NoNe"] {
        let unsigned = format!("{}.{}.", b64(format!(r#"{{"alg":"{alg}"}}"#)), b64("{}"));
        let (human, report) = s.both(&["--secret-file", &file, &unsigned], 1);
        assert!(
            human.check_line("algorithm").contains("never accepted"),
            "{human}"
        );
        assert_eq!(report.codes(), ["alg_none"]);
    }
}

#[test]
fn hostile_text_in_the_token_is_escaped() {
    let mut s = Session::new();
    let file = s.secret_file("jwt.key", SECRET);
    let token = hs256_with(
        SECRET,
        "{\"alg\":\"HS256\",\"typ\":\"\\u001b[2Jjwt\\u202e\"}",
        "{\"iss\":\"\\u001b]0;owned\\u0007\"}",
    );
    let args = ["--secret-file", &file, "--iss", "x", "--typ", "jwt", &token];
    let human = s.verify(args).run();
    assert_eq!(human.code, 3, "{human}");
    for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(
            !human.stdout.contains(raw),
            "{raw:?} reached the terminal: {human}"
        );
    }
    assert!(
        human.stdout.contains("\\u001b]0;owned"),
        "shown, escaped: {human}"
    );
    let json = s.verify(args).arg("--json").run();
    assert!(!json.stdout.contains('\u{1b}') && !json.stdout.contains('\u{202e}'));
    json.single();
}

#[test]
fn verify_help_shows_examples_and_exit_codes() {
    let assert = jwtctl().args(["verify", "--help"]).assert().code(0);
    let stdout = text(&assert.get_output().stdout);
    for needle in [
        "Examples:",
        "jwtctl verify --secret-env JWT_SECRET",
        "--secret-file current=",
        "--jwks https://",
        "--at 2026-11-23T10:00:00Z --leeway 30",
        "| jwtctl verify --json",
        "Exit status:",
        "signature matches no given key",
        "Batches (many tokens on stdin)",
        "--require <CLAIM>",
    ] {
        assert!(stdout.contains(needle), "{needle:?}:\n{stdout}");
    }
}
