//! Entry points for robustness testing: the cargo-fuzz targets under `tests/fuzz/` and the
//! stable property tests below call the same functions, so CI (stable, no fuzzer) still runs
//! the token reader and the audit-log parser over arbitrary bytes, and every input a fuzzer
//! ever crashed on is replayed from `tests/fixtures/fuzz/`.
//!
//! Each function runs the real code path for one input and must return without panicking,
//! whatever the bytes.

use crate::inspect::inspect;
use crate::render::{self, style::Style};
use crate::token::{self, PayloadRule, ReadOptions};

/// A fixed instant, so runs are reproducible.
const AT: i64 = 1_795_428_000;

/// One line of stdin through the token reader and both `decode` renderers, with both payload
/// rules.
pub fn token_reader(bytes: &[u8]) {
    for payload in [PayloadRule::ClaimSet, PayloadRule::AnyBytes] {
        let options = ReadOptions {
            payload,
            ..ReadOptions::default()
        };
        let mut out = Vec::new();
        match token::extract(bytes).and_then(|t| token::parse(t, &options)) {
            Ok(token) => {
                let inspection = inspect(&token, AT);
                let head = render::decode::times_head(AT);
                render::decode::json(1, &token, &inspection, &head, &mut out);
                let _ = render::decode::human(&token, &inspection, &Style::plain());
                if let Some(claims) = token.claim_set() {
                    let _ = claims.map();
                }
            }
            Err(error) => render::decode::error_json(1, &error, &mut out),
        }
        // Whatever came in, what goes out is one line of valid JSON.
        debug_assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
        debug_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}

/// Arbitrary bytes as an audit log: chain verification and listing.
pub fn audit_log(bytes: &[u8]) {
    let _ = crate::audit::verify(bytes, &[]);
    let _ = crate::audit::show(bytes, &crate::audit::Filter::default(), |_, _| Ok(()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    /// Replays every saved input under `tests/fixtures/fuzz/<target>/`.
    fn replay(target: &str, run: fn(&[u8])) -> usize {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz")
            .join(target);
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            run(&bytes);
            count += 1;
        }
        count
    }

    #[test]
    fn saved_fuzz_inputs_still_pass() {
        assert!(
            replay("token_reader", token_reader) > 0,
            "no saved token inputs"
        );
        assert!(replay("audit_log", audit_log) > 0, "no saved audit inputs");
    }

    fn tokenish() -> impl Strategy<Value = Vec<u8>> {
        // Mostly token-shaped bytes, so the search gets past the first checks.
        let piece = prop_oneof![
            Just(b"eyJ".to_vec()),
            Just(b".".to_vec()),
            Just(b"eyJhbGciOiJIUzI1NiJ9".to_vec()),
            Just(b"eyJzdWIiOiIxIn0".to_vec()),
            Just(b"Bearer ".to_vec()),
            prop::collection::vec(any::<u8>(), 0..8),
            "[A-Za-z0-9_-]{0,12}".prop_map(String::into_bytes),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn token_reader_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            token_reader(&bytes);
        }

        #[test]
        fn token_reader_never_panics_on_token_shaped_bytes(bytes in tokenish()) {
            token_reader(&bytes);
        }

        #[test]
        fn token_reader_never_panics_on_any_json_payload(json in "\\PC{0,64}", header in "\\PC{0,32}") {
            let line = format!(
                "{}.{}.c2ln",
                token::b64::encode(header.as_bytes()),
                token::b64::encode(json.as_bytes())
            );
            token_reader(line.as_bytes());
        }

        #[test]
        fn audit_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
            audit_log(&bytes);
        }
    }
}
