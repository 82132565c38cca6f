//! How the benchmark times a process: wall time from spawn to exit with stdin from a file and
//! stdout through a pipe to a reader that counts lines, the child's peak RSS and CPU time from
//! wait4(2); the pipe alone; and start-up, one process at a time.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub elapsed: Duration,
    pub peak_rss_kib: i64,
    /// The child's CPU time, user and system, all threads.
    pub cpu: Duration,
    pub ok: bool,
    pub out_lines: usize,
    pub out_bytes: u64,
}

/// `cmd` with `input` on stdin and stdout counted by [`count_lines`]; stderr discarded.
pub fn run(cmd: &mut Command, input: &Path) -> Run {
    cmd.stdin(File::open(input).expect("open corpus"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let start = Instant::now();
    let Ok(mut child) = cmd.spawn() else {
        return Run {
            elapsed: Duration::MAX,
            peak_rss_kib: -1,
            cpu: Duration::ZERO,
            ok: false,
            out_lines: 0,
            out_bytes: 0,
        };
    };
    let mut stdout = child.stdout.take().expect("stdout");
    let counter = std::thread::spawn(move || count_lines(&mut stdout));
    let (ok, peak_rss_kib, cpu) = wait_with_rusage(&mut child);
    let elapsed = start.elapsed();
    let (out_lines, out_bytes) = counter.join().unwrap_or((0, 0));
    Run {
        elapsed,
        peak_rss_kib,
        cpu,
        ok,
        out_lines,
        out_bytes,
    }
}

/// What a consumer of the JSON Lines does at the least: read everything, 1 MiB at a time,
/// and count the lines. Returns (lines, bytes).
fn count_lines(reader: &mut dyn std::io::Read) -> (usize, u64) {
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut bytes) = (0, 0u64);
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break (lines, bytes),
            Ok(n) => {
                lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
                bytes += n as u64;
            }
        }
    }
}

/// Wait for the child and return (success, its peak RSS in KiB, its CPU time) via wait4(2).
fn wait_with_rusage(child: &mut std::process::Child) -> (bool, i64, Duration) {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data filled by the kernel; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        let ok = child.wait().map(|s| s.success()).unwrap_or(false);
        return (ok, -1, Duration::ZERO);
    }
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (exited_ok, usage.ru_maxrss, cpu_time(&usage))
}

fn cpu_time(usage: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// This process's CPU time so far, all threads.
fn own_cpu() -> Duration {
    // SAFETY: rusage is plain data filled by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_time(&usage)
}

/// The pipe alone: `bytes` of `sample` (lines of real output, repeated) written into a pipe
/// widened as jwtctl widens its stdout, read by [`count_lines`] on another thread. What is
/// left of the cores after this is what a batch has for its own work. Returns (wall time,
/// CPU time of writer and reader together).
pub fn pipe_alone(sample: &[u8], bytes: u64) -> (Duration, Duration) {
    let (mut reader, mut writer) = std::io::pipe().expect("pipe");
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: F_SETPIPE_SZ sets an integer attribute of our own pipe; no memory is passed.
        unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20) };
    }
    let sample = sample.to_vec();
    let cpu = own_cpu();
    let start = Instant::now();
    let written = std::thread::spawn(move || {
        let mut left = bytes;
        while left > 0 {
            let n = left.min(sample.len() as u64) as usize;
            if writer.write_all(&sample[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
    });
    let _ = count_lines(&mut reader);
    let elapsed = start.elapsed();
    let _ = written.join();
    (elapsed, own_cpu().saturating_sub(cpu))
}

/// A command's real output for the first 2,000 lines of `corpus`, for [`pipe_alone`].
pub fn sample_output(cmd: &mut Command, corpus: &Path) -> Vec<u8> {
    // Only the head is read: with the whole corpus read into this process first, wait4(2)
    // reported this process's own peak as the peak RSS of the children spawned after it.
    let mut head = Vec::new();
    for line in std::io::BufRead::split(
        std::io::BufReader::new(File::open(corpus).expect("open corpus")),
        b'\n',
    )
    .take(2000)
    {
        head.extend_from_slice(&line.expect("read corpus"));
        head.push(b'\n');
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let Ok(mut child) = cmd.spawn() else {
        return Vec::new();
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || stdin.write_all(&head));
    let out = child
        .wait_with_output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    let _ = feeder.join();
    out
}

/// A copy of the executable `bin` written just now into `dir/name`: how fast a program starts
/// depends on how its file sits in the page cache, not only on its code (the same binary
/// started measurably sooner from a fresh copy than from the file the linker had written), so
/// every program is timed from a fresh copy and none gains from that.
pub fn fresh_copy(bin: &str, dir: &Path, name: &str) -> String {
    let from = on_path(bin);
    let to = dir.join("start-up").join(name);
    let copied = std::fs::create_dir_all(to.parent().expect("a parent"))
        .and_then(|()| std::fs::read(&from))
        .and_then(|bytes| std::fs::write(&to, bytes))
        .and_then(|()| std::fs::set_permissions(&to, std::fs::metadata(&from)?.permissions()));
    match copied {
        Ok(()) => to.to_string_lossy().into_owned(),
        Err(e) => {
            println!("start-up: could not copy {bin} ({e}); timing it where it is");
            bin.to_owned()
        }
    }
}

/// Where `bin` is: itself when it names a path, else the first file of that name in `PATH`.
pub fn on_path(bin: &str) -> PathBuf {
    if bin.contains('/') {
        return bin.into();
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(bin))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| bin.into())
}

/// Wall time of one process, from spawn to exit, with stdout and stderr discarded.
fn one_start(argv: &[String]) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let elapsed = start.elapsed();
    status.success().then_some(elapsed)
}

/// Start-up: each command run `starts` times, round-robin so that drift on the machine falls
/// on all of them alike; mean and median per process. Returns the medians, in seconds.
pub fn startup(commands: &[(String, Vec<String>)], starts: usize) -> Vec<f64> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(starts); commands.len()];
    let mut failed = vec![false; commands.len()];
    for round in 0..starts + 20 {
        for (i, (_, argv)) in commands.iter().enumerate() {
            match one_start(argv) {
                // The first rounds warm the page cache and are not counted.
                Some(t) if round >= 20 => times[i].push(t),
                Some(_) => {}
                None => failed[i] = true,
            }
        }
    }
    let mut medians = Vec::with_capacity(commands.len());
    for (i, (name, _)) in commands.iter().enumerate() {
        let t = &mut times[i];
        t.sort();
        let mean = t.iter().sum::<Duration>().as_secs_f64() / t.len().max(1) as f64;
        let median = t.get(t.len() / 2).map_or(0.0, Duration::as_secs_f64);
        // The first command is the reference: what any process costs here.
        let above = match medians.first() {
            None => String::new(),
            Some(base) => format!(
                "  {:>5.0} us above {}",
                (median - base) * 1e6,
                commands[0].0
            ),
        };
        medians.push(median);
        println!(
            "start-up  {name:<30} {:>5} runs  mean {:>6.0} us  median {:>6.0} us{above}{}",
            t.len(),
            mean * 1e6,
            median * 1e6,
            if failed[i] { "  (FAILED)" } else { "" }
        );
    }
    medians
}
