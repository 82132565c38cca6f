//! End-to-end throughput benchmark: `cargo bench --bench pipeline`.
//!
//! Generates a deterministic corpus of HS256 tokens (realistic ~200-byte payloads with `sub`,
//! `name`, `iat`, `exp`, `jti`), streams it through the release binary's `decode --json`,
//! `verify --json` and `mint` batch modes, and prints tokens/s, the ratio to the HMAC-SHA256
//! floor measured in the same run on one core, the child's peak RSS and its CPU time (user and
//! system, all threads). Under decode and verify, "pipe alone" pushes the same number of bytes
//! of the same output lines through a pipe to the same reader, with nothing else to do: what
//! the pipe costs by itself, in time and in CPU, writer and reader together. Each batch row
//! ends with issue 7's targets, `met` or `MISSED`: decode 1.5M, verify 1M, mint 100k tokens/s,
//! peak RSS under 16 MiB.
//!
//! It then times process start-up: `jwtctl decode <token>` run once per process, interleaved
//! with `/bin/true` (the cost of any process here) and, when it is found, jwt-cli's
//! `jwt decode <token>` (the peer a one-token-per-process shell loop would use otherwise), and
//! says whether jwtctl is no slower than jwt-cli, median against median above `/bin/true`.
//!
//! Environment: `JWTCTL_BENCH_TOKENS` (default 1,000,000), `JWTCTL_BENCH_MINT_TOKENS`
//! (default 200,000), `JWTCTL_BENCH_RUNS` (best of N, default 3), `JWTCTL_BENCH_STARTS`
//! (processes per start-up row, default 1,000), `JWTCTL_BENCH_PEER` (jwt-cli's binary; default:
//! `jwt` on `PATH`, if it is jwt-cli).

use aws_lc_rs::hmac;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &[u8] = b"bench-secret-0123456789abcdef-0123456789";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A small deterministic generator (xorshift), so the corpus is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn corpus(path: &Path, count: usize) -> Vec<Vec<u8>> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = BufWriter::new(File::create(path).expect("create corpus"));
    let mut samples = Vec::new();
    for i in 0..count {
        let iat = 1_795_000_000 + (rng.next() % 100_000) as i64;
        let claims = format!(
            r#"{{"sub":"user-{:08}","name":"Integration Account {:05}","email":"svc{:05}@example.com","role":"integration","iat":{iat},"exp":{},"jti":"{:016x}{:016x}"}}"#,
            i,
            rng.next() % 100_000,
            rng.next() % 100_000,
            iat + 3_153_600_000,
            rng.next(),
            rng.next()
        );
        let signing_input = format!("{header}.{}", b64(claims.as_bytes()));
        let tag = hmac::sign(&key, signing_input.as_bytes());
        let token = format!("{signing_input}.{}", b64(tag.as_ref()));
        if i < 4096 {
            samples.push(signing_input.into_bytes());
        }
        writeln!(out, "{token}").expect("write corpus");
    }
    out.flush().expect("flush corpus");
    samples
}

/// One core's HMAC-SHA256 rate over the corpus's signing inputs (best of 3): the floor to
/// compare with, computed as jwtctl computes it (the keyed state prepared once, cloned per
/// token: RustCrypto's `hmac` over `sha2`).
fn hmac_floor(samples: &[Vec<u8>]) -> f64 {
    use ::hmac::{Hmac, Mac};
    let keyed = <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET).expect("any key length");
    best_rate(samples, |input| {
        let mut mac = keyed.clone();
        mac.update(input);
        mac.finalize().into_bytes()[0]
    })
}

/// The same with aws-lc's `hmac::sign`, for comparison: it sets up a context per call.
fn aws_lc_rate(samples: &[Vec<u8>]) -> f64 {
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    best_rate(samples, |input| hmac::sign(&key, input).as_ref()[0])
}

fn best_rate(samples: &[Vec<u8>], tag: impl Fn(&[u8]) -> u8) -> f64 {
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        let n = 1_000_000;
        let start = Instant::now();
        let mut acc = 0u8;
        for i in 0..n {
            acc ^= tag(&samples[i % samples.len()]);
        }
        std::hint::black_box(acc);
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    best
}

struct Run {
    elapsed: Duration,
    peak_rss_kib: i64,
    /// The child's CPU time, user and system, all threads.
    cpu: Duration,
    ok: bool,
    out_lines: usize,
    out_bytes: u64,
}

fn run(bin: &str, args: &[&str], input: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .stdin(File::open(input).expect("open corpus"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn jwtctl");
    let mut stdout = child.stdout.take().expect("stdout");
    let counter = std::thread::spawn(move || count_lines(&mut stdout));
    let (status, rusage, cpu) = wait_with_rusage(&mut child);
    let elapsed = start.elapsed();
    let (out_lines, out_bytes) = counter.join().unwrap_or((0, 0));
    Run {
        elapsed,
        peak_rss_kib: rusage,
        cpu,
        ok: status,
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
fn pipe_alone(sample: &[u8], bytes: u64) -> (Duration, Duration) {
    use std::os::fd::AsRawFd;
    let (mut reader, mut writer) = std::io::pipe().expect("pipe");
    // SAFETY: F_SETPIPE_SZ sets an integer attribute of our own pipe; no memory is passed.
    unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20) };
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

/// A command's real output for the first 2,000 lines of the corpus (1.3 MB for decode, 2.1 MB
/// for verify), for [`pipe_alone`].
fn sample_output(bin: &str, args: &[&str], corpus: &Path, env: &[(&str, &str)]) -> Vec<u8> {
    // Only the head is read: once, with the whole corpus read here first, wait4(2) reported
    // this process's own peak (319 MiB) as the peak RSS of the children spawned after it.
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
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn jwtctl");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || stdin.write_all(&head));
    let out = child.wait_with_output().expect("jwtctl output");
    let _ = feeder.join();
    out.stdout
}

fn has_command(bin: &str, name: &str) -> bool {
    Command::new(bin)
        .args([name, "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Issue 7's targets: tokens/s for each batch row, and peak RSS for every one.
const DECODE_TARGET: f64 = 1_500_000.0;
const VERIFY_TARGET: f64 = 1_000_000.0;
const MINT_TARGET: f64 = 100_000.0;
const RSS_TARGET_MIB: f64 = 16.0;

/// One batch row: the best of `runs`, and whether it meets `target` tokens/s and the memory
/// target (`met` or `MISSED`, so a run can be read without doing the arithmetic).
fn report(name: &str, count: usize, floor: f64, target: f64, runs: &[Run]) {
    let Some(best) = runs.iter().min_by_key(|r| r.elapsed) else {
        return;
    };
    let rate = count as f64 / best.elapsed.as_secs_f64();
    let rss = runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(-1) as f64 / 1024.0;
    let ok = runs.iter().all(|r| r.ok && r.out_lines == count);
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!(
        "{name:<28} {count:>9} tokens  {:>8.3} s  {:>12.0} tokens/s  {:>5.2}x floor  peak RSS {rss:>6.1} MiB  cpu {:>5.2} s  target {:.1}M/s {}, RSS {}{}",
        best.elapsed.as_secs_f64(),
        rate,
        rate / floor,
        best.cpu.as_secs_f64(),
        target / 1e6,
        verdict(ok && rate >= target),
        verdict(ok && (0.0..RSS_TARGET_MIB).contains(&rss)),
        if ok {
            ""
        } else {
            "  (FAILED or wrong line count)"
        }
    );
}

/// The pipe alone for the output of `runs` (best of 3): its rate in lines/s and the CPU it
/// takes, writer and reader together.
fn report_pipe(name: &str, sample: &[u8], runs: &[Run]) {
    let Some(best) = runs.iter().min_by_key(|r| r.elapsed) else {
        return;
    };
    if sample.is_empty() {
        println!("{name:<28} no output to sample (the command failed?), skipped");
        return;
    }
    let (lines, bytes) = (best.out_lines, best.out_bytes);
    let (elapsed, cpu) = (0..3)
        .map(|_| pipe_alone(sample, bytes))
        .min()
        .unwrap_or_default();
    println!(
        "{name:<28} {lines:>9} lines   {:>8.3} s  {:>12.0} lines/s                 {:>6.0} MB       cpu {:>5.2} s",
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1e6,
        cpu.as_secs_f64(),
    );
}

/// The peer to compare start-up with: `JWTCTL_BENCH_PEER`, else `jwt` on PATH, when it says
/// it is jwt-cli.
fn peer() -> Option<String> {
    let bin = std::env::var("JWTCTL_BENCH_PEER").unwrap_or_else(|_| "jwt".to_owned());
    let out = Command::new(&bin)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .starts_with("jwt")
        .then_some(bin)
}

/// A copy of the executable `bin` written just now into `dir`: how fast a program starts
/// depends on how its file sits in the page cache, not only on its code. Here the same
/// jwtctl binary started about 300 us sooner from a fresh copy than from the file the linker
/// had written (and a copy made two hours earlier had slowed down as much), and so did
/// jwt-cli; both are timed from fresh copies so that neither gains from that.
fn fresh_copy(bin: &str, dir: &Path) -> String {
    let from = on_path(bin);
    let name = from.file_name().expect("a file name");
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

/// Where `bin` is: itself when it names a path, else the first file of that name in `PATH`
/// (the peer defaults to `jwt` on `PATH`).
fn on_path(bin: &str) -> std::path::PathBuf {
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
fn startup(commands: &[(&str, Vec<String>)], starts: usize) -> Vec<f64> {
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
    let mut baseline = None;
    let mut medians = Vec::with_capacity(commands.len());
    for (i, (name, _)) in commands.iter().enumerate() {
        let t = &mut times[i];
        t.sort();
        let mean = t.iter().sum::<Duration>().as_secs_f64() / t.len().max(1) as f64;
        let median = t.get(t.len() / 2).map_or(0.0, Duration::as_secs_f64);
        medians.push(median);
        // The first command is the baseline: what any process costs here.
        let above = match baseline {
            None => {
                baseline = Some(median);
                String::new()
            }
            Some(base) => format!(
                "  {:>5.0} us above {}",
                (median - base) * 1e6,
                commands[0].0
            ),
        };
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

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let bin = env!("CARGO_BIN_EXE_jwtctl");
    let count = env_usize("JWTCTL_BENCH_TOKENS", 1_000_000);
    let mint_count = env_usize("JWTCTL_BENCH_MINT_TOKENS", 200_000).min(count);
    let repeats = env_usize("JWTCTL_BENCH_RUNS", 3).max(1);
    let dir = std::env::temp_dir().join(format!("jwtctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let corpus_path = dir.join("tokens.txt");
    let samples = corpus(&corpus_path, count);
    let mint_path = dir.join("mint-tokens.txt");
    corpus(&mint_path, mint_count);

    let floor = hmac_floor(&samples);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("jwtctl pipeline benchmark: {count} HS256 tokens, {cores} cores");
    println!(
        "{:<28} {:>9}         {:>8}    {:>12.0} HMAC-SHA256/s on one core (RustCrypto, as jwtctl)",
        "floor", "", "", floor
    );
    println!(
        "{:<28} {:>9}         {:>8}    {:>12.0} HMAC-SHA256/s on one core (aws-lc hmac::sign)",
        "",
        "",
        "",
        aws_lc_rate(&samples)
    );
    let secret = std::str::from_utf8(SECRET).expect("ascii secret");
    let env = [("JWT_BENCH_SECRET", secret)];

    let decode_args = ["decode", "--json", "--at", "1795200000"];
    let decode: Vec<Run> = (0..repeats)
        .map(|_| run(bin, &decode_args, &corpus_path, &env))
        .collect();
    report("decode --json", count, floor, DECODE_TARGET, &decode);
    let sample = sample_output(bin, &decode_args, &corpus_path, &env);
    report_pipe("  its output, pipe alone", &sample, &decode);

    if has_command(bin, "verify") {
        let args = [
            "verify",
            "--json",
            "--secret-env",
            "JWT_BENCH_SECRET",
            // After every token's iat (1795000000 + up to 100000 s): verify checks that iat is
            // not in the future, so an earlier instant would fail half the corpus.
            "--at",
            "1795200000",
        ];
        let verify: Vec<Run> = (0..repeats)
            .map(|_| run(bin, &args, &corpus_path, &env))
            .collect();
        report("verify --json", count, floor, VERIFY_TARGET, &verify);
        let sample = sample_output(bin, &args, &corpus_path, &env);
        report_pipe("  its output, pipe alone", &sample, &verify);
    } else {
        println!("verify: not built yet, skipped");
    }

    if has_command(bin, "mint") {
        let log = dir.join("audit.jsonl");
        let log_s = log.to_string_lossy().into_owned();
        let mut runs = Vec::new();
        for _ in 0..repeats {
            let _ = std::fs::remove_file(&log);
            let args = [
                "mint",
                "--from",
                "-",
                "--secret-env",
                "JWT_BENCH_SECRET",
                "--exp",
                "1h",
                "--unverified-source",
                "--yes",
                "--audit-log",
                &log_s,
            ];
            runs.push(run(bin, &args, &mint_path, &env));
        }
        report(
            "mint (audit per token)",
            mint_count,
            floor,
            MINT_TARGET,
            &runs,
        );
    } else {
        println!("mint: not built yet, skipped");
    }

    let mut token = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(File::open(&corpus_path).expect("open corpus")),
        &mut token,
    )
    .expect("a corpus token");
    let token = token.trim_end().to_owned();
    let mut commands = vec![
        ("/bin/true", vec!["/bin/true".to_owned()]),
        (
            "jwtctl decode <token>",
            vec![fresh_copy(bin, &dir), "decode".to_owned(), token.clone()],
        ),
    ];
    let peer = peer();
    match &peer {
        Some(jwt) => commands.push((
            "jwt-cli: jwt decode <token>",
            vec![fresh_copy(jwt, &dir), "decode".to_owned(), token],
        )),
        None => println!("start-up: jwt-cli not found (set JWTCTL_BENCH_PEER), not compared"),
    }
    let medians = startup(&commands, env_usize("JWTCTL_BENCH_STARTS", 1000).max(1));
    if let [base, ours, theirs] = medians[..] {
        // The target: no slower than jwt-cli, median against median, above /bin/true.
        let (ours, theirs) = (ours - base, theirs - base);
        println!(
            "start-up  jwtctl against jwt-cli         {:>+5.0} us ({:+.1}%)  target no slower: {}",
            (ours - theirs) * 1e6,
            (ours / theirs - 1.0) * 100.0,
            if ours <= theirs { "met" } else { "MISSED" }
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
