//! Everything that touches the network on the client side.

pub mod client;
pub mod error;
pub mod key;
pub mod paging;
pub mod types;
pub mod worker;

pub use client::{ClientError, ClientOptions, NovalaClient, RetryPolicy};
pub use error::ApiError;
pub use key::ApiKey;
pub use paging::Paging;
pub use types::{Lead, LeadSource, LeadStatus, ListQuery, NewLead, Page};
