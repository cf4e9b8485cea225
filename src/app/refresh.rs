//! `R`: the first page and the leads on screen read again, so a status or an assignee changed in Novala's
//! web app shows at once rather than at the next poll (which sees only the newest leads). Two requests:
//! the first page, which brings new leads and changes among the newest, and the leads on screen by id
//! (no more than the rows that fit), which brings changes further down. The status bar says what changed.

use super::App;
use crate::api::ApiError;
use crate::api::types::{Lead, Page};
use crate::api::worker::{ApiRequest, RequestId};
use crate::model::CompactLead;

/// A refresh under way: what it awaits and what it found so far.
#[derive(Debug, Clone, Default)]
pub(super) struct RefreshState {
    /// The first page asked for again.
    pub(super) page: Option<RequestId>,
    /// The leads on screen asked for by id.
    pub(super) rows: Option<RequestId>,
    changed: usize,
    added: usize,
    failed: Option<String>,
}

impl RefreshState {
    fn under_way(&self) -> bool {
        self.page.is_some() || self.rows.is_some()
    }
}

/// The most leads on screen read again by one refresh: more than any terminal shows.
const MAX_ROWS_READ: usize = 200;

impl App {
    /// True while a refresh awaits an answer.
    pub fn refreshing(&self) -> bool {
        self.refresh.under_way()
    }

    /// `R`: asks for the first page and the leads on screen again.
    pub(super) fn start_refresh(&mut self) -> Vec<ApiRequest> {
        if self.refresh.under_way() {
            self.said.notice = Some("Refreshing…".to_string());
            return Vec::new();
        }
        if self.list.is_first_load() {
            self.said.notice = Some("The first page is still loading".to_string());
            return Vec::new();
        }
        let rows = self.list_rows().min(MAX_ROWS_READ);
        let start = self.list.offset();
        let lead_ids: Vec<String> = (start..start + rows)
            .filter_map(|row| self.list.lead_at(row))
            .map(|l| l.id().to_string())
            .collect();
        let page = self.new_id();
        let mut query = self.list.query().clone();
        query.limit = Some(self.settings.page_size);
        let mut out = vec![ApiRequest::Latest { id: page, query }];
        self.refresh = RefreshState {
            page: Some(page),
            ..RefreshState::default()
        };
        if !lead_ids.is_empty() {
            let id = self.new_id();
            self.refresh.rows = Some(id);
            out.push(ApiRequest::GetMany { id, lead_ids });
        }
        self.said.notice = Some("Refreshing…".to_string());
        out
    }

    /// The refresh's first page: new leads join as a poll's do, and listed leads it holds changed are
    /// replaced where they stand.
    pub(super) fn on_refresh_page(&mut self, result: Result<Page<Lead>, ApiError>) {
        self.refresh.page = None;
        match result {
            Ok(page) => {
                self.note_assignees(&page.data);
                let data = page.data.into_iter().map(|l| self.as_listed(l)).collect();
                let placed = self.take_first_page(data);
                self.refresh.added += placed.len();
                self.refresh.changed += self.list.updated();
            }
            Err(e) => self.refresh.failed = Some(crate::sanitize::line(&e.to_string()).into_owned()),
        }
        self.end_refresh();
    }

    /// The leads on screen as the tenant has them now: each that differs replaces the one listed.
    pub(super) fn on_refresh_rows(&mut self, results: Vec<(String, Result<Lead, ApiError>)>) {
        self.refresh.rows = None;
        let mut changed = 0;
        for (_, result) in results {
            match result {
                Ok(lead) => {
                    if self.list.replace(&CompactLead::new(&self.as_listed(lead))) {
                        changed += 1;
                    }
                }
                // A lead gone from the tenant stays listed as it was; nothing else to say of it.
                Err(ApiError::NotFound { .. }) => {}
                Err(e) => {
                    let text = crate::sanitize::line(&e.to_string()).into_owned();
                    self.refresh.failed.get_or_insert(text);
                }
            }
        }
        if changed > 0 {
            // A status or an assignee changed: what the view shows may change with it.
            self.refresh_shown(false);
        }
        self.refresh.changed += changed;
        self.end_refresh();
    }

    /// A lead the tenant gave whole, as this list keeps its leads: over a whole mirror, without what only
    /// the detail reads, so that a lead differs from its row only where the tenant changed it.
    pub(super) fn as_listed(&self, lead: Lead) -> Lead {
        if self.mirror_whole() {
            crate::model::lead::list_copy(lead)
        } else {
            lead
        }
    }

    /// Once both answers are in: "Refreshed · 2 changed · 1 new", or why it could not.
    fn end_refresh(&mut self) {
        if self.refresh.under_way() {
            return;
        }
        let done = std::mem::take(&mut self.refresh);
        if let Some(why) = done.failed {
            self.said.error = Some(format!("Refresh failed: {why}"));
            return;
        }
        let mut said = vec!["Refreshed".to_string()];
        if done.changed == 0 && done.added == 0 {
            said.push("nothing changed".to_string());
        }
        if done.changed > 0 {
            said.push(format!("{} changed", crate::text::count(done.changed)));
        }
        if done.added > 0 {
            said.push(format!("{} new", crate::text::count(done.added)));
        }
        self.said.notice = Some(said.join(" · "));
    }

    /// The list was loaded anew: answers to a refresh of the old one mean nothing.
    pub(super) fn forget_refresh(&mut self) -> Vec<ApiRequest> {
        let old = std::mem::take(&mut self.refresh);
        [old.page, old.rows]
            .into_iter()
            .flatten()
            .map(|id| ApiRequest::Cancel { id })
            .collect()
    }
}
