//! The per-run minting state and what it does per token: mint and sign (on any worker
//! thread), prepare the audit record body and output line, and commit a run of them.

use super::error::MintFailure;
use super::policy::{SourceCheck, Trust};
use crate::audit::{self, Body, RunFacts, TokenFacts};
use crate::cmd::Output;
use crate::cmd::progress::Progress;
use crate::exit::Exit;
use crate::keys::signature::Prepared;
use crate::mint::{self, Draft, Fresh, Old, Recipe, Sealed};
use crate::render::error_line::ErrorLine;
use crate::render::mint::{self as render, MintedJson};
use crate::render::style::Role;
use crate::text::escape;
use crate::token::{self, ReadOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// A token minted and signed, before its audit record and output are prepared.
pub(super) struct Minted<'a> {
    /// The old token as given.
    pub(super) old_compact: Option<&'a str>,
    /// The old claims, kept only when a confirmation summary may show them.
    pub(super) old_claims: Option<serde_json::Map<String, serde_json::Value>>,
    pub(super) draft: Draft,
    pub(super) sealed: Sealed,
    pub(super) trust: Trust<'a>,
}

/// One line's result, in input order.
pub(super) enum Pending {
    /// Minted, and waiting for its audit record: built (record body, digests, output line) on
    /// the worker thread that minted it, so the sequential part of a chunk is only the append.
    Minted {
        line: u64,
        /// The audit record's body.
        body: Body,
        /// The output: the token line, or in JSON mode the object up to `"audit_seq":`.
        out: Vec<u8>,
        /// For JSON mode's `source_verified`, after the sequence number.
        source_verified: bool,
    },
    /// The line could not be minted; its JSON error object (empty in human mode, or an empty
    /// line in a batch).
    Failed { line: u64, json: Vec<u8> },
}

impl Pending {
    pub(super) fn line(&self) -> u64 {
        match self {
            Pending::Minted { line, .. } | Pending::Failed { line, .. } => *line,
        }
    }
}

/// What a run has minted so far.
#[derive(Default)]
pub(super) struct Stats {
    pub(super) minted: u64,
    pub(super) failed: u64,
    pub(super) first_seq: Option<u64>,
    pub(super) last_seq: Option<u64>,
    /// The log's head after the last append: a checkpoint to keep.
    pub(super) head: Option<audit::Checkpoint>,
}

/// The per-run minting state.
pub(super) struct Minter<'k> {
    pub(super) recipe: Recipe,
    pub(super) key: Prepared<'k>,
    pub(super) source: SourceCheck<'k>,
    pub(super) read: ReadOptions,
    pub(super) now: i64,
    pub(super) audit_path: PathBuf,
    /// What every audit record of this run shares, rendered once.
    pub(super) run_facts: RunFacts,
    pub(super) output: Output,
    /// A confirmation summary may be shown (not a batch): keep the old claims for it.
    pub(super) summarize: bool,
    /// A batch chunk's results, until the chunk is settled.
    pub(super) pending: Mutex<Vec<Pending>>,
    pub(super) stats: Mutex<Stats>,
    pub(super) progress: Progress,
    /// `--audit-forward`: where each record goes once synced.
    pub(super) forward: Option<super::forward::Forwarder>,
}

impl Minter<'_> {
    /// The warning for records that could not be forwarded (not fatal), once per run.
    pub(super) fn forward_warning(&self, err: &mut dyn Write) {
        if let Some(text) = self.forward.as_ref().and_then(|f| f.warning()) {
            crate::cmd::warn(err, &self.output.err_style, &text);
        }
    }

    /// Mint from one old token (or none), without writing anything yet. `input` is the line
    /// and whether it was cut short for being too long.
    pub(super) fn mint<'a>(
        &'a self,
        input: Option<(&'a [u8], bool)>,
    ) -> Result<Minted<'a>, MintFailure> {
        let fresh = Fresh {
            now: self.now,
            jti: random_jti()?,
        };
        let Some((bytes, oversized)) = input else {
            let draft = mint::draft(None, &self.recipe, &fresh).map_err(MintFailure::Mint)?;
            let sealed =
                mint::seal(&draft, self.recipe.alg, &self.key).map_err(MintFailure::Mint)?;
            return Ok(Minted {
                old_compact: None,
                old_claims: None,
                draft,
                sealed,
                trust: Trust::NoSource,
            });
        };
        if oversized {
            return Err(MintFailure::TooLarge { len: bytes.len() });
        }
        let token = token::extract(bytes)
            .and_then(|t| token::parse(t, &self.read))
            .map_err(MintFailure::Malformed)?;
        let trust = self.source.trust(&token)?;
        let claims = token.claim_set().ok_or_else(|| {
            // The reader is set to accept only claim sets; say so rather than panic if not.
            MintFailure::Malformed(token::Malformed::new(
                token::Segment::Payload,
                "not_object",
                "is not a JSON claim set",
            ))
        })?;
        let old = Old {
            header: &token.header,
            claims,
        };
        let draft = mint::draft(Some(old), &self.recipe, &fresh).map_err(MintFailure::Mint)?;
        let sealed = mint::seal(&draft, self.recipe.alg, &self.key).map_err(MintFailure::Mint)?;
        Ok(Minted {
            old_compact: Some(token.compact()),
            old_claims: self.summarize.then(|| claims.map().clone()),
            draft,
            sealed,
            trust,
        })
    }

    /// A minted token's audit record body and output, ready for its sequence number.
    pub(super) fn ready(&self, line: u64, minted: Minted<'_>) -> Pending {
        let source_verified = matches!(minted.trust, Trust::Verified(_));
        let draft = &minted.draft;
        let body = self.run_facts.body(&TokenFacts {
            id_claim: &draft.id_claim,
            user_id: &draft.user_id,
            old_jti: draft.old_jti.as_deref(),
            new_jti: draft.new_jti.as_deref(),
            new_exp: draft.exp,
            old_token: minted.old_compact,
            new_token: &minted.sealed.compact,
            new_payload: &minted.sealed.payload,
            source_verified,
        });
        let out = if self.output.json {
            let mut out = Vec::with_capacity(2 * minted.sealed.compact.len() + 64);
            render::json_start(
                &MintedJson {
                    kind: "minted",
                    line,
                    token: &minted.sealed.compact,
                    header: &draft.header,
                    claims: &draft.claims,
                    exp: draft.exp,
                },
                &mut out,
            );
            out
        } else {
            let mut out = minted.sealed.compact.into_bytes();
            out.push(b'\n');
            out
        };
        Pending::Minted {
            line,
            body,
            out,
            source_verified,
        }
    }

    /// Append the audit records of every minted token in `pending` (one lock, one sync),
    /// then render all of them, in order, to `out`. Nothing is rendered when the append fails.
    pub(super) fn commit(
        &self,
        pending: Vec<Pending>,
        out: &mut Vec<u8>,
    ) -> Result<(), MintFailure> {
        let bodies: Vec<&Body> = pending
            .iter()
            .filter_map(|p| match p {
                Pending::Minted { body, .. } => Some(body),
                Pending::Failed { .. } => None,
            })
            .collect();
        let mut hashes: Vec<audit::Tagged> = Vec::with_capacity(bodies.len());
        let mut forwarded = Vec::new();
        let appended = if bodies.is_empty() {
            None
        } else {
            let appended = audit::append_bodies(&self.audit_path, &bodies, |_, seq, hash, line| {
                hashes.push(*hash);
                if let Some(forward) = &self.forward {
                    forwarded.push(forward.message(seq, hash.as_str(), line));
                }
            })
            .map_err(MintFailure::Audit)?;
            Some(appended)
        };
        drop(bodies);
        if let Some(forward) = &self.forward {
            // After the local sync, before any token is released.
            forward.send_all(&forwarded)?;
        }
        let mut seq = appended.as_ref().map_or(0, |a| a.first_seq);
        let mut hashes = hashes.iter();
        let mut stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(appended) = appended {
            stats.head = Some(appended.head);
        }
        for item in pending {
            match item {
                Pending::Minted {
                    out: text,
                    source_verified,
                    ..
                } => {
                    stats.minted += 1;
                    stats.first_seq.get_or_insert(seq);
                    stats.last_seq = Some(seq);
                    out.extend_from_slice(&text);
                    if self.output.json {
                        let hash = hashes.next().map_or("", audit::Tagged::as_str);
                        render::json_finish(seq, hash, source_verified, out);
                    }
                    // The append checked that every record's number fits.
                    seq = seq.wrapping_add(1);
                }
                Pending::Failed { json, .. } => {
                    stats.failed += 1;
                    out.extend_from_slice(&json);
                }
            }
        }
        Ok(())
    }

    /// Why one line could not be minted: its JSON error object (or, in human mode, its
    /// messages on `err` and an empty output line in a batch).
    pub(super) fn failed(
        &self,
        number: u64,
        failure: &MintFailure,
        batch: bool,
        err: &mut Vec<u8>,
    ) -> (Pending, Exit) {
        let mut json = Vec::new();
        if self.output.json {
            ErrorLine {
                line: number,
                exit: failure.exit(),
                code: failure.code(),
                segment: failure.segment(),
                message: &failure.to_string(),
            }
            .write(&mut json);
        } else {
            let place = if batch {
                format!("line {number}: ")
            } else {
                String::new()
            };
            let style = &self.output.err_style;
            let _ = writeln!(
                err,
                "jwtctl: {place}{} {}",
                style.paint(Role::Bad, "error:"),
                escape(&failure.to_string())
            );
            if let Some(hint) = failure.hint() {
                let _ = writeln!(
                    err,
                    "  {} {}",
                    style.paint(Role::Dim, "hint:"),
                    escape(&hint)
                );
            }
            if batch {
                // Keep output line N for input line N.
                json.push(b'\n');
            }
        }
        (Pending::Failed { line: number, json }, failure.exit())
    }
}

/// 16 bytes from the system's CSPRNG for the new `jti`. Not `aws_lc_rs::rand`: its first call
/// seeds a jitter-entropy collector per process and thread, which costs tens of milliseconds,
/// a lot for the one-token-per-process shell loops mint must keep cheap.
fn random_jti() -> Result<[u8; 16], MintFailure> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(MintFailure::Random)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_jtis_differ() {
        let draws: Vec<[u8; 16]> = (0..100)
            .map(|_| random_jti().unwrap_or_else(|f| panic!("{f}")))
            .collect();
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert_eq!(distinct.len(), draws.len());
        assert!(draws.iter().all(|d| d != &[0; 16]));
    }
}
