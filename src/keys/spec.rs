//! Which keys a run asks for, as typed data: the command line's key options resolved into a
//! list of sources (no clap here, and nothing read yet). The command layer builds a
//! [`KeySpec`] from the options and loads it.

use super::{Secret, SecretEncoding};
use jsonwebtoken::Algorithm;
use std::path::PathBuf;

/// Where one key or secret comes from. `label` names the key in reports; without one, a
/// label is made from the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// An HMAC secret in an environment variable.
    SecretEnv {
        /// The key's label.
        label: Option<String>,
        /// The variable's name.
        name: String,
    },
    /// An HMAC secret in a file, byte for byte.
    SecretFile {
        /// The key's label.
        label: Option<String>,
        /// The file.
        path: PathBuf,
    },
    /// An HMAC secret on stdin.
    SecretStdin,
    /// An HMAC secret given on the command line itself.
    SecretArg(Secret),
    /// A key file: PEM, DER, JWK or JWKS, detected by content.
    KeyFile {
        /// The key's label.
        label: Option<String>,
        /// The file.
        path: PathBuf,
    },
    /// A key file or, when its content is none of the key formats, an HMAC secret file.
    KeyOrSecretFile {
        /// The key's label.
        label: Option<String>,
        /// The file.
        path: PathBuf,
    },
    /// A JWKS at an http(s) URL.
    Jwks {
        /// The keys' label.
        label: Option<String>,
        /// The URL as given (checked when it is fetched).
        url: String,
    },
}

/// The keys a run asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeySpec {
    /// The sources, in the order their keys join the ring.
    pub(crate) sources: Vec<KeySource>,
    /// How the secrets among them are encoded.
    pub(crate) encoding: SecretEncoding,
    /// Pin every key to this algorithm (`--alg`).
    pub(crate) alg: Option<Algorithm>,
    /// With no source at all, fall back to `$JWT_SECRET` or a prompt.
    pub(crate) default_secret: bool,
    /// `--allow-weak-key`: use HMAC secrets shorter than the hash output anyway.
    pub(crate) allow_weak: bool,
    /// `--allow-insecure-jwks-http`: fetch a JWKS over plain http from any host.
    pub(crate) allow_insecure_http: bool,
}
