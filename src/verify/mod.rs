//! `verify`, the pure core: every check of one token against a prepared key ring and a policy,
//! a verdict, and (when it is not a clean pass) a diagnosis of why.
//!
//! No clock, environment or I/O: the instant to judge at is part of the [`Policy`], facts about
//! where the keys came from are in [`Facts`]. Everything a [`Report`] says borrows from the
//! token, the ring and the policy, so the common case (the first key matches, claims fine)
//! allocates nothing here and the function can run on many threads over shared keys.
//! Reasons, findings and next steps are data; the render layer turns them into words.
//!
//! Adding a check: a [`CheckName`] variant (listed in `ALL`, named in `name`), one function in
//! `checks` or `claims` that returns its [`Check`] with new [`Reason`] variants if it needs
//! them, its place in [`verify`], the reasons' sentences in the render layer's
//! `verify::words::reason`, and a test. If its failure deserves evidence: a `Finding` variant
//! (its code in `finding`, its sentence in the render layer's `finding::sentence`), a
//! [`NextStep`] variant and its words (`verify::words::next_step`), and an arm in
//! `diagnose::claim_findings`. The matches over `CheckName`, `Reason`, `Finding` and `NextStep`
//! are exhaustive, so the compiler lists the names and sentences left to write; `ALL`,
//! `verify` and `claim_findings` it does not check.

mod checks;
mod claims;
pub(crate) mod diagnose;

use crate::exit::Exit;
use crate::keys::Key;
use crate::keys::signature::{Prepared, SigError};
use crate::token::Token;
use jsonwebtoken::Algorithm;
use serde_json::Value;

use crate::finding::Finding;
pub(crate) use diagnose::NextStep;

/// Largest accepted `--leeway`: a year. More is not clock skew but switching checks off.
pub(crate) const MAX_LEEWAY: i64 = 365 * 86_400;

/// Clock-skew allowance for `exp`, `nbf` and `iat`, in seconds; between 0 and [`MAX_LEEWAY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Leeway(i64);

/// The verify layer's one error type: a policy that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PolicyError {
    /// A leeway below zero or above [`MAX_LEEWAY`].
    #[error("leeway must be between 0 and {MAX_LEEWAY} seconds (a year)")]
    LeewayOutOfRange,
    /// Not a duration (why, as the time layer says it).
    #[error("{0}")]
    NotADuration(String),
}

impl PolicyError {
    /// The exit class of a run this error ends: a usage error.
    pub(crate) const fn exit(&self) -> Exit {
        Exit::Usage
    }
}

impl Leeway {
    /// A leeway of `seconds`, if within bounds.
    pub(crate) fn new(seconds: i64) -> Result<Self, PolicyError> {
        if (0..=MAX_LEEWAY).contains(&seconds) {
            Ok(Leeway(seconds))
        } else {
            Err(PolicyError::LeewayOutOfRange)
        }
    }

    /// Parse `--leeway`: seconds, or a duration such as `90s`, `5m`, `1h`.
    pub(crate) fn parse(text: &str) -> Result<Self, PolicyError> {
        Leeway::new(crate::time::parse_duration(text).map_err(PolicyError::NotADuration)?)
    }

    /// Seconds.
    pub(crate) fn seconds(self) -> i64 {
        self.0
    }
}

/// What the operator asks of a token, beyond a good signature.
#[derive(Debug, Clone, Default)]
pub(crate) struct Policy {
    /// Expected `iss` (`--iss`).
    pub(crate) iss: Option<String>,
    /// Acceptable audiences (`--aud`, repeatable): one of them must be in the token's `aud`.
    pub(crate) aud: Vec<String>,
    /// Claims that must be present (`--require`); `exp` here makes expiry mandatory.
    pub(crate) require: Vec<String>,
    /// Expected header `typ` (`--typ`), compared as RFC 7515 §4.1.9 says.
    pub(crate) typ: Option<String>,
    /// Clock-skew allowance.
    pub(crate) leeway: Leeway,
    /// The instant to judge times at (Unix seconds): now, or `--at`.
    pub(crate) at: i64,
}

impl Policy {
    /// Whether `--require` names `claim`.
    pub(crate) fn requires(&self, claim: &str) -> bool {
        self.require.iter().any(|c| c == claim)
    }
}

/// What is known about the keys beyond the keys themselves.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts<'a> {
    /// Every `kid` of every JWKS loaded, in order, when a JWKS was given.
    pub(crate) jwks_kids: Option<&'a [String]>,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check did not apply or could not be made (the reason says which).
    Skip,
}

impl Status {
    /// Stable lower-case name (JSON).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// The checks, in report order. Every report has all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckName {
    /// Header members jwtctl must refuse (`crit`, `b64`), `alg` present.
    Structure,
    /// The header's `alg` is one the keys are pinned to.
    Algorithm,
    /// The header's `kid` names a key of the ring (when keys have kids).
    Kid,
    /// The signature matches a key.
    Signature,
    /// Not expired.
    Exp,
    /// Not before.
    Nbf,
    /// Not issued in the future.
    Iat,
    /// Issuer.
    Iss,
    /// Audience.
    Aud,
    /// Claims named by `--require`.
    Required,
    /// Header `typ`.
    Typ,
}

impl CheckName {
    /// Number of checks.
    pub(crate) const COUNT: usize = 11;

    /// Every check, in report order.
    pub(crate) const ALL: [CheckName; CheckName::COUNT] = [
        CheckName::Structure,
        CheckName::Algorithm,
        CheckName::Kid,
        CheckName::Signature,
        CheckName::Exp,
        CheckName::Nbf,
        CheckName::Iat,
        CheckName::Iss,
        CheckName::Aud,
        CheckName::Required,
        CheckName::Typ,
    ];

    /// Stable name (JSON and human output).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            CheckName::Structure => "structure",
            CheckName::Algorithm => "algorithm",
            CheckName::Kid => "kid",
            CheckName::Signature => "signature",
            CheckName::Exp => "exp",
            CheckName::Nbf => "nbf",
            CheckName::Iat => "iat",
            CheckName::Iss => "iss",
            CheckName::Aud => "aud",
            CheckName::Required => "required",
            CheckName::Typ => "typ",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone)]
pub(crate) struct Check<'a> {
    /// Which check.
    pub(crate) name: CheckName,
    /// Pass, fail or skip.
    pub(crate) status: Status,
    /// Why, as data (worded by the render layer).
    pub(crate) reason: Reason<'a>,
}

impl<'a> Check<'a> {
    fn new(name: CheckName, status: Status, reason: Reason<'a>) -> Self {
        Check {
            name,
            status,
            reason,
        }
    }
}

/// How one key of the ring fared against the token's signature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeyOutcome {
    /// The signature does not match this key.
    NoMatch,
    /// The key is not pinned to the token's algorithm, so it was not tried.
    AlgNotAllowed,
    /// The token's `kid` names another key, so it was not tried.
    KidDiffers,
    /// The key could not be used for this token.
    Unusable(SigError),
}

/// A key that was considered and did not match.
#[derive(Debug, Clone)]
pub(crate) struct Trial<'a> {
    /// The key.
    pub(crate) key: &'a Key,
    /// What happened.
    pub(crate) outcome: KeyOutcome,
}

/// Why a check ended the way it did. Borrowed from the token, the ring and the policy;
/// put into words by the render layer.
#[derive(Debug, Clone)]
pub(crate) enum Reason<'a> {
    // structure
    /// A compact JWS whose payload is a JSON claim set.
    Compact,
    /// A compact JWS whose header names a key (`jwk`, `jku`, `x5u` or `x5c`): ignored.
    KeyInHeaderIgnored(&'static str),
    /// A compact JWS whose payload is not a claim set (`--any-payload`).
    PlainJws,
    /// The header has `crit` (its value).
    Crit(&'a Value),
    /// The header has `b64` (RFC 7797).
    B64,
    /// The header has no `alg`.
    AlgMissing,
    /// The header's `alg` is not a string (its value).
    AlgNotString(&'a Value),

    // algorithm
    /// The algorithm is one some key is pinned to.
    AlgAllowed(Algorithm),
    /// `alg` is `none` (in some casing).
    AlgNone(&'a str),
    /// A registered algorithm jwtctl cannot verify (ES512).
    AlgUnsupported(&'a str),
    /// Not an algorithm jwtctl knows.
    AlgUnknown(&'a str),
    /// A known algorithm no key of the ring is pinned to.
    AlgNotPinned(Algorithm),
    /// Every key of the ring is unusable (e.g. P-521); the first one's reason.
    NoUsableKey(&'a str),
    /// No header `alg` to check.
    NoAlg,

    // kid
    /// The token's `kid` names a key of the ring.
    KidFound(&'a str),
    /// The token's `kid` names no key of the ring; the kids that are there.
    KidNotFound {
        /// The token's `kid`.
        kid: &'a str,
        /// Kids present (from the JWKS, else from the ring's keys).
        present: Box<[&'a str]>,
    },
    /// No key of the ring has a `kid`: nothing to match.
    KeysHaveNoKid,
    /// Keys have kids but the token names none: every key is tried.
    TokenHasNoKid,

    // signature
    /// The signature matches this key; `after` are keys tried first that did not.
    Matched {
        /// The key that matched.
        key: &'a Key,
        /// Keys considered before it.
        after: Vec<Trial<'a>>,
        /// The key is an HMAC secret shorter than the hash output, used only because
        /// `--allow-weak-key` was given.
        weak: bool,
    },
    /// No key matched; how each fared.
    NoMatch(Vec<Trial<'a>>),
    /// Not checked because the algorithm check failed.
    SignatureNotChecked,

    // time claims
    /// The payload is not a claim set: claim checks do not apply.
    NoClaimSet,
    /// The claim is absent and not required.
    Absent,
    /// The claim is absent but `--require` names it.
    AbsentRequired,
    /// The claim is not a NumericDate (why).
    NotNumericDate(String),
    /// `exp` in the future.
    ExpiresIn {
        /// The claim.
        exp: i64,
    },
    /// `exp` passed (`at >= exp + leeway`).
    Expired {
        /// The claim.
        exp: i64,
        /// Allowance applied.
        leeway: i64,
    },
    /// `exp` passed but within the leeway.
    ExpiredWithinLeeway {
        /// The claim.
        exp: i64,
        /// Allowance applied.
        leeway: i64,
    },
    /// `nbf` reached.
    ValidSince {
        /// The claim.
        nbf: i64,
    },
    /// `nbf` not reached even with the leeway.
    NotYetValid {
        /// The claim.
        nbf: i64,
        /// Allowance applied.
        leeway: i64,
    },
    /// `iat` in the past (or within the leeway).
    IssuedAt {
        /// The claim.
        iat: i64,
    },
    /// `iat` later than `at + leeway`.
    IssuedInFuture {
        /// The claim.
        iat: i64,
        /// Allowance applied.
        leeway: i64,
    },

    // iss, aud, typ, required
    /// Not asked for on the command line (the flag that asks).
    NotAsked(&'static str),
    /// Asked for, and present with the expected value (as the operator spelled it).
    Equal(&'a str),
    /// The claim or header member is missing.
    Missing,
    /// It has the wrong JSON type (its value).
    WrongType(Box<Value>),
    /// It differs: what the token says and what was expected.
    Differs {
        /// The token's value.
        got: Box<Value>,
        /// What the operator expects (`--iss`, `--aud`, `--typ`).
        want: &'a [String],
    },
    /// Every required claim is present.
    AllPresent(&'a [String]),
    /// These required claims are missing.
    MissingClaims(Vec<&'a str>),
    /// `aud` is there but not checked because `--aud` was not given.
    AudNotAsked(Box<Value>),
}

/// The answer for one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Signature and every claim check fine.
    Valid,
    /// The token carries something a verifier must refuse (`crit`, `b64`, no `alg`).
    Rejected,
    /// No key matched (or the algorithm/kid rules out every key).
    Mismatch,
    /// The signature matched, a claim check failed.
    ClaimsRejected,
    /// The key or the algorithm cannot be used (ES512, P-521 keys).
    KeyUnusable,
}

impl Verdict {
    /// Stable name (JSON).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Rejected => "rejected",
            Verdict::Mismatch => "mismatch",
            Verdict::ClaimsRejected => "claims_rejected",
            Verdict::KeyUnusable => "key_unusable",
        }
    }

    /// The exit code for this verdict.
    pub(crate) const fn exit(self) -> Exit {
        match self {
            Verdict::Valid => Exit::Ok,
            Verdict::Rejected => Exit::Malformed,
            Verdict::Mismatch => Exit::Mismatch,
            Verdict::ClaimsRejected => Exit::ClaimsRejected,
            Verdict::KeyUnusable => Exit::KeyUnusable,
        }
    }
}

/// Everything `verify` found out about one token.
#[derive(Debug, Clone)]
pub(crate) struct Report<'a> {
    /// Every check, in [`CheckName`] order.
    pub(crate) checks: [Check<'a>; CheckName::COUNT],
    /// The key whose signature matched.
    pub(crate) matched_key: Option<&'a Key>,
    /// Evidence about why the token is not (cleanly) valid.
    pub(crate) diagnosis: Vec<Finding>,
    /// The answer.
    pub(crate) verdict: Verdict,
    /// What to do next, when there is something to do.
    pub(crate) next_step: Option<NextStep>,
}

impl<'a> Report<'a> {
    /// The check named `name`.
    pub(crate) fn check(&self, name: CheckName) -> &Check<'a> {
        &self.checks[name as usize]
    }
}

/// Verify `token` against `ring` under `policy`. Pure; never fails: a bad token is a verdict.
pub(crate) fn verify<'a>(
    token: &'a Token<'_>,
    ring: &'a [Prepared<'a>],
    policy: &'a Policy,
    facts: Facts<'a>,
) -> Report<'a> {
    let structure = checks::structure(token);
    let algorithm = checks::algorithm(token, ring);
    let kid = checks::kid(token, ring, facts);
    let signature = checks::signature(token, ring, algorithm.alg, kid.wanted);
    // Single claims are read from the scanned payload: the full claim map is never built on
    // this path.
    let claims = token.claim_set();
    let time = claims::times(claims, policy);
    let [exp, nbf, iat] = time;
    // Built in place: a report is about 600 bytes, and a batch builds one per token.
    let mut report = Report {
        checks: [
            structure,
            algorithm.check,
            kid.check,
            signature.check,
            exp,
            nbf,
            iat,
            claims::iss(claims, policy),
            claims::aud(claims, policy),
            claims::required(claims, policy),
            claims::typ(token, policy),
        ],
        matched_key: signature.matched,
        diagnosis: Vec::new(),
        verdict: Verdict::Valid,
        next_step: None,
    };
    let checks = &report.checks;
    let failed = |name: CheckName| checks[name as usize].status == Status::Fail;
    report.verdict = if failed(CheckName::Structure) {
        Verdict::Rejected
    } else if algorithm.unusable || (signature.matched.is_none() && signature.all_unusable) {
        Verdict::KeyUnusable
    } else if signature.matched.is_none() || failed(CheckName::Kid) {
        Verdict::Mismatch
    } else if checks.iter().any(|c| c.status == Status::Fail) {
        Verdict::ClaimsRejected
    } else {
        Verdict::Valid
    };
    if diagnose::needed(&report) {
        let (findings, next_step) = diagnose::diagnose(token, ring, policy, &report);
        report.diagnosis = findings;
        report.next_step = next_step;
    }
    report
}

#[cfg(test)]
mod tests;
