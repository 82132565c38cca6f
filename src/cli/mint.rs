//! `jwtctl mint` and `jwtctl audit`: clap definitions only.

use super::{KeyArgs, parse_at, parse_size};
use crate::token::DEFAULT_MAX_SIZE;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::ffi::OsString;
use std::path::PathBuf;

/// Shown under `jwtctl mint --help`.
pub const MINT_EXAMPLES: &str = "Examples:
  # The incident: the old secret is gone, the old token has no exp
  jwtctl mint --from \"$OLD_TOKEN\" --secret-env JWT_SECRET --unverified-source --no-exp \\
      --reason 'JWT_SECRET regenerated on rebuild'
  # The old key is still known: the source is verified, the old lifetime kept
  jwtctl mint --from \"$OLD_TOKEN\" --verify-with old=./old.secret --secret-file ./new.secret
  # CI: re-mint many tokens, one per line, JSON Lines out
  jwtctl mint --from - --verify-with-env OLD_SECRET --secret-env JWT_SECRET --json < tokens.txt
  # No old token: from claims alone
  jwtctl mint --claim sub=svc-billing --claim 'roles:=[\"read\"]' --exp 15m --secret-env JWT_SECRET";

/// Shown under `jwtctl mint --help` (long form).
pub const MINT_DETAILS: &str = "Claims:
  By default the new token carries only the user id claim of the old token (sub, id, user_id,
  uid or userId, auto-detected; or --id-claim NAME), a fresh iat, exp as decided below, and a
  new random jti when the old token had one. --keep-claims carries the whole old payload.
  --claim NAME=VALUE takes VALUE as JSON when it parses as JSON (42, true, null, [1], {\"a\":1},
  \"\\\"42\\\"\" for the string \"42\"), else as a plain string; NAME:=VALUE requires JSON.

Expiry:
  --exp DURATION (90s, 15m, 12h, 7d, 2w, 1h30m) from now. Without it, a token minted from an old
  token with exp and iat gets the same lifetime, from now. An old token without exp (or minting
  without --from) needs --exp or an explicit --no-exp: a token without exp never expires and
  dies only when the signing key rotates.

Source trust:
  The old token's signature is checked against every --verify-with / --verify-with-env key.
  If none matches (or none was given), minting needs --unverified-source, and the audit record
  says source_verified: false.

Audit log:
  Each mint appends a record (never the secret or a whole token) to --audit-log PATH, else
  $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl (~/.local/state/...). The record is
  written and synced before any token is printed: if that fails, nothing is printed and the
  exit code is 6. Operator: --operator, else $JWTCTL_OPERATOR, else $USER / $LOGNAME.

Confirmation:
  With a terminal on stdin and stderr (and --from not -), a summary and a confirmation prompt
  are shown on stderr; answering no mints nothing and exits 130. --yes skips the prompt.
  Without a terminal jwtctl never prompts or waits: it mints (CI runs this way).

Output:
  stdout carries only the new token, one per line; with --json one object per token:
  {\"kind\":\"minted\",\"line\",\"token\",\"header\",\"claims\",\"exp\",\"audit_seq\",\"source_verified\"}
  or {\"kind\":\"error\",\"line\",\"exit_code\",\"error\":{\"class\",\"code\",\"segment\",\"message\"}}.
  In a batch (--from - with many lines) a line that cannot be minted gets an empty output line
  (a JSON error object with --json), so output line N answers input line N; the run goes on.";

/// `jwtctl mint --help`: the details, then the examples.
pub fn long_help() -> String {
    format!("{MINT_DETAILS}\n\n{MINT_EXAMPLES}")
}

/// A `--claim` option: a claim name and its JSON value.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimArg {
    /// The claim name.
    pub name: String,
    /// Its value.
    pub value: Value,
}

/// `jwtctl mint`.
#[derive(Debug, Args)]
#[command(after_long_help = long_help())]
pub struct MintArgs {
    /// The old token whose user id the new token reuses (bare, `Bearer <t>`, a header or log
    /// line); `-` reads old tokens from stdin, one per line. Omitted: mint from --claim alone.
    #[arg(long, value_name = "TOKEN|-")]
    pub from: Option<OsString>,

    /// The claim that holds the user id (default: whichever of sub, id, user_id, uid, userId
    /// the token has; none or several is an error).
    #[arg(long, value_name = "NAME")]
    pub id_claim: Option<String>,

    /// Carry the whole old payload instead of only the id claim.
    #[arg(long)]
    pub keep_claims: bool,

    /// Set a claim: NAME=VALUE (VALUE as JSON if it parses, else a string) or NAME:=JSON.
    #[arg(long = "claim", value_name = "NAME=VALUE", value_parser = parse_claim)]
    pub claims: Vec<ClaimArg>,

    /// Remove a claim carried over from the old token.
    #[arg(long, value_name = "NAME")]
    pub unset: Vec<String>,

    /// Expire this long after now (90s, 15m, 12h, 7d, 2w, 1h30m).
    #[arg(long, value_name = "DURATION", value_parser = parse_lifetime, conflicts_with = "no_exp")]
    pub exp: Option<i64>,

    /// Mint a token without `exp`, that never expires (it dies only when the key rotates).
    #[arg(long)]
    pub no_exp: bool,

    /// Header `kid` (default: the signing key's kid, else the old token's).
    #[arg(long, value_name = "KID", conflicts_with = "no_kid")]
    pub kid: Option<String>,

    /// No `kid` in the header.
    #[arg(long)]
    pub no_kid: bool,

    /// Header `typ` (default: the old token's; JWT without --from).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,

    /// Check the old token's signature with this key file (PEM, DER, JWK, JWKS) or HMAC secret
    /// file (byte for byte; --secret-encoding applies). Repeatable.
    #[arg(long, value_name = "[LABEL=]PATH", help_heading = "Source trust")]
    pub verify_with: Vec<OsString>,

    /// Check the old token's signature with the HMAC secret in environment variable NAME.
    #[arg(long, value_name = "[LABEL=]NAME", help_heading = "Source trust")]
    pub verify_with_env: Vec<String>,

    /// Mint even though the old token's signature could not be verified (recorded in the audit
    /// log as source_verified: false).
    #[arg(long, help_heading = "Source trust")]
    pub unverified_source: bool,

    /// The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl).
    #[arg(long, value_name = "PATH", help_heading = "Audit")]
    pub audit_log: Option<PathBuf>,

    /// Who is minting, for the audit record (default: $JWTCTL_OPERATOR, else the OS user).
    #[arg(long, value_name = "NAME", help_heading = "Audit")]
    pub operator: Option<String>,

    /// Why, for the audit record.
    #[arg(long, value_name = "TEXT", help_heading = "Audit")]
    pub reason: Option<String>,

    // Forwarding the audit records off the box.
    /// Also send each audit record, once synced locally, to syslog (RFC 5424): `unix` (the
    /// local socket, /dev/log), `unix:PATH`, `udp:HOST:PORT` or `tcp:HOST:PORT`.
    #[arg(long, value_name = "DEST", help_heading = "Audit")]
    pub audit_forward: Option<String>,

    /// A record that cannot be forwarded is fatal (exit 6) and its token is not released,
    /// instead of a warning.
    #[arg(long, requires = "audit_forward", help_heading = "Audit")]
    pub audit_forward_required: bool,

    /// Do not ask for confirmation on a terminal.
    #[arg(short, long)]
    pub yes: bool,

    /// Largest accepted old token in bytes (suffixes K, M allowed).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SIZE, value_parser = parse_size)]
    pub max_size: usize,

    /// The signing key: exactly one.
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// Shown under `jwtctl audit --help`.
pub const AUDIT_EXAMPLES: &str = "Examples:
  jwtctl audit verify                          check the whole chain, print the head hash
  jwtctl audit show --since 2026-11-23T00:00:00Z --operator alice
  jwtctl audit show --user 3f6c2a1e-8b7d-4c2a-9f1e-5a6b7c8d9e0f --json";

const AUDIT_SHOW_EXAMPLES: &str = "Examples:
  jwtctl audit show                            every record, as a table
  jwtctl audit show --since 2026-11-23T00:00:00Z --until 2026-11-24T00:00:00Z
  jwtctl audit show --operator ci-bot --json   the stored JSON lines, for jq
  jwtctl audit show --user 42 --audit-log /var/lib/jwtctl/audit.jsonl";

const AUDIT_VERIFY_EXAMPLES: &str = "Examples:
  jwtctl audit verify                          exit 0 when intact, 6 at the first broken record
  jwtctl audit verify --json | jq -r .head     the head hash, to anchor somewhere else
  jwtctl audit verify --expect-head 42:sha256:9f86d081884c7d65...
  jwtctl audit verify --expect-head-file checkpoints.txt
  jwtctl audit verify --audit-log /var/lib/jwtctl/audit.jsonl";

/// `jwtctl audit`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List mint records (human table, or the stored JSON lines with --json).
    ///
    /// Records are read, not checked: run `jwtctl audit verify` for the hash chain. A line that
    /// is not a valid record stops the listing (exit 6).
    #[command(after_help = AUDIT_SHOW_EXAMPLES)]
    Show(super::Deferred<AuditShowArgs>),
    /// Re-check every record's hash-chain link and sequence number; print the head hash.
    ///
    /// Names the first broken record (edited, deleted, reordered, truncated, unparsable) with
    /// its line and sequence number, and exits 6 when the chain is broken. The head hash is the
    /// hash of the last good line: keep it somewhere else, since cutting whole records off the
    /// end leaves a valid but shorter chain that only a different head reveals.
    #[command(after_help = AUDIT_VERIFY_EXAMPLES)]
    Verify(super::Deferred<AuditVerifyArgs>),
    /// Print the log's head as a checkpoint, SEQ:HASH, after checking the whole chain.
    ///
    /// Keep checkpoints somewhere the log's operators cannot rewrite (a CI job log, a ticket, a
    /// collector): `audit verify --expect-head SEQ:HASH` later proves the log still holds that
    /// record unchanged and that everything after it extends it. Exit 6 when the chain is
    /// broken.
    #[command(after_help = AUDIT_HEAD_EXAMPLES)]
    Head(super::Deferred<AuditHeadArgs>),
    /// Cut an unfinished last line (left by a crash or a full disk mid-append) and record the
    /// cut as a `repair` record.
    ///
    /// Without --yes, only shows what it would cut. Only bytes after the last newline are ever
    /// cut, never a complete record; a whole record missing only its newline is ended instead.
    /// The repair record carries the cut bytes' length and SHA-256.
    #[command(after_help = AUDIT_REPAIR_EXAMPLES)]
    Repair(super::Deferred<AuditRepairArgs>),
}

const AUDIT_HEAD_EXAMPLES: &str = "Examples:
  jwtctl audit head                            e.g. 42:sha256:9f86d081884c7d65...
  jwtctl audit head --json | jq -r .checkpoint";

const AUDIT_REPAIR_EXAMPLES: &str = "Examples:
  jwtctl audit repair                          show what would be cut (changes nothing)
  jwtctl audit repair --yes --reason 'power loss on build-7'";

/// `jwtctl audit head`.
#[derive(Debug, Args)]
pub struct AuditHeadArgs {
    #[command(flatten)]
    pub log: AuditLogArg,
}

/// `jwtctl audit repair`.
#[derive(Debug, Args)]
pub struct AuditRepairArgs {
    #[command(flatten)]
    pub log: AuditLogArg,

    /// Cut the unfinished line and append the repair record (default: only show it).
    #[arg(long)]
    pub yes: bool,

    /// Who is repairing, for the repair record (default: $JWTCTL_OPERATOR, else the OS user).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
}

/// Which audit log to read.
#[derive(Debug, Args)]
pub struct AuditLogArg {
    /// The audit log (default: $JWTCTL_AUDIT_LOG, else $XDG_STATE_HOME/jwtctl/audit.jsonl).
    #[arg(long, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
}

/// `jwtctl audit show`.
#[derive(Debug, Args)]
pub struct AuditShowArgs {
    #[command(flatten)]
    pub log: AuditLogArg,

    /// Only records minted at or after TIME (RFC 3339 or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_at)]
    pub since: Option<i64>,

    /// Only records minted at or before TIME (RFC 3339 or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_at)]
    pub until: Option<i64>,

    /// Only records of this operator.
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,

    /// Only records for this user id.
    #[arg(long, value_name = "ID")]
    pub user: Option<String>,
}

/// `jwtctl audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub log: AuditLogArg,

    /// A checkpoint seen earlier (from `audit head` or a mint): the log must still hold record
    /// SEQ with this hash. Repeatable.
    #[arg(long, value_name = "SEQ:HASH", value_parser = parse_checkpoint)]
    pub expect_head: Vec<String>,

    /// A file of checkpoints, one SEQ:HASH per line (blank lines and `#` comments ignored).
    #[arg(long, value_name = "FILE")]
    pub expect_head_file: Vec<PathBuf>,
}

fn parse_checkpoint(text: &str) -> Result<String, String> {
    crate::audit::Checkpoint::parse(text).map(|c| c.to_string())
}

/// `NAME=VALUE` (JSON if it parses, else a string) or `NAME:=JSON`.
pub fn parse_claim(text: &str) -> Result<ClaimArg, String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE or NAME:=JSON, got {text:?}"))?;
    let (name, json_only) = match name.strip_suffix(':') {
        Some(name) => (name, true),
        None => (name, false),
    };
    if name.is_empty() {
        return Err(format!("claim name missing in {text:?}"));
    }
    let value = match (crate::token::json::parse(value.as_bytes()), json_only) {
        (Ok(value), _) => value,
        (Err(why), true) => return Err(format!("{name}:= needs a JSON value: {why}")),
        (Err(_), false) => Value::String(value.to_owned()),
    };
    Ok(ClaimArg {
        name: name.to_owned(),
        value,
    })
}

fn parse_lifetime(text: &str) -> Result<i64, String> {
    match crate::time::parse_duration(text)? {
        0 => Err("the lifetime must be longer than 0s".into()),
        seconds => Ok(seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claim_values() {
        let parsed = |t: &str| parse_claim(t).map(|c| (c.name, c.value));
        assert_eq!(parsed("role=admin"), Ok(("role".into(), json!("admin"))));
        assert_eq!(parsed("n=42"), Ok(("n".into(), json!(42))));
        assert_eq!(parsed("ok=true"), Ok(("ok".into(), json!(true))));
        assert_eq!(parsed("s=\"42\""), Ok(("s".into(), json!("42"))));
        assert_eq!(parsed("a=[1,2]"), Ok(("a".into(), json!([1, 2]))));
        assert_eq!(parsed("e="), Ok(("e".into(), json!(""))));
        assert_eq!(parsed("eq=a=b"), Ok(("eq".into(), json!("a=b"))));
        assert_eq!(parsed("o:={\"x\":1}"), Ok(("o".into(), json!({"x": 1}))));
        assert!(parse_claim("o:=nope").is_err());
        assert!(parse_claim("o:={\"x\":1,\"x\":2}").is_err(), "duplicates");
        assert!(parse_claim("=1").is_err());
        assert!(parse_claim("novalue").is_err());
    }

    #[test]
    fn lifetimes() {
        assert_eq!(parse_lifetime("15m"), Ok(900));
        assert!(parse_lifetime("0").is_err());
        assert!(parse_lifetime("soon").is_err());
    }
}
