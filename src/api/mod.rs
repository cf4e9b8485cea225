//! The inbox's side of the network: the Novala client (from `novala-leads`) and the worker task that runs
//! its requests off the UI thread. Nothing else in leadbox opens a connection.

pub use novala_leads::{client, error, key, paging, types};
pub mod worker;

pub use novala_leads::{ApiError, ApiKey, ClientError, ClientOptions, Lead, LeadSource, LeadStatus, ListQuery};
pub use novala_leads::{CompactId, NewLead, NovalaClient, Page, Paging, RetryPolicy};
