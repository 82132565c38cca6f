use super::*;
use crate::token::{ReadOptions, b64, parse};

#[test]
fn leeway_is_bounded() {
    assert!(Leeway::new(-1).is_err());
    assert!(Leeway::new(MAX_LEEWAY + 1).is_err());
    assert_eq!(Leeway::new(MAX_LEEWAY).unwrap().seconds(), MAX_LEEWAY);
    assert_eq!(Leeway::parse("2m").unwrap().seconds(), 120);
    assert!(Leeway::parse("400d").is_err());
    assert!(Leeway::parse("99999999999999999999").is_err());
}

proptest::proptest! {
    /// Whatever the numbers, the time checks never panic (no overflow) and agree with the rule.
    #[test]
    fn time_checks_never_overflow(
        exp in proptest::num::i64::ANY,
        at in 0..=crate::time::MAX_NUMERIC_DATE,
        leeway in 0..=MAX_LEEWAY,
        float in proptest::num::f64::ANY,
    ) {
        let p = Policy { at, leeway: Leeway::new(leeway).unwrap(), ..Policy::default() };
        for claims in [format!(r#"{{"exp":{exp},"nbf":{exp},"iat":{exp}}}"#),
                       format!(r#"{{"exp":{float:?}}}"#)] {
            let t = format!("{}.{}.", b64::encode(r#"{"alg":"HS256"}"#), b64::encode(&claims));
            let Ok(token) = parse(t.as_bytes(), &ReadOptions::default()) else { continue };
            let set = token.claim_set();
            let [e, _, _] = claims::times(set, &p);
            let raw = set.and_then(|c| c.get("exp")).unwrap();
            if let (Ok(v), Status::Pass) = (crate::time::numeric_date(&raw), e.status) {
                proptest::prop_assert!(at < v + leeway);
            }
        }
    }
}

#[test]
fn checks_stay_small() {
    assert!(
        std::mem::size_of::<Check<'_>>() <= 48,
        "{}",
        std::mem::size_of::<Check<'_>>()
    );
}
