//! What Rust's runtime does before `fn main`, done here by hand for the `jwtctl` binary.
//!
//! On Unix the binary's entry point is a C `main` (`#![no_main]`), not Rust's: the runtime's
//! start-up also finds the main thread's stack bounds for its stack-overflow message, and on
//! Linux glibc does that by reading and parsing `/proc/self/maps` (about 110,000 instructions
//! and an open, reads and a close). On the 2-core machine of issue 7, 2,000 interleaved
//! starts each of fresh copies, `jwtctl decode <token>` took 1,306 us (median) against
//! 1,404 us for the same code with the runtime's start-up, jwt-cli 1,391 us and `/bin/true`
//! 672 us; callgrind counts 539,940 instructions against 658,834, and strace 59 system calls
//! against 79. A one-token-per-process shell loop pays that on every token.
//!
//! Kept from the runtime's start-up, here: standard streams that were closed are opened on
//! `/dev/null`, SIGPIPE is ignored (a reader that goes away is an `EPIPE`, which the batch
//! ends on quietly), the arguments are taken from `argv`, and a panic exits with 101.
//! Left out: the stack-overflow message. jwtctl's recursion is bounded (JSON is read with
//! nesting limits: 32 levels in a token's claims, serde_json's 128 elsewhere), so nothing it
//! reads can overflow the stack; a program that did would end on SIGSEGV without a message.

use std::ffi::{CStr, OsString, c_char, c_int};
use std::os::unix::ffi::OsStrExt;

/// Make the process what Rust's runtime would have made it before `main`.
///
/// # Safety
///
/// Call once, first thing in the process's `main`, before any other thread exists.
pub unsafe fn prepare() {
    // SAFETY: plain system calls on the three standard descriptors and a signal disposition;
    // `fds` outlives the `poll` that writes into it.
    unsafe {
        reopen_closed_stdio();
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// A standard descriptor left closed by whoever started us would be handed out by the next
/// `open`: a token written to "stdout" would then land in that file, the audit log
/// included. Each closed one is opened on `/dev/null` instead, in order, so each `open` gets
/// the descriptor just found closed.
unsafe fn reopen_closed_stdio() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three `pollfd`s for the call's whole duration.
    let polled = loop {
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
        if n != -1 || errno() != libc::EINTR {
            break n;
        }
    };
    for pollfd in fds {
        let closed = if polled == -1 {
            // poll refused (some sandboxes do): ask each descriptor.
            // SAFETY: F_GETFD reads a flag of the descriptor; no memory is passed.
            unsafe { libc::fcntl(pollfd.fd, libc::F_GETFD) == -1 && errno() == libc::EBADF }
        } else {
            pollfd.revents & libc::POLLNVAL != 0
        };
        // SAFETY: a NUL-terminated path; the descriptor returned is the lowest free one,
        // which is `pollfd.fd`, since every lower one is open by now.
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
