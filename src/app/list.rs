//! One list of leads for one filter: the loaded leads, the cursor to the next page, the selection and the
//! window on screen. A filter change makes a new `LeadList`, so nothing of the old one can leak in.

use chrono::{DateTime, Utc};

use crate::api::paging::Paging;
use crate::api::types::{Lead, ListQuery, Page};
use crate::api::worker::RequestId;
use crate::model::lead::{CompactLead, LeadRef};
use crate::model::lead_rows::LeadRows;
use crate::model::row_set::RowSet;

/// Where this list's page requests stand. Which cursor comes next, and which leads were seen, is the
/// business of [`Paging`].
#[derive(Debug, Clone, PartialEq)]
pub enum PageState {
    /// No page asked for yet.
    NotStarted,
    /// A page was asked for and its answer is awaited.
    Loading { id: RequestId },
    /// The server said there is more; nothing asked for yet.
    Idle,
    /// A page failed; it is asked for again at `retry_at` (or at once on `r`).
    Failed { retry_at: DateTime<Utc>, attempts: u32 },
    /// The server said there is no more, or repeated a cursor.
    Done,
}

/// A failed page is asked for again after a wait that doubles up to this (a page is cheap to ask for).
const RETRY_MAX_SECS: i64 = 30;

#[derive(Debug, Clone)]
pub struct LeadList {
    query: ListQuery,
    leads: LeadRows,
    paging: Paging,
    pages: PageState,
    selected: usize,
    offset: usize,
    /// The rows shown, as indices into `leads`, when a search narrows the list; `None` shows every lead in
    /// order. Selection and window count in rows shown.
    shown: Option<Vec<u32>>,
    /// The rows shown are a search's matches, best first, not the walk's order.
    ranked: bool,
    /// What the rows shown were picked by, and up to which lead, when they are the leads a view admits in
    /// list order: rows added at the end are then judged alone, not the whole list again with each page.
    shown_by: Option<(ShownRule, (u64, u64), usize)>,
    /// The leads shown came from the first page kept on disk last time; the live one replaces them.
    cached: bool,
    /// Leads that arrived above the window while the rep was further down: said on screen ("↑ 3 new")
    /// until the window is back at the top.
    new_above: usize,
    /// Listed leads the last poll brought changed (a status or an assignee set in Novala's web app).
    updated: usize,
}

/// What a view's rows were picked by: the marks as they were, the view's triage rule, and Unassigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownRule {
    pub marks: u64,
    pub triage: super::views::Triage,
    pub unassigned: bool,
}

/// What the row under the last lead says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trailer {
    Loading,
    Failed,
    End,
}

impl LeadList {
    pub fn new(query: ListQuery) -> LeadList {
        LeadList {
            query,
            leads: LeadRows::new(),
            paging: Paging::new(),
            pages: PageState::NotStarted,
            selected: 0,
            offset: 0,
            shown: None,
            ranked: false,
            shown_by: None,
            cached: false,
            new_above: 0,
            updated: 0,
        }
    }

    /// How many leads arrived above the window since the rep last saw the top of the list.
    pub fn new_above(&self) -> usize {
        self.new_above
    }

    /// The rep is at the top of the list (nothing selected below the first row): new leads show there.
    fn at_top(&self) -> bool {
        self.selected == 0 && self.offset == 0
    }

    /// Shows the first page kept from last time until the live one arrives. Nothing is asked for: the
    /// walk starts as usual and its first page replaces these.
    pub fn show_cached(&mut self, leads: &[Lead]) {
        if !self.leads.is_empty() || !matches!(self.pages, PageState::NotStarted) {
            return;
        }
        self.leads = leads.iter().map(CompactLead::new).collect::<Vec<_>>().iter().collect();
        self.cached = !self.leads.is_empty();
    }

    /// True while the leads shown are last time's first page.
    pub fn is_cached(&self) -> bool {
        self.cached
    }

    pub fn query(&self) -> &ListQuery {
        &self.query
    }

    /// Every loaded lead, newest first, whether shown or not.
    pub fn leads(&self) -> &LeadRows {
        &self.leads
    }

    /// The rows shown: every loaded lead, or the search's matches.
    pub fn len(&self) -> usize {
        self.shown.as_ref().map_or(self.leads.len(), Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lead shown in row `row`.
    pub fn lead_at(&self, row: usize) -> Option<LeadRef<'_>> {
        match &self.shown {
            Some(shown) => shown.get(row).and_then(|&i| self.leads.get(i as usize)),
            None => self.leads.get(row),
        }
    }

    /// The rows shown as indices into [`LeadList::leads`], when a search narrows the list.
    pub fn shown(&self) -> Option<&[u32]> {
        self.shown.as_deref()
    }

    /// Shows only `shown` (indices into the loaded leads), or every lead again with `None`. The selection
    /// stays on the same lead when it is still shown; when it is not (marked done in the Inbox), it goes to
    /// the lead that followed it, as a mail reader goes to the next message, else the one before it.
    pub fn set_shown(&mut self, shown: Option<Vec<u32>>, rows: usize) {
        // Which leads the new rows hold, as a bitmap: each lead tried is one look, not a walk of the rows.
        let held = shown
            .as_ref()
            .map(|new| RowSet::of(self.leads.len(), new.iter().copied()));
        let holds = |lead: u32| match &held {
            Some(set) => set.contains(lead as usize),
            None => (lead as usize) < self.leads.len(),
        };
        // The leads shown before, from the selected one down, then up from it: the first the new rows hold
        // keeps the selection. Every lead in order when all were shown, without writing them out.
        let all = u32::try_from(self.leads.len()).unwrap_or(u32::MAX);
        let old: &[u32] = self.shown.as_deref().unwrap_or_default();
        let kept = match &self.shown {
            Some(_) => {
                let at = self.selected.min(old.len());
                let after = old.get(at..).unwrap_or_default().iter().copied();
                let before = old.get(..at).unwrap_or_default().iter().rev().copied();
                after.chain(before).find(|&lead| holds(lead))
            }
            None => {
                let at = u32::try_from(self.selected).unwrap_or(u32::MAX).min(all);
                (at..all).chain((0..at).rev()).find(|&lead| holds(lead))
            }
        };
        let selected = kept.and_then(|lead| match &shown {
            Some(new) => new.iter().position(|&j| j == lead),
            None => Some(lead as usize),
        });
        self.shown = shown;
        self.shown_by = None;
        self.selected = selected.unwrap_or(0);
        self.offset = self.offset.min(self.selected);
        self.fit_window(rows);
    }

    /// Shows `shown`, the leads `rule` admits in list order, as [`LeadList::set_shown`] does, and keeps
    /// what they were picked by so that rows added later can be judged alone.
    pub fn set_shown_by(&mut self, shown: Vec<u32>, rows: usize, rule: ShownRule) {
        self.set_shown(Some(shown), rows);
        self.shown_by = Some((rule, self.rows_version(), self.leads.len()));
    }

    /// The first lead not judged yet when the rows shown are what `rule` admits and the leads before it
    /// have not moved since; `None` when they must be picked again.
    pub fn shown_by_up_to(&self, rule: &ShownRule) -> Option<usize> {
        let (by, version, covered) = self.shown_by.as_ref()?;
        (by == rule && *version == self.rows_version() && *covered <= self.leads.len() && self.shown.is_some())
            .then_some(*covered)
    }

    /// Which lead each row holds and what the leads say: a lead replaced in place (a status or an assignee
    /// set in the web app) may now be one the rule leaves out.
    fn rows_version(&self) -> (u64, u64) {
        (self.leads.layout(), self.leads.edits())
    }

    /// Adds the leads `rows` (added at the end, judged by the same rule) to the rows shown.
    pub fn extend_shown_by(&mut self, rows: impl IntoIterator<Item = u32>) {
        if let (Some(shown), Some((_, _, covered))) = (self.shown.as_mut(), self.shown_by.as_mut()) {
            shown.extend(rows);
            *covered = self.leads.len();
        }
    }

    /// Says whether the rows shown are ranked by a search (`true`) or are the loaded leads in order, some
    /// left out by a local filter (`false`): only the latter keep paging as the rep nears their end.
    pub fn set_ranked(&mut self, ranked: bool) {
        self.ranked = ranked;
    }

    /// True when the lead `id` is loaded in this list (shown or not).
    pub fn holds(&self, id: &crate::api::CompactId) -> bool {
        self.leads.contains(id)
    }

    /// The row showing the lead `id`, if it is shown.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        (0..self.len()).find(|&row| self.lead_at(row).is_some_and(|l| l.id().is(id)))
    }

    pub fn pages(&self) -> &PageState {
        &self.pages
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn selected_lead(&self) -> Option<LeadRef<'_>> {
        self.lead_at(self.selected)
    }

    /// The id of the page request in flight, if any.
    pub fn in_flight(&self) -> Option<RequestId> {
        match self.pages {
            PageState::Loading { id, .. } => Some(id),
            _ => None,
        }
    }

    /// True unless the server said the list is complete.
    pub fn has_more(&self) -> bool {
        !matches!(self.pages, PageState::Done)
    }

    /// True until the first page has been answered successfully.
    pub fn is_first_load(&self) -> bool {
        (self.leads.is_empty() || self.cached)
            && self.paging.next_cursor().is_none()
            && matches!(
                self.pages,
                PageState::NotStarted | PageState::Loading { .. } | PageState::Failed { .. }
            )
    }

    pub fn trailer(&self) -> Trailer {
        match self.pages {
            PageState::Done => Trailer::End,
            PageState::Failed { .. } => Trailer::Failed,
            _ => Trailer::Loading,
        }
    }

    /// True when the row under the last lead is inside a window of `rows` rows.
    pub fn trailer_visible(&self, rows: usize) -> bool {
        !self.is_empty() && window_start(self.offset, self.selected, self.row_count(), rows) + rows > self.len()
    }

    /// Rows the list occupies on screen: the leads plus the trailer row, once there is anything to trail.
    pub fn row_count(&self) -> usize {
        if self.is_empty() { 0 } else { self.len() + 1 }
    }

    /// The next page to ask for, if one should be asked for now: nothing in flight, more exists, and the
    /// selection is within `distance` rows of the last loaded lead.
    pub fn wants_page(&self, distance: usize) -> Option<Option<String>> {
        // Under a search the rows are matches, not the walk's order: only an explicit ask loads more.
        // Under a local filter (done leads out of the Inbox, unassigned only) the rows are still in the
        // walk's order: it goes on as the rep nears the last row shown.
        let near_end = match &self.shown {
            Some(_) if self.ranked => distance == usize::MAX,
            Some(shown) => shown.len() <= self.selected.saturating_add(distance),
            None => self.leads.len() <= self.selected.saturating_add(distance),
        };
        match self.pages {
            PageState::NotStarted => Some(None),
            PageState::Idle if near_end => Some(self.paging.next_cursor().map(str::to_string)),
            _ => None,
        }
    }

    /// A failed page whose retry time has come.
    pub fn retry_due(&self, now: DateTime<Utc>) -> Option<Option<String>> {
        match self.pages {
            PageState::Failed { retry_at, .. } if retry_at <= now => self.failed_cursor(),
            _ => None,
        }
    }

    /// When a failed page is asked for again.
    pub fn retry_at(&self) -> Option<DateTime<Utc>> {
        match self.pages {
            PageState::Failed { retry_at, .. } => Some(retry_at),
            _ => None,
        }
    }

    /// A failed page, to be asked for again at once.
    pub fn failed_cursor(&self) -> Option<Option<String>> {
        match self.pages {
            PageState::Failed { .. } => Some(self.paging.next_cursor().map(str::to_string)),
            _ => None,
        }
    }

    pub fn mark_loading(&mut self, id: RequestId) {
        self.pages = PageState::Loading { id };
    }

    /// True when `id` is the page this list waits for.
    pub fn awaits(&self, id: RequestId) -> bool {
        self.in_flight() == Some(id)
    }

    /// Adds the leads of the page asked for with `cursor`, skipping any already listed, and moves on to
    /// the next cursor (or ends the list).
    pub fn accept_page(&mut self, cursor: Option<&str>, page: Page<Lead>) -> usize {
        // The live first page replaces the cached one; the selection stays on the same lead, at the same
        // place on screen, when the lead is still there.
        let keep = if self.cached && cursor.is_none() {
            self.cached = false;
            // A rep still at the top sees the newest lead there, not last time's top lead.
            let kept = self
                .selected_lead()
                .filter(|_| !self.at_top())
                .map(|l| (l.id().clone(), self.selected - self.offset));
            self.leads.clear();
            self.shown = None;
            self.shown_by = None;
            kept
        } else {
            None
        };
        let leads = &self.leads;
        let mut in_page = std::collections::HashSet::new();
        let fresh = self.paging.accept_by(cursor, page, |lead| {
            let id = crate::api::CompactId::new(&lead.id);
            !leads.contains(&id) && in_page.insert(id)
        });
        for lead in &fresh {
            self.leads.push(&CompactLead::new(lead));
        }
        if let Some((id, row_on_screen)) = keep {
            let at = self.leads.iter().position(|l| *l.id() == id);
            self.selected = at.unwrap_or(0);
            self.offset = self.selected.saturating_sub(row_on_screen);
            // Every lead above the one kept is newer than it: shown as arrived.
            self.new_above = if at.is_some() { self.offset } else { 0 };
        }
        self.pages = if self.paging.is_done() {
            PageState::Done
        } else {
            PageState::Idle
        };
        fresh.len()
    }

    pub fn page_failed(&mut self, now: DateTime<Utc>) {
        let attempts = match self.pages {
            PageState::Loading { .. } => 1,
            PageState::Failed { attempts, .. } => attempts + 1,
            _ => return,
        };
        let wait = crate::model::backoff::doubling_secs(attempts, crate::model::backoff::FIRST_SECS, RETRY_MAX_SECS);
        self.pages = PageState::Failed {
            retry_at: now + chrono::Duration::seconds(wait),
            attempts,
        };
    }

    /// Puts a lead at the top and selects it (a lead just created); an already listed lead moves there.
    pub fn insert_top(&mut self, lead: &Lead) {
        if self.leads.contains(&crate::api::CompactId::new(&lead.id)) {
            self.leads.retain(|l| !l.id().is(&lead.id));
        }
        self.leads.insert(0, &CompactLead::new(lead));
        self.shown = None;
        self.shown_by = None;
        self.selected = 0;
        self.offset = 0;
        self.new_above = 0;
    }

    /// Replaces, wherever it stands, each listed lead that `leads` (a poll's page, a sync's changed leads)
    /// holds changed; how many. Each is found by its id, however deep: a sweep's changes reach a lead a
    /// million rows down.
    pub fn update_anywhere(&mut self, leads: &[Lead]) -> usize {
        let mut changed = 0;
        for lead in leads {
            if let Some(at) = self.leads.position(&crate::api::CompactId::new(&lead.id)) {
                let now = CompactLead::new(lead);
                if self.leads.get(at) != Some(now.row()) {
                    self.leads.set(at, &now);
                    changed += 1;
                }
            }
        }
        changed
    }

    /// How many listed leads the last poll changed in place.
    pub fn updated(&self) -> usize {
        self.updated
    }

    /// Puts the leads of a first page asked for again (a poll) that are not listed yet where they belong
    /// (the list is newest first: nearly always at the top), without moving the walk, and updates those
    /// listed. The selection stays on the same lead and the window moves with it, so the screen does not
    /// jump under the user. Returns where the new leads went (indices into [`LeadList::leads`], newest
    /// first).
    pub fn insert_new(&mut self, leads: Vec<Lead>, rows: usize) -> Vec<usize> {
        self.updated = self.update_anywhere(&leads);
        let mut in_poll = std::collections::HashSet::new();
        let mut fresh: Vec<CompactLead> = leads
            .iter()
            .filter(|lead| {
                let id = crate::api::CompactId::new(&lead.id);
                !self.leads.contains(&id) && in_poll.insert(id)
            })
            .map(CompactLead::new)
            .collect();
        let added = fresh.len();
        if added == 0 {
            return Vec::new();
        }
        // Newest first; a stable sort keeps the server's order among equal times.
        fresh.sort_by_key(|v| std::cmp::Reverse(v.created_at()));
        // Each goes before the first listed lead older than it. Newer leads find their place sooner, so
        // the places only grow.
        let places: Vec<usize> = fresh
            .iter()
            .map(|v| {
                (0..self.leads.len())
                    .find(|&i| self.leads.created_at(i).is_some_and(|at| at < v.created_at()))
                    .unwrap_or(self.leads.len())
            })
            .collect();
        let had_leads = !self.leads.is_empty();
        let at_top = self.at_top();
        self.leads.insert_many(&fresh, &places);
        // Where a lead listed at `i` is now.
        let moved = |i: usize| i + places.partition_point(|&at| at <= i);
        if let Some(shown) = self.shown.as_mut() {
            // The search ranks the new ones when it runs again.
            for i in shown.iter_mut() {
                *i = u32::try_from(moved(*i as usize)).unwrap_or(u32::MAX);
            }
        } else if had_leads && !at_top {
            let now_at = moved(self.selected);
            let offset_was = self.offset;
            self.offset += now_at - self.selected;
            self.selected = now_at;
            // The window moved down with the selection: those placed before its first row are above it.
            self.new_above += places.iter().filter(|&&at| at <= offset_was).count();
        }
        self.fit_window(rows);
        // The n-th new lead has n new leads before it.
        places.iter().enumerate().map(|(n, at)| at + n).collect()
    }

    /// After a poll's leads joined a filtered or searched list: the selected lead keeps the screen row
    /// it had, so nothing jumps under the rep, and the new leads that landed above the window are
    /// counted as such. `placed` are the new leads' indices into [`LeadList::leads`]. A list shown whole
    /// was already kept in place by [`LeadList::insert_new`].
    pub fn hold_window(&mut self, row_on_screen: usize, placed: &[usize], rows: usize) {
        let Some(shown) = &self.shown else {
            return;
        };
        let offset = self.selected.saturating_sub(row_on_screen);
        let above = shown[..offset.min(shown.len())]
            .iter()
            .filter(|&&i| placed.binary_search(&(i as usize)).is_ok())
            .count();
        self.offset = offset;
        self.new_above += above;
        self.fit_window(rows);
    }

    /// Replaces a listed lead with a fresher copy of it when they differ; true when it did. The lead is
    /// looked for in the window on screen first, where a refresh's leads are.
    pub fn replace(&mut self, view: &CompactLead) -> bool {
        match self.leads.position(view.id()) {
            Some(at) if self.leads.get(at).is_some_and(|lead| lead != view.row()) => {
                self.leads.set(at, view);
                true
            }
            _ => false,
        }
    }

    /// Replaces a listed lead with a fresher copy of it.
    pub fn refresh(&mut self, view: &CompactLead) {
        if let Some(at) = self.leads.position(view.id()) {
            self.leads.set(at, view);
        }
    }

    /// Moves the selection by `delta` rows, clamped to the loaded leads, and keeps it in a window of
    /// `rows` rows.
    pub fn move_by(&mut self, delta: isize, rows: usize) {
        if self.is_empty() {
            return;
        }
        let last = self.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.fit_window(rows);
    }

    pub fn select(&mut self, index: usize, rows: usize) {
        if self.is_empty() {
            return;
        }
        self.selected = index.min(self.len() - 1);
        self.fit_window(rows);
    }

    /// Keeps the offset such that the selection is visible, and when the last lead is selected, so is
    /// the trailer under it.
    pub fn fit_window(&mut self, rows: usize) {
        self.offset = window_start(self.offset, self.selected, self.row_count(), rows);
        if self.offset == 0 {
            // The rep sees the top: nothing newer is hidden any more.
            self.new_above = 0;
        }
    }
}

/// The first row of a window of `rows` rows that shows `selected` and moves as little as possible from
/// `offset`. With the last lead selected, the trailer row after it is shown too.
pub fn window_start(offset: usize, selected: usize, total: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    if total <= rows {
        return 0;
    }
    // The trailer is the last row: keep it in view along with the last lead.
    let must_show = if selected + 2 == total { selected + 1 } else { selected };
    let mut start = offset.min(total - rows);
    if selected < start {
        start = selected;
    }
    if must_show >= start + rows {
        start = must_show + 1 - rows;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(n: i64) -> Lead {
        serde_json::from_value(serde_json::json!({
            "id": format!("l{n}"), "status": "new",
            "createdAt": chrono::DateTime::from_timestamp(1_700_000_000 + n * 60, 0).unwrap()
        }))
        .unwrap()
    }

    fn ids(list: &LeadList) -> Vec<String> {
        list.leads().iter().map(|l| l.id().to_string()).collect()
    }

    #[test]
    fn new_leads_go_where_their_time_puts_them_and_shown_rows_follow_their_leads() {
        let mut list = LeadList::new(ListQuery::default());
        let page = Page {
            data: vec![lead(10), lead(8), lead(6), lead(4)],
            next_cursor: None,
            has_more: false,
        };
        list.accept_page(None, page);
        // A search shows l8 and l4.
        list.set_shown(Some(vec![1, 3]), 10);
        let placed = list.insert_new(vec![lead(11), lead(7), lead(8), lead(5), lead(1)], 10);
        assert_eq!(ids(&list), ["l11", "l10", "l8", "l7", "l6", "l5", "l4", "l1"]);
        assert_eq!(placed, [0, 3, 5, 7], "where each new lead went, newest first");
        assert_eq!(list.shown(), Some(&[2, 6][..]), "still l8 and l4");
    }

    #[test]
    fn a_filtered_list_keeps_its_window_when_a_poll_adds_leads_above_it() {
        let mut list = LeadList::new(ListQuery::default());
        let page = Page {
            data: (1..=10).rev().map(lead).collect(),
            next_cursor: None,
            has_more: false,
        };
        list.accept_page(None, page);
        // A view hides l10; l4 is selected on the window's second row.
        list.set_shown(Some((1..10).collect()), 3);
        list.select(5, 3);
        assert_eq!(list.selected_lead().map(|l| l.id().to_string()).as_deref(), Some("l4"));
        let row = list.selected() - list.offset();
        let placed = list.insert_new(vec![lead(11)], 3);
        assert_eq!(placed, [0]);
        // The view admits the new lead.
        list.set_shown(Some(std::iter::once(0).chain(2..11).collect()), 3);
        list.hold_window(row, &placed, 3);
        assert_eq!(list.selected_lead().map(|l| l.id().to_string()).as_deref(), Some("l4"));
        assert_eq!(
            list.selected() - list.offset(),
            row,
            "the selected lead did not move on screen"
        );
        assert_eq!(list.new_above(), 1, "l11 is above the window");
    }

    #[test]
    fn window_follows_selection_with_least_movement() {
        assert_eq!(window_start(0, 5, 100, 10), 0);
        assert_eq!(window_start(0, 10, 100, 10), 1);
        assert_eq!(window_start(5, 3, 100, 10), 3);
        assert_eq!(window_start(5, 9, 100, 10), 5);
        assert_eq!(window_start(0, 4, 5, 10), 0);
        // Last lead (98) selected: the trailer (99) is shown as well.
        assert_eq!(window_start(80, 98, 100, 10), 90);
        // A shrunk list pulls the window back.
        assert_eq!(window_start(95, 20, 50, 10), 20);
    }
}
