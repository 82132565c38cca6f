//! Progress on stderr for long batches: only when stderr is a terminal and the results go
//! elsewhere (stdout and stdin not terminals), and only once a batch has run for a moment, so
//! short runs and scripts never see it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a batch runs before progress appears.
const DELAY: Duration = Duration::from_millis(700);

/// A lazily shown counter of processed lines.
pub(crate) struct Progress {
    enabled: bool,
    start: Instant,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress {
    /// Progress for this run; `enabled` is decided from the context's terminals.
    pub(crate) fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            start: Instant::now(),
            bar: Mutex::new(None),
        }
    }

    /// Whether a batch should show progress: stderr is a terminal, stdout and stdin are not.
    pub(crate) fn wanted(ctx: &crate::context::Context, quiet: bool) -> bool {
        ctx.stderr_tty && !ctx.stdout_tty && !ctx.stdin_tty && !quiet
    }

    /// `lines` inputs done so far.
    pub(crate) fn update(&self, lines: u64) {
        if !self.enabled || self.start.elapsed() < DELAY {
            return;
        }
        let Ok(mut bar) = self.bar.lock() else { return };
        let bar = bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {human_pos} tokens  {rate}  {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner())
                    .with_key(
                        "rate",
                        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.0}/s", state.per_sec());
                        },
                    ),
            );
            bar
        });
        bar.set_position(lines);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(Some(bar)) = self.bar.get_mut().map(Option::take) {
            bar.finish_and_clear();
        }
    }
}
