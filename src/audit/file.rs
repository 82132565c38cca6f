//! Opening the log: for appending (created with mode 0600 in a 0700 directory, both fsynced into
//! their parents when new, never through a symbolic link, refused when others could write it),
//! or for reading under a shared lock. Finding the last record, reading backwards.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::AuditError;
use super::entry::parse_entry;
use super::record::{MAX_LINE_BYTES, Tagged};

/// How many bytes are read per step while looking backwards for the start of the last line.
pub(super) const TAIL_CHUNK: u64 = 4096;

/// Opens the log for reading and appending, creating it and its directory when missing, and
/// takes the exclusive lock.
pub(super) fn open_for_append(path: &Path) -> Result<File, AuditError> {
    refuse_symlink(path)?;
    let dir = parent_of(path);
    let created_dirs = create_dirs(path, &dir)?;
    check_dir(path, &dir)?;
    let existed = path.symlink_metadata().is_ok();
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        // Closes the race between the symlink check above and this open.
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
        .map_err(|e| open_error(path, e))?;
    let metadata = file
        .metadata()
        .map_err(|e| AuditError::io("inspect", path, e))?;
    if !metadata.is_file() {
        return Err(AuditError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    check_owner_and_mode(path, &metadata, false)?;
    if !existed {
        // A new log (and new directories) must survive a power loss once a token is out.
        sync_dir(path, &dir)?;
        for created in created_dirs.iter().rev() {
            sync_dir(path, &parent_of(created))?;
        }
    }
    file.lock().map_err(|e| AuditError::io("lock", path, e))?;
    Ok(file)
}

/// Opens the log for reading and takes the shared lock, so that the reader sees whole appends
/// only.
pub(crate) fn open_for_reading(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    file.lock_shared()?;
    Ok(file)
}

fn open_error(path: &Path, e: io::Error) -> AuditError {
    match e.raw_os_error() {
        Some(code) if code == rustix::io::Errno::LOOP.raw_os_error() => AuditError::Symlink {
            path: path.to_path_buf(),
        },
        _ => AuditError::io("open", path, e),
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn refuse_symlink(path: &Path) -> Result<(), AuditError> {
    match path.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() => Err(AuditError::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AuditError::io("inspect", path, e)),
    }
}

/// Creates the missing directories of `dir` with mode 0700, and returns those it created,
/// outermost first.
fn create_dirs(path: &Path, dir: &Path) -> Result<Vec<PathBuf>, AuditError> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at {
        if d.as_os_str().is_empty() || d.symlink_metadata().is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    if missing.is_empty() {
        return Ok(missing);
    }
    missing.reverse();
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| AuditError::io("create the directory of", path, e))?;
    Ok(missing)
}

fn sync_dir(path: &Path, dir: &Path) -> Result<(), AuditError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| AuditError::io("sync the directory of", path, e))
}

/// The log's directory must not be writable by others (unless sticky, as `/tmp` is) nor owned
/// by another user than the one appending or root.
fn check_dir(path: &Path, dir: &Path) -> Result<(), AuditError> {
    let metadata = dir
        .metadata()
        .map_err(|e| AuditError::io("inspect the directory of", path, e))?;
    check_owner_and_mode(dir, &metadata, true)
}

fn check_owner_and_mode(
    path: &Path,
    metadata: &std::fs::Metadata,
    is_dir: bool,
) -> Result<(), AuditError> {
    let mode = metadata.mode() & 0o7777;
    let me = rustix::process::geteuid().as_raw();
    let sticky = is_dir && mode & 0o1000 != 0;
    if mode & 0o022 != 0 && !sticky {
        return Err(AuditError::Unsafe {
            path: path.to_path_buf(),
            is_dir,
            why: super::UnsafeWhy::Writable { mode },
        });
    }
    let owner = metadata.uid();
    if owner != me && owner != 0 && !sticky {
        return Err(AuditError::Unsafe {
            path: path.to_path_buf(),
            is_dir,
            why: super::UnsafeWhy::Owner { owner, me },
        });
    }
    Ok(())
}

/// Where the chain currently ends.
#[derive(Clone, Copy)]
pub(super) struct Tail {
    /// The length of the file the tail was read from.
    pub(super) len: u64,
    pub(super) seq: u64,
    pub(super) hash: Tagged,
}

/// Finds the last record of the first `len` bytes (reading backwards from there) and hashes
/// its line.
pub(super) fn read_tail(file: &File, path: &Path, len: u64) -> Result<Tail, AuditError> {
    if len == 0 {
        return Ok(Tail {
            len,
            seq: 0,
            hash: Tagged::genesis(),
        });
    }
    let corrupt = |detail: String, incomplete: bool| AuditError::CorruptTail {
        path: path.to_path_buf(),
        detail,
        incomplete,
    };
    let read_err = |e| AuditError::io("read", path, e);
    if read_at(file, len - 1, 1).map_err(read_err)? != b"\n" {
        return Err(corrupt(
            "its last line is incomplete (no final newline)".into(),
            true,
        ));
    }
    let start = last_line_start(file, len - 1)
        .map_err(read_err)?
        .ok_or_else(|| {
            corrupt(
                format!("its last line is longer than {MAX_LINE_BYTES} bytes"),
                false,
            )
        })?;
    let line = read_at(file, start, len - 1 - start).map_err(read_err)?;
    let entry = parse_entry(&line)
        .map_err(|fault| corrupt(format!("its last line {}", fault.message()), false))?;
    Ok(Tail {
        len,
        seq: entry.seq(),
        hash: Tagged::of(&line),
    })
}

/// The offset where the line ending at `end` (the offset of its newline, or the end of the
/// file for an unfinished line) starts, or `None` when that line is longer than
/// [`MAX_LINE_BYTES`].
pub(super) fn last_line_start(file: &File, end: u64) -> io::Result<Option<u64>> {
    let mut pos = end;
    while pos > 0 {
        if end - pos > MAX_LINE_BYTES as u64 {
            return Ok(None);
        }
        let step = pos.min(TAIL_CHUNK);
        let chunk = read_at(file, pos - step, step)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(Some(pos - step + i as u64 + 1));
        }
        pos -= step;
    }
    Ok((end <= MAX_LINE_BYTES as u64).then_some(0))
}

pub(super) fn read_at(file: &File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    let len = usize::try_from(len).map_err(io::Error::other)?;
    let mut buf = vec![0; len];
    file.read_exact_at(&mut buf, offset)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    /// A reader waits for an append in progress, then sees all of it.
    #[test]
    fn a_reader_waits_for_the_whole_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut writer = open_for_append(&path).unwrap();
        writer.write_all(b"{\"half\":").unwrap();
        let (sent, seen) = mpsc::channel();
        let reader = std::thread::spawn({
            let path = path.clone();
            move || {
                let mut text = String::new();
                open_for_reading(&path)
                    .unwrap()
                    .read_to_string(&mut text)
                    .unwrap();
                sent.send(text).unwrap();
            }
        });
        assert!(
            seen.recv_timeout(Duration::from_millis(300)).is_err(),
            "read during the append"
        );
        writer.write_all(b"1}\n").unwrap();
        drop(writer);
        assert_eq!(
            seen.recv_timeout(Duration::from_secs(10)).unwrap(),
            "{\"half\":1}\n"
        );
        reader.join().unwrap();
    }
}
