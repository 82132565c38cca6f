//! The ordered parallel pipeline: chunks of stdin cut into parts of lines, run on the thread
//! pool, and written back in input order.

use super::CHUNK;
use super::job::{Line, LineJob};
use super::read_ahead::{ReadAhead, Reply, stopped};
use super::source::{Stream, read_some};
use crate::exit::Exit;
use std::io::{self, Write};
use std::sync::{Arc, mpsc};

/// Below this many bytes of complete lines, a chunk is processed on one thread.
const PARALLEL_MIN_BYTES: usize = 32 * 1024;

fn count_lines(region: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', region).count() as u64;
    newlines + u64::from(!region.is_empty() && !region.ends_with(b"\n"))
}

/// Split `region` into about `parts` pieces at line boundaries, each at least `min` bytes.
pub(super) fn split_region(region: &[u8], min: usize, parts: usize) -> Vec<&[u8]> {
    if region.len() < 2 * min || parts <= 1 {
        return vec![region];
    }
    // One piece per thread. Each piece costs a few wake-ups (handed to a worker, its result
    // to the writer, a credit back), and on a virtual machine those cost more than the
    // imbalance they would even out (more pieces per thread measured as more system calls
    // and more CPU, not less time). Most jobs
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

/// Run `job` over every line of `reader`, writing results in input order. Returns the
/// batch's folded exit code (see [`Exit::merge`]) and the number of lines read.
///
/// The first read happens here, and a small input that is all in is processed right here. A
/// batch runs as a pipeline: a reader thread reads the next chunk, a producer thread cuts
/// chunks into parts of lines and hands them to the thread pool without waiting for earlier
/// parts to finish, and this thread writes the results in input order. Nobody waits at chunk
/// boundaries: not the workers for stdout to drain, not the writer for stdin to fill. Memory
/// stays bounded: at most [`in_flight`] parts are handed out and not yet written.
pub(crate) fn run_lines(
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
/// threads, and no more on more of them, which keeps peak memory at a few chunks.
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
