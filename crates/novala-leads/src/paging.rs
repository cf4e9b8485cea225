//! Following a list's cursors the way the contract's "client tolerance" asks: stop on `hasMore == false`,
//! on a null, absent or empty `nextCursor`, or on a cursor already followed; never hand out a lead twice.
//! Pure and synchronous, so the app's list and the tests share it.

use std::collections::HashSet;

use crate::seen_ids::SeenIds;
use crate::types::{Lead, Page};

/// Where one walk through a list stands. Make a new one (or [`Paging::reset`]) when the filter changes.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    /// The cursor to ask with next; `None` before the first page and after the last.
    next: Option<String>,
    /// Whether the first page was accepted; with no `next` after it, the walk is done.
    started: bool,
    followed: HashSet<String>,
    seen: SeenIds,
    /// Pages in a row that brought no lead not handed out before.
    barren: usize,
}

/// A walk ends after this many pages in a row bring nothing new: a server whose fresh cursors keep
/// answering with leads already seen would otherwise be followed forever.
pub const BARREN_PAGES: usize = 3;

impl Paging {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget everything: the next page asked for is the first one.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The cursor to ask the next page with (`None` for the first page, or when done).
    pub fn next_cursor(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// True once the server said there is no more, or its cursors stopped making progress.
    pub fn is_done(&self) -> bool {
        self.started && self.next.is_none()
    }

    /// How many distinct leads this walk has handed out.
    pub fn seen_count(&self) -> usize {
        self.seen.len()
    }

    /// True when this walk has handed out the lead `id`.
    pub fn knows(&self, id: &crate::compact_id::CompactId) -> bool {
        self.seen.contains(id)
    }

    /// Takes the page that was asked for with `asked_with` and returns only leads not handed out before.
    /// A page asked with any other cursor than [`Paging::next_cursor`] is stale (an answer from before a reset,
    /// or a repeat) and is ignored whole, so it can neither move the walk nor add leads.
    pub fn accept(&mut self, asked_with: Option<&str>, page: Page<Lead>) -> Vec<Lead> {
        let mut seen = std::mem::take(&mut self.seen);
        let fresh = self.accept_by(asked_with, page, |lead| seen.insert(&lead.id));
        self.seen = seen;
        fresh
    }

    /// As [`Paging::accept`], for a caller that keeps its own record of the leads handed out (a list
    /// holding a million leads need not hold their ids twice): `is_new` says whether a lead was not handed
    /// out before, and from then on counts it as handed out. [`Paging::knows`] and [`Paging::fresh`] know
    /// nothing of the leads accepted so.
    pub fn accept_by(
        &mut self,
        asked_with: Option<&str>,
        page: Page<Lead>,
        is_new: impl FnMut(&Lead) -> bool,
    ) -> Vec<Lead> {
        // Once done, `next` is `None` and `started` is set, so this also refuses every answer after the end.
        if asked_with != self.next.as_deref() || (asked_with.is_none() && self.started) {
            return Vec::new();
        }
        self.started = true;
        if let Some(cursor) = asked_with {
            self.followed.insert(cursor.to_string());
        }
        self.next = match page.continuation() {
            Some(cursor) if !self.followed.contains(cursor) => Some(cursor.to_string()),
            _ => None,
        };
        let mut is_new = is_new;
        let fresh: Vec<Lead> = page.data.into_iter().filter(|lead| is_new(lead)).collect();
        self.barren = if fresh.is_empty() { self.barren + 1 } else { 0 };
        if self.barren >= BARREN_PAGES {
            self.next = None;
        }
        fresh
    }

    /// Leads of an out-of-walk answer (e.g. polling the first page for new arrivals), minus those already
    /// handed out; does not move the walk.
    pub fn fresh(&mut self, leads: Vec<Lead>) -> Vec<Lead> {
        leads.into_iter().filter(|lead| self.seen.insert(&lead.id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(id: &str) -> Lead {
        serde_json::from_value(serde_json::json!({
            "id": id, "status": "new", "createdAt": "2025-01-15T10:30:00.000Z"
        }))
        .unwrap()
    }

    fn page(ids: &[&str], next: Option<&str>, has_more: bool) -> Page<Lead> {
        Page {
            data: ids.iter().map(|id| lead(id)).collect(),
            next_cursor: next.map(str::to_string),
            has_more,
        }
    }

    fn ids(leads: &[Lead]) -> Vec<&str> {
        leads.iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn a_walk_ends_after_pages_that_bring_nothing_new_even_with_fresh_cursors() {
        let mut p = Paging::new();
        p.accept(None, page(&["a", "b"], Some("c1"), true));
        // The same two leads behind ever new cursors.
        for n in 1..BARREN_PAGES {
            let asked = format!("c{n}");
            let next = format!("c{}", n + 1);
            assert!(p.accept(Some(&asked), page(&["a", "b"], Some(&next), true)).is_empty());
            assert!(!p.is_done(), "page {n}");
        }
        let asked = format!("c{BARREN_PAGES}");
        p.accept(Some(&asked), page(&["b"], Some("more"), true));
        assert!(p.is_done(), "{BARREN_PAGES} pages with nothing new end the walk");
        // One new lead in between starts the count again.
        let mut p = Paging::new();
        p.accept(None, page(&["a"], Some("c1"), true));
        p.accept(Some("c1"), page(&["a"], Some("c2"), true));
        p.accept(Some("c2"), page(&["a", "z"], Some("c3"), true));
        p.accept(Some("c3"), page(&["a"], Some("c4"), true));
        assert!(!p.is_done());
    }

    #[test]
    fn follows_cursors_until_has_more_is_false() {
        let mut p = Paging::new();
        assert_eq!(p.next_cursor(), None);
        assert!(!p.is_done());
        assert_eq!(ids(&p.accept(None, page(&["a", "b"], Some("c1"), true))), ["a", "b"]);
        assert_eq!(p.next_cursor(), Some("c1"));
        assert_eq!(ids(&p.accept(Some("c1"), page(&["c"], Some("c2"), false))), ["c"]);
        assert!(p.is_done());
        assert_eq!(p.next_cursor(), None);
        assert_eq!(p.seen_count(), 3);
    }

    #[test]
    fn a_repeated_cursor_stops_the_walk() {
        let mut p = Paging::new();
        p.accept(None, page(&["a"], Some("c1"), true));
        p.accept(Some("c1"), page(&["b"], Some("c2"), true));
        // The server hands back a cursor it gave before: following it would loop forever.
        let got = p.accept(Some("c2"), page(&["c"], Some("c1"), true));
        assert_eq!(ids(&got), ["c"]);
        assert!(p.is_done());
        assert_eq!(p.next_cursor(), None);

        let mut p = Paging::new();
        p.accept(None, page(&["a"], Some("same"), true));
        p.accept(Some("same"), page(&["b"], Some("same"), true));
        assert!(p.is_done(), "a page pointing at itself ends the walk");
    }

    #[test]
    fn duplicate_ids_are_dropped_within_and_across_pages() {
        let mut p = Paging::new();
        assert_eq!(
            ids(&p.accept(None, page(&["a", "b", "a"], Some("c1"), true))),
            ["a", "b"]
        );
        assert_eq!(ids(&p.accept(Some("c1"), page(&["b", "c"], None, false))), ["c"]);
        assert_eq!(p.seen_count(), 3);
    }

    #[test]
    fn an_absent_null_or_empty_next_cursor_stops() {
        let absent: Page<Lead> = serde_json::from_value(serde_json::json!({
            "data": [{"id": "a", "status": "new", "createdAt": "2025-01-15T10:30:00Z"}]
        }))
        .unwrap();
        let mut p = Paging::new();
        assert_eq!(ids(&p.accept(None, absent)), ["a"]);
        assert!(p.is_done());

        let mut p = Paging::new();
        p.accept(None, page(&["a"], None, true));
        assert!(p.is_done(), "null nextCursor with hasMore true still ends");

        let mut p = Paging::new();
        p.accept(None, page(&["a"], Some(""), true));
        assert!(p.is_done(), "an empty cursor is no cursor");
    }

    #[test]
    fn stale_answers_are_ignored_and_reset_starts_over() {
        let mut p = Paging::new();
        p.accept(None, page(&["a"], Some("c1"), true));
        assert!(p.accept(Some("old"), page(&["x"], Some("c9"), true)).is_empty());
        assert!(
            p.accept(None, page(&["y"], Some("c9"), true)).is_empty(),
            "a second first page"
        );
        assert_eq!(p.next_cursor(), Some("c1"));
        assert_eq!(p.seen_count(), 1);

        p.reset();
        assert_eq!(p.next_cursor(), None);
        assert!(!p.is_done());
        assert_eq!(
            ids(&p.accept(None, page(&["a"], None, false))),
            ["a"],
            "a reset forgets seen ids"
        );

        let done_answer = p.accept(None, page(&["z"], None, false));
        assert!(done_answer.is_empty(), "nothing is accepted after the end");
    }

    #[test]
    fn fresh_leads_from_a_poll_are_deduplicated_without_moving_the_walk() {
        let mut p = Paging::new();
        p.accept(None, page(&["b", "a"], Some("c1"), true));
        assert_eq!(ids(&p.fresh(vec![lead("n"), lead("b")])), ["n"]);
        assert_eq!(p.next_cursor(), Some("c1"));
    }
}
