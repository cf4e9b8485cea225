//! The profile's state as the inbox shares it with other leadbox processes: the state file, the sender
//! lock (taken as soon as it is free), and what the others changed since this process last looked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::sender::{self, Sender, SenderLock};
use super::state::{StateError, StateFile};
use crate::model::Marks;
use crate::outbox::OutboxEntry;

/// The state file (when it could be opened) and this process's part in sending its outbox.
pub struct SharedProfile {
    state: Result<StateFile, NoStateFile>,
    lock_path: Option<PathBuf>,
    lock: Option<SenderLock>,
    /// The sender as last told to the app.
    told: Option<Sender>,
    /// `PRAGMA data_version` when the file was last read.
    seen: Option<i64>,
}

/// Why this session has no state file. Said as the inbox starts, and again for each write it refuses.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NoStateFile {
    /// The profile has no directory to hold it; the cause is the caller's (the data directory's), so it is
    /// kept as the error it is rather than named here.
    #[error("{0}")]
    NoPlace(Arc<dyn std::error::Error + Send + Sync>),
    /// The file would not open.
    #[error("{0}")]
    Unopened(Arc<StateError>),
}

/// What other processes changed, when anything did.
pub struct Changes {
    pub outbox: Option<Vec<OutboxEntry>>,
    pub marks: Option<HashMap<String, Marks>>,
    pub learned: Option<Vec<crate::tenant::CustomFieldDef>>,
}

impl SharedProfile {
    /// `state` is the opened file, or why there is none (then nothing can be queued, so nothing is sent).
    pub fn new(state: Result<StateFile, NoStateFile>) -> SharedProfile {
        let lock_path = state.as_ref().ok().map(|s| sender::lock_path(s.path()));
        let mut shared = SharedProfile {
            state,
            lock_path,
            lock: None,
            told: None,
            seen: None,
        };
        shared.seen = shared.version();
        shared
    }

    pub fn state(&self) -> Option<&StateFile> {
        self.state.as_ref().ok()
    }

    fn version(&self) -> Option<i64> {
        self.state().and_then(|s| s.data_version().ok())
    }

    /// Who sends the outbox now, when that differs from what the app was last told. The lock is taken
    /// whenever it is free, so the next process takes over within one look after a sender stops.
    pub fn sender_change(&mut self) -> Option<Sender> {
        let now = match (&self.lock, &self.lock_path) {
            (Some(_), _) | (None, None) => Sender::Me,
            (None, Some(path)) => match SenderLock::try_take(path) {
                Ok(Some(lock)) => {
                    tracing::info!("this process sends the profile's outbox");
                    self.lock = Some(lock);
                    Sender::Me
                }
                Ok(None) => Sender::Other(sender::holder(path)),
                Err(e) => {
                    // Without the lock nothing is sent: better a queue that waits than a lead sent twice.
                    tracing::warn!(error = %e, "the sender lock could not be taken");
                    Sender::Other(None)
                }
            },
        };
        if self.told == Some(now) {
            return None;
        }
        self.told = Some(now);
        Some(now)
    }

    /// The outbox and marks as other processes left them, when they committed anything since the last look.
    pub fn changes(&mut self) -> Option<Changes> {
        let version = self.version()?;
        if self.seen == Some(version) {
            return None;
        }
        self.seen = Some(version);
        let state = self.state()?;
        let outbox = match state.outbox() {
            Ok((entries, _)) => Some(entries),
            Err(e) => {
                tracing::warn!(error = %e, "the shared outbox was not read");
                None
            }
        };
        Some(Changes {
            outbox,
            marks: state.marks().ok(),
            learned: state.learned_fields().ok(),
        })
    }

    fn file(&self) -> Result<&StateFile, StateError> {
        self.state.as_ref().map_err(|why| StateError::Unopened {
            path: PathBuf::from("state.sqlite3"),
            why: why.clone(),
        })
    }
}

impl crate::store::LocalState for SharedProfile {
    fn change_many_marks(&mut self, changes: &[(String, Marks, Marks)]) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.change_many_marks(changes),
            None => Ok(()),
        }
    }

    fn change_marks(&mut self, lead_id: &str, before: Marks, after: Marks) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.change_marks(lead_id, before, after),
            // Said once at start; marks then live for this session only.
            None => Ok(()),
        }
    }

    fn put_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StateError> {
        self.file()?.put_outbox(entry)
    }

    fn remove_outbox(&mut self, key: &str, rev: u64) -> Result<(), StateError> {
        self.file()?.remove_outbox(key, rev)
    }

    fn cache_page(&mut self, key: &str, leads: &[crate::api::types::Lead]) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.cache_page(key, leads),
            None => Ok(()),
        }
    }

    fn remember_view(&mut self, name: &str) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.set("view", name),
            None => Ok(()),
        }
    }

    fn remember_command(&mut self, typed: &str) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.keep_typed_command(typed),
            None => Ok(()),
        }
    }

    fn outbox(&mut self) -> Option<Vec<OutboxEntry>> {
        self.state().and_then(|s| s.outbox().ok()).map(|(entries, _)| entries)
    }

    fn learn_field(&mut self, def: &crate::tenant::CustomFieldDef) -> Result<(), StateError> {
        match self.state() {
            Some(state) => state.learn_field(def),
            // Said once at start; the field is then known for this session only.
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LocalState;

    #[test]
    fn without_a_state_file_a_record_is_refused_with_why_there_is_none() {
        let why = NoStateFile::NoPlace(Arc::new(std::io::Error::other("no home directory")));
        let mut shared = SharedProfile::new(Err(why));
        let lead = crate::api::types::NewLead::new("Ada", crate::api::types::LeadSource::Import);
        let entry = crate::outbox::Outbox::default().enqueue("k1".into(), lead, None, chrono::Utc::now());
        let refused = shared.put_outbox(&entry).unwrap_err();
        assert!(matches!(refused, StateError::Unopened { .. }), "{refused:?}");
        assert_eq!(refused.to_string(), "state.sqlite3: no state file: no home directory");
        assert!(shared.remove_outbox("k1", 0).is_err(), "nor is anything taken out");
    }

    #[test]
    fn two_inboxes_on_one_profile_keep_the_commands_each_typed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite3");
        let open = || SharedProfile::new(Ok(StateFile::open(&path).unwrap().file));
        let (mut a, mut b) = (open(), open());
        a.remember_command("notify {email}").unwrap();
        b.remember_command("crm push {id}").unwrap();
        // Typed again, a command is the newest.
        a.remember_command("notify {email}").unwrap();
        a.remember_command("curl {id}").unwrap();
        let kept = StateFile::open(&path).unwrap().file.typed_commands().unwrap();
        assert_eq!(kept, ["crm push {id}", "notify {email}", "curl {id}"]);
        // No more than the prompt holds, the newest kept.
        for i in 0..70 {
            b.remember_command(&format!("cmd {i}")).unwrap();
        }
        let kept = StateFile::open(&path).unwrap().file.typed_commands().unwrap();
        assert_eq!(kept.len(), crate::model::user_command::TYPED_KEPT);
        assert_eq!(kept.last().map(String::as_str), Some("cmd 69"));
    }
}
