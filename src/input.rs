//! Where tokens come from: one positional argument, or stdin read as a stream of lines.
//!
//! Stdin is read in chunks; every complete line in a chunk is handed to a [`LineJob`], the
//! chunk's results are written in input order and flushed before the next read, so memory
//! stays constant and the first result appears before the input ends.

use crate::error::Failure;
use crate::exit::Exit;
use std::ffi::OsStr;
use std::io::{self, Read, Write};

/// Where a command's token(s) come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A positional argument, as raw bytes (need not be UTF-8).
    Arg(Vec<u8>),
    /// Standard input, one token (or pasted line) per line.
    Stdin,
}

/// Decide the source: an argument other than `-` is the token; `-` or nothing means stdin,
/// unless nothing was given and stdin is a terminal (then there is nothing to read).
pub fn source(arg: Option<&OsStr>, stdin_tty: bool) -> Result<Source, Failure> {
    match arg {
        Some(a) if a != "-" => Ok(Source::Arg(a.as_encoded_bytes().to_vec())),
        Some(_) => Ok(Source::Stdin),
        None if stdin_tty => Err(Failure::usage("no token given")
            .hint("pass the token as an argument, or pipe tokens on stdin (one per line)")),
        None => Ok(Source::Stdin),
    }
}

/// One input line handed to a job.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// 1-based line number in the input.
    pub number: u64,
    /// The line's bytes, line ending included if there was one. Cut short when the line was
    /// longer than the limit (see `oversized`).
    pub bytes: &'a [u8],
    /// The line was longer than the reader's limit; only its start is in `bytes`.
    pub oversized: bool,
    /// More than one line was read: the input is a batch.
    pub batch: bool,
}

/// Work done for each line. Output for stdout goes to `out`, for stderr to `err`.
pub trait LineJob: Sync {
    /// Process one line and return its outcome.
    fn line(&self, line: Line<'_>, out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit;

    /// Called once per chunk of input, after [`LineJob::line`] ran for each of its lines and
    /// before their output is written. A job that must make a chunk's results durable before
    /// releasing them (`mint` appends and syncs the chunk's audit records) does it here, and
    /// may add the output it held back to `out`. An error ends the run: the chunk's stdout
    /// output is not written.
    fn settle(&self, out: &mut Vec<u8>, err: &mut Vec<u8>) -> io::Result<()> {
        let _ = (out, err);
        Ok(())
    }

    /// Whether the job holds a chunk's output back until [`LineJob::settle`] ran (then no
    /// line of the chunk is written before it is settled). Jobs that don't can have a chunk's
    /// earlier lines written while its later lines are still being processed.
    fn holds_output(&self) -> bool {
        false
    }

    /// Called after each chunk's results were written, with the number of lines so far (for a
    /// progress display).
    fn progress(&self, lines: u64) {
        let _ = lines;
    }
}

/// Size of one read from stdin.
const CHUNK: usize = 1024 * 1024;

/// Below this many bytes of complete lines, a chunk is processed on one thread.
const PARALLEL_MIN_BYTES: usize = 32 * 1024;

fn count_lines(region: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', region).count() as u64;
    newlines + u64::from(!region.is_empty() && !region.ends_with(b"\n"))
}

/// Split `region` into about `parts` pieces at line boundaries, each at least `min` bytes.
fn split_region(region: &[u8], min: usize, parts: usize) -> Vec<&[u8]> {
    if region.len() < 2 * min || parts <= 1 {
        return vec![region];
    }
    // A few pieces per thread balance uneven lines without much overhead.
    let target = (region.len() / (parts * 4)).max(min);
    let mut pieces = Vec::new();
    let mut rest = region;
    while rest.len() > target {
        let cut = match memchr::memchr(b'\n', &rest[target..]) {
            Some(i) => target + i + 1,
            None => rest.len(),
        };
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// Standard input as a batch reads it: owned and `Send`, so that reads can run ahead on a
/// thread of their own while earlier lines are processed (tests pass in-memory bytes).
pub type Stream = Box<dyn Read + Send>;

/// Read once into `buf`, retrying when interrupted by a signal.
fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

/// A buffer handed to the read-ahead thread: read into `buf[offset..offset + CHUNK]`.
struct Request {
    buf: Vec<u8>,
    offset: usize,
}

/// A buffer back from the read-ahead thread: `buf[..offset]` as it was sent, then what the
/// read returned.
struct Reply {
    buf: Vec<u8>,
    offset: usize,
    read: io::Result<usize>,
}

/// The next read from stdin, running on its own thread while the current chunk is processed
/// and written. The thread owns the reader and is not joined: when a run ends early (stdout
/// closed, an audit log that cannot be written), a read that may never return (a terminal,
/// `tail -f`) must not hold the process; dropping this ends the thread after its current read.
struct ReadAhead {
    requests: std::sync::mpsc::Sender<Request>,
    replies: std::sync::mpsc::Receiver<Reply>,
}

impl ReadAhead {
    fn start(reader: Stream) -> io::Result<Self> {
        let (requests, inbox) = std::sync::mpsc::channel::<Request>();
        let (outbox, replies) = std::sync::mpsc::channel::<Reply>();
        std::thread::Builder::new()
            .name("jwtctl-read".into())
            .spawn(move || {
                let mut reader = reader;
                for Request { mut buf, offset } in inbox {
                    let read = read_some(&mut reader, &mut buf[offset..offset + CHUNK]);
                    if outbox.send(Reply { buf, offset, read }).is_err() {
                        break;
                    }
                }
            })?;
        Ok(ReadAhead { requests, replies })
    }

    /// Start reading into `buf` after its first `offset` bytes.
    fn request(&self, mut buf: Vec<u8>, offset: usize) {
        if buf.len() < offset + CHUNK {
            buf.resize(offset + CHUNK, 0);
        }
        // The thread only stops when this side is dropped, so the send cannot fail while
        // `self` lives; if it did, `receive` reports it.
        let _ = self.requests.send(Request { buf, offset });
    }

    /// Wait for the read started by [`ReadAhead::request`]: the buffer, its filled length and
    /// how many bytes the read added (0: end of input).
    fn receive(&self) -> io::Result<(Vec<u8>, usize, usize)> {
        let reply = self
            .replies
            .recv()
            .map_err(|_| io::Error::other("the stdin reader thread stopped"))?;
        let n = reply.read?;
        Ok((reply.buf, reply.offset + n, n))
    }
}

/// Run `job` over every line of `reader`, writing results in input order. Returns the
/// batch's folded exit code (see [`Exit::merge`]) and the number of lines read.
///
/// The first read happens here; once the input turns out to be a batch, each next read runs
/// on a thread of its own while the current chunk is processed, so the workers never wait
/// for stdin between chunks. Memory stays at two chunks (plus one partial line).
pub fn run_lines(
    mut reader: Stream,
    max_line: usize,
    job: &dyn LineJob,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<(Exit, u64)> {
    let mut driver = Driver {
        job,
        max_line,
        next_number: 1,
        exit: Exit::Ok,
        batch: false,
        skipping: false,
        out_buf: Vec::new(),
        err_buf: Vec::new(),
        pool: Vec::new(),
    };
    // `buf[..filled]` holds unprocessed input. The buffer is zero-filled only when it grows,
    // not on every read.
    let mut buf: Vec<u8> = vec![0; CHUNK];
    let mut filled = 0;
    // Read on this thread until we know whether more than one line follows: one token on
    // stdin needs no second thread.
    let mut eof = loop {
        if buf.len() < filled + CHUNK {
            buf.resize(filled + CHUNK, 0);
        }
        let n = read_some(&mut *reader, &mut buf[filled..filled + CHUNK])?;
        filled += n;
        let data = &buf[..filled];
        let lines = memchr::memchr_iter(b'\n', data).count();
        let more_after_first = lines > 1 || (lines == 1 && !data.ends_with(b"\n"));
        if n == 0 || more_after_first || filled > max_line {
            driver.batch = more_after_first;
            break n == 0;
        }
    };
    // From here on each next read runs ahead on its own thread.
    let ahead = if eof {
        None
    } else {
        Some(ReadAhead::start(reader)?)
    };
    let mut spare: Vec<u8> = Vec::new();
    loop {
        // Complete lines are processed now; with `eof`, the unterminated last one too. The
        // partial line after them starts the next buffer, unless it is already too long.
        let end = if eof {
            filled
        } else {
            memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |i| i + 1)
        };
        let too_long = filled - end > max_line;
        let in_flight = match &ahead {
            Some(ahead) if !eof => {
                let carry = if too_long { 0 } else { filled - end };
                let mut next = std::mem::take(&mut spare);
                if next.len() < carry + CHUNK {
                    next.resize(carry + CHUNK, 0);
                }
                next[..carry].copy_from_slice(&buf[end..end + carry]);
                ahead.request(next, carry);
                Some(ahead)
            }
            _ => None,
        };
        driver.complete_lines(&buf[..end], out, err)?;
        driver.flush(out, err)?;
        job.progress(driver.next_number - 1);
        let Some(ahead) = in_flight else {
            return Ok((driver.exit, driver.next_number - 1));
        };
        if too_long && !driver.skipping {
            // A line longer than the limit with no end in sight: report it once, then drop
            // its bytes until its newline instead of buffering them.
            driver.oversized(&buf[end..filled]);
            driver.skipping = true;
            driver.flush(out, err)?;
        }
        let (next, next_filled, read) = ahead.receive()?;
        eof = read == 0;
        spare = std::mem::replace(&mut buf, next);
        filled = next_filled;
    }
}

/// One piece of a chunk for one worker, with reusable output buffers.
struct Job<'a> {
    part: &'a [u8],
    first: u64,
    buffers: (Vec<u8>, Vec<u8>),
}

/// A processed piece: its folded outcome and what it wrote.
struct Done {
    exit: Exit,
    out: Vec<u8>,
    err: Vec<u8>,
}

/// Write one processed piece: stdout must succeed, stderr is best effort (it is for people).
fn write_part(part: &Done, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
    out.write_all(&part.out)?;
    if !part.err.is_empty() {
        let _ = err.write_all(&part.err);
    }
    Ok(())
}

struct Driver<'j> {
    job: &'j dyn LineJob,
    max_line: usize,
    next_number: u64,
    exit: Exit,
    batch: bool,
    /// Inside an oversized line already reported: drop bytes until its newline.
    skipping: bool,
    out_buf: Vec<u8>,
    err_buf: Vec<u8>,
    /// Output buffers of parallel workers, kept between chunks.
    pool: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Driver<'_> {
    /// Hand every line of `region` (complete lines, and at the end of input the unterminated
    /// last one) to the job. Large regions are split at line boundaries and processed on all
    /// cores; results are written in input order.
    fn complete_lines(
        &mut self,
        mut region: &[u8],
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        if self.skipping && !region.is_empty() {
            // The rest of an oversized line already reported: drop it.
            let cut = memchr::memchr(b'\n', region).map_or(region.len(), |i| i + 1);
            region = &region[cut..];
            self.skipping = false;
        }
        let parts = split_region(region, PARALLEL_MIN_BYTES, rayon::current_num_threads());
        if parts.len() <= 1 {
            let mut out = std::mem::take(&mut self.out_buf);
            let mut err = std::mem::take(&mut self.err_buf);
            let (exit, lines) = self.lines(region, self.next_number, &mut out, &mut err);
            self.out_buf = out;
            self.err_buf = err;
            self.exit = self.exit.merge(exit);
            self.next_number += lines;
            return Ok(());
        }
        let mut first = self.next_number;
        let mut spare = std::mem::take(&mut self.pool);
        let mut jobs = Vec::with_capacity(parts.len());
        for part in parts {
            let lines = count_lines(part);
            jobs.push(Job {
                part,
                first,
                buffers: spare.pop().unwrap_or_default(),
            });
            first += lines;
        }
        self.next_number = first;
        let done = if self.job.holds_output() {
            // Nothing of the chunk may be written before it is settled: process every part,
            // settle, then write.
            let done = self.process_all(jobs);
            self.flush(out, err)?;
            for part in &done {
                write_part(part, out, err)?;
            }
            done
        } else {
            // Write each part as soon as it and the parts before it are done, while the later
            // parts are still being processed: the workers do not wait for stdout to drain.
            self.flush(out, err)?;
            self.process_streaming(jobs, out, err)?
        };
        for mut part in done {
            self.exit = self.exit.merge(part.exit);
            part.out.clear();
            part.err.clear();
            self.pool.push((part.out, part.err));
        }
        self.pool.extend(spare);
        Ok(())
    }

    fn run_part(&self, job: Job<'_>) -> Done {
        let (mut out, mut err) = job.buffers;
        let exit = self.lines(job.part, job.first, &mut out, &mut err).0;
        Done { exit, out, err }
    }

    /// Process every part on the thread pool; results in input order.
    fn process_all(&self, jobs: Vec<Job<'_>>) -> Vec<Done> {
        use rayon::prelude::*;
        jobs.into_par_iter().map(|job| self.run_part(job)).collect()
    }

    /// Process the parts on the thread pool while this thread writes the finished ones in
    /// input order. Results in input order.
    fn process_streaming(
        &self,
        jobs: Vec<Job<'_>>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<Vec<Done>> {
        let count = jobs.len();
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Done)>();
        std::thread::scope(|threads| {
            // A plain thread waits on the pool, so this one stays free to write.
            threads.spawn(move || {
                rayon::scope(|pool| {
                    for (index, job) in jobs.into_iter().enumerate() {
                        let tx = tx.clone();
                        pool.spawn(move |_| {
                            let _ = tx.send((index, self.run_part(job)));
                        });
                    }
                });
            });
            let mut slots: Vec<Option<Done>> = (0..count).map(|_| None).collect();
            let mut next = 0;
            let mut written = Ok(());
            // Ends when every part was sent (all senders dropped).
            for (index, part) in rx {
                slots[index] = Some(part);
                while let Some(Some(part)) = slots.get(next) {
                    if written.is_ok() {
                        written = write_part(part, out, err);
                    }
                    next += 1;
                }
            }
            written.map(|()| slots.into_iter().flatten().collect())
        })
    }

    /// Run the job over every line of `region` (complete lines, plus a final unterminated one),
    /// numbering from `first`. Returns the folded exit and the number of lines.
    fn lines(
        &self,
        region: &[u8],
        first: u64,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
    ) -> (Exit, u64) {
        let mut exit = Exit::Ok;
        let mut number = first;
        let mut pos = 0;
        while pos < region.len() {
            let end = memchr::memchr(b'\n', &region[pos..]).map_or(region.len(), |i| pos + i + 1);
            let bytes = &region[pos..end];
            pos = end;
            let oversized = bytes.len() > self.max_line;
            let line = Line {
                number,
                bytes: if oversized {
                    &bytes[..self.max_line]
                } else {
                    bytes
                },
                oversized,
                batch: self.batch,
            };
            number += 1;
            exit = exit.merge(self.job.line(line, out, err));
        }
        (exit, number - first)
    }

    fn oversized(&mut self, start: &[u8]) {
        let line = Line {
            number: self.next_number,
            bytes: &start[..start.len().min(self.max_line)],
            oversized: true,
            batch: self.batch,
        };
        self.next_number += 1;
        let exit = self.job.line(line, &mut self.out_buf, &mut self.err_buf);
        self.exit = self.exit.merge(exit);
    }

    fn flush(&mut self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if let Err(e) = self.job.settle(&mut self.out_buf, &mut self.err_buf) {
            // Nothing of this chunk reaches stdout; what it said on stderr still helps.
            let _ = err.write_all(&self.err_buf);
            return Err(e);
        }
        if !self.out_buf.is_empty() {
            out.write_all(&self.out_buf)?;
            self.out_buf.clear();
        }
        out.flush()?;
        if !self.err_buf.is_empty() {
            // stderr is for people; a closed stderr must not fail the batch.
            let _ = err.write_all(&self.err_buf);
            let _ = err.flush();
            self.err_buf.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(input: &[u8]) -> Stream {
        Box::new(io::Cursor::new(input.to_vec()))
    }

    struct Echo;
    impl LineJob for Echo {
        fn line(&self, line: Line<'_>, out: &mut Vec<u8>, _err: &mut Vec<u8>) -> Exit {
            out.extend_from_slice(
                format!(
                    "{}:{}:{}:{}\n",
                    line.number,
                    line.batch,
                    line.oversized,
                    String::from_utf8_lossy(line.bytes).trim_end()
                )
                .as_bytes(),
            );
            if line.bytes.starts_with(b"bad") {
                Exit::Malformed
            } else {
                Exit::Ok
            }
        }
    }

    fn run(input: &[u8], max_line: usize) -> (String, Exit) {
        let mut out = Vec::new();
        let (exit, _) =
            run_lines(bytes(input), max_line, &Echo, &mut out, &mut Vec::new()).unwrap();
        (String::from_utf8(out).unwrap(), exit)
    }

    #[test]
    fn single_line_is_not_a_batch() {
        assert_eq!(run(b"a\n", 100), ("1:false:false:a\n".into(), Exit::Ok));
        assert_eq!(run(b"a", 100), ("1:false:false:a\n".into(), Exit::Ok));
    }

    #[test]
    fn batch_keeps_order_and_folds_exit() {
        let (out, exit) = run(b"a\nbad\nc", 100);
        assert_eq!(out, "1:true:false:a\n2:true:false:bad\n3:true:false:c\n");
        assert_eq!(exit, Exit::Malformed);
    }

    #[test]
    fn oversized_lines_are_cut_and_the_rest_skipped() {
        let long = "x".repeat(CHUNK * 3);
        let input = format!("a\n{long}\nb\n");
        let (out, _) = run(input.as_bytes(), 10);
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines[0], "1:true:false:a");
        assert_eq!(lines[1], "2:true:true:xxxxxxxxxx");
        assert_eq!(lines[2], "3:true:false:b");
        assert_eq!(lines.len(), 3);
    }

    /// Counts the lines handed out between two `settle` calls, like `mint` holds a chunk's
    /// tokens until its audit records are written; can refuse its `fail_on`-th chunk.
    struct Held {
        since: std::sync::atomic::AtomicUsize,
        settled: std::sync::Mutex<Vec<usize>>,
        fail_on: Option<usize>,
    }
    impl Held {
        fn new(fail_on: Option<usize>) -> Held {
            Held {
                since: Default::default(),
                settled: Default::default(),
                fail_on,
            }
        }
    }
    impl LineJob for Held {
        fn line(&self, line: Line<'_>, out: &mut Vec<u8>, _err: &mut Vec<u8>) -> Exit {
            self.since.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            out.extend_from_slice(line.bytes);
            Exit::Ok
        }
        fn holds_output(&self) -> bool {
            true
        }

        fn settle(&self, _out: &mut Vec<u8>, _err: &mut Vec<u8>) -> io::Result<()> {
            let lines = self.since.swap(0, std::sync::atomic::Ordering::SeqCst);
            if lines == 0 {
                return Ok(());
            }
            let mut settled = self.settled.lock().unwrap();
            settled.push(lines);
            if Some(settled.len()) == self.fail_on {
                return Err(io::Error::other("cannot settle"));
            }
            Ok(())
        }
    }

    #[test]
    fn settle_runs_per_chunk_before_output_and_can_stop_it() {
        let line = format!("{}\n", "t".repeat(99));
        let total = 2 * CHUNK / 100 + 10;
        let input = line.repeat(total);
        let job = Held::new(None);
        let mut out = Vec::new();
        run_lines(
            bytes(input.as_bytes()),
            1000,
            &job,
            &mut out,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(out, input.as_bytes());
        let chunks = job.settled.lock().unwrap().clone();
        assert!(chunks.len() >= 3, "one settle per chunk: {chunks:?}");
        assert_eq!(chunks.iter().sum::<usize>(), total, "every line settled");

        let failing = Held::new(Some(2));
        let mut out = Vec::new();
        let e = run_lines(
            bytes(input.as_bytes()),
            1000,
            &failing,
            &mut out,
            &mut Vec::new(),
        );
        assert!(e.is_err());
        let first = failing.settled.lock().unwrap()[0];
        assert_eq!(out.len(), first * 100, "only the first chunk was released");
    }

    /// Hands out its input a few bytes per read, so lines span reads and chunks.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        step: usize,
    }
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = (self.data.len() - self.pos).min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            // Vary the step so read boundaries fall everywhere in a line.
            self.step = self.step % 13 + 1;
            Ok(n)
        }
    }

    #[test]
    fn lines_split_across_reads_are_joined() {
        let mut input = String::new();
        for i in 0..2_000 {
            input.push_str(&format!("token-{i}\n"));
        }
        input.push_str("last-without-newline");
        let reader = Trickle {
            data: input.clone().into_bytes(),
            pos: 0,
            step: 1,
        };
        let mut out = Vec::new();
        let (exit, lines) =
            run_lines(Box::new(reader), 100, &Echo, &mut out, &mut Vec::new()).unwrap();
        assert_eq!(exit, Exit::Ok);
        assert_eq!(lines, 2_001);
        let expected: String = input
            .split('\n')
            .enumerate()
            .map(|(i, l)| format!("{}:true:false:{l}\n", i + 1))
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    /// Gives one chunk of lines, then blocks forever, like `tail -f` or a terminal nobody
    /// types into.
    struct Stalls {
        first: Option<Vec<u8>>,
        never: std::sync::mpsc::Receiver<()>,
    }
    impl Read for Stalls {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if let Some(data) = self.first.take() {
                buf[..data.len()].copy_from_slice(&data);
                return Ok(data.len());
            }
            let _ = self.never.recv();
            Ok(0)
        }
    }

    #[test]
    fn a_failed_chunk_ends_the_run_while_a_read_is_pending() {
        // The next read is already waiting on stdin when the first chunk's settle fails: the
        // run must end at once, not when (if ever) more input arrives.
        let (keep, never) = std::sync::mpsc::channel();
        let reader = Stalls {
            first: Some(b"a\nb\nc\n".to_vec()),
            never,
        };
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let job = Held::new(Some(1));
            let mut out = Vec::new();
            let result = run_lines(Box::new(reader), 100, &job, &mut out, &mut Vec::new());
            let _ = done_tx.send((result.is_err(), out));
        });
        let (failed, out) = done_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("run_lines returned while stdin was still blocked");
        assert!(failed, "the failed settle is an error");
        assert!(out.is_empty(), "nothing of the refused chunk was written");
        drop(keep);
    }

    #[test]
    fn parallel_batches_keep_order_and_numbering() {
        let mut input = String::new();
        for i in 0..50_000 {
            input.push_str(if i % 7 == 3 { "bad\n" } else { "line\n" });
        }
        let (out, exit) = run(input.as_bytes(), 100);
        assert_eq!(exit, Exit::Malformed);
        for (i, line) in out.lines().enumerate() {
            let expected = if i % 7 == 3 { "bad" } else { "line" };
            assert_eq!(line, format!("{}:true:false:{expected}", i + 1));
        }
        assert_eq!(out.lines().count(), 50_000);
    }

    #[test]
    fn split_region_covers_everything_at_line_boundaries() {
        let text = "abc\n".repeat(10_000);
        let parts = split_region(text.as_bytes(), 1000, 4);
        assert!(parts.len() > 1);
        assert_eq!(parts.concat(), text.as_bytes());
        assert!(parts.iter().all(|p| p.ends_with(b"\n")));
    }

    #[test]
    fn source_rules() {
        assert_eq!(
            source(Some(OsStr::new("t")), true),
            Ok(Source::Arg(b"t".to_vec()))
        );
        assert_eq!(source(Some(OsStr::new("-")), true), Ok(Source::Stdin));
        assert_eq!(source(None, false), Ok(Source::Stdin));
        assert_eq!(source(None, true).unwrap_err().exit, Exit::Usage);
    }
}
