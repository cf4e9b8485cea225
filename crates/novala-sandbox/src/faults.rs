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
//!
//! Those random faults strike a create only by luck. [`LostCreates`] makes "stored, answer lost" happen on
//! purpose: chosen creates (every one, or the n-th by arrival) are committed to SQLite and then lose their
//! answer, either at once (the connection closes with no answer byte) or after a hold longer than a client
//! waits. A test that needs a lead stored while its sender sees nothing can count on it every run. Its
//! twin, [`LostAnswer::Unstored`], closes the connection before the handler runs: the sender sees the same
//! silence, but nothing was stored, which is what a lookup must not mistake for another lead.

use std::collections::BTreeSet;
use std::io;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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
    /// Creates whose lead is stored and whose answer is then lost, chosen by their order, not by the rate.
    pub lost_creates: Option<LostCreates>,
}

/// Creates that store their lead and lose the answer: which ones, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostCreates {
    pub answer: LostAnswer,
    pub creates: Creates,
}

/// How a create's answer is lost. Each but [`LostAnswer::Unstored`] acts after the handler has committed
/// the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostAnswer {
    /// The connection closes before any answer byte.
    Reset,
    /// The connection closes before any answer byte and before the handler runs: nothing is stored, and the
    /// sender cannot tell it from [`LostAnswer::Reset`].
    Unstored,
    /// The answer waits this long (make it longer than the client's timeout), then the connection closes
    /// without it.
    HoldThenDrop(Duration),
    /// The answer waits this long, then is sent as the handler made it: a client that gave up has left.
    HoldThenAnswer(Duration),
}

/// Which creates lose their answer, numbered from 1 by arrival: every `POST /leads` counts, whatever it
/// carries, but only one the handler answered with a success (so a lead was stored) loses its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Creates {
    Every,
    Numbered(BTreeSet<u64>),
}

impl Creates {
    /// The `n`-th create (from 1) is chosen.
    pub fn has(&self, n: u64) -> bool {
        match self {
            Creates::Every => true,
            Creates::Numbered(chosen) => chosen.contains(&n),
        }
    }

    /// Just the `n`-th create.
    pub fn nth(n: u64) -> Self {
        Creates::Numbered(BTreeSet::from([n]))
    }
}

/// Why a `--lose-answer` or `--lose-answer-of` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultSpecError(String);

/// `reset`, `unstored` (closed before the lead is stored), `hold:MS` (held, then dropped) or `late:MS` (held,
/// then sent).
impl FromStr for LostAnswer {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let millis = |raw: &str| {
            raw.parse::<u64>()
                .ok()
                .filter(|ms| *ms > 0 && *ms <= 3_600_000)
                .map(Duration::from_millis)
                .ok_or_else(|| FaultSpecError(format!("`{raw}` is not a hold in milliseconds from 1 to 3600000")))
        };
        match s.split_once(':') {
            None if s == "reset" => Ok(LostAnswer::Reset),
            None if s == "unstored" => Ok(LostAnswer::Unstored),
            Some(("hold", ms)) => Ok(LostAnswer::HoldThenDrop(millis(ms)?)),
            Some(("late", ms)) => Ok(LostAnswer::HoldThenAnswer(millis(ms)?)),
            _ => Err(FaultSpecError(format!(
                "`{s}` is not `reset`, `unstored`, `hold:MS` (held, then dropped) or `late:MS` (held, then sent)"
            ))),
        }
    }
}

/// `all`, or create numbers from 1 separated by commas (`2` or `1,3`).
impl FromStr for Creates {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "all" {
            return Ok(Creates::Every);
        }
        let chosen = s
            .split(',')
            .map(|n| n.trim().parse::<u64>().ok().filter(|n| *n > 0))
            .collect::<Option<BTreeSet<u64>>>()
            .ok_or_else(|| {
                FaultSpecError(format!(
                    "`{s}` is not `all` or create numbers from 1 such as `2` or `1,3`"
                ))
            })?;
        Ok(Creates::Numbered(chosen))
    }
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

    /// The chosen creates store their lead and lose the answer as `answer` says.
    pub fn lose_answers(mut self, answer: LostAnswer, creates: Creates) -> Self {
        self.lost_creates = Some(LostCreates { answer, creates });
        self
    }

    /// True when the injector would change nothing.
    pub fn is_inert(&self) -> bool {
        self.latency.is_zero() && self.rate <= 0.0 && self.lost_creates.is_none()
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
    creates: AtomicU64,
}

impl FaultInjector {
    pub fn new(opts: FaultOptions) -> Self {
        FaultInjector {
            opts,
            only: None,
            requests: AtomicU64::new(0),
            creates: AtomicU64::new(0),
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

    /// Numbers a create (from 1) and says how its answer is lost, if it is one of the chosen.
    fn next_create(&self) -> Option<LostAnswer> {
        let n = self.creates.fetch_add(1, Ordering::Relaxed) + 1;
        let lost = self.opts.lost_creates.as_ref()?;
        lost.creates.has(n).then_some(lost.answer)
    }
}

fn is_create(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path().trim_end_matches('/') == "/api/v1/leads"
}

/// The handler runs (and commits the lead) first, but for `Unstored`; a refused create keeps its answer, as
/// nothing was stored.
async fn lose_answer(how: LostAnswer, request: Request, next: Next) -> Response {
    if how == LostAnswer::Unstored {
        tracing::debug!("dropping a create before it is stored");
        return reset(Response::new(Body::empty()));
    }
    let response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    tracing::debug!(?how, "losing a stored create's answer");
    match how {
        LostAnswer::Reset | LostAnswer::Unstored => reset(response),
        LostAnswer::HoldThenDrop(hold) => {
            tokio::time::sleep(hold).await;
            reset(response)
        }
        LostAnswer::HoldThenAnswer(hold) => {
            tokio::time::sleep(hold).await;
            response
        }
    }
}

/// A body that fails before its first byte makes hyper drop the connection with the head unsent.
fn reset(response: Response) -> Response {
    let (parts, _) = response.into_parts();
    let body = Body::from_stream(futures::stream::once(async { Err::<Bytes, _>(broken("reset")) }));
    without_length(Response::from_parts(parts, body))
}

/// The middleware: `Router::layer(axum::middleware::from_fn_with_state(injector, faults::inject))`.
pub async fn inject(State(injector): State<Arc<FaultInjector>>, request: Request, next: Next) -> Response {
    if !injector.opts.latency.is_zero() {
        tokio::time::sleep(injector.opts.latency).await;
    }
    // Every request draws its number, so choosing creates leaves the random faults of the others as they were.
    let fault = injector.next_fault();
    if is_create(&request)
        && let Some(how) = injector.next_create()
    {
        return lose_answer(how, request, next).await;
    }
    let Some(fault) = fault else {
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
        Fault::Reset => reset(next.run(request).await),
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
    fn creates_are_chosen_by_their_number_and_the_flags_read_back() {
        let opts = FaultOptions::none().lose_answers(LostAnswer::Reset, Creates::nth(2));
        assert!(!opts.is_inert());
        let injector = FaultInjector::new(opts);
        let chosen: Vec<bool> = (0..4).map(|_| injector.next_create().is_some()).collect();
        assert_eq!(chosen, [false, true, false, false]);
        let every = FaultInjector::new(FaultOptions::none().lose_answers(LostAnswer::Reset, Creates::Every));
        assert!((0..5).all(|_| every.next_create() == Some(LostAnswer::Reset)));

        assert_eq!("reset".parse(), Ok(LostAnswer::Reset));
        assert_eq!("unstored".parse(), Ok(LostAnswer::Unstored));
        assert_eq!(
            "hold:2500".parse(),
            Ok(LostAnswer::HoldThenDrop(Duration::from_millis(2500)))
        );
        assert_eq!(
            "late:10".parse(),
            Ok(LostAnswer::HoldThenAnswer(Duration::from_millis(10)))
        );
        for bad in ["", "hold", "hold:", "hold:0", "hold:-1", "late:x", "drop:5", "Reset"] {
            assert!(bad.parse::<LostAnswer>().is_err(), "{bad}");
        }
        assert_eq!("all".parse(), Ok(Creates::Every));
        assert_eq!("1, 3".parse(), Ok(Creates::Numbered(BTreeSet::from([1, 3]))));
        for bad in ["", "0", "2,", "x", "-1"] {
            assert!(bad.parse::<Creates>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_error_statuses_come_before_the_handler() {
        let before: Vec<Fault> = Fault::ALL.into_iter().filter(|f| f.before_handler()).collect();
        assert_eq!(before, [Fault::InternalError, Fault::Unavailable, Fault::RateLimited]);
    }
}
