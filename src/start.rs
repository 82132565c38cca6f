//! What Rust's runtime does before `fn main`, done here by hand for the `jwtctl` binary.
//!
//! On Unix the binary's entry point is a C `main` (`#![no_main]`), not Rust's. The runtime's
//! start-up sets up a stack-overflow handler for every thread, and to place the main
//! thread's guard it needs that thread's stack bounds: on Linux glibc it reads and parses
//! `/proc/self/maps` for them (about 110,000 instructions). With its signal handlers, the
//! signal stack and a few queries, it was 20 of the 79 system calls of `jwtctl decode
//! <token>`; what replaces it here makes 2. On the 2-core machine of issue 7, 2,000
//! interleaved starts each of fresh copies, medians: 1,528 us against 1,640 us for the same
//! code with the runtime's start-up, jwt-cli 1,630 us, `/bin/true` 778 us; callgrind counts
//! 540,112 instructions against 658,834. A one-token-per-process shell loop pays that on
//! every token. (Other C libraries and macOS find the stack more cheaply, so there the
//! saving is smaller.)
//!
//! Kept from the runtime's start-up: standard streams that were closed are opened on
//! `/dev/null`; SIGPIPE is ignored (a reader that goes away is an `EPIPE`, which a batch
//! ends on quietly); the arguments are taken from `argv`; a panic exits with 101, and stdout
//! is flushed at the end either way (`src/main.rs`).
//!
//! Left out:
//! - The stack-overflow message, on every thread (the main one, rayon's workers, the
//!   reader): an overflow ends the process on SIGSEGV without it. jwtctl's recursion is
//!   bounded, since JSON is read with nesting limits (serde_json's 128 levels at most), so
//!   nothing it reads can overflow a stack.
//! - The main thread's name: a panic there reports `thread '<unnamed>'` instead of
//!   `'main'`, and a backtrace shows the C runtime's frames below `main`.

use std::ffi::{CStr, OsString, c_char, c_int};
use std::os::unix::ffi::OsStrExt;

/// Make the process what Rust's runtime would have made it before `main`.
///
/// # Safety
///
/// Call once, first thing in the process's `main`, before any other thread exists.
pub unsafe fn prepare() {
    // SAFETY: system calls on the three standard descriptors, and a signal disposition set
    // while no other thread exists.
    unsafe {
        reopen_closed_stdio();
        // Cannot fail for SIGPIPE and SIG_IGN; were it to, writes to a closed pipe would
        // end the process by the signal, as for any C program.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// A standard descriptor left closed by whoever started us would be handed out by the next
/// `open`: a token written to "stdout" would then land in that file, the audit log
/// included. Each closed one is opened on `/dev/null` instead, in order, so each `open` gets
/// the descriptor just found closed. Asked one descriptor at a time with `fcntl`, which
/// works on every Unix (`poll` would need one call, but does not report closed descriptors
/// on macOS, and fails when the descriptor limit is under 3).
unsafe fn reopen_closed_stdio() {
    for fd in 0..3 {
        // SAFETY: F_GETFD reads a flag of the descriptor; no memory is passed.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 && errno() == libc::EBADF;
        // SAFETY: a NUL-terminated path. The descriptor `open` returns is the lowest free
        // one, which is `fd`: every lower one is open by now. No O_CLOEXEC: like any
        // standard stream, it is inherited.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } == -1 {
            // Nothing safe to write to and nowhere to say it: stop, as Rust's runtime does.
            std::process::abort();
        }
    }
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// The arguments the C runtime passed to `main`, as `std::env::args_os` would give them.
///
/// # Safety
///
/// `argv` must point to `argc` pointers to NUL-terminated strings (what the C runtime
/// passes to `main`).
pub unsafe fn args(argc: c_int, argv: *const *const c_char) -> Vec<OsString> {
    let count = usize::try_from(argc).unwrap_or(0);
    if argv.is_null() {
        return Vec::new();
    }
    (0..count)
        .filter_map(|i| {
            // SAFETY: `i < argc`, so `argv.add(i)` is within the array the caller vouched for.
            let arg = unsafe { *argv.add(i) };
            // SAFETY: a non-null entry is a NUL-terminated string that lives for the process.
            (!arg.is_null()).then(|| {
                OsString::from(std::ffi::OsStr::from_bytes(unsafe {
                    CStr::from_ptr(arg).to_bytes()
                }))
            })
        })
        .collect()
}
