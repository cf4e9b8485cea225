//! What the event loop keeps on disk for the app, named as a trait so tests can stand in for the file.

use crate::api::types::Lead;
use crate::model::Marks;
use crate::outbox::OutboxEntry;
use crate::store::state::StateError;
use crate::tenant::CustomFieldDef;

/// Where the inbox keeps what it must not lose: the profile's state file, or a stand-in in tests.
pub trait LocalState {
    fn change_marks(&mut self, lead_id: &str, before: Marks, after: Marks) -> Result<(), StateError>;
    /// The marks of many leads changed by one key (every picked lead marked done): written together, so a
    /// thousand leads cost one write, not a thousand. A stand-in may write them one by one.
    fn change_many_marks(&mut self, changes: &[(String, Marks, Marks)]) -> Result<(), StateError> {
        changes
            .iter()
            .try_for_each(|(id, before, after)| self.change_marks(id, *before, *after))
    }
    fn put_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StateError>;
    fn remove_outbox(&mut self, key: &str, rev: u64) -> Result<(), StateError>;
    fn cache_page(&mut self, key: &str, leads: &[Lead]) -> Result<(), StateError>;
    fn remember_view(&mut self, name: &str) -> Result<(), StateError>;
    /// Adds a command just typed at `!` to those kept. A stand-in that keeps nothing across runs need not.
    fn remember_command(&mut self, _typed: &str) -> Result<(), StateError> {
        Ok(())
    }
    /// The outbox as it now stands on disk, when it can be read.
    fn outbox(&mut self) -> Option<Vec<OutboxEntry>>;
    /// Keeps a custom field the tenant taught. A stand-in that keeps nothing across runs need not.
    fn learn_field(&mut self, _def: &CustomFieldDef) -> Result<(), StateError> {
        Ok(())
    }
}
