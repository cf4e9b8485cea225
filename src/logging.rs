//! Logs go to a file: the terminal belongs to the inbox, and a stray line would tear its frame.
//!
//! The file is written by a background thread (a slow disk never stalls a frame), readable by its owner
//! alone, rotated at [`MAX_BYTES`] with [`KEEP`] old files, and every line passes the sanitiser's rules on
//! its way out: a lead's text can hold escape sequences, and `tail -f leadbox.log` must not run them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tracing_subscriber::EnvFilter;

/// The variable that sets what is logged, for the inbox and the standalone sandbox alike, e.g. `leadbox=debug`.
pub const FILTER_ENV: &str = "LEADBOX_LOG";

/// A log file is rotated when it reaches this size.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept beside it (`leadbox.log.1` is the newest).
pub const KEEP: usize = 3;

/// The filter from `LEADBOX_LOG`, or `default` when it is unset or unreadable.
fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// The standalone sandbox owns no screen, so its logs go to stderr; warnings only unless `LEADBOX_LOG` says.
pub fn to_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("warn"))
        // `leadbox sandbox 2>file` gets plain text: colour codes only for a terminal.
        .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
        .with_writer(|| Sanitizing(io::stderr()))
        .try_init();
}

/// Keeps the log's writer thread alive; dropped at exit, it writes out what is still queued.
pub type Guard = tracing_appender::non_blocking::WorkerGuard;

/// Sends `tracing` output to `path` (appending). `LEADBOX_LOG` sets the filter. Keep the guard until the
/// program ends.
pub fn to_file(path: &Path) -> io::Result<Guard> {
    let file = Rotating::open(path.to_path_buf())?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        // Past this many waiting lines, more are dropped rather than held in memory.
        .buffered_lines_limit(10_000)
        .lossy(true)
        .finish(Sanitizing(file));
    // A second call (tests) finds a subscriber already set; that one keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter("leadbox=info,novala_leads=info,novala_sandbox=info,warn"))
        .try_init();
    Ok(guard)
}

/// Writes what it is given with every control character but newline and tab, and every character the
/// sanitiser hides, written out as `\u{…}`: inert in a terminal, still readable.
#[derive(Debug)]
pub struct Sanitizing<W>(pub W);

/// `text` as [`Sanitizing`] writes it.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = crate::sanitize::needs_escape;
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl<W: Write> Write for Sanitizing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(inert(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A log file that starts over (keeping [`KEEP`] old ones) when it reaches [`MAX_BYTES`].
#[derive(Debug)]
pub struct Rotating {
    path: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
}

impl Rotating {
    pub fn open(path: PathBuf) -> io::Result<Rotating> {
        Self::with_limit(path, MAX_BYTES)
    }

    pub fn with_limit(path: PathBuf, max_bytes: u64) -> io::Result<Rotating> {
        if let Some(dir) = path.parent() {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        let file = open_private(&path)?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Rotating {
            path,
            file,
            written,
            max_bytes,
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        let numbered = |n: usize| {
            let mut name = self.path.as_os_str().to_os_string();
            name.push(format!(".{n}"));
            PathBuf::from(name)
        };
        let _ = fs::remove_file(numbered(KEEP));
        for n in (1..KEEP).rev() {
            let _ = fs::rename(numbered(n), numbered(n + 1));
        }
        fs::rename(&self.path, numbered(1))?;
        self.file = open_private(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

/// Opens `path` for appending, readable by its owner alone (an existing file is made so too).
fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
    }
    Ok(file)
}

impl Write for Rotating {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_written_out_not_run() {
        let mut out = Sanitizing(Vec::new());
        out.write_all("name=\"\x1b]0;pwned\x07\u{202e}x\u{9b}\" ok\n".as_bytes())
            .unwrap();
        let text = String::from_utf8(out.0).unwrap();
        assert_eq!(text, "name=\"\\u{1b}]0;pwned\\u{7}\\u{202e}x\\u{9b}\" ok\n");
    }

    #[test]
    fn the_file_rotates_keeps_three_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join("leadbox.log");
        let mut log = Rotating::with_limit(path.clone(), 100).unwrap();
        for i in 0..50 {
            log.write_all(format!("line {i:02} of the log, forty bytes long\n").as_bytes())
                .unwrap();
        }
        let mut names: Vec<String> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["leadbox.log", "leadbox.log.1", "leadbox.log.2", "leadbox.log.3"]
        );
        assert!(fs::metadata(&path).unwrap().len() <= 100);
        assert!(fs::read_to_string(&path).unwrap().contains("line 49"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for name in &names {
                let mode = fs::metadata(path.with_file_name(name)).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{name}");
            }
            let dir_mode = fs::metadata(path.parent().unwrap()).unwrap().permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
    }
}
