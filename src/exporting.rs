//! Where the inbox's export goes once its JSON Lines are ready: a new file only the rep can read, or a
//! command's standard input. Both block (a disk, a child), so the event loop runs them on a thread.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Why an export did not arrive where it was sent.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} already exists: nothing written (type another name)", .0.display())]
    Exists(PathBuf),
    #[error("{} could not be written: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("`sh` could not start the command: {0}")]
    Start(std::io::Error),
    #[error("the command could not be waited for: {0}")]
    Wait(std::io::Error),
    #[error("the command {status}{}", if said.is_empty() { String::new() } else { format!(": {said}") })]
    Failed {
        status: std::process::ExitStatus,
        /// The last line it wrote to its standard error, sanitised.
        said: String,
    },
}

/// The most of a command's standard error kept to tell why it failed.
const STDERR_KEPT: u64 = 64 * 1024;

/// `typed` as a path: a leading `~/` is `home`.
pub fn expand(typed: &str, home: Option<&Path>) -> PathBuf {
    match (typed.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(typed),
    }
}

/// Writes `text` to a new file at `path`, readable by its owner alone (the leads are the tenant's
/// customers). An existing file is never overwritten; a file left half written is removed.
pub fn to_file(path: &Path, text: &str) -> Result<(), ExportError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => ExportError::Exists(path.to_path_buf()),
        _ => ExportError::Write {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let written = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
    if let Err(source) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(ExportError::Write {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(())
}

/// Hands `text` to `sh -c command` on its standard input, with no key in its environment and its output
/// kept off the inbox's screen, and waits for it. A command that stops reading early (`head -1`) is not a
/// failure; one that exits non-zero is, with the last line it wrote to standard error.
pub fn to_command(command: &str, text: String) -> Result<(), ExportError> {
    let mut child = crate::child::command("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ExportError::Start)?;
    let stdin = child.stdin.take();
    // Written from a thread of its own, so a command that fills its standard error first cannot stall us.
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(text.as_bytes());
        }
    });
    let mut said = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let _ = stderr.take(STDERR_KEPT).read_to_end(&mut said);
    }
    let status = child.wait().map_err(ExportError::Wait)?;
    let _ = writer.join();
    if status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&said);
    let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    Err(ExportError::Failed {
        status,
        said: crate::sanitize::line(last).chars().take(200).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_new_and_the_owners_alone_and_an_existing_one_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        to_file(&path, "{\"id\":\"a\"}\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"id\":\"a\"}\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let again = to_file(&path, "other\n").unwrap_err();
        assert!(matches!(again, ExportError::Exists(_)), "{again}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"id\":\"a\"}\n");
        assert_eq!(
            expand("~/x.jsonl", Some(Path::new("/home/ana"))),
            PathBuf::from("/home/ana/x.jsonl")
        );
        assert_eq!(
            expand("x.jsonl", Some(Path::new("/home/ana"))),
            PathBuf::from("x.jsonl")
        );
    }

    #[test]
    fn a_command_reads_the_lines_and_its_failure_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        to_command(&format!("cat > '{}'", out.display()), "a\nb\n".to_string()).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\nb\n");
        to_command("head -c 1 >/dev/null", "x".repeat(1 << 20)).unwrap();
        let failed = to_command("echo 'no such table' >&2; exit 3", "a\n".to_string()).unwrap_err();
        let text = failed.to_string();
        assert!(text.contains("no such table") && text.contains('3'), "{text}");
    }
}
