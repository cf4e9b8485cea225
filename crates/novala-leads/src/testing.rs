//! For tests of programs built on the client (feature `test-support`): retry options whose waits are a few
//! milliseconds, so a test of many failures still takes only seconds.

use std::time::Duration;

use crate::client::{ClientOptions, RetryPolicy};

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
        allow_insecure_http: false,
        max_body_bytes: crate::client::DEFAULT_MAX_BODY_BYTES,
    }
}
