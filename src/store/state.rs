//! The profile's local state, in one SQLite file readable by its owner alone: triage marks (seen, done,
//! starred), the view last open, the first pages kept for an instant start, and the outbox of leads to
//! create. Novala cannot change a lead, so triage lives here, like mail flags.
//!
//! Every change is committed before the screen shows it, so a kill at any moment loses nothing. A file that
//! cannot be read, or that a newer leadbox wrote, is moved aside (never silently reset) and reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::app::outbox::OutboxEntry;

/// The schema this build writes. A file with a higher number came from a newer leadbox.
const SCHEMA_VERSION: i64 = 2;

/// The marks of one lead. A lead with no row is unseen, not done and not starred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    pub seen: bool,
    pub done: bool,
    pub starred: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// The open state file.
pub struct StateFile {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for StateFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateFile").field("path", &self.path).finish()
    }
}

/// What opening found: the file, and a sentence for the rep when an old one had to be set aside.
pub struct Opened {
    pub file: StateFile,
    pub set_aside: Option<String>,
}

impl StateFile {
    /// Opens (or creates, owner-only) the state file at `path`. One that is corrupt or from a newer leadbox
    /// is renamed to `<name>.bad` (or `.newer`) beside it and a fresh one started, with a sentence saying so.
    pub fn open(path: &Path) -> Result<Opened, StateError> {
        match Self::try_open(path) {
            Ok(file) => Ok(Opened { file, set_aside: None }),
            Err(why) if path.exists() => {
                let suffix = if why.contains("newer") { "newer" } else { "bad" };
                let aside = path.with_extension(format!("sqlite3.{suffix}"));
                std::fs::rename(path, &aside).map_err(|source| StateError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                for extra in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{extra}", path.display()));
                }
                let file = Self::try_open(path).map_err(|_| StateError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other("a fresh state file could not be started"),
                })?;
                Ok(Opened {
                    file,
                    set_aside: Some(format!(
                        "Triage marks not restored ({why}); the old file is {}",
                        aside.display()
                    )),
                })
            }
            Err(why) => Err(StateError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(why),
            }),
        }
    }

    fn try_open(path: &Path) -> Result<StateFile, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let fresh = !path.exists();
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        if fresh {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
        }
        let setup = || -> rusqlite::Result<Option<i64>> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, body TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS outbox (
                     key TEXT PRIMARY KEY,
                     queued_at TEXT NOT NULL,
                     body TEXT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS marks (
                     lead_id TEXT PRIMARY KEY,
                     seen INTEGER NOT NULL DEFAULT 0,
                     done INTEGER NOT NULL DEFAULT 0,
                     starred INTEGER NOT NULL DEFAULT 0
                 );",
            )?;
            conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map(|v| v.and_then(|v| v.parse().ok()))
        };
        match setup() {
            Ok(Some(version)) if version > SCHEMA_VERSION => {
                Err(format!("written by a newer leadbox (schema {version})"))
            }
            Ok(Some(version)) if version == SCHEMA_VERSION => Ok(StateFile {
                conn,
                path: path.to_path_buf(),
            }),
            // An older file: its tables are all still here, and the new ones were just made.
            Ok(Some(_)) | Ok(None) => {
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?1)",
                    params![SCHEMA_VERSION.to_string()],
                )
                .map_err(|e| e.to_string())?;
                Ok(StateFile {
                    conn,
                    path: path.to_path_buf(),
                })
            }
            Err(e) => Err(format!("unreadable: {e}")),
        }
    }

    /// Every lead's marks.
    pub fn marks(&self) -> Result<HashMap<String, Marks>, StateError> {
        let read = || -> rusqlite::Result<HashMap<String, Marks>> {
            let mut stmt = self.conn.prepare("SELECT lead_id, seen, done, starred FROM marks")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Marks {
                        seen: r.get(1)?,
                        done: r.get(2)?,
                        starred: r.get(3)?,
                    },
                ))
            })?;
            rows.collect()
        };
        read().map_err(|source| self.error(source))
    }

    /// Writes one lead's marks; committed when this returns.
    pub fn set_marks(&self, lead_id: &str, marks: Marks) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO marks (lead_id, seen, done, starred) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(lead_id) DO UPDATE SET seen = ?2, done = ?3, starred = ?4",
                params![lead_id, marks.seen, marks.done, marks.starred],
            )
            .map(|_| ())
            .map_err(|source| self.error(source))
    }

    /// Every lead of the outbox, oldest first. An entry that cannot be read back is kept on disk (never
    /// dropped: it is a lead the rep typed) and named in the second list.
    pub fn outbox(&self) -> Result<(Vec<OutboxEntry>, Vec<String>), StateError> {
        let rows = || -> rusqlite::Result<Vec<(String, String)>> {
            let mut stmt = self
                .conn
                .prepare("SELECT key, body FROM outbox ORDER BY queued_at, rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        for (key, body) in rows().map_err(|source| self.error(source))? {
            match serde_json::from_str(&body) {
                Ok(entry) => entries.push(entry),
                Err(_) => unreadable.push(key),
            }
        }
        Ok((entries, unreadable))
    }

    /// Writes one outbox entry; committed when this returns.
    pub fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StateError> {
        let body = serde_json::to_string(entry).map_err(|e| StateError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        self.conn
            .execute(
                "INSERT INTO outbox (key, queued_at, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET body = ?3",
                params![entry.key, entry.queued_at.to_rfc3339(), body],
            )
            .map(|_| ())
            .map_err(|source| self.error(source))
    }

    pub fn remove_outbox(&self, key: &str) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM outbox WHERE key = ?1", params![key])
            .map(|_| ())
            .map_err(|source| self.error(source))
    }

    /// The first page kept for a list, if any. One that cannot be read back is dropped, not an error.
    pub fn cached_page(&self, key: &str) -> Result<Option<Vec<novala_leads::Lead>>, StateError> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM pages WHERE key = ?1", params![key], |r| r.get(0))
            .optional()
            .map_err(|source| self.error(source))?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Every first page kept, for every view: leads known to this machine even when not loaded. Pages that
    /// cannot be read back are left out.
    pub fn cached_leads(&self) -> Result<Vec<novala_leads::Lead>, StateError> {
        let bodies = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("SELECT body FROM pages")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        };
        let bodies = bodies().map_err(|source| self.error(source))?;
        Ok(bodies
            .iter()
            .filter_map(|b| serde_json::from_str::<Vec<novala_leads::Lead>>(b).ok())
            .flatten()
            .collect())
    }

    pub fn cache_page(&self, key: &str, leads: &[novala_leads::Lead]) -> Result<(), StateError> {
        let body = serde_json::to_string(leads).map_err(|e| StateError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO pages (key, body) VALUES (?1, ?2)",
                params![key, body],
            )
            .map(|_| ())
            .map_err(|source| self.error(source))
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, StateError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![format!("ui.{key}")],
                |r| r.get(0),
            )
            .optional()
            .map_err(|source| self.error(source))
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![format!("ui.{key}"), value],
            )
            .map(|_| ())
            .map_err(|source| self.error(source))
    }

    fn error(&self, source: rusqlite::Error) -> StateError {
        StateError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }
}
