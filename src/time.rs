//! Time, without a clock: every function takes the instant it needs as a parameter.
//!
//! Instants are Unix seconds (`i64`). NumericDate claims are interpreted strictly: a JSON
//! number (RFC 7519 allows a fraction, which is floored) between 0 and the end of year 9999.

use chrono::DateTime;
use serde_json::Value;

/// The last second of year 9999: later values cannot be shown as a date and are rejected.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// Interpret a claim as a NumericDate, or say why it is not one.
pub fn numeric_date(value: &Value) -> Result<i64, String> {
    let Value::Number(number) = value else {
        return Err(format!(
            "is {}, not a NumericDate (seconds since 1970 as a JSON number)",
            crate::text::type_name(value)
        ));
    };
    let seconds = if let Some(i) = number.as_i64() {
        i
    } else if number.as_u64().is_some() {
        return Err("is out of range (after year 9999)".into());
    } else {
        let f = number.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() || f.abs() > MAX_NUMERIC_DATE as f64 {
            return Err(if f < 0.0 {
                "is negative (before 1970)".into()
            } else {
                "is out of range (after year 9999)".into()
            });
        }
        f.floor() as i64
    };
    numeric_seconds(seconds)
}

/// A NumericDate that is already a whole number of seconds, or why it is not one (the
/// range check of [`numeric_date`]).
pub fn numeric_seconds(seconds: i64) -> Result<i64, String> {
    if seconds < 0 {
        Err("is negative (before 1970)".into())
    } else if seconds > MAX_NUMERIC_DATE {
        Err("is out of range (after year 9999)".into())
    } else {
        Ok(seconds)
    }
}

/// `2026-11-23T17:05:00Z`, as chrono writes it (years past 9999 as `+10000`, before 0 as
/// `-0001`; `@<seconds>` beyond chrono's range). Hand-rolled (days-to-civil arithmetic)
/// because batch output formats several of these per token; checked against chrono in the
/// tests.
pub fn rfc3339(seconds: i64) -> String {
    let mut out = Vec::with_capacity(20);
    write_rfc3339(seconds, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Append [`rfc3339`] of `seconds` to `out`.
pub fn write_rfc3339(seconds: i64, out: &mut Vec<u8>) {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_date(days);
    match year {
        0..=9999 => {
            out.extend_from_slice(&TWO_DIGITS[(year / 100) as usize]);
            out.extend_from_slice(&TWO_DIGITS[(year % 100) as usize]);
        }
        10_000..=MAX_YEAR => {
            out.push(b'+');
            out.extend_from_slice(itoa::Buffer::new().format(year).as_bytes());
        }
        MIN_YEAR..0 => out.extend_from_slice(format!("-{:04}", -year).as_bytes()),
        _ => {
            out.push(b'@');
            out.extend_from_slice(itoa::Buffer::new().format(seconds).as_bytes());
            return;
        }
    }
    // The rest is filled on the stack and appended at once; every part is below 100.
    let mut text = *b"-00-00T00:00:00Z";
    text[1..3].copy_from_slice(&TWO_DIGITS[month as usize]);
    text[4..6].copy_from_slice(&TWO_DIGITS[day as usize]);
    text[7..9].copy_from_slice(&TWO_DIGITS[(secs / 3600) as usize]);
    text[10..12].copy_from_slice(&TWO_DIGITS[(secs / 60 % 60) as usize]);
    text[13..15].copy_from_slice(&TWO_DIGITS[(secs % 60) as usize]);
    out.extend_from_slice(&text);
}

/// The years chrono can show.
const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;

/// `00` to `99`.
const TWO_DIGITS: [[u8; 2]; 100] = {
    let mut table = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

/// Year, month and day of day `days` after 1970-01-01 (proleptic Gregorian; eras of 400
/// years counted from 0000-03-01).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A compact span: `3h12m`, `41s`, `2d4h`, `1y30d`. Two units at most.
pub fn span(seconds: i64) -> String {
    let mut out = Vec::with_capacity(12);
    write_span(seconds, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Append [`span`] of `seconds` to `out` (batch output writes one or two per token).
pub fn write_span(seconds: i64, out: &mut Vec<u8>) {
    let s = seconds.unsigned_abs();
    if s == 0 {
        out.extend_from_slice(b"0s");
        return;
    }
    // The largest unit that fits, then the next one down if it is not zero: only adjacent
    // units ("1y30d", never "1y5s"). Spelled out per unit so that every divisor is a
    // constant (a multiplication): looked up from a table, they were three hardware
    // divisions per span, and a batch's verify writes two spans per token.
    const MINUTE: u64 = 60;
    const HOUR: u64 = 3_600;
    const DAY: u64 = 86_400;
    const YEAR: u64 = 365 * DAY;
    let (count, unit, rest, next) = if s >= YEAR {
        (s / YEAR, b'y', s % YEAR / DAY, b'd')
    } else if s >= DAY {
        (s / DAY, b'd', s % DAY / HOUR, b'h')
    } else if s >= HOUR {
        (s / HOUR, b'h', s % HOUR / MINUTE, b'm')
    } else if s >= MINUTE {
        (s / MINUTE, b'm', s % MINUTE, b's')
    } else {
        (s, b's', 0, b's')
    };
    write_count(count, out);
    out.push(unit);
    if rest > 0 {
        write_count(rest, out);
        out.push(next);
    }
}

/// A count of a unit: below 100 from the table, else through itoa (years).
fn write_count(n: u64, out: &mut Vec<u8>) {
    match n {
        0..=9 => out.push(b'0' + n as u8),
        10..=99 => out.extend_from_slice(&TWO_DIGITS[n as usize]),
        _ => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
    }
}

/// Parse `--at`: RFC 3339 (`2026-11-23T10:00:00Z`) or Unix seconds (`1700000000`).
pub fn parse_instant(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return if (0..=MAX_NUMERIC_DATE).contains(&seconds) {
            Ok(seconds)
        } else {
            Err(format!("{seconds} is outside 1970..9999"))
        };
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| {
            format!("expected RFC 3339 (2026-11-23T10:00:00Z) or Unix seconds, got {text:?}: {e}")
        })
}

/// Parse a duration such as `90s`, `15m`, `12h`, `7d`, `2w`, or a combination (`1h30m`).
/// Bare numbers are seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("invalid duration {text:?}: use e.g. 90s, 15m, 12h, 7d, 2w, 1h30m");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<i64>() {
        return if seconds >= 0 {
            Ok(seconds)
        } else {
            Err(bad())
        };
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= MAX_NUMERIC_DATE)
            .ok_or_else(|| format!("duration {text:?} is too long"))?;
    }
    if digits.is_empty() {
        Ok(total)
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{SecondsFormat, Utc};
    use serde_json::json;

    #[test]
    fn numeric_dates() {
        assert_eq!(numeric_date(&json!(1_700_000_000)), Ok(1_700_000_000));
        assert_eq!(numeric_date(&json!(1_700_000_000.9)), Ok(1_700_000_000));
        for bad in [
            json!("1700000000"),
            json!(null),
            json!(true),
            json!(-1),
            json!(-0.5),
            json!(1e308),
            json!(u64::MAX),
            json!(MAX_NUMERIC_DATE + 1),
            json!([1]),
        ] {
            assert!(numeric_date(&bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn rfc3339_matches_chrono() {
        let mut t: i64 = 0;
        while t <= MAX_NUMERIC_DATE {
            let chrono = DateTime::<Utc>::from_timestamp(t, 0)
                .unwrap()
                .to_rfc3339_opts(SecondsFormat::Secs, true);
            assert_eq!(rfc3339(t), chrono, "{t}");
            t += 86_399 * 37 + 12_345;
        }
        for t in [0, 951_782_400, 4_107_542_399, MAX_NUMERIC_DATE] {
            let chrono = DateTime::<Utc>::from_timestamp(t, 0).unwrap();
            assert_eq!(
                rfc3339(t),
                chrono.to_rfc3339_opts(SecondsFormat::Secs, true)
            );
        }
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    fn chrono(t: i64) -> String {
        DateTime::<Utc>::from_timestamp(t, 0)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_else(|| format!("@{t}"))
    }

    #[test]
    fn instants_outside_the_numeric_dates_match_chrono() {
        for t in [
            -1,
            -62_167_219_200,
            -62_167_219_201,
            MAX_NUMERIC_DATE + 1,
            8_210_266_876_799,
            8_210_266_876_800,
            -8_334_601_228_800,
            -8_334_601_228_801,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(rfc3339(t), chrono(t), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_instant_matches_chrono(t in 0..=MAX_NUMERIC_DATE) {
            proptest::prop_assert_eq!(rfc3339(t), chrono(t));
        }

        #[test]
        fn any_wider_instant_matches_chrono(t in -9_000_000_000_000i64..9_000_000_000_000) {
            proptest::prop_assert_eq!(rfc3339(t), chrono(t));
        }
    }

    #[test]
    fn spans() {
        assert_eq!(span(0), "0s");
        assert_eq!(span(41), "41s");
        assert_eq!(span(-(3 * 3600 + 12 * 60 + 5)), "3h12m");
        assert_eq!(span(86_400 * 2 + 3600 * 4), "2d4h");
        assert_eq!(span(365 * 86_400 + 5), "1y");
        assert_eq!(span(3600 + 5), "1h");
        assert_eq!(span(59), "59s");
        assert_eq!(span(60), "1m");
        assert_eq!(span(61), "1m1s");
        assert_eq!(span(99 * 86_400 + 23 * 3600), "99d23h");
        assert_eq!(span(100 * 86_400), "100d");
        assert_eq!(span(-(3_153_442_989)), "99y363d");
        assert_eq!(span(i64::MIN), "292471208677y195d");
        assert_eq!(span(i64::MAX), "292471208677y195d");
    }

    proptest::proptest! {
        /// The span in words adds up: the largest unit that fits, then the next one down
        /// (when not zero), and what is left is less than that next unit.
        #[test]
        fn spans_add_up(seconds in proptest::num::i64::ANY) {
            let text = span(seconds);
            let units = [('y', 365 * 86_400u64), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
            let mut parts = Vec::new();
            let mut digits = String::new();
            for c in text.chars() {
                if c.is_ascii_digit() {
                    digits.push(c);
                } else {
                    let at = units.iter().position(|&(u, _)| u == c).unwrap();
                    parts.push((at, digits.parse::<u64>().unwrap()));
                    digits.clear();
                }
            }
            let s = seconds.unsigned_abs();
            if s == 0 {
                proptest::prop_assert_eq!(text, "0s");
                return Ok(());
            }
            let (first, count) = parts[0];
            proptest::prop_assert_eq!(count, s / units[first].1);
            proptest::prop_assert!(count > 0);
            // The largest unit that fits: not "60m" for an hour.
            proptest::prop_assert!(first == 0 || s < units[first - 1].1);
            let rest = s % units[first].1;
            match parts.get(1) {
                Some(&(second, count)) => {
                    proptest::prop_assert_eq!(second, first + 1);
                    proptest::prop_assert_eq!(count, rest / units[second].1);
                    proptest::prop_assert!(count > 0);
                }
                None => proptest::prop_assert!(
                    first + 1 == units.len() || rest < units[first + 1].1
                ),
            }
            proptest::prop_assert!(parts.len() <= 2);
        }
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_instant("2023-11-14T22:13:20Z"), Ok(1_700_000_000));
        assert_eq!(
            parse_instant("2023-11-14T23:13:20+01:00"),
            Ok(1_700_000_000)
        );
        assert!(parse_instant("yesterday").is_err());
        assert!(parse_instant("-5").is_err());
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        for bad in ["", "m", "15x", "-5", "5m3", "99999999999999999999w"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
