//! Checkpoints: `SEQ:HASH`, a record's sequence number and the SHA-256 of its line, seen and
//! kept somewhere else (a CI job log, a ticket, a collector). Because every line carries the
//! hash of the one before it, a checkpoint vouches for its record and every record before it:
//! a log that still holds it was not rewritten up to there, nor cut short of it.

use std::fmt;

use serde::Serialize;

use super::record::check_digest;

/// A record's sequence number and line hash (`sha256:<64 hex>`); seq 0 with the genesis hash is
/// the head of an empty log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Checkpoint {
    /// The record's sequence number.
    pub(crate) seq: u64,
    /// `sha256:` and the hex SHA-256 of its line, without the newline.
    pub(crate) hash: String,
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl Checkpoint {
    /// Parses `SEQ:sha256:HEX` (or `SEQ:HEX`); hex digits in either case.
    pub(crate) fn parse(text: &str) -> Result<Checkpoint, String> {
        let text = text.trim();
        let (seq, hash) = text
            .split_once(':')
            .ok_or_else(|| "expected SEQ:HASH, e.g. 42:sha256:9f86d0…".to_string())?;
        let seq: u64 = seq
            .parse()
            .map_err(|_| format!("{seq:?} is not a sequence number"))?;
        let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
        let hash = format!("sha256:{}", hex.to_ascii_lowercase());
        check_digest("the hash", &hash)?;
        Ok(Checkpoint { seq, hash })
    }
}

/// How a checkpoint fared against the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CheckpointStatus {
    /// The log holds that record unchanged, and what follows extends it.
    Holds,
    /// The record with that seq has another hash: the log was rewritten at or before it.
    Differs,
    /// The log ends before that seq: records were cut off the end (or the log replaced).
    Missing,
    /// The chain breaks before that seq, so the record cannot be vouched for.
    Unreached,
}

/// One checkpoint's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CheckpointResult {
    /// The checkpoint given.
    pub(crate) seq: u64,
    /// Its hash.
    pub(crate) hash: String,
    /// How it fared.
    pub(crate) status: CheckpointStatus,
    /// The hash found at that seq, when another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) found: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let hex = "ab".repeat(32);
        let at = Checkpoint::parse(&format!("12:sha256:{hex}")).unwrap();
        assert_eq!(at.to_string(), format!("12:sha256:{hex}"));
        assert_eq!(
            Checkpoint::parse(&format!(" 12:{} ", hex.to_uppercase())),
            Ok(at)
        );
        for bad in ["", "12", "x:sha256:ab", "12:sha256:abc", "-1:ab"] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
