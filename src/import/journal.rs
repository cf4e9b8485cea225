//! The import's journal: one JSON line per change of a row's outbox entry, appended and synced before the
//! request it announces leaves, so a kill at any moment leaves a file that says, for every row, whether
//! it was created (and as which lead), refused, never sent, or sent with its outcome unknown.
//!
//! A row is known by its content, not its place: the fingerprint of its parsed values and which
//! occurrence of that fingerprint it is in the file (two identical rows are two leads). Line endings, a
//! BOM, the order of the columns or rows and rows inserted above change nothing.
//!
//! The first line names the tenant: a journal is never applied to an import into another tenant. A last
//! line cut off by a kill is dropped (its request never left); a damaged line anywhere else stops the
//! import, since what it recorded cannot be known. A journal that exists but holds nothing is never taken
//! for a fresh start: leadbox writes its first line before anything else, so an empty one was emptied.
//! Journals of version 1 (records keyed by line, with the same fingerprint) are read and carried on.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::api::types::NewLead;
use crate::outbox::OutboxEntry;

const VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    leadbox_import_journal: u32,
    /// The tenant's leads URL.
    tenant: String,
    /// The file imported, as named on the command line (for people reading the journal).
    input: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// Where the row was when this was written: for people, and to name a row edited since.
    line: u64,
    /// The fingerprint of the row's values when this was written.
    row: String,
    /// Which occurrence of `row` in the file (from 1); absent in version 1, whose records are by line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<u32>,
    entry: OutboxEntry,
}

/// A row as the journal knows it: its fingerprint and which occurrence of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowId {
    pub fingerprint: String,
    pub occurrence: u32,
}

impl RowId {
    /// The outbox key of the row.
    pub fn key(&self) -> String {
        format!("row {} #{}", self.fingerprint, self.occurrence)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the journal {path} cannot be used: {message}")]
    Io { path: PathBuf, message: String },
    #[error(
        "the journal {path} records an import into {tenant}, not this tenant: give this import its own with --journal PATH"
    )]
    OtherTenant { path: PathBuf, tenant: String },
    #[error(
        "the journal {path} is damaged at line {line} ({message}): it cannot tell which rows were created, so nothing is sent; move it aside only if you know none of this file's rows is in the tenant"
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "the journal {path} is empty: it was emptied or cut short, so it cannot tell which of this file's rows were created, and nothing is sent. Run the same command with --journal-lost to look each row up among the tenant's newest leads first (only rows not found wait for --resend-unknown), or delete the journal if you know no row of this file is in the tenant"
    )]
    Empty { path: PathBuf },
    #[error("the journal {path} is not empty: --journal-lost is only for a journal that was deleted or emptied")]
    NotLost { path: PathBuf },
}

/// A journal open for appending.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
}

/// What an earlier run recorded for one row (its last record).
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The line the row was on when this was written.
    pub line: u64,
    pub entry: OutboxEntry,
}

/// What opening a journal found.
#[derive(Debug, Default)]
pub struct Opened {
    pub recorded: BTreeMap<RowId, Recorded>,
    /// The journal had been deleted or emptied and the import was told so (`--journal-lost`).
    pub lost: bool,
}

/// The fingerprint of a row's lead: its values, with line endings made one, hashed. The same as version 1
/// wrote for any row without a carriage return, so those journals are carried on.
pub fn fingerprint(lead: &NewLead) -> String {
    // Hashed as the lead itself serialises (its fields in their order), as version 1 did.
    let canonical_lead = serde_json::to_value(lead)
        .map(canonical)
        .and_then(serde_json::from_value::<NewLead>)
        .unwrap_or_else(|_| lead.clone());
    let bytes = serde_json::to_vec(&canonical_lead).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A cell that spans lines reads `\r\n` from a CRLF file and `\n` from an LF one: both are `\n`.
fn canonical(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('\r') => Value::String(s.replace("\r\n", "\n").replace('\r', "\n")),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        // serde_json's maps are sorted by key, so the order of the file's columns does not show either.
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, canonical(v))).collect()),
        other => other,
    }
}

/// Where the journal of `input` goes unless `--journal` says: beside it, named after it.
pub fn default_path(input: &Path) -> PathBuf {
    let mut name = input.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".leadbox-journal");
    input.with_file_name(name)
}

impl Journal {
    /// Opens (or starts) the journal at `path` for an import into `tenant`, with what it recorded of each
    /// row. `lost` is `--journal-lost`: the rep says the journal was deleted or emptied. Notes a cut-off
    /// last line in `warnings`.
    pub fn open(
        path: &Path,
        tenant: &str,
        input: &str,
        lost: bool,
        warnings: &mut Vec<String>,
    ) -> Result<(Journal, Opened), JournalError> {
        let io = |e: std::io::Error| JournalError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let header = Header {
            leadbox_import_journal: VERSION,
            tenant: tenant.to_string(),
            input: input.to_string(),
        };
        let header_line = serde_json::to_string(&header).unwrap_or_default();
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                start(path, &header_line).map_err(io)?;
                let file = append_to(path).map_err(io)?;
                let journal = Journal {
                    file,
                    path: path.to_path_buf(),
                };
                return Ok((
                    journal,
                    Opened {
                        lost,
                        ..Opened::default()
                    },
                ));
            }
            Err(e) => return Err(io(e)),
            Ok(_) => {}
        }
        let mut file = append_to(path).map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let mut journal = Journal {
            file,
            path: path.to_path_buf(),
        };
        if text.trim().is_empty() {
            if !lost {
                return Err(JournalError::Empty {
                    path: path.to_path_buf(),
                });
            }
            journal.file.set_len(0).map_err(io)?;
            journal.append(&header_line).map_err(io)?;
            return Ok((
                journal,
                Opened {
                    lost: true,
                    ..Opened::default()
                },
            ));
        }
        if lost {
            return Err(JournalError::NotLost {
                path: path.to_path_buf(),
            });
        }
        let damaged = |line: usize, message: String| JournalError::Damaged {
            path: path.to_path_buf(),
            line,
            message,
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let found: Header = lines
            .first()
            .and_then(|first| serde_json::from_str(first.trim_end()).ok())
            .ok_or_else(|| damaged(1, "it does not start with a journal's first line".to_string()))?;
        if !(1..=VERSION).contains(&found.leadbox_import_journal) {
            return Err(damaged(
                1,
                format!(
                    "it is of version {}, written by a newer leadbox",
                    found.leadbox_import_journal
                ),
            ));
        }
        if found.tenant != tenant {
            return Err(JournalError::OtherTenant {
                path: path.to_path_buf(),
                tenant: crate::sanitize::line(&found.tenant).into_owned(),
            });
        }
        // Version 1 kept the last record of each line; version 2 records follow them in the same file.
        let mut by_line: BTreeMap<u64, (String, OutboxEntry)> = BTreeMap::new();
        let mut by_row: Vec<(RowId, Recorded)> = Vec::new();
        let mut kept_bytes = lines.first().map_or(0, |l| l.len());
        for (i, raw) in lines.iter().enumerate().skip(1) {
            match serde_json::from_str::<Record>(raw.trim_end()) {
                Ok(r) => {
                    kept_bytes += raw.len();
                    match r.n {
                        None => {
                            by_line.insert(r.line, (r.row, r.entry));
                        }
                        Some(occurrence) => by_row.push((
                            RowId {
                                fingerprint: r.row,
                                occurrence,
                            },
                            Recorded {
                                line: r.line,
                                entry: r.entry,
                            },
                        )),
                    }
                }
                // A record is written in one piece and ends with its newline: one without it is the write
                // a kill cut off, and its request never left.
                Err(_) if !raw.ends_with('\n') && i + 1 == lines.len() => warnings.push(
                    "the journal's last line was cut off (a run was stopped while writing it); it is dropped"
                        .to_string(),
                ),
                Err(e) => return Err(damaged(i + 1, e.to_string())),
            }
        }
        if kept_bytes < text.len() {
            journal.file.set_len(kept_bytes as u64).map_err(io)?;
        }
        let mut recorded = BTreeMap::new();
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for (line, (fingerprint, entry)) in by_line {
            let n = seen.entry(fingerprint.clone()).or_insert(0);
            *n += 1;
            let id = RowId {
                fingerprint,
                occurrence: *n,
            };
            recorded.insert(id, Recorded { line, entry });
        }
        recorded.extend(by_row);
        Ok((journal, Opened { recorded, lost: false }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records where a row's entry stands; on disk when this returns.
    pub fn record(&mut self, id: &RowId, line: u64, entry: &OutboxEntry) -> Result<(), JournalError> {
        let record = Record {
            line,
            row: id.fingerprint.clone(),
            n: Some(id.occurrence),
            entry: entry.clone(),
        };
        let text = serde_json::to_string(&record).map_err(|e| JournalError::Io {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        self.append(&text).map_err(|e| JournalError::Io {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    fn append(&mut self, text: &str) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.sync_data()
    }
}

/// Opened to read and to append: every write lands at the end, whatever else has the file open.
fn append_to(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).append(true).open(path)
}

/// A new journal appears with its first line already in it (written aside, then renamed), so an empty
/// journal is never one leadbox left: it was emptied.
fn start(path: &Path, header: &str) -> std::io::Result<()> {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".new-{}", std::process::id()));
    let aside = path.with_file_name(name);
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    let mut file = crate::owner_only::open(&aside, options)?;
    file.write_all(format!("{header}\n").as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&aside, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself on disk; a directory that cannot be synced (some filesystems) is no reason to stop.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::LeadSource;
    use crate::outbox::Outbox;

    fn entry(name: &str) -> OutboxEntry {
        Outbox::default().enqueue(
            "line 2".to_string(),
            NewLead::new(name, LeadSource::Import),
            None,
            chrono::Utc::now(),
        )
    }

    fn id(fp: &str, n: u32) -> RowId {
        RowId {
            fingerprint: fp.to_string(),
            occurrence: n,
        }
    }

    #[test]
    fn the_last_record_of_each_row_is_what_a_second_run_sees() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv.leadbox-journal");
        let mut warnings = Vec::new();
        let (mut journal, before) =
            Journal::open(&path, "http://t/api/v1/leads", "leads.csv", false, &mut warnings).unwrap();
        assert!(before.recorded.is_empty());
        let mut e = entry("Ada");
        journal.record(&id("f1", 1), 2, &e).unwrap();
        e.server_id = Some("lead-1".into());
        journal.record(&id("f1", 1), 2, &e).unwrap();
        journal.record(&id("f1", 2), 3, &entry("Ada")).unwrap();
        drop(journal);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (_, seen) = Journal::open(&path, "http://t/api/v1/leads", "leads.csv", false, &mut warnings).unwrap();
        assert_eq!(seen.recorded.len(), 2);
        assert_eq!(seen.recorded[&id("f1", 1)].entry.server_id.as_deref(), Some("lead-1"));
        assert_eq!(seen.recorded[&id("f1", 2)].line, 3);
        assert!(warnings.is_empty());
        let other = Journal::open(&path, "http://other/api/v1/leads", "leads.csv", false, &mut warnings).unwrap_err();
        assert!(matches!(other, JournalError::OtherTenant { .. }), "{other}");
    }

    #[test]
    fn a_record_cut_off_by_a_kill_is_dropped_and_a_damaged_one_stops_the_import() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut warnings = Vec::new();
        let (mut journal, _) = Journal::open(&path, "t", "in", false, &mut warnings).unwrap();
        journal.record(&id("f1", 1), 2, &entry("Ada")).unwrap();
        drop(journal);
        let whole = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{whole}{{\"line\":3,\"row\":\"f")).unwrap();
        let (mut journal, seen) = Journal::open(&path, "t", "in", false, &mut warnings).unwrap();
        assert_eq!(seen.recorded.len(), 1);
        assert_eq!(warnings.len(), 1);
        // The next record starts on a line of its own.
        journal.record(&id("f2", 1), 3, &entry("Bo")).unwrap();
        drop(journal);
        let (_, seen) = Journal::open(&path, "t", "in", false, &mut Vec::new()).unwrap();
        assert_eq!(seen.recorded.len(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"line\":2", "\"line\":\"x", 1)).unwrap();
        let damaged = Journal::open(&path, "t", "in", false, &mut Vec::new()).unwrap_err();
        assert!(matches!(damaged, JournalError::Damaged { line: 2, .. }), "{damaged}");
    }

    #[test]
    fn an_emptied_journal_is_refused_unless_the_rep_says_it_was_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let (journal, _) = Journal::open(&path, "t", "in", false, &mut Vec::new()).unwrap();
        drop(journal);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("{\"leadbox_import_journal\":2"),
            "a new journal starts with its first line"
        );
        std::fs::write(&path, "").unwrap();
        let empty = Journal::open(&path, "t", "in", false, &mut Vec::new()).unwrap_err();
        assert!(matches!(empty, JournalError::Empty { .. }), "{empty}");
        assert!(empty.to_string().contains("--journal-lost"), "{empty}");
        let (_, opened) = Journal::open(&path, "t", "in", true, &mut Vec::new()).unwrap();
        assert!(opened.lost);
        let again = Journal::open(&path, "t", "in", true, &mut Vec::new()).unwrap_err();
        assert!(matches!(again, JournalError::NotLost { .. }), "{again}");
    }

    #[test]
    fn a_version_1_journal_keyed_by_line_is_carried_on_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut sent = entry("Ada");
        sent.server_id = Some("lead-1".into());
        let record = |line: u64, row: &str, e: &OutboxEntry| {
            serde_json::json!({"line": line, "row": row, "entry": e}).to_string()
        };
        std::fs::write(
            &path,
            format!(
                "{{\"leadbox_import_journal\":1,\"tenant\":\"t\",\"input\":\"in\"}}\n{}\n{}\n{}\n",
                record(2, "same", &entry("Ada")),
                record(2, "same", &sent),
                record(5, "same", &entry("Ada")),
            ),
        )
        .unwrap();
        let (_, opened) = Journal::open(&path, "t", "in", false, &mut Vec::new()).unwrap();
        assert_eq!(opened.recorded.len(), 2);
        assert_eq!(
            opened.recorded[&id("same", 1)].entry.server_id.as_deref(),
            Some("lead-1"),
            "the first line holding a row is its first occurrence"
        );
        assert_eq!(opened.recorded[&id("same", 2)].line, 5);
    }

    #[test]
    fn a_fingerprint_ignores_line_endings_inside_cells_and_nothing_else() {
        let mut a = NewLead::new("Ada", LeadSource::Import);
        a.notes = Some("one\r\ntwo".into());
        let mut b = a.clone();
        b.notes = Some("one\ntwo".into());
        assert_eq!(fingerprint(&a), fingerprint(&b));
        b.notes = Some("one two".into());
        assert_ne!(fingerprint(&a), fingerprint(&b));
        // Without a carriage return, what version 1 wrote.
        let v1: String = Sha256::digest(serde_json::to_vec(&b).unwrap())
            .iter()
            .take(16)
            .map(|x| format!("{x:02x}"))
            .collect();
        assert_eq!(fingerprint(&b), v1);
    }
}
