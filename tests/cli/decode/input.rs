//! Every form a token can arrive in: argument or stdin, bare or wrapped in what people paste.

use crate::schema::{self, JsonLine};
use crate::support::{decode_with, good_token, text};

/// Assert one decoded result for [`good_token`] on line 1.
#[track_caller]
fn assert_good(line: &JsonLine, form: &str) {
    let decoded = line.decoded();
    assert_eq!(decoded.kind, "decoded", "{form}");
    assert_eq!(decoded.line, 1, "{form}");
    assert_eq!(decoded.header["alg"], "HS256", "{form}");
    assert_eq!(decoded.claim("sub"), "user-42", "{form}");
    assert_eq!(decoded.signature.bytes, 32, "{form}");
    assert!(
        decoded.warnings.is_empty(),
        "{form}: {:?}",
        decoded.warnings
    );
}

#[test]
fn every_pasted_form_as_an_argument() {
    let t = good_token();
    let forms = [
        ("bare token", t.clone()),
        ("Bearer scheme", format!("Bearer {t}")),
        ("lower-case scheme, two spaces", format!("bearer  {t}")),
        ("Authorization header", format!("Authorization: Bearer {t}")),
        ("header without space", format!("authorization:Bearer {t}")),
        (
            "log line",
            format!(
                r#"2026-11-23T09:59:58Z WARN GET /api/orders 401 remote=10.0.0.7 auth="Bearer {t}" ua="curl/8.5""#
            ),
        ),
        (
            "JSON log line",
            format!(r#"{{"level":"warn","status":401,"authorization":"Bearer {t}"}}"#),
        ),
        (
            "log line with an ey-word first",
            format!("GET https://eyes.example.com/v1 401 token={t}"),
        ),
        ("sentence ending after the token", format!("rejected {t}.")),
        ("one trailing newline", format!("{t}\n")),
        ("one trailing CRLF", format!("{t}\r\n")),
    ];
    for (form, arg) in forms {
        let assert = decode_with(["--json", &arg]).assert().code(0);
        let output = assert.get_output();
        assert_good(&schema::single(&output.stdout), form);
        assert!(output.stderr.is_empty(), "{form}: {}", text(&output.stderr));
    }
}

#[test]
fn human_output_for_a_bare_token() {
    let assert = decode_with([good_token()]).assert().code(0);
    let stdout = text(&assert.get_output().stdout);
    for needle in [
        "Header\n",
        r#"    "alg": "HS256","#,
        "Claims\n",
        r#"    "sub": "user-42","#,
        "Times (at 2026-11-23T10:00:00Z)\n",
        "Signature\n  signature NOT verified (alg HS256 from the header, 32 bytes)\n",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing:\n{stdout}");
    }
    assert!(!stdout.contains("Warnings"), "{stdout}");
    assert!(
        !stdout.contains("── line"),
        "one token is not a batch:\n{stdout}"
    );
    assert!(stdout.ends_with('\n'));
    assert!(assert.get_output().stderr.is_empty());
}

#[test]
fn stdin_with_dash_and_without_an_argument() {
    let t = good_token();
    for (form, args, input) in [
        ("dash", vec!["--json", "-"], format!("{t}\n")),
        ("no argument", vec!["--json"], format!("{t}\n")),
        ("no trailing newline", vec!["--json"], t.clone()),
        ("CRLF", vec!["--json", "-"], format!("{t}\r\n")),
        (
            "Authorization line",
            vec!["--json"],
            format!("Authorization: Bearer {t}\r\n"),
        ),
    ] {
        let assert = decode_with(args).write_stdin(input).assert().code(0);
        assert_good(&schema::single(&assert.get_output().stdout), form);
    }
}

#[test]
fn a_single_line_on_stdin_is_not_a_batch() {
    let assert = decode_with(["-"])
        .write_stdin(format!("{}\n", good_token()))
        .assert()
        .code(0);
    let stdout = text(&assert.get_output().stdout);
    assert!(stdout.starts_with("Header\n"), "{stdout}");
    assert!(!stdout.contains("── line"), "{stdout}");
}

#[test]
fn crlf_batch_on_stdin() {
    let t = good_token();
    let assert = decode_with(["--json"])
        .write_stdin(format!("{t}\r\nBearer {t}\r\n"))
        .assert()
        .code(0);
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 2);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line.line(), i as u64 + 1);
        assert_eq!(line.decoded().claim("sub"), "user-42");
    }
}

#[test]
fn only_one_trailing_newline_is_forgiven() {
    let t = good_token();
    let signature_len = t.rsplit('.').next().unwrap().len();
    for (form, arg) in [
        ("two newlines", format!("{t}\n\n")),
        ("trailing space", format!("{t} ")),
        ("space before the newline", format!("{t} \n")),
        ("trailing tab", format!("{t}\t")),
        ("after Bearer", format!("Bearer {t} ")),
        (
            "after an Authorization header",
            format!("Authorization: Bearer {t} \r\n"),
        ),
    ] {
        let assert = decode_with([&arg]).assert().code(4);
        let stderr = text(&assert.get_output().stderr);
        let expected = format!(
            "jwtctl: error: signature: whitespace at offset {signature_len} is not allowed inside a segment\n"
        );
        assert_eq!(stderr, expected, "{form}");
        assert!(assert.get_output().stdout.is_empty(), "{form}");
    }
}

#[test]
fn empty_stdin_is_an_error_not_an_empty_success() {
    // `if jwtctl verify < "$file"` must not succeed on an empty file.
    let assert = decode_with(vec!["-"]).write_stdin("").assert().code(4);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("stdin is empty"), "{stderr}");
    assert!(assert.get_output().stdout.is_empty());
}
