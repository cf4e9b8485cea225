//! Reading the config file off the disk: a regular file of bounded size, or nothing.

use std::path::Path;

/// The largest config file read: far over any real one (a few kilobytes), small enough that a file
/// swapped for something endless cannot fill memory.
pub const FILE_AT_MOST: u64 = 1 << 20;

/// The text of the config file at `path`, `None` when there is none. It must be a regular file (a symlink
/// to one is fine) of at most [`FILE_AT_MOST`] bytes: a device, a FIFO or a directory is refused before a
/// byte is read, so `/dev/zero` is not read for ever and a FIFO does not wait for a writer.
pub fn read_text(path: &Path) -> Result<Option<String>, std::io::Error> {
    use std::io::{Error, ErrorKind, Read};
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Opening a FIFO for reading waits for a writer unless it is opened non-blocking; checked on the open
    // file, not the path, so it cannot be swapped between the check and the read.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(&kind)),
        ));
    }
    let mut bytes = Vec::new();
    file.take(FILE_AT_MOST + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > FILE_AT_MOST {
        return Err(Error::new(
            ErrorKind::InvalidData,
            "it is over 1 MiB, far more than a config file holds",
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::new(ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() { "a directory" } else { "something else" }
}
