//! The detail screen: opening a lead (seen from then on) and asking for its freshest copy, stepping to the
//! next or previous lead in place, and going back to the list where it was.

use super::detail::{self, DetailState};
use super::{App, Effect, Screen};
use crate::api::worker::ApiRequest;
use crate::model::{CompactLead, LeadRef, Marks};

impl App {
    pub(super) fn detail_line_count(&self) -> usize {
        let (width, _) = self.layout().detail_text_size();
        self.detail.as_ref().map_or(0, |d| {
            detail::document(
                d.view.row(),
                &self.settings.tenant,
                self.settings.show_names,
                self.now,
                width,
            )
            .len()
        })
    }

    pub(super) fn open_detail(&mut self) -> Vec<ApiRequest> {
        match self.list.selected_lead().map(LeadRef::to_owned) {
            Some(view) => self.open_detail_of(view),
            None => Vec::new(),
        }
    }

    /// Opens `view`'s detail at once and asks for its freshest copy.
    pub(in crate::app) fn open_detail_of(&mut self, view: CompactLead) -> Vec<ApiRequest> {
        let marks = self.marks_of(view.id());
        if !marks.seen {
            // Seen once opened; the list keeps its place (an unread filter would jump under the rep).
            self.triage
                .marks
                .insert(view.id().clone(), Marks { seen: true, ..marks });
            self.unread = self.unread.saturating_sub(1);
            self.effects.push(Effect::SaveMarks {
                lead_id: view.id().to_string(),
                before: marks,
                marks: Marks { seen: true, ..marks },
            });
        }
        let id = self.new_id();
        let lead_id = view.id().to_string();
        self.detail = Some(DetailState {
            view,
            request: Some(id),
            refreshed: false,
            error: None,
            scroll: 0,
        });
        self.screen = Screen::Detail;
        vec![ApiRequest::Get { id, lead_id }]
    }

    /// `J`/`K` in the detail: the next or previous lead of the list, opened in place. At the last loaded lead
    /// with more to come, the next page is asked for and the lead opens when it arrives.
    pub(super) fn step_detail(&mut self, delta: isize) -> Vec<ApiRequest> {
        if self.screen == Screen::List && self.focus == super::Focus::Preview {
            // Reading the preview: the next lead comes into it, the keys stay with it.
            let rows = self.list_rows();
            self.list.move_by(delta, rows);
            return self.prefetch();
        }
        if self.screen != Screen::Detail {
            return Vec::new();
        }
        let rows = self.list_rows();
        let at = self.list.selected();
        let target = at.saturating_add_signed(delta);
        if delta > 0 && target >= self.list.len() {
            if self.list.has_more() {
                self.step_when_loaded = true;
                self.said.notice = Some("Loading the next leads…".to_string());
                return match self.list.wants_page(usize::MAX) {
                    Some(cursor) => self.request_page(cursor),
                    None => Vec::new(),
                };
            }
            self.said.notice = Some("This is the last lead".to_string());
            return Vec::new();
        }
        if target == at {
            self.said.notice = Some("This is the first lead".to_string());
            return Vec::new();
        }
        let mut out = match self.detail.take().and_then(|d| d.request) {
            Some(id) => vec![ApiRequest::Cancel { id }],
            None => Vec::new(),
        };
        self.list.select(target, rows);
        out.extend(self.open_detail());
        out.extend(self.prefetch());
        out
    }

    /// Back to the list, exactly where it was; a refresh still in flight is no longer wanted.
    pub(super) fn leave_detail(&mut self) -> Vec<ApiRequest> {
        if self.screen != Screen::Detail {
            return Vec::new();
        }
        self.screen = Screen::List;
        let rows = self.list_rows();
        self.list.fit_window(rows);
        match self.detail.take().and_then(|d| d.request) {
            Some(id) => vec![ApiRequest::Cancel { id }],
            None => Vec::new(),
        }
    }
}
