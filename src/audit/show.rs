//! Listing the records that match a filter.

use std::io::{self, BufRead};

use chrono::{DateTime, Utc};

use super::entry::{Entry, parse_entry};
use super::lines::LineReader;

/// Which records [`show`] passes on. Every condition that is set must hold; an empty filter
/// matches every record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    /// Only records minted at or after this instant.
    pub(crate) since: Option<DateTime<Utc>>,
    /// Only records minted at or before this instant.
    pub(crate) until: Option<DateTime<Utc>>,
    /// Only records of this operator (exact match).
    pub(crate) operator: Option<String>,
    /// Only records for this user id: equal to a string id, or to a numeric id's decimal form.
    pub(crate) user: Option<String>,
}

impl Filter {
    /// Whether `entry` passes this filter. A repair record concerns no user: a user filter
    /// leaves it out.
    pub(crate) fn matches(&self, entry: &Entry) -> bool {
        let time = entry.time();
        self.since.is_none_or(|since| time >= since)
            && self.until.is_none_or(|until| time <= until)
            && self
                .operator
                .as_ref()
                .is_none_or(|operator| operator == entry.operator())
            && self.user.as_ref().is_none_or(|user| match entry {
                Entry::Mint(record) => user_matches(&record.facts.user_id, user),
                Entry::Repair(_) => false,
            })
    }
}

fn user_matches(user_id: &serde_json::Value, wanted: &str) -> bool {
    match user_id {
        serde_json::Value::String(id) => id == wanted,
        serde_json::Value::Number(id) => id.to_string() == wanted,
        _ => false,
    }
}

/// Streams the records of a log that match `filter`, calling `each` with the record and its raw
/// line (without the newline), and returns how many matched.
///
/// This reads records; it does not check the hash chain (that is [`verify`](super::verify)'s
/// job). A line that is not a valid record stops the listing with an
/// [`io::ErrorKind::InvalidData`] error naming the line; records before it were already passed on.
/// An error returned by `each` (e.g. a broken pipe) stops the listing and is returned as is.
pub(crate) fn show(
    reader: impl BufRead,
    filter: &Filter,
    mut each: impl FnMut(&Entry, &str) -> io::Result<()>,
) -> io::Result<u64> {
    let mut lines = LineReader::new(reader);
    let mut matched = 0;
    while let Some(line) = lines.next_line()? {
        let invalid = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {} of the audit log {why}; run `jwtctl audit verify`",
                    line.number
                ),
            )
        };
        if line.too_long {
            return Err(invalid("is too long to be a record".into()));
        }
        let record =
            parse_entry(&line.bytes).map_err(|fault| invalid(format!("is {}", fault.message())))?;
        if filter.matches(&record) {
            // A valid record is valid JSON, hence UTF-8.
            let text =
                std::str::from_utf8(&line.bytes).map_err(|_| invalid("is not UTF-8".into()))?;
            each(&record, text)?;
            matched += 1;
        }
    }
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::append;
    use crate::audit::record::tests::sample_facts;
    use chrono::TimeZone;

    /// Four records: users "user-1" (alice), 2 (bob, numeric id), "user-3" (alice), "user-4"
    /// (bob), minted one hour apart from 2026-01-01T00:00:00Z.
    fn sample_log() -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let facts: Vec<_> = (1..=4)
            .map(|n| {
                let mut facts = sample_facts(n);
                facts.time = at_hour(n - 1);
                facts.operator = if n % 2 == 1 { "alice" } else { "bob" }.into();
                if n == 2 {
                    facts.user_id = serde_json::json!(2);
                }
                facts
            })
            .collect();
        append(&path, &facts).unwrap();
        std::fs::read(&path).unwrap()
    }

    fn at_hour(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap()
    }

    fn shown(log: &[u8], filter: &Filter) -> Vec<u64> {
        let mut seqs = Vec::new();
        let count = show(log, filter, |record, line| {
            assert!(line.contains(&format!("\"seq\":{}", record.seq())));
            seqs.push(record.seq());
            Ok(())
        })
        .unwrap();
        assert_eq!(count, seqs.len() as u64);
        seqs
    }

    #[test]
    fn filters_select_records() {
        let log = sample_log();
        let user = |u: &str| Filter {
            user: Some(u.into()),
            ..Filter::default()
        };
        let rows: Vec<(&str, Filter, Vec<u64>)> = vec![
            ("everything", Filter::default(), vec![1, 2, 3, 4]),
            (
                "since (inclusive)",
                Filter {
                    since: Some(at_hour(1)),
                    ..Filter::default()
                },
                vec![2, 3, 4],
            ),
            (
                "until (inclusive)",
                Filter {
                    until: Some(at_hour(1)),
                    ..Filter::default()
                },
                vec![1, 2],
            ),
            (
                "operator",
                Filter {
                    operator: Some("alice".into()),
                    ..Filter::default()
                },
                vec![1, 3],
            ),
            ("string user", user("user-3"), vec![3]),
            ("numeric user", user("2"), vec![2]),
            ("no such user", user("user-2"), vec![]),
            (
                "all at once",
                Filter {
                    since: Some(at_hour(1)),
                    until: Some(at_hour(3)),
                    operator: Some("bob".into()),
                    user: Some("user-4".into()),
                },
                vec![4],
            ),
        ];
        for (name, filter, want) in rows {
            assert_eq!(shown(&log, &filter), want, "{name}");
        }
    }

    #[test]
    fn invalid_line_stops_with_its_number() {
        let log = [sample_log(), b"garbage\n".to_vec()].concat();
        let mut seen = 0;
        let err = show(&log[..], &Filter::default(), |_, _| {
            seen += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("line 5"), "{err}");
        assert_eq!(seen, 4);
    }

    #[test]
    fn callback_error_stops_the_listing() {
        let log = sample_log();
        let mut seen = 0;
        let err = show(&log[..], &Filter::default(), |_, _| {
            seen += 1;
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        })
        .unwrap_err();
        assert_eq!((err.kind(), seen), (io::ErrorKind::BrokenPipe, 1));
    }
}
