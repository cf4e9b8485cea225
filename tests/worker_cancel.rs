//! The worker runs requests side by side, a cancelled request sends no event, and the worker ends when the
//! app closes its request channel. A stand-in server holds one request open until the test lets it go, so
//! nothing here depends on timing.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing;
use leadbox::api::worker::{ApiEvent, ApiRequest, spawn_worker};
use leadbox::api::{ApiKey, NovalaClient};
use serde_json::json;
use tokio::sync::Notify;

use crate::client_support::quick;

#[derive(Default)]
struct Gate {
    entered: Notify,
    release: Notify,
}

async fn lead(Path(id): Path<String>, State(gate): State<Arc<Gate>>) -> axum::Json<serde_json::Value> {
    if id.starts_with("held") {
        gate.entered.notify_one();
        gate.release.notified().await;
    }
    axum::Json(json!({"data": {"id": id, "status": "new", "createdAt": "2025-01-15T10:30:00Z"}}))
}

async fn serve(gate: Arc<Gate>) -> String {
    let app = Router::new()
        .route("/api/v1/leads/{id}", routing::get(lead))
        .with_state(gate);
    format!("http://{}", crate::client_support::serve(app).await)
}

fn client(base: &str) -> NovalaClient {
    let opts = quick(1, Duration::from_secs(20));
    NovalaClient::with_options(base, ApiKey::new("sk_test_x", "the test"), opts).unwrap()
}

fn get(id: u64, lead_id: &str) -> ApiRequest {
    ApiRequest::Get {
        id,
        lead_id: lead_id.to_string(),
    }
}

fn fetched_id(event: &ApiEvent) -> String {
    match event {
        ApiEvent::Fetched { result: Ok(lead), .. } => lead.id.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_request_does_not_hold_up_others_and_a_cancelled_one_sends_nothing() {
    let gate = Arc::new(Gate::default());
    let base = serve(gate.clone()).await;
    let mut worker = spawn_worker(client(&base));

    worker.requests.send(get(1, "held-1")).unwrap();
    gate.entered.notified().await;
    worker.requests.send(get(2, "quick-2")).unwrap();
    let first = crate::client_support::next_event(&mut worker.events).await.unwrap();
    assert_eq!(first.id(), 2, "the quick request overtook the held one");
    assert_eq!(fetched_id(&first), "quick-2");

    worker.requests.send(ApiRequest::Cancel { id: 1 }).unwrap();
    worker.requests.send(get(3, "quick-3")).unwrap();
    let third = crate::client_support::next_event(&mut worker.events).await.unwrap();
    assert_eq!(third.id(), 3);
    // Even if the held request's answer now arrives, the worker must not pass it on.
    gate.release.notify_waiters();
    worker.requests.send(ApiRequest::Cancel { id: 99 }).unwrap(); // unknown ids are ignored
    drop(worker.requests);
    let mut rest = Vec::new();
    while let Some(event) = crate::client_support::next_event(&mut worker.events).await {
        rest.push(event.id());
    }
    assert!(rest.is_empty(), "events after the cancel: {rest:?}");
}

#[tokio::test]
async fn closing_the_request_channel_finishes_what_is_in_flight_then_ends() {
    let gate = Arc::new(Gate::default());
    let base = serve(gate.clone()).await;
    let mut worker = spawn_worker(client(&base));
    worker.requests.send(get(7, "held-7")).unwrap();
    gate.entered.notified().await;
    drop(worker.requests);
    gate.release.notify_waiters();
    let event = crate::client_support::next_event(&mut worker.events)
        .await
        .expect("the in-flight request is answered");
    assert_eq!(event.id(), 7);
    assert_eq!(fetched_id(&event), "held-7");
    assert!(
        crate::client_support::next_event(&mut worker.events).await.is_none(),
        "then the worker ends"
    );
}
