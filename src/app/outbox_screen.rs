//! The outbox screen: the leads typed here that are not created yet (and those created this session),
//! where each stands, and what the rep can do about one: edit it, send it now, or drop it.

use crate::api::worker::ApiRequest;
use crate::app::action::{Action, Effect};
use crate::app::form::Form;
use crate::app::{App, Screen};
use crate::outbox::{OutboxEntry, OutboxState};

/// At most this many created leads are listed under the ones still waiting.
const SENT_SHOWN: usize = 50;

/// The outbox screen's own state: the row selected and a drop waiting to be confirmed.
#[derive(Debug, Clone, Default)]
pub(super) struct OutboxScreen {
    /// The row selected in the outbox screen.
    pub(super) selected: usize,
    /// The outbox entry `x` was pressed on once: the next `x` on it drops it.
    pub(super) drop_asked: Option<String>,
}

impl App {
    /// Hands the app the outbox kept from earlier sessions (called before the first key); sending resumes
    /// with the first tick.
    pub fn restore_outbox(&mut self, entries: Vec<OutboxEntry>) {
        self.outbox = crate::outbox::Outbox::restore(entries);
    }

    /// The outbox's rows: leads waiting (oldest first), then leads created (newest first).
    pub fn outbox_rows(&self) -> Vec<&OutboxEntry> {
        let entries = self.outbox.entries();
        let waiting = entries.iter().filter(|e| e.state != OutboxState::Sent);
        let sent = entries
            .iter()
            .rev()
            .filter(|e| e.state == OutboxState::Sent)
            .take(SENT_SHOWN);
        waiting.chain(sent).collect()
    }

    /// The selected row of the outbox.
    pub fn outbox_selected(&self) -> usize {
        self.outbox_screen
            .selected
            .min(self.outbox_rows().len().saturating_sub(1))
    }

    fn selected_entry(&self) -> Option<OutboxEntry> {
        self.outbox_rows().get(self.outbox_selected()).map(|e| (*e).clone())
    }

    pub(in crate::app) fn open_outbox(&mut self) {
        self.screen = Screen::Outbox;
        self.outbox_screen.selected = 0;
        self.outbox_screen.drop_asked = None;
    }

    /// An action on the outbox screen; `None` for those it leaves to the rest of the app.
    pub(in crate::app) fn on_outbox_action(&mut self, action: Action, times: usize) -> Option<Vec<ApiRequest>> {
        let asked_drop = self.outbox_screen.drop_asked.take();
        let last = self.outbox_rows().len().saturating_sub(1);
        let selected = self.outbox_selected();
        match action {
            Action::Back | Action::Outbox => self.screen = Screen::List,
            Action::Down | Action::PageDown => self.outbox_screen.selected = (selected + times).min(last),
            Action::Up | Action::PageUp => self.outbox_screen.selected = selected.saturating_sub(times),
            Action::Top => self.outbox_screen.selected = 0,
            Action::Bottom => self.outbox_screen.selected = last,
            Action::Open => self.edit_outbox_entry(),
            Action::SendAgain => {
                let entry = self.selected_entry()?;
                let out = self.send_again(&entry.key);
                if self
                    .outbox
                    .get(&entry.key)
                    .is_some_and(|e| e.state == OutboxState::Queued)
                {
                    self.said.notice = Some(format!("Sending {}", entry.name()));
                } else {
                    self.said.notice = Some(format!("{} is {}", entry.name(), state_word(entry.state)));
                }
                return Some(out);
            }
            Action::Drop => {
                let entry = self.selected_entry()?;
                if asked_drop.as_deref() != Some(entry.key.as_str()) {
                    let key = self
                        .keymap()
                        .hint_key(crate::keymap::Context::Outbox, Action::Drop)
                        .unwrap_or_default();
                    self.said.notice = Some(format!("{key} again drops {} for good", entry.name()));
                    self.outbox_screen.drop_asked = Some(entry.key);
                } else if let Some(removed) = self.outbox.remove(&entry.key) {
                    self.effects.push(Effect::RemoveOutbox {
                        key: removed.key,
                        rev: removed.rev,
                    });
                    self.said.notice = Some(format!("Dropped {}", entry.name()));
                } else {
                    self.said.notice = Some(format!(
                        "{} is {}: it cannot be dropped",
                        entry.name(),
                        state_word(entry.state)
                    ));
                }
            }
            Action::Quit | Action::ToggleHelp | Action::NewLead => return None,
            _ => {}
        }
        Some(Vec::new())
    }

    /// Opens the selected lead in the form; it is held back from sending until the form is sent or closed.
    fn edit_outbox_entry(&mut self) {
        let Some(entry) = self.selected_entry() else {
            return;
        };
        let editable = matches!(
            entry.state,
            OutboxState::Queued | OutboxState::Rejected | OutboxState::Unknown
        ) && !self.outbox.in_flight_is(&entry.key);
        if !editable || self.new_lead.form.is_some() {
            self.said.notice = Some(if self.new_lead.form.is_some() {
                "Another lead is open in the form: send or close it first".to_string()
            } else {
                format!("{} is {}: it cannot be edited", entry.name(), state_word(entry.state))
            });
            return;
        }
        let form = match &entry.draft {
            Some(draft) => Form::from_draft(&self.settings.tenant, draft),
            None => Form::new(&self.settings.tenant),
        };
        self.new_lead.form = Some(form.with_submit_key(self.submit_key()));
        self.outbox.hold(Some(entry.key.clone()));
        self.new_lead.editing = Some(entry.key);
        self.screen = Screen::Form;
    }
}

/// How the outbox screen names a state.
pub fn state_word(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Queued => "queued",
        OutboxState::Sending => "sending",
        OutboxState::Checking => "checking",
        OutboxState::Unknown => "not found",
        OutboxState::Rejected => "refused",
        OutboxState::Sent => "created",
    }
}
