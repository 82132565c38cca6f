//! The `jwtctl` binary: parse the arguments, run the command, exit with its code.
//!
//! On Unix the entry point is a C `main`, which skips Rust's own start-up; `jwtctl::start`
//! does what of it jwtctl needs, and says what that saves.
#![cfg_attr(all(unix, not(test)), no_main)]

use jwtctl::{app, cli::Cli, context::Context, pipe};
use std::ffi::OsString;
use std::io::{BufWriter, Write};

#[cfg(all(unix, not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    // SAFETY: first thing in the process, on one thread, with the C runtime's argc and argv.
    let args = unsafe {
        jwtctl::start::prepare();
        jwtctl::start::args(argc, argv)
    };
    // A panic has printed its message by now; exit as Rust's runtime would after one.
    let code = std::panic::catch_unwind(|| run(args)).map_or(101, i32::from);
    // What is still in the standard library's stdout buffer (after a panic: what followed
    // the last newline), as the runtime's exit would.
    let _ = std::io::stdout().flush();
    code
}

#[cfg(not(all(unix, not(test))))]
fn main() -> std::process::ExitCode {
    run(std::env::args_os().collect()).into()
}

fn run(args: Vec<OsString>) -> u8 {
    let cli = match Cli::from_process(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code().clamp(0, 255) as u8;
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
    // Flushes the standard library's stdout under it too.
    let _ = out.flush();
    drop(out);
    // The arguments and the captured environment are freed by the exit itself.
    std::mem::forget((cli, ctx));
    exit.code()
}
