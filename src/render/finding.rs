//! The one place a finding is put into words (see `crate::finding`).

use crate::finding::Finding;
use crate::time::{rfc3339, span};

/// The plain-language sentence for a finding. May quote token text: escape before printing.
pub(crate) fn sentence(finding: &Finding) -> String {
    match *finding {
        // Warnings.
        Finding::AlgMissing => "header has no `alg`".into(),
        Finding::AlgNone => {
            "alg is `none`: the token is unsigned and must never be accepted".into()
        }
        Finding::AlgUnknown { ref alg } => format!("alg `{alg}` is not a registered JWS algorithm"),
        Finding::AlgNotString { type_name } => format!("alg is {type_name}, not a string"),
        Finding::EmptySignature => "signature segment is empty".into(),
        Finding::Crit => {
            "header has `crit`: a verifier must reject the token unless it understands \
                          every listed extension (jwtctl verify rejects it)"
                .into()
        }
        Finding::B64 => {
            "header has `b64` (RFC 7797 unencoded payload), which JWTs do not allow".into()
        }
        Finding::EmbeddedKey { member } => format!(
            "header carries `{member}`: a key chosen by the token's author; jwtctl never fetches \
             or trusts it"
        ),
        Finding::NotAJwt => "payload is not a JSON object: this is a plain JWS, not a JWT".into(),
        Finding::NoExp => {
            "no `exp`: the token never expires; it dies only when the signing key changes".into()
        }
        Finding::BadNumericDate { claim, ref why } => {
            format!("`{claim}` {why}; verifiers reject or, worse, ignore it")
        }
        Finding::Expired { ago_seconds } => format!("expired {} ago", span(ago_seconds)),
        Finding::NbfFuture {
            not_before,
            in_seconds,
        } => format!(
            "not valid before {} (in {})",
            rfc3339(not_before),
            span(in_seconds)
        ),
        Finding::IatFuture { ahead_seconds } => {
            format!("issued {} in the future: clock skew?", span(ahead_seconds))
        }
        Finding::ControlCharacters => {
            "header or claims contain control or bidirectional characters (shown escaped)".into()
        } // Diagnosis.
    }
}
