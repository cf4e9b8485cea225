//! The sandbox's SQLite store: tenants, hashed keys and leads.
//!
//! One connection behind a mutex is plenty for a loopback server; every async caller goes through
//! [`Store::run`], which moves the work onto tokio's blocking pool so no query ever stalls the reactor.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use novala_leads::types::{Lead, LeadSource, LeadStatus};

use super::records::{KeyRecord, Scope, TenantRecord};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a previous database call panicked while holding the connection")]
    Poisoned,
    #[error("a database task did not finish: {0}")]
    Join(String),
    #[error("the database holds data this build cannot read: {0}")]
    Corrupt(String),
}

/// Narrows a list to one status and/or one assignee (a lowercase hyphenated UUID).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    pub status: Option<LeadStatus>,
    pub assigned_to: Option<String>,
}

/// Where a page starts: strictly after this (createdAt, id) in newest-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub created_at_ms: i64,
    pub id: String,
}

impl Position {
    pub fn of(lead: &Lead) -> Position {
        Position {
            created_at_ms: lead.created_at.timestamp_millis(),
            id: lead.id.clone(),
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    scopes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leads (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    created_at INTEGER NOT NULL,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    company_name TEXT,
    status TEXT NOT NULL,
    source TEXT,
    intent TEXT,
    notes TEXT,
    assigned_to TEXT,
    custom_fields TEXT NOT NULL,
    channel TEXT,
    attribution TEXT
);
";

/// The indexes that make every page of a list, filtered or not, a range seek: a page deep in a million
/// leads costs what the first page costs.
const LIST_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS leads_newest ON leads (tenant_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS leads_by_status ON leads (tenant_id, status, created_at, id);
CREATE INDEX IF NOT EXISTS leads_by_assignee ON leads (tenant_id, assigned_to, created_at, id);
";

/// Dropped before a bulk insert and built again after it ([`create_list_indexes`]): building an index from
/// sorted rows once is far cheaper than a million random insertions into three B-trees.
pub fn drop_list_indexes(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "DROP INDEX IF EXISTS leads_newest; DROP INDEX IF EXISTS leads_by_status; \
         DROP INDEX IF EXISTS leads_by_assignee;",
    )?;
    Ok(())
}

pub fn create_list_indexes(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(LIST_INDEXES)?;
    Ok(())
}

const LEAD_COLUMNS: &str = "id, created_at, first_name, last_name, email, phone, company_name, status, source, \
                            intent, notes, assigned_to, custom_fields, channel, attribution";

/// A cheap handle: clones share the one connection.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (creating if needed) a database file.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // WAL keeps readers of other processes (a second `leadbox`) from blocking on our writes.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Self::init(conn)
    }

    /// A private database that vanishes with the last handle.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.execute_batch(SCHEMA)?;
        create_list_indexes(&conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection, on the calling thread. For seeding, benches and other blocking callers.
    pub fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let mut conn = self.conn.lock().map_err(|_| StoreError::Poisoned)?;
        f(&mut conn)
    }

    /// Runs `f` on the connection from tokio's blocking pool.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.with_conn(f))
            .await
            .map_err(|e| StoreError::Join(e.to_string()))?
    }
}

pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn meta_set(conn: &Connection, key: &str, value: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn insert_tenant(conn: &Connection, tenant: &TenantRecord) -> Result<(), StoreError> {
    let profile = serde_json::to_string(&tenant.profile).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO tenants (id, name, profile) VALUES (?1, ?2, ?3)",
        params![tenant.id, tenant.name, profile],
    )?;
    Ok(())
}

pub fn tenants(conn: &Connection) -> Result<Vec<TenantRecord>, StoreError> {
    text_triples(conn, "SELECT id, name, profile FROM tenants ORDER BY id")?
        .into_iter()
        .map(|(id, name, profile)| {
            let profile = serde_json::from_str(&profile)
                .map_err(|e| StoreError::Corrupt(format!("profile of tenant {id}: {e}")))?;
            Ok(TenantRecord { id, name, profile })
        })
        .collect()
}

/// Every row of a query that selects three text columns.
fn text_triples(conn: &Connection, sql: &str) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_key(conn: &Connection, key: &KeyRecord) -> Result<(), StoreError> {
    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    conn.execute(
        "INSERT OR REPLACE INTO api_keys (hash, tenant_id, scopes) VALUES (?1, ?2, ?3)",
        params![key.hash, key.tenant_id, scopes.join(" ")],
    )?;
    Ok(())
}

pub fn keys(conn: &Connection) -> Result<Vec<KeyRecord>, StoreError> {
    text_triples(conn, "SELECT hash, tenant_id, scopes FROM api_keys")?
        .into_iter()
        .map(|(hash, tenant_id, scopes)| {
            let scopes = scopes
                .split_whitespace()
                .map(|s| Scope::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown scope {s}"))))
                .collect::<Result<_, _>>()?;
            Ok(KeyRecord {
                hash,
                tenant_id,
                scopes,
            })
        })
        .collect()
}

/// Inserts leads with one prepared statement. Callers inserting many wrap it in a transaction (see
/// [`crate::seed::seed_database`]).
pub fn insert_leads<L: Borrow<Lead>>(
    conn: &Connection,
    tenant_id: &str,
    leads: impl IntoIterator<Item = L>,
) -> Result<(), StoreError> {
    {
        let mut stmt = conn.prepare_cached(&format!(
            "INSERT INTO leads (tenant_id, {LEAD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
             ?13, ?14, ?15, ?16)"
        ))?;
        for lead in leads {
            let lead = lead.borrow();
            let custom = serde_json::to_string(&lead.custom_fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let attribution = match &lead.attribution {
                Some(a) => Some(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?),
                None => None,
            };
            stmt.execute(params![
                tenant_id,
                lead.id,
                lead.created_at.timestamp_millis(),
                lead.first_name,
                lead.last_name,
                lead.email,
                lead.phone,
                lead.company_name,
                lead.status.as_str(),
                lead.source.as_ref().map(LeadSource::as_str),
                lead.intent,
                lead.notes,
                lead.assigned_to,
                custom,
                lead.channel,
                attribution,
            ])?;
        }
    }
    Ok(())
}

fn lead_from_row(row: &Row<'_>) -> rusqlite::Result<Lead> {
    let created_ms: i64 = row.get(1)?;
    let status: String = row.get(7)?;
    let source: Option<String> = row.get(8)?;
    let custom: String = row.get(12)?;
    let attribution: Option<String> = row.get(14)?;
    let bad = |i: usize, e: &dyn std::fmt::Display| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.to_string().into())
    };
    Ok(Lead {
        id: row.get(0)?,
        created_at: DateTime::<Utc>::from_timestamp_millis(created_ms).ok_or_else(|| bad(1, &"createdAt"))?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        email: row.get(4)?,
        phone: row.get(5)?,
        company_name: row.get(6)?,
        status: LeadStatus::from_wire(&status),
        source: source.as_deref().map(LeadSource::from_wire),
        intent: row.get(9)?,
        notes: row.get(10)?,
        assigned_to: row.get(11)?,
        custom_fields: serde_json::from_str::<BTreeMap<String, Value>>(&custom).map_err(|e| bad(12, &e))?,
        channel: row.get(13)?,
        attribution: match attribution {
            Some(a) => Some(serde_json::from_str(&a).map_err(|e| bad(14, &e))?),
            None => None,
        },
    })
}

/// The WHERE clause and its parameters for one tenant's filtered list, starting after `after`.
fn list_where(tenant_id: &str, filter: &ListFilter, after: Option<&Position>) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value as Sql;
    let mut clause = String::from("tenant_id = ?");
    let mut args = vec![Sql::Text(tenant_id.to_string())];
    if let Some(status) = &filter.status {
        clause.push_str(" AND status = ?");
        args.push(Sql::Text(status.as_str().to_string()));
    }
    if let Some(who) = &filter.assigned_to {
        clause.push_str(" AND assigned_to = ?");
        args.push(Sql::Text(who.clone()));
    }
    if let Some(pos) = after {
        // A row-value comparison, which SQLite turns into a range seek on the (…, created_at, id) indexes.
        clause.push_str(" AND (created_at, id) < (?, ?)");
        args.push(Sql::Integer(pos.created_at_ms));
        args.push(Sql::Text(pos.id.clone()));
    }
    (clause, args)
}

/// Up to `limit` leads of one tenant, newest first (createdAt, then id, both descending), after `after`.
pub fn list_leads(
    conn: &Connection,
    tenant_id: &str,
    filter: &ListFilter,
    after: Option<&Position>,
    limit: usize,
) -> Result<Vec<Lead>, StoreError> {
    let (clause, mut args) = list_where(tenant_id, filter, after);
    args.push(rusqlite::types::Value::Integer(
        i64::try_from(limit).unwrap_or(i64::MAX),
    ));
    let sql = format!("SELECT {LEAD_COLUMNS} FROM leads WHERE {clause} ORDER BY created_at DESC, id DESC LIMIT ?");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), lead_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The position of the `depth`-th lead (0 = newest) of a list, so a caller can start a page that deep
/// without walking to it. Costs a scan; meant for benches and tests.
pub fn position_at_depth(
    conn: &Connection,
    tenant_id: &str,
    filter: &ListFilter,
    depth: u64,
) -> Result<Option<Position>, StoreError> {
    let (clause, mut args) = list_where(tenant_id, filter, None);
    args.push(rusqlite::types::Value::Integer(
        i64::try_from(depth).unwrap_or(i64::MAX),
    ));
    let sql =
        format!("SELECT created_at, id FROM leads WHERE {clause} ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?");
    let mut stmt = conn.prepare(&sql)?;
    Ok(stmt
        .query_row(rusqlite::params_from_iter(args), |r| {
            Ok(Position {
                created_at_ms: r.get(0)?,
                id: r.get(1)?,
            })
        })
        .optional()?)
}

pub fn get_lead(conn: &Connection, tenant_id: &str, id: &str) -> Result<Option<Lead>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LEAD_COLUMNS} FROM leads WHERE id = ?1 AND tenant_id = ?2"
    ))?;
    Ok(stmt.query_row(params![id, tenant_id], lead_from_row).optional()?)
}

pub fn count_leads(conn: &Connection, tenant_id: &str) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM leads WHERE tenant_id = ?1", [tenant_id], |r| {
        r.get(0)
    })?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use novala_leads::tenant::TenantProfile;

    fn lead(id: &str, ms: i64) -> Lead {
        Lead {
            id: id.into(),
            first_name: Some("Zoë".into()),
            last_name: None,
            email: None,
            phone: None,
            company_name: None,
            status: LeadStatus::New,
            source: Some(LeadSource::Mcp),
            intent: None,
            notes: None,
            assigned_to: None,
            custom_fields: BTreeMap::from([("budget".to_string(), serde_json::json!(12))]),
            created_at: Utc.timestamp_millis_opt(ms).unwrap(),
            channel: None,
            attribution: Some(BTreeMap::from([("utm_source".to_string(), serde_json::json!("x"))])),
        }
    }

    fn store_with_tenant() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                insert_tenant(
                    c,
                    &TenantRecord {
                        id: "t".into(),
                        name: "T".into(),
                        profile: TenantProfile::default(),
                    },
                )
            })
            .unwrap();
        store
    }

    #[test]
    fn leads_round_trip_and_list_newest_first_with_id_tiebreak() {
        let store = store_with_tenant();
        let leads = [lead("a", 1000), lead("c", 2000), lead("b", 2000), lead("d", 500)];
        store.with_conn(|c| insert_leads(c, "t", &leads)).unwrap();
        let got = store
            .with_conn(|c| list_leads(c, "t", &ListFilter::default(), None, 10))
            .unwrap();
        let ids: Vec<&str> = got.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a", "d"]);
        assert_eq!(got[2], leads[0]);
        let after = Position::of(&got[1]);
        let rest = store
            .with_conn(|c| list_leads(c, "t", &ListFilter::default(), Some(&after), 10))
            .unwrap();
        assert_eq!(rest.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["a", "d"]);
        let deep = store
            .with_conn(|c| position_at_depth(c, "t", &ListFilter::default(), 2))
            .unwrap();
        assert_eq!(deep, Some(Position::of(&leads[0])));
        assert_eq!(store.with_conn(|c| count_leads(c, "t")).unwrap(), 4);
        assert_eq!(store.with_conn(|c| get_lead(c, "other", "a")).unwrap(), None);
    }

    #[test]
    fn deep_pages_use_the_keyset_indexes() {
        let store = store_with_tenant();
        let filters = [
            ListFilter::default(),
            ListFilter {
                status: Some(LeadStatus::Lost),
                assigned_to: None,
            },
            ListFilter {
                status: None,
                assigned_to: Some("u".into()),
            },
        ];
        for filter in filters {
            let (clause, args) = list_where(
                "t",
                &filter,
                Some(&Position {
                    created_at_ms: 1,
                    id: "x".into(),
                }),
            );
            let plan: Vec<String> = store
                .with_conn(|c| {
                    let mut stmt = c.prepare(&format!(
                        "EXPLAIN QUERY PLAN SELECT id FROM leads WHERE {clause} ORDER BY created_at DESC, id DESC \
                         LIMIT 25"
                    ))?;
                    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))?;
                    Ok(rows.collect::<Result<Vec<_>, _>>()?)
                })
                .unwrap();
            let plan = plan.join(" | ");
            assert!(
                plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "sorts instead of seeking: {plan}");
            assert!(plan.contains("created_at"), "no range seek on created_at: {plan}");
        }
    }
}
