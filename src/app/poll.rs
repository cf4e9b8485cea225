//! When to look at the first page again for leads that arrived since it loaded. Novala has no webhooks a
//! terminal can receive, so new leads are found by polling. The poll is its own request, apart from the
//! page walk: the walk's one-page-in-flight rule and its cursor never see it.

use chrono::{DateTime, Duration, Utc};

use crate::api::worker::RequestId;

/// Seconds of tick time between two looks at the first page.
pub const POLL_EVERY_SECS: i64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Poller {
    /// The next poll is due at this time; `None` until the first page of the current list has loaded.
    due: Option<DateTime<Utc>>,
    in_flight: Option<RequestId>,
    /// The last failed poll's text, so the same failure every 30 s is not announced again.
    last_error: Option<String>,
}

impl Default for Poller {
    fn default() -> Self {
        Self::new()
    }
}

impl Poller {
    pub fn new() -> Self {
        Poller {
            due: None,
            in_flight: None,
            last_error: None,
        }
    }

    /// Starts the clock over from `now`: the next poll is due one period later.
    pub fn restart_clock(&mut self, now: DateTime<Utc>) {
        self.due = Some(now + Duration::seconds(POLL_EVERY_SECS));
    }

    /// Forgets the clock and any poll in flight (a new list); returns the poll to cancel, if any.
    pub fn reset(&mut self) -> Option<RequestId> {
        self.due = None;
        self.last_error = None;
        self.in_flight.take()
    }

    /// The poll request awaited, if any.
    pub fn in_flight(&self) -> Option<RequestId> {
        self.in_flight
    }

    /// True when a poll should be sent at `now`: the clock runs (the first page loaded) and has run out, and
    /// no poll is awaited.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.in_flight.is_none() && self.due.is_some_and(|due| due <= now)
    }

    /// A poll was sent as request `id` at `now`; the next is due one period later.
    pub fn sent(&mut self, id: RequestId, now: DateTime<Utc>) {
        self.in_flight = Some(id);
        self.restart_clock(now);
    }

    /// True when `id` is the poll awaited; the poll is then no longer in flight.
    pub fn take_answer(&mut self, id: RequestId) -> bool {
        if self.in_flight == Some(id) {
            self.in_flight = None;
            true
        } else {
            false
        }
    }

    /// A poll failed with `text`: returns true if it is not the same failure as last time.
    pub fn failed(&mut self, text: &str) -> bool {
        if self.last_error.as_deref() == Some(text) {
            return false;
        }
        self.last_error = Some(text.to_string());
        true
    }

    /// A poll succeeded; returns the text of the failure it recovers from, if any.
    pub fn succeeded(&mut self) -> Option<String> {
        self.last_error.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    #[test]
    fn due_only_after_the_clock_started_and_a_period_passed_with_nothing_in_flight() {
        let mut p = Poller::new();
        assert!(!p.is_due(t(1000)), "no clock before the first page");
        p.restart_clock(t(0));
        assert!(!p.is_due(t(29)));
        assert!(p.is_due(t(30)));
        p.sent(7, t(30));
        assert!(!p.is_due(t(90)), "one in flight");
        assert!(!p.take_answer(6));
        assert!(p.take_answer(7));
        assert!(!p.is_due(t(59)));
        assert!(p.is_due(t(60)));
    }

    #[test]
    fn the_same_failure_is_announced_once() {
        let mut p = Poller::new();
        assert!(p.failed("down"));
        assert!(!p.failed("down"));
        assert!(p.failed("other"));
        assert_eq!(p.succeeded().as_deref(), Some("other"));
        assert!(p.failed("other"));
    }
}
