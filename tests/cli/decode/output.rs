//! What reaches the streams: colour rules, escaping of attacker-controlled text, `--quiet`.

use crate::schema;
use crate::support::{LATER, contains_bytes, decode_with, good_token, raw_token, text};

const ESC: &[u8] = b"\x1b";
const RLO: &[u8] = "\u{202e}".as_bytes();

/// A token whose `expired` warning makes the renderer paint in several roles.
fn expired_token() -> String {
    raw_token(br#"{"alg":"HS256"}"#, br#"{"sub":"a","exp":1}"#, b"s")
}

mod colour {
    use super::*;

    #[test]
    fn always_colours_even_when_piped() {
        let assert = decode_with(["--color", "always", &expired_token()])
            .assert()
            .code(0);
        let stdout = &assert.get_output().stdout;
        assert!(contains_bytes(stdout, b"\x1b["), "{}", text(stdout));
        // Still the same content underneath the escapes.
        assert!(text(stdout).contains("expired"));

        let assert = decode_with(["--color", "always", "not a token"])
            .assert()
            .code(4);
        let stderr = &assert.get_output().stderr;
        assert!(contains_bytes(stderr, b"\x1b["), "{}", text(stderr));
    }

    #[test]
    fn explicit_always_beats_no_color() {
        let assert = decode_with(["--color", "always", &expired_token()])
            .env("NO_COLOR", "1")
            .assert()
            .code(0);
        assert!(contains_bytes(&assert.get_output().stdout, b"\x1b["));
    }

    #[test]
    fn no_escapes_when_auto_and_piped_or_no_color_or_never() {
        let token = expired_token();
        let configs: [(&str, &[&str], Option<&str>); 4] = [
            ("default (auto), piped", &[], None),
            ("explicit auto, piped", &["--color", "auto"], None),
            ("NO_COLOR=1 with auto", &["--color", "auto"], Some("1")),
            ("never", &["--color", "never"], None),
        ];
        // A token (painted headings and warnings), a malformed one (painted `error:` on
        // stderr) and a batch (dimmed `── line N ──` headings).
        let runs: [(&str, Option<&str>, Option<String>, i32); 3] = [
            ("token", Some(&token), None, 0),
            ("malformed", Some("nope"), None, 4),
            ("batch", None, Some(format!("{token}\nnope\n")), 4),
        ];
        for (config, flags, no_color) in configs {
            for (run, arg, stdin, code) in &runs {
                let mut cmd = decode_with(flags);
                cmd.args(arg);
                if let Some(value) = no_color {
                    cmd.env("NO_COLOR", value);
                }
                if let Some(input) = stdin {
                    cmd.write_stdin(input.as_str());
                }
                let assert = cmd.assert().code(*code);
                let output = assert.get_output();
                let what = format!("{config}, {run}");
                assert!(!output.stdout.is_empty() || *run == "malformed", "{what}");
                assert!(
                    !contains_bytes(&output.stdout, ESC),
                    "{what}: {}",
                    text(&output.stdout)
                );
                assert!(
                    !contains_bytes(&output.stderr, ESC),
                    "{what}: {}",
                    text(&output.stderr)
                );
            }
        }
    }

    #[test]
    fn json_is_never_coloured() {
        let assert = decode_with(["--color", "always", "--json", &expired_token()])
            .assert()
            .code(0);
        let stdout = &assert.get_output().stdout;
        assert!(!contains_bytes(stdout, ESC), "{}", text(stdout));
        schema::single(stdout);
    }
}

mod escaping {
    use super::*;

    const SUB: &str = "\u{1b}[2J";
    const NAME: &str = "evil\u{202e}gnp.exe";
    const KID: &str = "\u{1b}]0;owned\u{7}";

    /// ESC sequences (clear screen, set title + BEL) and a right-to-left override, written both
    /// as JSON escapes and as raw UTF-8 inside the token.
    fn hostile_token() -> String {
        let header = r#"{"alg":"HS256","kid":"\u001b]0;owned\u0007"}"#;
        let claims = format!(r#"{{"sub":"\u001b[2J","name":"{NAME}","exp":{LATER}}}"#);
        raw_token(header.as_bytes(), claims.as_bytes(), b"s")
    }

    #[track_caller]
    fn assert_nothing_raw(bytes: &[u8]) {
        for raw in [ESC, RLO, b"\x07"] {
            assert!(
                !contains_bytes(bytes, raw),
                "raw {raw:?} in:\n{}",
                text(bytes)
            );
        }
    }

    #[test]
    fn human_output_shows_escapes_not_raw_characters() {
        let assert = decode_with([&hostile_token()]).assert().code(0);
        let stdout = &assert.get_output().stdout;
        assert_nothing_raw(stdout);
        let stdout = text(stdout);
        for escaped in [
            r#""sub": "\u001b[2J""#,
            r#""name": "evil\u202egnp.exe""#,
            r#""kid": "\u001b]0;owned\u0007""#,
            "warning: header or claims contain control or bidirectional characters",
        ] {
            assert!(stdout.contains(escaped), "{escaped:?} missing:\n{stdout}");
        }
    }

    #[test]
    fn json_output_escapes_and_round_trips() {
        let assert = decode_with(["--json", &hostile_token()]).assert().code(0);
        let stdout = &assert.get_output().stdout;
        assert_nothing_raw(stdout);
        let raw_text = text(stdout);
        assert!(raw_text.contains(r"\u001b[2J"), "{raw_text}");
        assert!(raw_text.contains(r"evil\u202egnp.exe"), "{raw_text}");
        let line = schema::single(stdout);
        let decoded = line.decoded();
        assert_eq!(decoded.claim("sub"), SUB);
        assert_eq!(decoded.claim("name"), NAME);
        assert_eq!(decoded.header["kid"], KID);
        assert_eq!(decoded.warning_codes(), ["control_characters"]);
    }

    #[test]
    fn hostile_alg_is_escaped_in_the_signature_line_and_the_warning() {
        let token = raw_token(
            br#"{"alg":"\u001b[31mHS256\u202e"}"#,
            format!(r#"{{"exp":{LATER}}}"#).as_bytes(),
            b"s",
        );
        let assert = decode_with([&token]).assert().code(0);
        let stdout = &assert.get_output().stdout;
        assert_nothing_raw(stdout);
        let stdout = text(stdout);
        assert!(
            stdout.contains(r"(alg \u{1b}[31mHS256\u{202e} from the header, 1 bytes)"),
            "{stdout}"
        );
        assert!(
            stdout.contains(
                r"warning: alg `\u{1b}[31mHS256\u{202e}` is not a registered JWS algorithm"
            ),
            "{stdout}"
        );
    }

    #[test]
    fn error_messages_quoting_the_token_are_escaped() {
        // The duplicate member's name is attacker-controlled and quoted in the message.
        let token = raw_token(
            br#"{"alg":"HS256","\u001b[2J\u202e":1,"\u001b[2J\u202e":2}"#,
            b"{}",
            b"s",
        );
        let assert = decode_with([&token]).assert().code(4);
        let stderr = &assert.get_output().stderr;
        assert_nothing_raw(stderr);
        assert!(
            text(stderr).contains(r"header: invalid JSON: duplicate member `\u{1b}[2J\u{202e}`"),
            "{}",
            text(stderr)
        );

        let assert = decode_with(["--json", &token]).assert().code(4);
        let stdout = &assert.get_output().stdout;
        assert_nothing_raw(stdout);
        let line = schema::single(stdout);
        assert!(
            line.error()
                .error
                .message
                .contains("duplicate member `\u{1b}[2J\u{202e}`"),
            "JSON keeps the original text, escaped only in transit"
        );
    }

    #[test]
    fn a_payload_that_is_not_json_is_escaped_bytewise() {
        let token = raw_token(br#"{"alg":"HS256"}"#, b"hi\x1b[2J\xff\xe2\x80\xae", b"s");
        let assert = decode_with(["--any-payload", &token]).assert().code(0);
        let stdout = &assert.get_output().stdout;
        assert_nothing_raw(stdout);
        assert!(
            text(stdout).contains(
                r"Payload (not JSON)
  hi\u{1b}[2J\xff\u{202e}"
            ),
            "{}",
            text(stdout)
        );
    }
}

mod quiet {
    use super::*;

    #[test]
    fn quiet_prints_nothing_and_answers_with_the_exit_code() {
        let good = good_token();
        for flags in [vec!["-q"], vec!["--quiet"], vec!["-q", "--json"]] {
            let mut args = flags.clone();
            args.push(&good);
            let assert = decode_with(&args).assert().code(0);
            assert!(assert.get_output().stdout.is_empty(), "{flags:?}");
            assert!(assert.get_output().stderr.is_empty(), "{flags:?}");

            let mut args = flags.clone();
            args.push("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0");
            let assert = decode_with(&args).assert().code(4);
            assert!(assert.get_output().stdout.is_empty(), "{flags:?}");
        }
    }

    #[test]
    fn quiet_human_still_explains_a_malformed_token_on_stderr() {
        let assert = decode_with(["-q", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"])
            .assert()
            .code(4);
        assert_eq!(
            text(&assert.get_output().stderr),
            "jwtctl: error: expected 3 dot-separated segments (header.payload.signature), \
             found 2: truncated?\n"
        );
    }

    #[test]
    fn quiet_batch_prints_no_headings() {
        let good = good_token();
        let assert = decode_with(["-q"])
            .write_stdin(format!("{good}\n{good}\n"))
            .assert()
            .code(0);
        assert!(assert.get_output().stdout.is_empty());
        let assert = decode_with(["--quiet"])
            .write_stdin(format!("{good}\nnope\n{good}\n"))
            .assert()
            .code(4);
        assert!(assert.get_output().stdout.is_empty());
    }

    #[test]
    fn quiet_before_the_subcommand_works_too() {
        let assert = crate::support::jwtctl()
            .args(["-q", "decode", &good_token()])
            .assert()
            .code(0);
        assert!(assert.get_output().stdout.is_empty());
    }
}
