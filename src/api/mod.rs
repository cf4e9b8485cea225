//! Everything that touches the network on the client side.

pub mod error;
pub mod key;
pub mod types;
pub mod worker;

pub use error::ApiError;
pub use key::ApiKey;
pub use types::{Lead, LeadSource, LeadStatus, ListQuery, NewLead, Page};
