//! The import's journal: one JSON line per change of a row's outbox entry, each on disk (synced) before the
//! request it announces leaves, so a kill at any moment leaves a file that says, for every row, whether
//! it was created (and as which lead), refused, never sent, or sent with its outcome unknown.
//!
//! The first line names the tenant: a journal is never applied to an import into another tenant. A last
//! line cut off by a kill is dropped (its request never left); a damaged line anywhere else stops the
//! import, since what it recorded cannot be known.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::types::NewLead;
use crate::app::outbox::OutboxEntry;

const VERSION: u32 = 1;

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
    line: u64,
    /// What the row held when this was written: a row changed since is a different lead.
    row: String,
    entry: OutboxEntry,
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
}

/// A journal open for appending, with what it held.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
}

/// What an earlier run recorded for one row (the last record of its line).
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub row: String,
    pub entry: OutboxEntry,
}

/// The fingerprint of a row's lead, as kept in the journal.
pub fn fingerprint(lead: &NewLead) -> String {
    let bytes = serde_json::to_vec(lead).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Where the journal of `input` goes unless `--journal` says: beside it, named after it.
pub fn default_path(input: &Path) -> PathBuf {
    let mut name = input.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".leadbox-journal");
    input.with_file_name(name)
}

impl Journal {
    /// Opens (or starts) the journal at `path` for an import into `tenant`; returns it with the last
    /// record of each line. Notes a cut-off last line in `warnings`.
    pub fn open(
        path: &Path,
        tenant: &str,
        input: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(Journal, BTreeMap<u64, Recorded>), JournalError> {
        let io = |e: std::io::Error| JournalError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let mut journal = Journal {
            file,
            path: path.to_path_buf(),
        };
        if text.is_empty() {
            let header = Header {
                leadbox_import_journal: VERSION,
                tenant: tenant.to_string(),
                input: input.to_string(),
            };
            journal
                .append(&serde_json::to_string(&header).unwrap_or_default())
                .map_err(io)?;
            return Ok((journal, BTreeMap::new()));
        }
        let damaged = |line: usize, message: String| JournalError::Damaged {
            path: path.to_path_buf(),
            line,
            message,
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut recorded = BTreeMap::new();
        let header: Header = lines
            .first()
            .and_then(|first| serde_json::from_str(first.trim_end()).ok())
            .ok_or_else(|| damaged(1, "it does not start with a journal's first line".to_string()))?;
        if header.leadbox_import_journal != VERSION {
            return Err(damaged(
                1,
                format!("it is of version {}", header.leadbox_import_journal),
            ));
        }
        if header.tenant != tenant {
            return Err(JournalError::OtherTenant {
                path: path.to_path_buf(),
                tenant: crate::sanitize::line(&header.tenant).into_owned(),
            });
        }
        let mut kept_bytes = lines.first().map_or(0, |l| l.len());
        for (i, raw) in lines.iter().enumerate().skip(1) {
            match serde_json::from_str::<Record>(raw.trim_end()) {
                Ok(r) => {
                    kept_bytes += raw.len();
                    recorded.insert(
                        r.line,
                        Recorded {
                            row: r.row,
                            entry: r.entry,
                        },
                    );
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
        journal.file.seek(std::io::SeekFrom::End(0)).map_err(io)?;
        Ok((journal, recorded))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records where a row's entry stands; on disk when this returns.
    pub fn record(&mut self, line: u64, row: &str, entry: &OutboxEntry) -> Result<(), JournalError> {
        let record = Record {
            line,
            row: row.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::LeadSource;
    use crate::app::outbox::Outbox;

    fn entry(name: &str) -> OutboxEntry {
        Outbox::default().enqueue(
            "line 2".to_string(),
            NewLead::new(name, LeadSource::Import),
            None,
            chrono::Utc::now(),
        )
    }

    #[test]
    fn the_last_record_of_each_line_is_what_a_second_run_sees() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv.leadbox-journal");
        let mut warnings = Vec::new();
        let (mut journal, before) = Journal::open(&path, "http://t/api/v1/leads", "leads.csv", &mut warnings).unwrap();
        assert!(before.is_empty());
        let mut e = entry("Ada");
        journal.record(2, "f1", &e).unwrap();
        e.server_id = Some("lead-1".into());
        journal.record(2, "f1", &e).unwrap();
        journal.record(3, "f2", &entry("Bo")).unwrap();
        drop(journal);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (_, seen) = Journal::open(&path, "http://t/api/v1/leads", "leads.csv", &mut warnings).unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[&2].entry.server_id.as_deref(), Some("lead-1"));
        assert!(warnings.is_empty());
        let other = Journal::open(&path, "http://other/api/v1/leads", "leads.csv", &mut warnings).unwrap_err();
        assert!(matches!(other, JournalError::OtherTenant { .. }), "{other}");
    }

    #[test]
    fn a_record_cut_off_by_a_kill_is_dropped_and_a_damaged_one_stops_the_import() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut warnings = Vec::new();
        let (mut journal, _) = Journal::open(&path, "t", "in", &mut warnings).unwrap();
        journal.record(2, "f1", &entry("Ada")).unwrap();
        drop(journal);
        let whole = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{whole}{{\"line\":3,\"row\":\"f")).unwrap();
        let (mut journal, seen) = Journal::open(&path, "t", "in", &mut warnings).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(warnings.len(), 1);
        // The next record starts on a line of its own.
        journal.record(3, "f2", &entry("Bo")).unwrap();
        drop(journal);
        let (_, seen) = Journal::open(&path, "t", "in", &mut Vec::new()).unwrap();
        assert_eq!(seen.len(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"line\":2", "\"line\":\"x", 1)).unwrap();
        let damaged = Journal::open(&path, "t", "in", &mut Vec::new()).unwrap_err();
        assert!(matches!(damaged, JournalError::Damaged { line: 2, .. }), "{damaged}");
    }
}
