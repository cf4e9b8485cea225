//! The preview pane: the selected lead's detail beside (or below) the list, following the selection.
//!
//! Holding `j` must not cost a request per lead passed over, so the fetch waits for the selection to keep
//! still: a move only notes the lead; the next tick arms the pause, and a tick at least [`PAUSE`] later that
//! finds the same lead asks for it. A fetch still out when the selection moves on is cancelled. Answers are
//! kept in a small cache, so going back up shows a lead already read at once.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use super::App;
use crate::api::CompactId;
use crate::api::worker::{ApiRequest, RequestId};
use crate::model::{CompactLead, LeadRef};

/// How long the selection keeps still before its lead is asked for.
pub const PAUSE: Duration = Duration::milliseconds(150);
/// How long a fetched copy is shown without asking again (it is shown at once after that too, and
/// refreshed after the pause).
pub const FRESH_FOR: Duration = Duration::minutes(2);
/// Fetched leads kept for going back to.
pub const CACHE_LEADS: usize = 32;

/// Where the pane goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Beside the list, on its right.
    Right,
    /// Under the list.
    Below,
}

impl Place {
    pub fn other(self) -> Place {
        match self {
            Place::Right => Place::Below,
            Place::Below => Place::Right,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PreviewState {
    pub open: bool,
    /// Where the rep put the pane; `None` lets the terminal's width decide.
    pub chosen: Option<Place>,
    /// The lead the pane is about: the list's selection as last seen.
    lead: Option<CompactId>,
    /// The tick that first saw `lead` still: the pause runs from it.
    still_since: Option<DateTime<Utc>>,
    /// The fetch of `lead`, while awaited.
    request: Option<RequestId>,
    /// Why the last fetch of `lead` failed.
    pub error: Option<String>,
    /// Lines scrolled past in the pane.
    pub scroll: usize,
    /// Fetched leads, oldest first, each with when it arrived.
    cache: VecDeque<(CompactLead, DateTime<Utc>)>,
}

/// What the pane shows of its lead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<'a> {
    /// The whole lead, as fetched.
    Whole(LeadRef<'a>),
    /// The list's copy (a few fields), the rest on its way.
    Waiting(LeadRef<'a>),
    /// No lead is selected.
    Nothing,
}

impl PreviewState {
    /// The fetched copy of `lead`, if one is cached and still agrees with the list's copy (a status or an
    /// assignee changed elsewhere makes it stale).
    fn cached(&self, lead: LeadRef<'_>) -> Option<&(CompactLead, DateTime<Utc>)> {
        self.cache
            .iter()
            .find(|(c, _)| c.id() == lead.id())
            .filter(|(c, _)| c.status() == lead.status() && c.assignee() == lead.assignee())
    }

    /// Keeps a whole copy of a lead (the pane's fetch, or the detail's), the oldest dropped past the bound.
    pub fn remember(&mut self, view: CompactLead, now: DateTime<Utc>) {
        self.cache.retain(|(c, _)| c.id() != view.id());
        if self.cache.len() >= CACHE_LEADS {
            self.cache.pop_front();
        }
        self.cache.push_back((view, now));
    }

    /// The fetch awaited, if any.
    pub fn request(&self) -> Option<RequestId> {
        self.request
    }

    /// True while the pane waits for the selection to keep still, or for its fetch.
    pub fn waiting(&self) -> bool {
        self.lead.is_some() && (self.request.is_some() || self.still_since.is_some())
    }

    /// The cancel for the fetch out, if one is.
    fn cancel(&mut self) -> Option<ApiRequest> {
        self.request.take().map(|id| ApiRequest::Cancel { id })
    }
}

impl App {
    pub fn preview(&self) -> &PreviewState {
        &self.preview
    }

    /// True while the pane is drawn: open, on the list screen.
    pub fn preview_shown(&self) -> bool {
        self.preview.open && self.screen == super::Screen::List
    }

    /// What the pane shows of the selected lead.
    pub fn preview_lead(&self) -> Shown<'_> {
        match self.list.selected_lead() {
            None => Shown::Nothing,
            Some(lead) => match self.preview.cached(lead) {
                Some((whole, _)) => Shown::Whole(whole.row()),
                None => Shown::Waiting(lead),
            },
        }
    }

    /// `p`: the pane on or off. Turned on, it asks for the selected lead at once (one deliberate key).
    pub(super) fn toggle_preview(&mut self) -> Vec<ApiRequest> {
        self.preview.open = !self.preview.open;
        let rows = self.list_rows();
        self.list.fit_window(rows);
        if !self.preview.open {
            self.preview.lead = None;
            self.preview.still_since = None;
            if self.focus == super::Focus::Preview {
                self.focus = super::Focus::List;
            }
            return self.preview.cancel().into_iter().collect();
        }
        self.follow_selection();
        self.fetch_preview()
    }

    /// `P`: the pane beside the list or below it, from where it is now; kept for the session.
    pub(super) fn switch_preview_place(&mut self) {
        let place = self.preview_place();
        self.preview.chosen = Some(place.other());
        let rows = self.list_rows();
        self.list.fit_window(rows);
        self.said.notice = Some(match place.other() {
            Place::Right => "Preview beside the list".to_string(),
            Place::Below => "Preview below the list".to_string(),
        });
    }

    /// Called after every message: when the selection is on another lead than the pane's, the pane follows
    /// it, its fetch for the old lead cancelled, and the pause starts over.
    pub(super) fn follow_selection(&mut self) -> Vec<ApiRequest> {
        if !self.preview_shown() {
            return Vec::new();
        }
        let selected = self.list.selected_lead().map(|l| l.id().clone());
        if selected == self.preview.lead {
            return Vec::new();
        }
        self.preview.lead = selected;
        self.preview.still_since = None;
        self.preview.error = None;
        self.preview.scroll = 0;
        self.preview.cancel().into_iter().collect()
    }

    /// A tick: arms the pause for a lead just selected, or asks for it once the pause is over.
    pub(super) fn preview_tick(&mut self, now: DateTime<Utc>) -> Vec<ApiRequest> {
        if !self.preview_shown() || self.preview.request.is_some() || !self.preview_wants_fetch() {
            return Vec::new();
        }
        match self.preview.still_since {
            None => {
                self.preview.still_since = Some(now);
                Vec::new()
            }
            Some(since) if now - since >= PAUSE => self.fetch_preview(),
            Some(_) => Vec::new(),
        }
    }

    /// The selected lead has no whole copy fresh enough, and its last fetch did not fail.
    fn preview_wants_fetch(&self) -> bool {
        let Some(lead) = self.list.selected_lead() else {
            return false;
        };
        self.preview.error.is_none()
            && self
                .preview
                .cached(lead)
                .is_none_or(|(_, at)| self.now - *at >= FRESH_FOR)
    }

    /// Asks for the selected lead, unless it is already on its way or fresh.
    fn fetch_preview(&mut self) -> Vec<ApiRequest> {
        self.preview.still_since = None;
        if self.preview.request.is_some() || !self.preview_wants_fetch() {
            return Vec::new();
        }
        let Some(lead_id) = self.list.selected_lead().map(|l| l.id().to_string()) else {
            return Vec::new();
        };
        let id = self.new_id();
        self.preview.request = Some(id);
        vec![ApiRequest::Get { id, lead_id }]
    }

    /// When the pane next needs a tick: to arm its pause, or when the pause is over.
    pub(super) fn preview_wake(&self) -> Option<DateTime<Utc>> {
        let pending = self.preview_shown() && self.preview.request.is_none() && self.preview_wants_fetch();
        pending.then(|| self.preview.still_since.map_or(self.now, |since| since + PAUSE))
    }

    /// The answer to the pane's fetch (the caller checked that the pane awaits `id`).
    pub(super) fn on_preview_fetched(
        &mut self,
        id: RequestId,
        result: Result<crate::api::types::Lead, crate::api::ApiError>,
    ) {
        if self.preview.request != Some(id) {
            return;
        }
        self.preview.request = None;
        match result {
            Ok(lead) => {
                let view = CompactLead::new(&lead);
                self.list.refresh(&view);
                self.preview.remember(view, self.now);
                self.preview.error = None;
            }
            Err(e) => {
                self.preview.error = Some(crate::sanitize::line(&e.to_string()).into_owned());
            }
        }
    }

    /// Where the pane goes: where the rep put it, else beside the list when the list keeps its width
    /// (beside the sidebar too where the sidebar stays; one shown only while a pane has the keys does not
    /// move the preview).
    pub fn preview_place(&self) -> Place {
        let sidebar = self.width >= super::layout::SIDEBAR_WITH_PREVIEW_FROM;
        self.preview
            .chosen
            .unwrap_or_else(|| super::layout::preview_auto_place(self.width, sidebar))
    }
}

impl App {
    /// The pane's document for the selected lead, `width` columns wide: whole when fetched, else the
    /// list's few fields. With `beside_summary` (the pane's second column) only what follows the summary,
    /// once fetched.
    pub fn preview_document(&self, width: usize, beside_summary: bool) -> Vec<super::detail::DocLine> {
        use super::detail::{Extent, document_of};
        let (lead, extent) = match (self.preview_lead(), beside_summary) {
            (Shown::Whole(lead), false) => (lead, Extent::Glance),
            (Shown::Whole(lead), true) => (lead, Extent::Rest),
            (Shown::Waiting(lead), false) => (lead, Extent::Summary),
            (Shown::Waiting(_) | Shown::Nothing, true) | (Shown::Nothing, false) => return Vec::new(),
        };
        let settings = &self.settings;
        document_of(lead, &settings.tenant, settings.show_names, self.now, width, extent)
    }

    /// The pane's summary, for its first column when it has two.
    pub fn preview_summary(&self, width: usize) -> Vec<super::detail::DocLine> {
        use super::detail::{Extent, document_of};
        match self.preview_lead() {
            Shown::Whole(lead) | Shown::Waiting(lead) => {
                let settings = &self.settings;
                document_of(
                    lead,
                    &settings.tenant,
                    settings.show_names,
                    self.now,
                    width,
                    Extent::Summary,
                )
            }
            Shown::Nothing => Vec::new(),
        }
    }

    /// The moving keys (or the wheel) in the preview: its lines scroll, within what there is.
    pub(super) fn scroll_preview(&mut self, action: crate::keymap::Action, times: usize) {
        use crate::keymap::Action;
        let Some(area) = self.layout().preview else {
            return;
        };
        let (width, rows) = area.text_size();
        let max = self
            .preview_document(width, area.more.is_some())
            .len()
            .saturating_sub(rows);
        let scroll = &mut self.preview.scroll;
        *scroll = match action {
            Action::Down => *scroll + times,
            Action::Up => scroll.saturating_sub(times),
            Action::PageDown => *scroll + rows,
            Action::PageUp => scroll.saturating_sub(rows),
            Action::Top => 0,
            _ => max,
        }
        .min(max);
    }
}
