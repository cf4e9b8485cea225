//! The data every layer names: the form's draft, a lead's triage marks, the compact lead and the rows the lists
//! hold. A leaf: it depends on nothing of leadbox's but the wire types.

pub mod backoff;
pub mod draft;
pub mod lead;
pub mod lead_rows;
pub mod likeness;
pub mod marks;
pub mod row_set;
pub mod user_command;

pub use draft::{Draft, DraftValue};
pub use lead::{CompactLead, LeadRef};
pub use lead_rows::LeadRows;
pub use marks::Marks;
