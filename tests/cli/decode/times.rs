//! `--at` and the three ways a time is shown: raw NumericDate, UTC RFC 3339, relative.

use crate::schema;
use crate::support::{AT, AT_UNIX, hs256, jwtctl, text};

/// `exp` exactly 3h12m before [`AT`], `nbf` 2m after it, `iat` 41s after it.
fn token() -> String {
    hs256(&format!(
        r#"{{"sub":"a","iat":{},"nbf":{},"exp":{}}}"#,
        AT_UNIX + 41,
        AT_UNIX + 120,
        AT_UNIX - (3 * 3600 + 12 * 60)
    ))
}

/// `jwtctl decode --at <at> <args>` (not the support builder's fixed instant).
fn decode_at(at: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    jwtctl()
        .args(["decode", &format!("--at={at}")])
        .args(args)
        .assert()
}

#[test]
fn relative_phrases_at_an_rfc3339_instant() {
    let assert = decode_at(AT, &[&token()]).code(0);
    let stdout = text(&assert.get_output().stdout);
    let expected = "\
Times (at 2026-11-23T10:00:00Z)
  iat  1795428041  2026-11-23T10:00:41Z  issued 41s in the future
  nbf  1795428120  2026-11-23T10:02:00Z  not valid for another 2m
  exp  1795416480  2026-11-23T06:48:00Z  expired 3h12m ago
";
    assert!(stdout.contains(expected), "{stdout}");
    for warning in [
        "  warning: the token expired 3h12m ago, at 2026-11-23T06:48:00Z (judged at \
         2026-11-23T10:00:00Z)\n",
        "  warning: the token is not valid before 2026-11-23T10:02:00Z (2m after \
         2026-11-23T10:00:00Z)",
        "  warning: the token claims to be issued at 2026-11-23T10:00:41Z, 41s after \
         2026-11-23T10:00:00Z: clock skew",
    ] {
        assert!(stdout.contains(warning), "{warning:?} missing:\n{stdout}");
    }
}

#[test]
fn unix_seconds_and_other_offsets_name_the_same_instant() {
    let reference = decode_at(AT, &[&token()])
        .code(0)
        .get_output()
        .stdout
        .clone();
    for at in [
        AT_UNIX.to_string(),
        "2026-11-23T11:00:00+01:00".to_owned(),
        "2026-11-23T10:00:00.000Z".to_owned(),
    ] {
        let assert = decode_at(&at, &[&token()]).code(0);
        assert_eq!(
            text(&assert.get_output().stdout),
            text(&reference),
            "--at {at}"
        );
    }
}

#[test]
fn a_later_instant_changes_the_phrases() {
    let later = (AT_UNIX + 3_600).to_string();
    let assert = decode_at(&later, &[&token()]).code(0);
    let stdout = text(&assert.get_output().stdout);
    for needle in [
        "Times (at 2026-11-23T11:00:00Z)\n",
        "  iat  1795428041  2026-11-23T10:00:41Z  issued 59m19s ago\n",
        "  nbf  1795428120  2026-11-23T10:02:00Z  valid since 58m ago\n",
        "  exp  1795416480  2026-11-23T06:48:00Z  expired 4h12m ago\n",
        "  warning: the token expired 4h12m ago",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing:\n{stdout}");
    }
    assert!(!stdout.contains("in the future"), "{stdout}");
}

#[test]
fn json_times_carry_raw_utc_and_relative_seconds() {
    let assert = decode_at(AT, &["--json", &token()]).code(0);
    let line = schema::single(&assert.get_output().stdout);
    let times = &line.decoded().times;
    assert_eq!((times.at, times.at_utc.as_str()), (AT_UNIX, AT));
    let exp = times.claims.exp.as_ref().expect("exp");
    assert_eq!(exp.raw, AT_UNIX - 11_520);
    assert_eq!(exp.value, Some(AT_UNIX - 11_520));
    assert_eq!(exp.utc.as_deref(), Some("2026-11-23T06:48:00Z"));
    assert_eq!(exp.relative_seconds, Some(-11_520));
    assert_eq!(exp.error, None);
    let iat = times.claims.iat.as_ref().expect("iat");
    assert_eq!(iat.relative_seconds, Some(41));
    let nbf = times.claims.nbf.as_ref().expect("nbf");
    assert_eq!(nbf.relative_seconds, Some(120));
}

#[test]
fn a_claim_that_is_not_a_numeric_date_is_shown_with_why() {
    let token = hs256(r#"{"exp":"tomorrow","iat":1.5e300}"#);
    let assert = decode_at(AT, &[&token]).code(0);
    let stdout = text(&assert.get_output().stdout);
    assert!(
        stdout.contains(
            "  exp  \"tomorrow\"  is a string, not a NumericDate (seconds since 1970 as a JSON number)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("is out of range (after year 9999)"),
        "{stdout}"
    );

    let assert = decode_at(AT, &["--json", &token]).code(0);
    let line = schema::single(&assert.get_output().stdout);
    let exp = line.decoded().times.claims.exp.as_ref().expect("exp");
    assert_eq!(exp.raw, "tomorrow");
    assert_eq!(
        (exp.value, exp.utc.as_deref(), exp.relative_seconds),
        (None, None, None)
    );
    assert!(exp.error.as_deref().unwrap().contains("not a NumericDate"));
}

#[test]
fn fractional_numeric_dates_are_floored() {
    let token = hs256(&format!(r#"{{"exp":{}.75}}"#, AT_UNIX + 10));
    let assert = decode_at(AT, &["--json", &token]).code(0);
    let line = schema::single(&assert.get_output().stdout);
    let exp = line.decoded().times.claims.exp.as_ref().expect("exp");
    assert_eq!(
        (exp.value, exp.relative_seconds),
        (Some(AT_UNIX + 10), Some(10))
    );
}

#[test]
fn a_bad_at_is_a_usage_error() {
    for at in ["yesterday", "-5", "2026-13-01T00:00:00Z"] {
        let assert = decode_at(at, &[&token()]).code(2);
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.contains("--at"), "{at}: {stderr}");
        assert!(assert.get_output().stdout.is_empty());
    }
}
