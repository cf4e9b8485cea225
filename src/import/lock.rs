//! One import of a file at a time: an OS lock on a file beside the journal, holding the pid of the import
//! that took it. The kernel lets go of it when that process ends, however it ends (SIGKILL included), so a
//! crashed import never leaves the file locked; the file itself is left behind, harmless.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Held while the import runs; dropping it (or the process ending) lets the next import in.
#[derive(Debug)]
pub struct ImportLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another import of this file is running, pid {pid} (its journal is {journal}); wait for it to end")]
    Busy { pid: String, journal: PathBuf },
    #[error("the lock {path} cannot be taken: {message}")]
    Io { path: PathBuf, message: String },
}

/// The lock file of the journal at `journal`.
pub fn path_of(journal: &Path) -> PathBuf {
    let mut name = journal.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    journal.with_file_name(name)
}

/// Takes the lock of the journal at `journal` without waiting: another import holding it is an error
/// naming its pid.
pub fn take(journal: &Path) -> Result<ImportLock, LockError> {
    let path = path_of(journal);
    let io = |e: std::io::Error| LockError::Io {
        path: path.clone(),
        message: e.to_string(),
    };
    let mut options = OpenOptions::new();
    // Never truncated on open: the pid in it belongs to whoever holds the lock.
    options.read(true).write(true).create(true).truncate(false);
    let mut file = crate::owner_only::open(&path, options).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(LockError::Busy {
                pid: holder(&mut file),
                journal: journal.to_path_buf(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(format!("{}\n", std::process::id()).as_bytes())
        .map_err(io)?;
    file.sync_data().map_err(io)?;
    Ok(ImportLock { _file: file })
}

/// The pid the holder wrote; it writes it just after taking the lock, so an empty file is read again a
/// few times (for at most half a second).
fn holder(file: &mut File) -> String {
    let until = Instant::now() + Duration::from_millis(500);
    loop {
        let mut text = String::new();
        let read = file.rewind().and_then(|()| file.read_to_string(&mut text));
        let pid = text.trim();
        if read.is_ok() && !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()) {
            return pid.to_string();
        }
        if Instant::now() >= until {
            return "unknown".to_string();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_the_holders_pid_until_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("a.csv.leadbox-journal");
        let held = take(&journal).unwrap();
        let busy = take(&journal).unwrap_err();
        let pid = std::process::id().to_string();
        assert!(
            busy.to_string()
                .contains(&format!("another import of this file is running, pid {pid}")),
            "{busy}"
        );
        drop(held);
        let again = take(&journal);
        assert!(again.is_ok(), "{again:?}");
    }
}
