//! leadbox's own state on disk, in the rep's data directory: what the tenant does not keep for them.

pub mod draft_file;
pub mod mirror;
pub mod mirror_leads;
pub mod sender;
pub mod shared;
pub mod state;

pub use local::LocalState;
mod local;
