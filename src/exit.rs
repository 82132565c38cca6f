//! The one place that owns jwtctl's exit codes.
//!
//! Every command ends in an [`Exit`]. The table below is rendered into `--help`, the man pages
//! and the README, and pinned by tests, so scripts can rely on it.

use std::fmt;

/// A process outcome. The numeric codes are a public contract: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// Everything asked for succeeded (token valid, fingerprint matched, log intact).
    Ok,
    /// The signature does not match any given key, or a fingerprint does not match.
    Mismatch,
    /// Command-line usage error (clap's own code).
    Usage,
    /// Signature fine, but claims were rejected: expired, not yet valid, issuer, audience,
    /// a required claim or `typ`.
    ClaimsRejected,
    /// The input is not a well-formed compact JWS/JWT.
    Malformed,
    /// A key or secret could not be read or used (missing, weak-and-refused, wrong type,
    /// key confusion, unsupported algorithm).
    KeyUnusable,
    /// The audit log could not be written (so nothing was minted) or failed verification.
    AuditFailure,
    /// Some other input/output failure (unreadable file, network).
    Io,
    /// Interrupted by a signal (SIGINT).
    Interrupted,
}

impl Exit {
    /// Every variant, in table order.
    pub const ALL: [Exit; 9] = [
        Exit::Ok,
        Exit::Mismatch,
        Exit::Usage,
        Exit::ClaimsRejected,
        Exit::Malformed,
        Exit::KeyUnusable,
        Exit::AuditFailure,
        Exit::Io,
        Exit::Interrupted,
    ];

    /// The numeric process exit code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Mismatch => 1,
            Exit::Usage => 2,
            Exit::ClaimsRejected => 3,
            Exit::Malformed => 4,
            Exit::KeyUnusable => 5,
            Exit::AuditFailure => 6,
            Exit::Io => 7,
            Exit::Interrupted => 130,
        }
    }

    /// A stable machine name, used in JSON output.
    pub const fn name(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Mismatch => "mismatch",
            Exit::Usage => "usage",
            Exit::ClaimsRejected => "claims_rejected",
            Exit::Malformed => "malformed",
            Exit::KeyUnusable => "key_unusable",
            Exit::AuditFailure => "audit_failure",
            Exit::Io => "io",
            Exit::Interrupted => "interrupted",
        }
    }

    /// One line for humans.
    pub const fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "success: token valid, fingerprint matched, audit log intact",
            Exit::Mismatch => "signature matches no given key, or fingerprint mismatch",
            Exit::Usage => "usage error (bad flag or value)",
            Exit::ClaimsRejected => {
                "claims rejected: expired, not yet valid, issuer, audience, required claim, typ"
            }
            Exit::Malformed => "malformed token (structure, base64url, JSON, size)",
            Exit::KeyUnusable => "key or secret missing, unreadable, weak-and-refused or unusable",
            Exit::AuditFailure => "audit log failure: nothing minted, or the chain is broken",
            Exit::Io => "other input/output error (file, network)",
            Exit::Interrupted => "interrupted",
        }
    }

    /// Severity used to fold many per-token outcomes into one batch exit code: the most
    /// severe outcome wins. Fatal, run-level failures outrank per-token verdicts; among
    /// verdicts, a token we could not read outranks one with a bad signature, which outranks
    /// one whose claims were rejected.
    const fn severity(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::ClaimsRejected => 1,
            Exit::Mismatch => 2,
            Exit::Malformed => 3,
            Exit::KeyUnusable => 4,
            Exit::Io => 5,
            Exit::AuditFailure => 6,
            Exit::Usage => 7,
            Exit::Interrupted => 8,
        }
    }

    /// Fold two outcomes of one batch into one (see [`Exit::severity`]).
    pub fn merge(self, other: Exit) -> Exit {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The table as plain text, for `--help` and man pages.
    pub fn table() -> String {
        // Built without the formatting machinery: the root's --help text holds it, and that is
        // built at every start.
        let mut out = String::with_capacity(1024);
        for exit in Exit::ALL {
            let code = exit.code();
            let width = if code >= 100 {
                3
            } else if code >= 10 {
                2
            } else {
                1
            };
            out.push_str(&"     "[..5 - width]);
            out.push_str(itoa::Buffer::new().format(code));
            out.push_str("  ");
            out.push_str(exit.meaning());
            out.push('\n');
        }
        out.push_str(BATCH_RULE);
        out.push('\n');
        out
    }
}

/// How a batch's per-token outcomes become one exit code.
pub const BATCH_RULE: &str = "  Batches (many tokens on stdin) exit with the most severe per-token outcome, \
in this order (least to most severe): 0, 3, 1, 4, 5; run-level failures (7, 6, 2, 130) outrank them. \
Per-token results are in the output; a broken pipe on stdout is not an error.";

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_distinct_and_stable() {
        let codes: HashSet<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), Exit::ALL.len());
        assert_eq!(Exit::Usage.code(), 2, "clap's usage code");
        assert_eq!(Exit::Interrupted.code(), 130);
        let pinned: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(pinned, [0, 1, 2, 3, 4, 5, 6, 7, 130]);
    }

    #[test]
    fn merge_keeps_the_most_severe() {
        assert_eq!(Exit::Ok.merge(Exit::ClaimsRejected), Exit::ClaimsRejected);
        assert_eq!(Exit::ClaimsRejected.merge(Exit::Mismatch), Exit::Mismatch);
        assert_eq!(Exit::Mismatch.merge(Exit::ClaimsRejected), Exit::Mismatch);
        assert_eq!(Exit::Malformed.merge(Exit::Mismatch), Exit::Malformed);
        assert_eq!(Exit::Ok.merge(Exit::Ok), Exit::Ok);
        assert_eq!(Exit::Io.merge(Exit::Malformed), Exit::Io);
    }

    #[test]
    fn table_lists_every_code() {
        let table = Exit::table();
        for exit in Exit::ALL {
            assert!(table.contains(exit.meaning()), "{exit} missing");
        }
    }
}
