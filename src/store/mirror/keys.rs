//! The mirror's look-alike keys: each lead's email, phone and name-and-company keys
//! ([`crate::model::likeness`]) in indexed columns, so a new lead is compared with every mirrored one in a
//! few index lookups however many the mirror holds.
//!
//! A file of schema 1 has no such columns: the sync, the one writer, adds them when it opens the file and
//! fills them from each lead's `body`, in one transaction (killed halfway, the file stays a schema-1 file and
//! the next sync starts over). A reader never changes the file: on a schema-1 file it is told
//! [`MirrorError::NoKeys`].

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{KEYS_VERSION, MirrorError, MirrorFile, SCHEMA_VERSION};
use crate::api::types::Lead;
use crate::model::likeness::{Alike, Keys, phone_tail, same_phone};

/// The key columns, in the order [`fill`] writes them.
const COLUMNS: [&str; 4] = ["email_key", "phone_key", "phone_tail", "name_key"];
/// Rows read from `body` at a time while the keys are filled in: memory stays flat at any size.
const FILL_BATCH: i64 = 5_000;
/// Leads sharing a phone's last digits looked at before giving up on the phone: a tail that common is a
/// placeholder number, not a person.
const PHONE_CANDIDATES: i64 = 500;

/// A mirrored lead a new one looks like, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Twin {
    pub lead: Lead,
    pub how: Alike,
}

/// Brings a file this build may write up to [`SCHEMA_VERSION`]: adds whichever key columns it lacks,
/// fills them from the leads' bodies, indexes them, and records the schema, all in one transaction.
/// Returns how many leads were given keys (0 when the file had them).
pub(super) fn bring_up_to_date(conn: &mut Connection) -> rusqlite::Result<u64> {
    let tx = rusqlite::Transaction::new(conn, TransactionBehavior::Immediate)?;
    let present: Vec<String> = {
        let mut stmt = tx.prepare("SELECT name FROM pragma_table_info('leads')")?;
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    let missing: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| !present.iter().any(|p| p == c))
        .collect();
    for column in &missing {
        tx.execute_batch(&format!("ALTER TABLE leads ADD COLUMN {column} TEXT"))?;
    }
    let filled = if missing.is_empty() { 0 } else { fill(&tx)? };
    // After the fill: building an index over filled columns is faster than keeping it while they fill.
    tx.execute_batch(
        "CREATE INDEX IF NOT EXISTS leads_by_email ON leads (email_key) WHERE email_key IS NOT NULL;
         CREATE INDEX IF NOT EXISTS leads_by_phone ON leads (phone_tail) WHERE phone_tail IS NOT NULL;
         CREATE INDEX IF NOT EXISTS leads_by_name ON leads (name_key) WHERE name_key IS NOT NULL;",
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?1)",
        params![SCHEMA_VERSION.to_string()],
    )?;
    tx.commit()?;
    Ok(filled)
}

/// Every lead's keys, from its body. A body that cannot be read gets none (reads leave it out anyway).
fn fill(conn: &Connection) -> rusqlite::Result<u64> {
    let mut read = conn.prepare("SELECT rowid, body FROM leads WHERE rowid > ?1 ORDER BY rowid LIMIT ?2")?;
    let mut write = conn
        .prepare("UPDATE leads SET email_key = ?2, phone_key = ?3, phone_tail = ?4, name_key = ?5 WHERE rowid = ?1")?;
    let mut after = i64::MIN;
    let mut filled = 0;
    loop {
        let batch: Vec<(i64, String)> = read
            .query_map(params![after, FILL_BATCH], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some((last, _)) = batch.last() else {
            return Ok(filled);
        };
        after = *last;
        for (rowid, body) in &batch {
            let keys = serde_json::from_str::<Lead>(body)
                .map(|lead| Keys::of_lead(&lead))
                .unwrap_or_default();
            let tail = keys.phone.as_deref().map(phone_tail);
            write.execute(params![rowid, keys.email, keys.phone, tail, keys.name_company])?;
            filled += 1;
        }
    }
}

impl MirrorFile {
    /// The newest mirrored lead `keys` looks like: the same email, else the same phone, else the same name
    /// and company.
    pub fn look_alike(&self, keys: &Keys) -> Result<Option<Twin>, MirrorError> {
        self.can_compare()?;
        twin(&self.conn, keys).map_err(|source| self.error(source))
    }

    /// Each of `rows`' twin, in their order: one pass over the rows, each statement prepared once.
    pub fn look_alikes(&self, rows: &[Keys]) -> Result<Vec<Option<Twin>>, MirrorError> {
        self.can_compare()?;
        let all = || -> rusqlite::Result<Vec<Option<Twin>>> { rows.iter().map(|k| twin(&self.conn, k)).collect() };
        all().map_err(|source| self.error(source))
    }

    fn can_compare(&self) -> Result<(), MirrorError> {
        if self.version < KEYS_VERSION {
            return Err(MirrorError::NoKeys {
                path: self.path.clone(),
            });
        }
        Ok(())
    }
}

fn twin(conn: &Connection, keys: &Keys) -> rusqlite::Result<Option<Twin>> {
    let newest = |column: &str, value: &str| -> rusqlite::Result<Option<Lead>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT body FROM leads WHERE {column} = ?1 ORDER BY created_at DESC, id DESC LIMIT 1"
        ))?;
        let body: Option<String> = stmt.query_row(params![value], |r| r.get(0)).optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    };
    if let Some(email) = &keys.email
        && let Some(lead) = newest("email_key", email)?
    {
        return Ok(Some(Twin {
            lead,
            how: Alike::Email,
        }));
    }
    if let Some(phone) = &keys.phone
        && let Some(lead) = same_phone_lead(conn, phone)?
    {
        return Ok(Some(Twin {
            lead,
            how: Alike::Phone,
        }));
    }
    if let Some(name) = &keys.name_company
        && let Some(lead) = newest("name_key", name)?
    {
        return Ok(Some(Twin {
            lead,
            how: Alike::NameAndCompany,
        }));
    }
    Ok(None)
}

/// The newest lead whose phone is `phone`'s number: found by its last digits, then compared whole.
fn same_phone_lead(conn: &Connection, phone: &str) -> rusqlite::Result<Option<Lead>> {
    let mut candidates = conn.prepare_cached(
        "SELECT rowid, phone_key FROM leads WHERE phone_tail = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
    )?;
    let rows = candidates.query_map(params![phone_tail(phone), PHONE_CANDIDATES], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut body = conn.prepare_cached("SELECT body FROM leads WHERE rowid = ?1")?;
    for row in rows {
        let (rowid, key) = row?;
        if same_phone(phone, &key) {
            let text: String = body.query_row(params![rowid], |r| r.get(0))?;
            if let Ok(lead) = serde_json::from_str(&text) {
                return Ok(Some(lead));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::mirror::{ChainState, FILE_NAME, Filter};

    fn lead(id: &str, ms: i64, extra: serde_json::Value) -> Lead {
        let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
        let mut v = serde_json::json!({
            "id": id, "status": "new", "createdAt": novala_leads::types::rfc3339_millis::format(&at),
            "firstName": "Ada",
        });
        if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
            v.extend(extra.clone());
        }
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn leads() -> Vec<Lead> {
        vec![
            lead("e1", 1_000, serde_json::json!({"email": "Ada@Example.com"})),
            lead("e2", 3_000, serde_json::json!({"email": "ada@example.com "})),
            lead("p1", 2_000, serde_json::json!({"phone": "+44 20 7946 0958"})),
            lead("p2", 4_000, serde_json::json!({"phone": "+1 555 794 0958"})),
            lead(
                "n1",
                5_000,
                serde_json::json!({"lastName": "Lovelace", "companyName": "Analytical  Engines"}),
            ),
        ]
    }

    fn new_lead(v: serde_json::Value) -> Keys {
        let mut lead = crate::api::types::NewLead::new("Someone", crate::api::types::LeadSource::Referral);
        lead.email = v["email"].as_str().map(str::to_string);
        lead.phone = v["phone"].as_str().map(str::to_string);
        if let Some(first) = v["firstName"].as_str() {
            lead.first_name = first.to_string();
        }
        lead.last_name = v["lastName"].as_str().map(str::to_string);
        lead.company_name = v["companyName"].as_str().map(str::to_string);
        Keys::of_new(&lead)
    }

    fn found(mirror: &MirrorFile, v: serde_json::Value) -> Option<(String, Alike)> {
        mirror
            .look_alike(&new_lead(v))
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|t| (t.lead.id, t.how))
    }

    #[test]
    fn the_newest_twin_is_found_by_email_then_phone_then_name_and_company() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut m = MirrorFile::open(&dir.path().join(FILE_NAME))
            .unwrap_or_else(|e| panic!("{e}"))
            .file;
        m.write_page("walk:new", &leads(), &ChainState::default(), 1)
            .unwrap_or_else(|e| panic!("{e}"));
        let email = serde_json::json!({"email": "ADA@example.COM", "phone": "020 7946 0958"});
        assert_eq!(found(&m, email), Some(("e2".into(), Alike::Email)));
        let phone = serde_json::json!({"phone": "020 7946 0958"});
        assert_eq!(found(&m, phone), Some(("p1".into(), Alike::Phone)));
        let name = serde_json::json!({"firstName": "ada", "lastName": "LOVELACE", "companyName": "analytical engines"});
        assert_eq!(found(&m, name), Some(("n1".into(), Alike::NameAndCompany)));
        // The same last seven digits in another country, and a name at another company: no one.
        assert_eq!(found(&m, serde_json::json!({"phone": "+33 5 794 0958"})), None);
        let elsewhere = serde_json::json!({"firstName": "Ada", "lastName": "Lovelace", "companyName": "Other"});
        assert_eq!(found(&m, elsewhere), None);
        let all = m
            .look_alikes(&[
                new_lead(serde_json::json!({"phone": "0044 20 7946 0958"})),
                Keys::default(),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].as_ref().map(|t| t.lead.id.as_str()), Some("p1"));
        assert_eq!(all[1], None);
    }

    /// A mirror as the first leadbox with a mirror wrote it: schema 1, no key columns.
    fn schema_one(path: &std::path::Path, leads: &[Lead]) {
        let conn = Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE leads (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, status TEXT NOT NULL,
                 assigned_to TEXT, search TEXT NOT NULL, body TEXT NOT NULL, seen_at INTEGER NOT NULL);
             CREATE TABLE chains (name TEXT PRIMARY KEY, cursor TEXT, done INTEGER NOT NULL DEFAULT 0);
             INSERT INTO meta VALUES ('schema', '1');",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for l in leads {
            conn.execute(
                "INSERT INTO leads VALUES (?1, ?2, 'new', NULL, '', ?3, 1)",
                params![
                    l.id,
                    l.created_at.timestamp_millis(),
                    serde_json::to_string(l).unwrap_or_default()
                ],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn a_schema_one_mirror_gets_its_keys_from_the_bodies_when_the_writer_opens_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE_NAME);
        schema_one(&path, &leads());
        let reader = MirrorFile::open_existing(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            reader.look_alike(&new_lead(serde_json::json!({"email": "ada@example.com"}))),
            Err(MirrorError::NoKeys { .. })
        ));
        assert_eq!(
            reader.count(&Filter::default()).unwrap_or(0),
            5,
            "a reader still reads it"
        );
        drop(reader);
        let opened = MirrorFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(opened.set_aside.is_none(), "brought up to date, not set aside");
        let m = opened.file;
        assert_eq!(m.count(&Filter::default()).unwrap_or(0), 5);
        assert_eq!(
            found(&m, serde_json::json!({"phone": "2079460958"})),
            Some(("p1".into(), Alike::Phone))
        );
        drop(m);
        let again = MirrorFile::open_existing(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.version, SCHEMA_VERSION);
    }

    #[test]
    fn a_mirror_from_a_newer_leadbox_is_set_aside_untouched() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE_NAME);
        schema_one(&path, &leads());
        Connection::open(&path)
            .and_then(|c| {
                c.execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'schema'",
                    params![(SCHEMA_VERSION + 1).to_string()],
                )
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            MirrorFile::open_existing(&path),
            Err(MirrorError::Newer { .. })
        ));
        let opened = MirrorFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(opened.set_aside.is_some_and(|s| s.contains("newer")));
        let aside = Connection::open(dir.path().join(format!("{FILE_NAME}.newer"))).unwrap_or_else(|e| panic!("{e}"));
        let columns: i64 = aside
            .query_row("SELECT COUNT(*) FROM pragma_table_info('leads')", [], |r| r.get(0))
            .unwrap_or(0);
        assert_eq!(columns, 7, "the newer file was not given this build's columns");
        let indexes: i64 = aside
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(-1);
        assert_eq!(indexes, 0, "nor its indexes");
    }
}
