//! A line of the log is a mint [`Record`] or a [`RepairRecord`]: what `audit repair` cut from
//! an unfinished last line. Both are chained alike; a repair record is told apart by its
//! `"kind":"repair"` member, right after `seq`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::record::{
    Body, FORMAT_VERSION, LineFault, OsIdentity, Record, check_digest, one_line, parse_line,
    write_line,
};

/// One valid line of the log. (Mints are nearly every line: they are kept inline, and the
/// rare repair boxed would save nothing worth an allocation per mint.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Entry {
    /// A mint.
    Mint(Record),
    /// A repair.
    Repair(RepairRecord),
}

impl Entry {
    /// The sequence number.
    pub(crate) fn seq(&self) -> u64 {
        match self {
            Entry::Mint(r) => r.seq,
            Entry::Repair(r) => r.seq,
        }
    }

    /// The `prev` link.
    pub(crate) fn prev(&self) -> &str {
        match self {
            Entry::Mint(r) => &r.prev,
            Entry::Repair(r) => &r.prev,
        }
    }

    /// When it was written.
    pub(crate) fn time(&self) -> DateTime<Utc> {
        match self {
            Entry::Mint(r) => r.facts.time,
            Entry::Repair(r) => r.facts.time(),
        }
    }

    /// The declared operator.
    pub(crate) fn operator(&self) -> &str {
        match self {
            Entry::Mint(r) => &r.facts.operator,
            Entry::Repair(r) => &r.facts.operator,
        }
    }
}

/// What a repair did to the unfinished last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RepairAction {
    /// The unfinished line was cut off.
    Cut,
    /// The last line was a whole record missing only its newline: the newline was added.
    Terminated,
}

/// The facts of one repair, in line order (after `"kind":"repair"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RepairFacts {
    /// When, as UTC RFC 3339 with whole seconds.
    pub(crate) time: String,
    /// The declared operator.
    pub(crate) operator: String,
    /// The host.
    pub(crate) host: String,
    /// The OS identity of the process.
    #[serde(flatten)]
    pub(crate) os: OsIdentity,
    /// What was done.
    pub(crate) action: RepairAction,
    /// How many bytes were cut (0 when a newline was added).
    pub(crate) bytes: u64,
    /// `sha256:<64 hex>` of the bytes cut (or of the line that was ended).
    pub(crate) bytes_sha256: String,
}

impl RepairFacts {
    fn time(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&self.time)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    /// The record body: `"kind":"repair"` and the facts.
    pub(crate) fn body(&self) -> Body {
        #[derive(Serialize)]
        struct View<'a> {
            kind: &'static str,
            #[serde(flatten)]
            facts: &'a RepairFacts,
        }
        let mut out = Vec::with_capacity(384);
        // Serialising into a Vec cannot fail.
        let _ = serde_json::to_writer(
            &mut out,
            &View {
                kind: "repair",
                facts: self,
            },
        );
        // Drop the braces: a body is members only.
        out.pop();
        out.remove(0);
        Body::from_members(out)
    }
}

/// A repair line: `{"v":1,"seq":N,"kind":"repair",…,"prev":"…"}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RepairRecord {
    /// Sequence number.
    pub(crate) seq: u64,
    /// What was repaired.
    pub(crate) facts: RepairFacts,
    /// The chain link.
    pub(crate) prev: String,
}

// Unknown members are caught by the canonical-form check (serde cannot deny them beside a
// flattened member).
#[derive(Deserialize)]
struct RepairLine {
    v: u32,
    seq: u64,
    kind: String,
    #[serde(flatten)]
    facts: RepairFacts,
    prev: String,
}

/// Whether a line is a repair record: `"kind":"repair"` is the first member after `seq`.
fn is_repair(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"{\"v\":1,\"seq\":") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    rest[digits..].starts_with(b",\"kind\":\"repair\",")
}

/// Parses and checks one line (without its newline) the way the verifier does.
pub(crate) fn parse_entry(line: &[u8]) -> Result<Entry, LineFault> {
    if !is_repair(line) {
        return parse_line(line).map(Entry::Mint);
    }
    let schema = |message: String| LineFault::Schema {
        message: one_line(&message),
    };
    let parsed: RepairLine = serde_json::from_slice(line).map_err(|e| schema(e.to_string()))?;
    if parsed.v != FORMAT_VERSION || parsed.kind != "repair" || parsed.seq == 0 {
        return Err(schema("not a valid repair record".into()));
    }
    check_digest("prev", &parsed.prev).map_err(schema)?;
    check_digest("bytes_sha256", &parsed.facts.bytes_sha256).map_err(schema)?;
    let record = RepairRecord {
        seq: parsed.seq,
        facts: parsed.facts,
        prev: parsed.prev,
    };
    let mut again = Vec::with_capacity(line.len());
    write_line(record.seq, &record.facts.body(), &record.prev, &mut again);
    if again != line {
        return Err(schema(
            "not in canonical form (fields reformatted, reordered, added or missing)".into(),
        ));
    }
    Ok(Entry::Repair(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{GENESIS, sha256_tagged};

    fn sample() -> RepairRecord {
        RepairRecord {
            seq: 3,
            facts: RepairFacts {
                time: "2026-01-02T03:04:05Z".into(),
                operator: "alice".into(),
                host: "build-7".into(),
                os: OsIdentity {
                    uid: Some(1000),
                    os_user: Some("alice".into()),
                    sudo_user: None,
                },
                action: RepairAction::Cut,
                bytes: 17,
                bytes_sha256: sha256_tagged(b"torn"),
            },
            prev: GENESIS.into(),
        }
    }

    #[test]
    fn a_repair_line_round_trips_and_is_canonical() {
        let record = sample();
        let mut line = Vec::new();
        write_line(record.seq, &record.facts.body(), &record.prev, &mut line);
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"v":1,"seq":3,"kind":"repair","time":"2026-01-02T03:04:05Z""#),
            "{text}"
        );
        assert!(text.contains(r#""uid":1000,"os_user":"alice","action":"cut","bytes":17"#));
        assert_eq!(parse_entry(&line), Ok(Entry::Repair(record)));
        let spaced = text.replace(r#""bytes":17"#, r#""bytes": 17"#);
        assert!(parse_entry(spaced.as_bytes()).is_err());
        let extra = text.replace(r#""bytes":17"#, r#""bytes":17,"x":1"#);
        assert!(parse_entry(extra.as_bytes()).is_err());
    }

    #[test]
    fn a_mint_record_holding_the_words_is_still_a_mint() {
        assert!(!is_repair(
            br#"{"v":1,"seq":3,"time":"x","reason":"\"kind\":\"repair\","}"#
        ));
        assert!(is_repair(br#"{"v":1,"seq":12,"kind":"repair","#));
    }
}
