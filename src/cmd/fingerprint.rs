//! `jwtctl fingerprint`: load the key ring, fingerprint it, compare with an expected value,
//! render. Exit 0 (printed, or matched), 1 (mismatch), 2 (malformed expectation, ambiguous
//! ring), 5 (no usable key).

use super::Output;
use super::load::{self, HttpFetch, Stdin};
use crate::batch::Stream;
use crate::cli::FingerprintArgs;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::fingerprint::{self, Expected, FingerprintError, Options};
use crate::render;
use std::io::Write;

/// Run `jwtctl fingerprint`.
pub(crate) fn run(
    args: &FingerprintArgs,
    ctx: &Context,
    output: Output,
    mut stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    // The expectation is checked before any key is read: a typo in a health check is a usage
    // error (2), never a mismatch (1), and never waits on a secret prompt.
    let expected = match (&args.expect, &args.expect_short) {
        (Some(full), _) => Some(Expected::parse(full).map_err(worded)?),
        (None, Some(short)) => Some(Expected::parse_short(short).map_err(worded)?),
        (None, None) => None,
    };
    let stdin = Stdin {
        reader: &mut *stdin,
        carries_tokens: false,
    };
    let ring = load::load(&args.keys, ctx, stdin, &HttpFetch::new())?;
    if !output.quiet {
        for notice in &ring.notices {
            super::note(err, &output.err_style, notice);
        }
        for warning in &ring.warnings {
            super::warn(err, &output.err_style, warning);
        }
    }
    let report = fingerprint::report(
        &ring.keys,
        Options {
            kid: args.kid.as_deref(),
            expected,
            any: args.any,
            show_actual: args.show_actual,
            salt: salt(args.salted)?,
        },
    )
    .map_err(worded)?;
    if !output.quiet {
        if output.json {
            let mut buf = Vec::new();
            render::fingerprint::json(&report, &mut buf);
            out.write_all(&buf)?;
        } else {
            out.write_all(render::fingerprint::human(&report, &output.style).as_bytes())?;
        }
        out.flush()?;
    }
    Ok(match report.matched() {
        Some(false) => Exit::Mismatch,
        Some(true) | None => Exit::Ok,
    })
}

/// A fresh random salt for `--salted`.
fn salt(wanted: bool) -> Result<Option<[u8; fingerprint::SALT_LEN]>, Failure> {
    if !wanted {
        return Ok(None);
    }
    let mut salt = [0u8; fingerprint::SALT_LEN];
    getrandom::fill(&mut salt)
        .map_err(|e| Failure::new(Exit::Io, format!("cannot draw a random salt: {e}")))?;
    Ok(Some(salt))
}

fn worded(error: FingerprintError) -> Failure {
    render::fingerprint::failure(&error)
}

#[cfg(test)]
mod tests {
    use crate::app;
    use crate::cli::Cli;
    use crate::context::Context;
    use crate::exit::Exit;
    use crate::fingerprint::tests::hex_sha256;
    use clap::Parser;

    /// Run the command line with `ctx`; (exit, stdout, stderr).
    fn run(ctx: &Context, args: &[&str]) -> (Exit, String, String) {
        let cli = Cli::try_parse_from(std::iter::once("jwtctl").chain(args.iter().copied()))
            .expect("valid command line");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = app::run(&cli, ctx, Box::new(std::io::empty()), &mut out, &mut err);
        (
            exit,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn jwt_secret_fallback_is_announced() {
        let ctx = Context::fixed(0).with_var("JWT_SECRET", SECRET);
        let (exit, out, err) = run(&ctx, &["fingerprint"]);
        assert_eq!(exit, Exit::Ok);
        assert!(out.contains(&format!("sha256:{}", hex_sha256(SECRET.as_bytes()))));
        assert!(err.contains("$JWT_SECRET"), "{err}");
        let (exit, out, err) = run(&ctx, &["-q", "fingerprint"]);
        assert_eq!((exit, out.as_str(), err.as_str()), (Exit::Ok, "", ""));
    }

    #[test]
    fn expectation_is_checked_before_keys() {
        let (exit, out, err) = run(&Context::fixed(0), &["fingerprint", "--expect", "nope"]);
        assert_eq!(exit, Exit::Usage);
        assert_eq!(out, "");
        assert!(err.contains("--expect: not a fingerprint"), "{err}");
    }

    #[test]
    fn mismatch_exit_and_no_actual_digest() {
        let ctx = Context::fixed(0).with_var("S", SECRET);
        let wrong = format!("sha256:{}", hex_sha256(b"other"));
        let actual = hex_sha256(SECRET.as_bytes());
        let (exit, out, _) = run(
            &ctx,
            &["fingerprint", "--secret-env", "S", "--expect", &wrong],
        );
        assert_eq!(exit, Exit::Mismatch);
        assert!(out.contains("MISMATCH"), "{out}");
        assert!(!out.contains(&actual[..8]), "{out}");
        let (exit, out, _) = run(
            &ctx,
            &[
                "fingerprint",
                "--secret-env",
                "S",
                "--expect",
                &wrong,
                "--show-actual",
            ],
        );
        assert_eq!(exit, Exit::Mismatch);
        assert!(out.contains(&actual), "{out}");
        let good = format!("sha256:{actual}");
        let (exit, _, _) = run(
            &ctx,
            &["fingerprint", "--secret-env", "S", "--expect", &good],
        );
        assert_eq!(exit, Exit::Ok);
    }

    #[test]
    fn an_unreachable_jwks_url_is_an_io_error() {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        let (exit, _, err) = run(
            &Context::fixed(0),
            &["fingerprint", "--jwks", "http://127.0.0.1:9/jwks.json"],
        );
        assert_eq!(exit, Exit::Io);
        assert!(err.contains("127.0.0.1:9"), "{err}");
    }
}
