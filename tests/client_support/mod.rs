//! What the client and worker tests share: a stand-in server on a loopback port, and client options whose
//! retries are quick, so a test of many failures still takes only seconds.

use std::net::SocketAddr;
use std::time::Duration;

use leadbox::api::worker::ApiEvent;
use leadbox::api::{ClientOptions, NovalaClient, RetryPolicy};
use leadbox::sandbox::faults::FaultOptions;
use leadbox::sandbox::{Sandbox, SandboxOptions};

/// Serves `app` on 127.0.0.1 on a free port until the test's runtime ends.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Up to `max_attempts` tries a request, with waits of a few milliseconds (a `Retry-After` is cut to 10 ms).
pub fn quick(max_attempts: u32, request_timeout: Duration) -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout,
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
            max_total: Duration::from_secs(10),
        },
    }
}

/// A sandbox of `seed_leads` leads that misbehaves as `faults` says, and a client on it that tries each request
/// up to five times with quick waits.
pub async fn faulty_sandbox(seed_leads: usize, faults: FaultOptions) -> (Sandbox, NovalaClient) {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(seed_leads).faults(faults))
        .await
        .unwrap();
    let client = NovalaClient::with_options(
        &sandbox.base_url(),
        sandbox.secret_key(),
        quick(5, Duration::from_secs(10)),
    )
    .unwrap();
    (sandbox, client)
}

/// The worker's next event, or `None` once it has ended; fails the test rather than waiting past 20 s.
pub async fn next_event(events: &mut tokio::sync::mpsc::UnboundedReceiver<ApiEvent>) -> Option<ApiEvent> {
    tokio::time::timeout(Duration::from_secs(20), events.recv())
        .await
        .expect("the worker answers or ends within 20 s")
}

/// Fails unless `err` is a network error whose `maybe_created` is as expected.
pub fn assert_network(err: &leadbox::api::ApiError, maybe_created: bool) {
    assert!(
        matches!(err, leadbox::api::ApiError::Network { maybe_created: m, .. } if *m == maybe_created),
        "expected a network error with maybe_created {maybe_created}: {err:?}"
    );
}
