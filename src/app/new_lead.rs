//! The create form inside the app: opening it, routing keys to it, and the answer to its create.

use crossterm::event::KeyEvent;

use crate::api::error::ApiError;
use crate::api::types::Lead;
use crate::api::worker::{ApiRequest, RequestId};
use crate::app::action::FormCommand;
use crate::app::form::{Draft, Form, FormAction};
use crate::app::keymap::{Action, Context, Keymap};
use crate::app::{App, Focus, Screen, list_rows};

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

impl App {
    pub(in crate::app) fn open_form(&mut self) {
        if self.form.is_none() {
            let profile = &self.settings.profile;
            let form = match self.pending_draft.take() {
                Some(draft) => Form::from_draft(profile, &draft),
                None => Form::new(profile),
            };
            let submit = self
                .settings
                .keymap
                .key_label(Context::Form, Action::Form(FormCommand::Submit))
                .unwrap_or_else(|| "(no key)".to_string());
            self.form = Some(form.with_submit_key(submit));
        }
        self.screen = Screen::Form;
    }

    /// Keeps a draft from last time for `n` to open, and says so. Called before the first key.
    pub fn restore_draft(&mut self, draft: Draft) {
        if draft.fields.is_empty() {
            return;
        }
        self.pending_draft = Some(draft);
        self.notice = Some(draft_kept_notice(&self.settings.keymap));
    }

    /// The draft to keep on disk: the open form's, else the one waiting for `n`. `None` once the lead was
    /// created or the user discarded the form.
    pub fn draft(&self) -> Option<Draft> {
        match &self.form {
            Some(form) => form.draft(),
            None => self.pending_draft.clone(),
        }
    }

    /// The draft from last time could not be read back (it was moved aside); shown until the next key.
    pub fn draft_unreadable(&mut self, why: &str) {
        self.notice = Some(crate::sanitize::line(&format!("Draft from last time not restored: {why}")).into_owned());
    }

    /// Triage marks or the view could not be written to disk: the rep must know they may not last.
    pub fn local_state_failed(&mut self, why: &str) {
        self.error = Some(crate::sanitize::line(&format!("Marks not saved: {why}")).into_owned());
    }

    /// The draft could not be written to disk, so a crash now would lose it: the user must know.
    pub fn draft_not_saved(&mut self, why: &str) {
        self.error = Some(crate::sanitize::line(&format!("Draft not saved: {why}")).into_owned());
    }

    fn close_form(&mut self) {
        self.form = None;
        self.screen = Screen::List;
        self.list.fit_window(list_rows(self.height));
    }

    /// Every key goes to the form while it is open, so `q` types a q.
    pub(in crate::app) fn on_form_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        let Some(form) = self.form.as_mut() else {
            self.screen = Screen::List;
            return Vec::new();
        };
        let command = self.settings.keymap.form_command(&key);
        match form.handle_key(key, command) {
            FormAction::None => Vec::new(),
            FormAction::Cancel => {
                self.close_form();
                Vec::new()
            }
            FormAction::Quit => {
                self.quit = true;
                Vec::new()
            }
            FormAction::Submit(lead) => {
                let id = self.new_id();
                if let Some(form) = self.form.as_mut() {
                    form.mark_sending(id);
                }
                vec![ApiRequest::Create { id, lead: *lead }]
            }
        }
    }

    /// The answer to the form's create: the lead goes to the top of the list, selected, or the form says
    /// what went wrong and keeps the draft. Answers to anything but the pending request are dropped.
    pub(in crate::app) fn on_created(&mut self, id: RequestId, result: Result<Lead, ApiError>) -> Vec<ApiRequest> {
        let Some(form) = self.form.as_mut().filter(|f| f.pending_request() == Some(id)) else {
            tracing::debug!(id, "dropping the answer to a create no longer awaited");
            return Vec::new();
        };
        let lead = match result {
            Ok(lead) => lead,
            Err(error) => {
                form.apply_error(&error);
                return Vec::new();
            }
        };
        self.close_form();
        self.focus = Focus::List;
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
        self.note_assignees(std::slice::from_ref(&lead));
        // The new lead shows on top whatever was searched for.
        self.search = None;
        self.search_input = None;
        self.list.insert_top(&lead);
        self.list.fit_window(list_rows(self.height));
        self.error = None;
        let name = lead.full_name();
        let name = if name.trim().is_empty() {
            crate::app::lead_view::short_id(&lead.id)
        } else {
            crate::sanitize::line(&name).into_owned()
        };
        self.notice = Some(if shown {
            format!("Created lead {name}")
        } else {
            format!("Created lead {name} · filters cleared to show it")
        });
        out
    }
}
