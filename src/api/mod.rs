//! The inbox's side of the network: the Novala client (from `novala-leads`) and the worker task that runs
//! its requests off the UI thread. Nothing else in leadbox opens a connection.

pub use novala_leads::{client, error, key, paging, types};
pub mod worker;

pub use novala_leads::{ApiError, ApiKey, ClientError, ClientOptions, Lead, LeadSource, LeadStatus, ListQuery};
pub use novala_leads::{CompactId, NewLead, NovalaClient, Page, Paging, RetryPolicy};

/// The environment variable Novala's own examples read the secret key from (and that no child process of
/// leadbox ever sees).
pub const KEY_ENV: &str = "NOVALA_SECRET_KEY";
