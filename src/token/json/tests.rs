use super::*;
use proptest::prelude::*;
use serde_json::Map;

/// Does any member name or string of `map`, at any depth, contain an unsafe character?
fn has_unsafe_text(map: &Map<String, Value>) -> bool {
    fn value_unsafe(v: &Value) -> bool {
        match v {
            Value::String(s) => is_unsafe_text(s),
            Value::Array(items) => items.iter().any(value_unsafe),
            Value::Object(map) => has_unsafe_text(map),
            _ => false,
        }
    }
    map.iter()
        .any(|(k, v)| is_unsafe_text(k) || value_unsafe(v))
}

fn object(text: &str) -> Members {
    members(text).unwrap_or_else(|_| panic!("{text}"))
}

/// What [`members`] says about `text`, in the terms of [`parse`].
fn read(text: &str) -> Result<Map<String, Value>, String> {
    match crate::token::object::Object::read(
        text.as_bytes().to_vec(),
        crate::token::Segment::Payload,
    ) {
        Ok(object) => Ok(object.map().clone()),
        Err(malformed) if malformed.code == "not_object" => Err(malformed
            .message
            .trim_start_matches("is ")
            .trim_end_matches(", not a JSON object")
            .to_owned()),
        Err(malformed) => Err(malformed.message),
    }
}

#[test]
fn keeps_member_order() {
    let v = parse(br#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#).unwrap();
    assert_eq!(v.to_string(), r#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#);
}

#[test]
fn rejects_duplicates_at_any_depth() {
    let err = parse(br#"{"alg":"HS256","alg":"none"}"#).unwrap_err();
    assert!(err.contains("duplicate member `alg`"), "{err}");
    let err = parse(br#"{"a":[{"k":1,"k":2}]}"#).unwrap_err();
    assert!(err.contains("duplicate member `k`"), "{err}");
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1,"b":2}}"#,
        r#"{"\u0061":1,"a":2}"#,
        r#"{"a":[{"k":1,"k":2}]}"#,
    ] {
        assert!(
            matches!(members(text), Err(NotObject::Invalid(_))),
            "{text}"
        );
    }
    // Large objects are hashed: a duplicate far down is still found.
    let many: Vec<String> = (0..40).map(|i| format!("\"m{i}\":{i}")).collect();
    let text = format!("{{{}}}", many.join(","));
    assert_eq!(object(&text).members.len(), 40);
    let text = format!("{{{},\"m3\":0}}", many.join(","));
    let err = parse(text.as_bytes()).unwrap_err();
    assert!(err.contains("duplicate member `m3`"), "{err}");
    assert!(members(&text).is_err());
    let nested = format!("{{\"x\":{{{},\"m39\":0}}}}", many.join(","));
    assert!(members(&nested).is_err());
}

#[test]
fn rejects_garbage_bom_surrogates_and_deep_nesting() {
    for (input, needle) in [
        (&br#"{"a":1} x"#[..], "trailing"),
        (b"\xef\xbb\xbf{}", "byte order mark"),
        (br#"{"a":"\ud800"}"#, "invalid JSON"),
        (br#"{"a":1e400}"#, "number out of range"),
        (b"{\"a\":\"\xff\"}", "not UTF-8 (byte 0xff at offset 6)"),
        (b"{\"a\":\"\xc3\"}", "not UTF-8 (byte 0xc3 at offset 6)"),
        (b"{\"a\":\"\xc3", "not UTF-8 (byte 0xc3 at offset 6)"),
    ] {
        let err = parse(input).unwrap_err();
        assert!(err.contains(needle), "{input:?}: {err}");
        if let Ok(text) = std::str::from_utf8(input) {
            assert!(members(text).is_err(), "{input:?}");
        }
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(
        parse(deep.as_bytes())
            .unwrap_err()
            .contains("nested too deeply")
    );
}

#[test]
fn nesting_is_bounded_as_in_the_whole_text() {
    // The top-level object and `inside` arrays in one member: serde_json opens at most 127.
    for inside in [125, 126, 127, 128, 129] {
        let text = format!(r#"{{"a":{}{}}}"#, "[".repeat(inside), "]".repeat(inside));
        let whole = parse(text.as_bytes());
        assert_eq!(whole.is_ok(), inside < 127, "{inside}");
        assert_eq!(members(&text).is_ok(), whole.is_ok(), "{inside}");
        if let Err(why) = whole {
            assert!(why.contains("nested too deeply"), "{why}");
            assert!(matches!(members(&text), Err(NotObject::Invalid(w)) if w == why));
        }
    }
}

#[test]
fn compact_plain_objects_are_told_from_the_others() {
    for (text, plain) in [
        ("{}", true),
        (r#"{"a":1,"b":"x y","c":true}"#, true),
        ("{ }", false),
        (r#"{"a": 1}"#, false),
        (r#"{"a":1 }"#, false),
        (r#"{"a":1.5}"#, false),
        (r#"{"a":"\/"}"#, false),
        (r#"{"\u0061":1}"#, false),
        (r#"{"a":[1]}"#, false),
        ("{\"a\":\"\u{202e}\"}", false),
        ("{\"é\":\"ü\"}", true),
        (r#"{"a":-5,"b":null,"c":false}"#, true),
        (r#"{"a":-0}"#, false),
        (r#"{"a":1e3}"#, false),
    ] {
        assert_eq!(object(text).plain, plain, "{text}");
    }
}

#[test]
fn finds_top_level_members_as_written() {
    let text =
        r#"{ "sub" : "u\"1é" , "iat":1516239022,"aud":["a","b"],"x":{"y":null},"\u0061b":1.5}"#;
    let found = object(text);
    let names: Vec<&str> = found.members.iter().map(|m| m.name(text)).collect();
    assert_eq!(names, ["sub", "iat", "aud", "x", "ab"]);
    let map = read(text).unwrap();
    assert_eq!(
        Value::Object(map).to_string(),
        r#"{"sub":"u\"1é","iat":1516239022,"aud":["a","b"],"x":{"y":null},"ab":1.5}"#
    );
    assert!(matches!(found.members[0].value, Json::Other(_)), "escaped");
    assert!(matches!(found.members[1].value, Json::Int(1516239022)));
    assert!(matches!(found.members[4].name, Name::Decoded(_)));
    assert!(!found.unsafe_text);
    assert!(object("{}").members.is_empty());
    assert!(matches!(members("[1]"), Err(NotObject::Other("an array"))));
    assert!(matches!(
        members("\"x\""),
        Err(NotObject::Other("a string"))
    ));
}

#[test]
fn flags_unsafe_text_raw_or_escaped_in_names_and_values() {
    for text in [
        r#"{"a":"\u001b[2J"}"#,
        "{\"a\":\"x\u{202e}y\"}",
        "{\"a\":\"x\u{9b}y\"}",
        "{\"a\u{7f}\":1}",
        r#"{"\u202e":1}"#,
        r#"{"a":[{"b":"\u200b"}]}"#,
    ] {
        assert!(object(text).unsafe_text, "{text}");
    }
    assert!(
        object("{\"a\":\"é\\n\"}").unsafe_text,
        "a newline, once decoded"
    );
    assert!(!object("{\"a\":\"é\\/\"}").unsafe_text);
}

fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        "[a-c\\\\\"\u{1b}\u{202e}é ]{0,4}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("1.5".to_string()),
        Just("-0".to_string()),
        Just(r#""\ud800""#.to_string()),
        Just(r#""\u0041""#.to_string()),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|members| {
                let body: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("\"{k}\" : {v}"))
                    .collect();
                format!("{{{}}}", body.join(" ,"))
            }),
        ]
    });
    prop::collection::vec(("[a-d]{1,2}|\\\\u0061", value), 0..5).prop_map(|members| {
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

proptest! {
    /// Reading the members accepts exactly what the whole-text check accepts, finds the
    /// same members, flags unsafe text as a walk of the parsed map does, and refuses with the
    /// same words.
    #[test]
    fn members_agree_with_the_whole_text(text in json_text()) {
        let whole = parse(text.as_bytes());
        match (&whole, read(&text)) {
            (Ok(Value::Object(map)), Ok(members)) => {
                prop_assert_eq!(map, &members);
                prop_assert_eq!(object(&text).unsafe_text, has_unsafe_text(map));
                // One line of JSON, whether copied as it is or written member by member, is
                // what serde_json writes for the map.
                let read = crate::token::object::Object::read(
                    text.clone().into_bytes(),
                    crate::token::Segment::Payload,
                )
                .unwrap();
                let mut ours = Vec::new();
                read.write_compact_json(&mut ours);
                let mut theirs = Vec::new();
                crate::text::to_json_line(map, &mut theirs);
                prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
            }
            (Err(why), Err(ours)) => prop_assert_eq!(why, &ours),
            (whole, ours) => prop_assert!(false, "{}: {:?} vs {:?}", text, whole, ours),
        }
    }

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = members(text);
        }
    }
}

#[test]
fn digits_are_counted_as_itoa_writes_them() {
    for n in [
        0,
        7,
        -7,
        9,
        10,
        -10,
        99,
        100,
        1_795_042_445,
        i64::MAX,
        i64::MIN,
    ] {
        assert_eq!(digits(n), itoa::Buffer::new().format(n).len(), "{n}");
    }
}
