//! `jwtctl mint`: the edge around the pure [`crate::mint`] core. Loads the signing key and the
//! keys that vouch for the old token, reads old tokens, asks for confirmation on a terminal,
//! appends and syncs the audit records, and only then prints the new tokens.
//!
//! A batch (`--from -`) is minted chunk by chunk as the stdin driver reads it: every line of a
//! chunk is minted and held back, the chunk's audit records are appended under one lock with
//! one `sync_data`, and only then are its tokens released.
//!
//! Everything per token is done on the worker thread that mints it: the token's output line
//! (up to its audit sequence number) and its audit record's body. What is left for the serial
//! part, under the log's lock, is `seq`, `prev`, one hash per record and the write.

use super::Output;
use super::audit::log_path;
use crate::audit::{self, AuditError, Body, MintFacts, RunFacts, TokenFacts};
use crate::batch::Stream;
use crate::batch::{self, Line, LineJob, Source};
use crate::cli::MintArgs;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::keys::load::{self, Fetch, KeyRing};
use crate::keys::signature::{Prepared, default_signing_alg};
use crate::keys::{self, Key, Material};
use crate::mint::{self, Draft, Expiry, Fresh, KidChoice, MintError, Old, Recipe, Sealed};
use crate::render::mint::{self as render, MintedJson, Summary};
use crate::render::sanitize::escape;
use crate::render::style::Role;
use crate::token::{self, Malformed, PayloadRule, ReadOptions, Token};
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// CI context variables copied into the audit record when set (GitHub Actions, GitLab CI,
/// Jenkins, Buildkite, CircleCI, Travis, Azure Pipelines, and the generic `CI`).
pub const CI_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_REPOSITORY",
    "GITHUB_WORKFLOW",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_ACTOR",
    "GITHUB_SHA",
    "GITHUB_REF",
    "GITLAB_CI",
    "CI_PROJECT_PATH",
    "CI_PIPELINE_ID",
    "CI_JOB_ID",
    "CI_COMMIT_SHA",
    "GITLAB_USER_LOGIN",
    "JENKINS_URL",
    "JOB_NAME",
    "BUILD_ID",
    "BUILD_NUMBER",
    "BUILD_URL",
    "BUILDKITE_BUILD_ID",
    "BUILDKITE_JOB_ID",
    "BUILDKITE_PIPELINE_SLUG",
    "CIRCLE_BUILD_NUM",
    "CIRCLE_PROJECT_REPONAME",
    "TRAVIS_JOB_ID",
    "TRAVIS_REPO_SLUG",
    "BUILD_BUILDID",
    "SYSTEM_TEAMPROJECT",
];

/// Longest CI variable value, `--operator` and `--reason` kept in a record.
const MAX_CI_VALUE: usize = 256;
const MAX_OPERATOR: usize = 256;
const MAX_REASON: usize = 2048;

/// Run `jwtctl mint`.
pub fn run(
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
    if source.is_some() && checking.is_empty() && !args.unverified_source {
        return Err(Failure::usage(
            "the old token's signature cannot be checked: no --verify-with key was given",
        )
        .hint("pass the old key with --verify-with [LABEL=]PATH or --verify-with-env NAME")
        .hint(
            "if the old key is gone (it was regenerated), acknowledge with --unverified-source; \
             the audit record will say source_verified: false",
        )
        .into());
    }
    let key = signing_key(&ring)?;
    let alg = args
        .keys
        .alg
        .or_else(|| default_signing_alg(key))
        .ok_or_else(|| Failure::key(format!("key `{}` cannot sign", key.label)))?;
    if !key.algorithms.contains(&alg) {
        return Err(Failure::key(format!(
            "--alg {alg:?} does not fit the signing key `{}` ({})",
            key.label,
            key.family.name()
        ))
        .into());
    }
    let recipe = Recipe {
        alg,
        key_kid: key.kid.clone(),
        ..recipe_base
    };
    let audit_path = log_path(args.audit_log.as_deref(), ctx)?;
    let run_facts = RunFacts::new(&facts_template(args, ctx, key, alg)?)
        .map_err(|detail| audit_failure(AuditError::InvalidRecord { index: 0, detail }))?;

    let warn = |err: &mut dyn Write, text: &str| super::warn(err, &output.err_style, text);
    for notice in ring.notices.iter().chain(&checking.notices) {
        super::note(err, &output.err_style, notice);
    }
    if let (Some(secret), Some(len)) = (key.secret(), keys::hmac_output_len(alg))
        && let Some(why) = keys::parse::weakness(secret.expose(), len)
    {
        warn(
            err,
            &format!(
                "the signing secret `{}` is weak: {why}; anyone who guesses it can mint tokens",
                key.label
            ),
        );
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

    let checkers: Vec<Prepared<'_>> = checking.keys.iter().map(Prepared::new).collect();
    let minter = Minter {
        recipe,
        key: Prepared::new(key),
        checkers,
        unverified_ok: args.unverified_source,
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
        stats: Mutex::new(Stats::default()),
        progress: super::progress::Progress::new(
            source == Some(Source::Stdin) && super::progress::Progress::wanted(ctx, false),
        ),
    };

    let exit = match source {
        Some(Source::Stdin) => {
            let max_line = args.max_size.saturating_mul(2).max(1 << 20);
            let (exit, lines) =
                batch::run_lines(stdin, max_line, &minter, out, err).map_err(unwrap_failure)?;
            if lines == 0 {
                return Err(Failure::new(
                    Exit::Malformed,
                    "stdin is empty: no old token to mint from",
                )
                .hint("pipe old tokens on stdin, one per line, or give one with --from TOKEN")
                .into());
            }
            minter.batch_notice(err);
            exit
        }
        Some(Source::Arg(bytes)) => {
            let interactive = ctx.stdin_tty && ctx.stderr_tty && !args.yes;
            minter.single(Some(bytes.as_slice()), interactive, out, err)?
        }
        None => {
            let interactive = ctx.stdin_tty && ctx.stderr_tty && !args.yes;
            minter.single(None, interactive, out, err)?
        }
    };
    Ok(exit)
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
    recipe.check().map_err(mint_failure)?;
    Ok(recipe)
}

/// Exactly one key that can sign.
fn signing_key(ring: &KeyRing) -> Result<&Key, Failure> {
    let key = match ring.keys.as_slice() {
        [key] => key,
        [] => {
            return Err(Failure::key("no signing key given")
                .hint("give the current key with --secret-env NAME, --secret-file PATH or --key PATH (or set JWT_SECRET)"));
        }
        several => {
            let labels: Vec<String> = several.iter().map(|k| format!("`{}`", k.label)).collect();
            return Err(Failure::usage(format!(
                "mint signs with exactly one key, but {} were given: {}",
                several.len(),
                labels.join(", ")
            ))
            .hint("keys that should vouch for the old token go to --verify-with"));
        }
    };
    match &key.material {
        Material::Hmac(_) | Material::Private { .. } => Ok(key),
        Material::Public(_) => Err(Failure::key(format!(
            "key `{}` is a public key: signing needs the private key",
            key.label
        ))),
        Material::Unsupported { reason } => Err(Failure::key(format!(
            "key `{}` cannot sign: {reason}",
            key.label
        ))),
    }
}

/// What every audit record of this run shares.
fn facts_template(
    args: &MintArgs,
    ctx: &Context,
    key: &Key,
    alg: jsonwebtoken::Algorithm,
) -> Result<MintFacts, Failure> {
    let operator = args
        .operator
        .clone()
        .filter(|o| !o.is_empty())
        .or_else(|| ctx.var_str("JWTCTL_OPERATOR"))
        .or_else(|| ctx.var_str("USER"))
        .or_else(|| ctx.var_str("LOGNAME"))
        .unwrap_or_else(|| "unknown".into());
    if operator.chars().count() > MAX_OPERATOR {
        return Err(Failure::usage(format!(
            "the operator name is longer than {MAX_OPERATOR} characters"
        )));
    }
    if let Some(reason) = &args.reason
        && reason.chars().count() > MAX_REASON
    {
        return Err(Failure::usage(format!(
            "--reason is longer than {MAX_REASON} characters"
        )));
    }
    let ci = CI_VARS
        .iter()
        .filter_map(|name| {
            let value = ctx.var_str(name)?;
            Some((
                (*name).to_owned(),
                value.chars().take(MAX_CI_VALUE).collect(),
            ))
        })
        .collect::<BTreeMap<_, _>>();
    Ok(MintFacts {
        time: DateTime::<Utc>::from_timestamp(ctx.now, 0).unwrap_or_default(),
        operator,
        host: host_name(ctx),
        ci,
        reason: args.reason.clone().filter(|r| !r.is_empty()),
        alg: format!("{alg:?}"),
        key_fingerprint: key.fingerprint.clone(),
        ..MintFacts::default()
    })
}

/// The host, for the audit record: `/etc/hostname`, else `$HOSTNAME`, else `unknown`.
fn host_name(ctx: &Context) -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| ctx.var_str("HOSTNAME"))
        .map(|h| h.chars().take(MAX_CI_VALUE).collect())
        .unwrap_or_else(|| "unknown".into())
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

/// A failure that ended a run from inside the stdin driver, back out of its `io::Error`.
fn unwrap_failure(e: io::Error) -> anyhow::Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Failure>())
    {
        Some(failure) => failure.clone().into(),
        None => e.into(),
    }
}

fn mint_failure(e: MintError) -> Failure {
    let mut failure = Failure::new(e.exit(), e.to_string());
    if let Some(hint) = e.hint() {
        failure = failure.hint(hint);
    }
    failure
}

/// How the old token's signature fared.
#[derive(Debug, Clone)]
enum Trust<'a> {
    /// Verified with the key of this label.
    Verified(&'a str),
    /// Not verified, and the operator acknowledged it; why not.
    Unverified(Cow<'static, str>),
    /// No old token.
    NoSource,
}

/// A token minted and signed, before its audit record and output are prepared.
struct Minted<'a> {
    /// The old token as given.
    old_compact: Option<&'a str>,
    /// The old claims, kept only when a confirmation summary may show them.
    old_claims: Option<serde_json::Map<String, serde_json::Value>>,
    draft: Draft,
    sealed: Sealed,
    trust: Trust<'a>,
}

/// Why one line could not be minted.
struct LineFailure {
    exit: Exit,
    code: &'static str,
    segment: &'static str,
    message: String,
    hint: Option<String>,
}

impl LineFailure {
    fn malformed(e: &Malformed) -> Self {
        LineFailure {
            exit: Exit::Malformed,
            code: e.code,
            segment: e.segment.name(),
            message: e.to_string(),
            hint: None,
        }
    }

    fn mint(e: &MintError) -> Self {
        LineFailure {
            exit: e.exit(),
            code: e.code(),
            segment: if matches!(e, MintError::Sign(_)) {
                "signature"
            } else {
                "payload"
            },
            message: e.to_string(),
            hint: e.hint(),
        }
    }
}

/// One line's result, in input order.
enum Pending {
    /// Minted, and waiting for its audit record: built (record body, digests, output line) on
    /// the worker thread that minted it, so the sequential part of a chunk is only the append.
    Minted {
        line: u64,
        /// The audit record's body.
        body: Body,
        /// The output: the token line, or in JSON mode the object up to `"audit_seq":`.
        out: Vec<u8>,
        /// For JSON mode's `source_verified`, after the sequence number.
        source_verified: bool,
    },
    /// The line could not be minted; its JSON error object (empty in human mode, or an empty
    /// line in a batch).
    Failed { line: u64, json: Vec<u8> },
}

impl Pending {
    fn line(&self) -> u64 {
        match self {
            Pending::Minted { line, .. } | Pending::Failed { line, .. } => *line,
        }
    }
}

#[derive(Default)]
struct Stats {
    minted: u64,
    failed: u64,
    first_seq: Option<u64>,
    last_seq: Option<u64>,
}

/// The per-run minting state.
struct Minter<'k> {
    recipe: Recipe,
    key: Prepared<'k>,
    checkers: Vec<Prepared<'k>>,
    unverified_ok: bool,
    read: ReadOptions,
    now: i64,
    audit_path: PathBuf,
    /// What every audit record of this run shares, rendered once.
    run_facts: RunFacts,
    output: Output,
    /// A confirmation summary may be shown (not a batch): keep the old claims for it.
    summarize: bool,
    pending: Mutex<Vec<Pending>>,
    stats: Mutex<Stats>,
    progress: super::progress::Progress,
}

impl Minter<'_> {
    /// Mint from one old token (or none), without writing anything yet.
    fn mint<'a>(&'a self, input: Option<(&'a [u8], bool)>) -> Result<Minted<'a>, LineFailure> {
        let fresh = Fresh {
            now: self.now,
            jti: random_jti()?,
        };
        let Some((bytes, oversized)) = input else {
            let draft =
                mint::draft(None, &self.recipe, &fresh).map_err(|e| LineFailure::mint(&e))?;
            let sealed = mint::seal(&draft, self.recipe.alg, &self.key)
                .map_err(|e| LineFailure::mint(&e))?;
            return Ok(Minted {
                old_compact: None,
                old_claims: None,
                draft,
                sealed,
                trust: Trust::NoSource,
            });
        };
        if oversized {
            return Err(LineFailure {
                exit: Exit::Malformed,
                code: "too_large",
                segment: "token",
                message: format!(
                    "input line is longer than {} bytes (raise the limit with --max-size)",
                    bytes.len()
                ),
                hint: None,
            });
        }
        let token = token::extract(bytes)
            .and_then(|t| token::parse(t, &self.read))
            .map_err(|e| LineFailure::malformed(&e))?;
        let trust = self.check_source(&token)?;
        let claims = token.claim_set().ok_or_else(|| {
            // The reader is set to accept only claim sets; say so rather than panic if not.
            LineFailure::malformed(&token::Malformed::new(
                token::Segment::Payload,
                "not_object",
                "is not a JSON claim set",
            ))
        })?;
        let old = Old {
            header: &token.header,
            claims,
        };
        let draft =
            mint::draft(Some(old), &self.recipe, &fresh).map_err(|e| LineFailure::mint(&e))?;
        let sealed =
            mint::seal(&draft, self.recipe.alg, &self.key).map_err(|e| LineFailure::mint(&e))?;
        Ok(Minted {
            old_compact: Some(token.compact),
            old_claims: self.summarize.then(|| claims.map().clone()),
            draft,
            sealed,
            trust,
        })
    }

    /// Does any `--verify-with` key vouch for the old token? If none does, that is fine only
    /// with `--unverified-source`.
    fn check_source(&self, token: &Token<'_>) -> Result<Trust<'_>, LineFailure> {
        let alg = token.alg().unwrap_or("(none)");
        for checker in &self.checkers {
            if let Ok(alg) = checker.allows(alg)
                && checker.verify(alg, token.signing_input(), &token.signature) == Ok(true)
            {
                return Ok(Trust::Verified(&checker.key.label));
            }
        }
        let why: Cow<'static, str> = if self.checkers.is_empty() {
            "no --verify-with key given".into()
        } else {
            let labels: Vec<String> = self
                .checkers
                .iter()
                .map(|c| format!("`{}`", c.key.label))
                .collect();
            format!("alg {alg}: no match with {}", labels.join(", ")).into()
        };
        if self.unverified_ok {
            return Ok(Trust::Unverified(why));
        }
        Err(LineFailure {
            exit: Exit::Mismatch,
            code: "source_unverified",
            segment: "signature",
            message: format!(
                "the old token's signature does not verify with any --verify-with key ({why})"
            ),
            hint: Some(
                "if the old key is gone (it was regenerated), mint anyway with \
                 --unverified-source; the audit record will say source_verified: false"
                    .into(),
            ),
        })
    }

    /// A minted token's audit record body and output, ready for its sequence number.
    fn ready(&self, line: u64, minted: Minted<'_>) -> Pending {
        let source_verified = matches!(minted.trust, Trust::Verified(_));
        let draft = &minted.draft;
        let body = self.run_facts.body(&TokenFacts {
            id_claim: &draft.id_claim,
            user_id: &draft.user_id,
            old_jti: draft.old_jti.as_deref(),
            new_jti: draft.new_jti.as_deref(),
            new_exp: draft.exp,
            old_token: minted.old_compact,
            new_token: &minted.sealed.compact,
            new_payload: &minted.sealed.payload,
            source_verified,
        });
        let out = if self.output.json {
            let mut out = Vec::with_capacity(2 * minted.sealed.compact.len() + 64);
            render::json_start(
                &MintedJson {
                    kind: "minted",
                    line,
                    token: &minted.sealed.compact,
                    header: &draft.header,
                    claims: &draft.claims,
                    exp: draft.exp,
                },
                &mut out,
            );
            out
        } else {
            let mut out = minted.sealed.compact.into_bytes();
            out.push(b'\n');
            out
        };
        Pending::Minted {
            line,
            body,
            out,
            source_verified,
        }
    }

    /// Append the audit records of every minted token in `pending` (one lock, one sync),
    /// then render all of them, in order, to `out`. Nothing is rendered when the append fails.
    fn commit(&self, pending: Vec<Pending>, out: &mut Vec<u8>) -> Result<(), Failure> {
        let bodies: Vec<&Body> = pending
            .iter()
            .filter_map(|p| match p {
                Pending::Minted { body, .. } => Some(body),
                Pending::Failed { .. } => None,
            })
            .collect();
        let mut seq = if bodies.is_empty() {
            0
        } else {
            audit::append_bodies(&self.audit_path, &bodies).map_err(audit_failure)?
        };
        drop(bodies);
        let mut stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        for item in pending {
            match item {
                Pending::Minted {
                    out: text,
                    source_verified,
                    ..
                } => {
                    stats.minted += 1;
                    stats.first_seq.get_or_insert(seq);
                    stats.last_seq = Some(seq);
                    out.extend_from_slice(&text);
                    if self.output.json {
                        render::json_finish(seq, source_verified, out);
                    }
                    // The append checked that every record's number fits.
                    seq = seq.wrapping_add(1);
                }
                Pending::Failed { json, .. } => {
                    stats.failed += 1;
                    out.extend_from_slice(&json);
                }
            }
        }
        Ok(())
    }

    /// Why one line could not be minted: its JSON error object (or, in human mode, its
    /// messages on `err` and an empty output line in a batch).
    fn failed(
        &self,
        number: u64,
        failure: &LineFailure,
        batch: bool,
        err: &mut Vec<u8>,
    ) -> (Pending, Exit) {
        let mut json = Vec::new();
        if self.output.json {
            crate::render::error_line::ErrorLine {
                line: number,
                exit: failure.exit,
                code: failure.code,
                segment: failure.segment,
                message: &failure.message,
            }
            .write(&mut json);
        } else {
            let place = if batch {
                format!("line {number}: ")
            } else {
                String::new()
            };
            let style = &self.output.err_style;
            let _ = writeln!(
                err,
                "jwtctl: {place}{} {}",
                style.paint(Role::Bad, "error:"),
                escape(&failure.message)
            );
            if let Some(hint) = &failure.hint {
                let _ = writeln!(
                    err,
                    "  {} {}",
                    style.paint(Role::Dim, "hint:"),
                    escape(hint)
                );
            }
            if batch {
                // Keep output line N for input line N.
                json.push(b'\n');
            }
        }
        (Pending::Failed { line: number, json }, failure.exit)
    }

    /// Mint from the token given as an argument, or from `--claim`s alone.
    fn single(
        &self,
        bytes: Option<&[u8]>,
        interactive: bool,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> anyhow::Result<Exit> {
        let mut messages = Vec::new();
        let (pending, exit) = match self.mint(bytes.map(|b| (b, false))) {
            Ok(minted) => {
                if interactive && !self.confirm(&minted, err) {
                    let _ = writeln!(err, "jwtctl: nothing minted, no audit record written");
                    return Ok(Exit::Interrupted);
                }
                (self.ready(1, minted), Exit::Ok)
            }
            Err(failure) => self.failed(1, &failure, false, &mut messages),
        };
        let _ = err.write_all(&messages);
        let mut text = Vec::new();
        self.commit(vec![pending], &mut text)?;
        out.write_all(&text)?;
        out.flush()?;
        if exit == Exit::Ok && !self.output.json {
            let stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = writeln!(
                err,
                "jwtctl: minted 1 token; audit record #{} in {}",
                stats.last_seq.unwrap_or_default(),
                escape(&self.audit_path.to_string_lossy())
            );
        }
        Ok(exit)
    }

    /// Show the summary on stderr and ask; `false` unless the operator says yes.
    fn confirm(&self, minted: &Minted<'_>, err: &mut dyn Write) -> bool {
        let prefix = minted.old_compact.map(audit::token_prefix);
        let verified = match &minted.trust {
            Trust::Verified(label) => Ok(*label),
            Trust::Unverified(why) => Err(why.as_ref()),
            Trust::NoSource => Err("no old token"),
        };
        let alg = format!("{:?}", self.recipe.alg);
        let path = self.audit_path.to_string_lossy();
        let summary = render::summary(
            &Summary {
                old_claims: minted.old_claims.as_ref(),
                old_prefix: prefix.as_deref(),
                verified,
                header: &minted.draft.header,
                claims: &minted.draft.claims,
                id: (&minted.draft.id_claim, &minted.draft.user_id),
                alg: &alg,
                key_label: &self.key.key.label,
                key_fingerprint: &self.key.key.fingerprint,
                exp: minted.draft.exp,
                now: self.now,
                audit_log: &path,
            },
            &self.output.err_style,
        );
        let _ = err.write_all(summary.as_bytes());
        let _ = err.flush();
        dialoguer::Confirm::new()
            .with_prompt("Mint this token and write its audit record?")
            .default(false)
            .interact()
            .unwrap_or(false)
    }

    /// After a batch: what was minted, on stderr.
    fn batch_notice(&self, err: &mut dyn Write) {
        if self.output.json {
            return;
        }
        let stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        let records = match (stats.first_seq, stats.last_seq) {
            (Some(first), Some(last)) => format!(
                "; audit records #{first}..#{last} in {}",
                escape(&self.audit_path.to_string_lossy())
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            err,
            "jwtctl: minted {} token{}, {} line{} failed{records}",
            stats.minted,
            if stats.minted == 1 { "" } else { "s" },
            stats.failed,
            if stats.failed == 1 { "" } else { "s" },
        );
    }
}

impl LineJob for Minter<'_> {
    fn line(&self, line: Line<'_>, _out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit {
        let (pending, exit) = match self.mint(Some((line.bytes, line.oversized))) {
            Ok(minted) => (self.ready(line.number, minted), Exit::Ok),
            Err(failure) => self.failed(line.number, &failure, line.batch, err),
        };
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pending);
        exit
    }

    fn settle(&self, out: &mut Vec<u8>, _err: &mut Vec<u8>) -> io::Result<()> {
        let mut pending = {
            let mut held = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            // The next chunk is about as long as this one: keep its room.
            let room = held.len();
            std::mem::replace(&mut *held, Vec::with_capacity(room))
        };
        if pending.is_empty() {
            return Ok(());
        }
        // The driver may run a chunk's lines on several threads: back to input order, so
        // audit records, sequence numbers and output lines all follow the input. (Each
        // worker's lines arrive in order, so this merges a few sorted runs.)
        pending.sort_by_key(Pending::line);
        self.commit(pending, out).map_err(io::Error::other)
    }

    fn holds_output(&self) -> bool {
        // Tokens are released only after their audit records are appended and synced.
        true
    }

    fn progress(&self, lines: u64) {
        self.progress.update(lines);
    }
}

/// Random bytes drawn from the kernel per `getrandom(2)` call on each thread: a batch needs
/// 16 per token, and one system call per token cost more than the rest of drawing them.
const RANDOM_POOL: usize = 512;

/// A thread's unused random bytes: `bytes[used..]`. Bytes handed out are wiped from it.
struct RandomPool {
    bytes: [u8; RANDOM_POOL],
    used: usize,
}

thread_local! {
    static RANDOM: std::cell::RefCell<RandomPool> = const {
        std::cell::RefCell::new(RandomPool { bytes: [0; RANDOM_POOL], used: RANDOM_POOL })
    };
}

/// 16 bytes from the kernel's CSPRNG (`getrandom(2)`, drawn [`RANDOM_POOL`] bytes at a time).
/// Not `aws_lc_rs::rand`: its first call seeds a jitter-entropy collector per process and
/// thread, which costs tens of milliseconds, a lot for the one-token-per-process shell loops
/// mint must keep cheap.
fn random_jti() -> Result<[u8; 16], LineFailure> {
    RANDOM.with_borrow_mut(|pool| {
        if pool.used + 16 > RANDOM_POOL {
            fill_random(&mut pool.bytes)?;
            pool.used = 0;
        }
        let taken = &mut pool.bytes[pool.used..pool.used + 16];
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(taken);
        taken.fill(0);
        pool.used += 16;
        Ok(bytes)
    })
}

fn fill_random(bytes: &mut [u8]) -> Result<(), LineFailure> {
    let mut filled = 0;
    while filled < bytes.len() {
        let rest = &mut bytes[filled..];
        // SAFETY: `rest` is valid for writes of `rest.len()` bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        match n {
            n if n > 0 => filled += n as usize,
            _ if std::io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => {}
            _ => {
                return Err(LineFailure {
                    exit: Exit::Io,
                    code: "random",
                    segment: "token",
                    message: format!(
                        "the system's random source failed: {}",
                        std::io::Error::last_os_error()
                    ),
                    hint: None,
                });
            }
        }
    }
    Ok(())
}

fn audit_failure(e: AuditError) -> Failure {
    let failure = Failure::new(
        Exit::AuditFailure,
        format!("nothing minted: the audit record could not be written: {e}"),
    );
    match e {
        AuditError::CorruptTail { .. } => failure,
        _ => failure.hint(
            "make the log's directory writable, or choose another log with --audit-log PATH \
             or JWTCTL_AUDIT_LOG",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_jtis_differ_across_pool_refills() {
        let draws: Vec<[u8; 16]> = (0..3 * RANDOM_POOL / 16)
            .map(|_| random_jti().unwrap_or_else(|f| panic!("{}", f.message)))
            .collect();
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert_eq!(distinct.len(), draws.len());
        assert!(draws.iter().all(|d| d != &[0; 16]));
    }
}
