//! Sending an outbox without a screen, for `leads create` and `leads import`: the same outbox as the form's
//! (recorded before sending, confirmed with the server's id, lost answers looked for, rate limits waited
//! out) driven over the same worker, each change of an entry handed to `keep` before anything depends on it.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;

use super::queue::{Outbox, OutboxEntry, Settled};
use crate::api::error::ApiError;
use crate::api::worker::{ApiEvent, WorkerHandle};

/// Where entries are kept (the journal of an import, the profile's state file for a create).
pub trait Keep {
    /// Why an entry could not be kept there.
    type Error: std::error::Error;
    /// Keeps `entry` as it now stands; an error stops the sending.
    fn keep(&mut self, entry: &OutboxEntry) -> Result<(), Self::Error>;
}

/// Why sending ended; `E` is why an entry could not be kept, in the keeper's own type.
#[derive(Debug, Clone, PartialEq)]
pub enum End<E> {
    /// Every entry is settled: created, refused, or waiting for the user.
    Done,
    /// Interrupted: nothing more was sent, and every answer still out was awaited.
    Interrupted,
    /// The tenant gave no usable answer for the whole patience period; what is left stays queued.
    GaveUp,
    /// An entry could not be kept: nothing more was sent.
    NotKept(E),
    /// The worker that sends the requests stopped: nothing more was sent.
    WorkerStopped,
    /// The tenant refused the key (401) or a scope (403): nothing more was sent, and the lead it refused
    /// waits to be sent again.
    KeyRefused(crate::api::error::ApiError),
}

/// How long to keep trying while the tenant answers nothing useful.
#[derive(Debug, Clone, Copy)]
pub struct Patience(pub Duration);

/// Sends what `outbox` holds until every entry is settled (or `interrupt` fires, or the tenant stays out of
/// reach for `patience`), calling `settled` with each outcome.
pub async fn drain<K: Keep>(
    outbox: &mut Outbox,
    worker: &mut WorkerHandle,
    keep: &mut K,
    patience: Patience,
    interrupt: impl Future<Output = ()>,
    mut settled: impl FnMut(&Settled),
) -> End<K::Error> {
    tokio::pin!(interrupt);
    let mut next_id = 1;
    let mut stopping: Option<End<K::Error>> = None;
    let mut last_answer = tokio::time::Instant::now();
    loop {
        while stopping.is_none() {
            let Some((request, entry)) = outbox.next_request(Utc::now(), next_id) else {
                break;
            };
            next_id += 1;
            if let Err(e) = keep.keep(&entry) {
                // Not on disk, so not sent: the entry is as it was before, and no answer is awaited for it.
                outbox.abandon(request.id());
                stopping = Some(End::NotKept(e));
                break;
            }
            if worker.requests.send(request).is_err() {
                stopping = Some(End::WorkerStopped);
            }
        }
        if outbox.in_flight_count() == 0 {
            if let Some(end) = stopping {
                return end;
            }
            if outbox.next_due().is_none() {
                return End::Done;
            }
            if last_answer.elapsed() > patience.0 {
                return End::GaveUp;
            }
        }
        let wake = outbox.next_due().map(|due| {
            let wait = (due - Utc::now()).to_std().unwrap_or_default();
            tokio::time::Instant::now() + wait.min(patience.0)
        });
        tokio::select! {
            event = worker.events.recv() => {
                let Some(event) = event else {
                    return stopping.unwrap_or(End::WorkerStopped);
                };
                let outcome = match event {
                    ApiEvent::Created { id, result } => outbox.on_created(id, result, Utc::now()),
                    ApiEvent::Found { id, result } => outbox.on_found(id, result, Utc::now()),
                    _ => None,
                };
                let Some(mut outcome) = outcome else { continue };
                if let Settled::Kept { entry, error: Some(error) } = &mut outcome
                    && matches!(error, ApiError::Unauthorized { .. } | ApiError::Forbidden { .. })
                {
                    // Not the lead's fault: every other lead would be refused the same way.
                    if let Some(again) = outbox.send_again(&entry.key) {
                        *entry = again;
                    }
                    if stopping.is_none() {
                        stopping = Some(End::KeyRefused(error.clone()));
                    }
                }
                let (entry, answered) = match &outcome {
                    Settled::Created { entry, .. } => (entry, true),
                    Settled::Kept { entry, error } => (entry, error.as_ref().is_none_or(|e| !super::queue::reachable_later(e))),
                };
                if answered {
                    last_answer = tokio::time::Instant::now();
                }
                if let Err(e) = keep.keep(entry) && stopping.is_none() {
                    stopping = Some(End::NotKept(e));
                }
                settled(&outcome);
            }
            _ = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {}
            _ = &mut interrupt, if stopping.is_none() => {
                stopping = Some(End::Interrupted);
            }
        }
    }
}
