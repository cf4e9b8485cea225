//! Page requests: the next page asked for before the rep gets there, one in flight per list, and a new
//! list when the filters change.

use super::list::{self, LeadList};
use super::{App, Screen, views};
use crate::api::types::{Lead, LeadStatus, ListQuery};
use crate::api::worker::{ApiRequest, RequestId};

impl App {
    /// Draws the first page kept from last time (for the list in force) until the live one arrives.
    pub fn restore_cached_page(&mut self, leads: &[Lead]) {
        self.list.show_cached(leads);
        self.note_assignees(leads);
        self.refresh_shown(false);
    }

    pub(super) fn new_id(&mut self) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(super) fn request_page(&mut self, cursor: Option<String>) -> Vec<ApiRequest> {
        let id = self.new_id();
        self.list.mark_loading(id);
        vec![ApiRequest::List {
            id,
            query: self.list.query().clone(),
            cursor,
        }]
    }

    /// The view shows every lead it can ever show, so no page need be walked for it: the Starred view
    /// once every starred lead is listed (none starred: at once). Starred is known here, not at the tenant.
    pub fn view_complete(&self) -> bool {
        let triage = self.views.get(self.view_index).map_or(views::Triage::All, |v| v.triage);
        if triage != views::Triage::Starred || self.search.active.is_some() {
            return false;
        }
        let starred = self.triage.marks.values().filter(|m| m.starred).count();
        self.list.len() >= starred
    }

    pub(super) fn prefetch(&mut self) -> Vec<ApiRequest> {
        let whole = self.load_all || self.mirror_whole();
        if self.view_complete() && !whole {
            return Vec::new();
        }
        let distance = if whole { usize::MAX } else { self.prefetch_distance() };
        match self.list.wants_page(distance) {
            Some(cursor) => self.request_page(cursor),
            None => Vec::new(),
        }
    }

    /// Starts a new list for `query` at once; the old list's page in flight is cancelled and its answer
    /// will be dropped.
    pub(super) fn restart_list(&mut self, status: Option<LeadStatus>, assigned_to: Option<String>) -> Vec<ApiRequest> {
        let mut out = Vec::new();
        self.load_all = false;
        self.drop_picked();
        out.extend(self.forget_refresh());
        self.mirror_for_next_list();
        if let Some(old) = self.list.in_flight() {
            out.push(ApiRequest::Cancel { id: old });
        }
        if let Some(old) = self.poller.reset() {
            out.push(ApiRequest::Cancel { id: old });
        }
        self.list = LeadList::new(ListQuery {
            status,
            assigned_to,
            limit: Some(self.settings.page_size),
        });
        out.extend(self.prefetch());
        out
    }

    /// The selection comes this close to the last loaded lead before the next page is asked for: two
    /// screens, so that at key-repeat speed the page is there before the user is.
    pub fn prefetch_distance(&self) -> usize {
        2 * self.list_rows()
    }

    /// True when the list screen shows the "loading…" row: the user has caught up with paging.
    pub fn loading_row_visible(&self) -> bool {
        self.screen == Screen::List
            && self.list.trailer() == list::Trailer::Loading
            && self.list.trailer_visible(self.list_rows())
    }
}

/// The key a list's first page is kept under: its filters (the page size does not matter).
pub fn page_key(query: &ListQuery) -> String {
    format!(
        "status={}&assignedTo={}",
        query.status.as_ref().map_or("", |s| s.as_str()),
        query.assigned_to.as_deref().unwrap_or("")
    )
}
