//! What a command noticed about a token, as data: decode's warnings and verify's diagnosis are
//! one type. The sentences are written in `render::finding`, so human and JSON output say the
//! same thing, and adding a finding is one variant here, one sentence there, one test.

/// One thing a person should notice about a token, with the facts that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Finding {
    // Warnings about a token read without verifying it (decode, and verify's report).
    /// The header has no `alg`.
    AlgMissing,
    /// `alg` is `none` (any case): an unsigned token.
    AlgNone,
    /// `alg` is a string but no registered JWS algorithm.
    AlgUnknown { alg: String },
    /// `alg` is not a string; its JSON type, as `crate::token::json::type_name` names it.
    AlgNotString { type_name: &'static str },
    /// The signature segment is empty.
    EmptySignature,
    /// The header has `crit`.
    Crit,
    /// The header has `b64` (RFC 7797).
    B64,
    /// The header carries or points at a key (`jwk`, `jku`, `x5u`, `x5c`).
    EmbeddedKey { member: &'static str },
    /// The payload is not a JSON object: a plain JWS.
    NotAJwt,
    /// No `exp` claim.
    NoExp,
    /// A time claim that is not a NumericDate, and why.
    BadNumericDate { claim: &'static str, why: String },
    /// `exp` has passed.
    Expired { ago_seconds: i64 },
    /// `nbf` is still ahead.
    NbfFuture { not_before: i64, in_seconds: i64 },
    /// `iat` is ahead of the instant judged at.
    IatFuture { ahead_seconds: i64 },
    /// A header or claim name or string holds a control, bidi or invisible character.
    ControlCharacters,
    // Evidence about why verification failed (verify's diagnosis).
}

impl Finding {
    /// The stable machine code, as JSON output carries it.
    pub(crate) fn code(&self) -> &'static str {
        match *self {
            // Warnings.
            Finding::AlgMissing => "alg_missing",
            Finding::AlgNone => "alg_none",
            Finding::AlgUnknown { .. } => "alg_unknown",
            Finding::AlgNotString { .. } => "alg_not_string",
            Finding::EmptySignature => "empty_signature",
            Finding::Crit => "crit",
            Finding::B64 => "b64",
            Finding::EmbeddedKey { .. } => "embedded_key",
            Finding::NotAJwt => "not_a_jwt",
            Finding::NoExp => "no_exp",
            Finding::BadNumericDate { .. } => "bad_numeric_date",
            Finding::Expired { .. } => "expired",
            Finding::NbfFuture { .. } => "nbf_future",
            Finding::IatFuture { .. } => "iat_future",
            Finding::ControlCharacters => "control_characters",
            // Diagnosis.
        }
    }
}
