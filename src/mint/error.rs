//! Why a token cannot be minted: data, with the exit code, a stable machine code and a hint.

use crate::exit::Exit;
use crate::keys::signature::SigError;
use serde_json::Value;
use std::fmt;

/// Why a token cannot be minted. Messages may quote claim names and values from the old token
/// (attacker-controlled): escape them before they reach a terminal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MintError {
    /// No user id claim (or not the one `--id-claim` names).
    IdMissing {
        /// The claim `--id-claim` named, if any.
        wanted: Option<String>,
        /// The claims that are there.
        present: Vec<String>,
        /// Looked in the old token (else in the `--claim`s).
        from_token: bool,
    },
    /// More than one of the usual id claims is present.
    IdAmbiguous {
        /// The id claims found, with their values.
        found: Vec<(String, Value)>,
    },
    /// The id claim holds something that is not a user id.
    IdInvalid {
        /// The claim.
        claim: String,
        /// What it holds instead.
        what: &'static str,
    },
    /// `--claim` would replace the user id carried over from the old token.
    IdOverride {
        /// The id claim.
        claim: String,
    },
    /// `--unset` would remove the user id.
    IdUnset {
        /// The id claim.
        claim: String,
    },
    /// Neither `--exp` nor `--no-exp`, and nothing to inherit a lifetime from.
    NoExp {
        /// The old token has no `exp` (else: minting without `--from`).
        from_token: bool,
    },
    /// The old token's lifetime cannot be measured.
    LifetimeUnknown {
        /// Why.
        why: String,
    },
    /// The new `exp` would be after year 9999.
    ExpOutOfRange,
    /// `--claim` or `--unset` of a claim jwtctl sets itself.
    Reserved {
        /// The claim.
        claim: String,
        /// What to do instead.
        instead: &'static str,
    },
    /// A claim set twice, or both set and unset.
    Conflict {
        /// The claim.
        claim: String,
    },
    /// Signing failed.
    Sign(SigError),
}

impl MintError {
    /// The exit code this failure maps to.
    pub(crate) fn exit(&self) -> Exit {
        match self {
            MintError::IdMissing { .. }
            | MintError::IdAmbiguous { .. }
            | MintError::IdInvalid { .. }
            | MintError::NoExp { .. }
            | MintError::LifetimeUnknown { .. } => Exit::ClaimsRejected,
            MintError::IdOverride { .. }
            | MintError::IdUnset { .. }
            | MintError::ExpOutOfRange
            | MintError::Reserved { .. }
            | MintError::Conflict { .. } => Exit::Usage,
            MintError::Sign(_) => Exit::KeyUnusable,
        }
    }

    /// A stable machine code, used in JSON output.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            MintError::IdMissing { .. } => "id_claim_missing",
            MintError::IdAmbiguous { .. } => "id_claim_ambiguous",
            MintError::IdInvalid { .. } => "id_claim_invalid",
            MintError::IdOverride { .. } => "id_claim_override",
            MintError::IdUnset { .. } => "id_claim_unset",
            MintError::NoExp { .. } => "no_exp",
            MintError::LifetimeUnknown { .. } => "lifetime_unknown",
            MintError::ExpOutOfRange => "exp_out_of_range",
            MintError::Reserved { .. } => "reserved_claim",
            MintError::Conflict { .. } => "claim_conflict",
            MintError::Sign(_) => "sign",
        }
    }

    /// What to do about it.
    pub(crate) fn hint(&self) -> Option<String> {
        Some(match self {
            MintError::IdMissing {
                from_token: true, ..
            } => "name the claim that holds the user id with --id-claim NAME".into(),
            MintError::IdMissing {
                from_token: false,
                wanted,
                ..
            } => match wanted {
                Some(name) => format!("give it with --claim {name}=VALUE"),
                None => "give the user id with --claim sub=VALUE (or another id claim), or mint \
                         from an old token with --from"
                    .into(),
            },
            MintError::IdAmbiguous { found } => format!(
                "pick one with --id-claim {} (add --keep-claims to carry the others too)",
                found.first().map_or("NAME", |(name, _)| name.as_str())
            ),
            MintError::IdOverride { .. } => {
                "to mint for another user, mint without --from and give the id with --claim".into()
            }
            MintError::NoExp { from_token: true } => {
                "choose a lifetime with --exp DURATION (e.g. --exp 30d), or accept a token that \
                 never expires with --no-exp"
                    .into()
            }
            MintError::NoExp { from_token: false } => {
                "choose a lifetime with --exp DURATION (e.g. --exp 15m), or --no-exp".into()
            }
            MintError::LifetimeUnknown { .. } => {
                "choose the new lifetime with --exp DURATION (or --no-exp)".into()
            }
            _ => return None,
        })
    }
}

/// A claim value for a message: JSON text, cut short.
fn shown(value: &Value) -> String {
    const MAX: usize = 64;
    let text = value.to_string();
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for MintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = |from_token: bool| {
            if from_token {
                "the old token"
            } else {
                "the --claim options"
            }
        };
        match self {
            MintError::IdMissing {
                wanted: Some(name),
                present,
                from_token,
            } => write!(
                f,
                "claim `{name}` (--id-claim) is not in {}; its claims are: {}",
                source(*from_token),
                list(present)
            ),
            MintError::IdMissing {
                wanted: None,
                present,
                from_token,
            } => write!(
                f,
                "no user id claim in {} (looked for {}); its claims are: {}",
                source(*from_token),
                super::ID_CLAIMS
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                list(present)
            ),
            MintError::IdAmbiguous { found } => write!(
                f,
                "several user id claims: {}; which one is the user id?",
                found
                    .iter()
                    .map(|(name, value)| format!("`{name}` = {}", shown(value)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            MintError::IdInvalid { claim, what } => write!(
                f,
                "claim `{claim}` holds {what}, not a user id (a non-empty string or an integer)"
            ),
            MintError::IdOverride { claim } => write!(
                f,
                "--claim {claim}=... would replace the user id carried over from the old token"
            ),
            MintError::IdUnset { claim } => {
                write!(f, "--unset {claim} would remove the user id claim")
            }
            MintError::NoExp { from_token: true } => f.write_str(
                "the old token has no `exp`; a token without `exp` never expires and dies only \
                 when the signing key rotates, so jwtctl will not mint another one silently",
            ),
            MintError::NoExp { from_token: false } => f.write_str(
                "no expiry given; a token without `exp` never expires and dies only when the \
                 signing key rotates",
            ),
            MintError::LifetimeUnknown { why } => {
                write!(f, "cannot keep the old token's lifetime: {why}")
            }
            MintError::ExpOutOfRange => f.write_str("the new `exp` would be after year 9999"),
            MintError::Reserved { claim, instead } => {
                write!(
                    f,
                    "claim `{claim}` cannot be set or unset directly: {instead}"
                )
            }
            MintError::Conflict { claim } => write!(
                f,
                "claim `{claim}` is given more than once in --claim/--unset"
            ),
            MintError::Sign(e) => write!(f, "cannot sign: {e}"),
        }
    }
}

impl std::error::Error for MintError {}
