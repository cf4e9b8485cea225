//! Each injected fault, alone, against a tiny stand-in server: when it strikes (before or after the handler)
//! and what the client makes of it (retried or not, `maybe_created` or not).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use novala_leads::{ApiError, ApiKey, LeadSource, ListQuery, NewLead, NovalaClient};
use novala_sandbox::faults::{Fault, FaultInjector, FaultOptions, inject};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::assert_network;
use novala_leads::testing::quick;
use novala_sandbox::testing::serve;

#[derive(Default)]
struct Calls {
    handled: AtomicUsize,
}

const LEAD: &str = r#"{"id":"11111111-1111-4111-8111-111111111111","firstName":"Ada","status":"new","createdAt":"2025-01-15T10:30:00.000Z"}"#;

async fn list(State(calls): State<Arc<Calls>>) -> (StatusCode, String) {
    calls.handled.fetch_add(1, Ordering::SeqCst);
    let body = json!({"data": [serde_json::from_str::<serde_json::Value>(LEAD).unwrap()], "nextCursor": null, "hasMore": false});
    (StatusCode::OK, body.to_string())
}

async fn create(State(calls): State<Arc<Calls>>) -> (StatusCode, String) {
    calls.handled.fetch_add(1, Ordering::SeqCst);
    (StatusCode::CREATED, format!(r#"{{"data":{LEAD}}}"#))
}

struct Stub {
    base: String,
    addr: std::net::SocketAddr,
    calls: Arc<Calls>,
    injector: Arc<FaultInjector>,
}

async fn stub(fault: Fault) -> Stub {
    let calls = Arc::new(Calls::default());
    let injector = Arc::new(FaultInjector::always(fault, FaultOptions::none()));
    let app = Router::new()
        .route("/api/v1/leads", get(list).post(create))
        .with_state(calls.clone())
        .layer(axum::middleware::from_fn_with_state(injector.clone(), inject));
    let addr = serve(app).await;
    Stub {
        base: format!("http://{addr}/api/v1"),
        addr,
        calls,
        injector,
    }
}

fn client(base: &str) -> NovalaClient {
    let opts = quick(3, Duration::from_secs(5));
    NovalaClient::with_options(base, ApiKey::new("sk_test_faultkey", "the test"), opts).unwrap()
}

/// Everything the server sends for one raw HTTP/1.1 request, until it closes the connection.
async fn raw_answer(stub: &Stub, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(stub.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    answer
}

fn new_lead() -> NewLead {
    NewLead::new("Ada", LeadSource::WebForm)
}

#[tokio::test]
async fn error_statuses_strike_before_the_handler_and_a_create_is_never_resent() {
    for (fault, status) in [
        (Fault::InternalError, Some(500)),
        (Fault::Unavailable, Some(503)),
        (Fault::RateLimited, None),
    ] {
        let stub = stub(fault).await;
        let err = client(&stub.base).create(&new_lead()).await.unwrap_err();
        match (&err, status) {
            (ApiError::Server { status: got, .. }, Some(want)) => assert_eq!(*got, want),
            (ApiError::RateLimited { retry_after }, None) => assert_eq!(*retry_after, Some(Duration::from_secs(1))),
            _ => panic!("{fault:?}: {err:?}"),
        }
        // The sandbox's status faults strike before the handler, but a client cannot know that of a real
        // server's 5xx: it warns that the lead may exist. A 429 is refused before any work is done.
        assert_eq!(err.may_have_created(), status.is_some(), "{fault:?}: {err}");
        assert_eq!(
            err.to_string().contains("may have been created"),
            status.is_some(),
            "{err}"
        );
        assert_eq!(
            stub.calls.handled.load(Ordering::SeqCst),
            0,
            "{fault:?} ran the handler"
        );
        assert_eq!(stub.injector.requests_seen(), 1, "{fault:?}: a create was resent");
    }
}

#[tokio::test]
async fn error_statuses_on_a_list_are_retried_up_to_the_bound() {
    for fault in [Fault::InternalError, Fault::Unavailable, Fault::RateLimited] {
        let stub = stub(fault).await;
        let err = client(&stub.base).list(&ListQuery::default(), None).await.unwrap_err();
        assert!(
            matches!(err, ApiError::Server { .. } | ApiError::RateLimited { .. }),
            "{err:?}"
        );
        assert_eq!(stub.injector.requests_seen(), 3, "{fault:?}: max_attempts is 3");
    }
}

#[tokio::test]
async fn a_reset_closes_the_connection_before_any_byte_after_the_lead_was_created() {
    let stub = stub(Fault::Reset).await;
    let answer = raw_answer(&stub, "GET /api/v1/leads HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert_eq!(stub.calls.handled.load(Ordering::SeqCst), 1);

    let err = client(&stub.base).create(&new_lead()).await.unwrap_err();
    assert_network(&err, true);
    assert!(err.to_string().contains("may have been created"), "{err}");
    assert_eq!(
        stub.calls.handled.load(Ordering::SeqCst),
        2,
        "the create ran once and was not resent"
    );
}

#[tokio::test]
async fn a_cut_body_sends_part_of_the_answer_then_breaks() {
    let stub = stub(Fault::CutBody).await;
    let answer = raw_answer(&stub, "GET /api/v1/leads HTTP/1.1\r\nhost: x\r\n\r\n").await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"data\""), "part of the body arrives: {text}");
    assert!(!text.ends_with("0\r\n\r\n"), "the chunked body never ends: {text}");

    let err = client(&stub.base).create(&new_lead()).await.unwrap_err();
    assert_network(&err, true);
    assert_eq!(stub.calls.handled.load(Ordering::SeqCst), 2);

    let err = client(&stub.base).list(&ListQuery::default(), None).await.unwrap_err();
    assert_network(&err, false);
    assert_eq!(
        stub.calls.handled.load(Ordering::SeqCst),
        5,
        "a list is retried: 3 tries"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_keeps_the_status_and_is_read_as_such() {
    let stub = stub(Fault::NotJson).await;
    let err = client(&stub.base).create(&new_lead()).await.unwrap_err();
    assert_network(&err, true);
    assert!(err.to_string().contains("could not be read"), "{err}");
    assert_eq!(stub.calls.handled.load(Ordering::SeqCst), 1);

    let err = client(&stub.base).list(&ListQuery::default(), None).await.unwrap_err();
    match &err {
        ApiError::Decode { field, .. } => assert_eq!(field, "the top level"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        stub.calls.handled.load(Ordering::SeqCst),
        4,
        "a garbled list answer is read again: 3 tries"
    );
}

#[tokio::test]
async fn latency_alone_changes_no_answer() {
    let calls = Arc::new(Calls::default());
    let injector = Arc::new(FaultInjector::new(
        FaultOptions::none().latency(Duration::from_millis(20)),
    ));
    let app = Router::new()
        .route("/api/v1/leads", get(list).post(create))
        .with_state(calls.clone())
        .layer(axum::middleware::from_fn_with_state(injector.clone(), inject));
    let addr = serve(app).await;
    let client = client(&format!("http://{addr}"));
    let page = client.list(&ListQuery::default(), None).await.unwrap();
    assert_eq!(page.data.len(), 1);
    let lead = client.create(&new_lead()).await.unwrap();
    assert_eq!(lead.first_name.as_deref(), Some("Ada"));
    assert_eq!(injector.requests_seen(), 2);
}
