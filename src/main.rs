use jwtctl::{app, cli::Cli, context::Context, input, pipe};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::from_process() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let ctx = Context::from_process();
    pipe::widen_stdout();
    pipe::widen_stdin();
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let exit = app::run(
        &cli,
        &ctx,
        Box::new(input::Stdin::default()),
        &mut out,
        &mut std::io::stderr(),
    );
    let _ = out.flush();
    drop(out);
    // The arguments and the captured environment are freed by the exit itself.
    std::mem::forget((cli, ctx));
    exit.into()
}
