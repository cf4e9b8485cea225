//! Fault injection, so tests can prove the client survives a misbehaving server.

use std::time::Duration;

/// What the sandbox does wrong on purpose. The default does nothing wrong.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultOptions {
    /// Added to every answer.
    pub latency: Duration,
    /// The share of requests, 0 to 1, answered with a fault.
    pub rate: f64,
    /// The same seed gives the same faults for the same sequence of requests.
    pub seed: u64,
}
