//! Keys from the outside world: environment variables, files, stdin, a no-echo prompt and
//! JWKS URLs. The key options become a [`KeySpec`] here, and loading it is the I/O edge of the
//! key model; every byte read goes through [`crate::keys::parse`].

mod fetch;
mod guard;

use crate::cli::KeyArgs;
use crate::context::Context;
use crate::error::Failure;
use crate::keys::parse::{self, Origin};
use crate::keys::{Key, KeySource, KeySpec, Secret, SecretEncoding, decode_secret};
pub(crate) use fetch::HttpFetch;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::Path;

/// Keys for one run, and notices for stderr about how they were obtained.
#[derive(Debug, Default)]
pub(crate) struct KeyRing {
    /// The keys, in the order given.
    pub(crate) keys: Vec<Key>,
    /// Things the operator should know (`using JWT_SECRET`, argv leaks).
    pub(crate) notices: Vec<String>,
    /// The `kid`s of every JWKS loaded (for "kid not in the JWKS" diagnosis).
    pub(crate) jwks_kids: Option<Vec<String>>,
    /// Risks the operator took or should know of (a JWKS over plain http).
    pub(crate) warnings: Vec<String>,
}

impl KeyRing {
    /// Whether no key was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Fetches a JWKS document by URL. A trait so tests never touch the network.
pub(crate) trait Fetch {
    /// GET `url` and return the body.
    fn get(&self, url: &str) -> Result<Vec<u8>, String>;

    /// GET `url` under the transport policy: a refusal (a redirect to another origin) is told
    /// apart from a failure to fetch.
    fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.get(url).map_err(FetchError::Io)
    }
}

/// Why a JWKS could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchError {
    /// The network or the server failed (exit 7).
    Io(String),
    /// The transport policy refuses it (exit 5).
    Refused(String),
    /// The URL itself is wrong (exit 2).
    Usage(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Io(m) | FetchError::Refused(m) | FetchError::Usage(m) => f.write_str(m),
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Io(m) => Failure::new(crate::exit::Exit::Io, m),
            FetchError::Refused(m) => Failure::key(m),
            FetchError::Usage(m) => Failure::usage(m),
        }
    }
}

/// Where stdin stands for this run.
pub(crate) struct Stdin<'a> {
    /// The process's stdin.
    pub(crate) reader: &'a mut dyn Read,
    /// Tokens are being read from stdin, so a secret cannot be.
    pub(crate) carries_tokens: bool,
}

/// The key options as a [`KeySpec`], sources in the order their keys join the ring. With no
/// key option at all, the spec falls back to `$JWT_SECRET` or a prompt.
pub(crate) fn spec(args: &KeyArgs) -> KeySpec {
    let mut sources = Vec::new();
    for spec in &args.secret_env {
        sources.push(env_source(spec));
    }
    for spec in &args.secret_file {
        let (label, path) = split_label_os(spec);
        sources.push(KeySource::SecretFile {
            label: label.map(str::to_owned),
            path: path.to_path_buf(),
        });
    }
    if args.secret_stdin {
        sources.push(KeySource::SecretStdin);
    }
    for value in &args.secret {
        sources.push(KeySource::SecretArg(Secret::new(value.as_bytes().to_vec())));
    }
    for spec in &args.key {
        let (label, path) = split_label_os(spec);
        sources.push(KeySource::KeyFile {
            label: label.map(str::to_owned),
            path: path.to_path_buf(),
        });
    }
    for spec in &args.jwks {
        let (label, url) = split_label(spec.as_str(), |s| s.contains("://"));
        sources.push(KeySource::Jwks {
            label: label.map(str::to_owned),
            url: url.to_owned(),
        });
    }
    KeySpec {
        default_secret: sources.is_empty(),
        sources,
        encoding: args.secret_encoding.into(),
        alg: args.alg,
        allow_weak: args.allow_weak_key,
        allow_insecure_http: args.allow_insecure_jwks_http,
    }
}

fn env_source(spec: &str) -> KeySource {
    let (label, name) = split_label(spec, |_| false);
    KeySource::SecretEnv {
        label: label.map(str::to_owned),
        name: name.to_owned(),
    }
}

/// Load every key the options name (see [`spec`] and [`load_spec`]).
pub(crate) fn load(
    args: &KeyArgs,
    ctx: &Context,
    stdin: Stdin<'_>,
    fetch: &dyn Fetch,
) -> Result<KeyRing, Failure> {
    load_spec(&spec(args), ctx, stdin, fetch)
}

/// Load every key of `spec`. With no source and `default_secret`: `JWT_SECRET` if set (and
/// say so), else a no-echo prompt when a terminal is attached, else no keys.
pub(crate) fn load_spec(
    spec: &KeySpec,
    ctx: &Context,
    stdin: Stdin<'_>,
    fetch: &dyn Fetch,
) -> Result<KeyRing, Failure> {
    guard::no_core_dumps();
    let mut ring = KeyRing::default();
    let encoding = spec.encoding;
    for source in &spec.sources {
        match source {
            KeySource::SecretEnv { label, name } => {
                push_env_secret(&mut ring, label.as_deref(), name, encoding, ctx)?;
            }
            KeySource::SecretFile { label, path } => {
                let (bytes, modified) = read_file(path)?;
                let origin = file_origin(label.as_deref(), path, modified);
                push_secret(&mut ring, origin, bytes, encoding)?;
            }
            KeySource::SecretStdin => {
                if stdin.carries_tokens {
                    return Err(
                        Failure::usage("--secret-stdin needs the token as an argument").hint(
                            "stdin can carry the tokens or the secret, not both; try \
                             --secret-file",
                        ),
                    );
                }
                let bytes = read_bounded(&mut *stdin.reader)
                    .map_err(|e| Failure::key(format!("cannot read the secret from stdin: {e}")))?;
                push_secret(
                    &mut ring,
                    origin("stdin", "stdin".into(), None),
                    bytes,
                    encoding,
                )?;
            }
            KeySource::SecretArg(value) => {
                ring.notices.push(
                    "--secret puts the secret in shell history and in `ps` output; prefer \
                     --secret-env or --secret-file"
                        .into(),
                );
                push_secret(
                    &mut ring,
                    origin("argv", "--secret".into(), None),
                    value.clone(),
                    encoding,
                )?;
            }
            KeySource::KeyFile { label, path } => {
                let (bytes, modified) = read_file(path)?;
                let origin = key_file_origin(label.as_deref(), path, modified);
                let keys = parse::key_file(origin, bytes.expose())?;
                note_jwks_kids(&mut ring, bytes.expose(), &keys);
                ring.keys.extend(keys);
            }
            KeySource::KeyOrSecretFile { label, path } => {
                let (bytes, modified) = read_file(path)?;
                if looks_like_key_file(bytes.expose()) {
                    let origin = key_file_origin(label.as_deref(), path, modified);
                    let keys = parse::key_file(origin, bytes.expose())?;
                    ring.keys.extend(keys);
                } else {
                    let origin = file_origin(label.as_deref(), path, modified);
                    push_secret(&mut ring, origin, bytes, encoding)?;
                }
            }
            KeySource::Jwks { label, url } => {
                let shown = fetch::redact(url);
                match fetch::transport(url, spec.allow_insecure_http)? {
                    fetch::Transport::Https => {}
                    fetch::Transport::LoopbackHttp => ring.warnings.push(format!(
                        "the JWKS at {shown} comes over plain http from a loopback address: \
                         fine for a local test issuer, never for a real one"
                    )),
                    fetch::Transport::InsecureHttp => ring.warnings.push(format!(
                        "--allow-insecure-jwks-http: the JWKS at {shown} comes over plain \
                         http; anyone on the network path can swap its keys and forge tokens \
                         that verify"
                    )),
                }
                let body = fetch.fetch(url)?;
                let origin = origin(
                    label.as_deref().unwrap_or("jwks"),
                    format!("JWKS {shown}"),
                    None,
                );
                let keys = parse::published_jwks(origin, &body)?;
                note_jwks_kids(&mut ring, &body, &keys);
                ring.keys.extend(keys);
            }
        }
    }
    if ring.is_empty() && spec.default_secret {
        default_secret(&mut ring, encoding, ctx, stdin.carries_tokens)?;
    }
    for key in &mut ring.keys {
        if let Some(alg) = spec.alg {
            key.pin(alg)?;
        }
        key.allow_weak = spec.allow_weak;
    }
    Ok(ring)
}

/// Keys to check a token's signature with, for `mint --verify-with`. Each `[LABEL=]PATH` in
/// `files` is a key file (PEM, DER, JWK or JWKS, detected by content) or, when it is none of
/// those, an HMAC secret file taken byte for byte; each `[LABEL=]NAME` in `env` names an
/// environment variable holding an HMAC secret. `encoding` applies to the secrets.
pub(crate) fn checking_keys(
    files: &[OsString],
    env: &[String],
    encoding: impl Into<SecretEncoding>,
    ctx: &Context,
) -> Result<KeyRing, Failure> {
    let mut sources: Vec<KeySource> = env.iter().map(|spec| env_source(spec)).collect();
    for spec in files {
        let (label, path) = split_label_os(spec);
        sources.push(KeySource::KeyOrSecretFile {
            label: label.map(str::to_owned),
            path: path.to_path_buf(),
        });
    }
    let spec = KeySpec {
        sources,
        encoding: encoding.into(),
        alg: None,
        default_secret: false,
        allow_weak: false,
        allow_insecure_http: false,
    };
    let stdin = Stdin {
        reader: &mut std::io::empty(),
        carries_tokens: false,
    };
    let ring = load_spec(&spec, ctx, stdin, &NoFetch)?;
    for key in &ring.keys {
        key.permit("verify")?;
    }
    Ok(ring)
}

/// Never fetches: the sources of [`checking_keys`] have no URL.
struct NoFetch;

impl Fetch for NoFetch {
    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        Err(format!("cannot fetch {url} here"))
    }
}

fn file_origin(label: Option<&str>, path: &Path, modified: Option<i64>) -> Origin {
    let name = path.to_string_lossy();
    origin(
        label.unwrap_or(&format!("file:{name}")),
        format!("file {name}"),
        modified,
    )
}

fn key_file_origin(label: Option<&str>, path: &Path, modified: Option<i64>) -> Origin {
    let name = path.to_string_lossy();
    origin(
        label.unwrap_or(&format!("key:{name}")),
        format!("key file {name}"),
        modified,
    )
}

/// Whether a file's content is meant as a key file rather than a raw secret: PEM armour, a
/// JSON object (JWK/JWKS), or binary DER. A text secret that merely starts with `0` (0x30, like
/// DER's SEQUENCE tag) is still a secret.
fn looks_like_key_file(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii();
    text.starts_with(b"-----BEGIN")
        || (text.starts_with(b"{") && text.ends_with(b"}"))
        || (bytes.first() == Some(&0x30)
            && bytes
                .iter()
                .any(|b| !(b.is_ascii_graphic() || b.is_ascii_whitespace())))
}

/// An HMAC secret from the environment variable `name`.
fn push_env_secret(
    ring: &mut KeyRing,
    label: Option<&str>,
    name: &str,
    encoding: SecretEncoding,
    ctx: &Context,
) -> Result<(), Failure> {
    let value = ctx
        .var(name)
        .ok_or_else(|| Failure::key(format!("environment variable {name} is not set")))?;
    let origin = origin(
        label.unwrap_or(&format!("env:{name}")),
        format!("env {name}"),
        None,
    );
    push_secret(
        ring,
        origin,
        Secret::new(value.as_encoded_bytes().to_vec()),
        encoding,
    )
}

fn default_secret(
    ring: &mut KeyRing,
    encoding: SecretEncoding,
    ctx: &Context,
    tokens_on_stdin: bool,
) -> Result<(), Failure> {
    if let Some(value) = ctx.var("JWT_SECRET").filter(|v| !v.is_empty()) {
        ring.notices
            .push("no key option given: using the secret in $JWT_SECRET".into());
        let origin = origin("env:JWT_SECRET", "env JWT_SECRET".into(), None);
        return push_secret(
            ring,
            origin,
            Secret::new(value.as_encoded_bytes().to_vec()),
            encoding,
        );
    }
    if ctx.stderr_tty && ctx.stdin_tty && !tokens_on_stdin {
        let typed = dialoguer::Password::new()
            .with_prompt("HMAC secret (not echoed)")
            .allow_empty_password(false)
            .interact()
            .map_err(|e| Failure::key(format!("cannot read the secret: {e}")))?;
        return push_secret(
            ring,
            origin("prompt", "prompt".into(), None),
            Secret::new(typed.into_bytes()),
            encoding,
        );
    }
    Ok(())
}

fn push_secret(
    ring: &mut KeyRing,
    origin: Origin,
    raw: Secret,
    encoding: SecretEncoding,
) -> Result<(), Failure> {
    let bytes = decode_secret(raw, encoding)
        .map_err(|e| Failure::key(format!("{}: {e}", origin.origin)))?;
    let key = parse::hmac_key(origin, bytes)?;
    ring.keys.push(key);
    Ok(())
}

fn note_jwks_kids(ring: &mut KeyRing, bytes: &[u8], keys: &[Key]) {
    if parse::is_jwks(bytes) {
        let kids = ring.jwks_kids.get_or_insert_with(Vec::new);
        kids.extend(keys.iter().filter_map(|k| k.kid.clone()));
    }
}

fn origin(label: &str, origin: String, modified: Option<i64>) -> Origin {
    Origin {
        label: label.to_owned(),
        origin,
        modified,
    }
}

/// Largest key file or secret read (a JWKS of many RSA keys fits easily).
pub(crate) const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// Read at most [`MAX_KEY_BYTES`]; more is an error, so `--key /dev/zero` or a mistaken
/// multi-gigabyte file fails at once instead of eating memory.
/// The bytes land in one buffer sized for the limit up front, so growing it never leaves an
/// unwiped copy behind, and are wiped when dropped.
fn read_bounded(reader: &mut dyn Read) -> std::io::Result<Secret> {
    let mut bytes = Vec::with_capacity(MAX_KEY_BYTES as usize + 1);
    let read = reader.take(MAX_KEY_BYTES + 1).read_to_end(&mut bytes);
    let bytes = Secret::new(bytes);
    read?;
    if bytes.expose().len() as u64 > MAX_KEY_BYTES {
        return Err(std::io::Error::other(format!(
            "more than {} KiB: not a key or secret",
            MAX_KEY_BYTES / 1024
        )));
    }
    Ok(bytes)
}

fn read_file(path: &Path) -> Result<(Secret, Option<i64>), Failure> {
    let shown = path.display();
    let bytes = std::fs::File::open(path)
        .and_then(|mut file| read_bounded(&mut file))
        .map_err(|e| Failure::key(format!("cannot read {shown}: {e}")))?;
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    Ok((bytes, modified))
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `LABEL=VALUE` → (Some(LABEL), VALUE); anything else → (None, whole). `keep_whole` can veto
/// a split (e.g. a URL whose query has `=`).
pub(crate) fn split_label(spec: &str, keep_whole: impl Fn(&str) -> bool) -> (Option<&str>, &str) {
    match spec.split_once('=') {
        Some((label, value)) if is_label(label) && (!keep_whole(spec) || keep_whole(value)) => {
            (Some(label), value)
        }
        _ => (None, spec),
    }
}

/// `LABEL=PATH` for paths: an existing file named exactly `spec` wins over a label split.
/// (Only UTF-8 specs are split; a non-UTF-8 path is always taken whole.)
pub(crate) fn split_label_os(spec: &OsString) -> (Option<&str>, &Path) {
    let whole = Path::new(spec.as_os_str());
    if whole.exists() {
        return (None, whole);
    }
    match spec.to_str().and_then(|s| s.split_once('=')) {
        Some((label, rest)) if is_label(label) => (Some(label), Path::new(OsStr::new(rest))),
        _ => (None, whole),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            split_label("current=JWT_SECRET", |_| false),
            (Some("current"), "JWT_SECRET")
        );
        assert_eq!(split_label("JWT_SECRET", |_| false), (None, "JWT_SECRET"));
        let url = "https://idp.example/jwks?x=1";
        assert_eq!(split_label(url, |s| s.contains("://")), (None, url));
        assert_eq!(
            split_label("idp=https://idp.example/jwks?x=1", |s| s.contains("://")),
            (Some("idp"), "https://idp.example/jwks?x=1")
        );
    }

    #[test]
    fn checking_keys_tell_key_files_from_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("old.secret");
        std::fs::write(&secret, b"0123456789abcdef0123456789abcdef\n").unwrap();
        let jwk = dir.path().join("old.jwk");
        std::fs::write(
            &jwk,
            br#"{"kty":"oct","kid":"k1","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}"#,
        )
        .unwrap();
        let ctx = Context::fixed(0).with_var("OLD", "env-secret-of-thirty-two-bytes!!");
        let files = [
            OsString::from(format!("previous={}", secret.display())),
            jwk.clone().into_os_string(),
        ];
        let ring = checking_keys(
            &files,
            &["OLD".into()],
            crate::keys::SecretEncoding::Raw,
            &ctx,
        )
        .unwrap();
        let labels: Vec<&str> = ring.keys.iter().map(|k| k.label.as_str()).collect();
        assert_eq!(labels[..2], ["env:OLD", "previous"]);
        assert_eq!(
            ring.keys[1].secret().unwrap().expose().len(),
            33,
            "byte for byte"
        );
        assert_eq!(ring.keys[2].kid.as_deref(), Some("k1"));
        assert!(
            checking_keys(
                &[],
                &["NOPE".into()],
                crate::keys::SecretEncoding::Raw,
                &ctx
            )
            .is_err()
        );

        assert!(looks_like_key_file(b"-----BEGIN PUBLIC KEY-----\n"));
        assert!(looks_like_key_file(b" {\"kty\":\"oct\"}\n"));
        assert!(looks_like_key_file(b"\x30\x82\x01\x22"));
        assert!(!looks_like_key_file(b"0a1b2c3d4e5f"));
        assert!(!looks_like_key_file(b"correct horse battery staple"));
    }
}
