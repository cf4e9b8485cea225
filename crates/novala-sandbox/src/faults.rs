//! Fault injection, so tests can prove the client survives a misbehaving server.
//!
//! [`inject`] is an axum middleware (`axum::middleware::from_fn_with_state(Arc<FaultInjector>, inject)`). Every
//! request waits the configured latency first. Then a share `rate` of requests gets one fault, spread evenly
//! over every [`Fault`] kind. Whether request number n (counted from 0 in arrival order) gets a fault, and which,
//! depends only on the seed and n, so the same seed and the same sequence of requests give the same faults.
//!
//! When a fault strikes decides whether a create still happens, which is what "no lead lost or duplicated"
//! rests on:
//! - **Before the handler** (the request is never processed, nothing is created): `500`, `503`, and `429` with
//!   `Retry-After`. An error status therefore always means "not done", as a real gateway or rate limiter would.
//! - **After the handler** (the request was processed, a create did create the lead, but its answer is lost):
//!   the connection closing before any response byte, a body cut off mid-way, and a body that is not JSON
//!   (keeping the handler's status, so a `201` with an unreadable body still says "created").

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::refusal::Refusal;

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

impl FaultOptions {
    /// No latency, no faults.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The share of requests (clamped to 0..=1) answered with a fault.
    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// True when the injector would change nothing.
    pub fn is_inert(&self) -> bool {
        self.latency.is_zero() && self.rate <= 0.0
    }
}

/// One way of misbehaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// `500` with a JSON error body; before the handler.
    InternalError,
    /// `503` with a JSON error body; before the handler.
    Unavailable,
    /// `429` with `Retry-After` and a JSON error body; before the handler.
    RateLimited,
    /// The connection closes before any response byte; after the handler.
    Reset,
    /// Part of the body, then the connection breaks; after the handler.
    CutBody,
    /// The handler's status with an HTML body instead of JSON; after the handler.
    NotJson,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::InternalError,
        Fault::Unavailable,
        Fault::RateLimited,
        Fault::Reset,
        Fault::CutBody,
        Fault::NotJson,
    ];

    /// True when the fault answers instead of the handler, so the request is never processed.
    pub fn before_handler(self) -> bool {
        matches!(self, Fault::InternalError | Fault::Unavailable | Fault::RateLimited)
    }
}

/// The `Retry-After` an injected `429` carries, in seconds.
pub const INJECTED_RETRY_AFTER_SECS: u64 = 1;

/// Decides and applies faults; share one behind an `Arc` across the router.
#[derive(Debug)]
pub struct FaultInjector {
    opts: FaultOptions,
    /// Forces one kind on every request (tests of a single fault).
    only: Option<Fault>,
    requests: AtomicU64,
}

impl FaultInjector {
    pub fn new(opts: FaultOptions) -> Self {
        FaultInjector {
            opts,
            only: None,
            requests: AtomicU64::new(0),
        }
    }

    /// Every request gets `fault` (plus the options' latency), regardless of rate and seed.
    pub fn always(fault: Fault, opts: FaultOptions) -> Self {
        FaultInjector {
            only: Some(fault),
            ..Self::new(opts)
        }
    }

    pub fn options(&self) -> &FaultOptions {
        &self.opts
    }

    /// How many requests have passed through so far.
    pub fn requests_seen(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The fault of request number `n`: a pure function of the seed, the rate and `n`.
    pub fn fault_for(&self, n: u64) -> Option<Fault> {
        if let Some(fault) = self.only {
            return Some(fault);
        }
        if self.opts.rate <= 0.0 {
            return None;
        }
        // One ChaCha stream per request number: request n's draw does not depend on any other request's.
        let mut rng = ChaCha8Rng::seed_from_u64(self.opts.seed);
        rng.set_stream(n);
        if rng.random::<f64>() >= self.opts.rate {
            return None;
        }
        Some(Fault::ALL[rng.random_range(0..Fault::ALL.len())])
    }

    /// Numbers the request and decides its fault.
    fn next_fault(&self) -> Option<Fault> {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        self.fault_for(n)
    }
}

/// The middleware: `Router::layer(axum::middleware::from_fn_with_state(injector, faults::inject))`.
pub async fn inject(State(injector): State<Arc<FaultInjector>>, request: Request, next: Next) -> Response {
    if !injector.opts.latency.is_zero() {
        tokio::time::sleep(injector.opts.latency).await;
    }
    let Some(fault) = injector.next_fault() else {
        return next.run(request).await;
    };
    tracing::debug!(?fault, method = %request.method(), path = request.uri().path(), "injecting a fault");
    match fault {
        Fault::InternalError => {
            Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error (injected)").into_response()
        }
        Fault::Unavailable => {
            Refusal::new(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable (injected)").into_response()
        }
        Fault::RateLimited => Refusal {
            retry_after_secs: Some(INJECTED_RETRY_AFTER_SECS),
            ..Refusal::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests (injected)")
        }
        .into_response(),
        Fault::Reset => {
            let response = next.run(request).await;
            // A body that fails before its first byte makes hyper drop the connection with the head unsent.
            let (parts, _) = response.into_parts();
            let body = Body::from_stream(futures::stream::once(async { Err::<Bytes, _>(broken("reset")) }));
            without_length(Response::from_parts(parts, body))
        }
        Fault::CutBody => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            let first = futures::stream::once(async move { Ok::<Bytes, io::Error>(half) });
            let then_break = futures::stream::once(async {
                // A pause lets hyper flush the first half before the failure closes the connection.
                tokio::time::sleep(Duration::from_millis(5)).await;
                Err::<Bytes, _>(broken("cut off"))
            });
            without_length(Response::from_parts(parts, Body::from_stream(first.chain(then_break))))
        }
        Fault::NotJson => {
            let response = next.run(request).await;
            let (mut parts, _) = response.into_parts();
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            let page = "<html><body><h1>Bad Gateway</h1><p>injected fault</p></body></html>";
            without_length(Response::from_parts(parts, Body::from(page)))
        }
    }
}

fn broken(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, format!("injected fault: {what}"))
}

/// A replaced body no longer matches the handler's length or encoding headers.
fn without_length(mut response: Response) -> Response {
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response.headers_mut().remove(header::CONTENT_ENCODING);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_same_seed_gives_the_same_faults_and_another_seed_others() {
        let a = FaultInjector::new(FaultOptions::none().rate(0.3).seed(7));
        let b = FaultInjector::new(FaultOptions::none().rate(0.3).seed(7));
        let c = FaultInjector::new(FaultOptions::none().rate(0.3).seed(8));
        let run = |f: &FaultInjector| (0..2_000).map(|_| f.next_fault()).collect::<Vec<_>>();
        let (ra, rb, rc) = (run(&a), run(&b), run(&c));
        assert_eq!(ra, rb);
        assert_ne!(ra, rc);
    }

    #[test]
    fn the_rate_is_kept_and_every_kind_occurs_about_equally() {
        let injector = FaultInjector::new(FaultOptions::none().rate(0.2).seed(42));
        let n = 30_000;
        let mut counts: HashMap<Fault, u32> = HashMap::new();
        for i in 0..n {
            if let Some(f) = injector.fault_for(i) {
                *counts.entry(f).or_default() += 1;
            }
        }
        let total: u32 = counts.values().sum();
        let share = f64::from(total) / n as f64;
        assert!((0.18..0.22).contains(&share), "{share}");
        for kind in Fault::ALL {
            let c = f64::from(counts.get(&kind).copied().unwrap_or(0));
            assert!(
                (c / f64::from(total) - 1.0 / 6.0).abs() < 0.03,
                "{kind:?}: {c} of {total}"
            );
        }
    }

    #[test]
    fn rate_zero_never_faults_and_rate_one_always_does() {
        let none = FaultInjector::new(FaultOptions::none().rate(0.0).seed(1));
        assert!((0..1_000).all(|i| none.fault_for(i).is_none()));
        let all = FaultInjector::new(FaultOptions::none().rate(1.0).seed(1));
        assert!((0..1_000).all(|i| all.fault_for(i).is_some()));
        assert!(FaultOptions::none().is_inert());
        assert_eq!(FaultOptions::none().rate(7.0).rate, 1.0);
        let forced = FaultInjector::always(Fault::CutBody, FaultOptions::none());
        assert_eq!(forced.fault_for(3), Some(Fault::CutBody));
    }

    #[test]
    fn only_error_statuses_come_before_the_handler() {
        let before: Vec<Fault> = Fault::ALL.into_iter().filter(|f| f.before_handler()).collect();
        assert_eq!(before, [Fault::InternalError, Fault::Unavailable, Fault::RateLimited]);
    }
}
