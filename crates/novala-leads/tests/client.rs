//! The client's tests, as one binary, against sandboxes that misbehave on purpose and stand-in servers that
//! answer as no sandbox would.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod create_faults;
mod faults;
mod page_limit;

/// Fails unless `err` is a network error whose `maybe_created` is as expected.
pub fn assert_network(err: &novala_leads::ApiError, maybe_created: bool) {
    assert!(
        matches!(err, novala_leads::ApiError::Network { maybe_created: m, .. } if *m == maybe_created),
        "expected a network error with maybe_created {maybe_created}: {err:?}"
    );
}
