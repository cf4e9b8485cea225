//! The async task between the app and the network: `ApiRequest`s in over one channel, one `ApiEvent` out
//! per request, each tagged with the request's id so the app can drop answers it no longer waits for.
//!
//! Requests run concurrently, one tokio task each. `ApiRequest::Cancel` aborts the named request if it still
//! runs, and **a cancelled request sends no event at all**: once the worker has read the `Cancel`, nothing for
//! that id is sent, even if its answer had already arrived. (An event sent before the `Cancel` was read can
//! still be in the app's queue, so the app keeps dropping answers it no longer waits for.) When the request
//! channel closes, the worker lets the requests in flight finish, sends their events, and ends, which closes
//! the event channel. If the app drops the event receiver, the worker aborts what is in flight and ends.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use crate::api::client::NovalaClient;
use crate::api::error::ApiError;
use crate::api::types::{Lead, ListQuery, NewLead, Page};

/// Leads kept on this machine that can answer some requests without the network: the profile's mirror of
/// its tenant. `None` from either method means "ask the tenant".
pub trait LocalLeads: Send + Sync {
    /// The page `query` and `cursor` ask for, when this store can answer it whole (a cursor of its own, or
    /// the first page once it holds the whole tenant).
    fn page(&self, query: &ListQuery, cursor: Option<&str>) -> Option<Result<Page<Lead>, ApiError>>;
    /// The lead `id` as last seen, for when the tenant cannot be reached.
    fn lead(&self, id: &str) -> Option<Lead>;
    /// Keeps `leads` as the tenant just gave them (a lead opened, a page refreshed), so the store is as
    /// fresh as the screen.
    fn remember(&self, _leads: &[Lead]) {}
}

/// Chosen by the app; unique for the life of one worker.
pub type RequestId = u64;

// A handful of requests per key press: boxing the create's lead would cost more clarity than bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum ApiRequest {
    /// One page of the list; `cursor` is `None` for the first page.
    List {
        id: RequestId,
        query: ListQuery,
        cursor: Option<String>,
    },
    /// The first page as the tenant has it now, never from the leads kept locally: what `R` asks for, so
    /// a refresh over a mirror reaches the tenant, and says so when it cannot.
    Latest { id: RequestId, query: ListQuery },
    /// One lead by id.
    Get { id: RequestId, lead_id: String },
    /// Several leads by id (the leads on screen, the picked ones), a few at a time; one answer for all.
    GetMany { id: RequestId, lead_ids: Vec<String> },
    /// Create a lead. Never retried once it may have reached the server.
    Create { id: RequestId, lead: NewLead },
    /// Look for a lead whose create was cut off, among the leads created since `since`.
    FindCreated {
        id: RequestId,
        lead: NewLead,
        since: chrono::DateTime<chrono::Utc>,
        /// Leads already known to be other creates with the same names and email.
        taken: Vec<String>,
    },
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
    /// The answer to [`ApiRequest::Get`] when the tenant could not be reached (`why`) and the mirror had
    /// the lead: as the last sync saw it, not as the tenant has it now.
    FetchedKept { id: RequestId, lead: Lead, why: ApiError },
    /// The answer to [`ApiRequest::GetMany`]: each lead asked for, in the order asked, or why not.
    FetchedMany {
        id: RequestId,
        results: Vec<(String, Result<Lead, ApiError>)>,
    },
    Created {
        id: RequestId,
        result: Result<Lead, ApiError>,
    },
    /// The answer to [`ApiRequest::FindCreated`]: the lead as stored, or `None` when it is not there.
    Found {
        id: RequestId,
        result: Result<Option<Lead>, ApiError>,
    },
}

impl ApiRequest {
    pub fn id(&self) -> RequestId {
        match self {
            ApiRequest::List { id, .. }
            | ApiRequest::Latest { id, .. }
            | ApiRequest::Get { id, .. }
            | ApiRequest::GetMany { id, .. }
            | ApiRequest::Create { id, .. }
            | ApiRequest::FindCreated { id, .. }
            | ApiRequest::Cancel { id } => *id,
        }
    }
}

impl ApiEvent {
    pub fn id(&self) -> RequestId {
        match self {
            ApiEvent::Listed { id, .. }
            | ApiEvent::Fetched { id, .. }
            | ApiEvent::FetchedKept { id, .. }
            | ApiEvent::FetchedMany { id, .. }
            | ApiEvent::Created { id, .. }
            | ApiEvent::Found { id, .. } => *id,
        }
    }
}

/// The app's ends of the worker's two channels.
#[derive(Debug)]
pub struct WorkerHandle {
    pub requests: mpsc::UnboundedSender<ApiRequest>,
    pub events: mpsc::UnboundedReceiver<ApiEvent>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn_worker(client: NovalaClient) -> WorkerHandle {
    spawn_worker_with(client, None)
}

/// Starts the worker with `local` answering the lists it can (and the leads the tenant cannot give).
pub fn spawn_worker_with(client: NovalaClient, local: Option<Arc<dyn LocalLeads>>) -> WorkerHandle {
    let (request_tx, request_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    tokio::spawn(run_worker_with(client, local, request_rx, event_tx));
    WorkerHandle {
        requests: request_tx,
        events: event_rx,
    }
}

/// How many pages of 100 are read looking for a create whose answer was lost.
const FIND_PAGES: usize = 50;

/// A request in flight: how to stop it, and enough about it to answer even if its task dies.
struct InFlight {
    abort: AbortHandle,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    List { cursor: Option<String> },
    Get,
    GetMany,
    Create,
    Find,
}

impl Kind {
    fn event(self, id: RequestId, error: ApiError) -> ApiEvent {
        match self {
            Kind::List { cursor } => ApiEvent::Listed {
                id,
                cursor,
                result: Err(error),
            },
            Kind::Get => ApiEvent::Fetched { id, result: Err(error) },
            Kind::GetMany => ApiEvent::FetchedMany {
                id,
                results: vec![(String::new(), Err(error))],
            },
            Kind::Create => ApiEvent::Created { id, result: Err(error) },
            Kind::Find => ApiEvent::Found { id, result: Err(error) },
        }
    }
}

/// The worker's loop; [`spawn_worker`] runs it, and a caller with its own channels may run it directly.
pub async fn run_worker(
    client: NovalaClient,
    requests: mpsc::UnboundedReceiver<ApiRequest>,
    events: mpsc::UnboundedSender<ApiEvent>,
) {
    run_worker_with(client, None, requests, events).await
}

/// [`run_worker`] with leads kept locally answering what they can.
pub async fn run_worker_with(
    client: NovalaClient,
    local: Option<Arc<dyn LocalLeads>>,
    mut requests: mpsc::UnboundedReceiver<ApiRequest>,
    events: mpsc::UnboundedSender<ApiEvent>,
) {
    let mut tasks: JoinSet<ApiEvent> = JoinSet::new();
    let mut in_flight: HashMap<RequestId, InFlight> = HashMap::new();
    let mut by_task: HashMap<tokio::task::Id, RequestId> = HashMap::new();
    let mut open = true;
    loop {
        tokio::select! {
            request = requests.recv(), if open => match request {
                Some(ApiRequest::Cancel { id }) => {
                    if let Some(flight) = in_flight.remove(&id) {
                        tracing::debug!(request = id, "cancelled");
                        flight.abort.abort();
                    }
                }
                Some(request) => {
                    let (id, kind) = describe(&request);
                    let abort = tasks.spawn(perform(client.clone(), local.clone(), request));
                    by_task.insert(abort.id(), id);
                    if let Some(replaced) = in_flight.insert(id, InFlight { abort, kind }) {
                        tracing::warn!(request = id, "request id reused while in flight; the older one is dropped");
                        replaced.abort.abort();
                    }
                }
                None => open = false,
            },
            joined = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let event = match joined {
                    Some(Ok((task, event))) => {
                        by_task.remove(&task);
                        // Still in the map means not cancelled (and not replaced by a newer use of the id).
                        match in_flight.get(&event.id()) {
                            Some(flight) if flight.abort.id() == task => {
                                in_flight.remove(&event.id());
                                Some(event)
                            }
                            _ => None,
                        }
                    }
                    Some(Err(err)) => {
                        let id = by_task.remove(&err.id());
                        let flight = id.and_then(|id| in_flight.remove(&id).map(|f| (id, f)));
                        match flight {
                            Some((id, flight)) if err.is_panic() => {
                                tracing::error!(request = id, "an API request task panicked");
                                let maybe_created = matches!(flight.kind, Kind::Create);
                                let error = ApiError::Network {
                                    message: "the request failed inside leadbox".to_string(),
                                    maybe_created,
                                };
                                Some(flight.kind.event(id, error))
                            }
                            _ => None,
                        }
                    }
                    None => None,
                };
                if let Some(event) = event
                    && events.send(event).is_err()
                {
                    tracing::debug!("the app stopped listening; the API worker ends");
                    tasks.abort_all();
                    return;
                }
            },
            else => break,
        }
    }
    tracing::debug!("the request channel closed; the API worker ends");
}

fn describe(request: &ApiRequest) -> (RequestId, Kind) {
    match request {
        ApiRequest::List { id, cursor, .. } => (*id, Kind::List { cursor: cursor.clone() }),
        ApiRequest::Latest { id, .. } => (*id, Kind::List { cursor: None }),
        ApiRequest::Get { id, .. } => (*id, Kind::Get),
        ApiRequest::GetMany { id, .. } => (*id, Kind::GetMany),
        ApiRequest::FindCreated { id, .. } => (*id, Kind::Find),
        ApiRequest::Create { id, .. } | ApiRequest::Cancel { id } => (*id, Kind::Create),
    }
}

/// How many leads of one [`ApiRequest::GetMany`] are asked for at once: a few, so a thousand picked leads
/// do not meet the tenant's rate limit all together.
const GET_MANY_AT_ONCE: usize = 4;

/// One lead as [`get_one`] found it.
enum Got {
    /// The tenant's answer.
    Tenant(Result<Lead, ApiError>),
    /// The tenant could not be reached; the mirror had the lead.
    Kept(Lead, ApiError),
}

impl Got {
    fn lead(self) -> Result<Lead, ApiError> {
        match self {
            Got::Tenant(result) => result,
            Got::Kept(lead, _) => Ok(lead),
        }
    }
}

/// One lead from the tenant; offline, the lead as the mirror last saw it beats no lead at all.
async fn get_one(client: &NovalaClient, local: Option<&Arc<dyn LocalLeads>>, lead_id: &str) -> Got {
    let result = client.get(lead_id).await;
    match (result, local) {
        (Ok(lead), Some(local)) => {
            let (kept, local) = (lead.clone(), local.clone());
            // Not awaited: the answer goes to the screen first; the store catches up.
            tokio::task::spawn_blocking(move || local.remember(std::slice::from_ref(&kept)));
            Got::Tenant(Ok(lead))
        }
        (Err(error), Some(local)) if error.is_unreachable() => {
            let (wanted, local) = (lead_id.to_string(), local.clone());
            match tokio::task::spawn_blocking(move || local.lead(&wanted)).await {
                Ok(Some(lead)) => Got::Kept(lead, error),
                _ => Got::Tenant(Err(error)),
            }
        }
        (result, _) => Got::Tenant(result),
    }
}

async fn perform(client: NovalaClient, local: Option<Arc<dyn LocalLeads>>, request: ApiRequest) -> ApiEvent {
    match request {
        ApiRequest::List { id, query, cursor } => {
            if let Some(local) = local {
                let (q, c) = (query.clone(), cursor.clone());
                // SQLite blocks: off the async threads, so a long read never holds up an answer.
                let answer = tokio::task::spawn_blocking(move || local.page(&q, c.as_deref())).await;
                if let Ok(Some(result)) = answer {
                    return ApiEvent::Listed { id, cursor, result };
                }
            }
            let result = client.list(&query, cursor.as_deref()).await;
            ApiEvent::Listed { id, cursor, result }
        }
        ApiRequest::Latest { id, query } => {
            let result = client.list(&query, None).await;
            if let (Ok(page), Some(local)) = (&result, local) {
                let kept = page.data.clone();
                // Not awaited, as for one lead opened: the answer goes to the screen first.
                tokio::task::spawn_blocking(move || local.remember(&kept));
            }
            ApiEvent::Listed {
                id,
                cursor: None,
                result,
            }
        }
        ApiRequest::Get { id, lead_id } => match get_one(&client, local.as_ref(), &lead_id).await {
            Got::Tenant(result) => ApiEvent::Fetched { id, result },
            Got::Kept(lead, why) => ApiEvent::FetchedKept { id, lead, why },
        },
        ApiRequest::GetMany { id, lead_ids } => {
            use futures::StreamExt;
            let results = futures::stream::iter(lead_ids)
                .map(|lead_id| {
                    let (client, local) = (client.clone(), local.clone());
                    async move {
                        let result = get_one(&client, local.as_ref(), &lead_id).await.lead();
                        (lead_id, result)
                    }
                })
                .buffered(GET_MANY_AT_ONCE)
                .collect()
                .await;
            ApiEvent::FetchedMany { id, results }
        }
        ApiRequest::Create { id, lead } => ApiEvent::Created {
            id,
            result: client.create(&lead).await,
        },
        ApiRequest::FindCreated { id, lead, since, taken } => ApiEvent::Found {
            id,
            // Enough for the leads a busy tenant takes in a day.
            result: client.find_created(&lead, since, FIND_PAGES, &taken).await,
        },
        // Handled by the loop; never spawned.
        ApiRequest::Cancel { id } => ApiEvent::Fetched {
            id,
            result: Err(ApiError::Cancelled),
        },
    }
}
