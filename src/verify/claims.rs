//! The claim checks: `exp`, `nbf`, `iat` (with leeway), `iss`, `aud`, required claims, `typ`.

use super::{Check, CheckName, Policy, Reason, Status};
use crate::token::{Claims, Token};
use serde_json::Value;

/// `exp`, `nbf` and `iat`, in that order. A claim that is present is always checked, and a
/// value that is not a NumericDate fails (never skipped: servers that ignore a bad `exp` are
/// how never-expiring tokens happen).
pub(super) fn times<'a>(claims: Option<&Claims>, policy: &Policy) -> [Check<'a>; 3] {
    let leeway = policy.leeway.seconds();
    let at = policy.at;
    let one = |name: CheckName, judge: &dyn Fn(i64) -> (Status, Reason<'a>)| -> Check<'a> {
        let claim = name.name();
        let Some(claims) = claims else {
            return Check::new(name, Status::Skip, Reason::NoClaimSet);
        };
        match claims.numeric_date(claim) {
            None if policy.requires(claim) => {
                Check::new(name, Status::Fail, Reason::AbsentRequired)
            }
            None => Check::new(name, Status::Skip, Reason::Absent),
            Some(Ok(value)) => {
                let (status, reason) = judge(value);
                Check::new(name, status, reason)
            }
            Some(Err(why)) => Check::new(name, Status::Fail, Reason::NotNumericDate(why)),
        }
    };
    // Both sides are at most year 9999 and the leeway at most a year: no overflow, but the
    // arithmetic is checked anyway so a future change of bounds cannot wrap silently.
    let exp = one(
        CheckName::Exp,
        &|exp| match exp.checked_add(leeway).map(|limit| at < limit) {
            Some(true) if at < exp => (Status::Pass, Reason::ExpiresIn { exp }),
            Some(true) => (Status::Pass, Reason::ExpiredWithinLeeway { exp, leeway }),
            _ => (Status::Fail, Reason::Expired { exp, leeway }),
        },
    );
    let nbf = one(
        CheckName::Nbf,
        &|nbf| match at.checked_add(leeway).map(|now| now >= nbf) {
            Some(true) => (Status::Pass, Reason::ValidSince { nbf }),
            _ => (Status::Fail, Reason::NotYetValid { nbf, leeway }),
        },
    );
    let iat = one(
        CheckName::Iat,
        &|iat| match at.checked_add(leeway).map(|now| iat <= now) {
            Some(true) => (Status::Pass, Reason::IssuedAt { iat }),
            _ => (Status::Fail, Reason::IssuedInFuture { iat, leeway }),
        },
    );
    [exp, nbf, iat]
}

/// A string member equal to `want`, or why not. `same` decides equality.
fn expect_string<'a>(
    name: CheckName,
    found: Option<Value>,
    want: &'a String,
    same: fn(&str, &str) -> bool,
) -> Check<'a> {
    match found {
        None => Check::new(name, Status::Fail, Reason::Missing),
        Some(Value::String(got)) if same(&got, want) => {
            Check::new(name, Status::Pass, Reason::Equal(want))
        }
        Some(got @ Value::String(_)) => Check::new(
            name,
            Status::Fail,
            Reason::Differs {
                got: Box::new(got),
                want: std::slice::from_ref(want),
            },
        ),
        Some(other) => Check::new(name, Status::Fail, Reason::WrongType(Box::new(other))),
    }
}

/// `iss` equals `--iss`.
pub(super) fn iss<'a>(claims: Option<&Claims>, policy: &'a Policy) -> Check<'a> {
    let name = CheckName::Iss;
    let Some(want) = &policy.iss else {
        return Check::new(name, Status::Skip, Reason::NotAsked("--iss"));
    };
    let Some(claims) = claims else {
        return Check::new(name, Status::Fail, Reason::NoClaimSet);
    };
    expect_string(name, claims.get("iss"), want, |a, b| a == b)
}

/// One of the token's audiences (a string or an array of strings) is one of `--aud`.
pub(super) fn aud<'a>(claims: Option<&Claims>, policy: &'a Policy) -> Check<'a> {
    let name = CheckName::Aud;
    let claim = claims.and_then(|c| c.get("aud"));
    if policy.aud.is_empty() {
        return match claim {
            Some(value) => Check::new(name, Status::Skip, Reason::AudNotAsked(Box::new(value))),
            None => Check::new(name, Status::Skip, Reason::NotAsked("--aud")),
        };
    }
    if claims.is_none() {
        return Check::new(name, Status::Fail, Reason::NoClaimSet);
    }
    let Some(got) = claim else {
        return Check::new(name, Status::Fail, Reason::Missing);
    };
    let well_formed = match &got {
        Value::String(_) => true,
        Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_string),
        _ => false,
    };
    if !well_formed {
        return Check::new(name, Status::Fail, Reason::WrongType(Box::new(got)));
    }
    // The operator's spelling of the audience that matched, if any.
    let wanted = |aud: &str| policy.aud.iter().find(|w| *w == aud);
    let matched = match &got {
        Value::Array(items) => items.iter().filter_map(Value::as_str).find_map(wanted),
        other => other.as_str().and_then(wanted),
    };
    match matched {
        Some(aud) => Check::new(name, Status::Pass, Reason::Equal(aud)),
        None => Check::new(
            name,
            Status::Fail,
            Reason::Differs {
                got: Box::new(got),
                want: &policy.aud,
            },
        ),
    }
}

/// Every claim named by `--require` is present (and not `null`).
pub(super) fn required<'a>(claims: Option<&Claims>, policy: &'a Policy) -> Check<'a> {
    let name = CheckName::Required;
    if policy.require.is_empty() {
        return Check::new(name, Status::Skip, Reason::NotAsked("--require"));
    }
    let present = |claim: &str| {
        claims
            .and_then(|c| c.get(claim))
            .is_some_and(|v| !v.is_null())
    };
    if policy.require.iter().all(|c| present(c)) {
        return Check::new(name, Status::Pass, Reason::AllPresent(&policy.require));
    }
    let missing = policy
        .require
        .iter()
        .map(String::as_str)
        .filter(|c| !present(c))
        .collect();
    Check::new(name, Status::Fail, Reason::MissingClaims(missing))
}

/// The header's `typ` is `--typ`, compared as RFC 7515 §4.1.9 says: ignoring ASCII case and
/// an `application/` prefix (`JWT`, `jwt` and `application/jwt` are one type).
pub(super) fn typ<'a>(token: &Token<'_>, policy: &'a Policy) -> Check<'a> {
    let name = CheckName::Typ;
    let Some(want) = &policy.typ else {
        return Check::new(name, Status::Skip, Reason::NotAsked("--typ"));
    };
    expect_string(name, token.header.get("typ").cloned(), want, media_type_eq)
}

fn media_type_eq(a: &str, b: &str) -> bool {
    fn short(t: &str) -> &str {
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &t[12..],
            _ => t,
        }
    }
    short(a).eq_ignore_ascii_case(short(b))
}

#[cfg(test)]
mod tests {
    use super::media_type_eq;

    #[test]
    fn typ_comparison_follows_rfc_7515() {
        assert!(media_type_eq("JWT", "jwt"));
        assert!(media_type_eq("application/jwt", "JWT"));
        assert!(media_type_eq("at+jwt", "application/AT+JWT"));
        assert!(!media_type_eq("JWT", "at+jwt"));
        assert!(!media_type_eq("applicationXjwt", "jwt"));
        assert!(
            media_type_eq("é", "é"),
            "non-ASCII must not panic on slicing"
        );
        assert!(!media_type_eq("applicationé", "x"));
    }
}
