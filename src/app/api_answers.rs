//! The API's answers: pages of the list, the poll's look for new leads (and the alert it may raise), a
//! lead's fresh copy, and the outbox's creates and look-ups.

use super::{App, Effect, Screen, page_key, views};
use crate::api::ApiError;
use crate::api::types::{Lead, Page};
use crate::api::worker::{ApiEvent, ApiRequest};
use crate::model::{CompactLead, LeadRef};

impl App {
    pub(super) fn on_api(&mut self, event: ApiEvent) -> Vec<ApiRequest> {
        self.note_reach(&event);
        match event {
            ApiEvent::Listed { id, result, .. } if self.poller.take_answer(id) => {
                self.on_poll_answer(result);
                Vec::new()
            }
            ApiEvent::Listed { id, result, .. } if self.refresh.page == Some(id) => {
                self.on_refresh_page(result);
                Vec::new()
            }
            ApiEvent::FetchedMany { id, results } if self.refresh.rows == Some(id) => {
                self.on_refresh_rows(results);
                Vec::new()
            }
            ApiEvent::FetchedMany { id, results } => self.on_export_read(id, results),
            ApiEvent::Listed { id, cursor, result } => {
                if !self.list.awaits(id) {
                    tracing::debug!(id, "dropping the answer to a list request no longer awaited");
                    return Vec::new();
                }
                match result {
                    Ok(page) => {
                        tracing::debug!(id, ?cursor, leads = page.data.len(), "page arrived");
                        self.said.error = None;
                        self.tenant_answered();
                        self.note_assignees(&page.data);
                        // The poll clock runs from the first page's arrival: it is itself a fresh look.
                        if cursor.is_none() {
                            self.poller.restart_clock(self.now);
                            // What the first frame of the next start shows: a screenful or so, not a
                            // mirror's page of a thousand leads to read before anything is drawn.
                            let kept = self.settings.page_size as usize;
                            self.effects.push(Effect::CachePage {
                                key: page_key(self.list.query()),
                                leads: page.data.iter().take(kept).cloned().collect(),
                            });
                        }
                        self.list.accept_page(cursor.as_deref(), page);
                        self.list.fit_window(self.list_rows());
                        self.refresh_shown(false);
                        if self.load_all && !self.list.has_more() {
                            self.load_all = false;
                            self.said.notice = Some(format!(
                                "All {} leads loaded",
                                crate::text::count(self.list.leads().len())
                            ));
                        }
                        let mut out = self.prefetch();
                        if std::mem::take(&mut self.step_when_loaded) && self.screen == Screen::Detail {
                            out.extend(self.step_detail(1));
                        }
                        out
                    }
                    Err(e) => {
                        self.said.error = Some(crate::sanitize::line(&e.to_string()).into_owned());
                        self.list.page_failed(self.now);
                        Vec::new()
                    }
                }
            }
            ApiEvent::FetchedKept { id, lead, .. } => self.on_fetched(id, Ok(lead)),
            ApiEvent::Fetched { id, result } => self.on_fetched(id, result),
            ApiEvent::Created { id, result } if self.outbox.awaits(id) => {
                let settled = self.outbox.on_created(id, result, self.now);
                self.on_settled(settled)
            }
            ApiEvent::Created { id, .. } => {
                tracing::debug!(id, "dropping the answer to a create no longer awaited");
                Vec::new()
            }
            ApiEvent::Found { id, result } => {
                let settled = self.outbox.on_found(id, result, self.now);
                self.on_settled(settled)
            }
        }
    }

    /// The first page asked for again: leads not listed yet go on top. A failure is said once (the same
    /// failure every 30 s is not news) and leaves the list as it was.
    /// A list came back from the tenant (not from the mirror, which proves nothing of it): a lead the
    /// outbox holds back for a while after failures goes at once.
    fn tenant_answered(&mut self) {
        if !self.mirror_whole() {
            self.outbox.tenant_answered(self.now);
        }
    }

    pub(super) fn on_poll_answer(&mut self, result: Result<Page<Lead>, ApiError>) {
        match result {
            Ok(page) => {
                self.tenant_answered();
                let mut news = false;
                if let Some(old) = self.poller.succeeded()
                    && self.said.error.as_deref() == Some(old.as_str())
                {
                    self.said.error = None;
                    news = true;
                }
                news |= self.note_assignees(&page.data);
                let got = page.data.len();
                let next = page.continuation().map(str::to_string);
                let placed = self.take_first_page(page.data);
                let added = placed.len();
                self.poller.answered(got, added, next.as_deref(), self.now);
                self.unchanged = !news && added == 0 && self.list.updated() == 0;
                tracing::debug!(added, "poll answered");
                self.alert(&placed);
                if added > 0 {
                    self.said.notice = Some(match added {
                        1 => "1 new lead".to_string(),
                        n => format!("{n} new leads"),
                    });
                }
            }
            Err(e) => {
                let text = crate::sanitize::line(&e.to_string()).into_owned();
                tracing::debug!(error = %text, "poll failed");
                if self.poller.failed(&text) {
                    self.said.error = Some(text);
                }
            }
        }
    }

    /// A lead read whole: for a command waiting on it, the preview, or the detail.
    fn on_fetched(&mut self, id: crate::api::worker::RequestId, result: Result<Lead, ApiError>) -> Vec<ApiRequest> {
        if let Some(out) = self.on_command_lead(id, &result) {
            return out;
        }
        if self.preview.request() == Some(id) {
            self.on_preview_fetched(id, result);
            return Vec::new();
        }
        let Some(detail) = self.detail.as_mut().filter(|d| d.request == Some(id)) else {
            return Vec::new();
        };
        detail.request = None;
        match result {
            Ok(lead) => {
                let view = CompactLead::new(&lead);
                detail.view = view.clone();
                detail.refreshed = true;
                detail.error = None;
                self.said.error = None;
                // The row is the lead as this list keeps its leads; the detail and the preview, whole.
                let row = CompactLead::new(&self.as_listed(lead));
                self.list.refresh(&row);
                // Back on the list, the preview shows this copy at once.
                self.preview.remember(view, self.now);
            }
            Err(e) => {
                let text = crate::sanitize::line(&e.to_string()).into_owned();
                detail.error = Some(text.clone());
                self.said.error = Some(text);
            }
        }
        Vec::new()
    }

    /// Merges a first page asked for again (a poll, a refresh): leads not listed yet join where they
    /// belong, listed ones it holds changed are replaced, and the screen holds still under a rep who moved
    /// down. Returns where the new leads went.
    pub(super) fn take_first_page(&mut self, data: Vec<Lead>) -> Vec<usize> {
        let at_top = self.list.selected() == 0 && self.list.offset() == 0;
        let row_on_screen = self.list.selected() - self.list.offset().min(self.list.selected());
        let placed = self.list.insert_new(data, self.list_rows());
        if self.list.updated() > 0 {
            // A status or an assignee changed elsewhere: what the view shows may change with it.
            self.refresh_shown(false);
        }
        if !placed.is_empty() {
            self.refresh_shown(false);
            if at_top {
                // A rep who has not moved sees the newest lead on top, selected.
                self.list.select(0, self.list_rows());
            } else {
                let mut sorted = placed.clone();
                sorted.sort_unstable();
                self.list.hold_window(row_on_screen, &sorted, self.list_rows());
            }
        }
        placed
    }

    /// Announces the new leads (at `placed` in the list) that belong in the alert's view, when alerts are on.
    pub(super) fn alert(&mut self, placed: &[usize]) {
        let added = placed.len();
        let alerts = &self.settings.alerts;
        if added == 0 || (!alerts.bell && alerts.notify == views::Notify::None) {
            return;
        }
        let view = match &alerts.view {
            Some(name) => self.views.iter().find(|v| &v.name == name),
            None => self.views.first(),
        };
        let Some(view) = view else {
            return;
        };
        let matching: Vec<LeadRef<'_>> = placed
            .iter()
            .filter_map(|&i| self.list.leads().get(i))
            .filter(|l| view.admits_new(*l))
            .collect();
        let Some(first) = matching.first() else {
            return;
        };
        let who = if first.name().is_empty() {
            "(no name)"
        } else {
            first.name()
        };
        let text = match matching.len() {
            1 => format!("New lead in {}: {who}", view.name),
            n => format!("{n} new leads in {}, newest {who}", view.name),
        };
        self.effects.push(Effect::Alert {
            bell: alerts.bell,
            notify: alerts.notify,
            text: crate::sanitize::line(&text).into_owned(),
        });
    }
}
