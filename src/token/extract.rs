//! Find the compact token in what people paste: a bare token, `Bearer <t>`, a whole
//! `Authorization: Bearer <t>` header line, or a line of log text that contains a token.
//!
//! Works on bytes, so a line that is not UTF-8 is still searched. The rules are predictable:
//! - exactly one trailing line ending (`\n` or `\r\n`) is dropped;
//! - `Authorization:` and `Bearer` prefixes (any case) are dropped;
//! - a line that starts like a token (`ey`) *is* the token, all of it, so stray whitespace is
//!   reported by the strict reader with its position instead of being silently trimmed; so is
//!   a line made only of base64url characters and exactly two dots (an empty header, or a
//!   header whose JSON does not start with `{"`), so the reader can name what is wrong;
//! - anything else is log text: the first run of token characters that starts with `ey`, has
//!   two dots and whose first segment decodes to something shaped like a JSON object is taken
//!   (so `eyes.example.com` in a URL does not hide the token after it); failing that, the first
//!   such run with two dots, or with any dots, so a damaged or truncated token in a log line is
//!   reported as such rather than "not found".

use super::{Malformed, Segment};

/// The compact token inside `line`, not yet checked.
pub fn extract(line: &[u8]) -> Result<&[u8], Malformed> {
    let line = strip_line_ending(line);
    if line.is_empty() {
        return Err(Malformed::new(
            Segment::Token,
            "empty",
            "empty input: no token",
        ));
    }
    let mut rest = line;
    if let Some(after) = strip_prefix_ignore_case(rest, b"authorization:") {
        rest = trim_start(after);
        match strip_prefix_ignore_case(rest, b"bearer") {
            Some(after) if after.first().is_some_and(u8::is_ascii_whitespace) => {
                return Ok(trim_start(after));
            }
            _ => {
                return Err(Malformed::new(
                    Segment::Token,
                    "not_found",
                    "Authorization header does not carry a Bearer token",
                ));
            }
        }
    }
    if let Some(after) = strip_prefix_ignore_case(rest, b"bearer")
        && after.first().is_some_and(u8::is_ascii_whitespace)
    {
        return Ok(trim_start(after));
    }
    if rest.starts_with(b"ey") || is_bare_token(rest) {
        return Ok(rest);
    }
    if rest.starts_with(b"{") {
        // A JSON log line carrying a token, or a JWS JSON serialization the reader will name.
        return Ok(find_in_text(rest).unwrap_or(rest));
    }
    find_in_text(rest).ok_or_else(|| {
        Malformed::new(
            Segment::Token,
            "not_found",
            "no token found (expected a compact JWT such as eyJ...)",
        )
    })
}

fn strip_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `bytes` without `prefix`, compared ASCII case-insensitively.
pub(crate) fn strip_prefix_ignore_case<'a>(bytes: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = bytes.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &bytes[prefix.len()..])
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

fn dots(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'.').count()
}

/// Nothing but token characters, and three segments: a compact token whatever its header.
fn is_bare_token(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| is_token_byte(b)) && dots(bytes) == 2
}

fn find_in_text(text: &[u8]) -> Option<&[u8]> {
    let runs = text
        .split(|&b| !is_token_byte(b))
        .filter(|run| run.starts_with(b"ey") && run.contains(&b'.'));
    let mut three_segments = None;
    let mut fallback = None;
    for run in runs {
        let run = trim_dots_at_end(run);
        if dots(run) == 2 {
            if header_looks_like_an_object(run) {
                return Some(run);
            }
            three_segments.get_or_insert(run);
        }
        fallback.get_or_insert(run);
    }
    three_segments.or(fallback)
}

/// Does the first segment decode to `{ ... }`? Every run starting with `ey` decodes to a
/// leading `{`, so the closing brace is what tells a header from a word such as `eyes`.
fn header_looks_like_an_object(run: &[u8]) -> bool {
    let header = run.split(|&b| b == b'.').next().unwrap_or_default();
    super::b64::decode(header).is_ok_and(|bytes| {
        let bytes = bytes.trim_ascii();
        bytes.starts_with(b"{") && bytes.ends_with(b"}")
    })
}

/// A sentence can end right after a token: "... token eyJ...xyz." — that dot is prose.
fn trim_dots_at_end(run: &[u8]) -> &[u8] {
    if dots(run) > 2 && run.ends_with(b".") {
        &run[..run.len() - 1]
    } else {
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    #[test]
    fn accepts_what_people_paste() {
        let cases = [
            T.to_string(),
            format!("{T}\n"),
            format!("{T}\r\n"),
            format!("Bearer {T}"),
            format!("bearer  {T}\n"),
            format!("Authorization: Bearer {T}"),
            format!("authorization:bearer {T}\r\n"),
            format!("2026-11-23T10:00:00Z GET /api 401 token={T}&x=1"),
            format!(r#"{{"level":"warn","auth":"Bearer {T}"}}"#),
            format!("rejected {T}."),
        ];
        for case in cases {
            assert_eq!(extract(case.as_bytes()).unwrap(), T.as_bytes(), "{case:?}");
        }
    }

    #[test]
    fn log_lines_that_are_not_utf8_are_still_searched() {
        let mut line = b"\xff\xfe user=".to_vec();
        line.extend_from_slice(T.as_bytes());
        assert_eq!(extract(&line).unwrap(), T.as_bytes());
    }

    #[test]
    fn keeps_stray_whitespace_for_the_strict_reader() {
        let spaced = format!("{T} \n");
        assert_eq!(
            extract(spaced.as_bytes()).unwrap(),
            format!("{T} ").as_bytes()
        );
        let two = format!("{T}\n\n");
        assert_eq!(
            extract(two.as_bytes()).unwrap(),
            format!("{T}\n").as_bytes()
        );
    }

    #[test]
    fn reports_what_is_missing() {
        for case in ["", "\n", "hello world", "Authorization: Basic dXNlcjpwYXNz"] {
            let err = extract(case.as_bytes()).unwrap_err();
            assert!(matches!(err.code, "empty" | "not_found"), "{case:?}: {err}");
        }
    }

    #[test]
    fn a_bare_line_of_three_segments_is_the_token_whatever_its_header() {
        for case in [
            ".eyJzdWIiOiIxIn0.c2ln",
            "IHsiYWxnIjoiSFMyNTYifQ.eyJzdWIiOiIxIn0.c2ln",
        ] {
            assert_eq!(extract(case.as_bytes()).unwrap(), case.as_bytes());
        }
        assert_eq!(extract(b"example.com").unwrap_err().code, "not_found");
    }

    #[test]
    fn a_word_that_starts_with_ey_does_not_hide_the_token() {
        let line = format!("GET https://eyes.example.com/x 401 auth={T}");
        assert_eq!(extract(line.as_bytes()).unwrap(), T.as_bytes());
        // With no better candidate the word is still returned, for the reader to reject.
        assert_eq!(
            extract(b"GET https://eyes.example.com/x 401").unwrap(),
            b"eyes.example.com"
        );
    }

    #[test]
    fn truncated_token_in_a_log_line_is_found_for_the_reader_to_reject() {
        let line = "401 for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0 at 10:00";
        assert_eq!(
            extract(line.as_bytes()).unwrap(),
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"
        );
    }
}
