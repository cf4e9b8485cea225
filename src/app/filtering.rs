//! The panes and the filters they put in force: the assignees seen, the cursor in each pane, what Enter on
//! an entry applies, and what the clear key takes away.

use std::collections::HashSet;

use super::filters::{self, PaneKind};
use super::{App, Focus, MAX_SEEN_ASSIGNEES};
use crate::api::types::{Lead, LeadStatus};
use crate::api::worker::ApiRequest;

/// The panes beside the list: where each cursor is, and the assignees the assignee pane offers.
#[derive(Debug, Clone, Default)]
pub(super) struct PaneState {
    /// The status pane's highlighted entry.
    pub(super) status: usize,
    /// The assignee pane's highlighted entry.
    pub(super) assignee: usize,
    /// Assignee ids seen in loaded leads, in the order first seen, across filter changes.
    pub(super) seen: Vec<String>,
    pub(super) seen_set: HashSet<String>,
}

impl App {
    /// Assignee ids seen in loaded leads, first seen first.
    pub fn seen_assignees(&self) -> &[String] {
        &self.panes.seen
    }

    /// The pane's highlighted entry.
    pub fn pane_cursor(&self, pane: PaneKind) -> usize {
        match pane {
            PaneKind::Status => self.panes.status,
            PaneKind::Assignee => self.panes.assignee,
        }
    }

    pub fn assignee_options(&self) -> Vec<filters::AssigneeOption> {
        filters::assignee_options(
            &self.settings.tenant,
            self.settings.show_names,
            self.settings.me.as_deref(),
            &self.panes.seen,
            self.unassigned_note(),
        )
    }

    /// What "Unassigned" says of itself: it narrows the leads loaded, which are every lead once the list
    /// has no more pages (a whole mirror's lists soon have none), and then it says nothing more.
    pub fn unassigned_note(&self) -> Option<&'static str> {
        self.list.has_more().then_some(filters::LOADED_ONLY)
    }

    pub(super) fn choose_filter(&mut self) -> Vec<ApiRequest> {
        let Focus::Pane(pane) = self.focus else {
            return Vec::new();
        };
        let query = self.list.query().clone();
        let (status, assignee, unassigned) = match pane {
            PaneKind::Status => {
                let status = filters::status_options().get(self.panes.status).cloned().flatten();
                (status, query.assigned_to.clone(), self.unassigned)
            }
            PaneKind::Assignee => match self.assignee_options().get(self.panes.assignee) {
                Some(option) => (
                    query.status.clone(),
                    option.user().map(str::to_string),
                    option.filter == filters::AssigneeFilter::Unassigned,
                ),
                None => (query.status.clone(), query.assigned_to.clone(), self.unassigned),
            },
        };
        self.focus = Focus::List;
        self.set_filters(status, assignee, unassigned)
    }

    /// Puts these filters in force: the tenant is asked again only when its part of them changed, and the
    /// loaded leads are narrowed again at once for the part that is local.
    pub(super) fn set_filters(
        &mut self,
        status: Option<LeadStatus>,
        assignee: Option<String>,
        unassigned: bool,
    ) -> Vec<ApiRequest> {
        let query = self.list.query();
        let same = query.status == status && query.assigned_to == assignee;
        self.unassigned = unassigned;
        if same {
            self.refresh_shown(false);
            return self.prefetch();
        }
        self.restart_list(status, assignee)
    }

    /// The status, assignee and search the rep chose, gone: the list follows the view's own rule again.
    pub(super) fn clear_filters(&mut self) -> Vec<ApiRequest> {
        let (status, assignee, name) = match self.views.get(self.view_index) {
            Some(v) if v.saved => (v.status.clone(), v.assigned_to.clone(), v.name.clone()),
            Some(v) => (None, None, v.name.clone()),
            None => (None, None, String::new()),
        };
        let query = self.list.query();
        let filtered =
            query.status != status || query.assigned_to != assignee || self.unassigned || self.search.active.is_some();
        self.focus = Focus::List;
        if !filtered {
            self.said.notice = Some(format!("No filter to clear: {name} shows its own leads"));
            return Vec::new();
        }
        self.search.typing = None;
        self.search.active = None;
        self.search.cache.clear();
        let out = self.set_filters(status, assignee, false);
        self.said.notice = Some(format!("Filters cleared: {name} shows its own leads"));
        out
    }

    /// True when the rep narrowed the list beyond the view's own rule (a pane's filter or a search), so
    /// there is something for the clear key to clear.
    pub fn filters_beyond_view(&self) -> bool {
        let (status, assignee) = match self.views.get(self.view_index) {
            Some(v) if v.saved => (v.status.as_ref(), v.assigned_to.as_deref()),
            _ => (None, None),
        };
        let query = self.list.query();
        query.status.as_ref() != status
            || query.assigned_to.as_deref() != assignee
            || self.unassigned
            || self.search.active.is_some()
    }

    /// Remembers the assignees of `leads` for the assignee pane, in order of first sight and at most
    /// [`MAX_SEEN_ASSIGNEES`] of them (a list of thousands is no filter a rep scrolls, and a server sending a
    /// new id on every lead must not make each key press slower); true when one was new.
    pub(in crate::app) fn note_assignees(&mut self, leads: &[Lead]) -> bool {
        let before = self.panes.seen.len();
        for lead in leads {
            if self.panes.seen.len() >= MAX_SEEN_ASSIGNEES {
                break;
            }
            if let Some(a) = lead.assigned_to.as_ref().filter(|a| !a.is_empty())
                && self.panes.seen_set.insert(a.clone())
            {
                self.panes.seen.push(a.clone());
            }
        }
        self.panes.seen.len() > before
    }
}
