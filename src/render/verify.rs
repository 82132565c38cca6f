//! Rendering `verify` reports: human text (a line per check, the verdict, the diagnosis, the
//! next step) and the JSON Lines schema (`kind: "verified"`).
//!
//! Every reason may quote the token (kid, iss, aud, typ, alg): human text goes through
//! [`escape`], JSON through [`write_json_str`]. Keys appear by label and short fingerprint only.

use super::decode::write_relative_phrase;
use super::sanitize::{escape, write_json_str};
use super::style::{Role, Style};
use crate::keys::Key;
use crate::time::{rfc3339, span, write_rfc3339};
use crate::token::json::type_name;
use crate::verify::{Check, CheckName, KeyOutcome, Reason, Report, Status, Trial, Verdict};
use jsonwebtoken::Algorithm;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Everything in a human report that is the same for every token of a run, styled once when
/// the run starts (styling allocates, and a batch prints a report per token): the heading with
/// the instant, the `pass  exp        ` start of every check line, the verdict words, the
/// other headings, and each key's verdict sentence for a clean pass.
pub struct HumanLines<'k> {
    /// `Checks (at 2026-11-23T10:00:00Z)` and its newline.
    heading: String,
    /// `  pass  exp        ` for every check and status (as [`JsonLines`] indexes them).
    starts: Vec<String>,
    /// `Verdict: VALID: ` for every verdict.
    verdicts: Vec<(Verdict, String)>,
    /// `Diagnosis` and its newline.
    diagnosis: String,
    /// `  - ` before each finding.
    bullet: String,
    /// `Next step: `.
    next_step: String,
    /// Per key of the ring: the verdict sentence when the token is valid and signed by it,
    /// escaped, with its newline.
    valid: Vec<(&'k Key, String)>,
    at: i64,
}

impl<'k> HumanLines<'k> {
    /// Style the parts for a run over `keys` (the ring, in order), judged at `at`.
    pub fn new(keys: impl IntoIterator<Item = &'k Key>, at: i64, style: &Style) -> Self {
        let heading = format!(
            "{} {}\n",
            style.paint(Role::Heading, "Checks"),
            style.paint(Role::Dim, &format!("(at {})", rfc3339(at)))
        );
        let mut starts = Vec::with_capacity(CheckName::ALL.len() * STATUSES.len());
        for name in CheckName::ALL {
            for status in STATUSES {
                let (role, word) = match status {
                    Status::Pass => (Role::Good, "pass"),
                    Status::Fail => (Role::Bad, "FAIL"),
                    Status::Skip => (Role::Dim, "skip"),
                };
                starts.push(format!(
                    "  {}  {}  ",
                    style.paint(role, word),
                    style.paint(Role::Name, &format!("{:<9}", name.name())),
                ));
            }
        }
        let verdicts = VERDICTS
            .into_iter()
            .map(|verdict| {
                let role = match verdict {
                    Verdict::Valid => Role::Good,
                    _ => Role::Bad,
                };
                let start = format!(
                    "{} {}: ",
                    style.paint(Role::Heading, "Verdict:"),
                    style.paint(role, verdict_word(verdict))
                );
                (verdict, start)
            })
            .collect();
        let valid = keys
            .into_iter()
            .map(|key| (key, format!("{}\n", escape(&valid_text(key)))))
            .collect();
        HumanLines {
            heading,
            starts,
            verdicts,
            diagnosis: format!("{}\n", style.paint(Role::Heading, "Diagnosis")),
            bullet: format!("  {} ", style.paint(Role::Warn, "-")),
            next_step: format!("{} ", style.paint(Role::Heading, "Next step:")),
            valid,
            at,
        }
    }

    /// Append the human view of one report.
    pub fn write(&self, report: &Report<'_>, out: &mut Vec<u8>) {
        let at = self.at;
        out.extend_from_slice(self.heading.as_bytes());
        for check in &report.checks {
            let start =
                &self.starts[check.name as usize * STATUSES.len() + status_index(check.status)];
            out.extend_from_slice(start.as_bytes());
            match &check.reason {
                // ASCII words and numbers: nothing to escape.
                Reason::ExpiresIn { exp: value }
                | Reason::ValidSince { nbf: value }
                | Reason::IssuedAt { iat: value } => {
                    write_time_reason(check.name, *value, at, out);
                }
                reason => {
                    out.extend_from_slice(escape(&self::reason(check.name, reason, at)).as_bytes())
                }
            }
            out.push(b'\n');
        }
        if let Some((_, start)) = self.verdicts.iter().find(|(v, _)| *v == report.verdict) {
            out.extend_from_slice(start.as_bytes());
        }
        let valid = match (report.verdict, report.matched_key) {
            (Verdict::Valid, Some(key)) => self.valid.iter().find(|(k, _)| std::ptr::eq(*k, key)),
            _ => None,
        };
        match valid {
            Some((_, sentence)) => out.extend_from_slice(sentence.as_bytes()),
            None => {
                out.extend_from_slice(escape(&verdict_text(report)).as_bytes());
                out.push(b'\n');
            }
        }
        if !report.diagnosis.is_empty() {
            out.extend_from_slice(self.diagnosis.as_bytes());
            for finding in &report.diagnosis {
                out.extend_from_slice(self.bullet.as_bytes());
                out.extend_from_slice(escape(&finding.message).as_bytes());
                out.push(b'\n');
            }
        }
        if let Some(step) = &report.next_step {
            out.extend_from_slice(self.next_step.as_bytes());
            out.extend_from_slice(escape(step).as_bytes());
            out.push(b'\n');
        }
    }
}

/// Every verdict.
const VERDICTS: [Verdict; 5] = [
    Verdict::Valid,
    Verdict::Rejected,
    Verdict::Mismatch,
    Verdict::ClaimsRejected,
    Verdict::KeyUnusable,
];

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "VALID",
        Verdict::Rejected => "REJECTED",
        Verdict::Mismatch => "MISMATCH",
        Verdict::ClaimsRejected => "CLAIMS REJECTED",
        Verdict::KeyUnusable => "KEY UNUSABLE",
    }
}

/// One sentence for the verdict line (after its word).
pub fn verdict_text(report: &Report<'_>) -> String {
    let exit = report.verdict.exit().code();
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name.name())
        .collect();
    match (report.verdict, report.matched_key) {
        (Verdict::Valid, Some(key)) => valid_text(key),
        (Verdict::ClaimsRejected, Some(key)) => format!(
            "the signature matches `{}` ({}), but {} failed (exit {exit})",
            key.label,
            short(key),
            failed.join(", ")
        ),
        (Verdict::Mismatch, Some(key)) => format!(
            "the signature matches `{}` ({}), but the token's kid names no given key (exit {exit})",
            key.label,
            short(key)
        ),
        (Verdict::Mismatch, None) => {
            format!("the signature matches no given key (exit {exit})")
        }
        (Verdict::KeyUnusable, _) => {
            format!(
                "the algorithm or the key cannot be used, so the signature was not judged (exit {exit})"
            )
        }
        (Verdict::Rejected, _) => {
            format!("the token uses a header feature every verifier must refuse (exit {exit})")
        }
        (_, None) => format!("{} failed (exit {exit})", failed.join(", ")),
    }
}

/// The verdict sentence of a valid token signed by `key`.
fn valid_text(key: &Key) -> String {
    format!(
        "signed by `{}` ({}); every check passed (exit {})",
        key.label,
        short(key),
        Verdict::Valid.exit().code()
    )
}

fn short(key: &Key) -> String {
    format!("sha256:{}", key.short_fingerprint())
}

fn quoted_list<'s>(items: impl IntoIterator<Item = &'s str>, sep: &str) -> String {
    let list: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(sep)
    }
}

fn trial_text(trial: &Trial<'_>) -> String {
    let what = match &trial.outcome {
        KeyOutcome::NoMatch => "no match".to_string(),
        KeyOutcome::AlgNotAllowed => {
            let algs: Vec<String> = trial
                .key
                .algorithms
                .iter()
                .map(|a| format!("{a:?}"))
                .collect();
            if algs.is_empty() {
                "not tried (unusable key)".to_string()
            } else {
                format!("not tried (pinned to {})", algs.join("/"))
            }
        }
        KeyOutcome::KidDiffers => "not tried (other kid)".to_string(),
        KeyOutcome::Unusable(why) => format!("unusable: {why}"),
    };
    format!("`{}` ({}) {what}", trial.key.label, short(trial.key))
}

/// A check's reason in words. Borrowed when the words are the same for every token (which
/// also means they quote nothing from the token or the keys: only `'static` text can be
/// borrowed), so the common checks of a batch cost no formatting.
pub fn reason(name: CheckName, reason: &Reason<'_>, at: i64) -> Cow<'static, str> {
    let claim = name.name();
    match reason {
        Reason::Compact => "compact JWS: header and claims are JSON objects".into(),
        Reason::KeyInHeaderIgnored(member) => match *member {
            "jwk" => "compact JWS; header `jwk` ignored: a key chosen by the token's author is never trusted",
            "jku" => "compact JWS; header `jku` ignored: keys a token points to are never fetched or trusted",
            "x5u" => "compact JWS; header `x5u` ignored: certificates a token points to are never fetched or trusted",
            _ => "compact JWS; header `x5c` ignored: a certificate chosen by the token's author is never trusted",
        }
        .into(),
        Reason::PlainJws => {
            "compact JWS whose payload is not a claim set (claim checks do not apply)".into()
        }
        Reason::Crit(value) => format!(
            "header has `crit` {value}: RFC 7515 §4.1.11 requires rejecting it, and jwtctl \
             understands no extensions"
        )
        .into(),
        Reason::B64 => {
            "header has `b64`: RFC 7797 unencoded payloads are not allowed in JWTs".into()
        }
        Reason::AlgMissing => "header has no `alg`".into(),
        Reason::AlgNotString(value) => {
            format!("header `alg` is {}, not a string", type_name(value)).into()
        }
        Reason::AlgAllowed(alg) => format!("{alg:?}, pinned by the keys").into(),
        Reason::AlgNone(alg) => format!("alg `{alg}`: unsigned tokens are never accepted").into(),
        Reason::AlgUnsupported(alg) => {
            format!("{alg} is not supported by jwtctl (its crypto library has no P-521)").into()
        }
        Reason::AlgUnknown(alg) => format!("`{alg}` is not an algorithm jwtctl verifies").into(),
        Reason::AlgNotPinned(alg) => format!("{alg:?}: no given key is pinned to it").into(),
        Reason::NoUsableKey(why) => format!("no usable key: {why}").into(),
        Reason::NoAlg => "no `alg` to check".into(),
        Reason::KidFound(kid) => format!("`{kid}` names a given key").into(),
        Reason::KidNotFound { kid, present } => format!(
            "`{kid}` is not among the keys (kids present: {})",
            quoted_list(present.iter().copied(), ", ")
        )
        .into(),
        Reason::KeysHaveNoKid => "the keys have no kid: every key is tried".into(),
        Reason::TokenHasNoKid => "the token names no kid: every key is tried".into(),
        Reason::Matched { key, after } => {
            let mut text = format!("matches `{}` ({})", key.label, short(key));
            let missed: Vec<String> = after
                .iter()
                .filter(|t| t.outcome == KeyOutcome::NoMatch)
                .map(|t| format!("`{}` ({})", t.key.label, short(t.key)))
                .collect();
            if !missed.is_empty() {
                let _ = write!(text, "; did not match {}", missed.join(", "));
            }
            text.into()
        }
        Reason::NoMatch(trials) => {
            let list: Vec<String> = trials.iter().map(trial_text).collect();
            format!("matches no key: {}", list.join("; ")).into()
        }
        Reason::SignatureNotChecked => "not checked: the algorithm check failed".into(),
        Reason::NoClaimSet => "the payload is not a claim set".into(),
        Reason::Absent => match name {
            CheckName::Exp => "no `exp`: the token never expires; it dies only when the signing \
                               key changes (--require exp makes expiry mandatory)"
                .into(),
            CheckName::Nbf => "no `nbf`".into(),
            CheckName::Iat => "no `iat`".into(),
            _ => format!("no `{claim}`").into(),
        },
        Reason::AbsentRequired => {
            format!("no `{claim}`, but --require {claim} makes it mandatory").into()
        }
        Reason::NotNumericDate(why) => format!("`{claim}` {why}").into(),
        Reason::ExpiresIn { exp }
        | Reason::ValidSince { nbf: exp }
        | Reason::IssuedAt { iat: exp } => {
            let mut text = Vec::with_capacity(48);
            write_time_reason(name, *exp, at, &mut text);
            String::from_utf8(text).unwrap_or_default().into()
        }
        Reason::Expired { exp, leeway } => format!(
            "expired {} ago ({}){}",
            span(at - exp),
            rfc3339(*exp),
            beyond(*leeway)
        )
        .into(),
        Reason::ExpiredWithinLeeway { exp, leeway } => format!(
            "expired {} ago ({}), within the {} leeway",
            span(at - exp),
            rfc3339(*exp),
            span(*leeway)
        )
        .into(),
        Reason::NotYetValid { nbf, leeway } => format!(
            "not valid for another {} (until {}){}",
            span(nbf - at),
            rfc3339(*nbf),
            beyond(*leeway)
        )
        .into(),
        Reason::IssuedInFuture { iat, leeway } => format!(
            "issued {} in the future ({}){}: clock skew?",
            span(iat - at),
            rfc3339(*iat),
            beyond(*leeway)
        )
        .into(),
        Reason::NotAsked(flag) => match *flag {
            "--iss" => "not asked (--iss)".into(),
            "--aud" => "not asked (--aud)".into(),
            "--require" => "not asked (--require)".into(),
            "--typ" => "not asked (--typ)".into(),
            _ => format!("not asked ({flag})").into(),
        },
        Reason::Equal(value) => format!("`{value}` as expected").into(),
        Reason::Missing => match name {
            CheckName::Typ => "the header has no `typ`".into(),
            CheckName::Iss => "the token has no `iss`".into(),
            CheckName::Aud => "the token has no `aud`".into(),
            _ => format!("the token has no `{claim}`").into(),
        },
        Reason::WrongType(value) => format!(
            "`{claim}` is {}, not {}",
            type_name(value),
            match name {
                CheckName::Aud => "a string or a non-empty array of strings",
                _ => "a string",
            }
        )
        .into(),
        Reason::Differs { got, want } => format!(
            "{got} is not {}",
            quoted_list(want.iter().map(String::as_str), " or ")
        )
        .into(),
        Reason::AllPresent(claims) => format!(
            "present: {}",
            quoted_list(claims.iter().map(String::as_str), ", ")
        )
        .into(),
        Reason::MissingClaims(missing) => {
            format!("missing: {}", quoted_list(missing.iter().copied(), ", ")).into()
        }
        Reason::AudNotAsked(value) => format!("not asked (--aud); the token is for {value}").into(),
    }
}

fn beyond(leeway: i64) -> String {
    if leeway > 0 {
        format!(", beyond the {} leeway", span(leeway))
    } else {
        String::new()
    }
}

/// "expires in 3h12m (2026-11-23T13:12:00Z)" for a time claim that passed: ASCII only, no
/// quotes, so it is its own JSON string content.
fn write_time_reason(name: CheckName, value: i64, at: i64, out: &mut Vec<u8>) {
    write_relative_phrase(name.name(), value - at, out);
    out.extend_from_slice(b" (");
    write_rfc3339(value, out);
    out.push(b')');
}

/// Text that is its own JSON string content: printable ASCII without `"` or `\\`.
fn is_plain_json(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// Everything in a `verify --json` line (schema `kind: "verified"`) that is the same for every
/// token of a run, rendered and escaped once: a batch writes millions of these lines, and only
/// what comes from the token itself is formatted per line. Most checks of a batch end the same
/// way for every token (`iss` not asked, no `nbf`, the first key matched), so whole check
/// objects are kept, not just their words. The field order is part of the schema pinned by
/// tests.
pub struct JsonLines<'k> {
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

const STATUSES: [Status; 3] = [Status::Pass, Status::Fail, Status::Skip];

fn status_index(status: Status) -> usize {
    match status {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Skip => 2,
    }
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
    pub fn new(keys: impl IntoIterator<Item = &'k Key>) -> Self {
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
    pub fn write(&self, line: u64, report: &Report<'_>, at: i64, out: &mut Vec<u8>) {
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
        out.extend_from_slice(b",\"diagnosis\":[");
        for (i, finding) in report.diagnosis.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"code\":");
            write_json_str(finding.code, out);
            out.extend_from_slice(b",\"message\":");
            write_json_str(&finding.message, out);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"next_step\":");
        match &report.next_step {
            Some(step) => write_json_str(step, out),
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
            Reason::Matched { key, after }
                if after.is_empty()
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
