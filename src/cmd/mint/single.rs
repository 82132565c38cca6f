//! One mint: from the token given as an argument, or from `--claim`s alone.

use super::minter::Minter;
use crate::error::Failure;
use crate::exit::Exit;
use crate::text::escape;
use std::io::Write;
use std::sync::PoisonError;

impl Minter<'_> {
    /// Mint from `bytes` (or from the recipe alone), asking first when `interactive`.
    pub(super) fn single(
        &self,
        bytes: Option<&[u8]>,
        interactive: bool,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> anyhow::Result<Exit> {
        let mut messages = Vec::new();
        let (pending, exit) = match self.mint(bytes.map(|b| (b, false))) {
            Ok(minted) => {
                if interactive && !self.confirm(&minted, err) {
                    let _ = writeln!(err, "jwtctl: nothing minted, no audit record written");
                    return Ok(Exit::Interrupted);
                }
                (self.ready(1, minted), Exit::Ok)
            }
            Err(failure) => self.failed(1, &failure, false, &mut messages),
        };
        let _ = err.write_all(&messages);
        let mut text = Vec::new();
        self.commit(vec![pending], &mut text)
            .map_err(Failure::from)?;
        out.write_all(&text)?;
        out.flush()?;
        self.forward_warning(err);
        let stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        if exit == Exit::Ok && !self.output.json {
            let _ = writeln!(
                err,
                "jwtctl: minted 1 token; audit record #{} in {}",
                stats.last_seq.unwrap_or_default(),
                escape(&self.audit_path.to_string_lossy())
            );
        }
        if let Some(head) = stats.head.as_ref().filter(|_| exit == Exit::Ok) {
            // A checkpoint for whoever keeps job logs: `audit verify --expect-head` checks it.
            let _ = writeln!(err, "jwtctl: audit head {head}");
        }
        Ok(exit)
    }
}
