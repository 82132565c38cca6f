//! The bad-input catalogue: every class exits 4 and says which segment and what is wrong.

use crate::schema;
use crate::support::{b64, decode_with, good_token, hs256, raw_token, text};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;

struct Case {
    what: &'static str,
    input: String,
    segment: &'static str,
    code: &'static str,
    /// Must appear in the message.
    message: String,
}

fn case(
    what: &'static str,
    input: String,
    segment: &'static str,
    code: &'static str,
    message: impl Into<String>,
) -> Case {
    Case {
        what,
        input,
        segment,
        code,
        message: message.into(),
    }
}

const HEADER: &[u8] = br#"{"alg":"HS256","typ":"JWT"}"#;
const CLAIMS: &[u8] = br#"{"sub":"user-42"}"#;

fn h() -> String {
    b64(HEADER)
}

fn p() -> String {
    b64(CLAIMS)
}

fn with_payload(claims: &[u8]) -> String {
    raw_token(HEADER, claims, b"sig")
}

fn with_header(header: &[u8]) -> String {
    raw_token(header, CLAIMS, b"sig")
}

fn cases() -> Vec<Case> {
    let (h, p) = (h(), p());
    let padded_claims = URL_SAFE.encode(br#"{"sub":"u"}"#); // 11 bytes: one '=' of padding
    assert!(padded_claims.ends_with('='));
    let mut spaced_header = h.clone();
    spaced_header.insert(5, ' ');
    let mut tabbed_payload = p.clone();
    tabbed_payload.insert(3, '\t');
    let jwe_header = b64(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
    vec![
        case(
            "two segments",
            format!("{h}.{p}"),
            "token",
            "segments",
            "expected 3 dot-separated segments (header.payload.signature), found 2: truncated?",
        ),
        case(
            "four segments",
            format!("{h}.{p}.c2ln.c2ln"),
            "token",
            "segments",
            "expected 3 dot-separated segments (header.payload.signature), found 4",
        ),
        case(
            "five segments",
            format!("{jwe_header}.a2V5.aXY.Y2lwaGVy.dGFn"),
            "token",
            "jwe",
            "this is a JWE (alg RSA-OAEP, enc A256GCM): an encrypted token with 5 segments; \
             jwtctl does not decrypt",
        ),
        case(
            "empty header",
            format!(".{p}.c2ln"),
            "header",
            "empty",
            "empty segment",
        ),
        case(
            "empty header after Bearer",
            format!("Bearer .{p}.c2ln"),
            "header",
            "empty",
            "empty segment",
        ),
        case(
            "empty payload",
            format!("{h}..c2ln"),
            "payload",
            "empty",
            "empty segment",
        ),
        case(
            "padding",
            format!("{h}.{padded_claims}.c2ln"),
            "payload",
            "base64url",
            format!(
                "padding '=' at offset {}: JWT segments are unpadded base64url",
                padded_claims.len() - 1
            ),
        ),
        case(
            "plus",
            format!("{h}.{p}.{}", b64([0xfb, 0xef, 0xbe]).replace('-', "+")),
            "signature",
            "base64url",
            "'+' at offset 0: this is standard base64, JWTs use base64url ('-' and '_')",
        ),
        case(
            "slash",
            format!("{h}.{p}.{}", b64([0xff, 0xff, 0xff]).replace('_', "/")),
            "signature",
            "base64url",
            "'/' at offset 0: this is standard base64, JWTs use base64url ('-' and '_')",
        ),
        case(
            "space in the header",
            format!("{spaced_header}.{p}.c2ln"),
            "header",
            "base64url",
            "whitespace at offset 5 is not allowed inside a segment",
        ),
        case(
            "tab in the payload",
            format!("{h}.{tabbed_payload}.c2ln"),
            "payload",
            "base64url",
            "whitespace at offset 3 is not allowed inside a segment",
        ),
        case(
            "non-canonical trailing bits",
            format!("{h}.{p}.Zh"),
            "signature",
            "base64url",
            "non-canonical base64url at offset 1: the last character has unused bits set",
        ),
        case(
            "truncated segment",
            format!("{h}.{p}.c2lnX"),
            "signature",
            "base64url",
            "invalid base64url length 5",
        ),
        case(
            "invalid character",
            format!("{h}.{p}.c2*n"),
            "signature",
            "base64url",
            "invalid base64url character '*' at offset 2",
        ),
        case(
            "non-ASCII byte",
            format!("{h}.{p}.c2ln\u{e9}"),
            "signature",
            "base64url",
            "invalid base64url byte 0xc3 at offset 4",
        ),
        case(
            "payload is an array",
            with_payload(br#"[{"sub":"a"}]"#),
            "payload",
            "not_object",
            "is an array, not a JSON object",
        ),
        case(
            "payload is a string",
            with_payload(br#""user-42""#),
            "payload",
            "not_object",
            "is a string, not a JSON object",
        ),
        case(
            "header is null",
            with_header(b"null"),
            "header",
            "not_object",
            "is null, not a JSON object",
        ),
        case(
            "trailing garbage after the JSON",
            with_payload(br#"{"sub":"a"} x"#),
            "payload",
            "json",
            "invalid JSON: trailing characters at line 1 column 13",
        ),
        case(
            "two JSON objects",
            with_payload(br#"{"sub":"a"}{"sub":"b"}"#),
            "payload",
            "json",
            "invalid JSON: trailing characters",
        ),
        case(
            "trailing garbage after the token",
            format!("{} trailing words", good_token()),
            "signature",
            "base64url",
            "whitespace at offset 43 is not allowed inside a segment",
        ),
        case(
            "BOM before the payload JSON",
            with_payload(b"\xef\xbb\xbf{\"sub\":\"a\"}"),
            "payload",
            "json",
            "invalid JSON: starts with a byte order mark (BOM, EF BB BF)",
        ),
        case(
            "BOM before the header JSON",
            with_header(b"\xef\xbb\xbf{\"alg\":\"HS256\"}"),
            "header",
            "json",
            "byte order mark",
        ),
        case(
            "duplicate member in the header",
            with_header(br#"{"alg":"HS256","alg":"none"}"#),
            "header",
            "json",
            "invalid JSON: duplicate member `alg`",
        ),
        case(
            "duplicate member in the payload",
            with_payload(br#"{"sub":"alice","sub":"admin"}"#),
            "payload",
            "json",
            "invalid JSON: duplicate member `sub`",
        ),
        case(
            "nested duplicate member",
            with_payload(br#"{"ctx":{"role":"user","role":"admin"}}"#),
            "payload",
            "json",
            "invalid JSON: duplicate member `role`",
        ),
        case(
            "invalid UTF-8 in the payload JSON",
            with_payload(b"{\"sub\":\"\xff\"}"),
            "payload",
            "json",
            "invalid JSON: not UTF-8 (byte 0xff at offset 8)",
        ),
        case(
            "lone surrogate escape",
            with_payload(br#"{"sub":"\ud800"}"#),
            "payload",
            "json",
            "invalid JSON",
        ),
        case(
            "nesting bomb",
            with_payload(format!("{{\"a\":{}{}}}", "[".repeat(500), "]".repeat(500)).as_bytes()),
            "payload",
            "json",
            "JSON nested too deeply",
        ),
        case(
            "JWS JSON serialization",
            format!(r#"{{"payload":"{p}","protected":"{h}","signature":"c2ln"}}"#),
            "token",
            "json_serialization",
            "this is a JWS JSON serialization, not a compact token",
        ),
        case(
            "a line with no token",
            "user alice logged in from 10.0.0.7".into(),
            "token",
            "not_found",
            "no token found (expected a compact JWT such as eyJ...)",
        ),
        case(
            "Basic credentials",
            "Authorization: Basic dXNlcjpwYXNz".into(),
            "token",
            "not_found",
            "Authorization header does not carry a Bearer token",
        ),
        case(
            "empty argument",
            String::new(),
            "token",
            "empty",
            "empty input: no token",
        ),
    ]
}

#[test]
fn every_malformed_class_exits_4_naming_segment_and_problem() {
    for case in cases() {
        let what = case.what;

        let assert = decode_with([&case.input]).assert().code(4);
        let output = assert.get_output();
        assert!(output.stdout.is_empty(), "{what}: {}", text(&output.stdout));
        let stderr = text(&output.stderr);
        let prefix = match case.segment {
            "token" => "jwtctl: error: ".to_owned(),
            segment => format!("jwtctl: error: {segment}: "),
        };
        assert!(stderr.starts_with(&prefix), "{what}: {stderr:?}");
        assert!(stderr.contains(&case.message), "{what}: {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{what}: {stderr:?}");

        let assert = decode_with(["--json", &case.input]).assert().code(4);
        let line = schema::single(&assert.get_output().stdout);
        let error = line.error();
        assert_eq!(
            (error.line, error.exit_code, error.error.class.as_str()),
            (1, 4, "malformed"),
            "{what}"
        );
        assert_eq!(
            (error.error.segment.as_str(), error.error.code.as_str()),
            (case.segment, case.code),
            "{what}: {}",
            error.error.message
        );
        assert!(
            error.error.message.contains(&case.message),
            "{what}: {}",
            error.error.message
        );
    }
}

#[test]
fn the_same_catalogue_on_stdin_is_one_batch() {
    let cases = cases();
    let input: String = cases
        .iter()
        .filter(|c| !c.input.contains(['\n', '\r']))
        .map(|c| format!("{}\n", c.input))
        .collect();
    let assert = decode_with(["--json"]).write_stdin(input).assert().code(4);
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), cases.len());
    for (i, (line, case)) in lines.iter().zip(&cases).enumerate() {
        let error = line.error();
        assert_eq!(error.line, i as u64 + 1);
        assert_eq!(error.error.code, case.code, "{}", case.what);
    }
}

#[test]
fn max_size_rejects_and_a_larger_one_accepts() {
    let token = hs256(&format!(
        r#"{{"sub":"user-42","pad":"{}"}}"#,
        "x".repeat(2_000)
    ));
    assert!(token.len() > 2_048 && token.len() < 4_096);

    let assert = decode_with(["--max-size", "2K", &token]).assert().code(4);
    let stderr = text(&assert.get_output().stderr);
    let expected = format!(
        "jwtctl: error: token is {} bytes, over the 2048-byte limit (raise it with --max-size)\n",
        token.len()
    );
    assert_eq!(stderr, expected);

    let assert = decode_with(["--json", "--max-size", "2048", &token])
        .assert()
        .code(4);
    let line = schema::single(&assert.get_output().stdout);
    assert_eq!(
        (
            line.error().error.segment.as_str(),
            line.error().error.code.as_str()
        ),
        ("token", "too_large")
    );

    let assert = decode_with(["--json", "--max-size", "4K", &token])
        .assert()
        .code(0);
    let line = schema::single(&assert.get_output().stdout);
    assert_eq!(line.decoded().claim("sub"), "user-42");
}

#[test]
fn default_size_cap_is_64_kib() {
    let padded = |n: usize| hs256(&format!(r#"{{"pad":"{}"}}"#, "x".repeat(n)));
    let (at_limit, over) = (padded(49_081), padded(49_082));
    assert_eq!((at_limit.len(), over.len()), (65_536, 65_537));
    decode_with(["-q", &at_limit]).assert().code(0);
    let assert = decode_with(["--json", &over]).assert().code(4);
    let line = schema::single(&assert.get_output().stdout);
    assert_eq!(line.error().error.code, "too_large");
    assert!(
        line.error()
            .error
            .message
            .contains("over the 65536-byte limit")
    );
}

#[test]
fn an_overlong_stdin_line_is_reported_and_the_batch_goes_on() {
    let t = good_token();
    let input = format!("{t}\n{}\n{t}\n", "e".repeat(3 << 20));
    let assert = decode_with(["--json"]).write_stdin(input).assert().code(4);
    let lines = schema::parse_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0].decoded().claim("sub"), "user-42");
    assert_eq!(lines[1].error().error.code, "too_large");
    assert_eq!(lines[1].line(), 2);
    assert_eq!(lines[2].decoded().claim("sub"), "user-42");
    assert_eq!(lines[2].line(), 3);
}
