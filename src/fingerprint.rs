//! The `fingerprint` core (pure): what can be said about each key of a ring without showing
//! it — digests, length and strength, a trailing-newline trap — and the comparison with an
//! expected fingerprint.
//!
//! One policy lives here rather than in the renderers: once an expected fingerprint is given,
//! the actual digests are withheld unless the operator asks for them (`show_actual`). The
//! fingerprint of a weak secret is a hash that can be brute-forced offline, and a health
//! check's output ends up in logs that more people read than hold the secret.

use crate::exit::Exit;
use crate::keys::digest::{hex_digest, sha256};
use crate::keys::{Family, Key, Material, Strength, decode_hex};
use crate::token::b64;
use crate::token::extract::strip_prefix_ignore_case;
use subtle::{Choice, ConstantTimeEq};

mod salted;
pub(crate) use salted::{MAX_M_COST, MAX_P_COST, MAX_T_COST, SALT_LEN, Salted, SaltedError};

/// How an expected fingerprint was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notation {
    /// `sha256:` and 64 hex digits.
    Full,
    /// An RFC 7638 JWK thumbprint: 43 base64url characters (asymmetric keys only).
    Thumbprint,
    /// The first 8 hex digits, given explicitly as a short form.
    Short,
    /// A salted argon2id check value (`fingerprint --salted`), as a PHC string.
    Salted,
}

/// An expected fingerprint, parsed strictly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    notation: Notation,
    /// Leading bytes of the SHA-256 digest: all 32, or 4 for the short form (empty for a
    /// salted value).
    digest: Vec<u8>,
    /// The salted check value, for [`Notation::Salted`].
    salted: Option<Salted>,
}

/// Length of a SHA-256 digest.
const DIGEST_LEN: usize = 32;
/// Bytes in the short form (8 hex digits).
const SHORT_LEN: usize = 4;

impl Expected {
    /// Parse `--expect`: `sha256:` (any case) and exactly 64 hex digits (any case), or a
    /// 43-character base64url RFC 7638 thumbprint. Nothing else, not even surrounding
    /// whitespace. Errors never echo the value: a common slip is passing the secret itself.
    pub(crate) fn parse(text: &str) -> Result<Self, FingerprintError> {
        let chars = text.chars().count();
        let spaced = text.trim() != text;
        if text.starts_with("$argon2") {
            return match Salted::parse(text) {
                Ok(salted) => Ok(Expected {
                    notation: Notation::Salted,
                    digest: Vec::new(),
                    salted: Some(salted),
                }),
                Err(e) => Err(FingerprintError::BadSalted(e)),
            };
        }
        if let Some(rest) = strip_prefix_ignore_case(text.as_bytes(), b"sha256:") {
            // The prefix is ASCII, so what follows it starts on a character boundary.
            let hex = &text[text.len() - rest.len()..];
            return match decode_hex(rest) {
                Some(digest) if digest.len() == DIGEST_LEN => Ok(Expected {
                    notation: Notation::Full,
                    digest,
                    salted: None,
                }),
                _ => Err(FingerprintError::BadDigest {
                    chars: hex.chars().count(),
                    hex: is_hex(hex),
                    spaced,
                }),
            };
        }
        if chars == 43
            && let Ok(digest) = b64::decode(text.as_bytes())
            && digest.len() == DIGEST_LEN
        {
            return Ok(Expected {
                notation: Notation::Thumbprint,
                digest,
                salted: None,
            });
        }
        let looks_like = if is_hex(text) && chars == 64 {
            LooksLike::BareDigest
        } else if is_hex(text) && chars == 8 {
            LooksLike::ShortForm
        } else if text.contains(':') {
            LooksLike::OtherAlgorithm
        } else {
            LooksLike::Nothing { spaced }
        };
        Err(FingerprintError::NotAFingerprint { chars, looks_like })
    }

    /// Parse `--expect-short`: exactly 8 hex digits (any case).
    pub(crate) fn parse_short(text: &str) -> Result<Self, FingerprintError> {
        match decode_hex(text.as_bytes()) {
            Some(digest) if digest.len() == SHORT_LEN => Ok(Expected {
                notation: Notation::Short,
                digest,
                salted: None,
            }),
            _ => Err(FingerprintError::BadShort {
                chars: text.chars().count(),
                full: strip_prefix_ignore_case(text.as_bytes(), b"sha256:").is_some(),
                spaced: text.trim() != text,
            }),
        }
    }

    /// How it was written.
    pub(crate) fn notation(&self) -> Notation {
        self.notation
    }

    /// The expected value in jwtctl's own spelling (lower-case hex, or the thumbprint).
    pub(crate) fn shown(&self) -> String {
        match self.notation {
            Notation::Full => hex_digest("sha256:", &self.digest),
            Notation::Short => hex_digest("", &self.digest),
            Notation::Thumbprint => b64::encode(&self.digest),
            Notation::Salted => self.salted.as_ref().map(Salted::phc).unwrap_or_default(),
        }
    }

    /// Whether `digest` starts with the expected bytes, compared in constant time.
    fn matches(&self, digest: &[u8; DIGEST_LEN]) -> Choice {
        digest[..self.digest.len()].ct_eq(&self.digest)
    }

    /// Whether a key with `digest` (its fingerprint bytes) and check-value input `input` has
    /// the expected value, compared in constant time.
    fn matches_key(&self, digest: &[u8; DIGEST_LEN], input: &[u8]) -> bool {
        match &self.salted {
            Some(salted) => salted.matches(input),
            None => bool::from(self.matches(digest)),
        }
    }
}

/// Why a `fingerprint` run cannot go ahead, as data (the render layer words it). Errors
/// about an expected value never carry the value: a common slip is passing the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FingerprintError {
    /// `--expect` starts with `sha256:` but does not go on with exactly 64 hex digits.
    BadDigest {
        /// Characters after the prefix.
        chars: usize,
        /// Whether they are all hex digits.
        hex: bool,
        /// Whether the value has surrounding whitespace.
        spaced: bool,
    },
    /// `--expect` is no fingerprint at all.
    NotAFingerprint {
        /// Its length in characters.
        chars: usize,
        /// What it seems to be instead.
        looks_like: LooksLike,
    },
    /// `--expect-short` is not exactly 8 hex digits.
    BadShort {
        /// Its length in characters.
        chars: usize,
        /// It is a full `sha256:` fingerprint.
        full: bool,
        /// Whether the value has surrounding whitespace.
        spaced: bool,
    },
    /// No key or secret was given.
    NoKeys,
    /// No key has the `kid` asked for; the kids there are.
    NoKid {
        /// The kid asked for.
        kid: String,
        /// The kids of the given keys.
        present: Vec<String>,
    },
    /// An expectation is compared with one key, but several are in scope.
    SeveralKeys {
        /// Their labels.
        labels: Vec<String>,
    },
    /// A thumbprint is expected of an HMAC secret.
    ThumbprintForHmac {
        /// The secret's label.
        label: String,
    },
    /// `--expect` starts like an argon2 PHC string but is not one jwtctl checks.
    BadSalted(SaltedError),
    /// A key whose fingerprint cannot be read back as a digest.
    NoUsableFingerprint {
        /// The key's label.
        label: String,
    },
}

/// What a value given to `--expect` seems to be, when it is no fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LooksLike {
    /// 64 hex digits without the `sha256:` prefix.
    BareDigest,
    /// 8 hex digits: the short form.
    ShortForm,
    /// Something with a `:`, such as another algorithm's prefix.
    OtherAlgorithm,
    /// Nothing in particular.
    Nothing {
        /// Whether the value has surrounding whitespace.
        spaced: bool,
    },
}

impl FingerprintError {
    /// The exit class of a run this error ends.
    pub(crate) const fn exit(&self) -> Exit {
        match self {
            FingerprintError::NoKeys
            | FingerprintError::NoKid { .. }
            | FingerprintError::NoUsableFingerprint { .. } => Exit::KeyUnusable,
            _ => Exit::Usage,
        }
    }
}

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// How a text secret ends, when it ends in whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// One `\n`.
    Lf,
    /// One `\r\n`.
    Crlf,
    /// Any other run of trailing whitespace (spaces, tabs, several newlines).
    Whitespace,
}

impl Ending {
    /// Stable machine name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Ending::Lf => "lf",
            Ending::Crlf => "crlf",
            Ending::Whitespace => "whitespace",
        }
    }
}

/// A text secret that ends in whitespace: a newline from `echo` or an editor, a CRLF from
/// Windows. Most services read such a secret byte for byte, some strip it: the classic cause
/// of "same secret, different signature".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trailing {
    /// What it ends with.
    pub(crate) ending: Ending,
    /// How many bytes of trailing whitespace there are.
    pub(crate) bytes: usize,
}

impl Trailing {
    /// The trailing whitespace of `secret` and the secret without it, when `secret` is text
    /// (UTF-8 without control characters before the trailing whitespace). Binary secrets
    /// (decoded from hex, base64 or a JWK) are left alone: a final 0x0a byte there is chance.
    pub(crate) fn of(secret: &[u8]) -> Option<(Trailing, &[u8])> {
        let without = secret.trim_ascii_end();
        let stripped = &secret[without.len()..];
        let is_text = std::str::from_utf8(without)
            .is_ok_and(|t| !t.is_empty() && !t.chars().any(char::is_control));
        if stripped.is_empty() || !is_text {
            return None;
        }
        let ending = match stripped {
            b"\n" => Ending::Lf,
            b"\r\n" => Ending::Crlf,
            _ => Ending::Whitespace,
        };
        Some((
            Trailing {
                ending,
                bytes: stripped.len(),
            },
            without,
        ))
    }
}

/// The digests of one key. Absent from a report when withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digests {
    /// `sha256:<64 hex>`.
    pub(crate) fingerprint: String,
    /// RFC 7638 thumbprint (asymmetric keys).
    pub(crate) thumbprint: Option<String>,
    /// `sha256:<64 hex>` of the secret without its trailing whitespace (see [`Trailing`]).
    pub(crate) without_trailing: Option<String>,
}

/// What a key's check values are computed over: the secret for an HMAC key, the RFC 7638
/// thumbprint digest for an asymmetric one.
fn check_input<'k>(key: &'k Key, digest: &'k [u8; DIGEST_LEN]) -> &'k [u8] {
    key.secret().map_or(&digest[..], |s| s.expose())
}

/// How one key compared with the expected fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyMatch {
    /// The key as used for signing has the expected fingerprint.
    pub(crate) matched: bool,
    /// The secret without its trailing whitespace has it (only for secrets that have some).
    pub(crate) matched_without_trailing: Option<bool>,
}

/// Everything `fingerprint` reports about one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyReport {
    /// The key's label.
    pub(crate) label: String,
    /// Where it came from.
    pub(crate) source: String,
    /// Its family.
    pub(crate) family: Family,
    /// Its `kid`, if any.
    pub(crate) kid: Option<String>,
    /// A private key (fingerprinted by its public half).
    pub(crate) private: bool,
    /// Why jwtctl cannot sign or verify with it, if it cannot.
    pub(crate) unusable: Option<String>,
    /// Length and strength (HMAC secrets).
    pub(crate) strength: Option<Strength>,
    /// Trailing whitespace of a text secret.
    pub(crate) trailing: Option<Trailing>,
    /// The digests; `None` when withheld (an expectation was given without `show_actual`,
    /// or a secret's salted value was asked for).
    pub(crate) digests: Option<Digests>,
    /// The salted check value (`--salted`), as a PHC string.
    pub(crate) salted: Option<String>,
    /// The comparison, when an expectation was given.
    pub(crate) expect: Option<KeyMatch>,
}

/// The whole run's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// One entry per selected key, in key ring order.
    pub(crate) keys: Vec<KeyReport>,
    /// The expectation, if one was given.
    pub(crate) expected: Option<Expected>,
}

impl Report {
    /// `None` without an expectation; otherwise whether a key (the only one, or with
    /// `any`, one of them) has the expected fingerprint.
    pub(crate) fn matched(&self) -> Option<bool> {
        self.expected.as_ref()?;
        Some(
            self.keys
                .iter()
                .any(|k| k.expect.is_some_and(|m| m.matched)),
        )
    }
}

/// What to report on and compare.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options<'a> {
    /// Only keys with this `kid`.
    pub(crate) kid: Option<&'a str>,
    /// Compare with this.
    pub(crate) expected: Option<Expected>,
    /// With several keys, one match is enough (otherwise several keys are a usage error).
    pub(crate) any: bool,
    /// Show the actual digests even though an expectation was given.
    pub(crate) show_actual: bool,
    /// `--salted`: a salted check value with this salt, in place of the plain digests of a
    /// secret.
    pub(crate) salt: Option<[u8; SALT_LEN]>,
}

/// Fingerprint the keys of a ring and compare them with the expectation.
///
/// With an expectation, exactly one key must be in scope (after `kid` selection) unless
/// `any` is set: a health check that silently passes because *some* key of a ring matched
/// would not notice that the key it cares about changed.
pub(crate) fn report(keys: &[Key], options: Options<'_>) -> Result<Report, FingerprintError> {
    if keys.is_empty() {
        return Err(FingerprintError::NoKeys);
    }
    let selected: Vec<&Key> = match options.kid {
        None => keys.iter().collect(),
        Some(kid) => select_kid(keys, kid)?,
    };
    if let Some(expected) = &options.expected {
        check_scope(&selected, expected, options.any)?;
    }
    let show = options.expected.is_none() || options.show_actual;
    let keys = selected
        .into_iter()
        .map(|key| key_report(key, options.expected.as_ref(), show, options.salt))
        .collect::<Result<_, _>>()?;
    Ok(Report {
        keys,
        expected: options.expected,
    })
}

fn select_kid<'k>(keys: &'k [Key], kid: &str) -> Result<Vec<&'k Key>, FingerprintError> {
    let selected: Vec<&Key> = keys
        .iter()
        .filter(|k| k.kid.as_deref() == Some(kid))
        .collect();
    if !selected.is_empty() {
        return Ok(selected);
    }
    Err(FingerprintError::NoKid {
        kid: kid.to_owned(),
        present: keys.iter().filter_map(|k| k.kid.clone()).collect(),
    })
}

fn check_scope(selected: &[&Key], expected: &Expected, any: bool) -> Result<(), FingerprintError> {
    if selected.len() > 1 && !any {
        return Err(FingerprintError::SeveralKeys {
            labels: selected.iter().map(|k| k.label.clone()).collect(),
        });
    }
    if expected.notation == Notation::Thumbprint
        && let [first, ..] = selected
        && selected.iter().all(|k| k.thumbprint.is_none())
    {
        return Err(FingerprintError::ThumbprintForHmac {
            label: first.label.clone(),
        });
    }
    Ok(())
}

fn key_report(
    key: &Key,
    expected: Option<&Expected>,
    show: bool,
    salt: Option<[u8; SALT_LEN]>,
) -> Result<KeyReport, FingerprintError> {
    let digest = digest_bytes(key)?;
    let thumbprint = key
        .thumbprint
        .as_deref()
        .and_then(|t| b64::decode(t.as_bytes()).ok())
        .and_then(|bytes| <[u8; DIGEST_LEN]>::try_from(bytes).ok());
    let secret = key.secret().map(|s| s.expose());
    let trailing = secret.and_then(Trailing::of);
    let without_digest = trailing.map(|(_, without)| sha2_digest(without));
    let expect = expected.map(|e| match e.notation {
        // A thumbprint names the key's RFC 7638 thumbprint; a secret without one (not from a
        // JWK) never matches it.
        Notation::Thumbprint => KeyMatch {
            matched: thumbprint.is_some_and(|t| bool::from(e.matches(&t))),
            matched_without_trailing: None,
        },
        _ => KeyMatch {
            matched: e.matches_key(&digest, check_input(key, &digest)),
            matched_without_trailing: trailing
                .zip(without_digest)
                .map(|((_, without), d)| e.matches_key(&d, without)),
        },
    });
    let salted = salt.map(|salt| Salted::new(check_input(key, &digest), salt).phc());
    // A salted value replaces a secret's plain digests, which would allow guessing.
    let show = show && !(salted.is_some() && secret.is_some());
    let digests = show.then(|| Digests {
        fingerprint: key.fingerprint.clone(),
        thumbprint: key.thumbprint.clone(),
        without_trailing: trailing.map(|(_, without)| sha256(without)),
    });
    Ok(KeyReport {
        label: key.label.clone(),
        source: key.origin.clone(),
        family: key.family,
        kid: key.kid.clone(),
        private: matches!(key.material, Material::Private { .. }),
        unusable: match &key.material {
            Material::Unsupported { reason } => Some(reason.clone()),
            _ => None,
        },
        strength: secret.map(|s| Strength::of(s, &key.algorithms)),
        trailing: trailing.map(|(t, _)| t),
        digests,
        salted,
        expect,
    })
}

/// The 32 digest bytes behind a key's `sha256:` fingerprint.
fn digest_bytes(key: &Key) -> Result<[u8; DIGEST_LEN], FingerprintError> {
    key.fingerprint
        .strip_prefix("sha256:")
        .and_then(|hex| decode_hex(hex.as_bytes()))
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| FingerprintError::NoUsableFingerprint {
            label: key.label.clone(),
        })
}

fn sha2_digest(bytes: &[u8]) -> [u8; DIGEST_LEN] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

#[cfg(test)]
pub(crate) mod tests;
