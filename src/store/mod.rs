//! leadbox's own state on disk, in the rep's data directory: what the tenant does not keep for them.

pub mod draft_file;
pub mod state;

use std::path::{Path, PathBuf};

use crate::config::Profile;

/// The profile's own directory in leadbox's data directory, created readable by its owner alone (as are
/// the directories above it that leadbox creates).
pub fn profile_dir(data_dir: &Path, profile: &Profile) -> std::io::Result<PathBuf> {
    let dir = profile.state_dir(data_dir);
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    Ok(dir)
}
