//! The clock: what a tick does (the spinner, retries, the outbox, the poll) and when the next one matters.

use chrono::{DateTime, Utc};

use super::App;
use crate::api::types::ListQuery;
use crate::api::worker::ApiRequest;

impl App {
    pub(super) fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<ApiRequest> {
        self.now = now;
        if self.busy() {
            self.spinner = self.spinner.wrapping_add(1);
        }
        let mut out = match self.list.retry_due(now) {
            Some(cursor) => self.request_page(cursor),
            None => Vec::new(),
        };
        out.extend(self.pump_outbox());
        if self.poller.is_due(now) && !self.list.is_first_load() {
            let id = self.new_id();
            let limit = self.poller.limit(self.settings.page_size);
            self.poller.sent(id, now, limit);
            out.push(ApiRequest::List {
                id,
                query: ListQuery {
                    limit: Some(limit),
                    ..self.list.query().clone()
                },
                cursor: self.poller.cursor().map(str::to_string),
            });
        }
        out
    }

    /// When the clock next changes what is shown or asked for, if nothing else happens first: the next
    /// poll, a failed page's retry, or an age on screen turning ("5m" to "6m"). An idle inbox sleeps until
    /// then.
    pub fn next_wake(&self) -> DateTime<Utc> {
        [
            self.poller.due(),
            self.list.retry_at(),
            self.outbox.next_due(),
            self.preview_wake(),
        ]
        .into_iter()
        .flatten()
        .fold(self.ages_change_after(self.now), DateTime::min)
    }

    /// The first moment after `at` when an age drawn (the list's rows on screen, the detail's lead) reads
    /// differently. An inbox of leads hours old is drawn again hourly, not every minute.
    pub fn ages_change_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let rows = self.list_rows();
        let listed = (self.list.offset()..self.list.offset() + rows).filter_map(|r| self.list.lead_at(r));
        let detail = self.detail.as_ref().map(|d| d.view.row());
        listed
            .chain(detail)
            .map(|l| crate::text::age_changes_at(l.created_at(), at))
            .min()
            // Nothing shows an age: the clock matters only for the poll.
            .unwrap_or(at + chrono::Duration::hours(1))
    }
}
