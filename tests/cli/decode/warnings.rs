//! Every warning `inspect` can raise shows in human and JSON output, and none of them changes
//! the exit code: decode never judges validity.

use crate::schema;
use crate::support::{AT_UNIX, LATER, b64, decode_with, raw_token, text};

struct Case {
    /// The warning codes expected, in order.
    codes: &'static [&'static str],
    header: String,
    claims: String,
    signature: &'static [u8],
    /// Extra arguments (`--any-payload`).
    args: &'static [&'static str],
    /// Text of the warning line in human output, after `warning: `.
    human: String,
}

fn case(codes: &'static [&'static str], header: &str, claims: &str, human: &str) -> Case {
    Case {
        codes,
        header: header.to_owned(),
        claims: claims.to_owned(),
        signature: b"not-a-real-signature",
        args: &[],
        human: human.to_owned(),
    }
}

const HS: &str = r#"{"alg":"HS256"}"#;

fn cases() -> Vec<Case> {
    let fresh = format!(r#"{{"exp":{LATER}}}"#);
    let embedded = |member: &str, value: &str| {
        case(
            &["embedded_key"],
            &format!(r#"{{"alg":"RS256","{member}":{value}}}"#),
            &fresh,
            &format!(
                "header carries `{member}`: a key chosen by the token's author; jwtctl never \
                 fetches or trusts it"
            ),
        )
    };
    vec![
        Case {
            signature: b"",
            ..case(
                &["alg_none", "empty_signature"],
                r#"{"alg":"none"}"#,
                &fresh,
                "alg is `none`: an unsigned token, never accepted (the algorithm comes from the \
                 key, not from the token)",
            )
        },
        case(
            &["alg_none"],
            r#"{"alg":"nOnE"}"#,
            &fresh,
            "alg is `nOnE`: an unsigned token, never accepted (the algorithm comes from the key, \
             not from the token)",
        ),
        case(
            &["alg_missing"],
            r#"{"typ":"JWT"}"#,
            &fresh,
            "the header has no usable `alg`: a JWS must name its algorithm (RFC 7515 §4.1.1)",
        ),
        case(
            &["alg_unknown"],
            r#"{"alg":"HS1"}"#,
            &fresh,
            "alg `HS1` is not a registered JWS algorithm",
        ),
        case(
            &["alg_not_string"],
            r#"{"alg":256}"#,
            &fresh,
            "alg is a number, not a string",
        ),
        Case {
            signature: b"",
            ..case(
                &["empty_signature"],
                HS,
                &fresh,
                "signature segment is empty",
            )
        },
        case(
            &["no_exp"],
            HS,
            r#"{"sub":"a"}"#,
            "no `exp`: the token never expires; it dies only when the signing key changes",
        ),
        case(
            &["expired"],
            HS,
            &format!(r#"{{"exp":{}}}"#, AT_UNIX - 100),
            "the token expired 1m40s ago, at 2026-11-23T09:58:20Z (judged at 2026-11-23T10:00:00Z)",
        ),
        case(
            &["expired"],
            HS,
            &format!(r#"{{"exp":{AT_UNIX}}}"#),
            "the token expired 0s ago, at 2026-11-23T10:00:00Z (judged at 2026-11-23T10:00:00Z)",
        ),
        case(
            &["nbf_future"],
            HS,
            &format!(r#"{{"exp":{LATER},"nbf":{}}}"#, AT_UNIX + 120),
            "the token is not valid before 2026-11-23T10:02:00Z (2m after 2026-11-23T10:00:00Z): \
             the issuer's clock runs ahead, or the token was minted for later",
        ),
        case(
            &["iat_future"],
            HS,
            &format!(r#"{{"exp":{LATER},"iat":{}}}"#, AT_UNIX + 41),
            "the token claims to be issued at 2026-11-23T10:00:41Z, 41s after 2026-11-23T10:00:00Z: \
             clock skew between the issuer and the service",
        ),
        case(
            &["bad_numeric_date"],
            HS,
            r#"{"exp":"1795431600"}"#,
            "`exp` is a string, not a NumericDate (seconds since 1970 as a JSON number): \
             verifiers reject it (or worse, ignore it)",
        ),
        case(
            &["bad_numeric_date"],
            HS,
            &format!(r#"{{"exp":{LATER},"iat":-1}}"#),
            "`iat` is negative (before 1970): verifiers reject it (or worse, ignore it)",
        ),
        case(
            &["crit"],
            r#"{"alg":"HS256","crit":["exp"]}"#,
            &fresh,
            "the header lists critical extensions (`crit`); RFC 7515 §4.1.11 requires rejecting a \
             token whose extensions the verifier does not understand, and jwtctl understands none",
        ),
        case(
            &["b64"],
            r#"{"alg":"HS256","b64":false}"#,
            &fresh,
            "the header has `b64` (RFC 7797 unencoded payload), which changes what the signature \
             covers and is not allowed in JWTs",
        ),
        embedded("jwk", r#"{"kty":"oct","k":"c2VjcmV0"}"#),
        embedded("jku", r#""https://attacker.example/jwks.json""#),
        embedded("x5u", r#""https://attacker.example/cert.pem""#),
        embedded("x5c", r#"["MIIBIjAN"]"#),
        case(
            &["control_characters"],
            HS,
            &format!(r#"{{"exp":{LATER},"sub":"\u001b[2J"}}"#),
            "header or claims contain control or bidirectional characters (shown escaped)",
        ),
        case(
            &["control_characters"],
            r#"{"alg":"HS256","kid":"a\u202eb"}"#,
            &fresh,
            "header or claims contain control or bidirectional characters (shown escaped)",
        ),
        Case {
            args: &["--any-payload"],
            ..case(
                &["not_a_jwt"],
                HS,
                "It's a dangerous business, Frodo",
                "payload is not a JSON object: this is a plain JWS, not a JWT",
            )
        },
    ]
}

#[test]
fn every_warning_in_json_and_human_output_with_exit_zero() {
    for case in cases() {
        let token = raw_token(
            case.header.as_bytes(),
            case.claims.as_bytes(),
            case.signature,
        );
        let label = format!("{} {}", case.header, case.claims);

        let mut args: Vec<&str> = case.args.to_vec();
        args.extend(["--json", &token]);
        let assert = decode_with(&args).assert().code(0);
        let decoded = schema::single(&assert.get_output().stdout);
        let decoded = decoded.decoded();
        assert_eq!(decoded.warning_codes(), case.codes, "{label}");
        assert!(
            decoded.warnings.iter().any(|w| w.message == case.human),
            "{label}: {:?}",
            decoded.warnings
        );
        assert!(!decoded.signature.verified);
        let header: serde_json::Value = serde_json::from_str(&case.header).unwrap();
        assert_eq!(
            decoded.signature.alg, header["alg"],
            "{label}: alg as found, null if none"
        );

        let mut args: Vec<&str> = case.args.to_vec();
        args.push(&token);
        let assert = decode_with(&args).assert().code(0);
        let stdout = text(&assert.get_output().stdout);
        assert!(stdout.contains("\nWarnings\n"), "{label}:\n{stdout}");
        let line = format!("\n  warning: {}\n", case.human);
        assert!(
            stdout.contains(&line),
            "{label}: {line:?} missing:\n{stdout}"
        );
        let warning_lines = stdout.matches("  warning: ").count();
        assert_eq!(warning_lines, case.codes.len(), "{label}:\n{stdout}");
    }
}

#[test]
fn a_plain_jws_shows_its_payload_bytes() {
    let token = raw_token(br#"{"alg":"HS256"}"#, b"It's a dangerous business", b"s");
    let assert = decode_with(["--any-payload", "--json", &token])
        .assert()
        .code(0);
    let line = schema::single(&assert.get_output().stdout);
    let decoded = line.decoded();
    assert_eq!(decoded.claims, None);
    assert_eq!(
        decoded.payload_base64url.as_deref(),
        Some(b64("It's a dangerous business").as_str())
    );
}

#[test]
fn everything_at_once_still_exits_zero() {
    let token = raw_token(
        br#"{"alg":"none","crit":["b64"],"b64":false,"jku":"https://x","kid":"\u001b"}"#,
        format!(
            r#"{{"iat":{},"nbf":{},"sub":"x"}}"#,
            AT_UNIX + 5,
            AT_UNIX + 5
        )
        .as_bytes(),
        b"",
    );
    let assert = decode_with(["--json", &token]).assert().code(0);
    let line = schema::single(&assert.get_output().stdout);
    assert_eq!(
        line.decoded().warning_codes(),
        [
            "alg_none",
            "empty_signature",
            "crit",
            "b64",
            "embedded_key",
            "no_exp",
            "iat_future",
            "nbf_future",
            "control_characters"
        ]
    );
}

#[test]
fn a_clean_token_has_no_warnings_section() {
    let token = raw_token(
        HS.as_bytes(),
        format!(r#"{{"exp":{LATER},"nbf":{AT_UNIX},"iat":{AT_UNIX}}}"#).as_bytes(),
        b"s",
    );
    let assert = decode_with([&token]).assert().code(0);
    let stdout = text(&assert.get_output().stdout);
    assert!(!stdout.contains("Warnings"), "{stdout}");
    assert!(!stdout.contains("warning:"), "{stdout}");
}
