//! When to look at the first page again for leads that arrived since it loaded. Novala has no webhooks a
//! terminal can receive, so new leads are found by polling. The poll is its own request, apart from the
//! page walk: the walk's one-page-in-flight rule and its cursor never see it.

use chrono::{DateTime, Duration, Utc};

use crate::api::worker::RequestId;

/// Seconds between two looks at the first page unless the config file's `poll_seconds` says otherwise.
/// A look costs an inbox left open a few milliseconds of CPU (more with the embedded sandbox answering in
/// the same process); once a minute keeps an idle inbox under a thousandth of a core.
pub const DEFAULT_POLL_SECS: u32 = 60;
pub use crate::config::file::POLL_SECS_RANGE;

/// How many of the newest leads a poll asks for. Thirty seconds rarely bring more; when every one of them
/// is new, a full page is asked for at once. A small answer is most of what an idle inbox costs.
pub const POLL_SIZE: u32 = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct Poller {
    every: Duration,
    /// The next poll is due at this time; `None` until the first page of the current list has loaded.
    due: Option<DateTime<Utc>>,
    in_flight: Option<RequestId>,
    /// The last failed poll's text, so the same failure every 30 s is not announced again.
    last_error: Option<String>,
    /// How many leads the poll in flight asked for.
    asked: u32,
    /// The next poll asks for a full page: the last one was all new.
    wide: bool,
    /// The next poll follows this cursor: the full page before it was all new, so more may be behind it.
    follow: Option<String>,
    /// Pages followed in this burst, bounded by [`MAX_FOLLOWED`].
    followed: u32,
}

/// How many pages one burst of new leads is followed for (at 100 a page): past that, the rest is found by
/// reloading, and a server that keeps sending "new" leads cannot keep the poll going.
pub const MAX_FOLLOWED: u32 = 50;

impl Poller {
    pub fn new(every_secs: u32) -> Self {
        Poller {
            every: Duration::seconds(i64::from(every_secs)),
            due: None,
            in_flight: None,
            last_error: None,
            asked: 0,
            wide: false,
            follow: None,
            followed: 0,
        }
    }

    /// Starts the clock over from `now`: the next poll is due one period later.
    pub fn restart_clock(&mut self, now: DateTime<Utc>) {
        self.due = Some(now + self.every);
    }

    /// Makes the next poll due at once (the mirror just took new leads), if the clock runs.
    pub fn look_now(&mut self, now: DateTime<Utc>) {
        if self.due.is_some() {
            self.due = Some(now);
        }
    }

    /// Forgets the clock and any poll in flight (a new list); returns the poll to cancel, if any.
    pub fn reset(&mut self) -> Option<RequestId> {
        self.due = None;
        self.last_error = None;
        self.wide = false;
        self.follow = None;
        self.followed = 0;
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

    /// When the next poll is due, if the clock runs.
    pub fn due(&self) -> Option<DateTime<Utc>> {
        self.due
    }

    /// How many leads the next poll asks for, with lists paged by `page_size`.
    pub fn limit(&self, page_size: u32) -> u32 {
        if self.wide { page_size } else { POLL_SIZE.min(page_size) }
    }

    /// A poll asking for `limit` leads was sent as request `id` at `now`; the next is due one period later.
    pub fn sent(&mut self, id: RequestId, now: DateTime<Utc>, limit: u32) {
        self.in_flight = Some(id);
        self.asked = limit;
        self.restart_clock(now);
    }

    /// The cursor the next poll follows, when it continues a burst of new leads.
    pub fn cursor(&self) -> Option<&str> {
        self.follow.as_deref()
    }

    /// The poll's answer held `got` leads, `added` of them new, and `next` is its cursor: when all were
    /// new and there may be more, the pages after it are asked for at once, full ones, until one brings a
    /// lead already shown (or [`MAX_FOLLOWED`] pages).
    pub fn answered(&mut self, got: usize, added: usize, next: Option<&str>, now: DateTime<Utc>) {
        let all_new = got > 0 && added == got;
        if !self.wide {
            // The small poll was all new: full pages follow from where it ended.
            self.wide = all_new && got >= self.asked as usize && next.is_some();
            self.follow = if self.wide { next.map(str::to_string) } else { None };
            self.followed = 0;
        } else if all_new && self.followed < MAX_FOLLOWED && next.is_some() {
            self.follow = next.map(str::to_string);
            self.followed += 1;
        } else {
            self.wide = false;
            self.follow = None;
            self.followed = 0;
        }
        if self.wide {
            self.due = Some(now);
        }
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
        let mut p = Poller::new(30);
        assert!(!p.is_due(t(1000)), "no clock before the first page");
        p.restart_clock(t(0));
        assert!(!p.is_due(t(29)));
        assert!(p.is_due(t(30)));
        p.sent(7, t(30), p.limit(100));
        assert!(!p.is_due(t(90)), "one in flight");
        assert!(!p.take_answer(6));
        assert!(p.take_answer(7));
        assert!(!p.is_due(t(59)));
        assert!(p.is_due(t(60)));
    }

    #[test]
    fn a_small_poll_that_is_all_new_is_followed_at_once_by_a_full_page() {
        let mut p = Poller::new(30);
        p.restart_clock(t(0));
        assert_eq!(p.limit(100), POLL_SIZE);
        assert_eq!(p.limit(5), 5, "never more than a page");
        p.sent(1, t(30), p.limit(100));
        assert!(p.take_answer(1));
        p.answered(10, 9, None, t(31));
        assert!(!p.is_due(t(31)), "one lead was known: nothing was missed");
        p.sent(2, t(60), p.limit(100));
        assert!(p.take_answer(2));
        p.answered(10, 10, Some("c10"), t(61));
        assert!(p.is_due(t(61)), "all new: there may be more, asked for at once");
        assert_eq!(
            (p.limit(100), p.cursor()),
            (100, Some("c10")),
            "a full page from where it ended"
        );
        p.sent(3, t(61), p.limit(100));
        assert!(p.take_answer(3));
        p.answered(100, 100, None, t(62));
        assert!(!p.is_due(t(62)), "the last page: nothing more to follow");
        assert_eq!(p.limit(100), POLL_SIZE);
        assert!(p.is_due(t(91)));
    }

    #[test]
    fn a_burst_of_new_leads_is_followed_page_by_page_until_a_known_one_and_no_further_than_the_bound() {
        let mut p = Poller::new(30);
        p.restart_clock(t(0));
        p.sent(1, t(30), p.limit(100));
        p.take_answer(1);
        p.answered(10, 10, Some("a"), t(30));
        assert_eq!(
            (p.limit(100), p.cursor()),
            (100, Some("a")),
            "a full page from where it ended"
        );
        p.sent(2, t(30), p.limit(100));
        p.take_answer(2);
        p.answered(100, 100, Some("b"), t(30));
        assert!(p.is_due(t(30)));
        assert_eq!(p.cursor(), Some("b"), "then the page after it");
        p.sent(3, t(30), p.limit(100));
        p.take_answer(3);
        p.answered(100, 40, Some("c"), t(30));
        assert_eq!(p.cursor(), None, "a known lead ends the burst");
        assert!(!p.is_due(t(31)));

        // A server whose every page is new under a new cursor is followed only so far.
        let mut p = Poller::new(30);
        p.restart_clock(t(0));
        p.sent(1, t(30), p.limit(100));
        p.take_answer(1);
        p.answered(10, 10, Some("x"), t(30));
        let mut pages = 0;
        while p.is_due(t(30)) {
            pages += 1;
            p.sent(pages + 1, t(30), p.limit(100));
            p.take_answer(pages + 1);
            p.answered(100, 100, Some(&format!("c{pages}")), t(30));
            assert!(pages <= u64::from(MAX_FOLLOWED) + 1, "bounded");
        }
        assert_eq!(pages, u64::from(MAX_FOLLOWED) + 1);
        assert_eq!(p.limit(100), POLL_SIZE, "then small polls again");
    }

    #[test]
    fn the_same_failure_is_announced_once() {
        let mut p = Poller::new(30);
        assert!(p.failed("down"));
        assert!(!p.failed("down"));
        assert!(p.failed("other"));
        assert_eq!(p.succeeded().as_deref(), Some("other"));
        assert!(p.failed("other"));
    }
}
