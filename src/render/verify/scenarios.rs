//! `verify` end to end: the report's data and the words it is rendered in.

use super::{next_step, reason};
use crate::exit::Exit;
use crate::keys::Key;
use crate::keys::parse::{Origin, key_file};
use crate::keys::signature::{Prepared, sign};
use crate::render::finding::sentence;
use crate::token::{PayloadRule, ReadOptions, b64, parse};
use crate::verify::*;
use jsonwebtoken::Algorithm;

const AT: i64 = 1_800_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const OTHER: &[u8] = b"another-secret-of-32-bytes-long!";

fn origin(label: &str, modified: Option<i64>) -> Origin {
    Origin {
        label: label.into(),
        origin: format!("test {label}"),
        modified,
    }
}

fn hmac(label: &str, secret: &[u8]) -> Key {
    crate::keys::parse::test_hmac(label, secret)
}

/// A token signed with `key` under `alg` (the header is used as given).
fn signed(header: &str, claims: &str, key: &Key, alg: Algorithm) -> String {
    let input = format!("{}.{}", b64::encode(header), b64::encode(claims));
    let sig = sign(key, alg, input.as_bytes()).unwrap();
    format!("{input}.{}", b64::encode(sig))
}

fn hs256(claims: &str, secret: &[u8]) -> String {
    signed(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        claims,
        &hmac("signer", secret),
        Algorithm::HS256,
    )
}

fn policy() -> Policy {
    Policy {
        at: AT,
        ..Policy::default()
    }
}

/// What a test looks at, owned so the token and keys can go away.
#[derive(Debug)]
struct Seen {
    verdict: Verdict,
    status: Vec<(&'static str, Status)>,
    reasons: Vec<String>,
    codes: Vec<&'static str>,
    messages: String,
    matched: Option<String>,
    next: Option<String>,
}

impl Seen {
    fn status(&self, name: CheckName) -> Status {
        self.status[name as usize].1
    }
    fn reason(&self, name: CheckName) -> &str {
        &self.reasons[name as usize]
    }
}

fn run_with(token: &str, keys: &[Key], policy: &Policy, facts: Facts<'_>, any: bool) -> Seen {
    let options = ReadOptions {
        payload: if any {
            PayloadRule::AnyBytes
        } else {
            PayloadRule::ClaimSet
        },
        ..ReadOptions::default()
    };
    let token = parse(token.as_bytes(), &options).unwrap();
    let ring: Vec<Prepared<'_>> = keys.iter().map(Prepared::new).collect();
    let report = verify(&token, &ring, policy, facts);
    Seen {
        verdict: report.verdict,
        status: report
            .checks
            .iter()
            .map(|c| (c.name.name(), c.status))
            .collect(),
        reasons: report
            .checks
            .iter()
            .map(|c| reason(c.name, &c.reason, policy.at).into_owned())
            .collect(),
        codes: report.diagnosis.iter().map(|f| f.code()).collect(),
        messages: report
            .diagnosis
            .iter()
            .map(sentence)
            .collect::<Vec<_>>()
            .join("\n"),
        matched: report.matched_key.map(|k| k.label.clone()),
        next: report.next_step.as_ref().map(|s| next_step(s).into_owned()),
    }
}

fn run(token: &str, keys: &[Key], policy: &Policy) -> Seen {
    run_with(token, keys, policy, Facts::default(), false)
}

#[test]
fn a_good_token_passes_every_check_and_needs_no_diagnosis() {
    let t = hs256(
        &format!(
            r#"{{"sub":"u","iat":{},"nbf":{},"exp":{}}}"#,
            AT - 10,
            AT,
            AT + 1
        ),
        SECRET,
    );
    let seen = run(&t, &[hmac("current", SECRET)], &policy());
    assert_eq!(seen.verdict, Verdict::Valid);
    assert_eq!(seen.verdict.exit(), Exit::Ok);
    assert_eq!(seen.matched.as_deref(), Some("current"));
    for (name, status) in &seen.status[..7] {
        if *name != "kid" {
            assert_eq!(*status, Status::Pass, "{name}: {seen:?}");
        }
    }
    assert!(seen.codes.is_empty() && seen.next.is_none(), "{seen:?}");
    assert!(
        seen.reason(CheckName::Signature)
            .contains("matches `current`")
    );
}

#[test]
fn crit_b64_and_a_missing_alg_are_rejected_as_structure() {
    let key = hmac("k", SECRET);
    for (header, code) in [
        (r#"{"alg":"HS256","crit":["exp"],"exp":1}"#, "crit"),
        (r#"{"alg":"HS256","b64":false,"crit":[]}"#, "crit"),
        (r#"{"alg":"HS256","b64":true}"#, "b64"),
    ] {
        let seen = run(
            &signed(header, "{}", &key, Algorithm::HS256),
            &[hmac("k", SECRET)],
            &policy(),
        );
        assert_eq!(seen.verdict, Verdict::Rejected, "{header}");
        assert_eq!(seen.verdict.exit(), Exit::Malformed);
        assert_eq!(seen.status(CheckName::Structure), Status::Fail);
        assert_eq!(seen.codes[0], code, "{header}");
    }
    let t = format!(
        "{}.{}.{}",
        b64::encode(r#"{"typ":"JWT"}"#),
        b64::encode("{}"),
        b64::encode("x")
    );
    let seen = run(&t, &[key], &policy());
    assert_eq!(seen.verdict, Verdict::Rejected);
    assert_eq!(seen.codes, ["alg_missing"]);
}

#[test]
fn none_in_any_casing_never_verifies() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let t = format!(
            "{}.{}.",
            b64::encode(format!(r#"{{"alg":"{alg}"}}"#)),
            b64::encode("{}")
        );
        let seen = run(&t, &[hmac("k", SECRET)], &policy());
        assert_eq!(seen.verdict, Verdict::Mismatch, "{alg}");
        assert_eq!(seen.status(CheckName::Algorithm), Status::Fail);
        assert_eq!(seen.status(CheckName::Signature), Status::Skip);
        assert_eq!(seen.codes[0], "alg_none");
    }
}

#[test]
fn es512_is_unsupported_not_a_bad_signature() {
    let t = format!(
        "{}.{}.{}",
        b64::encode(r#"{"alg":"ES512"}"#),
        b64::encode("{}"),
        b64::encode([1u8; 132])
    );
    let seen = run(&t, &[hmac("k", SECRET)], &policy());
    assert_eq!(seen.verdict, Verdict::KeyUnusable);
    assert_eq!(seen.verdict.exit(), Exit::KeyUnusable);
    assert_eq!(seen.codes, ["alg_unsupported"]);
}

#[test]
fn a_ring_of_only_unusable_keys_is_key_unusable() {
    let p521 = r#"{"kty":"EC","crv":"P-521","x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt","y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"}"#;
    let keys = key_file(origin("p521", None), p521.as_bytes()).unwrap();
    let t = hs256("{}", SECRET).replace(
        &b64::encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        &b64::encode(r#"{"alg":"ES256"}"#),
    );
    let seen = run(&t, &keys, &policy());
    assert_eq!(seen.verdict, Verdict::KeyUnusable, "{seen:?}");
    assert!(seen.reason(CheckName::Algorithm).contains("P-521"));
}

#[test]
fn the_token_never_picks_the_algorithm() {
    // An HS256 token against a public key: the key-confusion shape.
    let ed = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let keys = key_file(origin("ed", None), ed.as_bytes()).unwrap();
    let seen = run(&hs256("{}", SECRET), &keys, &policy());
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.codes, ["alg_mismatch"]);
    assert!(seen.messages.contains("key-confusion"), "{}", seen.messages);

    // A key pinned to HS512 does not verify an HS256 token, however well signed.
    let mut pinned = hmac("pinned", SECRET);
    pinned.pin(Algorithm::HS512).unwrap();
    let seen = run(&hs256("{}", SECRET), &[pinned], &policy());
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.codes, ["alg_mismatch"]);
    assert!(seen.messages.contains("HS512"), "{}", seen.messages);

    // Unknown algorithm names (and wrong casing) are not guessed at.
    for alg in ["hs256", "HS1", "Ed25519"] {
        let t = hs256("{}", SECRET).replace(
            &b64::encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            &b64::encode(format!(r#"{{"alg":"{alg}"}}"#)),
        );
        let seen = run(&t, &[hmac("k", SECRET)], &policy());
        assert_eq!(seen.verdict, Verdict::Mismatch, "{alg}");
        assert_eq!(seen.codes, ["alg_unknown"], "{alg}");
    }
}

fn jwks_keys(kids: &[(&str, &[u8])]) -> Vec<Key> {
    kids.iter()
        .map(|(kid, secret)| {
            let mut k = hmac(&format!("jwks#{kid}"), secret);
            k.kid = Some((*kid).to_string());
            k
        })
        .collect()
}

#[test]
fn kid_selects_the_key_and_a_missing_kid_lists_the_kids_present() {
    let keys = jwks_keys(&[("2024", OTHER), ("2025", SECRET)]);
    let kids: Vec<String> = vec!["2024".into(), "2025".into()];
    let facts = Facts {
        jwks_kids: Some(&kids),
    };
    let header = |kid: &str| format!(r#"{{"alg":"HS256","kid":"{kid}"}}"#);
    let good = signed(&header("2025"), "{}", &keys[1], Algorithm::HS256);
    let seen = run_with(&good, &keys, &policy(), facts, false);
    assert_eq!(seen.verdict, Verdict::Valid, "{seen:?}");
    assert_eq!(seen.status(CheckName::Kid), Status::Pass);
    assert!(
        seen.codes.is_empty(),
        "a kid-selected key is not a rotation: {seen:?}"
    );

    let gone = signed(
        &header("2023"),
        "{}",
        &hmac("x", OTHER.repeat(2).as_slice()),
        Algorithm::HS256,
    );
    let seen = run_with(&gone, &keys, &policy(), facts, false);
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.status(CheckName::Kid), Status::Fail);
    assert!(seen.reason(CheckName::Kid).contains("`2024`, `2025`"));
    assert_eq!(seen.codes[0], "kid_not_found");
    assert!(seen.messages.contains("kids present: `2024`, `2025`"));

    // Same key, new kid: the signature matches, but a kid-selecting verifier rejects it.
    let relabelled = signed(&header("old-name"), "{}", &keys[1], Algorithm::HS256);
    let seen = run_with(&relabelled, &keys, &policy(), facts, false);
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.codes[..2], ["kid_not_found", "kid_relabelled"]);
}

#[test]
fn a_ring_says_which_key_signed_and_that_the_key_changed() {
    let t = hs256(r#"{"sub":"u"}"#, OTHER);
    let keys = [hmac("current", SECRET), hmac("previous", OTHER)];
    let seen = run(&t, &keys, &policy());
    assert_eq!(seen.verdict, Verdict::Valid);
    assert_eq!(seen.matched.as_deref(), Some("previous"));
    assert_eq!(seen.codes, ["key_rotated"]);
    let current = crate::keys::digest::short(&keys[0].fingerprint).to_string();
    let previous = crate::keys::digest::short(&keys[1].fingerprint).to_string();
    assert_eq!(
        seen.messages,
        format!(
            "signature does not match `current` (sha256:{current}); it matches `previous` \
             (sha256:{previous}): the signing key changed after this token was issued"
        )
    );
    assert!(seen.next.unwrap().contains("jwtctl mint --from"));
}

#[test]
fn nothing_matching_says_the_key_was_regenerated_and_when() {
    let iat = AT - 86_400;
    let t = hs256(&format!(r#"{{"sub":"u","iat":{iat}}}"#), OTHER);
    let mut key = hmac("current", SECRET);
    key.modified = Some(iat + 3_600);
    let seen = run(&t, &[key], &policy());
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.verdict.exit(), Exit::Mismatch);
    assert_eq!(seen.codes, ["key_changed", "key_newer_than_token"]);
    assert!(seen.messages.contains("the key was probably regenerated"));
    assert!(seen.messages.contains("1h after the token was issued"));
    // A key file older than the token is no evidence of regeneration.
    let mut old = hmac("current", SECRET);
    old.modified = Some(iat - 1);
    assert_eq!(run(&t, &[old], &policy()).codes, ["key_changed"]);
}

#[test]
fn near_misses_name_the_transformation_never_the_secret() {
    use base64::Engine;
    let std64 = base64::engine::general_purpose::STANDARD;
    let url64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let raw: &[u8] = b"\xfb\xff\x10binary-secret-with-+/-bytes-0123";
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    // (what the operator gave, what the service signs with, expected code, expected fix)
    let cases: Vec<(Vec<u8>, Vec<u8>, &str, &str)> = vec![
        (
            [SECRET, b"\n"].concat(),
            SECRET.to_vec(),
            "secret_trailing_whitespace",
            "newline",
        ),
        (
            [SECRET, b" \t"].concat(),
            SECRET.to_vec(),
            "secret_trailing_whitespace",
            "whitespace",
        ),
        (
            SECRET.to_vec(),
            [SECRET, b"\n"].concat(),
            "secret_missing_newline",
            "byte for byte",
        ),
        (
            std64.encode(raw).into_bytes(),
            raw.to_vec(),
            "secret_base64",
            "--secret-encoding base64",
        ),
        (
            url64.encode(raw).into_bytes(),
            raw.to_vec(),
            "secret_base64url",
            "--secret-encoding base64url",
        ),
        (
            hex.into_bytes(),
            raw.to_vec(),
            "secret_hex",
            "--secret-encoding hex",
        ),
        (
            [b"\"", SECRET, b"\"\n"].concat(),
            SECRET.to_vec(),
            "secret_quoted",
            "quotes",
        ),
        (
            [b"'", SECRET, b"'"].concat(),
            SECRET.to_vec(),
            "secret_quoted",
            "quotes",
        ),
    ];
    for (given, service, code, fix) in cases {
        let t = hs256(r#"{"sub":"u"}"#, &service);
        let seen = run(&t, &[hmac("mine", &given)], &policy());
        assert_eq!(seen.verdict, Verdict::Mismatch, "{code}");
        assert_eq!(seen.codes, [code], "{code}: {}", seen.messages);
        let next = seen.next.unwrap();
        assert!(
            next.contains(fix) || seen.messages.contains(fix),
            "{code}: {next} / {}",
            seen.messages
        );
        let shown = format!("{}{next}{:?}", seen.messages, seen.reasons);
        for secret in [&given, &service] {
            let text = String::from_utf8_lossy(secret);
            assert!(!shown.contains(text.trim()), "{code} shows a secret");
        }
    }
}

#[test]
fn near_misses_also_work_for_hs384_and_hs512() {
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let service = hmac("s", &SECRET.repeat(2));
        let t = signed(&format!(r#"{{"alg":"{alg:?}"}}"#), "{}", &service, alg);
        let given = [SECRET.repeat(2).as_slice(), b"\n"].concat();
        let seen = run(&t, &[hmac("mine", &given)], &policy());
        assert_eq!(seen.codes, ["secret_trailing_whitespace"], "{alg:?}");
    }
}

fn claims_check(claims: &str, policy: &Policy, name: CheckName) -> (Status, String, Verdict) {
    let seen = run(&hs256(claims, SECRET), &[hmac("k", SECRET)], policy);
    (
        seen.status(name),
        seen.reason(name).to_string(),
        seen.verdict,
    )
}

#[test]
fn exp_boundaries_and_leeway() {
    let p = policy();
    let exp = |v: i64| format!(r#"{{"exp":{v}}}"#);
    assert_eq!(
        claims_check(&exp(AT + 1), &p, CheckName::Exp).0,
        Status::Pass
    );
    let (status, reason, verdict) = claims_check(&exp(AT), &p, CheckName::Exp);
    assert_eq!((status, verdict), (Status::Fail, Verdict::ClaimsRejected));
    assert!(reason.starts_with("expired 0s ago"), "{reason}");
    let lenient = Policy {
        leeway: Leeway::new(30).unwrap(),
        ..policy()
    };
    let (status, reason, _) = claims_check(&exp(AT - 29), &lenient, CheckName::Exp);
    assert_eq!(status, Status::Pass);
    assert!(reason.contains("within the 30s leeway"), "{reason}");
    let (status, reason, _) = claims_check(&exp(AT - 30), &lenient, CheckName::Exp);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("beyond the 30s leeway"), "{reason}");
}

#[test]
fn a_time_claim_of_the_wrong_type_fails_and_is_never_skipped() {
    for claim in ["exp", "nbf", "iat"] {
        for value in [
            r#""1800000000""#,
            "null",
            "true",
            "-1",
            "1e300",
            "18446744073709551615",
            "[1]",
        ] {
            let name = match claim {
                "exp" => CheckName::Exp,
                "nbf" => CheckName::Nbf,
                _ => CheckName::Iat,
            };
            let (status, reason, verdict) =
                claims_check(&format!(r#"{{"{claim}":{value}}}"#), &policy(), name);
            assert_eq!(status, Status::Fail, "{claim}={value}: {reason}");
            assert_eq!(verdict, Verdict::ClaimsRejected);
        }
    }
}

#[test]
fn require_exp_makes_expiry_mandatory() {
    let p = policy();
    assert_eq!(
        claims_check(r#"{"sub":"u"}"#, &p, CheckName::Exp).0,
        Status::Skip
    );
    let strict = Policy {
        require: vec!["exp".into(), "sub".into()],
        ..policy()
    };
    let seen = run(
        &hs256(r#"{"sub":"u"}"#, SECRET),
        &[hmac("k", SECRET)],
        &strict,
    );
    assert_eq!(seen.status(CheckName::Exp), Status::Fail);
    assert_eq!(seen.status(CheckName::Required), Status::Fail);
    assert_eq!(seen.reason(CheckName::Required), "missing: `exp`");
    assert_eq!(seen.verdict, Verdict::ClaimsRejected);
    assert!(seen.codes.contains(&"missing_claims"));
}

#[test]
fn nbf_and_iat_with_leeway() {
    let p = policy();
    let nbf = |v: i64| format!(r#"{{"nbf":{v}}}"#);
    assert_eq!(claims_check(&nbf(AT), &p, CheckName::Nbf).0, Status::Pass);
    let (status, reason, _) = claims_check(&nbf(AT + 7200), &p, CheckName::Nbf);
    assert_eq!(status, Status::Fail);
    assert!(reason.starts_with("not valid for another 2h"), "{reason}");
    let lenient = Policy {
        leeway: Leeway::new(60).unwrap(),
        ..policy()
    };
    assert_eq!(
        claims_check(&nbf(AT + 60), &lenient, CheckName::Nbf).0,
        Status::Pass
    );
    let iat = |v: i64| format!(r#"{{"iat":{v}}}"#);
    assert_eq!(claims_check(&iat(AT), &p, CheckName::Iat).0, Status::Pass);
    let (status, reason, _) = claims_check(&iat(AT + 1), &p, CheckName::Iat);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("clock skew"), "{reason}");
    assert_eq!(
        claims_check(&iat(AT + 60), &lenient, CheckName::Iat).0,
        Status::Pass
    );
}

#[test]
fn iss_aud_typ_and_required() {
    let p = Policy {
        iss: Some("https://idp".into()),
        aud: vec!["api".into(), "web".into()],
        typ: Some("jwt".into()),
        require: vec!["sub".into()],
        ..policy()
    };
    let ok = r#"{"iss":"https://idp","aud":["other","web"],"sub":"u"}"#;
    let seen = run(&hs256(ok, SECRET), &[hmac("k", SECRET)], &p);
    assert_eq!(seen.verdict, Verdict::Valid, "{seen:?}");
    assert_eq!(seen.reason(CheckName::Aud), "`web` as expected");

    let table: &[(&str, CheckName, &str)] = &[
        (
            r#"{"iss":"https://evil","aud":"api","sub":"u"}"#,
            CheckName::Iss,
            "wrong_issuer",
        ),
        (r#"{"aud":"api","sub":"u"}"#, CheckName::Iss, "wrong_issuer"),
        (
            r#"{"iss":7,"aud":"api","sub":"u"}"#,
            CheckName::Iss,
            "wrong_issuer",
        ),
        (
            r#"{"iss":"https://idp","aud":"other","sub":"u"}"#,
            CheckName::Aud,
            "wrong_audience",
        ),
        (
            r#"{"iss":"https://idp","aud":[],"sub":"u"}"#,
            CheckName::Aud,
            "wrong_audience",
        ),
        (
            r#"{"iss":"https://idp","aud":["api",1],"sub":"u"}"#,
            CheckName::Aud,
            "wrong_audience",
        ),
        (
            r#"{"iss":"https://idp","sub":"u"}"#,
            CheckName::Aud,
            "wrong_audience",
        ),
        (
            r#"{"iss":"https://idp","aud":"api","sub":null}"#,
            CheckName::Required,
            "missing_claims",
        ),
    ];
    for (claims, name, code) in table {
        let seen = run(&hs256(claims, SECRET), &[hmac("k", SECRET)], &p);
        assert_eq!(seen.verdict, Verdict::ClaimsRejected, "{claims}");
        assert_eq!(seen.status(*name), Status::Fail, "{claims}");
        assert!(seen.codes.contains(code), "{claims}: {:?}", seen.codes);
    }
    let seen = run(
        &hs256(r#"{"iss":"https://evil"}"#, SECRET),
        &[hmac("k", SECRET)],
        &p,
    );
    assert!(
        seen.messages
            .contains(r#""https://evil" but --iss expects `https://idp`"#)
    );

    let typ = |t: &str| {
        let key = hmac("k", SECRET);
        let token = signed(
            &format!(r#"{{"alg":"HS256","typ":"{t}"}}"#),
            r#"{"iss":"https://idp","aud":"api","sub":"u"}"#,
            &key,
            Algorithm::HS256,
        );
        run(&token, &[key], &p).status(CheckName::Typ)
    };
    assert_eq!(typ("JWT"), Status::Pass);
    assert_eq!(typ("application/jwt"), Status::Pass);
    assert_eq!(typ("at+jwt"), Status::Fail);
}

#[test]
fn unasked_claims_are_skipped_with_a_reason() {
    let seen = run(
        &hs256(r#"{"aud":"api"}"#, SECRET),
        &[hmac("k", SECRET)],
        &policy(),
    );
    assert_eq!(seen.verdict, Verdict::Valid);
    assert_eq!(seen.status(CheckName::Aud), Status::Skip);
    assert!(seen.reason(CheckName::Aud).contains(r#""api""#));
    assert_eq!(seen.reason(CheckName::Iss), "not asked (--iss)");
}

#[test]
fn a_bad_signature_outranks_bad_claims() {
    let t = hs256(&format!(r#"{{"exp":{}}}"#, AT - 10), OTHER);
    let seen = run(&t, &[hmac("k", SECRET)], &policy());
    assert_eq!(seen.verdict, Verdict::Mismatch);
    assert_eq!(seen.status(CheckName::Exp), Status::Fail, "still reported");
    assert_eq!(seen.codes, ["key_changed", "expired"]);
}

#[test]
fn plain_jws_payloads_skip_claim_checks() {
    let key = hmac("k", SECRET);
    let t = signed(
        r#"{"alg":"HS256"}"#,
        "It's a dangerous business",
        &key,
        Algorithm::HS256,
    );
    let seen = run_with(&t, &[key], &policy(), Facts::default(), true);
    assert_eq!(seen.verdict, Verdict::Valid, "{seen:?}");
    assert_eq!(seen.status(CheckName::Exp), Status::Skip);
    assert_eq!(
        seen.reason(CheckName::Exp),
        "the payload is not a claim set"
    );
}
