//! Standard output and input as pipes. A batch writes its results into one (about 1 GB of
//! JSON Lines for a million verified tokens) and often reads its tokens from another.

/// The pipe buffer asked for: Linux's default `/proc/sys/fs/pipe-max-size`, which any process
/// may ask for.
#[cfg(target_os = "linux")]
const PIPE_BYTES: usize = 1 << 20;

/// Grow the pipe stdout writes into, when it is one. With the default 64 KiB the writer and
/// the reader wake each other up every 64 KiB, and on a virtual machine the wake-ups cost more
/// than the copying (docs/PERFORMANCE.md has the figures). Best effort: another kind of
/// stdout, a lower limit or a spent per-user pipe quota leaves it as it is; a pipe is never
/// shrunk.
pub fn widen_stdout() {
    #[cfg(target_os = "linux")]
    widen(std::io::stdout());
}

/// Grow the pipe stdin reads from, when it is one: the workers then get larger chunks at a
/// time. Best effort, like [`widen_stdout`].
pub fn widen_stdin() {
    #[cfg(target_os = "linux")]
    widen(std::io::stdin());
}

#[cfg(target_os = "linux")]
fn widen(fd: impl std::os::fd::AsFd) {
    use rustix::pipe::{fcntl_getpipe_size, fcntl_setpipe_size};
    // On anything but a pipe the first call fails, and nothing is changed.
    if let Ok(current) = fcntl_getpipe_size(&fd)
        && current < PIPE_BYTES
    {
        let _ = fcntl_setpipe_size(&fd, PIPE_BYTES);
    }
}
