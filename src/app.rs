//! Dispatch: one entry point from parsed arguments to an exit code.

use crate::batch::Stream;
use crate::cli::{Cli, Command};
use crate::cmd::{self, Output};
use crate::context::Context;
use crate::error::classify;
use crate::exit::Exit;
use crate::render::style::Style;
use std::io::Write;

/// Run a parsed command line. Errors are reported on `err` and turned into an exit code here,
/// and only here.
pub fn run(
    cli: &Cli,
    ctx: &Context,
    stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let common = cli.common();
    let output = Output {
        json: common.json,
        quiet: common.quiet,
        style: Style::new(ctx.color(common.color(), ctx.stdout_tty)),
        err_style: Style::new(ctx.color(common.color(), ctx.stderr_tty)),
    };
    match dispatch(cli, ctx, output, stdin, out, err) {
        Ok(exit) => exit,
        Err(error) => {
            let exit = classify(&error);
            if exit != Exit::Ok {
                cmd::report(err, &error, &output.err_style);
            }
            exit
        }
    }
}

fn dispatch(
    cli: &Cli,
    ctx: &Context,
    output: Output,
    stdin: Stream,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Decode(args) => {
            let job = cmd::decode::Decode::new(args, ctx.now);
            cmd::run_tokens(&args.input, &job, output, ctx, stdin, out, err)
        }
        Command::Fingerprint(args) => cmd::fingerprint::run(args, ctx, output, stdin, out, err),
        Command::Completions(args) => cmd::completions::run(args, out),
        Command::Mint(args) => cmd::mint::run(args, ctx, output, stdin, out, err),
        Command::Audit(audit) => cmd::audit::run(&audit.command, ctx, output, out),
        Command::Verify(args) => cmd::verify::run(args, ctx, output, stdin, out, err),
    }
}
