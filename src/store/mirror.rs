//! The profile's mirror of its tenant: every lead the tenant returned, as it returned it, with when it was
//! last seen, and where each of the sync's cursor chains stands. One SQLite file in the profile's directory,
//! readable by its owner alone, in WAL mode so a reader (`leads list --offline`, an inbox) never waits for
//! the sync writing it.
//!
//! The tenant stays the source of truth: the mirror holds only what a list or a get answered, replaced whole
//! when the tenant answers again; nothing here edits a lead. Every page is written in one transaction with
//! its chain's new cursor, so a sync killed at any instant leaves a file whose cursors match its leads, and
//! the next sync resumes each chain where it was.
//!
//! Only the process holding [`SyncLock`] writes (the sync); a file is set aside only when SQLite calls it
//! corrupt or a newer leadbox wrote it, never for a permission, a full disk or a lock held elsewhere.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use novala_leads::types::Lead;

use crate::model::likeness::{Keys, phone_tail};

mod keys;
pub use keys::Twin;

/// The mirror's file name in the profile's directory.
pub const FILE_NAME: &str = "mirror.sqlite3";
/// The sync lock's file name in the profile's directory.
pub const LOCK_NAME: &str = "mirror.lock";
/// The meta key a first sync sets when every chain is walked.
pub const COMPLETE_AT: &str = "complete_at";

/// The schema this build writes. A file with a higher number came from a newer leadbox.
/// 1: the leads, their chains and meta. 2: each lead's look-alike keys (email, phone, name and company),
/// indexed; a file of 1 gets them from its leads' bodies when the sync next opens it.
const SCHEMA_VERSION: i64 = 2;
/// The first schema with the look-alike keys.
const KEYS_VERSION: i64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("{}: {}", path.display(), super::state::describe(source))]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: written by a newer leadbox (mirror schema {version})", path.display())]
    Newer { path: PathBuf, version: i64 },
    #[error("there is no mirror at {} yet: `leadbox sync` makes it (with `mirror = true` in the profile)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: a lead could not be written: {message}", path.display())]
    Encode { path: PathBuf, message: String },
    #[error("{}: the mirror has no look-alike keys yet; the next `leadbox sync` adds them", path.display())]
    NoKeys { path: PathBuf },
}

impl MirrorError {
    fn is_corrupt(&self) -> bool {
        matches!(self, MirrorError::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. }
            if matches!(f.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
    }
}

impl From<super::state::StateError> for MirrorError {
    fn from(e: super::state::StateError) -> Self {
        match e {
            super::state::StateError::Sqlite { path, source } => MirrorError::Sqlite { path, source },
            super::state::StateError::Io { path, source } => MirrorError::Io { path, source },
            super::state::StateError::Newer { path, version } => MirrorError::Newer { path, version },
            super::state::StateError::Conflict { path, key } => MirrorError::Io {
                path,
                source: std::io::Error::other(format!("unexpected conflict on {key}")),
            },
            super::state::StateError::Unopened { path, why } => MirrorError::Io {
                path,
                source: std::io::Error::other(why.to_string()),
            },
        }
    }
}

/// Where one cursor chain of the sync stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChainState {
    /// The cursor to ask with next; `None` at the start (or after the end when `done`).
    pub cursor: Option<String>,
    pub done: bool,
}

/// What writing one page changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageWrite {
    /// Leads the mirror did not hold.
    pub new: usize,
    /// Leads it held with other values (a status, an assignee, any field).
    pub changed: usize,
    /// Where the changed leads stand in the page written, so a list showing them can be told.
    pub changed_at: Vec<usize>,
}

/// Which leads a read wants: the list filters of the API, over the mirror.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<String>,
    pub assigned_to: Option<String>,
}

/// Where a page of the mirror starts: strictly after this lead in newest-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub created_at_ms: i64,
    pub id: String,
}

impl After {
    pub fn of(lead: &Lead) -> After {
        After {
            created_at_ms: lead.created_at.timestamp_millis(),
            id: lead.id.clone(),
        }
    }
}

/// The open mirror.
pub struct MirrorFile {
    conn: Connection,
    path: PathBuf,
    /// The schema of the file as opened (a reader does not bring an older one up to date).
    version: i64,
}

impl std::fmt::Debug for MirrorFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorFile").field("path", &self.path).finish()
    }
}

/// What opening found: the file, and a sentence for the rep when an old one had to be set aside.
pub struct Opened {
    pub file: MirrorFile,
    pub set_aside: Option<String>,
}

/// The text a lead is found by: its names, email, phone and company, lower-cased.
pub fn search_text(lead: &Lead) -> String {
    [
        lead.first_name.as_deref(),
        lead.last_name.as_deref(),
        lead.email.as_deref(),
        lead.phone.as_deref(),
        lead.company_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

impl MirrorFile {
    /// Opens (or creates, owner-only) the mirror at `path`. One SQLite finds corrupt, or that a newer
    /// leadbox wrote, is renamed beside it (`mirror.sqlite3.bad`, `.bad.2`…, or `.newer`) and a fresh one
    /// started, with a sentence saying so: the tenant still has every lead, so the next sync fills it again.
    pub fn open(path: &Path) -> Result<Opened, MirrorError> {
        if let Some(dir) = path.parent() {
            crate::owner_only::create_dir(dir.to_path_buf()).map_err(|source| MirrorError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let _opening = super::state::OpenLock::take(path)?;
        let why = match Self::try_open(path, true) {
            Ok(file) => return Ok(Opened { file, set_aside: None }),
            Err(e @ MirrorError::Newer { .. }) => e,
            Err(e) if e.is_corrupt() && path.exists() => e,
            Err(e) => return Err(e),
        };
        let suffix = if matches!(why, MirrorError::Newer { .. }) {
            "newer"
        } else {
            "bad"
        };
        let aside = super::state::set_aside(path, suffix)?;
        let file = Self::try_open(path, true)?;
        let reason = match &why {
            MirrorError::Newer { version, .. } => format!("written by a newer leadbox (schema {version})"),
            MirrorError::Sqlite { source, .. } => format!("unreadable: {source}"),
            other => other.to_string(),
        };
        let sentence = format!(
            "the mirror was set aside ({reason}) as {} and is rebuilt from the tenant",
            aside.display()
        );
        Ok(Opened {
            file,
            set_aside: Some(crate::sanitize::line(&sentence).into_owned()),
        })
    }

    /// Opens the mirror at `path` for reading, as it is: never creates one, never sets one aside.
    pub fn open_existing(path: &Path) -> Result<MirrorFile, MirrorError> {
        if !path.is_file() {
            return Err(MirrorError::Missing {
                path: path.to_path_buf(),
            });
        }
        Self::try_open(path, false)
    }

    fn try_open(path: &Path, create: bool) -> Result<MirrorFile, MirrorError> {
        let fresh = !path.exists();
        let sqlite = |source| MirrorError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sqlite)?;
        #[cfg(unix)]
        if fresh {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
                MirrorError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        }
        conn.busy_timeout(super::state::LOCK_WAIT).map_err(sqlite)?;
        let version = (|| -> rusqlite::Result<Option<i64>> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // In WAL mode NORMAL loses no committed page to a killed process, only (perhaps) the last
            // commits to a power cut, which the next sync fetches again.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            let version = schema_of(&conn)?;
            // A newer leadbox's file is read for its number only, and set aside as it is.
            if create && version.is_none_or(|v| v <= SCHEMA_VERSION) {
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     CREATE TABLE IF NOT EXISTS leads (
                         id TEXT PRIMARY KEY,
                         created_at INTEGER NOT NULL,
                         status TEXT NOT NULL,
                         assigned_to TEXT,
                         search TEXT NOT NULL,
                         body TEXT NOT NULL,
                         seen_at INTEGER NOT NULL,
                         email_key TEXT,
                         phone_key TEXT,
                         phone_tail TEXT,
                         name_key TEXT
                     );
                     CREATE INDEX IF NOT EXISTS leads_newest ON leads (created_at DESC, id DESC);
                     CREATE INDEX IF NOT EXISTS leads_by_status ON leads (status, created_at DESC, id DESC);
                     CREATE INDEX IF NOT EXISTS leads_by_assignee ON leads (assigned_to, created_at DESC, id DESC);
                     CREATE TABLE IF NOT EXISTS chains (
                         name TEXT PRIMARY KEY,
                         cursor TEXT,
                         done INTEGER NOT NULL DEFAULT 0
                     );",
                )?;
            }
            Ok(version)
        })()
        .map_err(sqlite)?;
        match version {
            Some(version) if version > SCHEMA_VERSION => Err(MirrorError::Newer {
                path: path.to_path_buf(),
                version,
            }),
            // The writer brings the file to this build's schema (the keys of a schema-1 file, the schema
            // row of a file whose making was cut short).
            _ if create => {
                let mut conn = conn;
                let filled = keys::bring_up_to_date(&mut conn).map_err(sqlite)?;
                if filled > 0 {
                    tracing::info!(leads = filled, "the mirror's look-alike keys were filled in");
                }
                Ok(MirrorFile {
                    conn,
                    path: path.to_path_buf(),
                    version: SCHEMA_VERSION,
                })
            }
            Some(version) => Ok(MirrorFile {
                conn,
                path: path.to_path_buf(),
                version,
            }),
            // Read-only use of a file no sync finished making: as good as none.
            None => Err(MirrorError::Missing {
                path: path.to_path_buf(),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a first sync finished: the mirror holds the whole tenant (as of its last sync).
    pub fn is_complete(&self) -> bool {
        self.meta(COMPLETE_AT).ok().flatten().is_some()
    }

    fn error(&self, source: rusqlite::Error) -> MirrorError {
        MirrorError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Writes one page the tenant answered for `chain`, and the chain's new state, in one transaction.
    /// A lead already held is replaced whole when any of its values differ, and its last-seen time moved
    /// either way. `now_ms` is when the page arrived.
    pub fn write_page(
        &mut self,
        chain: &str,
        leads: &[Lead],
        state: &ChainState,
        now_ms: i64,
    ) -> Result<PageWrite, MirrorError> {
        let bodies = self.bodies(leads)?;
        let write = |conn: &mut Connection| -> rusqlite::Result<PageWrite> {
            let tx = rusqlite::Transaction::new(conn, TransactionBehavior::Immediate)?;
            let outcome = put_leads(&tx, leads, &bodies, now_ms)?;
            put_chain(&tx, chain, state)?;
            tx.commit()?;
            Ok(outcome)
        };
        write(&mut self.conn).map_err(|source| self.error(source))
    }

    /// Keeps `leads` as the tenant just gave them outside any chain (a lead opened in the inbox), so the
    /// mirror is as fresh as what the rep saw.
    pub fn put_seen(&mut self, leads: &[Lead], now_ms: i64) -> Result<PageWrite, MirrorError> {
        let bodies = self.bodies(leads)?;
        let write = |conn: &mut Connection| -> rusqlite::Result<PageWrite> {
            let tx = rusqlite::Transaction::new(conn, TransactionBehavior::Immediate)?;
            let outcome = put_leads(&tx, leads, &bodies, now_ms)?;
            tx.commit()?;
            Ok(outcome)
        };
        write(&mut self.conn).map_err(|source| self.error(source))
    }

    fn bodies(&self, leads: &[Lead]) -> Result<Vec<String>, MirrorError> {
        leads
            .iter()
            .map(|lead| {
                serde_json::to_string(lead).map_err(|e| MirrorError::Encode {
                    path: self.path.clone(),
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// Sets a chain's state alone (to start it again).
    pub fn set_chain(&self, chain: &str, state: &ChainState) -> Result<(), MirrorError> {
        put_chain(&self.conn, chain, state).map_err(|source| self.error(source))
    }

    /// Where `chain` stands; `None` when it never started.
    pub fn chain(&self, chain: &str) -> Result<Option<ChainState>, MirrorError> {
        self.conn
            .query_row("SELECT cursor, done FROM chains WHERE name = ?1", params![chain], |r| {
                Ok(ChainState {
                    cursor: r.get(0)?,
                    done: r.get(1)?,
                })
            })
            .optional()
            .map_err(|source| self.error(source))
    }

    /// How many of `ids` the mirror holds.
    pub fn known(&self, ids: &[&str]) -> Result<usize, MirrorError> {
        let count = || -> rusqlite::Result<usize> {
            let mut stmt = self.conn.prepare_cached("SELECT 1 FROM leads WHERE id = ?1")?;
            let mut n = 0;
            for id in ids {
                if stmt.exists(params![id])? {
                    n += 1;
                }
            }
            Ok(n)
        };
        count().map_err(|source| self.error(source))
    }

    /// Leads held that `filter` selects.
    pub fn count(&self, filter: &Filter) -> Result<u64, MirrorError> {
        let (clause, args) = where_clause(filter, None);
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM leads WHERE {clause}"),
                rusqlite::params_from_iter(args),
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|source| self.error(source))
    }

    /// Up to `limit` leads `filter` selects, newest first (createdAt, then id, both descending, as the
    /// tenant orders them), after `after`. A row that cannot be read back is left out.
    pub fn page(&self, filter: &Filter, after: Option<&After>, limit: usize) -> Result<Vec<Lead>, MirrorError> {
        let (clause, mut args) = where_clause(filter, after);
        args.push(rusqlite::types::Value::Integer(
            i64::try_from(limit).unwrap_or(i64::MAX),
        ));
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT body FROM leads WHERE {clause} ORDER BY created_at DESC, id DESC LIMIT ?"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect()
        };
        let bodies = read().map_err(|source| self.error(source))?;
        Ok(bodies.iter().filter_map(|b| serde_json::from_str(b).ok()).collect())
    }

    /// One lead by its whole id.
    pub fn lead(&self, id: &str) -> Result<Option<Lead>, MirrorError> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM leads WHERE id = ?1", params![id], |r| r.get(0))
            .optional()
            .map_err(|source| self.error(source))?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Up to `most` leads whose id starts with `prefix` (case as the tenant writes ids: lower), newest first.
    pub fn with_id_prefix(&self, prefix: &str, most: usize) -> Result<Vec<Lead>, MirrorError> {
        let prefix = prefix.to_lowercase();
        // A range over the primary key rather than LIKE, whose wildcards a typed `%` or `_` would be.
        let upper = format!("{prefix}\u{10ffff}");
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare(
                "SELECT body FROM leads WHERE id >= ?1 AND id < ?2 ORDER BY created_at DESC, id DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![prefix, upper, i64::try_from(most).unwrap_or(i64::MAX)], |r| {
                r.get(0)
            })?;
            rows.collect()
        };
        let bodies = read().map_err(|source| self.error(source))?;
        Ok(bodies.iter().filter_map(|b| serde_json::from_str(b).ok()).collect())
    }

    /// When the tenant last returned the lead `id`, in milliseconds since the epoch.
    pub fn last_seen_ms(&self, id: &str) -> Result<Option<i64>, MirrorError> {
        self.conn
            .query_row("SELECT seen_at FROM leads WHERE id = ?1", params![id], |r| r.get(0))
            .optional()
            .map_err(|source| self.error(source))
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, MirrorError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![format!("sync.{key}")],
                |r| r.get(0),
            )
            .optional()
            .map_err(|source| self.error(source))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), MirrorError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![format!("sync.{key}"), value],
            )
            .map(|_| ())
            .map_err(|source| self.error(source))
    }
}

/// The schema number a file records; `None` for a file no leadbox finished making.
fn schema_of(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .map(|v| v.and_then(|v| v.parse().ok()))
}

/// Writes each lead that is new or changed (and marks the unchanged as seen now), inside `tx`.
fn put_leads(
    tx: &rusqlite::Transaction<'_>,
    leads: &[Lead],
    bodies: &[String],
    now_ms: i64,
) -> rusqlite::Result<PageWrite> {
    let mut outcome = PageWrite::default();
    let mut old = tx.prepare_cached("SELECT body FROM leads WHERE id = ?1")?;
    let mut put = tx.prepare_cached(
        "INSERT INTO leads (id, created_at, status, assigned_to, search, body, seen_at,
             email_key, phone_key, phone_tail, name_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(id) DO UPDATE SET created_at = ?2, status = ?3, assigned_to = ?4, search = ?5,
             body = ?6, seen_at = ?7, email_key = ?8, phone_key = ?9, phone_tail = ?10,
             name_key = ?11",
    )?;
    let mut seen = tx.prepare_cached("UPDATE leads SET seen_at = ?2 WHERE id = ?1")?;
    for (at, (lead, body)) in leads.iter().zip(bodies).enumerate() {
        let before: Option<String> = old.query_row(params![lead.id], |r| r.get(0)).optional()?;
        match before {
            Some(b) if &b == body => {
                seen.execute(params![lead.id, now_ms])?;
                continue;
            }
            Some(_) => {
                outcome.changed += 1;
                outcome.changed_at.push(at);
            }
            None => outcome.new += 1,
        }
        let keys = Keys::of_lead(lead);
        put.execute(params![
            lead.id,
            lead.created_at.timestamp_millis(),
            lead.status.as_str(),
            lead.assigned_to,
            search_text(lead),
            body,
            now_ms,
            keys.email,
            keys.phone,
            keys.phone.as_deref().map(phone_tail),
            keys.name_company,
        ])?;
    }
    Ok(outcome)
}

fn put_chain(conn: &Connection, chain: &str, state: &ChainState) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO chains (name, cursor, done) VALUES (?1, ?2, ?3)
         ON CONFLICT(name) DO UPDATE SET cursor = ?2, done = ?3",
        params![chain, state.cursor, state.done],
    )
    .map(|_| ())
}

fn where_clause(filter: &Filter, after: Option<&After>) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value as Sql;
    let mut clause = String::from("1");
    let mut args = Vec::new();
    if let Some(status) = &filter.status {
        clause.push_str(" AND status = ?");
        args.push(Sql::Text(status.clone()));
    }
    if let Some(who) = &filter.assigned_to {
        clause.push_str(" AND assigned_to = ?");
        args.push(Sql::Text(who.clone()));
    }
    if let Some(after) = after {
        clause.push_str(" AND (created_at, id) < (?, ?)");
        args.push(Sql::Integer(after.created_at_ms));
        args.push(Sql::Text(after.id.clone()));
    }
    (clause, args)
}

/// Held by the one process that syncs a profile's mirror. An OS file lock (`flock`): the kernel releases it
/// when its holder exits or is killed, so a stale lock cannot outlive the process.
#[derive(Debug)]
pub struct SyncLock {
    _file: std::fs::File,
}

impl SyncLock {
    /// Takes the lock if no other process holds it: `Ok(None)` when one does (its pid in
    /// [`super::sender::holder`]).
    pub fn try_take(path: &Path) -> std::io::Result<Option<SyncLock>> {
        Ok(super::sender::take_pid_lock(path)?.map(|file| SyncLock { _file: file }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(id: &str, ms: i64, status: &str) -> Lead {
        let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
        serde_json::from_value(serde_json::json!({
            "id": id, "status": status, "createdAt": novala_leads::types::rfc3339_millis::format(&at),
            "firstName": "Ada", "email": "ADA@example.com",
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_page_is_counted_new_then_changed_and_read_back_newest_first() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE_NAME);
        let mut m = MirrorFile::open(&path).unwrap_or_else(|e| panic!("{e}")).file;
        let state = ChainState {
            cursor: Some("c1".into()),
            done: false,
        };
        let page = [
            lead("b", 2_000, "new"),
            lead("a", 1_000, "new"),
            lead("c", 2_000, "lost"),
        ];
        let w = m
            .write_page("walk:new", &page, &state, 5)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            w,
            PageWrite {
                new: 3,
                changed: 0,
                changed_at: vec![]
            }
        );
        let again = [lead("a", 1_000, "new"), lead("b", 2_000, "contacted")];
        let w = m
            .write_page("walk:new", &again, &state, 6)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            w,
            PageWrite {
                new: 0,
                changed: 1,
                changed_at: vec![1]
            }
        );
        let ids: Vec<String> = m
            .page(&Filter::default(), None, 10)
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(ids, ["c", "b", "a"]);
        let after = After::of(&lead("b", 2_000, "new"));
        assert_eq!(
            m.page(&Filter::default(), Some(&after), 10).unwrap_or_default().len(),
            1
        );
        let contacted = Filter {
            status: Some("contacted".into()),
            ..Filter::default()
        };
        assert_eq!(m.count(&contacted).unwrap_or(0), 1);
        assert_eq!(m.chain("walk:new").unwrap_or_default(), Some(state));
        assert_eq!(m.last_seen_ms("a").unwrap_or_default(), Some(6));
        assert_eq!(m.with_id_prefix("B", 5).unwrap_or_default().len(), 1);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_set_aside_and_a_missing_one_is_not_made_for_reading() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE_NAME);
        assert!(matches!(
            MirrorFile::open_existing(&path),
            Err(MirrorError::Missing { .. })
        ));
        assert!(!path.exists());
        std::fs::write(&path, vec![0x5a; 8192]).unwrap_or_else(|e| panic!("{e}"));
        let opened = MirrorFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(opened.set_aside.is_some_and(|s| s.contains("set aside")));
        assert!(dir.path().join(format!("{FILE_NAME}.bad")).exists());
        assert_eq!(opened.file.count(&Filter::default()).unwrap_or(9), 0);
    }
}
