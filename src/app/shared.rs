//! The profile shared with other leadbox processes: who sends the outbox, what the others changed in the
//! state file (entries queued, sent or dropped; marks), and an outbox entry that could not be kept on disk.

use std::collections::HashMap;

use super::form::{Form, Notice};
use super::outbox::{Moved, OutboxEntry, OutboxState};
use super::{App, CompactId, Screen};
use crate::api::worker::{ApiRequest, RequestId};
use crate::model::Marks;
use crate::store::sender::Sender;

impl App {
    /// Who sends the outbox, as the event loop last found.
    pub fn sender(&self) -> Sender {
        self.sender
    }

    /// Another leadbox took or gave up the profile's sender lock, or this one took it.
    pub(in crate::app) fn on_sender(&mut self, sender: Sender) -> Vec<ApiRequest> {
        let was = self.sender;
        self.sender = sender;
        self.outbox.set_sending(sender == Sender::Me);
        match (was, sender) {
            (Sender::Me, Sender::Other(pid)) => {
                self.said.notice = Some(format!(
                    "Another leadbox{} has this profile open and sends its outbox; leads typed here are \
                     queued for it",
                    pid_text(pid)
                ));
            }
            (Sender::Other(_), Sender::Me) if self.outbox.pending() > 0 => {
                self.said.notice = Some("The other leadbox has stopped: this one sends the outbox now".to_string());
            }
            _ => {}
        }
        self.pump_outbox()
    }

    /// The state file as other processes left it: their outbox changes and marks are taken in.
    pub(in crate::app) fn on_shared(
        &mut self,
        outbox: Option<Vec<OutboxEntry>>,
        marks: Option<HashMap<String, Marks>>,
    ) -> Vec<ApiRequest> {
        if let Some(marks) = marks {
            let marks: HashMap<CompactId, Marks> = marks.into_iter().map(|(id, m)| (CompactId::new(&id), m)).collect();
            if marks != *self.triage.marks {
                self.triage.marks.replace(marks);
                self.refresh_shown(false);
                self.unread = self.count_unread();
            }
        }
        let Some(entries) = outbox else {
            return Vec::new();
        };
        for moved in self.outbox.merge(entries) {
            self.say_moved(&moved);
        }
        let rows = self.outbox_rows().len();
        self.outbox_screen.selected = self.outbox_screen.selected.min(rows.saturating_sub(1));
        let out = self.pump_outbox();
        self.say_waiting();
        out
    }

    /// What another leadbox did with a lead typed here, in the status bar.
    fn say_moved(&mut self, moved: &Moved) {
        if !moved.own || moved.was.is_none() {
            return;
        }
        if moved.entry.state == OutboxState::Rejected {
            self.learn_from_refusal(&moved.entry.refused_fields);
        }
        let name = moved.entry.name();
        let by = match self.sender {
            Sender::Other(pid) => format!(" by the other leadbox{}", pid_text(pid)),
            Sender::Me => String::new(),
        };
        match moved.entry.state {
            OutboxState::Sent => {
                if self.outbox.pending() == 0 {
                    self.said.error = None;
                }
                self.said.notice = Some(format!("Created lead {name}{by}"));
            }
            OutboxState::Rejected if self.new_lead.form.is_none() => {
                // Typed here, refused by the tenant when another leadbox sent it: back in this form, with
                // the tenant's word on its fields, as if this process had sent it.
                let error = crate::api::ApiError::Validation {
                    message: moved.entry.error.clone().unwrap_or_default(),
                    details: moved.entry.refused_fields.clone(),
                };
                self.reopen_refused(&moved.entry, Some(&error));
            }
            OutboxState::Rejected => {
                let why = moved.entry.error.clone().unwrap_or_default();
                self.said.error = Some(format!("Not accepted: {name}: {why}"));
            }
            OutboxState::Unknown => {
                self.said.error = Some(format!("Not sure {name} was created: the outbox decides"));
            }
            _ => {}
        }
    }

    /// An outbox entry could not be written, so nothing was sent for it. A lead that never reached the
    /// disk goes back into the form as typed; one another leadbox changed first is read again.
    pub(in crate::app) fn on_not_kept(
        &mut self,
        key: &str,
        why: &str,
        conflict: bool,
        dropped: &[RequestId],
    ) -> Vec<ApiRequest> {
        for id in dropped {
            self.outbox.abandon(*id);
        }
        let from_form = self.new_lead.submitted.as_deref() == Some(key);
        if !conflict && !from_form {
            // Sent in the background: trying again at once would only fail again.
            self.outbox
                .pause_until(self.now + chrono::Duration::seconds(LOCAL_RETRY_SECS));
        }
        let why = crate::sanitize::line(why).into_owned();
        let Some(entry) = self.outbox.get(key).cloned() else {
            self.said.error = Some(format!("Not kept on disk: {why}"));
            return Vec::new();
        };
        // Just sent from the form (a "send and next" form holds only fields kept from this one).
        if from_form {
            // Just sent from the form: it opens again as typed, and nothing of it went anywhere.
            let said = if conflict {
                format!(
                    "Not sent: {} was changed by another leadbox meanwhile ({why})",
                    entry.name()
                )
            } else {
                format!("Not sent: the lead could not be kept on disk ({why})")
            };
            if entry.rev <= 1 {
                self.outbox.forget(key);
            } else {
                self.new_lead.editing = Some(key.to_string());
                self.outbox.hold(Some(key.to_string()));
            }
            self.reopen_form(&entry, &said);
            return Vec::new();
        }
        if conflict {
            self.said.error = Some(format!(
                "{} was changed by another leadbox first: the outbox shows it as it is now",
                entry.name()
            ));
        } else {
            self.said.error = Some(format!("Not sent: {} could not be kept on disk ({why})", entry.name()));
        }
        Vec::new()
    }

    /// The form again, as it was when `entry` was sent from it, with `said` in its status line.
    fn reopen_form(&mut self, entry: &OutboxEntry, said: &str) {
        let mut form = match &entry.draft {
            Some(draft) => Form::from_draft(&self.settings.tenant, draft),
            None => Form::new(&self.settings.tenant),
        };
        form.set_outcome(Notice::Error(said.to_string()));
        self.new_lead.form = Some(form.with_submit_key(self.submit_key()));
        self.screen = Screen::Form;
        self.said.error = Some(said.to_string());
    }
}

/// How long the outbox waits after the disk refused one of its writes before it tries again.
const LOCAL_RETRY_SECS: i64 = 5;

fn pid_text(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}
