//! `jwtctl verify`: load the keys once, prepare them once, then run the pure core on every
//! token and render its report.

use super::load::{self, HttpFetch, KeyRing, Stdin};
use super::{Output, TokenJob};
use crate::batch::{self, Stream};
use crate::cli::VerifyArgs;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::keys::signature::Prepared;
use crate::render;
use crate::token::{Malformed, Token};
use crate::verify::{Facts, Policy, verify};
use std::io::Write;

/// The per-token work of `verify`: borrowed, prepared keys and the policy.
pub(crate) struct Verify<'a> {
    /// Keys in ring order, prepared once.
    pub(crate) ring: &'a [Prepared<'a>],
    /// What the operator asks of every token.
    pub(crate) policy: Policy,
    /// What is known about where the keys came from.
    pub(crate) facts: Facts<'a>,
    /// How reports are shown, with what does not depend on the token rendered once.
    pub(crate) render: Render<'a>,
}

/// How `verify` shows its reports, decided once per run.
pub(crate) enum Render<'a> {
    /// Nothing on stdout (`--quiet`).
    Quiet,
    /// JSON Lines.
    Json(render::verify::JsonLines<'a>),
    /// Human text.
    Human(render::verify::HumanLines<'a>),
}

impl<'a> Render<'a> {
    /// The renderer `output` asks for, over the keys of the ring, judging times at `at`.
    pub(crate) fn new(output: &Output, ring: &[Prepared<'a>], at: i64) -> Self {
        let keys = ring.iter().map(|p| p.key);
        if output.quiet {
            Render::Quiet
        } else if output.json {
            Render::Json(render::verify::JsonLines::new(keys))
        } else {
            Render::Human(render::verify::HumanLines::new(keys, at, &output.style))
        }
    }
}

impl TokenJob for Verify<'_> {
    fn token(&self, line: u64, token: &Token<'_>, _output: &Output, out: &mut Vec<u8>) -> Exit {
        let report = verify(token, self.ring, &self.policy, self.facts);
        match &self.render {
            Render::Quiet => {}
            Render::Json(json) => json.write(line, &report, self.policy.at, out),
            Render::Human(human) => human.write(&report, out),
        }
        report.verdict.exit()
    }

    fn malformed(&self, line: u64, error: &Malformed, output: &Output, out: &mut Vec<u8>) {
        if output.json && !output.quiet {
            render::decode::error_json(line, error, out);
        }
    }
}

/// Run `jwtctl verify`.
pub(crate) fn run(
    args: &VerifyArgs,
    ctx: &Context,
    output: Output,
    mut stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    // Settle where tokens come from before asking for a key (a prompt must not come first).
    let source = batch::source(args.input.token.as_deref(), ctx.stdin_tty)?;
    let keys = load::load(
        &args.keys,
        ctx,
        Stdin {
            reader: &mut *stdin,
            carries_tokens: source == batch::Source::Stdin,
        },
        &HttpFetch::new(),
    )?;
    if keys.is_empty() {
        return Err(no_key().into());
    }
    for key in &keys.keys {
        key.permit("verify")?;
    }
    if !output.quiet {
        tell(&keys, &output, err);
    }
    let ring: Vec<Prepared<'_>> = keys.keys.iter().map(Prepared::new).collect();
    let at = args.at.unwrap_or(ctx.now);
    let job = Verify {
        ring: &ring,
        policy: policy(args, at),
        facts: Facts {
            jwks_kids: keys.jwks_kids.as_deref(),
        },
        render: Render::new(&output, &ring, at),
    };
    super::run_tokens(&args.input, &job, output, ctx, stdin, out, err)
}

/// What the operator asks of every token, judged at `at`.
fn policy(args: &VerifyArgs, at: i64) -> Policy {
    Policy {
        iss: args.iss.clone(),
        aud: args.aud.clone(),
        require: args.require.clone(),
        typ: args.typ.clone(),
        leeway: args.leeway,
        at,
    }
}

fn no_key() -> Failure {
    Failure::key("no key to verify with")
        .hint("name the secret's environment variable: --secret-env JWT_SECRET")
        .hint("or a file holding it: --secret-file PATH (byte for byte)")
        .hint("or a public key, JWK or JWKS file: --key PATH; an identity provider's JWKS: --jwks URL")
        .hint("with no key option, $JWT_SECRET is used when set")
}

/// Notices about how the keys were obtained, and weak secrets, on stderr (never stdout).
fn tell(keys: &KeyRing, output: &Output, err: &mut dyn Write) {
    let style = &output.err_style;
    for notice in &keys.notices {
        super::note(err, style, notice);
    }
    for warning in &keys.warnings {
        super::warn(err, style, warning);
    }
    for key in &keys.keys {
        if let Some(why) = key
            .strength()
            .filter(|s| s.is_weak_for_all())
            .and_then(|s| render::fingerprint::weakness(&s))
        {
            super::warn(
                err,
                style,
                &format!("secret `{}` is weak: {why}", key.label),
            );
        }
    }
}
