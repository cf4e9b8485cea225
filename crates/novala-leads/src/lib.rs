//! The Novala Leads API, for any Rust program: the wire types, the rules a new lead must meet, what a
//! tenant knows that the API cannot tell (its team and custom fields), and an async client that pages
//! through leads by following the API's cursors. No terminal code lives here.

pub mod client;
pub mod compact_id;
pub mod error;
pub mod key;
pub mod paging;
pub mod rules;
pub mod seen_ids;
pub mod tenant;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod transport;
pub mod types;

pub use client::{ClientError, ClientOptions, NovalaClient, RetryPolicy};
pub use compact_id::CompactId;
pub use error::ApiError;
pub use key::ApiKey;
pub use paging::Paging;
pub use types::{Lead, LeadSource, LeadStatus, ListQuery, NewLead, Page};
