//! `jwtctl decode`: read tokens, inspect them, render them. Never verifies.

use super::{Output, TokenJob};
use crate::cli::DecodeArgs;
use crate::exit::Exit;
use crate::inspect::inspect;
use crate::render;
use crate::token::{self, Token};

/// The per-token work of `decode`.
pub(crate) struct Decode {
    /// Judge relative times at this instant.
    pub(crate) at: i64,
    /// What every JSON line says about `at`, rendered once.
    times_head: Vec<u8>,
}

impl Decode {
    /// From the command line and the context's clock.
    pub(crate) fn new(args: &DecodeArgs, now: i64) -> Self {
        let at = args.at.unwrap_or(now);
        Decode {
            at,
            times_head: render::decode::times_head(at),
        }
    }
}

impl TokenJob for Decode {
    fn token(&self, line: u64, token: &Token<'_>, output: &Output, out: &mut Vec<u8>) -> Exit {
        let inspection = inspect(token, self.at);
        if output.quiet {
            return Exit::Ok;
        }
        if output.json {
            render::decode::json(line, token, &inspection, &self.times_head, out);
        } else {
            out.extend_from_slice(
                render::decode::human(token, &inspection, &output.style).as_bytes(),
            );
        }
        Exit::Ok
    }

    fn malformed(&self, line: u64, error: &token::Malformed, output: &Output, out: &mut Vec<u8>) {
        if output.json && !output.quiet {
            render::decode::error_json(line, error, out);
        }
    }
}
