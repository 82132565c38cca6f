//! The command line, as clap definitions only. Value parsers turn text into typed values so
//! the rest of the program never re-parses strings.

use crate::context::ColorChoice;
use crate::token::DEFAULT_MAX_SIZE;
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;

mod deferred;
mod mint;
pub use deferred::Deferred;
pub use mint::{
    AuditCommand, AuditHeadArgs, AuditLogArg, AuditRepairArgs, AuditShowArgs, AuditVerifyArgs,
    ClaimArg, MintArgs, parse_claim,
};

/// Largest value `--max-size` accepts.
pub const MAX_MAX_SIZE: usize = 64 * 1024 * 1024;

const ABOUT: &str = "An operator's toolkit for JSON Web Tokens: decode, verify with diagnosis, \
mint with an audit trail, fingerprint secrets";

/// jwtctl's command line.
#[derive(Debug, Parser)]
#[command(
    name = "jwtctl",
    version,
    about = ABOUT,
    after_help = ROOT_EXAMPLES,
    after_long_help = root_long_help()
)]
pub struct Cli {
    /// The options every command takes, given before the command's name.
    #[command(flatten)]
    pub common: Common,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

// The options every command takes, before or after its name (`jwtctl --json decode` and
// `jwtctl decode --json` alike). They are declared on the root and on each command rather
// than as clap's global arguments: clap copies global arguments into every command and their
// values into every level of the matches, which cost a tenth of a one-token `decode`. (Not a
// doc comment: clap's derive would make it the about text of every command it is added to.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct Common {
    /// When to colour output: auto (the default: terminal, NO_COLOR unset, TERM not dumb),
    /// always, never.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    /// Machine output: one JSON object per token (JSON Lines for batches).
    #[arg(long)]
    pub json: bool,

    /// Print nothing on stdout; the exit code is the answer.
    #[arg(short, long)]
    pub quiet: bool,
}

impl Common {
    /// These options with those given at a later place of the command line on top: a flag
    /// given at either is set, the later `--color` wins (as when one is given twice).
    pub fn then(self, later: Common) -> Common {
        Common {
            color: later.color.or(self.color),
            json: self.json || later.json,
            quiet: self.quiet || later.quiet,
        }
    }

    /// `--color`, `auto` when not given.
    pub fn color(&self) -> ColorChoice {
        self.color.unwrap_or(ColorChoice::Auto)
    }
}

impl Cli {
    /// The options every command takes, wherever on the command line they were given.
    pub fn common(&self) -> Common {
        let later = match &self.command {
            Command::Decode(args) => args.common,
            Command::Verify(args) => args.common,
            Command::Fingerprint(args) => args.common,
            Command::Completions(args) => args.common,
            Command::Mint(args) => args.common,
            Command::Audit(audit) => audit.common.then(match &audit.command {
                AuditCommand::Show(args) => args.common,
                AuditCommand::Verify(args) => args.common,
                AuditCommand::Head(args) => args.common,
                AuditCommand::Repair(args) => args.common,
            }),
        };
        self.common.then(later)
    }

    /// Parse the process's arguments (`args`, the program's name first).
    pub fn from_process(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(args)
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a token's header, claims and time facts WITHOUT verifying it.
    #[command(after_help = DECODE_EXAMPLES)]
    Decode(Deferred<DecodeArgs>),

    /// Verify a token's signature and claims with your keys; report every check, a verdict,
    /// why, and the next step.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(Deferred<Box<VerifyArgs>>),

    /// Print a secret's or key's fingerprint, or compare it with an expected one (exit 0 on
    /// match, 1 on mismatch: a container health check).
    ///
    /// A fingerprint is `sha256:` and 64 hex digits: of an HMAC secret's bytes exactly as used
    /// for signing, and for RSA, EC and Ed25519 keys of their RFC 7638 JWK thumbprint input
    /// (the base64url thumbprint is shown too). A private key has its public half's.
    ///
    /// With --expect or --expect-short exactly one key is compared: select it with --kid, or
    /// pass --any to accept a match with any key given. While comparing, the actual
    /// fingerprint is not printed unless --show-actual is given.
    #[command(after_help = FINGERPRINT_EXAMPLES)]
    Fingerprint(Deferred<FingerprintArgs>),

    /// Print a shell completion script on stdout (bash, zsh, fish, elvish, powershell).
    ///
    /// The scripts are generated from this command line; the same files are committed under
    /// completions/ in the source tree.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(Deferred<CompletionsArgs>),

    /// Issue a replacement token that reuses the old token's user id, signed with the current
    /// key; an audit record is written before the token is printed.
    #[command(after_help = mint::MINT_EXAMPLES)]
    Mint(Deferred<Box<MintArgs>>),

    /// Read and check the mint audit log.
    #[command(after_help = mint::AUDIT_EXAMPLES)]
    Audit(AuditArgs),
}

// `jwtctl audit`: the options every command takes, and which audit command. (Not a doc
// comment: the `Audit` variant's is the command's about text.) Not deferred like the other
// commands: clap's generated `help` command lists the audit commands only when they are
// declared up front, and the completions complete `jwtctl help audit <TAB>` from that list.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The options every command takes, given after `audit`.
    #[command(flatten)]
    pub common: Common,

    /// What to do with the audit log.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// Examples appear under `--help` and, read back from the clap definition, in the man pages'
/// EXAMPLES sections: one text, two places. Each block starts with an `Examples:` line.
const ROOT_EXAMPLES: &str = "Examples:
  jwtctl decode \"$TOKEN\"       look inside a token without verifying it
  jwtctl verify \"$TOKEN\"       check it with $JWT_SECRET (or --secret-file, --key, --jwks)
  jwtctl help decode           a command's options and examples
  jwtctl completions bash > ~/.local/share/bash-completion/completions/jwtctl";

const DECODE_EXAMPLES: &str = "Examples:
  jwtctl decode eyJhbGciOi...            a token
  jwtctl decode 'Bearer eyJhbGciOi...'   pasted with its scheme, or a whole Authorization line
  grep -h 401 access.log | jwtctl decode --json   one JSON object per log line
  jwtctl decode --at 2026-11-23T10:00:00Z \"$T\"   relative times as of a logged request";

const COMPLETIONS_EXAMPLES: &str = "Examples:
  jwtctl completions bash > ~/.local/share/bash-completion/completions/jwtctl
  jwtctl completions zsh > ~/.zfunc/_jwtctl     with fpath+=(~/.zfunc) before compinit
  jwtctl completions fish > ~/.config/fish/completions/jwtctl.fish
  jwtctl completions elvish > ~/.config/elvish/lib/jwtctl.elv     then: use jwtctl
  jwtctl completions powershell >> $PROFILE
  source <(jwtctl completions bash)     this bash session only";

/// `jwtctl completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Where tokens come from and how strictly they are read (shared by all token commands).
#[derive(Debug, Args)]
pub struct TokenInput {
    /// The token: bare, `Bearer <token>`, an `Authorization:` header line, or a log line
    /// containing one. `-` or omitted: read tokens from stdin, one per line.
    #[arg(value_name = "TOKEN")]
    pub token: Option<OsString>,

    /// Largest accepted token in bytes (suffixes K, M allowed).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_SIZE, value_parser = parse_size)]
    pub max_size: usize,

    /// Accept a payload that is not a JSON claim set (a plain JWS such as the RFC 7520
    /// examples); claim checks are skipped.
    #[arg(long)]
    pub any_payload: bool,
}

/// `jwtctl decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    pub input: TokenInput,

    /// Judge relative times at this instant (RFC 3339 or Unix seconds) instead of now.
    #[arg(long, value_name = "TIME", value_parser = parse_at)]
    pub at: Option<i64>,
}

/// How secret bytes given on the command line, in env vars or files are encoded (the clap
/// face of [`crate::keys::SecretEncoding`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SecretEncodingArg {
    /// The bytes exactly as given (a trailing newline in a file is part of the secret).
    #[default]
    Raw,
    /// Standard base64 (surrounding whitespace ignored).
    Base64,
    /// base64url (surrounding whitespace ignored).
    Base64url,
    /// Hexadecimal (surrounding whitespace ignored).
    Hex,
}

impl From<SecretEncodingArg> for crate::keys::SecretEncoding {
    fn from(arg: SecretEncodingArg) -> Self {
        use crate::keys::SecretEncoding;
        match arg {
            SecretEncodingArg::Raw => SecretEncoding::Raw,
            SecretEncodingArg::Base64 => SecretEncoding::Base64,
            SecretEncodingArg::Base64url => SecretEncoding::Base64url,
            SecretEncodingArg::Hex => SecretEncoding::Hex,
        }
    }
}

/// Key and secret options, shared by `verify`, `mint` and `fingerprint`. Every source is
/// repeatable; together they form a key ring. `LABEL=` names a key in reports.
#[derive(Debug, Args, Default)]
pub struct KeyArgs {
    /// HMAC secret from environment variable NAME.
    #[arg(long, value_name = "[LABEL=]NAME", help_heading = "Keys")]
    pub secret_env: Vec<String>,

    /// HMAC secret from a file, byte for byte (a trailing newline is part of it).
    #[arg(long, value_name = "[LABEL=]PATH", help_heading = "Keys")]
    pub secret_file: Vec<OsString>,

    /// HMAC secret from stdin (only when the token is given as an argument).
    #[arg(long, help_heading = "Keys")]
    pub secret_stdin: bool,

    /// HMAC secret on the command line (leaks into shell history and `ps`; prefer the others).
    #[arg(long, value_name = "VALUE", help_heading = "Keys")]
    pub secret: Vec<String>,

    /// Key file: PEM, DER, JWK or JWKS, detected by content.
    #[arg(long, value_name = "[LABEL=]PATH", help_heading = "Keys")]
    pub key: Vec<OsString>,

    /// JWKS fetched once from an https URL (identity-provider tokens); public keys only.
    #[arg(long, value_name = "[LABEL=]URL", help_heading = "Keys")]
    pub jwks: Vec<String>,

    /// How HMAC secrets are encoded.
    #[arg(long, value_enum, default_value_t = SecretEncodingArg::Raw, value_name = "ENCODING", help_heading = "Keys")]
    pub secret_encoding: SecretEncodingArg,

    /// Pin every key to this algorithm (default: the key's own `alg`, else its family).
    #[arg(long, value_name = "ALG", value_parser = parse_alg, help_heading = "Keys")]
    pub alg: Option<jsonwebtoken::Algorithm>,

    // Key trust: weak secrets.
    /// Use an HMAC secret shorter than the hash output anyway (RFC 7518 §3.2 forbids it;
    /// for diagnosis only: anyone who guesses such a secret can forge tokens).
    #[arg(long, help_heading = "Keys")]
    pub allow_weak_key: bool,

    // Key trust: JWKS transport.
    /// Fetch a --jwks URL over plain http from a host that is not loopback. Anyone on the
    /// network path can then swap the keys and forge tokens that verify.
    #[arg(long, help_heading = "Keys")]
    pub allow_insecure_jwks_http: bool,
}

impl KeyArgs {
    /// Whether any key source was named explicitly.
    pub fn any_given(&self) -> bool {
        !self.secret_env.is_empty()
            || !self.secret_file.is_empty()
            || self.secret_stdin
            || !self.secret.is_empty()
            || !self.key.is_empty()
            || !self.jwks.is_empty()
    }
}

/// `jwtctl verify`.
#[derive(Debug, Args)]
// Here rather than on the subcommand, so the exit table is formatted only when verify runs.
#[command(after_long_help = verify_long_help())]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: TokenInput,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// Expected issuer: the token's `iss` must equal it.
    #[arg(long, value_name = "ISSUER", help_heading = "Claims")]
    pub iss: Option<String>,

    /// Acceptable audience (repeatable): one of the token's `aud` values must be one of them.
    #[arg(long, value_name = "AUDIENCE", help_heading = "Claims")]
    pub aud: Vec<String>,

    /// A claim that must be present (repeatable, or comma-separated). `--require exp` makes
    /// expiry mandatory (by default `exp` is checked only when present).
    #[arg(
        long,
        value_name = "CLAIM",
        value_delimiter = ',',
        help_heading = "Claims"
    )]
    pub require: Vec<String>,

    /// Expected header `typ` (compared ignoring case and an `application/` prefix).
    #[arg(long, value_name = "TYPE", help_heading = "Claims")]
    pub typ: Option<String>,

    /// Clock-skew allowance for exp, nbf and iat: seconds or a duration (30, 2m); at most a year.
    #[arg(long, value_name = "SECONDS", default_value = "0", value_parser = parse_leeway, help_heading = "Claims")]
    pub leeway: crate::verify::Leeway,

    /// Judge times at this instant (RFC 3339 or Unix seconds) instead of now, e.g. the time of
    /// a logged request.
    #[arg(long, value_name = "TIME", value_parser = parse_at, help_heading = "Claims")]
    pub at: Option<i64>,
}

const VERIFY_EXAMPLES: &str = "Examples:
  # an HMAC secret from an environment variable
  jwtctl verify --secret-env JWT_SECRET \"$T\"
  # a key ring: the report says which key signed the token
  jwtctl verify --secret-file current=/run/secrets/jwt --secret-file previous=old.key \"$T\"
  # an identity provider's token, with issuer and audience as the service checks them
  jwtctl verify --jwks https://idp.example/.well-known/jwks.json --iss https://idp.example/ --aud api \"$T\"
  # as the service saw it at the time of a logged request, with its clock-skew allowance
  jwtctl verify --at 2026-11-23T10:00:00Z --leeway 30 --secret-env JWT_SECRET \"$T\"
  # one JSON line per token found in a log
  grep -h 401 access.log | jwtctl verify --json --secret-env JWT_SECRET";

fn verify_long_help() -> String {
    format!("{VERIFY_EXAMPLES}\n\n{}", exit_help())
}

fn parse_leeway(text: &str) -> Result<crate::verify::Leeway, crate::verify::PolicyError> {
    crate::verify::Leeway::parse(text)
}

const FINGERPRINT_EXAMPLES: &str = "Examples:
  jwtctl fingerprint --secret-env JWT_SECRET        sha256:<64 hex>, short form, length, strength
  jwtctl fingerprint --key jwks.json                one fingerprint and RFC 7638 thumbprint per kid
  jwtctl fingerprint --secret-file s.key --expect sha256:9f86d081...   exit 0 match, 1 mismatch
  HEALTHCHECK CMD jwtctl -q fingerprint --secret-env JWT_SECRET --expect sha256:... || exit 1";

/// `jwtctl fingerprint`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("expectation").args(["expect", "expect_short"]))]
pub struct FingerprintArgs {
    #[command(flatten)]
    pub keys: KeyArgs,

    /// Compare with this fingerprint: `sha256:` and 64 hex digits (either case), a key's
    /// 43-character RFC 7638 thumbprint, or a `--salted` value. Exit 0 on match, 1 on
    /// mismatch.
    #[arg(long, value_name = "FP")]
    pub expect: Option<String>,

    /// Compare only the short form: exactly 8 hex digits (32 bits: catches a changed key,
    /// not a forged one).
    #[arg(long, value_name = "HEX8")]
    pub expect_short: Option<String>,

    /// Only the key(s) with this `kid` (for a JWKS).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// With several keys, succeed when any of them has the expected fingerprint.
    #[arg(long, requires = "expectation")]
    pub any: bool,

    /// When comparing, also print the actual fingerprints.
    #[arg(long, requires = "expectation")]
    pub show_actual: bool,

    // Key trust: salted check values.
    /// Print a salted, slow check value (argon2id PHC string, ~50 ms) in place of a secret's
    /// SHA-256 fingerprint, which lets anyone confirm a guessed secret. `--expect` takes it.
    #[arg(long)]
    pub salted: bool,
}

fn parse_alg(text: &str) -> Result<jsonwebtoken::Algorithm, String> {
    crate::keys::parse_algorithm(text).map_err(crate::keys::KeyError::into_message)
}

fn parse_at(text: &str) -> Result<i64, String> {
    crate::time::parse_instant(text)
}

fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let multiplier = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        _ => {
            return Err(format!(
                "invalid size {text:?}: use bytes, or a K or M suffix"
            ));
        }
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("invalid size {text:?}: use bytes, or a K or M suffix"))?;
    match n.checked_mul(multiplier) {
        Some(size) if (1..=MAX_MAX_SIZE).contains(&size) => Ok(size),
        _ => Err(format!(
            "size must be between 1 byte and {} MiB",
            MAX_MAX_SIZE >> 20
        )),
    }
}

fn exit_help() -> String {
    format!("Exit status:\n{}", crate::exit::Exit::table())
}

fn root_long_help() -> String {
    format!("{ROOT_EXAMPLES}\n\n{}", exit_help())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--color`, `--json` and `--quiet` count wherever they are given: before the command,
    /// after it, between `audit` and its command; the later `--color` wins.
    #[test]
    fn common_options_count_before_and_after_the_command() {
        use clap::Parser;
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("jwtctl").chain(args.iter().copied()))
                .unwrap_or_else(|e| panic!("{args:?}: {e}"))
                .common()
        };
        for command in [
            &["decode", "x"][..],
            &["verify", "x"],
            &["fingerprint"],
            &["completions", "bash"],
            &["mint"],
            &["audit", "show"],
            &["audit", "verify"],
            &["audit", "head"],
            &["audit", "repair"],
        ] {
            let none = parse(command);
            assert_eq!(none, Common::default(), "{command:?}");
            assert_eq!(none.color(), ColorChoice::Auto);
            for flag in ["--json", "--quiet", "-q"] {
                let mut places = vec![[&[flag][..], command].concat(), [command, &[flag]].concat()];
                if command[0] == "audit" {
                    places.push(vec!["audit", flag, command[1]]);
                }
                for args in places {
                    let common = parse(&args);
                    assert_eq!(common.json, flag == "--json", "{args:?}");
                    assert_eq!(common.quiet, flag != "--json", "{args:?}");
                }
            }
            let colored = parse(&[&["--color", "always"][..], command].concat());
            assert_eq!(colored.color(), ColorChoice::Always, "{command:?}");
            let later =
                parse(&[&["--color", "always"][..], command, &["--color", "never"]].concat());
            assert_eq!(later.color(), ColorChoice::Never, "{command:?}");
        }
        assert!(parse(&["audit", "--json", "show"]).json);
        assert!(parse(&["audit", "-q", "verify"]).quiet);
        let audit = parse(&["--color", "never", "audit", "--color", "always", "verify"]);
        assert_eq!(audit.color(), ColorChoice::Always);
        let audit = parse(&["audit", "--color", "always", "verify", "--color", "never"]);
        assert_eq!(audit.color(), ColorChoice::Never);
    }

    /// Deferred subcommands keep their own help texts once built, not their argument structs'
    /// doc comments, and get their arguments only when built.
    #[test]
    fn deferred_subcommands_keep_their_about() {
        let mut root = Cli::command();
        let unbuilt = root.find_subcommand("decode").expect("decode");
        assert!(
            unbuilt
                .get_arguments()
                .all(|arg| arg.get_id() != "max_size")
        );
        root.build();
        let decode = root.find_subcommand("decode").expect("decode");
        assert!(decode.get_arguments().any(|arg| arg.get_id() == "max_size"));
        let about = decode.get_about().expect("about").to_string();
        assert!(about.starts_with("Show a token's header"), "{about}");
        let verify = root.find_subcommand("verify").expect("verify");
        let long = verify.get_after_long_help().expect("long help").to_string();
        assert!(long.contains("Exit status:"), "{long}");
        let show = root
            .find_subcommand("audit")
            .and_then(|audit| audit.find_subcommand("show"))
            .expect("audit show");
        let long_about = show.get_long_about().expect("long about").to_string();
        assert!(
            long_about.contains("Records are read, not checked"),
            "{long_about}"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("2m"), Ok(2 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("65M").is_err());
        assert!(parse_size("12x").is_err());
        assert!(parse_size("99999999999999999999999").is_err());
    }
}
