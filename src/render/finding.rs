//! The one place a finding is put into words (see `crate::finding`).

use crate::finding::{ClaimValue, Finding, KeyName, SecretFix};
use crate::keys::digest::short;
use crate::time::{rfc3339, span};

/// Append `findings` as a JSON array of `{"code": ..., "message": ...}` objects, the form every
/// command's JSON output gives them in.
pub(crate) fn write_json(findings: &[Finding], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, finding) in findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        crate::text::write_json_str(finding.code(), out);
        out.extend_from_slice(b",\"message\":");
        crate::text::write_json_str(&sentence(finding), out);
        out.push(b'}');
    }
    out.push(b']');
}

/// The plain-language sentence for a finding. May quote token text: escape before printing.
pub(crate) fn sentence(finding: &Finding) -> String {
    match *finding {
        // Warnings.
        Finding::AlgNotString { type_name } => format!("alg is {type_name}, not a string"),
        Finding::EmptySignature => "signature segment is empty".into(),
        Finding::EmbeddedKey { member } => format!(
            "header carries `{member}`: a key chosen by the token's author; jwtctl never fetches \
             or trusts it"
        ),
        Finding::NotAJwt => "payload is not a JSON object: this is a plain JWS, not a JWT".into(),
        Finding::NoExp => {
            "no `exp`: the token never expires; it dies only when the signing key changes".into()
        }
        Finding::ControlCharacters => {
            "header or claims contain control or bidirectional characters (shown escaped)".into()
        }

        // Diagnosis.
        Finding::Crit => "the header lists critical extensions (`crit`); RFC 7515 §4.1.11 \
                          requires rejecting a token whose extensions the verifier does not \
                          understand, and jwtctl understands none"
            .into(),
        Finding::B64 => "the header has `b64` (RFC 7797 unencoded payload), which changes what \
                         the signature covers and is not allowed in JWTs"
            .into(),
        Finding::AlgMissing => {
            "the header has no usable `alg`: a JWS must name its algorithm (RFC 7515 §4.1.1)".into()
        }
        Finding::AlgNone { ref alg } => format!(
            "alg is `{alg}`: an unsigned token, never accepted (the algorithm comes from the \
             key, not from the token)"
        ),
        Finding::AlgUnsupported { ref alg } => format!(
            "{alg} is a registered algorithm that jwtctl cannot verify (its crypto library has \
             no P-521): this says nothing about the signature"
        ),
        Finding::NoUsableKey { ref why } => format!("no usable key: {why}"),
        Finding::AlgUnknown { ref alg } => {
            format!("alg `{alg}` is not a registered JWS algorithm")
        }
        Finding::AlgMismatch {
            alg,
            ref keys,
            confusion,
        } => {
            let families: Vec<String> = keys
                .iter()
                .map(|k| {
                    let algs: Vec<String> = k.algorithms.iter().map(|a| format!("{a:?}")).collect();
                    format!("`{}` ({}: {})", k.label, k.family.name(), algs.join("/"))
                })
                .collect();
            if confusion {
                format!(
                    "the token claims {alg:?}, an HMAC algorithm, but the keys are public keys \
                     ({}): checking an HMAC signature with a public key is the key-confusion \
                     attack, so jwtctl never does it; this token is probably forged",
                    families.join(", ")
                )
            } else {
                format!(
                    "the token's alg is {alg:?} but the keys are pinned to other algorithms \
                     ({}): it was signed with a different kind of key, or --alg / the JWK's \
                     `alg` pins the wrong one",
                    families.join(", ")
                )
            }
        }
        Finding::KidNotFound {
            ref kid,
            ref present,
        } => {
            let list = if present.is_empty() {
                "none".to_string()
            } else {
                quoted(present, ", ")
            };
            format!(
                "the token's kid `{kid}` is not among the keys (kids present: {list}): the \
                 issuer rotated its keys since this token was signed, or the token comes from \
                 another issuer"
            )
        }
        Finding::KidRelabelled { ref key, ref kid } => format!(
            "yet the signature matches `{}` ({}), whose kid is {}: the key is the same but its \
             kid changed, and a verifier that selects keys by kid rejects the token",
            key.label,
            fingerprint(key),
            kid.as_deref()
                .map_or("not set".into(), |k| format!("`{k}`"))
        ),
        Finding::KeyRotated {
            ref tried,
            ref matched,
        } => format!(
            "signature does not match `{}` ({}); it matches `{}` ({}): the signing key changed \
             after this token was issued",
            tried.label,
            fingerprint(tried),
            matched.label,
            fingerprint(matched)
        ),
        Finding::DetachedContent => "the payload is empty and no key matches: the content was \
                                      probably detached (RFC 7515 Appendix F), and the signature \
                                      covers content the token does not carry; verify the token \
                                      with its content in place"
            .into(),
        Finding::KeyChanged { tried } => format!(
            "signed by a different key: no given key matches ({tried} tried) and no near miss \
             (trailing newline, base64/hex encoding, quotes) explains it: the key was probably \
             regenerated; re-mint with `jwtctl mint --from ...`"
        ),
        Finding::KeyNewerThanToken {
            ref key,
            modified,
            iat,
        } => format!(
            "the key file of `{key}` was written at {} ({} after the token was issued at {}): \
             the key was probably regenerated after this token was issued",
            rfc3339(modified),
            span(modified - iat),
            rfc3339(iat)
        ),
        Finding::NearMiss { ref key, fix } => near_miss(key, fix),
        Finding::KeyUnusable { ref key, ref why } => {
            format!("key `{key}` could not be used: {why}")
        }
        Finding::Expired { exp, at } => format!(
            "the token expired {} ago, at {} (judged at {})",
            span(at - exp),
            rfc3339(exp),
            rfc3339(at)
        ),
        Finding::NotYetValid { nbf, at } => format!(
            "the token is not valid before {} ({} after {}): the issuer's clock runs ahead, or \
             the token was minted for later",
            rfc3339(nbf),
            span(nbf - at),
            rfc3339(at)
        ),
        Finding::IssuedInFuture { iat, at } => format!(
            "the token claims to be issued at {}, {} after {}: clock skew between the issuer \
             and the service",
            rfc3339(iat),
            span(iat - at),
            rfc3339(at)
        ),
        Finding::BadNumericDate { claim, ref why } => {
            format!("`{claim}` {why}: verifiers reject it (or worse, ignore it)")
        }
        Finding::ExpRequired => {
            "the token has no `exp`, and --require exp makes expiry mandatory".into()
        }
        Finding::MissingClaims { ref claims } => {
            format!("required claims are missing: {}", quoted(claims, ", "))
        }
        Finding::WrongIssuer { ref got, ref want } => format!(
            "the token's issuer is {} but --iss expects `{want}`: it was issued by another \
             issuer (or environment)",
            value(got)
        ),
        Finding::WrongAudience { ref got, ref want } => format!(
            "the token's audience is {} but --aud expects {}: it was issued for another service",
            value(got),
            quoted(want, " or ")
        ),
        Finding::WrongTyp { ref got, ref want } => format!(
            "the header's typ is {} but --typ expects `{want}`",
            value(got)
        ),
    }
}

/// `sha256:` and the short fingerprint.
fn fingerprint(key: &KeyName) -> String {
    format!("sha256:{}", short(&key.fingerprint))
}

/// Each item in backquotes, joined by `sep`.
fn quoted(items: &[String], sep: &str) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The token's value as a finding quotes it.
fn value(value: &ClaimValue) -> &str {
    match value {
        ClaimValue::Json(json) => json,
        ClaimValue::Missing => "missing",
        ClaimValue::NoClaimSet => "absent (the payload is not a claim set)",
        ClaimValue::Unexpected => "unexpected",
    }
}

fn near_miss(key: &str, fix: SecretFix) -> String {
    match fix {
        SecretFix::TrailingNewline | SecretFix::TrailingWhitespace => {
            let what = if fix == SecretFix::TrailingNewline {
                "your secret ends with a newline; the service uses it without"
            } else {
                "your secret ends with whitespace; the service uses it without"
            };
            format!(
                "the signature matches `{key}` once the secret's trailing newline/whitespace is \
                 removed: {what} (a file written by `echo` or an editor)"
            )
        }
        SecretFix::MissingNewline => format!(
            "the signature matches `{key}` with a newline appended to the secret: the service's \
             secret ends with a newline that yours lacks (it was probably written with `echo`)"
        ),
        SecretFix::Quoted => format!(
            "the signature matches `{key}` once the surrounding quotes are removed from the \
             secret: the quotes (from a .env or YAML file) became part of your secret; the \
             service strips them"
        ),
        SecretFix::Base64 => format!(
            "the signature matches `{key}` once the secret is base64-decoded: the service \
             decodes its secret before use"
        ),
        SecretFix::Base64url => format!(
            "the signature matches `{key}` once the secret is base64url-decoded: the service \
             decodes its secret before use"
        ),
        SecretFix::Hex => format!(
            "the signature matches `{key}` once the secret is hex-decoded: the service decodes \
             its secret before use"
        ),
    }
}
