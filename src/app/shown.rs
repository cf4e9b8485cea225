//! What the list shows of the loaded leads: the view's triage rule, Unassigned, and the search ranking
//! them, with the unread count among them; the search box's keys; switching views.

use crossterm::event::KeyEvent;

use super::search::{Ranking, Search};
use super::{App, Effect, views};
use crate::api::worker::ApiRequest;
use crate::keymap::{Action, ActiveSet};
use crate::model::row_set::RowSet;

/// The search: the one in force, the box while the rep types in it, and results kept for its queries.
#[derive(Debug, Clone, Default)]
pub(super) struct SearchState {
    /// The search in force, if any.
    pub(super) active: Option<Search>,
    /// The search box, while the rep types in it.
    pub(super) typing: Option<tui_input::Input>,
    /// Results of the queries typed in this search, while the leads and marks stay as they were.
    pub(super) cache: Vec<(String, Option<Vec<u32>>)>,
    /// The ranking still under way, when there were more leads than one share (see [`RANKING_TIME_PER_STEP`]).
    pub(super) ranking: Option<Ranking>,
    /// The ranking under way is for a query just typed: the rows shown are none of its results yet, and
    /// its best match is selected when it is done.
    pub(super) for_new_query: bool,
    /// Leads ranked a step, when not as many as [`RANKING_TIME_PER_STEP`] allows (0).
    pub(super) share: usize,
    /// When the keystroke being handled began: its ranking gets what is left of the step's time, so the
    /// keystroke's own work (finding the candidates) is not added to it.
    pub(super) began: Option<std::time::Instant>,
}

/// How long a keystroke's update lasts before its frame is drawn, the ranking taking what the rest of the
/// keystroke left; the rest is ranked a share at a time between keys (`Msg::Continue`), each share as
/// long, so that a share and its frame fit in 16 ms however slow the machine or long the leads' text.
pub const RANKING_TIME_PER_STEP: std::time::Duration = std::time::Duration::from_millis(6);

/// The most of a search's best matches shown while it still ranks: screens of them, to look through
/// while the rest is judged.
const PROVISIONAL_ROWS: usize = 1_000;

/// The most rows kept for earlier queries, all together: a million leads' results are 4 MB a query.
const CACHED_ROWS_MAX: usize = 4_000_000;

impl App {
    /// The search in force: its query, while it narrows the list.
    pub fn search_query(&self) -> Option<&str> {
        self.search.active.as_ref().map(Search::query)
    }

    /// The search is still ranking the loaded leads: the rows shown are not its results yet, and how many
    /// match is not known.
    pub fn search_pending(&self) -> bool {
        self.search.ranking.is_some()
    }

    /// Ranks `leads` leads a step instead of what [`RANKING_TIME_PER_STEP`] allows: a test sees a search
    /// over a few leads take a known number of steps, as one over a million takes many.
    pub fn set_search_share(&mut self, leads: usize) {
        self.search.share = leads;
    }

    /// How far the search under way is: leads judged, of how many.
    pub fn search_progress(&self) -> Option<(usize, usize)> {
        self.search.ranking.as_ref().map(Ranking::progress)
    }

    /// The search box's text and cursor column, while the rep types in it.
    pub fn search_box(&self) -> Option<(&str, usize)> {
        self.search.typing.as_ref().map(|i| (i.value(), i.visual_cursor()))
    }

    /// A key while the search box is open: Enter keeps the search and goes back to the list, Esc clears it,
    /// the arrows move in the results, anything else edits the query and the results follow at once.
    pub(super) fn on_search_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        use crossterm::event::Event;
        use tui_input::backend::crossterm::EventHandler;
        let rows = self.list_rows();
        match self.settings.keymap.action_for_key(ActiveSet::Search.contexts(), &key) {
            Some(Action::Choose) => {
                self.search.typing = None;
                if self.search.active.as_ref().is_some_and(|s| s.query().trim().is_empty()) {
                    self.clear_search();
                }
            }
            Some(Action::Back) => {
                self.search.typing = None;
                self.clear_search();
            }
            Some(Action::Down) => self.list.move_by(1, rows),
            Some(Action::Up) => self.list.move_by(-1, rows),
            _ => {
                let Some(input) = self.search.typing.as_mut() else {
                    return Vec::new();
                };
                if input.handle_event(&Event::Key(key)).is_some_and(|c| c.value) {
                    let query = input.value().to_string();
                    self.set_search(&query);
                }
            }
        }
        Vec::new()
    }

    pub(super) fn set_search(&mut self, query: &str) {
        self.search.began = Some(std::time::Instant::now());
        let narrows = match self.search.active.as_mut() {
            Some(search) => search.set_query(query),
            None => {
                self.search.active = Some(Search::new(query));
                false
            }
        };
        // Backspace brings back a query typed a moment ago: its results are still good while the leads and
        // marks have not changed, and ranking a million leads again would cost several frames.
        if let Some((_, shown)) = self.search.cache.iter().find(|(q, _)| q == query) {
            let shown = shown.clone();
            self.search.ranking = None;
            self.search.for_new_query = false;
            self.list.set_ranked(!query.trim().is_empty());
            self.list.set_shown(shown, self.list_rows());
            self.unread = self.count_unread();
            self.recount_picked();
        } else {
            self.rank_shown(narrows, true);
        }
        self.search.began = None;
        // A changed query starts from its best match, at the top.
        self.list.select(0, self.list_rows());
        self.list.fit_window(self.list_rows());
    }

    /// The rows shown that were never opened, told from the rows the marks say were (see
    /// [`MarkedRows`](super::marked_rows::MarkedRows)).
    pub(super) fn count_unread(&mut self) -> usize {
        if self.triage.marks.is_empty() {
            return self.list.len();
        }
        self.marked.refresh(self.list.leads(), &self.triage.marks);
        let seen = &self.marked.seen;
        match self.list.shown() {
            None => self.list.len().saturating_sub(seen.count()),
            Some(rows) => rows.iter().filter(|&&row| !seen.contains(row as usize)).count(),
        }
    }

    /// Keeps what `query` showed, for Backspace, within the cache's bounds.
    fn remember(&mut self, query: String, shown: Option<Vec<u32>>) {
        self.search.cache.push((query, shown));
        let rows =
            |c: &Vec<(String, Option<Vec<u32>>)>| c.iter().map(|(_, s)| s.as_ref().map_or(0, Vec::len)).sum::<usize>();
        while self.search.cache.len() > 1
            && (self.search.cache.len() > 64 || rows(&self.search.cache) > CACHED_ROWS_MAX)
        {
            self.search.cache.remove(0);
        }
    }

    /// Ranks one more share of the leads for the search under way; when that was the last, its results
    /// are shown (the selection on the best match for a query just typed, else on the lead it was on).
    pub(super) fn continue_search(&mut self) {
        let (Some(search), Some(ranking)) = (self.search.active.as_ref(), self.search.ranking.as_mut()) else {
            return;
        };
        let time = match self.search.began.take() {
            Some(began) => RANKING_TIME_PER_STEP.saturating_sub(began.elapsed()),
            None => RANKING_TIME_PER_STEP,
        };
        let done = match self.search.share {
            // At least one chunk, however little time is left: every step moves the ranking on.
            0 => ranking.step_for(search, self.list.leads(), time),
            n => ranking.step(search, self.list.leads(), n),
        };
        let Some(ranked) = done else {
            if self.search.for_new_query {
                // The best found so far, so the rep sees matches at once; the top row stays selected as
                // better ones come, unless the rep moved.
                let best = ranking.best(PROVISIONAL_ROWS);
                let rows = self.list_rows();
                let at_top = self.list.selected() == 0;
                self.list.set_shown(Some(best), rows);
                if at_top {
                    self.list.select(0, rows);
                }
            }
            return;
        };
        let query = search.query().to_string();
        self.search.ranking = None;
        let rows = self.list_rows();
        self.list.set_shown(Some(ranked), rows);
        if std::mem::take(&mut self.search.for_new_query) {
            self.list.select(0, rows);
            self.list.fit_window(rows);
        }
        self.remember(query, self.list.shown().map(<[u32]>::to_vec));
        self.unread = self.count_unread();
        self.recount_picked();
    }

    pub(super) fn clear_search(&mut self) {
        self.search.active = None;
        self.search.ranking = None;
        self.search.cache.clear();
        // What the view admits, not every loaded lead: a done lead stays out of the Inbox.
        self.refresh_shown(false);
    }

    /// What the list shows: the leads the view admits, ranked by the search when there is one (only among the
    /// current matches when the query narrows). Also counts the unseen ones.
    pub(super) fn refresh_shown(&mut self, narrows: bool) {
        // The leads or their marks changed: results kept for earlier queries no longer hold.
        self.search.cache.clear();
        self.rank_shown(narrows, false);
    }

    /// As [`App::refresh_shown`], keeping the results of earlier queries; `new_query` when the query just
    /// changed (else the leads or marks did: the rows shown stay until the new ranking is done).
    fn rank_shown(&mut self, narrows: bool, new_query: bool) {
        let rows = self.list_rows();
        let triage = self.views.get(self.view_index).map_or(views::Triage::All, |v| v.triage);
        let searching = self
            .search
            .active
            .as_ref()
            .is_some_and(|s| !s.query().trim().is_empty());
        self.list.set_ranked(searching);
        let no_marks = self.triage.marks.is_empty();
        self.marked.refresh(self.list.leads(), &self.triage.marks);
        let leads = self.list.leads();
        let unassigned = self.unassigned;
        // The common case, every page of a load: nothing searched and nothing the view hides, so nothing to
        // walk (a walk per page would make loading 100,000 leads quadratic).
        if !searching && !unassigned && (triage == views::Triage::All || (no_marks && triage.admits(None))) {
            self.search.ranking = None;
            self.list.set_shown(None, rows);
            self.unread = self.count_unread();
            self.recount_picked();
            return;
        }
        let all = 0..u32::try_from(leads.len()).unwrap_or(u32::MAX);
        let rule = super::list::ShownRule {
            marks: self.triage.marks.generation(),
            triage,
            unassigned,
        };
        if !searching && let Some(from) = self.list.shown_by_up_to(&rule) {
            // A page added leads at the end of a list the view narrows: only they are judged, and only
            // they can add to the unread count.
            let marked = &self.marked;
            let admitted = |row: usize| {
                let by_marks = match triage {
                    views::Triage::All => true,
                    views::Triage::NotDone => !marked.done.contains(row),
                    views::Triage::Starred => marked.starred.contains(row),
                };
                by_marks && (!unassigned || leads.is_assigned(row) == Some(false))
            };
            let added: Vec<u32> = (from..leads.len())
                .filter(|&row| admitted(row))
                .filter_map(|row| u32::try_from(row).ok())
                .collect();
            let unseen = added.iter().filter(|&&row| !marked.seen.contains(row as usize)).count();
            self.list.extend_shown_by(added);
            self.unread += unseen;
            self.list.fit_window(rows);
            self.recount_picked();
            return;
        }
        let admits_all = !unassigned && (triage == views::Triage::All || (no_marks && triage.admits(None)));
        // The rows the view admits (`None`: every one), read from the marks and the assignee column: a rep
        // marks thousands of a million leads, and a mark looked up for every lead would cost each keystroke
        // tens of milliseconds.
        let marked = &self.marked;
        let admitted: Option<RowSet> = (!admits_all).then(|| {
            let mut set = match triage {
                views::Triage::All => RowSet::new(leads.len(), true),
                views::Triage::NotDone => RowSet::new(leads.len(), true).without(&marked.done),
                views::Triage::Starred => marked.starred.clone(),
            };
            if unassigned {
                for row in 0..leads.len() {
                    if leads.is_assigned(row) == Some(true) {
                        set.set(row, false);
                    }
                }
            }
            set
        });
        let admits = |i: &u32| admitted.as_ref().is_none_or(|set| set.contains(*i as usize));
        // A query that narrows the last needs only its matches; while that one was still being ranked, its
        // matches so far and the leads it had not judged yet.
        let candidates: Vec<u32> = match (narrows && searching, self.search.ranking.take(), self.list.shown()) {
            (true, Some(under_way), _) => under_way.narrowed().into_iter().filter(admits).collect(),
            (true, None, Some(shown)) => shown.iter().copied().filter(admits).collect(),
            _ => match &admitted {
                Some(set) => set.rows(),
                None => all.collect(),
            },
        };
        if searching {
            // Rows not ranked by this query (every lead, after a lead was put at the top) are not shown
            // as its results while it ranks.
            let new_query = new_query || self.list.shown().is_none();
            self.search.ranking = Some(Ranking::new(candidates));
            self.search.for_new_query = new_query || self.search.for_new_query;
            if new_query {
                // Nothing of the last query's rows holds for this one.
                self.list.set_shown(Some(Vec::new()), rows);
            }
            self.continue_search();
            if self.search.ranking.is_some() {
                self.unread = self.count_unread();
                self.recount_picked();
            }
            return;
        }
        if candidates.len() == leads.len() {
            self.list.set_shown(None, rows);
        } else {
            self.list.set_shown_by(candidates, rows, rule);
        }
        self.unread = self.count_unread();
        self.recount_picked();
    }

    pub(super) fn switch_view(&mut self, index: usize) -> Vec<ApiRequest> {
        let Some(view) = self.views.get(index).cloned() else {
            self.said.notice = Some(format!("There is no view {}", index + 1));
            return Vec::new();
        };
        self.view_index = index;
        self.effects.push(Effect::RememberView(view.name.clone()));
        self.said.notice = Some(format!("View: {}", view.name));
        if view.saved {
            self.unassigned = false;
            let out = self.restart_list(view.status.clone(), view.assigned_to.clone());
            self.refresh_shown(false);
            return out;
        }
        self.refresh_shown(false);
        Vec::new()
    }
}
