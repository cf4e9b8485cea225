//! What the worker tests share: the crates' test helpers (a stand-in server on a loopback port, client options
//! whose retries are quick), a bounded wait for the worker's next event, and a check of network errors.

use std::time::Duration;

use leadbox::api::worker::ApiEvent;
pub use novala_leads::testing::quick;
pub use novala_sandbox::testing::{faulty_sandbox, serve};

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
