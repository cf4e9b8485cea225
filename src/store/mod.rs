//! leadbox's own state on disk, in the rep's data directory: what the tenant does not keep for them.

pub mod draft_file;
pub mod mirror;
pub mod sender;
pub mod shared;
pub mod state;

use std::path::{Path, PathBuf};

/// Creates `dir` readable by its owner alone (as are the directories above it that leadbox creates).
pub fn create_owner_only_dir(dir: PathBuf) -> std::io::Result<PathBuf> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    Ok(dir)
}

/// Opens `path` as `options` say, creating its directory first; a file it creates is readable by its owner
/// alone. For the files that may hold what only the rep should read (the config, with a key in it).
pub fn open_owner_only(path: &Path, mut options: std::fs::OpenOptions) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
