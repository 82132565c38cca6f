//! `jwtctl mint`: the edge around the pure [`crate::mint`] core. Loads the signing key and the
//! keys that vouch for the old token, reads old tokens, asks for confirmation on a terminal,
//! appends and syncs the audit records, and only then prints the new tokens.
//!
//! A batch (`--from -`) is minted chunk by chunk as the batch pipeline reads it: every line of
//! a chunk is minted and held back, the chunk's audit records are appended under one lock with
//! one `sync_data`, and only then are its tokens released.
//!
//! Everything per token is done on the worker thread that mints it: the token's output line
//! (up to its audit sequence number) and its audit record's body. What is left for the serial
//! part, under the log's lock, is `seq`, `prev`, one hash per record and the write.

mod error;
mod forward;
mod free_text;
mod from_stdin;
mod minter;
mod origin;
mod policy;
mod prompt;
mod single;

use super::Output;
use super::audit::log_path;
use super::progress::Progress;
use crate::audit::{AuditError, RunFacts};
use crate::batch::{self, Source, Stream};
use crate::cli::MintArgs;
use crate::cmd::load::{self, Fetch};
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::keys::signature::Prepared;
use crate::mint::{Expiry, KidChoice, Recipe};
use crate::token::{PayloadRule, ReadOptions};
use error::MintFailure;
use minter::Minter;
use policy::SourceCheck;
use std::io::Write;
use std::sync::Mutex;

/// Run `jwtctl mint`.
pub(crate) fn run(
    args: &MintArgs,
    ctx: &Context,
    output: Output,
    mut stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    if output.quiet {
        return Err(Failure::usage("--quiet would throw the minted token away")
            .hint("mint prints only the token on stdout; redirect it instead")
            .into());
    }
    let source = match &args.from {
        Some(from) => Some(batch::source(Some(from), ctx.stdin_tty)?),
        None => None,
    };
    let recipe_base = recipe(args)?;

    let ring = load::load(
        &args.keys,
        ctx,
        load::Stdin {
            reader: &mut *stdin,
            carries_tokens: source == Some(Source::Stdin),
        },
        &NoFetch,
    )?;
    let checking = load::checking_keys(
        &args.verify_with,
        &args.verify_with_env,
        args.keys.secret_encoding,
        ctx,
    )?;
    policy::require_checkable_source(
        source.is_some(),
        !checking.is_empty(),
        args.unverified_source,
    )?;
    let secrets: Vec<&[u8]> = ring
        .keys
        .iter()
        .chain(&checking.keys)
        .filter_map(|k| k.secret().map(|s| s.expose()))
        .collect();
    if let Some(reason) = &args.reason {
        free_text::check("--reason", reason, &secrets)?;
    }
    for claim in &args.claims {
        free_text::check_value(&format!("--claim {}", claim.name), &claim.value, &secrets)?;
    }
    if let Some(operator) = &args.operator {
        free_text::check("--operator", operator, &secrets)?;
    }
    let key = policy::signing_key(&ring)?;
    let alg = policy::signing_alg(args.keys.alg, key)?;
    let recipe = Recipe {
        alg,
        key_kid: key.kid.clone(),
        ..recipe_base
    };
    let audit_path = log_path(args.audit_log.as_deref(), ctx)?;
    let forward = match &args.audit_forward {
        Some(to) => Some(forward::Forwarder {
            to: forward::Destination::parse(to).map_err(Failure::usage)?,
            origin: forward::Origin {
                time: crate::time::rfc3339(ctx.now),
                host: ctx.host_name().unwrap_or("-").to_owned(),
                pid: std::process::id(),
            },
            required: args.audit_forward_required,
            sender: Mutex::new(None),
            failed: Mutex::new(None),
        }),
        None => None,
    };
    let run_facts =
        RunFacts::new(&origin::facts_template(args, ctx, key, alg)?).map_err(|detail| {
            Failure::from(MintFailure::Audit(AuditError::InvalidRecord {
                index: 0,
                detail,
            }))
        })?;

    let warn = |err: &mut dyn Write, text: &str| super::warn(err, &output.err_style, text);
    for notice in ring.notices.iter().chain(&checking.notices) {
        super::note(err, &output.err_style, notice);
    }
    if let Some(weak) = policy::weak_secret(key, alg) {
        warn(err, &weak);
    }
    if recipe.expiry == Expiry::Never {
        warn(
            err,
            "the new token has no `exp`: it never expires and dies only when the signing key \
             rotates",
        );
    }
    if source.is_some() && args.unverified_source && checking.is_empty() {
        warn(
            err,
            "minting from an old token whose signature is not checked (--unverified-source)",
        );
    }

    let minter = Minter {
        recipe,
        key: Prepared::new(key),
        source: SourceCheck {
            checkers: checking.keys.iter().map(Prepared::new).collect(),
            unverified_ok: args.unverified_source,
        },
        read: ReadOptions {
            max_size: args.max_size,
            payload: PayloadRule::ClaimSet,
        },
        now: ctx.now,
        audit_path,
        run_facts,
        output,
        summarize: source != Some(Source::Stdin),
        pending: Mutex::new(Vec::new()),
        stats: Mutex::new(Default::default()),
        progress: Progress::new(source == Some(Source::Stdin) && Progress::wanted(ctx, false)),
        forward,
    };

    let interactive = ctx.stdin_tty && ctx.stderr_tty && !args.yes;
    match source {
        Some(Source::Stdin) => {
            let max_line = args.max_size.saturating_mul(2).max(1 << 20);
            let (exit, lines) = batch::run_lines(stdin, max_line, &minter, out, err)
                .map_err(error::from_pipeline)?;
            if lines == 0 {
                return Err(Failure::new(
                    Exit::Malformed,
                    "stdin is empty: no old token to mint from",
                )
                .hint("pipe old tokens on stdin, one per line, or give one with --from TOKEN")
                .into());
            }
            minter.batch_notice(err);
            Ok(exit)
        }
        Some(Source::Arg(bytes)) => minter.single(Some(bytes.as_slice()), interactive, out, err),
        None => minter.single(None, interactive, out, err),
    }
}

/// The recipe from the command line (algorithm and key `kid` are filled in later).
fn recipe(args: &MintArgs) -> Result<Recipe, Failure> {
    let recipe = Recipe {
        id_claim: args.id_claim.clone(),
        keep_claims: args.keep_claims,
        set: args
            .claims
            .iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect(),
        unset: args.unset.clone(),
        expiry: match (args.exp, args.no_exp) {
            (Some(seconds), _) => Expiry::In(seconds),
            (None, true) => Expiry::Never,
            (None, false) => Expiry::Inherit,
        },
        alg: jsonwebtoken::Algorithm::HS256,
        kid: match (&args.kid, args.no_kid) {
            (Some(kid), _) => KidChoice::Set(kid.clone()),
            (None, true) => KidChoice::Remove,
            (None, false) => KidChoice::Default,
        },
        typ: args.typ.clone(),
        key_kid: None,
    };
    if args.from.is_none() && args.keep_claims {
        return Err(Failure::usage("--keep-claims needs an old token (--from)"));
    }
    if args.from.is_none() && (args.unverified_source || !args.verify_with.is_empty()) {
        return Err(Failure::usage(
            "--verify-with and --unverified-source are about the old token: give it with --from",
        ));
    }
    recipe
        .check()
        .map_err(|e| Failure::from(MintFailure::Mint(e)))?;
    Ok(recipe)
}

/// A JWKS URL holds public keys: nothing to sign with.
struct NoFetch;

impl Fetch for NoFetch {
    fn get(&self, _url: &str) -> Result<Vec<u8>, String> {
        Err(
            "mint signs with a private key or secret; a JWKS URL publishes public keys only \
             (give the private key with --key PATH)"
                .into(),
        )
    }
}
