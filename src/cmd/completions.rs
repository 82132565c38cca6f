//! `jwtctl completions SHELL`: print the completion script generated from the clap definition
//! (byte for byte the file committed under `completions/`).

use crate::cli::CompletionsArgs;
use crate::exit::Exit;
use anyhow::Context as _;
use std::io::Write;

/// Write the script for `args.shell` on `out`. `--json` and `--quiet` do not apply: the
/// script is the product.
pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<Exit> {
    out.write_all(&crate::generate::completion(args.shell))
        .and_then(|()| out.flush())
        .context("writing the completion script")?;
    Ok(Exit::Ok)
}
