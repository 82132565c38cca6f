//! The confirmation on a terminal: the summary of what would be minted, then a yes/no
//! question whose default is no.

use super::minter::{Minted, Minter};
use super::policy::Trust;
use crate::audit;
use crate::render::mint::{self as render, Summary};
use std::io::Write;

impl Minter<'_> {
    /// Show the summary on stderr and ask; `false` unless the operator says yes.
    pub(super) fn confirm(&self, minted: &Minted<'_>, err: &mut dyn Write) -> bool {
        let prefix = minted.old_compact.map(audit::token_prefix);
        let verified = match &minted.trust {
            Trust::Verified(label) => Ok(*label),
            Trust::Unverified(why) => Err(why.as_ref()),
            Trust::NoSource => Err("no old token"),
        };
        let alg = format!("{:?}", self.recipe.alg);
        let path = self.audit_path.to_string_lossy();
        let summary = render::summary(
            &Summary {
                old_claims: minted.old_claims.as_ref(),
                old_prefix: prefix.as_deref(),
                verified,
                header: &minted.draft.header,
                claims: &minted.draft.claims,
                id: (&minted.draft.id_claim, &minted.draft.user_id),
                alg: &alg,
                key_label: &self.key.key.label,
                key_fingerprint: &self.key.key.fingerprint,
                exp: minted.draft.exp,
                now: self.now,
                audit_log: &path,
            },
            &self.output.err_style,
        );
        let _ = err.write_all(summary.as_bytes());
        let _ = err.flush();
        dialoguer::Confirm::new()
            .with_prompt("Mint this token and write its audit record?")
            .default(false)
            .interact()
            .unwrap_or(false)
    }
}
