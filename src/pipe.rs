//! Standard output and input as pipes. A batch writes its results into one (about 1 GB of
//! JSON Lines for a million verified tokens) and often reads its tokens from another.

/// The pipe buffer asked for: Linux's default `/proc/sys/fs/pipe-max-size`, which any process
/// may ask for.
const PIPE_BYTES: i32 = 1 << 20;

/// Grow the pipe stdout writes into, when it is one, to [`PIPE_BYTES`]. With the default
/// 64 KiB the writer and the reader wake each other up every 64 KiB, and on a virtual machine
/// the wake-ups cost more than the copying: on the 2-core machine of issue 7, 1 GB of JSON
/// Lines went from `dd` to a reader in 1.4 s through a 64 KiB pipe and in 0.35-0.5 s through
/// a 1 MiB one. Best effort: another kind of stdout, a lower limit or a spent per-user pipe
/// quota leaves it as it is. A pipe is never shrunk.
#[cfg(target_os = "linux")]
pub fn widen_stdout() {
    widen(1);
}

/// Grow the pipe stdin reads from, when it is one, to [`PIPE_BYTES`]: with the default
/// 64 KiB, `cat tokens | jwtctl decode --json` hands the workers 64 KiB at a time (1M tokens:
/// 0.60 s through a 64 KiB pipe, 0.46 s through a 1 MiB one, 0.38 s with stdin redirected
/// from the file). Best effort, like [`widen_stdout`].
#[cfg(target_os = "linux")]
pub fn widen_stdin() {
    widen(0);
}

#[cfg(target_os = "linux")]
fn widen(fd: libc::c_int) {
    // SAFETY: F_GETPIPE_SZ and F_SETPIPE_SZ read and set an integer attribute of the file
    // descriptor; no memory is passed. On anything but a pipe both fail with an error code.
    unsafe {
        let current = libc::fcntl(fd, libc::F_GETPIPE_SZ);
        if current > 0 && current < PIPE_BYTES {
            libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES);
        }
    }
}

/// Pipes have a fixed size here.
#[cfg(not(target_os = "linux"))]
pub fn widen_stdout() {}

/// Pipes have a fixed size here.
#[cfg(not(target_os = "linux"))]
pub fn widen_stdin() {}
