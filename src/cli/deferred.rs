//! Subcommand arguments that clap builds only when that subcommand runs.
//!
//! clap's derive builds every subcommand's arguments (names, help texts, value parsers) at each
//! start, though one run uses one subcommand. For `jwtctl decode <token>` that was about half of
//! the process's instructions. [`Deferred`] hands a subcommand's `augment_args` to
//! [`clap::Command::defer`], which runs it when clap descends into that subcommand, or when the
//! whole tree is built for completions, man pages and `--help` listings.

use super::Common;
use clap::{ArgMatches, Args, Command, FromArgMatches};
use std::ops::Deref;

/// A subcommand's arguments, `T`, declared to clap lazily; otherwise exactly `T`. With them,
/// the options every command takes ([`Common`]), as given after the subcommand's name.
#[derive(Debug)]
pub struct Deferred<T> {
    /// The subcommand's own arguments.
    pub args: T,
    /// `--color`, `--json`, `--quiet` as given after the subcommand's name.
    pub common: Common,
}

impl<T> Deref for Deferred<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.args
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: Command) -> Command {
        cmd.defer(|cmd| keep_about(cmd, |cmd| Common::augment_args(T::augment_args(cmd))))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd.defer(|cmd| {
            keep_about(cmd, |cmd| {
                Common::augment_args_for_update(T::augment_args_for_update(cmd))
            })
        })
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Runs `augment` on `cmd`, then puts back the about texts the subcommand's own doc comment
/// gave it. clap's derive applies a subcommand's doc comment after its argument struct's;
/// deferred, the struct's (`/// \`jwtctl decode\`.`) would come last and win. A subcommand
/// without a doc comment keeps its struct's, as with the derive alone. Other attributes set
/// on both the variant and the struct (`after_help`, ...) resolve the other way round: the
/// struct's win, so set each on one side only.
fn keep_about(cmd: Command, augment: fn(Command) -> Command) -> Command {
    let Some(about) = cmd.get_about().cloned() else {
        return augment(cmd);
    };
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd).about(about).long_about(None);
    match long_about {
        Some(long_about) => cmd.long_about(long_about),
        None => cmd,
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(Deferred {
            args: T::from_arg_matches(matches)?,
            common: Common::from_arg_matches(matches)?,
        })
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        Ok(Deferred {
            args: T::from_arg_matches_mut(matches)?,
            common: Common::from_arg_matches_mut(matches)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.args.update_from_arg_matches(matches)?;
        self.common.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.args.update_from_arg_matches_mut(matches)?;
        self.common.update_from_arg_matches_mut(matches)
    }
}
