//! Logs go to a file: the terminal belongs to the inbox, and a stray line would tear its frame.

use std::fs::{self, OpenOptions};
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The variable that sets what is logged, for the inbox and the standalone sandbox alike, e.g. `leadbox=debug`.
pub const FILTER_ENV: &str = "LEADBOX_LOG";

/// The filter from `LEADBOX_LOG`, or `default` when it is unset or unreadable.
fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// The standalone sandbox owns no screen, so its logs go to stderr; warnings only unless `LEADBOX_LOG` says.
pub fn to_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("warn"))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Sends `tracing` output to `path` (appending). `LEADBOX_LOG` sets the filter.
pub fn to_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    // A second call (tests) finds a subscriber already set; that one keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter("leadbox=info,novala_leads=info,novala_sandbox=info,warn"))
        .try_init();
    Ok(())
}
