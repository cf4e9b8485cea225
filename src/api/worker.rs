//! The async task between the app and the network: `ApiRequest`s in over one channel, one `ApiEvent` out
//! per request, each tagged with the request's id so the app can drop answers it no longer waits for.

use crate::api::error::ApiError;
use crate::api::types::{Lead, ListQuery, NewLead, Page};

/// Chosen by the app; unique for the life of one worker.
pub type RequestId = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiRequest {
    /// One page of the list; `cursor` is `None` for the first page.
    List {
        id: RequestId,
        query: ListQuery,
        cursor: Option<String>,
    },
    /// One lead by id.
    Get { id: RequestId, lead_id: String },
    /// Create a lead. Never retried once it may have reached the server.
    Create { id: RequestId, lead: NewLead },
    /// The app no longer needs the answer to `id`; the worker stops it if it still runs.
    Cancel { id: RequestId },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiEvent {
    Listed {
        id: RequestId,
        /// The cursor the page was asked for with, so the app can tell pages apart.
        cursor: Option<String>,
        result: Result<Page<Lead>, ApiError>,
    },
    Fetched {
        id: RequestId,
        result: Result<Lead, ApiError>,
    },
    Created {
        id: RequestId,
        result: Result<Lead, ApiError>,
    },
}

impl ApiEvent {
    pub fn id(&self) -> RequestId {
        match self {
            ApiEvent::Listed { id, .. } | ApiEvent::Fetched { id, .. } | ApiEvent::Created { id, .. } => *id,
        }
    }
}
