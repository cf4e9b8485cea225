//! The sync's request budget, shared by every chain: requests leave at most `rate` a second, evenly spaced
//! (no burst, so a tenant's own per-second limit is never met by a volley). A 429 holds every chain for the
//! server's `Retry-After` and halves the rate, which then climbs back a little with each answer that was not
//! a 429.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The slowest the budget goes after 429s: a request every ten seconds.
const SLOWEST: f64 = 0.1;
/// The longest a `Retry-After` holds the sync (a server asking for an hour is asked again sooner).
pub const MAX_HOLD: Duration = Duration::from_secs(60);
/// The hold after a 429 that names no `Retry-After`.
const DEFAULT_HOLD: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Budget {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    target: f64,
    rate: f64,
    /// The earliest instant the next request may leave.
    next: Instant,
    /// No request leaves before this (a 429's `Retry-After`).
    held_until: Option<Instant>,
    rate_limited: u64,
}

impl Budget {
    /// `rate` requests a second (at least [`SLOWEST`]).
    pub fn new(rate: f64) -> Budget {
        let rate = if rate.is_finite() { rate.max(SLOWEST) } else { SLOWEST };
        Budget {
            state: Mutex::new(State {
                target: rate,
                rate,
                next: Instant::now(),
                held_until: None,
                rate_limited: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few numbers, each always valid: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for this request's turn.
    pub async fn acquire(&self) {
        loop {
            let slot = {
                let mut s = self.lock();
                let now = Instant::now();
                let mut slot = s.next.max(now);
                if let Some(held) = s.held_until {
                    slot = slot.max(held);
                }
                s.next = slot + Duration::from_secs_f64(1.0 / s.rate);
                slot
            };
            tokio::time::sleep_until(slot).await;
            // A 429 that arrived while this one waited holds it too.
            let held = self.lock().held_until.is_some_and(|h| h > Instant::now());
            if !held {
                return;
            }
        }
    }

    /// The tenant answered 429: every chain waits `retry_after` (bounded) and the pace halves.
    pub fn rate_limited(&self, retry_after: Option<Duration>) {
        let mut s = self.lock();
        let hold = retry_after.unwrap_or(DEFAULT_HOLD).min(MAX_HOLD);
        let until = Instant::now() + hold;
        s.held_until = Some(s.held_until.map_or(until, |h| h.max(until)));
        s.rate = (s.rate / 2.0).max(SLOWEST);
        s.rate_limited += 1;
    }

    /// An answer that was not a 429: the pace climbs back towards the budget.
    pub fn answered(&self) {
        let mut s = self.lock();
        s.rate = (s.rate + s.target / 20.0).min(s.target);
    }

    /// The pace now, in requests a second.
    pub fn rate(&self) -> f64 {
        self.lock().rate
    }

    /// The budget asked for, in requests a second.
    pub fn target(&self) -> f64 {
        self.lock().target
    }

    pub fn rate_limited_count(&self) -> u64 {
        self.lock().rate_limited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_spaced_by_the_rate_and_a_429_holds_and_slows_them_all() {
        let budget = Budget::new(50.0);
        let start = Instant::now();
        for _ in 0..5 {
            budget.acquire().await;
        }
        // The first leaves at once, the next four 20 ms apart.
        assert!(start.elapsed() >= Duration::from_millis(80), "{:?}", start.elapsed());
        budget.rate_limited(Some(Duration::from_millis(300)));
        assert_eq!(budget.rate(), 25.0);
        let held = Instant::now();
        budget.acquire().await;
        assert!(held.elapsed() >= Duration::from_millis(300), "{:?}", held.elapsed());
        budget.answered();
        assert!(budget.rate() > 25.0 && budget.rate() <= 50.0);
        assert_eq!(budget.rate_limited_count(), 1);
    }
}
