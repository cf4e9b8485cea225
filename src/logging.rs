//! Logs go to a file: the terminal belongs to the inbox, and a stray line would tear its frame.

use std::fs::{self, OpenOptions};
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Sends `tracing` output to `path` (appending). `LEADBOX_LOG` sets the filter, e.g. `leadbox=debug`.
pub fn to_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let filter = EnvFilter::try_from_env("LEADBOX_LOG").unwrap_or_else(|_| EnvFilter::new("leadbox=info,warn"));
    // A second call (tests) finds a subscriber already set; that one keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(())
}
