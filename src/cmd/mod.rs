//! Command glue: read inputs, call the core, pick the renderer, map verdicts to exit codes.

pub(crate) mod audit;
pub(crate) mod completions;
pub(crate) mod decode;
pub(crate) mod fingerprint;
pub(crate) mod load;
pub(crate) mod mint;
pub(crate) mod progress;
pub(crate) mod verify;

use crate::batch::{self, Line, LineJob, Source, Stream};
use crate::cli::TokenInput;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::render::style::{Role, Style};
use crate::text::escape;
use crate::token::{self, Malformed, PayloadRule, ReadOptions, Token};
use std::io::Write;

/// How results are shown, decided once per run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    /// JSON Lines instead of human text.
    pub(crate) json: bool,
    /// Nothing on stdout.
    pub(crate) quiet: bool,
    /// Styling for stdout.
    pub(crate) style: Style,
    /// Styling for stderr.
    pub(crate) err_style: Style,
}

/// Per-token work of a command that reads tokens.
pub(crate) trait TokenJob: Sync {
    /// Handle one well-formed token; write its result to `out`; return its outcome.
    fn token(&self, line: u64, token: &Token<'_>, output: &Output, out: &mut Vec<u8>) -> Exit;

    /// Write the machine-readable result for an input that is not a well-formed token (the
    /// human message is written by the caller).
    fn malformed(&self, line: u64, error: &Malformed, output: &Output, out: &mut Vec<u8>);
}

/// Runs a [`TokenJob`] over the tokens of a [`TokenInput`].
struct Reader<'a> {
    job: &'a dyn TokenJob,
    options: ReadOptions,
    output: Output,
    progress: progress::Progress,
}

impl Reader<'_> {
    fn one(&self, line: Line<'_>, out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit {
        let parsed = if line.oversized {
            Err(Malformed::new(
                token::Segment::Token,
                "too_large",
                format!(
                    "input line is longer than {} bytes (raise the limit with --max-size)",
                    line.bytes.len()
                ),
            ))
        } else {
            token::extract(line.bytes).and_then(|t| token::parse(t, &self.options))
        };
        if line.batch && !self.output.json && !self.output.quiet {
            let heading = format!("── line {} ──", line.number);
            out.extend_from_slice(self.output.style.paint(Role::Dim, &heading).as_bytes());
            out.push(b'\n');
        }
        match parsed {
            Ok(token) => self.job.token(line.number, &token, &self.output, out),
            Err(error) => {
                self.job.malformed(line.number, &error, &self.output, out);
                if !self.output.json {
                    let place = if line.batch {
                        format!("line {}: ", line.number)
                    } else {
                        String::new()
                    };
                    let label = self.output.err_style.paint(Role::Bad, "error:");
                    err.extend_from_slice(
                        format!("jwtctl: {place}{label} {}\n", escape(&error.to_string()))
                            .as_bytes(),
                    );
                }
                Exit::Malformed
            }
        }
    }
}

impl LineJob for Reader<'_> {
    fn line(&self, line: Line<'_>, out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit {
        self.one(line, out, err)
    }

    fn progress(&self, lines: u64) {
        self.progress.update(lines);
    }
}

/// Read tokens from the argument or stdin and run `job` on each.
pub(crate) fn run_tokens(
    input: &TokenInput,
    job: &dyn TokenJob,
    output: Output,
    ctx: &Context,
    stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let reader = Reader {
        job,
        options: read_options(input),
        output,
        progress: progress::Progress::new(progress::Progress::wanted(ctx, output.quiet)),
    };
    match batch::source(input.token.as_deref(), ctx.stdin_tty)? {
        Source::Arg(bytes) => {
            let line = Line {
                number: 1,
                bytes: &bytes,
                oversized: false,
                batch: false,
            };
            let (mut o, mut e) = (Vec::new(), Vec::new());
            let exit = reader.one(line, &mut o, &mut e);
            out.write_all(&o)?;
            out.flush()?;
            let _ = err.write_all(&e);
            Ok(exit)
        }
        Source::Stdin => {
            let max_line = input.max_size.saturating_mul(2).max(1 << 20);
            let (exit, lines) = batch::run_lines(stdin, max_line, &reader, out, err)?;
            if lines == 0 {
                // An empty input must not read as "every token was fine" in a script.
                return Err(
                    Failure::new(Exit::Malformed, "stdin is empty: no token to read")
                        .hint(
                            "pass the token as an argument, or pipe tokens on stdin (one per line)",
                        )
                        .into(),
                );
            }
            Ok(exit)
        }
    }
}

/// Reader options from the command line.
pub(crate) fn read_options(input: &TokenInput) -> ReadOptions {
    ReadOptions {
        max_size: input.max_size,
        payload: if input.any_payload {
            PayloadRule::AnyBytes
        } else {
            PayloadRule::ClaimSet
        },
    }
}

/// `jwtctl: note: TEXT` on stderr: how something was decided (e.g. which key source).
pub(crate) fn note(err: &mut dyn Write, style: &Style, text: &str) {
    let _ = writeln!(
        err,
        "jwtctl: {} {}",
        style.paint(Role::Dim, "note:"),
        escape(text)
    );
}

/// `jwtctl: warning: TEXT` on stderr: something the operator should act on.
pub(crate) fn warn(err: &mut dyn Write, style: &Style, text: &str) {
    let _ = writeln!(
        err,
        "jwtctl: {} {}",
        style.paint(Role::Warn, "warning:"),
        escape(text)
    );
}

/// Report a run-ending failure on stderr: one line, then hints.
pub(crate) fn report(err: &mut dyn Write, error: &anyhow::Error, style: &Style) {
    let label = style.paint(Role::Bad, "error:");
    let message = match error.downcast_ref::<Failure>() {
        Some(failure) => failure.message.clone(),
        None => format!("{error:#}"),
    };
    let _ = writeln!(err, "jwtctl: {label} {}", escape(&message));
    for hint in crate::error::hints(error) {
        let _ = writeln!(
            err,
            "  {} {}",
            style.paint(Role::Dim, "hint:"),
            escape(hint)
        );
    }
}
