use super::CHUNK;
use super::pipeline::split_region;
use super::*;
use crate::exit::Exit;
use std::ffi::OsStr;
use std::io::{self, Read, Write};

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
    let (exit, _) = run_lines(bytes(input), max_line, &Echo, &mut out, &mut Vec::new()).unwrap();
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
    let (exit, lines) = run_lines(Box::new(reader), 100, &Echo, &mut out, &mut Vec::new()).unwrap();
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
