//! The profile's local state, in one SQLite file readable by its owner alone: triage marks (seen, done,
//! starred), the view last open, the first pages kept for an instant start, the outbox of leads to
//! create, and the custom fields the tenant taught by refusing a lead without them. Novala cannot change a lead, so triage lives here, like mail flags.
//!
//! Several leadbox processes may share the file (two inboxes, `leads create` from a script): every change
//! is committed before the screen shows it, a mark changes only the flag it means to, and an outbox entry is
//! written only over the revision its writer read, so one process never undoes another's change.
//!
//! A file is moved aside only when SQLite calls it corrupt or a newer leadbox wrote it, never for a
//! permission, a full disk or a lock held elsewhere; an earlier set-aside file is never overwritten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::model::Marks;
use crate::model::user_command::TYPED_KEPT;
use crate::outbox::OutboxEntry;

/// The schema this build writes. A file with a higher number came from a newer leadbox.
/// 4 added `learned_fields`.
const SCHEMA_VERSION: i64 = 4;

/// How long a write waits for another process's transaction before it fails (SQLITE_BUSY): long enough
/// for any write leadbox makes, short enough that nothing seems to hang.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Where the commands typed at `!` are kept among the file's values (a JSON list, oldest first).
const TYPED_COMMANDS: &str = "commands";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: {}", path.display(), describe(source))]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Another leadbox changed the entry since this one read it: nothing was written.
    #[error("{}: the outbox entry was changed by another leadbox", path.display())]
    Conflict { path: PathBuf, key: String },
    #[error("{}: written by a newer leadbox (schema {version})", path.display())]
    Newer { path: PathBuf, version: i64 },
    /// This session has no state file to write to: nothing was written.
    #[error("{}: no state file: {why}", path.display())]
    Unopened {
        path: PathBuf,
        why: super::shared::NoStateFile,
    },
}

impl StateError {
    /// Another process changed an outbox entry first: read the outbox again rather than report a failure.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StateError::Conflict { .. })
    }

    /// Whether SQLite found the file damaged (or not a database at all): the only errors that move a
    /// file aside.
    fn is_corrupt(&self) -> bool {
        matches!(self, StateError::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. }
            if matches!(f.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
    }
}

/// SQLite's own words, with what a rep can do for the errors they can fix.
pub(super) fn describe(error: &rusqlite::Error) -> String {
    let code = match error {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    let waited = format!(
        " (another process holds the file; leadbox waited {} s)",
        LOCK_WAIT.as_secs()
    );
    let hint = match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => waited.as_str(),
        Some(ErrorCode::DiskFull) => " (the disk is full)",
        Some(ErrorCode::SystemIoFailure) => " (the disk may be full or failing)",
        Some(ErrorCode::ReadOnly) => " (the file or its directory cannot be written: check its permissions)",
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => " (check the file's permissions)",
        _ => "",
    };
    format!("{error}{hint}")
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
    /// Opens (or creates, owner-only) the state file at `path`. One that SQLite finds corrupt, or that a
    /// newer leadbox wrote, is renamed beside it (`<name>.bad`, `.bad.2`…, or `.newer`…) and a fresh one
    /// started, with a sentence saying so that names the leads its outbox held. Any other failure (a
    /// permission, a full disk, a lock held too long) is an error and leaves the file where it is.
    pub fn open(path: &Path) -> Result<Opened, StateError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StateError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        }
        // Two processes finding one damaged file must not both move it (the second would move the fresh one).
        let _opening = OpenLock::take(path)?;
        let why = match Self::try_open(path) {
            Ok(file) => return Ok(Opened { file, set_aside: None }),
            Err(e @ StateError::Newer { .. }) => e,
            Err(e) if e.is_corrupt() && path.exists() => e,
            Err(e) => return Err(e),
        };
        let suffix = if matches!(why, StateError::Newer { .. }) {
            "newer"
        } else {
            "bad"
        };
        let held = outbox_names(path);
        let aside = set_aside(path, suffix)?;
        let file = Self::try_open(path)?;
        let reason = match &why {
            StateError::Newer { version, .. } => format!("written by a newer leadbox (schema {version})"),
            StateError::Sqlite { source, .. } => format!("unreadable: {source}"),
            other => other.to_string(),
        };
        let mut sentence = format!(
            "Triage marks not restored ({reason}); the old file is {}",
            aside.display()
        );
        if !held.is_empty() {
            sentence.push_str(&format!(
                "; its outbox held {} not confirmed as created: {} (check the tenant before typing them again)",
                crate::text::plural(held.len(), "lead"),
                held.join(", ")
            ));
        }
        Ok(Opened {
            file,
            set_aside: Some(crate::sanitize::line(&sentence).into_owned()),
        })
    }

    fn try_open(path: &Path) -> Result<StateFile, StateError> {
        let fresh = !path.exists();
        let sqlite = |source| StateError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sqlite)?;
        #[cfg(unix)]
        if fresh {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
                StateError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        }
        conn.busy_timeout(LOCK_WAIT).map_err(sqlite)?;
        let version = (|| -> rusqlite::Result<Option<i64>> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, body TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS outbox (
                     key TEXT PRIMARY KEY,
                     queued_at TEXT NOT NULL,
                     body TEXT NOT NULL,
                     rev INTEGER NOT NULL DEFAULT 1
                 );
                 CREATE TABLE IF NOT EXISTS marks (
                     lead_id TEXT PRIMARY KEY,
                     seen INTEGER NOT NULL DEFAULT 0,
                     done INTEGER NOT NULL DEFAULT 0,
                     starred INTEGER NOT NULL DEFAULT 0
                 );
                 CREATE TABLE IF NOT EXISTS learned_fields (key TEXT PRIMARY KEY, body TEXT NOT NULL);",
            )?;
            conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map(|v| v.and_then(|v| v.parse().ok()))
        })()
        .map_err(sqlite)?;
        match version {
            Some(version) if version > SCHEMA_VERSION => Err(StateError::Newer {
                path: path.to_path_buf(),
                version,
            }),
            Some(SCHEMA_VERSION) => Ok(StateFile {
                conn,
                path: path.to_path_buf(),
            }),
            // An older file: its tables are all still here, the new ones (learned fields) were just made;
            // an outbox from before revisions gets its column (every entry at its first revision).
            Some(_) | None => {
                (|| -> rusqlite::Result<()> {
                    let has_rev: bool = conn.query_row(
                        "SELECT COUNT(*) > 0 FROM pragma_table_info('outbox') WHERE name = 'rev'",
                        [],
                        |r| r.get(0),
                    )?;
                    if !has_rev {
                        conn.execute_batch("ALTER TABLE outbox ADD COLUMN rev INTEGER NOT NULL DEFAULT 1")?;
                    }
                    conn.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?1)",
                        params![SCHEMA_VERSION.to_string()],
                    )?;
                    Ok(())
                })()
                .map_err(sqlite)?;
                Ok(StateFile {
                    conn,
                    path: path.to_path_buf(),
                })
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A number that changes whenever another connection (another leadbox) commits to the file: cheap to
    /// ask, so a process can notice others' changes without reading everything again.
    pub fn data_version(&self) -> Result<i64, StateError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|source| self.error(source))
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

    /// Writes one lead's marks, all three; committed when this returns.
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

    /// Writes only the flags that differ between `before` and `after`, so a flag another leadbox set on
    /// the same lead meanwhile is kept; committed when this returns.
    pub fn change_marks(&self, lead_id: &str, before: Marks, after: Marks) -> Result<(), StateError> {
        self.change_many_marks(&[(lead_id.to_string(), before, after)])
    }

    /// Changes the marks of many leads in one transaction: only the flags that differ from each `before`
    /// are written, so another leadbox's change to the others stays.
    pub fn change_many_marks(&self, changes: &[(String, Marks, Marks)]) -> Result<(), StateError> {
        let write = || -> rusqlite::Result<()> {
            let tx = self.conn.unchecked_transaction()?;
            for (lead_id, before, after) in changes {
                let changed = [
                    ("seen", before.seen, after.seen),
                    ("done", before.done, after.done),
                    ("starred", before.starred, after.starred),
                ];
                tx.execute("INSERT OR IGNORE INTO marks (lead_id) VALUES (?1)", params![lead_id])?;
                for (column, was, now) in changed {
                    if was != now {
                        // The column names are this function's own, never input.
                        tx.execute(
                            &format!("UPDATE marks SET {column} = ?2 WHERE lead_id = ?1"),
                            params![lead_id, now],
                        )?;
                    }
                }
            }
            tx.commit()
        };
        write().map_err(|source| self.error(source))
    }

    /// Every lead of the outbox, oldest first, each with the revision it was read at. An entry that
    /// cannot be read back is kept on disk (never dropped: it is a lead the rep typed) and named in the
    /// second list.
    pub fn outbox(&self) -> Result<(Vec<OutboxEntry>, Vec<String>), StateError> {
        let rows = || -> rusqlite::Result<Vec<(String, String, u64)>> {
            let mut stmt = self
                .conn
                .prepare("SELECT key, body, rev FROM outbox ORDER BY queued_at, rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(1) as u64)))?;
            rows.collect()
        };
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        for (key, body, rev) in rows().map_err(|source| self.error(source))? {
            match serde_json::from_str::<OutboxEntry>(&body) {
                Ok(mut entry) => {
                    entry.rev = rev;
                    entries.push(entry);
                }
                Err(_) => unreadable.push(key),
            }
        }
        Ok((entries, unreadable))
    }

    /// Writes one outbox entry at its revision: a new entry (revision 1) is added, a changed one replaces
    /// the revision before it. An entry another leadbox changed or dropped meanwhile is left alone and the
    /// write refused (`StateError::Conflict`). Committed when this returns.
    pub fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StateError> {
        let body = serde_json::to_string(entry).map_err(|e| StateError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        let written = if entry.rev <= 1 {
            self.conn.execute(
                "INSERT INTO outbox (key, queued_at, body, rev) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT(key) DO NOTHING",
                params![entry.key, entry.queued_at.to_rfc3339(), body],
            )
        } else {
            self.conn.execute(
                "UPDATE outbox SET body = ?2, rev = ?3 WHERE key = ?1 AND rev = ?3 - 1",
                params![entry.key, body, entry.rev as i64],
            )
        }
        .map_err(|source| self.error(source))?;
        if written == 1 {
            Ok(())
        } else {
            Err(StateError::Conflict {
                path: self.path.clone(),
                key: entry.key.clone(),
            })
        }
    }

    /// Takes an entry out of the outbox, if it is still at revision `rev` (or already gone).
    pub fn remove_outbox(&self, key: &str, rev: u64) -> Result<(), StateError> {
        let remove = || -> rusqlite::Result<bool> {
            let tx = self.conn.unchecked_transaction()?;
            let on_disk: Option<i64> = tx
                .query_row("SELECT rev FROM outbox WHERE key = ?1", params![key], |r| r.get(0))
                .optional()?;
            let on_disk = on_disk.map(|r| r.max(1) as u64);
            let gone = match on_disk {
                None => true,
                Some(found) if found == rev => {
                    tx.execute("DELETE FROM outbox WHERE key = ?1", params![key])?;
                    true
                }
                Some(_) => false,
            };
            tx.commit()?;
            Ok(gone)
        };
        match remove().map_err(|source| self.error(source))? {
            true => Ok(()),
            false => Err(StateError::Conflict {
                path: self.path.clone(),
                key: key.to_string(),
            }),
        }
    }

    /// The custom fields the tenant taught this profile, in the order learned. One that cannot be read
    /// back is left out.
    pub fn learned_fields(&self) -> Result<Vec<novala_leads::tenant::CustomFieldDef>, StateError> {
        let bodies = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("SELECT body FROM learned_fields ORDER BY rowid")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        };
        let bodies = bodies().map_err(|source| self.error(source))?;
        Ok(bodies.iter().filter_map(|b| serde_json::from_str(b).ok()).collect())
    }

    /// Keeps a custom field the tenant taught; one learned before is replaced (it may be required now).
    /// Committed when this returns.
    pub fn learn_field(&self, def: &novala_leads::tenant::CustomFieldDef) -> Result<(), StateError> {
        let body = serde_json::to_string(def).map_err(|e| StateError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        self.conn
            .execute(
                "INSERT INTO learned_fields (key, body) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET body = ?2",
                params![def.key, body],
            )
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

    /// The commands typed at `!` on this profile, oldest first. A value that does not read is said in the
    /// log and taken as none: a history is a convenience, not a record.
    pub fn typed_commands(&self) -> Result<Vec<String>, StateError> {
        let Some(kept) = self.get(TYPED_COMMANDS)? else {
            return Ok(Vec::new());
        };
        Ok(serde_json::from_str(&kept).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the commands typed at ! before could not be read");
            Vec::new()
        }))
    }

    /// Adds a command just typed at `!` as the newest of those the file keeps (once: typed again, it moves
    /// up), the newest [`TYPED_KEPT`] kept. One transaction reads and writes, so two inboxes on the profile
    /// typing at once both stay.
    pub fn keep_typed_command(&self, typed: &str) -> Result<(), StateError> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
            .map_err(|source| self.error(source))?;
        let mut kept = self.typed_commands()?;
        kept.retain(|k| k != typed);
        kept.push(typed.to_string());
        let newest = &kept[kept.len().saturating_sub(TYPED_KEPT)..];
        self.set(TYPED_COMMANDS, &serde_json::to_string(newest).unwrap_or_default())?;
        tx.commit().map_err(|source| self.error(source))
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

/// Moves `path` (and its write-ahead log, which may hold its last commits) to the first free name
/// `<name>.<suffix>`, `<name>.<suffix>.2`, …: an earlier set-aside file is never overwritten.
pub(super) fn set_aside(path: &Path, suffix: &str) -> Result<PathBuf, StateError> {
    let io = |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = (1..1000)
        .map(|n| match n {
            1 => path.with_file_name(format!("{name}.{suffix}")),
            n => path.with_file_name(format!("{name}.{suffix}.{n}")),
        })
        .find(|candidate| std::fs::symlink_metadata(candidate).is_err())
        .ok_or_else(|| io(std::io::Error::other("a thousand set-aside files are already there")))?;
    std::fs::rename(path, &aside).map_err(io)?;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if wal.exists() {
        let _ = std::fs::rename(&wal, format!("{}-wal", aside.display()));
    }
    let _ = std::fs::remove_file(format!("{}-shm", path.display()));
    Ok(aside)
}

/// The names of the leads an outbox held, read as far as the file allows (nothing when it cannot be read).
fn outbox_names(path: &Path) -> Vec<String> {
    let Ok(conn) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Vec::new();
    };
    let read = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("SELECT body FROM outbox ORDER BY queued_at LIMIT 20")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect()
    };
    read()
        .unwrap_or_default()
        .iter()
        .filter_map(|body| serde_json::from_str::<OutboxEntry>(body).ok())
        .filter(|e| e.state != crate::outbox::OutboxState::Sent)
        .map(|e| e.name())
        .collect()
}

/// Held while a process opens the state file (and may set a damaged one aside), so two processes never
/// both move it. Released by the kernel if the process dies.
pub(super) struct OpenLock(#[allow(dead_code)] std::fs::File);

impl OpenLock {
    pub(super) fn take(path: &Path) -> Result<OpenLock, StateError> {
        let lock_path = PathBuf::from(format!("{}.lock", path.display()));
        let io = |source| StateError::Io {
            path: lock_path.clone(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        let file = crate::owner_only::open(&lock_path, options).map_err(io)?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(OpenLock(file)),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(io(std::io::Error::other(format!(
                        "another leadbox has been opening {} for over {} s",
                        path.display(),
                        LOCK_WAIT.as_secs()
                    ))));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }
}
