//! The create form inside the app: opening it, routing keys to it, and the answer to its create.

use crate::text::{display_name, plural};
use crossterm::event::KeyEvent;

use crate::api::types::{Lead, NewLead};
use crate::api::worker::ApiRequest;
use crate::app::action::Effect;
use crate::app::action::FormCommand;
use crate::app::duplicates::{self, Known};
use crate::app::form::{Draft, Form, FormOutcome, Notice};
use crate::app::{App, Focus, Screen};
use crate::keymap::{Action, Context, Keymap};
use crate::model::lead::{CompactLead, LeadRef};
use crate::outbox::{OutboxState, Settled};

/// The status bar's word at start when a draft from last time is waiting: short enough to fit beside the
/// filters in 80 columns.
pub fn draft_kept_notice(keymap: &Keymap) -> String {
    format!(
        "Unsent lead kept: press {}",
        keymap
            .hint_key(Context::Global, Action::NewLead)
            .unwrap_or_else(|| "(no key)".to_string())
    )
}

/// The create form and what it stands on: the draft from last time, the outbox entry it edits, and the
/// leads a new one is checked against.
#[derive(Debug, Clone, Default)]
pub(super) struct NewLeadState {
    /// The create form while it is open.
    pub(super) form: Option<Form>,
    /// A draft from last time, waiting for `n` to open the form with it.
    pub(super) draft: Option<Draft>,
    /// The outbox entry the open form edits (a lead the tenant refused), sent again on submit.
    pub(super) editing: Option<String>,
    /// The outbox entry the form sent in the message being handled: should it not reach the disk, the
    /// form opens again with it.
    pub(super) submitted: Option<String>,
    /// Leads kept on this machine from earlier sessions, for the look-alike check.
    pub(super) known: Vec<CompactLead>,
    /// The known lead the form's lead was last found to look like.
    pub(super) look_alike: Option<Known>,
}

impl App {
    /// Hands the app the leads kept on this machine from earlier sessions (every view's first page), so a
    /// lead typed again is recognised even when its view is not the one open.
    pub fn remember_known(&mut self, leads: &[Lead]) {
        self.new_lead.known = leads.iter().map(CompactLead::new).collect();
    }

    pub(in crate::app) fn open_form(&mut self) {
        if self.new_lead.form.is_none() {
            let profile = &self.settings.tenant;
            let form = match self.new_lead.draft.take() {
                Some(draft) => Form::from_draft(profile, &draft),
                None => Form::with_defaults(profile, &self.settings.form_defaults),
            };
            self.new_lead.form = Some(form.with_submit_key(self.submit_key()));
        }
        self.screen = Screen::Form;
    }

    pub(in crate::app) fn submit_key(&self) -> String {
        self.settings
            .keymap
            .key_label(Context::Form, Action::Form(FormCommand::Submit))
            .unwrap_or_else(|| "(no key)".to_string())
    }

    /// Keeps a draft from last time for `n` to open, and says so. Called before the first key.
    pub fn restore_draft(&mut self, draft: Draft) {
        if draft.fields.is_empty() {
            return;
        }
        self.new_lead.draft = Some(draft);
        self.said.notice = Some(draft_kept_notice(&self.settings.keymap));
    }

    /// The draft to keep on disk: the open form's, else the one waiting for `n`. `None` once the lead was
    /// created or the user discarded the form.
    pub fn draft(&self) -> Option<Draft> {
        match &self.new_lead.form {
            Some(form) => form.draft(),
            None => self.new_lead.draft.clone(),
        }
    }

    /// The draft from last time could not be read back (it was moved aside); shown until the next key.
    pub fn draft_unreadable(&mut self, why: &str) {
        self.said.notice =
            Some(crate::sanitize::line(&format!("Draft from last time not restored: {why}")).into_owned());
    }

    /// Triage marks or the view could not be written to disk: the rep must know they may not last.
    pub fn local_state_failed(&mut self, why: &str) {
        self.said.error = Some(crate::sanitize::line(&format!("Marks not saved: {why}")).into_owned());
    }

    /// The draft could not be written to disk, so a crash now would lose it: the user must know.
    pub fn draft_not_saved(&mut self, why: &str) {
        self.said.error = Some(crate::sanitize::line(&format!("Draft not saved: {why}")).into_owned());
    }

    fn close_form(&mut self) {
        self.new_lead.form = None;
        self.new_lead.editing = None;
        self.outbox.hold(None);
        self.screen = Screen::List;
        self.list.fit_window(self.list_rows());
    }

    /// Every key goes to the form while it is open, so `q` types a q.
    pub(in crate::app) fn on_form_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        if self.new_lead.form.is_none() {
            self.screen = Screen::List;
            return Vec::new();
        }
        let command = self.settings.keymap.form_command(&key);
        // The form is drawn over the body, inside a border: its notes move by the rows drawn there.
        let width = usize::from(self.layout().body.width.saturating_sub(2));
        let Some(form) = self.new_lead.form.as_mut() else {
            return Vec::new();
        };
        form.set_width(width);
        match form.handle_key(key, command) {
            FormOutcome::None => Vec::new(),
            FormOutcome::Cancel => {
                self.close_form();
                Vec::new()
            }
            FormOutcome::Quit => {
                self.quit = true;
                Vec::new()
            }
            FormOutcome::Submit(lead) => self.queue_from_form(*lead, false),
            FormOutcome::SubmitAndNext(lead) => self.queue_from_form(*lead, true),
            FormOutcome::OpenDuplicate => self.open_duplicate(),
            FormOutcome::EditNotes(text) => {
                self.effects.push(Effect::EditNotes(text));
                Vec::new()
            }
        }
    }

    /// The form's lead goes to the outbox (on disk before the form or its draft goes) and is sent in the
    /// background; with `next`, the form opens again at once for the next lead, the sticky fields kept.
    fn queue_from_form(&mut self, lead: NewLead, next: bool) -> Vec<ApiRequest> {
        if let Some(warning) = self.look_alike(&lead)
            && let Some(form) = self.new_lead.form.as_mut()
        {
            form.hold_for_duplicate(&lead, warning);
            return Vec::new();
        }
        let Some(form) = self.new_lead.form.as_ref() else {
            return Vec::new();
        };
        // Whether it may have been sent is the outbox's to know, not the draft's.
        let draft = form.draft().map(|d| Draft {
            may_have_been_sent: false,
            ..d
        });
        let following = next.then(|| form.next_form(&self.settings.tenant, &self.settings.form_defaults));
        let edited = self
            .new_lead
            .editing
            .take()
            .and_then(|key| self.outbox.replace(&key, lead.clone(), draft.clone()));
        let entry = match edited {
            Some(entry) => entry,
            None => self
                .outbox
                .enqueue(uuid::Uuid::new_v4().to_string(), lead, draft, self.now),
        };
        self.effects.push(Effect::PutOutbox(Box::new(entry.clone())));
        self.new_lead.submitted = Some(entry.key.clone());
        let said = format!("Queued {}: sending", entry.name());
        self.close_form();
        match following {
            Some(mut form) => {
                form.set_outcome(Notice::Info(said));
                self.new_lead.form = Some(form);
                self.screen = Screen::Form;
            }
            None => {
                self.focus = Focus::List;
                self.said.notice = Some(said);
            }
        }
        self.pump_outbox()
    }

    /// The notes as the editor left them, into the form (or why not, in its status line).
    pub(in crate::app) fn on_edited(&mut self, result: Result<String, super::action::Outside>) {
        let Some(form) = self.new_lead.form.as_mut() else {
            return;
        };
        match result {
            Ok(text) => form.set_notes(&text),
            Err(why) => form.set_outcome(Notice::Error(crate::sanitize::line(&why.to_string()).into_owned())),
        }
    }

    /// When `lead` looks like a known one the rep was not warned about: what to tell them.
    fn look_alike(&mut self, lead: &NewLead) -> Option<String> {
        if self.new_lead.form.as_ref().is_some_and(|f| f.duplicate_confirmed(lead)) {
            return None;
        }
        let (known, how) = duplicates::find(
            lead,
            self.list.leads().iter(),
            self.outbox.entries(),
            self.new_lead.editing.as_deref(),
        )
        .or_else(|| {
            duplicates::find(lead, self.new_lead.known.iter().map(CompactLead::row), &[], None).map(|(known, how)| {
                match known {
                    Known::Listed(i) => (Known::Kept(i), how),
                    typed => (typed, how),
                }
            })
        })?;
        let name = match &known {
            Known::Listed(_) | Known::Kept(_) => self.known_lead(&known).map(|l| display_name(l.name()).to_string()),
            Known::Typed(key) => self.outbox.get(key).map(|e| format!("{}, typed here", e.name())),
        }
        .unwrap_or_default();
        self.new_lead.look_alike = Some(known);
        let keymap = &self.settings.keymap;
        let label = |command| {
            keymap
                .key_label(Context::Form, Action::Form(command))
                .unwrap_or_else(|| "(no key)".to_string())
        };
        let (send, open) = (label(FormCommand::Submit), label(FormCommand::OpenDuplicate));
        Some(format!(
            "Looks like {name} ({}): {send} again sends anyway · {open} opens it",
            how.word()
        ))
    }

    /// The lead a look-alike found in the list or among those kept from earlier sessions.
    fn known_lead(&self, known: &Known) -> Option<LeadRef<'_>> {
        match known {
            Known::Listed(i) => self.list.leads().get(*i),
            Known::Kept(i) => self.new_lead.known.get(*i).map(CompactLead::row),
            Known::Typed(_) => None,
        }
    }

    /// Shows the known lead the typed one looks like; the form keeps what was typed.
    fn open_duplicate(&mut self) -> Vec<ApiRequest> {
        match self.new_lead.look_alike.clone() {
            Some(known @ (Known::Listed(_) | Known::Kept(_))) => match self.known_lead(&known).map(LeadRef::to_owned) {
                Some(view) => self.open_detail_of(view),
                None => Vec::new(),
            },
            Some(Known::Typed(key)) => {
                // Typed here and already created: the lead itself, when this inbox has it.
                let created = self.outbox.get(&key).and_then(|e| e.server_id.clone());
                let view = created.and_then(|id| {
                    self.list
                        .leads()
                        .iter()
                        .chain(self.new_lead.known.iter().map(CompactLead::row))
                        .find(|l| l.id().is(&id))
                        .map(LeadRef::to_owned)
                });
                if let Some(view) = view {
                    return self.open_detail_of(view);
                }
                self.open_outbox();
                self.outbox_screen.selected = self.outbox_rows().iter().position(|e| e.key == key).unwrap_or(0);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// The rep chose to send an outbox lead again (one not found after its answer was lost, or one whose
    /// wait they cut short).
    pub fn send_again(&mut self, key: &str) -> Vec<ApiRequest> {
        match self.outbox.send_again(key) {
            Some(entry) => {
                self.effects.push(Effect::PutOutbox(Box::new(entry)));
                self.pump_outbox()
            }
            None => Vec::new(),
        }
    }

    /// The next request of the outbox, if one is due and it has room for one; its entry is on disk first.
    pub(in crate::app) fn pump_outbox(&mut self) -> Vec<ApiRequest> {
        let id = self.new_id();
        match self.outbox.next_request(self.now, id) {
            Some((request, entry)) => {
                self.effects.push(Effect::PutOutbox(Box::new(entry)));
                vec![request]
            }
            None => Vec::new(),
        }
    }

    /// What became of a lead the outbox sent or looked for: created leads go on top of the list; the
    /// rest is said in the status bar. Then the next lead's turn.
    pub(in crate::app) fn on_settled(&mut self, settled: Option<Settled>) -> Vec<ApiRequest> {
        let mut out = Vec::new();
        match settled {
            None => return out,
            Some(Settled::Created { entry, lead }) => {
                self.effects.push(Effect::PutOutbox(Box::new(entry)));
                out.extend(self.show_created(&lead));
            }
            Some(Settled::Kept { entry, error }) => {
                if entry.state == OutboxState::Rejected {
                    self.learn_from_refusal(&entry.refused_fields);
                }
                let name = entry.name();
                let why = entry.error.clone().unwrap_or_default();
                let outbox = self
                    .keymap()
                    .hint_key(Context::Global, Action::Outbox)
                    .unwrap_or_else(|| "the outbox".to_string());
                match entry.state {
                    OutboxState::Queued => {
                        self.waiting = Some((why.clone(), String::new()));
                    }
                    OutboxState::Rejected if self.new_lead.form.is_none() && self.outbox.is_own(&entry.key) => {
                        self.reopen_refused(&entry, error.as_ref());
                    }
                    OutboxState::Rejected => {
                        if let Some(form) = self.new_lead.form.as_mut() {
                            form.set_outcome(Notice::Warning(format!(
                                "Not accepted: {name}: {outbox} (the outbox) afterwards to fix it"
                            )));
                        }
                        self.said.error = Some(format!("Not accepted: {name}: {why}"));
                    }
                    OutboxState::Unknown => {
                        self.said.error = Some(format!("Not sure {name} was created: {outbox} to decide"));
                    }
                    _ => {}
                }
                self.effects.push(Effect::PutOutbox(Box::new(entry)));
            }
        }
        out.extend(self.pump_outbox());
        self.say_waiting();
        out
    }

    /// "2 leads waiting to be sent: why", kept true to the outbox as it drains (and gone once it is empty),
    /// unless something else has been said since.
    pub(in crate::app) fn say_waiting(&mut self) {
        let Some((why, said)) = self.waiting.take() else {
            return;
        };
        let ours = said.is_empty() || self.said.error.as_deref() == Some(said.as_str());
        if !ours {
            return;
        }
        match self.outbox.pending() {
            0 => self.said.error = None,
            n => {
                let text = format!("{} waiting to be sent: {why}", plural(n, "lead"));
                self.said.error = Some(text.clone());
                self.waiting = Some((why, text));
            }
        }
    }

    /// A lead the tenant refused back in the form, with the tenant's word on its fields; sent again from
    /// there.
    pub(in crate::app) fn reopen_refused(
        &mut self,
        entry: &crate::outbox::OutboxEntry,
        error: Option<&crate::api::ApiError>,
    ) {
        let mut form = match &entry.draft {
            Some(draft) => Form::from_draft(&self.settings.tenant, draft),
            None => Form::new(&self.settings.tenant),
        };
        if let Some(error) = error {
            form.apply_error(error);
        }
        self.new_lead.form = Some(form.with_submit_key(self.submit_key()));
        self.new_lead.editing = Some(entry.key.clone());
        self.screen = Screen::Form;
        self.said.error = Some(format!("Not accepted: {}: fix it and send again", entry.name()));
    }

    /// A created lead on top of the list, selected; the filters are cleared when they would hide it.
    fn show_created(&mut self, lead: &Lead) -> Vec<ApiRequest> {
        let query = self.list.query();
        let shown = query.status.as_ref().is_none_or(|s| *s == lead.status)
            && query
                .assigned_to
                .as_ref()
                .is_none_or(|a| lead.assigned_to.as_ref() == Some(a));
        // A lead the filters would hide is shown in the unfiltered list instead of among leads it does not match.
        let out = if shown {
            Vec::new()
        } else {
            self.restart_list(None, None)
        };
        self.note_assignees(std::slice::from_ref(lead));
        // The new lead shows on top whatever was searched for.
        self.search.active = None;
        self.search.typing = None;
        self.list.insert_top(lead);
        // The view's rule holds for the rows it showed before: a done lead does not come back.
        self.refresh_shown(false);
        if let Some(row) = self.list.row_of(&lead.id) {
            self.list.select(row, self.list_rows());
        }
        self.list.fit_window(self.list_rows());
        if self.outbox.pending() == 0 {
            self.said.error = None;
        }
        let name = lead.full_name();
        let name = if name.trim().is_empty() {
            crate::text::short_id(&lead.id)
        } else {
            crate::sanitize::line(&name).into_owned()
        };
        let said = if shown {
            format!("Created lead {name}")
        } else {
            format!("Created lead {name} · filters cleared to show it")
        };
        // Typing the next lead: its form says what became of this one.
        if let Some(form) = self.new_lead.form.as_mut() {
            form.set_outcome(Notice::Info(said.clone()));
        }
        self.said.notice = Some(said);
        out
    }
}
