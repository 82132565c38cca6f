//! The `jwtctl` binary: parse the arguments, read the context, run the command, exit with its
//! code. Everything else is in the library.

use jwtctl::{app, cli::Cli, context::Context, pipe};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::from_process(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let ctx = Context::from_process();
    pipe::widen_stdout();
    pipe::widen_stdin();
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let exit = app::run(
        &cli,
        &ctx,
        Box::new(std::io::stdin()),
        &mut out,
        &mut std::io::stderr(),
    );
    // A reader that went away is not an error (a broken pipe ends a batch quietly).
    let _ = out.flush();
    ExitCode::from(exit.code())
}
