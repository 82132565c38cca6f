use super::*;
use crate::exit::Exit;

use serde_json::json;

const NOW: i64 = 1_800_000_000;
const FRESH: Fresh = Fresh {
    now: NOW,
    jti: [0xab; 16],
};

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn recipe() -> Recipe {
    Recipe {
        id_claim: None,
        keep_claims: false,
        set: Vec::new(),
        unset: Vec::new(),
        expiry: Expiry::Inherit,
        alg: Algorithm::HS256,
        kid: KidChoice::Default,
        typ: None,
        key_kid: None,
    }
}

fn never() -> Recipe {
    Recipe {
        expiry: Expiry::Never,
        ..recipe()
    }
}

/// Drafts from the old claims both as a map and as a read token's claim set (which answers
/// single claims without building the map), and checks that the two agree.
fn from(header: Value, claims: Value, recipe: &Recipe) -> Result<Draft, MintError> {
    let compact = format!(
        "{}.{}.c2ln",
        b64::encode(header.to_string()),
        b64::encode(claims.to_string())
    );
    let token = crate::token::parse(compact.as_bytes(), &Default::default()).unwrap();
    let (header, claims) = (map(header), map(claims));
    let from_map = draft(
        Some(Old {
            header: &header,
            claims: &claims,
        }),
        recipe,
        &FRESH,
    );
    let from_token = draft(
        Some(Old {
            header: &header,
            claims: token.claim_set().unwrap(),
        }),
        recipe,
        &FRESH,
    );
    assert_eq!(from_map, from_token, "{claims:?}");
    from_map
}

fn from_claims(claims: Value, recipe: &Recipe) -> Result<Draft, MintError> {
    from(json!({"alg": "HS256", "typ": "JWT"}), claims, recipe)
}

/// The id claim detection table: which claim is taken, or which error code.
#[test]
fn id_claim_detection() {
    let rows: Vec<(Value, Option<&str>, Result<&str, &str>)> = vec![
        (json!({"sub": "u1"}), None, Ok("sub")),
        (json!({"id": "u1"}), None, Ok("id")),
        (json!({"user_id": 7}), None, Ok("user_id")),
        (json!({"uid": "u1"}), None, Ok("uid")),
        (json!({"userId": "u1"}), None, Ok("userId")),
        (json!({"userid": "u1"}), None, Err("id_claim_missing")),
        (json!({"name": "x"}), None, Err("id_claim_missing")),
        (json!({}), None, Err("id_claim_missing")),
        (
            json!({"sub": "a", "uid": "b"}),
            None,
            Err("id_claim_ambiguous"),
        ),
        (
            json!({"sub": "a", "id": "a"}),
            None,
            Err("id_claim_ambiguous"),
        ),
        (json!({"sub": "a", "uid": "b"}), Some("uid"), Ok("uid")),
        (json!({"email": "a@b"}), Some("email"), Ok("email")),
        (json!({"sub": "a"}), Some("email"), Err("id_claim_missing")),
        (json!({"sub": ""}), None, Err("id_claim_invalid")),
        (json!({"sub": null}), None, Err("id_claim_invalid")),
        (json!({"sub": {"x": 1}}), None, Err("id_claim_invalid")),
        (json!({"sub": 1.5}), None, Err("id_claim_invalid")),
        (json!({"sub": true}), None, Err("id_claim_invalid")),
        (json!({"sub": 18446744073709551615u64}), None, Ok("sub")),
    ];
    for (claims, wanted, want) in rows {
        let r = Recipe {
            id_claim: wanted.map(str::to_owned),
            ..never()
        };
        let got = from_claims(claims.clone(), &r)
            .map(|d| d.id_claim)
            .map_err(|e| e.code());
        assert_eq!(
            got.as_deref().map_err(|e| *e),
            want,
            "{claims} --id-claim {wanted:?}"
        );
    }
}

#[test]
fn id_errors_list_what_was_found() {
    let e = from_claims(json!({"name": "x", "role": "admin"}), &never()).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("`name`, `role`"), "{text}");
    assert!(
        text.contains("`sub`, `id`, `user_id`, `uid`, `userId`"),
        "{text}"
    );
    assert!(e.hint().unwrap().contains("--id-claim"));
    assert_eq!(e.exit(), Exit::ClaimsRejected);

    let e = from_claims(json!({"sub": "a", "uid": 42}), &never()).unwrap_err();
    let text = e.to_string();
    assert!(text.contains(r#"`sub` = "a", `uid` = 42"#), "{text}");
    assert!(e.hint().unwrap().contains("--id-claim sub"));
}

/// The expiry rules table: old `exp`/`iat`, the recipe's expiry → new `exp` or error code.
#[test]
fn expiry_rules() {
    type Row = (Value, Expiry, Result<Option<i64>, &'static str>);
    let rows: Vec<Row> = vec![
        // Same lifetime as the old token, counted from now.
        (
            json!({"sub": "u", "iat": 1000, "exp": 4600}),
            Expiry::Inherit,
            Ok(Some(NOW + 3600)),
        ),
        (
            json!({"sub": "u", "iat": 1000.7, "exp": 4600.2}),
            Expiry::Inherit,
            Ok(Some(NOW + 3600)),
        ),
        // --exp wins over the old lifetime.
        (
            json!({"sub": "u", "iat": 1000, "exp": 4600}),
            Expiry::In(900),
            Ok(Some(NOW + 900)),
        ),
        (
            json!({"sub": "u", "iat": 1000, "exp": 4600}),
            Expiry::Never,
            Ok(None),
        ),
        // No exp: refused unless --exp or --no-exp.
        (json!({"sub": "u"}), Expiry::Inherit, Err("no_exp")),
        (
            json!({"sub": "u", "iat": 1000}),
            Expiry::Inherit,
            Err("no_exp"),
        ),
        (json!({"sub": "u"}), Expiry::Never, Ok(None)),
        (json!({"sub": "u"}), Expiry::In(60), Ok(Some(NOW + 60))),
        // exp without a usable iat, or a nonsense lifetime: cannot inherit.
        (
            json!({"sub": "u", "exp": 4600}),
            Expiry::Inherit,
            Err("lifetime_unknown"),
        ),
        (
            json!({"sub": "u", "iat": "1000", "exp": 4600}),
            Expiry::Inherit,
            Err("lifetime_unknown"),
        ),
        (
            json!({"sub": "u", "iat": 1000, "exp": "soon"}),
            Expiry::Inherit,
            Err("lifetime_unknown"),
        ),
        (
            json!({"sub": "u", "iat": 5000, "exp": 4600}),
            Expiry::Inherit,
            Err("lifetime_unknown"),
        ),
        (
            json!({"sub": "u", "iat": 4600, "exp": 4600}),
            Expiry::Inherit,
            Err("lifetime_unknown"),
        ),
        (
            json!({"sub": "u", "exp": 4600}),
            Expiry::In(60),
            Ok(Some(NOW + 60)),
        ),
        (
            json!({"sub": "u"}),
            Expiry::In(MAX_NUMERIC_DATE),
            Err("exp_out_of_range"),
        ),
    ];
    for (claims, expiry, want) in rows {
        let r = Recipe { expiry, ..recipe() };
        let got = from_claims(claims.clone(), &r);
        let got = got.as_ref().map(|d| d.exp).map_err(MintError::code);
        assert_eq!(got, want, "{claims} {expiry:?}");
        if let Ok(d) = from_claims(claims.clone(), &r) {
            assert_eq!(d.claims.get("exp").and_then(Value::as_i64), d.exp);
            assert_eq!(d.claims["iat"], json!(NOW));
        }
    }
}

#[test]
fn no_exp_error_explains_why_it_matters() {
    let e = from_claims(json!({"id": "u"}), &recipe()).unwrap_err();
    assert!(
        e.to_string()
            .contains("dies only when the signing key rotates")
    );
    assert!(e.hint().unwrap().contains("--no-exp"));
    let claims_only = Recipe {
        set: vec![("sub".into(), json!("svc"))],
        ..recipe()
    };
    let e = draft(None, &claims_only, &FRESH).unwrap_err();
    assert_eq!(e.code(), "no_exp");
}

#[test]
fn default_carries_only_the_id_and_fresh_times() {
    let d = from_claims(
        json!({"role": "admin", "id": "u-1", "iat": 1, "exp": 61, "aud": "svc"}),
        &recipe(),
    )
    .unwrap();
    assert_eq!(
        Value::Object(d.claims.clone()).to_string(),
        format!(r#"{{"id":"u-1","iat":{NOW},"exp":{}}}"#, NOW + 60)
    );
    assert_eq!((d.id_claim.as_str(), &d.user_id), ("id", &json!("u-1")));
    assert_eq!((d.old_jti.clone(), d.new_jti.clone()), (None, None));
}

#[test]
fn keep_claims_keeps_the_old_order_and_replaces_in_place() {
    let r = Recipe {
        keep_claims: true,
        set: vec![("scope".into(), json!("read")), ("new".into(), json!([1]))],
        unset: vec!["aud".into()],
        ..recipe()
    };
    let d = from_claims(
        json!({"iss": "me", "sub": "u", "aud": "x", "scope": "all", "iat": 1, "exp": 61}),
        &r,
    )
    .unwrap();
    assert_eq!(
        Value::Object(d.claims).to_string(),
        format!(
            r#"{{"iss":"me","sub":"u","scope":"read","iat":{NOW},"exp":{},"new":[1]}}"#,
            NOW + 60
        )
    );
}

#[test]
fn keep_claims_with_no_exp_drops_the_old_exp() {
    let r = Recipe {
        keep_claims: true,
        ..never()
    };
    let d = from_claims(json!({"sub": "u", "iat": 1, "exp": 61}), &r).unwrap();
    assert!(!d.claims.contains_key("exp"));
    assert_eq!(d.exp, None);
}

#[test]
fn jti_is_renewed_only_when_the_old_token_had_one() {
    let d = from_claims(json!({"sub": "u", "jti": "abc"}), &never()).unwrap();
    assert_eq!(d.old_jti.as_deref(), Some("abc"));
    assert_eq!(d.new_jti.as_deref(), Some("q6urq6urq6urq6urq6urqw"));
    assert_eq!(d.claims["jti"], json!("q6urq6urq6urq6urq6urqw"));

    let uuid = "0b9d1e2c-4f3a-4b5c-8d6e-7f8091a2b3c4";
    let d = from_claims(json!({"sub": "u", "jti": uuid}), &never()).unwrap();
    let new = d.new_jti.unwrap();
    assert_eq!(new, "abababab-abab-4bab-abab-abababababab");
    assert!(is_uuid(&new));

    let d = from_claims(json!({"sub": "u", "jti": 17}), &never()).unwrap();
    assert_eq!(d.old_jti.as_deref(), Some("17"));

    let set = Recipe {
        set: vec![("jti".into(), json!("mine"))],
        ..never()
    };
    let d = from_claims(json!({"sub": "u", "jti": "abc"}), &set).unwrap();
    assert_eq!(d.new_jti.as_deref(), Some("mine"));
    let unset = Recipe {
        unset: vec!["jti".into()],
        keep_claims: true,
        ..never()
    };
    let d = from_claims(json!({"sub": "u", "jti": "abc"}), &unset).unwrap();
    assert_eq!((d.old_jti.as_deref(), d.new_jti), (Some("abc"), None));

    let d = from_claims(json!({"sub": "u"}), &never()).unwrap();
    assert!(!d.claims.contains_key("jti"));
}

#[test]
fn header_keeps_typ_and_kid_unless_overridden() {
    let old = json!({"alg": "RS256", "typ": "at+jwt", "kid": "old-key", "jku": "https://x"});
    let claims = json!({"sub": "u"});
    let header_of = |r: &Recipe| {
        Value::Object(from(old.clone(), claims.clone(), r).unwrap().header).to_string()
    };
    assert_eq!(
        header_of(&never()),
        r#"{"alg":"HS256","typ":"at+jwt","kid":"old-key"}"#
    );
    let r = Recipe {
        typ: Some("JWT".into()),
        kid: KidChoice::Set("k2".into()),
        alg: Algorithm::HS512,
        ..never()
    };
    assert_eq!(header_of(&r), r#"{"alg":"HS512","typ":"JWT","kid":"k2"}"#);
    let r = Recipe {
        kid: KidChoice::Remove,
        ..never()
    };
    assert_eq!(header_of(&r), r#"{"alg":"HS256","typ":"at+jwt"}"#);
    let r = Recipe {
        key_kid: Some("signing-key".into()),
        ..never()
    };
    assert_eq!(
        header_of(&r),
        r#"{"alg":"HS256","typ":"at+jwt","kid":"signing-key"}"#
    );
    let d = from(json!({"alg": "HS256"}), claims.clone(), &never()).unwrap();
    assert_eq!(Value::Object(d.header).to_string(), r#"{"alg":"HS256"}"#);
}

#[test]
fn minting_from_claims_alone() {
    let r = Recipe {
        set: vec![("sub".into(), json!("svc-1")), ("scope".into(), json!("x"))],
        expiry: Expiry::In(900),
        ..recipe()
    };
    let d = draft(None, &r, &FRESH).unwrap();
    assert_eq!(
        Value::Object(d.claims).to_string(),
        format!(
            r#"{{"sub":"svc-1","scope":"x","iat":{NOW},"exp":{}}}"#,
            NOW + 900
        )
    );
    assert_eq!(
        Value::Object(d.header).to_string(),
        r#"{"alg":"HS256","typ":"JWT"}"#
    );
    let e = draft(
        None,
        &Recipe {
            set: vec![("scope".into(), json!("x"))],
            ..never()
        },
        &FRESH,
    )
    .unwrap_err();
    assert_eq!(e.code(), "id_claim_missing");
    assert!(e.hint().unwrap().contains("--claim sub=VALUE"), "{e}");
}

#[test]
fn recipe_checks() {
    let cases: Vec<(Recipe, &str)> = vec![
        (
            Recipe {
                set: vec![("iat".into(), json!(1))],
                ..never()
            },
            "reserved_claim",
        ),
        (
            Recipe {
                unset: vec!["exp".into()],
                ..never()
            },
            "reserved_claim",
        ),
        (
            Recipe {
                set: vec![("a".into(), json!(1)), ("a".into(), json!(2))],
                ..never()
            },
            "claim_conflict",
        ),
        (
            Recipe {
                set: vec![("a".into(), json!(1))],
                unset: vec!["a".into()],
                ..never()
            },
            "claim_conflict",
        ),
        (
            Recipe {
                id_claim: Some("uid".into()),
                unset: vec!["uid".into()],
                ..never()
            },
            "id_claim_unset",
        ),
    ];
    for (r, code) in cases {
        assert_eq!(r.check().map_err(|e| e.code()), Err(code), "{r:?}");
    }
    assert_eq!(never().check(), Ok(()));
}

#[test]
fn the_carried_id_cannot_be_replaced_or_removed() {
    let r = Recipe {
        set: vec![("sub".into(), json!("someone-else"))],
        ..never()
    };
    assert_eq!(
        from_claims(json!({"sub": "u"}), &r).unwrap_err().code(),
        "id_claim_override"
    );
    let r = Recipe {
        unset: vec!["sub".into()],
        keep_claims: true,
        ..never()
    };
    assert_eq!(
        from_claims(json!({"sub": "u"}), &r).unwrap_err().code(),
        "id_claim_unset"
    );
}

#[test]
fn sealed_token_verifies_and_reads_back() {
    let key = crate::keys::parse::test_hmac("new", b"0123456789abcdef0123456789abcdef");
    let prepared = Prepared::new(&key);
    let d = from_claims(json!({"id": "u-1"}), &never()).unwrap();
    let sealed = seal(&d, Algorithm::HS256, &prepared).unwrap();
    let token = crate::token::parse(sealed.compact.as_bytes(), &Default::default()).unwrap();
    assert_eq!(token.claims(), Some(&d.claims));
    assert_eq!(token.header.map(), &d.header);
    assert_eq!(
        prepared.verify(Algorithm::HS256, token.signing_input(), &token.signature),
        Ok(true)
    );
    assert_eq!(sealed.payload, serde_json::to_vec(&d.claims).unwrap());
    assert_eq!(
        seal(&d, Algorithm::RS256, &prepared).unwrap_err().exit(),
        Exit::KeyUnusable
    );
}
