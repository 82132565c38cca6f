//! Reading a log line by line in bounded memory, with one line of look-ahead.

use std::io::{self, BufRead, Read};

use super::record::MAX_LINE_BYTES;

/// One line of the log as read.
pub(crate) struct RawLine {
    /// 1-based line number.
    pub(crate) number: usize,
    /// The line's bytes, without its newline.
    pub(crate) bytes: Vec<u8>,
    /// Whether the line ended with a newline (only the last line of a file can lack one).
    pub(crate) terminated: bool,
    /// Whether the line was longer than [`MAX_LINE_BYTES`]; `bytes` then holds only its start,
    /// and reading should stop.
    pub(crate) too_long: bool,
}

/// Yields the lines of a reader, never holding more than two lines of [`MAX_LINE_BYTES`].
pub(crate) struct LineReader<R> {
    reader: R,
    read: usize,
    peeked: Option<Option<RawLine>>,
}

impl<R: BufRead> LineReader<R> {
    pub(crate) fn new(reader: R) -> LineReader<R> {
        LineReader {
            reader,
            read: 0,
            peeked: None,
        }
    }

    /// The next line, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<RawLine>> {
        match self.peeked.take() {
            Some(line) => Ok(line),
            None => self.read_line(),
        }
    }

    /// The line [`next_line`](Self::next_line) will return, without consuming it.
    pub(crate) fn peek(&mut self) -> io::Result<Option<&RawLine>> {
        if self.peeked.is_none() {
            self.peeked = Some(self.read_line()?);
        }
        Ok(self.peeked.as_ref().and_then(Option::as_ref))
    }

    fn read_line(&mut self) -> io::Result<Option<RawLine>> {
        let mut bytes = Vec::new();
        let limit = MAX_LINE_BYTES as u64 + 1;
        if (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut bytes)?
            == 0
        {
            return Ok(None);
        }
        self.read += 1;
        let terminated = bytes.last() == Some(&b'\n');
        if terminated {
            bytes.pop();
        }
        Ok(Some(RawLine {
            number: self.read,
            too_long: !terminated && bytes.len() > MAX_LINE_BYTES,
            bytes,
            terminated,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<(usize, Vec<u8>, bool, bool)> {
        let mut reader = LineReader::new(input);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().unwrap() {
            let stop = line.too_long;
            out.push((line.number, line.bytes, line.terminated, line.too_long));
            if stop {
                break;
            }
        }
        out
    }

    #[test]
    fn splits_numbers_and_flags_lines() {
        let lines = read_all(b"a\n\nb");
        assert_eq!(
            lines,
            [
                (1, b"a".to_vec(), true, false),
                (2, b"".to_vec(), true, false),
                (3, b"b".to_vec(), false, false)
            ]
        );
        assert!(read_all(b"").is_empty());
    }

    #[test]
    fn longest_allowed_line_fits_and_longer_is_flagged() {
        let fits = [vec![b'x'; MAX_LINE_BYTES], b"\n".to_vec()].concat();
        assert!(read_all(&fits)[0].2);
        let long = [vec![b'x'; MAX_LINE_BYTES + 1], b"\n".to_vec()].concat();
        let lines = read_all(&long);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].3);
        assert_eq!(lines[0].1.len(), MAX_LINE_BYTES + 1);
    }

    #[test]
    fn peek_does_not_consume() {
        let mut reader = LineReader::new(&b"a\nb\n"[..]);
        assert_eq!(reader.peek().unwrap().unwrap().bytes, b"a");
        assert_eq!(reader.next_line().unwrap().unwrap().bytes, b"a");
        assert_eq!(reader.peek().unwrap().unwrap().number, 2);
        assert_eq!(reader.next_line().unwrap().unwrap().bytes, b"b");
        assert!(reader.peek().unwrap().is_none());
        assert!(reader.next_line().unwrap().is_none());
    }
}
