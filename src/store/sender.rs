//! Which leadbox process sends a profile's outbox. Every process on a profile (inboxes, `leads create`)
//! may queue leads into its state file, but only the one holding this lock sends them, so a lead is never
//! POSTed by two processes at once. The lock is an OS file lock (`flock`): the kernel releases it when its
//! holder exits or is killed, so a stale lock cannot outlive the process, and another takes over.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the profile's directory.
pub const FILE_NAME: &str = "sender.lock";

/// The lock, held for as long as this value lives.
#[derive(Debug)]
pub struct SenderLock {
    _file: File,
}

/// Who sends the outbox, as this process sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// This process.
    Me,
    /// Another leadbox, by its process id when it could be read.
    Other(Option<u32>),
}

/// The lock's path for the profile whose state file is `state_path`.
pub fn lock_path(state_path: &Path) -> PathBuf {
    state_path.with_file_name(FILE_NAME)
}

impl SenderLock {
    /// Takes the lock if no other process holds it: `Ok(None)` when one does. The holder's pid is written
    /// into the file for the others to name.
    pub fn try_take(path: &Path) -> std::io::Result<Option<SenderLock>> {
        Ok(take_pid_lock(path)?.map(|file| SenderLock { _file: file }))
    }
}

/// Takes the OS lock on the file at `path` if no other process holds it, and writes this process's pid
/// into it for the others to name ([`holder`]); `Ok(None)` when another holds it. Every lock of a
/// profile's (the sender's, the mirror's sync) is one of these.
pub(super) fn take_pid_lock(path: &Path) -> std::io::Result<Option<File>> {
    let mut options = std::fs::OpenOptions::new();
    // Never truncated on open: the pid in it belongs to whoever holds the lock.
    options.read(true).write(true).create(true).truncate(false);
    let mut file = crate::owner_only::open(path, options)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(std::process::id().to_string().as_bytes())?;
    file.flush()?;
    Ok(Some(file))
}

/// The pid written by the process holding the lock at `path`, if it can be read.
pub fn holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_the_lock_frees_when_dropped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE_NAME);
        let first = SenderLock::try_take(&path).ok().flatten();
        assert!(first.is_some(), "the first taker holds it");
        // flock is per open file description: a second open in this process is refused like another process.
        assert!(matches!(SenderLock::try_take(&path), Ok(None)));
        assert_eq!(holder(&path), Some(std::process::id()));
        drop(first);
        assert!(matches!(SenderLock::try_take(&path), Ok(Some(_))));
    }
}
