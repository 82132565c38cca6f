//! The JSON Lines view of a `verify` report (schema `kind: "verified"`).

use super::{STATUSES, VERDICTS, is_plain_json, reason, status_index, write_time_reason};
use crate::keys::Key;
use crate::text::write_json_str;
use crate::verify::{Check, CheckName, Reason, Report, Status, Verdict};
use jsonwebtoken::Algorithm;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Everything in a `verify --json` line (schema `kind: "verified"`) that is the same for every
/// token of a run, rendered and escaped once: a batch writes millions of these lines, and only
/// what comes from the token itself is formatted per line. Most checks of a batch end the same
/// way for every token (`iss` not asked, no `nbf`, the first key matched), so whole check
/// objects are kept, not just their words. The field order is part of the schema pinned by
/// tests.
pub(crate) struct JsonLines<'k> {
    /// Per key of the ring: the `matched_key` object, and the signature check object when the
    /// key matched with no key missed before it.
    keys: Vec<KeyJson<'k>>,
    /// The algorithm check object ("HS256, pinned by the keys") of every algorithm a key is
    /// pinned to.
    algs: Vec<(Algorithm, Vec<u8>)>,
    /// `{"name":"exp","status":"pass","reason":` for every check and status.
    heads: Vec<Vec<u8>>,
    /// The whole check object for every check, status and reason that carries no data (see
    /// [`fixed_slot`]), rendered the first time a token needs it.
    fixed: Vec<OnceLock<Vec<u8>>>,
    /// `,"valid":…,"verdict":…,"exit_code":…,"checks":[` for every verdict.
    verdicts: Vec<(Verdict, Vec<u8>)>,
}

struct KeyJson<'k> {
    key: &'k Key,
    matched_key: Vec<u8>,
    matches: Vec<u8>,
}

/// Reasons that carry no data from the token, the keys or the clock, so that a check's whole
/// JSON object follows from its name, status and this slot. The flags of `NotAsked` are the
/// four the checks use; any other would be rendered each time.
const FIXED_SLOTS: usize = 20;

fn fixed_slot(reason: &Reason<'_>) -> Option<usize> {
    Some(match reason {
        Reason::Compact => 0,
        Reason::KeyInHeaderIgnored("jwk") => 1,
        Reason::KeyInHeaderIgnored("jku") => 2,
        Reason::KeyInHeaderIgnored("x5u") => 3,
        Reason::KeyInHeaderIgnored("x5c") => 4,
        Reason::PlainJws => 5,
        Reason::B64 => 6,
        Reason::AlgMissing => 7,
        Reason::NoAlg => 8,
        Reason::KeysHaveNoKid => 9,
        Reason::TokenHasNoKid => 10,
        Reason::SignatureNotChecked => 11,
        Reason::NoClaimSet => 12,
        Reason::Absent => 13,
        Reason::AbsentRequired => 14,
        Reason::Missing => 15,
        Reason::NotAsked("--iss") => 16,
        Reason::NotAsked("--aud") => 17,
        Reason::NotAsked("--require") => 18,
        Reason::NotAsked("--typ") => 19,
        _ => return None,
    })
}

/// `,"valid":…,"verdict":…,"exit_code":…,"checks":[` for `verdict`.
fn verdict_head(verdict: Verdict, out: &mut Vec<u8>) {
    out.extend_from_slice(if verdict == Verdict::Valid {
        b",\"valid\":true,\"verdict\":"
    } else {
        b",\"valid\":false,\"verdict\":"
    });
    write_json_str(verdict.name(), out);
    out.extend_from_slice(b",\"exit_code\":");
    out.extend_from_slice(itoa::Buffer::new().format(verdict.exit().code()).as_bytes());
    out.extend_from_slice(b",\"checks\":[");
}

/// `{"name":…,"status":…,"reason":` for a check.
fn check_head(name: CheckName, status: Status) -> Vec<u8> {
    let mut head = b"{\"name\":".to_vec();
    write_json_str(name.name(), &mut head);
    head.extend_from_slice(b",\"status\":");
    write_json_str(status.name(), &mut head);
    head.extend_from_slice(b",\"reason\":");
    head
}

impl<'k> JsonLines<'k> {
    /// Pre-render the parts for a run over `keys` (the ring, in order).
    pub(crate) fn new(keys: impl IntoIterator<Item = &'k Key>) -> Self {
        let mut algs: Vec<(Algorithm, Vec<u8>)> = Vec::new();
        let keys = keys
            .into_iter()
            .map(|key| {
                for &alg in &key.algorithms {
                    if !algs.iter().any(|(a, _)| *a == alg) {
                        let mut check = check_head(CheckName::Algorithm, Status::Pass);
                        write_json_str(
                            &reason(CheckName::Algorithm, &Reason::AlgAllowed(alg), 0),
                            &mut check,
                        );
                        check.push(b'}');
                        algs.push((alg, check));
                    }
                }
                let mut matched_key = b"{\"label\":".to_vec();
                write_json_str(&key.label, &mut matched_key);
                matched_key.extend_from_slice(b",\"fingerprint\":");
                write_json_str(&key.fingerprint, &mut matched_key);
                matched_key.push(b'}');
                let first_try = Reason::Matched {
                    key,
                    after: Vec::new(),
                    weak: false,
                };
                let mut matches = check_head(CheckName::Signature, Status::Pass);
                write_json_str(&reason(CheckName::Signature, &first_try, 0), &mut matches);
                matches.push(b'}');
                KeyJson {
                    key,
                    matched_key,
                    matches,
                }
            })
            .collect();
        let mut heads = Vec::with_capacity(CheckName::ALL.len() * STATUSES.len());
        for name in CheckName::ALL {
            for status in STATUSES {
                heads.push(check_head(name, status));
            }
        }
        let fixed = (0..heads.len() * FIXED_SLOTS)
            .map(|_| OnceLock::new())
            .collect();
        let verdicts = VERDICTS
            .into_iter()
            .map(|verdict| {
                let mut text = Vec::new();
                verdict_head(verdict, &mut text);
                (verdict, text)
            })
            .collect();
        JsonLines {
            keys,
            algs,
            heads,
            fixed,
            verdicts,
        }
    }

    fn key(&self, key: &Key) -> Option<&KeyJson<'k>> {
        self.keys.iter().find(|k| std::ptr::eq(k.key, key))
    }

    /// Append the JSON line for one verified token, `at` the instant times were judged at.
    pub(crate) fn write(&self, line: u64, report: &Report<'_>, at: i64, out: &mut Vec<u8>) {
        let verdict = report.verdict;
        out.extend_from_slice(b"{\"kind\":\"verified\",\"line\":");
        out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        match self.verdicts.iter().find(|(v, _)| *v == verdict) {
            Some((_, text)) => out.extend_from_slice(text),
            None => verdict_head(verdict, out),
        }
        for (i, check) in report.checks.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.write_check(check, at, out);
        }
        out.extend_from_slice(b"],\"matched_key\":");
        match report.matched_key {
            Some(key) => match self.key(key) {
                Some(k) => out.extend_from_slice(&k.matched_key),
                None => {
                    out.extend_from_slice(b"{\"label\":");
                    write_json_str(&key.label, out);
                    out.extend_from_slice(b",\"fingerprint\":");
                    write_json_str(&key.fingerprint, out);
                    out.push(b'}');
                }
            },
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"diagnosis\":");
        crate::render::finding::write_json(&report.diagnosis, out);
        out.extend_from_slice(b",\"next_step\":");
        match &report.next_step {
            Some(step) => write_json_str(&super::next_step(step), out),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b"}\n");
    }

    /// One check object: kept whole when nothing in it comes from the token, else its
    /// pre-rendered head and its reason.
    fn write_check(&self, check: &Check<'_>, at: i64, out: &mut Vec<u8>) {
        let head = check.name as usize * STATUSES.len() + status_index(check.status);
        match &check.reason {
            // Kept whole for the check they are made for; anything else is rendered below.
            Reason::Matched { key, after, weak }
                if after.is_empty()
                    && !weak
                    && check.name == CheckName::Signature
                    && check.status == Status::Pass =>
            {
                if let Some(k) = self.key(key) {
                    out.extend_from_slice(&k.matches);
                    return;
                }
            }
            Reason::AlgAllowed(alg)
                if check.name == CheckName::Algorithm && check.status == Status::Pass =>
            {
                if let Some((_, whole)) = self.algs.iter().find(|(a, _)| a == alg) {
                    out.extend_from_slice(whole);
                    return;
                }
            }
            reason => {
                if let Some(slot) = fixed_slot(reason) {
                    let whole = self.fixed[head * FIXED_SLOTS + slot].get_or_init(|| {
                        let mut whole = self.heads[head].clone();
                        self.write_reason(check.name, reason, at, &mut whole);
                        whole.push(b'}');
                        whole
                    });
                    out.extend_from_slice(whole);
                    return;
                }
            }
        }
        out.extend_from_slice(&self.heads[head]);
        self.write_reason(check.name, &check.reason, at, out);
        out.push(b'}');
    }

    /// A check's reason as a JSON string: written straight (ASCII with nothing to escape), or,
    /// for what quotes the token, formatted and escaped.
    fn write_reason(&self, name: CheckName, reason: &Reason<'_>, at: i64, out: &mut Vec<u8>) {
        match reason {
            Reason::ExpiresIn { exp: value }
            | Reason::ValidSince { nbf: value }
            | Reason::IssuedAt { iat: value } => {
                out.push(b'"');
                write_time_reason(name, *value, at, out);
                out.push(b'"');
                return;
            }
            _ => {}
        }
        match self::reason(name, reason, at) {
            // Our own words: a test checks that every borrowed reason needs no escaping.
            Cow::Borrowed(text) => {
                debug_assert!(is_plain_json(text), "{text}");
                out.push(b'"');
                out.extend_from_slice(text.as_bytes());
                out.push(b'"');
            }
            Cow::Owned(text) => write_json_str(&text, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason variant that carries no token data (the only ones that can be borrowed),
    /// with every value of those that carry a static one.
    fn fixed_samples() -> Vec<Reason<'static>> {
        vec![
            Reason::Compact,
            Reason::KeyInHeaderIgnored("jwk"),
            Reason::KeyInHeaderIgnored("jku"),
            Reason::KeyInHeaderIgnored("x5u"),
            Reason::KeyInHeaderIgnored("x5c"),
            Reason::PlainJws,
            Reason::B64,
            Reason::AlgMissing,
            Reason::NoAlg,
            Reason::KeysHaveNoKid,
            Reason::TokenHasNoKid,
            Reason::SignatureNotChecked,
            Reason::NoClaimSet,
            Reason::Absent,
            Reason::AbsentRequired,
            Reason::Missing,
            Reason::NotAsked("--iss"),
            Reason::NotAsked("--aud"),
            Reason::NotAsked("--require"),
            Reason::NotAsked("--typ"),
        ]
    }

    /// Forces a decision for every new variant: data-free ones belong in [`fixed_samples`].
    fn carries_data(reason: &Reason<'_>) -> bool {
        match reason {
            Reason::Compact
            | Reason::KeyInHeaderIgnored(_)
            | Reason::PlainJws
            | Reason::B64
            | Reason::AlgMissing
            | Reason::NoAlg
            | Reason::KeysHaveNoKid
            | Reason::TokenHasNoKid
            | Reason::SignatureNotChecked
            | Reason::NoClaimSet
            | Reason::Absent
            | Reason::AbsentRequired
            | Reason::Missing
            | Reason::NotAsked(_) => false,
            Reason::Crit(_)
            | Reason::AlgNotString(_)
            | Reason::AlgAllowed(_)
            | Reason::AlgNone(_)
            | Reason::AlgUnsupported(_)
            | Reason::AlgUnknown(_)
            | Reason::AlgNotPinned(_)
            | Reason::NoUsableKey(_)
            | Reason::KidFound(_)
            | Reason::KidNotFound { .. }
            | Reason::Matched { .. }
            | Reason::NoMatch(_)
            | Reason::NotNumericDate(_)
            | Reason::ExpiresIn { .. }
            | Reason::Expired { .. }
            | Reason::ExpiredWithinLeeway { .. }
            | Reason::ValidSince { .. }
            | Reason::NotYetValid { .. }
            | Reason::IssuedAt { .. }
            | Reason::IssuedInFuture { .. }
            | Reason::Equal(_)
            | Reason::WrongType(_)
            | Reason::Differs { .. }
            | Reason::AllPresent(_)
            | Reason::MissingClaims(_)
            | Reason::AudNotAsked(_) => true,
        }
    }

    #[test]
    fn borrowed_reasons_need_no_json_escaping() {
        let mut borrowed = 0;
        for reason in fixed_samples() {
            assert!(!carries_data(&reason));
            for name in CheckName::ALL {
                if let Cow::Borrowed(text) = super::reason(name, &reason, 0) {
                    assert!(is_plain_json(text), "{name:?} {reason:?}: {text}");
                    borrowed += 1;
                }
            }
        }
        assert!(
            borrowed > 16,
            "the common reasons are borrowed ({borrowed})"
        );
    }

    /// Every reason under every check name and status, written by `write_check` at each of
    /// `ats`, is its head and its words as `reason` gives them.
    fn assert_rendered_both_ways(lines: &JsonLines<'_>, reasons: &[Reason<'_>], ats: &[i64]) {
        for name in CheckName::ALL {
            for status in STATUSES {
                for reason in reasons {
                    let check = Check {
                        name,
                        status,
                        reason: reason.clone(),
                    };
                    let mut direct =
                        lines.heads[name as usize * STATUSES.len() + status_index(status)].clone();
                    write_json_str(&super::reason(name, reason, 0), &mut direct);
                    direct.push(b'}');
                    for &at in ats {
                        let mut kept = Vec::new();
                        lines.write_check(&check, at, &mut kept);
                        assert_eq!(
                            String::from_utf8(kept).unwrap(),
                            String::from_utf8(direct.clone()).unwrap(),
                            "{name:?} {status:?} {reason:?} at {at}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn kept_check_objects_are_what_rendering_them_gives() {
        let lines = JsonLines::new([]);
        let samples = fixed_samples();
        let mut slots: Vec<usize> = samples.iter().filter_map(fixed_slot).collect();
        assert_eq!(
            slots.len(),
            samples.len(),
            "every data-free reason has a slot"
        );
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), FIXED_SLOTS, "and no two share one");
        // The first call keeps each object, the second writes the kept one; an instant other
        // than the one it was kept at must not matter.
        assert_rendered_both_ways(&lines, &samples, &[0, 1_795_000_000]);
    }

    #[test]
    fn kept_key_and_algorithm_objects_are_only_used_where_they_belong() {
        let key = crate::keys::parse::test_hmac("env:K", b"a-secret-of-thirty-two-bytes-ok!");
        let lines = JsonLines::new([&key]);
        let reasons = [
            Reason::Matched {
                key: &key,
                after: Vec::new(),
                weak: false,
            },
            Reason::AlgAllowed(Algorithm::HS256),
        ];
        assert_rendered_both_ways(&lines, &reasons, &[0]);
    }

    #[test]
    fn time_reasons_are_plain_json() {
        for (name, value) in [
            (CheckName::Exp, 1_800_000_000),
            (CheckName::Nbf, 0),
            (CheckName::Iat, 253_402_300_799),
        ] {
            let mut text = Vec::new();
            write_time_reason(name, value, 1_795_000_000, &mut text);
            let text = String::from_utf8(text).unwrap();
            assert!(is_plain_json(&text), "{text}");
        }
    }
}
