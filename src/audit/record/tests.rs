use super::*;
use chrono::TimeZone;

/// Valid facts for tests; `n` varies the user id, time and tokens.
pub(crate) fn sample_facts(n: u32) -> MintFacts {
    let mut facts = MintFacts {
        time: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
            + chrono::Duration::seconds(n.into()),
        operator: "alice".into(),
        host: "build-7".into(),
        ci: BTreeMap::from([("CI_JOB_ID".to_string(), "42".to_string())]),
        reason: Some("key rotated".into()),
        alg: "HS256".into(),
        key_fingerprint: sha256_tagged(b"not a real key"),
        id_claim: "sub".into(),
        user_id: serde_json::Value::from(format!("user-{n}")),
        old_jti: Some(format!("old-{n}")),
        new_jti: Some(format!("new-{n}")),
        new_exp: Some(1_800_000_000 + i64::from(n)),
        source_verified: false,
        ..MintFacts::default()
    };
    let new_token = format!("eyJhbGciOiJIUzI1NiJ9.new{n}.sig");
    facts.set_tokens(Some("eyJhbGciOiJIUzI1NiJ9.old.sig"), &new_token, b"{}");
    facts
}

fn line_of(record: &Record) -> Vec<u8> {
    record.to_line()
}

#[test]
fn line_has_the_documented_field_order() {
    let line = line_of(&Record::new(1, &sample_facts(1), GENESIS.into()));
    let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "v",
            "seq",
            "time",
            "operator",
            "host",
            "ci",
            "reason",
            "alg",
            "key_fingerprint",
            "id_claim",
            "user_id",
            "old_jti",
            "new_jti",
            "new_exp",
            "old_token_sha256",
            "new_token_sha256",
            "new_payload_sha256",
            "old_token_prefix",
            "new_token_prefix",
            "source_verified",
            "prev"
        ]
    );
    assert!(
        String::from_utf8(line)
            .unwrap()
            .contains(r#""time":"2026-01-02T03:04:06Z""#)
    );
}

#[test]
fn empty_ci_and_missing_reason_are_omitted_and_old_fields_are_null() {
    let mut facts = sample_facts(1);
    facts.ci.clear();
    facts.reason = None;
    facts.old_jti = None;
    facts.set_tokens(None, "abc", b"{}");
    let line = String::from_utf8(line_of(&Record::new(1, &facts, GENESIS.into()))).unwrap();
    assert!(
        !line.contains("\"ci\"") && !line.contains("\"reason\""),
        "{line}"
    );
    assert!(line.contains(r#""old_jti":null"#), "{line}");
    assert!(line.contains(r#""old_token_sha256":null"#), "{line}");
    assert!(line.contains(r#""old_token_prefix":null"#), "{line}");
}

#[test]
fn parse_round_trips_and_cuts_time_to_seconds() {
    let mut facts = sample_facts(3);
    facts.time += chrono::Duration::milliseconds(750);
    facts.user_id = serde_json::json!(12345);
    let record = Record::new(7, &facts, sha256_tagged(b"x"));
    assert_eq!(record.facts.time.timestamp_subsec_nanos(), 0);
    assert_eq!(parse_line(&line_of(&record)).unwrap(), record);
}

#[test]
fn digests_are_tagged_lowercase_hex() {
    assert_eq!(
        sha256_tagged(b""),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_tagged(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn prefix_is_cut_to_eight_characters() {
    assert_eq!(token_prefix("eyJhbGciOiJIUzI1NiJ9.e30.sig"), "eyJhbGci");
    assert_eq!(token_prefix("äöüäöüäöüäöü"), "äöüäöüäö");
    assert_eq!(token_prefix("abc"), "abc");
    let mut facts = sample_facts(1);
    facts.set_tokens(Some(&"x".repeat(500)), &"y".repeat(500), b"{}");
    assert_eq!(facts.new_token_prefix, "yyyyyyyy");
    assert_eq!(facts.old_token_prefix.as_deref(), Some("xxxxxxxx"));
}

#[test]
fn bad_lines_are_classified() {
    let good =
        String::from_utf8(line_of(&Record::new(1, &sample_facts(1), GENESIS.into()))).unwrap();
    let whole_token = good.replacen(
        r#""new_token_prefix":"eyJhbGci""#,
        r#""new_token_prefix":"eyJhbGciOiJIUzI1NiJ9""#,
        1,
    );
    let cases: Vec<(String, &str)> = vec![
        (good[..good.len() / 2].to_string(), "cut"),
        ("garbage".into(), "syntax"),
        ("".into(), "cut"),
        (good.replacen(r#""v":1"#, r#""v":2"#, 1), "version"),
        (good.replacen(r#""v":1,"#, "", 1), "schema"),
        (good.replacen(r#""v":1"#, r#""v":1.0"#, 1), "version"),
        (good.replacen(r#""seq":1"#, r#""seq":0"#, 1), "schema"),
        (good.replacen(r#""seq":1"#, r#""seq":"1""#, 1), "schema"),
        (good.replacen(",", ", ", 1), "schema"),
        (good.replacen("}", r#","extra":1}"#, 1), "schema"),
        (good.replacen("sha256:0000", "sha256:000", 1), "schema"),
        (good.replacen("T03:04:06Z", "T03:04:06.5Z", 1), "schema"),
        (whole_token, "schema"),
        ("[1]".into(), "schema"),
        ("42".into(), "schema"),
    ];
    for (line, want) in cases {
        let got = match parse_line(line.as_bytes()) {
            Err(LineFault::Syntax {
                cut_short: true, ..
            }) => "cut",
            Err(LineFault::Syntax { .. }) => "syntax",
            Err(LineFault::BadVersion { .. }) => "version",
            Err(LineFault::Schema { .. }) => "schema",
            Ok(_) => "ok",
        };
        assert_eq!(got, want, "{line}");
    }
}

mod canonical_writer {
    use super::super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn arb_user_id() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            any::<String>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
        ]
    }

    /// Facts the verifier accepts: anything in the free-text fields, valid digests and
    /// prefixes, times from year 0 to 9999 with sub-second parts.
    fn arb_facts() -> impl Strategy<Value = MintFacts> {
        let shared = (
            (0i64..=253_402_300_799, 0u32..1_000_000_000),
            any::<String>(),
            any::<String>(),
            prop::collection::btree_map(any::<String>(), any::<String>(), 0..3),
            prop::option::of(any::<String>()),
            any::<String>(),
            any::<[u8; 4]>(),
        );
        let own = (
            any::<String>(),
            arb_user_id(),
            prop::option::of(any::<String>()),
            prop::option::of(any::<String>()),
            prop::option::of(any::<i64>()),
            prop::option::of(any::<String>()),
            any::<String>(),
            any::<Vec<u8>>(),
            any::<bool>(),
        );
        (shared, own).prop_map(|(shared, own)| {
            let ((secs, nanos), operator, host, ci, reason, alg, key) = shared;
            let (id_claim, user_id, old_jti, new_jti, new_exp, old, new, payload, verified) = own;
            let mut facts = MintFacts {
                time: Utc.timestamp_opt(secs, nanos).unwrap(),
                operator,
                host,
                ci,
                reason,
                alg,
                key_fingerprint: sha256_tagged(&key),
                id_claim,
                user_id,
                old_jti,
                new_jti,
                new_exp,
                source_verified: verified,
                ..MintFacts::default()
            };
            facts.set_tokens(old.as_deref(), &new, &payload);
            facts
        })
    }

    /// The record's line as the format documents it: a JSON object in field order, `ci` and
    /// `reason` left out when empty or absent.
    fn expected_line(record: &Record) -> String {
        use serde_json::{Value, json};
        let f = &record.facts;
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: Value| m.insert(k.to_owned(), v);
        put("v", json!(record.v));
        put("seq", json!(record.seq));
        put(
            "time",
            json!(f.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
        put("operator", json!(f.operator));
        put("host", json!(f.host));
        if !f.ci.is_empty() {
            put("ci", json!(f.ci));
        }
        if let Some(reason) = &f.reason {
            put("reason", json!(reason));
        }
        put("alg", json!(f.alg));
        put("key_fingerprint", json!(f.key_fingerprint));
        put("id_claim", json!(f.id_claim));
        put("user_id", f.user_id.clone());
        put("old_jti", json!(f.old_jti));
        put("new_jti", json!(f.new_jti));
        put("new_exp", json!(f.new_exp));
        put("old_token_sha256", json!(f.old_token_sha256));
        put("new_token_sha256", json!(f.new_token_sha256));
        put("new_payload_sha256", json!(f.new_payload_sha256));
        put("old_token_prefix", json!(f.old_token_prefix));
        put("new_token_prefix", json!(f.new_token_prefix));
        put("source_verified", json!(f.source_verified));
        put("prev", json!(record.prev));
        serde_json::to_string(&Value::Object(m)).unwrap()
    }

    proptest! {
        /// The writer's line is the record as a JSON object in the documented field order
        /// (built here independently, with chrono's formatter for the time), and the
        /// verifier's strict parse accepts it and gives the record back.
        #[test]
        fn writes_the_documented_line_and_the_verifier_accepts_it(
            facts in arb_facts(),
            seq in 1u64..,
            prev in any::<Vec<u8>>(),
        ) {
            let prev = Tagged::of(&prev);
            let mut line = Vec::new();
            write_line(seq, &Body::from_facts(&facts).unwrap(), prev.as_str(), &mut line);
            let record = Record::new(seq, &facts, prev.as_str().to_owned());
            prop_assert_eq!(
                String::from_utf8(line.clone()).unwrap(),
                expected_line(&record)
            );
            prop_assert_eq!(&line, &record.to_line());
            prop_assert_eq!(parse_line(&line).unwrap(), record);
        }

        /// A batch mint's body (shared part rendered once, digests and prefixes computed
        /// from the tokens) is the body of the facts `set_tokens` fills in.
        #[test]
        fn run_facts_give_the_body_of_the_full_facts(
            template in arb_facts(),
            user_id in arb_user_id(),
            id_claim in any::<String>(),
            jtis in (prop::option::of(any::<String>()), prop::option::of(any::<String>())),
            new_exp in prop::option::of(any::<i64>()),
            old in prop::option::of(any::<String>()),
            new in any::<String>(),
            payload in any::<Vec<u8>>(),
            source_verified in any::<bool>(),
        ) {
            let body = RunFacts::new(&template).unwrap().body(&TokenFacts {
                id_claim: &id_claim,
                user_id: &user_id,
                old_jti: jtis.0.as_deref(),
                new_jti: jtis.1.as_deref(),
                new_exp,
                old_token: old.as_deref(),
                new_token: &new,
                new_payload: &payload,
                source_verified,
            });
            let mut facts = MintFacts {
                id_claim: id_claim.clone(),
                user_id: user_id.clone(),
                old_jti: jtis.0.clone(),
                new_jti: jtis.1.clone(),
                new_exp,
                source_verified,
                ..template
            };
            facts.set_tokens(old.as_deref(), &new, &payload);
            prop_assert_eq!(body, Body::from_facts(&facts).unwrap());
        }
    }

    #[test]
    fn a_bad_fingerprint_is_refused_once_per_run() {
        let mut template = super::sample_facts(1);
        template.key_fingerprint = "sha256:abc".into();
        assert!(
            RunFacts::new(&template)
                .unwrap_err()
                .contains("key_fingerprint")
        );
    }

    #[test]
    fn genesis_is_the_genesis_constant() {
        assert_eq!(Tagged::genesis().as_str(), GENESIS);
        assert_eq!(Tagged::of(b"abc").as_str(), sha256_tagged(b"abc"));
    }
}

#[test]
fn messages_are_single_line_and_capped() {
    let cleaned = one_line(&format!("a\nb\u{1b}[31m{}", "x".repeat(500)));
    assert!(!cleaned.contains('\n') && !cleaned.contains('\u{1b}'));
    assert!(cleaned.chars().count() <= 220);
}

/// Lines as jwtctl has always written them: existing logs must keep verifying, byte for byte.
#[test]
fn lines_are_written_exactly_as_before() {
    let mut facts = sample_facts(1);
    let first = Record::new(1, &facts, GENESIS.into());
    assert_eq!(
        String::from_utf8(line_of(&first)).unwrap(),
        "{\"v\":1,\"seq\":1,\"time\":\"2026-01-02T03:04:06Z\",\"operator\":\"alice\",\"host\":\"build-7\",\"ci\":{\"CI_JOB_ID\":\"42\"},\"reason\":\"key rotated\",\"alg\":\"HS256\",\"key_fingerprint\":\"sha256:5b71a88df7275813d065ebf04eae0914b5643f9e0407937eb432af1b68d9c020\",\"id_claim\":\"sub\",\"user_id\":\"user-1\",\"old_jti\":\"old-1\",\"new_jti\":\"new-1\",\"new_exp\":1800000001,\"old_token_sha256\":\"sha256:ace9a0292304dfd0c019d571507b3e0d318120ed5051751e1d5313620691b0b0\",\"new_token_sha256\":\"sha256:9a7b3551f10c34b9196a6a3f5756bff2f1595ec7ae95a1c64e65c5299b4b18d2\",\"new_payload_sha256\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"old_token_prefix\":\"eyJhbGci\",\"new_token_prefix\":\"eyJhbGci\",\"source_verified\":false,\"prev\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}"
    );
    facts.ci.clear();
    facts.reason = None;
    facts.old_jti = None;
    facts.new_exp = None;
    facts.user_id = serde_json::json!(-12345);
    facts.operator = "ä\"\\\u{1}\n\u{7f}\u{2028}</script>".into();
    facts.host = "h\tö".into();
    facts.ci.insert("Z\u{0}".into(), "\"".into());
    facts.ci.insert("A".into(), "é".into());
    facts.set_tokens(None, "eyJhbGciOiJ\u{e9}xyzlong", b"{}");
    facts.source_verified = true;
    facts.time = DateTime::<Utc>::from_timestamp(0, 500).unwrap();
    let odd = Record::new(u64::MAX, &facts, sha256_tagged(b"p"));
    assert_eq!(
        String::from_utf8(line_of(&odd)).unwrap(),
        "{\"v\":1,\"seq\":18446744073709551615,\"time\":\"1970-01-01T00:00:00Z\",\"operator\":\"ä\\\"\\\\\\u0001\\n\u{7f}\u{2028}</script>\",\"host\":\"h\\tö\",\"ci\":{\"A\":\"é\",\"Z\\u0000\":\"\\\"\"},\"alg\":\"HS256\",\"key_fingerprint\":\"sha256:5b71a88df7275813d065ebf04eae0914b5643f9e0407937eb432af1b68d9c020\",\"id_claim\":\"sub\",\"user_id\":-12345,\"old_jti\":null,\"new_jti\":\"new-1\",\"new_exp\":null,\"old_token_sha256\":null,\"new_token_sha256\":\"sha256:b30c721738a47dd122148ffa2452b53ceefd6ba304bc382b3018c9ec5f492b37\",\"new_payload_sha256\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"old_token_prefix\":null,\"new_token_prefix\":\"eyJhbGci\",\"source_verified\":true,\"prev\":\"sha256:148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940\"}"
    );
    facts.time = DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap();
    facts.user_id = serde_json::json!(u64::MAX);
    facts.reason = Some(String::new());
    let last = Record::new(2, &facts, sha256_tagged(b"q"));
    assert_eq!(
        String::from_utf8(line_of(&last)).unwrap(),
        "{\"v\":1,\"seq\":2,\"time\":\"9999-12-31T23:59:59Z\",\"operator\":\"ä\\\"\\\\\\u0001\\n\u{7f}\u{2028}</script>\",\"host\":\"h\\tö\",\"ci\":{\"A\":\"é\",\"Z\\u0000\":\"\\\"\"},\"reason\":\"\",\"alg\":\"HS256\",\"key_fingerprint\":\"sha256:5b71a88df7275813d065ebf04eae0914b5643f9e0407937eb432af1b68d9c020\",\"id_claim\":\"sub\",\"user_id\":18446744073709551615,\"old_jti\":null,\"new_jti\":\"new-1\",\"new_exp\":null,\"old_token_sha256\":null,\"new_token_sha256\":\"sha256:b30c721738a47dd122148ffa2452b53ceefd6ba304bc382b3018c9ec5f492b37\",\"new_payload_sha256\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"old_token_prefix\":null,\"new_token_prefix\":\"eyJhbGci\",\"source_verified\":true,\"prev\":\"sha256:8e35c2cd3bf6641bdb0e2050b76932cbb2e6034a0ddacc1d9bea82a6ba57f7cf\"}"
    );
}
