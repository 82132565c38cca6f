//! What a command noticed about a token, as data: decode's warnings and verify's diagnosis are
//! one type. The sentences are written in `render::finding`, so human and JSON output say the
//! same thing, and adding a finding is one variant here, one sentence there, one test.

use crate::keys::Family;
use jsonwebtoken::Algorithm;

/// One thing a person should notice about a token, with the facts that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Finding {
    // Facts about a token read without verifying it (decode's warnings). The facts both
    // commands state (alg, crit, b64, times) are further down, once, with verify's.
    /// `alg` is not a string; its JSON type, as `crate::text::type_name` names it.
    AlgNotString { type_name: &'static str },
    /// The signature segment is empty.
    EmptySignature,
    /// The header carries or points at a key (`jwk`, `jku`, `x5u`, `x5c`).
    EmbeddedKey { member: &'static str },
    /// The payload is not a JSON object: a plain JWS.
    NotAJwt,
    /// No `exp` claim.
    NoExp,
    /// A header or claim name or string holds a control, bidi or invisible character.
    ControlCharacters,
    // Facts both state, and evidence about why verification failed (verify's diagnosis).
    /// The header lists critical extensions (`crit`), which jwtctl must refuse.
    Crit,
    /// The header has `b64` (RFC 7797 unencoded payload).
    B64,
    /// The header has no usable `alg`.
    AlgMissing,
    /// `alg` is `none` in some casing (as the token spells it).
    AlgNone { alg: String },
    /// A registered algorithm jwtctl cannot verify (ES512).
    AlgUnsupported { alg: String },
    /// Every key of the ring is unusable; the first one's reason.
    NoUsableKey { why: String },
    /// Not an algorithm jwtctl knows (as the token spells it).
    AlgUnknown { alg: String },
    /// No key is pinned to the token's algorithm. `confusion`: the algorithm is HMAC and every
    /// key is a public key, the key-confusion attack.
    AlgMismatch {
        alg: Algorithm,
        keys: Vec<KeyPins>,
        confusion: bool,
    },
    /// The token's kid names no key of the ring; the kids that are there.
    KidNotFound { kid: String, present: Vec<String> },
    /// The kid names no key, yet the signature matches this key, whose kid is `kid`.
    KidRelabelled { key: KeyName, kid: Option<String> },
    /// A key tried first did not match, a later one did: the signing key changed.
    KeyRotated { tried: KeyName, matched: KeyName },
    /// The payload is empty and no key's signature matches: the content was probably detached
    /// (RFC 7515 Appendix F) and the signature covers content the token does not carry.
    DetachedContent,
    /// No key matched and no near miss explains it; how many keys were tried.
    KeyChanged { tried: usize },
    /// The key file of `key` was written after the token's `iat`.
    KeyNewerThanToken {
        key: String,
        modified: i64,
        iat: i64,
    },
    /// The signature matches `key` once a common mistake with the secret is undone.
    NearMiss { key: String, fix: SecretFix },
    /// A key could not be used for this token.
    KeyUnusable { key: String, why: String },
    /// `exp` has passed (judged at `at`).
    Expired { exp: i64, at: i64 },
    /// `nbf` is not reached (judged at `at`).
    NotYetValid { nbf: i64, at: i64 },
    /// `iat` is in the future (judged at `at`).
    IssuedInFuture { iat: i64, at: i64 },
    /// A time claim is not a NumericDate, and why.
    BadNumericDate { claim: &'static str, why: String },
    /// No `exp`, and `--require exp` makes it mandatory.
    ExpRequired,
    /// Claims `--require` names are missing.
    MissingClaims { claims: Vec<String> },
    /// The issuer is not the one `--iss` expects.
    WrongIssuer { got: ClaimValue, want: String },
    /// The audience is none of those `--aud` accepts.
    WrongAudience { got: ClaimValue, want: Vec<String> },
    /// The header `typ` is not the one `--typ` expects.
    WrongTyp { got: ClaimValue, want: String },
}

impl Finding {
    /// The stable machine code, as JSON output carries it.
    pub(crate) fn code(&self) -> &'static str {
        match *self {
            // Warnings.
            Finding::AlgNotString { .. } => "alg_not_string",
            Finding::EmptySignature => "empty_signature",
            Finding::EmbeddedKey { .. } => "embedded_key",
            Finding::NotAJwt => "not_a_jwt",
            Finding::NoExp => "no_exp",
            Finding::ControlCharacters => "control_characters",
            // Diagnosis.
            Finding::Crit => "crit",
            Finding::B64 => "b64",
            Finding::AlgMissing => "alg_missing",
            Finding::AlgNone { .. } => "alg_none",
            Finding::AlgUnsupported { .. } => "alg_unsupported",
            Finding::NoUsableKey { .. } | Finding::KeyUnusable { .. } => "key_unusable",
            Finding::AlgUnknown { .. } => "alg_unknown",
            Finding::AlgMismatch { .. } => "alg_mismatch",
            Finding::KidNotFound { .. } => "kid_not_found",
            Finding::KidRelabelled { .. } => "kid_relabelled",
            Finding::KeyRotated { .. } => "key_rotated",
            Finding::KeyChanged { .. } => "key_changed",
            Finding::DetachedContent => "detached_content",
            Finding::KeyNewerThanToken { .. } => "key_newer_than_token",
            Finding::NearMiss { fix, .. } => fix.code(),
            Finding::Expired { .. } => "expired",
            Finding::NotYetValid { .. } => "nbf_future",
            Finding::IssuedInFuture { .. } => "iat_future",
            Finding::BadNumericDate { .. } => "bad_numeric_date",
            Finding::ExpRequired | Finding::MissingClaims { .. } => "missing_claims",
            Finding::WrongIssuer { .. } => "wrong_issuer",
            Finding::WrongAudience { .. } => "wrong_audience",
            Finding::WrongTyp { .. } => "wrong_typ",
        }
    }
}

// Diagnosis: the facts some findings carry.

/// A key as a finding names it: its label and fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyName {
    pub(crate) label: String,
    pub(crate) fingerprint: String,
}

/// A key and the algorithms it is pinned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyPins {
    pub(crate) label: String,
    pub(crate) family: Family,
    pub(crate) algorithms: Vec<Algorithm>,
}

/// A mistake people make with a secret, which the signature matches once it is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretFix {
    /// The given secret ends with a newline the service's lacks.
    TrailingNewline,
    /// The given secret ends with other whitespace the service's lacks.
    TrailingWhitespace,
    /// The service's secret ends with a newline the given one lacks.
    MissingNewline,
    /// The given secret is wrapped in quotes the service strips.
    Quoted,
    /// The service base64-decodes its secret.
    Base64,
    /// The service base64url-decodes its secret.
    Base64url,
    /// The service hex-decodes its secret.
    Hex,
}

impl SecretFix {
    /// The finding's code.
    pub(crate) const fn code(self) -> &'static str {
        match self {
            SecretFix::TrailingNewline | SecretFix::TrailingWhitespace => {
                "secret_trailing_whitespace"
            }
            SecretFix::MissingNewline => "secret_missing_newline",
            SecretFix::Quoted => "secret_quoted",
            SecretFix::Base64 => "secret_base64",
            SecretFix::Base64url => "secret_base64url",
            SecretFix::Hex => "secret_hex",
        }
    }
}

/// What the token has where a claim check expected something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClaimValue {
    /// This JSON value.
    Json(String),
    /// Nothing: the claim or header member is missing.
    Missing,
    /// Nothing: the payload is not a claim set.
    NoClaimSet,
    /// Something the check could not show.
    Unexpected,
}
