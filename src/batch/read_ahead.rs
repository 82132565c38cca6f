//! The next read from stdin, on a thread of its own while the current chunk is processed.

use super::CHUNK;
use super::source::{Stream, read_some};
use std::io;
use std::sync::mpsc;

/// A buffer handed to the read-ahead thread: read into `buf[offset..offset + CHUNK]`.
struct Request {
    buf: Vec<u8>,
    offset: usize,
}

/// What comes back from the read-ahead thread.
pub(super) enum Reply {
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
pub(super) struct ReadAhead {
    requests: mpsc::Sender<Request>,
    replies: mpsc::Receiver<Reply>,
    /// Lets the writer wake a producer that waits for input (see [`Reply::Cancelled`]).
    pub(super) canceller: mpsc::Sender<Reply>,
}

impl ReadAhead {
    pub(super) fn start(reader: Stream) -> io::Result<Self> {
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
    pub(super) fn request(&self, mut buf: Vec<u8>, offset: usize) {
        if buf.len() < offset + CHUNK {
            buf.resize(offset + CHUNK, 0);
        }
        // The thread only stops when this side is dropped, so the send cannot fail while
        // `self` lives; if it did, `receive` reports it.
        let _ = self.requests.send(Request { buf, offset });
    }

    /// Wait for the read started by [`ReadAhead::request`]: the buffer, its filled length and
    /// how many bytes the read added (0: end of input).
    pub(super) fn receive(&self) -> io::Result<(Vec<u8>, usize, usize)> {
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
pub(super) fn stopped() -> io::Error {
    io::Error::other("batch stopped")
}
