//! Where tokens come from: one positional argument, or stdin read as a stream of lines.
//!
//! Stdin is read in chunks; every complete line is handed to a [`LineJob`], on all cores, and
//! the results are written in input order as soon as they and those before them are done,
//! so memory stays constant and the first result appears before the input ends.

use crate::error::Failure;
use crate::exit::Exit;
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::sync::{Arc, mpsc};

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

    /// Called once per chunk of input, after [`LineJob::line`] ran for each of its lines. A
    /// job that must make a chunk's results durable before releasing them (`mint` appends
    /// and syncs the chunk's audit records) does it here, and may add the output it held back
    /// to `out`. An error ends the run: the chunk's stdout output is not written.
    fn settle(&self, out: &mut Vec<u8>, err: &mut Vec<u8>) -> io::Result<()> {
        let _ = (out, err);
        Ok(())
    }

    /// Whether the job holds a chunk's output back until [`LineJob::settle`] ran: then no
    /// line of the chunk is written before it is settled, and no line of the next chunk is
    /// handed out before that. Jobs that don't have their results written as they come, while
    /// later lines (of the same or the next chunks) are still being processed.
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
const CHUNK: usize = 512 * 1024;

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
    // One piece per thread. Each piece costs a few wake-ups (handed to a worker, its result
    // to the writer, a credit back), and on a virtual machine those cost more than the
    // imbalance they would even out: with four pieces per thread, 1M tokens took 36,619 system
    // calls (futex, sched_yield, write) against 10,804 with one, and 5-14% more CPU. Most jobs
    // let the producer hand out the next chunk's pieces while these run, so a worker left
    // idle by a slow piece takes one of those; a job that holds its output (`mint`) waits
    // for each chunk to be settled, and there a slow piece idles the other workers.
    let target = (region.len() / parts).max(min);
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

/// The process's standard input, set up on its first read: a run that never reads stdin (a
/// token given as an argument) skips std's buffered reader and its allocation.
#[derive(Default)]
pub struct Stdin(Option<io::Stdin>);

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.get_or_insert_with(io::stdin).read(buf)
    }
}

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

/// What comes back from the read-ahead thread.
enum Reply {
    /// `buf[..offset]` as it was sent, then what the read returned.
    Read {
        buf: Vec<u8>,
        offset: usize,
        read: io::Result<usize>,
    },
    /// The writer gave up (stdout closed, audit log failed): stop waiting for input.
    Cancelled,
}

/// The next read from stdin, running on its own thread while the current chunk is processed
/// and written. The thread owns the reader and is not joined: when a run ends early (stdout
/// closed, an audit log that cannot be written), a read that may never return (a terminal,
/// `tail -f`) must not hold the process; dropping this ends the thread after its current read.
struct ReadAhead {
    requests: mpsc::Sender<Request>,
    replies: mpsc::Receiver<Reply>,
    /// Lets the writer wake a producer that waits for input (see [`Reply::Cancelled`]).
    canceller: mpsc::Sender<Reply>,
}

impl ReadAhead {
    fn start(reader: Stream) -> io::Result<Self> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel::<Reply>();
        let canceller = outbox.clone();
        std::thread::Builder::new()
            .name("jwtctl-read".into())
            .spawn(move || {
                let mut reader = reader;
                for Request { mut buf, offset } in inbox {
                    let read = read_some(&mut reader, &mut buf[offset..offset + CHUNK]);
                    if outbox.send(Reply::Read { buf, offset, read }).is_err() {
                        break;
                    }
                }
            })?;
        Ok(ReadAhead {
            requests,
            replies,
            canceller,
        })
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
        match self.replies.recv() {
            Ok(Reply::Read { buf, offset, read }) => {
                let n = read?;
                Ok((buf, offset + n, n))
            }
            Ok(Reply::Cancelled) | Err(_) => Err(stopped()),
        }
    }
}

/// The other side of the pipeline is gone (it reports why).
fn stopped() -> io::Error {
    io::Error::other("batch stopped")
}

/// Run `job` over every line of `reader`, writing results in input order. Returns the
/// batch's folded exit code (see [`Exit::merge`]) and the number of lines read.
///
/// The first read happens here, and a small input that is all in is processed right here. A
/// batch runs as a pipeline: a reader thread reads the next chunk, a producer thread cuts
/// chunks into parts of lines and hands them to the thread pool without waiting for earlier
/// parts to finish, and this thread writes the results in input order. Nobody waits at chunk
/// boundaries: not the workers for stdout to drain, not the writer for stdin to fill. Memory
/// stays bounded: at most [`in_flight`] parts are handed out and not yet written.
pub fn run_lines(
    mut reader: Stream,
    max_line: usize,
    job: &dyn LineJob,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<(Exit, u64)> {
    // `buf[..filled]` holds unprocessed input. Buffers are zero-filled only when they grow,
    // not on every read.
    let mut buf: Vec<u8> = vec![0; CHUNK];
    let mut filled = 0;
    // Read here until we know whether more than one line follows: one token on stdin needs
    // no other thread.
    let (eof, batch) = loop {
        if buf.len() < filled + CHUNK {
            buf.resize(filled + CHUNK, 0);
        }
        let n = read_some(&mut *reader, &mut buf[filled..filled + CHUNK])?;
        filled += n;
        let data = &buf[..filled];
        let lines = memchr::memchr_iter(b'\n', data).count();
        let more_after_first = lines > 1 || (lines == 1 && !data.ends_with(b"\n"));
        if n == 0 || more_after_first || filled > max_line {
            break (n == 0, more_after_first);
        }
    };
    let work = Work {
        job,
        max_line,
        batch,
    };
    let mut sink = Sink {
        job,
        out,
        err,
        exit: Exit::Ok,
        held: Vec::new(),
    };
    if eof && filled < 2 * PARALLEL_MIN_BYTES {
        // A few lines, all in: no threads.
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let exit = work.lines(&buf[..filled], 1, &mut o, &mut e);
        let lines = count_lines(&buf[..filled]);
        sink.take(Msg::Part(Done {
            exit,
            out: o,
            err: e,
        }))?;
        sink.take(Msg::ChunkEnd { lines })?;
        sink.out.flush()?;
        let _ = sink.err.flush();
        return Ok((sink.exit, lines));
    }
    let ahead = if eof {
        None
    } else {
        Some(ReadAhead::start(reader)?)
    };
    let canceller = ahead.as_ref().map(|a| a.canceller.clone());
    let holds = job.holds_output();
    let (results_tx, results) = mpsc::channel::<(u64, Msg)>();
    let (credit, credits) = mpsc::channel::<()>();
    for _ in 0..in_flight() {
        let _ = credit.send(());
    }
    let (settled, wait_settled) = mpsc::channel::<()>();
    let (recycle, recycled) = mpsc::channel::<(Vec<u8>, Vec<u8>)>();
    std::thread::scope(|scope| {
        let produced = scope.spawn(move || {
            let mut producer = Producer {
                work,
                next_number: 1,
                skipping: false,
                seq: 0,
                results: results_tx,
                credits,
                wait_settled,
                recycled,
                retired: Vec::new(),
            };
            rayon::in_place_scope(|pool| producer.run(pool, ahead.as_ref(), buf, filled, eof))
        });
        let written = (|| -> io::Result<()> {
            // Results arrive in any order; `waiting[i]` is sequence number `base + i`.
            let mut waiting: std::collections::VecDeque<Option<Msg>> = Default::default();
            let mut base = 0u64;
            loop {
                let (seq, msg) = match results.try_recv() {
                    Ok(next) => next,
                    Err(mpsc::TryRecvError::Disconnected) => break,
                    Err(mpsc::TryRecvError::Empty) => {
                        // Nothing ready: make what was written visible before waiting.
                        sink.out.flush()?;
                        let _ = sink.err.flush();
                        match results.recv() {
                            Ok(next) => next,
                            Err(_) => break,
                        }
                    }
                };
                let at = (seq - base) as usize;
                if waiting.len() <= at {
                    waiting.resize_with(at + 1, || None);
                }
                waiting[at] = Some(msg);
                while let Some(Some(_)) = waiting.front() {
                    let Some(Some(msg)) = waiting.pop_front() else {
                        break;
                    };
                    base += 1;
                    let end_of_chunk = matches!(msg, Msg::ChunkEnd { .. });
                    if let Some(buffers) = sink.take(msg)? {
                        let _ = recycle.send(buffers);
                    }
                    if end_of_chunk {
                        if holds {
                            let _ = settled.send(());
                        }
                    } else {
                        let _ = credit.send(());
                    }
                }
            }
            sink.out.flush()?;
            let _ = sink.err.flush();
            Ok(())
        })();
        if written.is_err() {
            // Wake the producer wherever it waits: for a credit, for a settle, for input.
            drop(results);
            drop(credit);
            drop(settled);
            if let Some(canceller) = canceller {
                let _ = canceller.send(Reply::Cancelled);
            }
        }
        let lines = match produced.join() {
            Ok(lines) => lines,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        written?;
        Ok((sink.exit, lines?))
    })
}

/// Parts handed to the workers and not yet written, at most: bounds memory when stdout is
/// slower than the workers, and lets the workers run ahead of the writer up to here. A chunk
/// is cut into a part per thread, but none under [`PARALLEL_MIN_BYTES`] (see
/// [`split_region`]): so this is two chunks' worth on up to `CHUNK / PARALLEL_MIN_BYTES` (16)
/// threads, and no more on more of them. Peak RSS for 1M verified tokens on two cores:
/// 11.7 MiB (with 12 parts of that size in flight: 25 MiB).
fn in_flight() -> usize {
    2 * rayon::current_num_threads().clamp(1, CHUNK / PARALLEL_MIN_BYTES)
}

/// Input buffers kept for reuse (beyond those whose parts are still in flight).
const SPARE_CHUNKS: usize = 3;

/// What the producer passes to the writer, numbered in input order.
enum Msg {
    /// Processed lines.
    Part(Done),
    /// Every line up to number `lines` was handed out: settle the chunk, release it, report
    /// progress.
    ChunkEnd { lines: u64 },
}

/// A processed piece: its folded outcome and what it wrote.
struct Done {
    exit: Exit,
    out: Vec<u8>,
    err: Vec<u8>,
}

/// Cuts the input into chunks and parts, hands the parts to the thread pool and numbers
/// every result so the writer can put them back in order.
struct Producer<'j> {
    work: Work<'j>,
    next_number: u64,
    /// Inside an oversized line already reported: drop bytes until its newline.
    skipping: bool,
    /// Sequence number of the next message.
    seq: u64,
    results: mpsc::Sender<(u64, Msg)>,
    /// One per part that may be handed out; the writer returns one per part written.
    credits: mpsc::Receiver<()>,
    /// For a job that holds output: the writer settled the chunk.
    wait_settled: mpsc::Receiver<()>,
    /// Output buffers the writer is done with.
    recycled: mpsc::Receiver<(Vec<u8>, Vec<u8>)>,
    /// Chunks handed out, to reuse for reading once their parts are done.
    retired: Vec<Arc<Vec<u8>>>,
}

impl<'j> Producer<'j> {
    /// Process `buf[..filled]` and every later chunk `ahead` reads (none when `eof`).
    /// Returns the number of lines.
    fn run<'s>(
        &mut self,
        pool: &rayon::Scope<'s>,
        ahead: Option<&ReadAhead>,
        buf: Vec<u8>,
        mut filled: usize,
        mut eof: bool,
    ) -> io::Result<u64>
    where
        'j: 's,
    {
        // Buffers keep their full length (no zero-filling between reads); `filled` says how
        // much of the current one holds input.
        let mut chunk = Arc::new(buf);
        loop {
            // Complete lines are processed now; at the end of input, the unterminated last
            // one too. The partial line after them starts the next buffer, unless it is
            // already too long.
            let end = if eof {
                filled
            } else {
                memchr::memrchr(b'\n', &chunk[..filled]).map_or(0, |i| i + 1)
            };
            let too_long = filled - end > self.work.max_line;
            if let (Some(ahead), false) = (ahead, eof) {
                let carry = if too_long { 0 } else { filled - end };
                let mut next = self.read_buffer(carry + CHUNK);
                next[..carry].copy_from_slice(&chunk[end..end + carry]);
                ahead.request(next, carry);
            }
            self.chunk(pool, &chunk, end)?;
            if too_long && !self.skipping {
                // A line longer than the limit with no end in sight: report it once, then
                // drop its bytes until its newline instead of buffering them.
                self.oversized(&chunk[end..filled])?;
                self.skipping = true;
            }
            self.send(Msg::ChunkEnd {
                lines: self.next_number - 1,
            })?;
            if self.work.job.holds_output() {
                // Its records must follow the chunks: wait until the writer settled this one
                // before handing out lines of the next.
                self.wait_settled.recv().map_err(|_| stopped())?;
            }
            self.retired.push(chunk);
            let Some(ahead) = ahead.filter(|_| !eof) else {
                return Ok(self.next_number - 1);
            };
            let (next, next_filled, read) = ahead.receive()?;
            eof = read == 0;
            filled = next_filled;
            chunk = Arc::new(next);
        }
    }

    fn send(&mut self, msg: Msg) -> io::Result<()> {
        let seq = self.seq;
        self.seq += 1;
        self.results.send((seq, msg)).map_err(|_| stopped())
    }

    /// A buffer of `len` bytes to read into: a retired chunk whose parts are all done, or a
    /// new one.
    fn read_buffer(&mut self, len: usize) -> Vec<u8> {
        let free = self
            .retired
            .iter()
            .position(|chunk| Arc::strong_count(chunk) == 1);
        let reused = free.and_then(|i| Arc::try_unwrap(self.retired.swap_remove(i)).ok());
        // Keep a few buffers in rotation; let the rest go.
        if self.retired.len() > SPARE_CHUNKS {
            self.retired.retain(|chunk| Arc::strong_count(chunk) > 1);
        }
        match reused {
            Some(mut buf) => {
                // Old bytes are overwritten by the read: zero-fill only new room.
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                buf
            }
            None => vec![0; len],
        }
    }

    fn buffers(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.recycled.try_recv().unwrap_or_default()
    }

    /// Hand the lines of `chunk[..end]` to the pool in parts, each numbered.
    fn chunk<'s>(
        &mut self,
        pool: &rayon::Scope<'s>,
        chunk: &Arc<Vec<u8>>,
        end: usize,
    ) -> io::Result<()>
    where
        'j: 's,
    {
        let mut start = 0;
        if self.skipping && end > 0 {
            // The rest of an oversized line already reported: drop it.
            start = memchr::memchr(b'\n', &chunk[..end]).map_or(end, |i| i + 1);
            self.skipping = false;
        }
        let region = &chunk[start..end];
        if region.is_empty() {
            return Ok(());
        }
        for part in split_region(region, PARALLEL_MIN_BYTES, rayon::current_num_threads()) {
            self.credits.recv().map_err(|_| stopped())?;
            let from = start + (part.as_ptr() as usize - region.as_ptr() as usize);
            let range = from..from + part.len();
            let first = self.next_number;
            self.next_number += count_lines(part);
            let seq = self.seq;
            self.seq += 1;
            let (mut out, mut err) = self.buffers();
            let results = self.results.clone();
            let chunk = Arc::clone(chunk);
            let work = self.work;
            pool.spawn(move |_| {
                let exit = work.lines(&chunk[range], first, &mut out, &mut err);
                let _ = results.send((seq, Msg::Part(Done { exit, out, err })));
            });
        }
        Ok(())
    }

    fn oversized(&mut self, start: &[u8]) -> io::Result<()> {
        let line = Line {
            number: self.next_number,
            bytes: &start[..start.len().min(self.work.max_line)],
            oversized: true,
            batch: self.work.batch,
        };
        self.next_number += 1;
        let (mut out, mut err) = self.buffers();
        let exit = self.work.job.line(line, &mut out, &mut err);
        self.send(Msg::Part(Done { exit, out, err }))
    }
}

/// What the workers need: the job and how lines are cut.
#[derive(Clone, Copy)]
struct Work<'j> {
    job: &'j dyn LineJob,
    max_line: usize,
    batch: bool,
}

impl Work<'_> {
    /// Run the job over every line of `region` (complete lines, plus a final unterminated one),
    /// numbering from `first`. Returns the folded exit.
    fn lines(self, region: &[u8], first: u64, out: &mut Vec<u8>, err: &mut Vec<u8>) -> Exit {
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
        exit
    }
}

/// The writing end: results in order to stdout and stderr, each chunk settled before what
/// the job held back is released.
struct Sink<'a> {
    job: &'a dyn LineJob,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    exit: Exit,
    /// Results of the current chunk held until it is settled (see [`LineJob::holds_output`]).
    held: Vec<Done>,
}

impl Sink<'_> {
    /// Take one message; returns output buffers that are free again.
    fn take(&mut self, msg: Msg) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
        match msg {
            Msg::Part(part) => {
                self.exit = self.exit.merge(part.exit);
                if self.job.holds_output() {
                    self.held.push(part);
                    return Ok(None);
                }
                self.write(&part)?;
                Ok(Some(clear(part)))
            }
            Msg::ChunkEnd { lines } => {
                let (mut out, mut err) = (Vec::new(), Vec::new());
                if let Err(e) = self.job.settle(&mut out, &mut err) {
                    // Nothing of this chunk reaches stdout; what it said on stderr still helps.
                    let _ = self.err.write_all(&err);
                    for part in &self.held {
                        let _ = self.err.write_all(&part.err);
                    }
                    return Err(e);
                }
                self.out.write_all(&out)?;
                for part in std::mem::take(&mut self.held) {
                    self.write(&part)?;
                }
                if !err.is_empty() {
                    let _ = self.err.write_all(&err);
                }
                self.job.progress(lines);
                Ok(None)
            }
        }
    }

    /// Write one processed piece: stdout must succeed, stderr is best effort (it is for
    /// people; a closed stderr must not fail the batch).
    fn write(&mut self, part: &Done) -> io::Result<()> {
        self.out.write_all(&part.out)?;
        if !part.err.is_empty() {
            let _ = self.err.write_all(&part.err);
        }
        Ok(())
    }
}

fn clear(mut part: Done) -> (Vec<u8>, Vec<u8>) {
    part.out.clear();
    part.err.clear();
    (part.out, part.err)
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
        for i in 0..600 {
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
        assert_eq!(lines, 601);
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

    /// A stdout whose reader went away. The first write fails only after a pause, so that
    /// by then the producer has handed out the chunk and waits for the next read.
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
            std::thread::sleep(std::time::Duration::from_millis(200));
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stdout_ends_the_run_while_a_read_is_pending() {
        // `tail -f log | jwtctl decode | head -1`: once stdout is gone, the run ends even
        // though the next read may never return.
        let (keep, never) = std::sync::mpsc::channel();
        let reader = Stalls {
            first: Some(b"a\nb\nc\n".to_vec()),
            never,
        };
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = run_lines(Box::new(reader), 100, &Echo, &mut Closed, &mut Vec::new());
            let _ = done_tx.send(result.map_err(|e| e.kind()));
        });
        let result = done_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("run_lines returned while stdin was still blocked");
        assert_eq!(result, Err(io::ErrorKind::BrokenPipe));
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
