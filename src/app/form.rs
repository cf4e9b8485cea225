//! The create-lead form: a draft of every body field of `POST /leads`, edited from the keyboard.
//!
//! The form is pure state. Keys and pastes go in, a [`FormAction`] comes out, and the app turns a
//! `Submit` into an API request. Every rule comes from [`crate::rules`], so the form and the sandbox agree on
//! what a valid lead is; the form adds only what the rules cannot know: how a typed string becomes a JSON value
//! (a number, `key=value` pairs) and that a required choice was never made.

use std::collections::BTreeMap;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use serde_json::Value;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use crate::api::error::ApiError;
use crate::api::types::{FieldDetail, Lead, LeadSource, NewLead};
use crate::api::worker::{ApiRequest, RequestId};
use crate::app::keymap::{self, Action, Context};
use crate::rules::{self, TextField};
use crate::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};

/// What the app should do after the form handled a key.
#[derive(Debug, Clone, PartialEq)]
pub enum FormAction {
    None,
    /// Close the form; the draft may be dropped (the user confirmed, or nothing was typed).
    Cancel,
    /// Send this lead. The app answers with [`Form::mark_sending`] and the request's id.
    Submit(Box<NewLead>),
    /// Quit the program (Ctrl-C; confirmed first if anything was typed).
    Quit,
}

/// Where the user goes when leaving the form, which a dirty draft asks about first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Close,
    Quit,
}

/// What a key means to the form, before the focused field gives it its exact effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCommand {
    NextField,
    PrevField,
    /// Enter: open or pick in a list, toggle, a new line in notes, the next field, or press the button.
    Activate,
    /// Space: toggle a yes/no field or a multi-select option (types a space in text fields).
    Toggle,
    /// Left/Right on a list field: the previous or next choice (move the cursor in text fields).
    ChoicePrev,
    ChoiceNext,
    Submit,
    Cancel,
    Quit,
}

/// The command the app's keymap gives a key in the form, if any.
pub fn form_command(key: &KeyEvent) -> Option<FormCommand> {
    match keymap::action_for_key(&[Context::Form], key) {
        Some(Action::Form(command)) => Some(command),
        _ => None,
    }
}

/// How many characters a value has once it is sent, and the limit, for fields with a length rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub chars: usize,
    pub max: usize,
}

impl Counter {
    /// Shown from 80% of the limit on.
    pub fn visible(self) -> bool {
        self.chars * 5 >= self.max * 4
    }

    pub fn over(self) -> bool {
        self.chars > self.max
    }
}

/// Which part of the new lead a field fills.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    Text(TextField),
    Source,
    /// `assignedTo` chosen from the roster (a text field fills it when the roster is empty).
    Assignee,
    Attribution,
    /// Index into the profile's custom field definitions.
    Custom(usize),
}

/// A single- or multi-line text input.
#[derive(Debug, Clone, Default)]
pub struct TextInput {
    pub input: Input,
    pub multiline: bool,
    /// Shown dimmed while the field is empty: the format it expects.
    pub placeholder: &'static str,
}

/// One value out of a list. `selected == None` is "none chosen".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// (wire value, label shown)
    pub options: Vec<(String, String)>,
    pub selected: Option<usize>,
    /// Whether "none" is offered (optional fields).
    pub allow_none: bool,
    /// The highlighted row while the list is open; row 0 is "none" when `allow_none`.
    pub open: Option<usize>,
}

impl Choice {
    /// Rows of the open list: "none" first when allowed, then the options.
    pub fn rows(&self) -> usize {
        self.options.len() + usize::from(self.allow_none)
    }

    /// The option a list row stands for.
    pub fn row_option(&self, row: usize) -> Option<usize> {
        if self.allow_none { row.checked_sub(1) } else { Some(row) }
    }

    fn row_of(&self, option: Option<usize>) -> usize {
        match option {
            Some(i) => i + usize::from(self.allow_none),
            None => 0,
        }
    }

    fn cycle(&mut self, forward: bool) {
        let rows = self.rows();
        if rows == 0 {
            return;
        }
        let row = match (self.selected, forward) {
            // Nothing chosen yet on a required list: either direction lands on an option.
            (None, true) if !self.allow_none => 0,
            (None, false) if !self.allow_none => rows - 1,
            (current, true) => (self.row_of(current) + 1) % rows,
            (current, false) => (self.row_of(current) + rows - 1) % rows,
        };
        self.selected = self.row_option(row);
    }

    pub fn value(&self) -> Option<&str> {
        self.selected.and_then(|i| self.options.get(i)).map(|(v, _)| v.as_str())
    }
}

/// Any number of values out of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiChoice {
    pub options: Vec<String>,
    pub chosen: Vec<bool>,
    pub open: Option<usize>,
}

impl MultiChoice {
    pub fn values(&self) -> Vec<&str> {
        self.options
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(o, _)| o.as_str())
            .collect()
    }
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(TextInput),
    Choice(Choice),
    Multi(MultiChoice),
    /// `None` until the user sets it, so an untouched optional yes/no is not sent.
    Toggle(Option<bool>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: String,
    /// The name the server uses in `details[].field`: `firstName`, `customFields.budget`.
    pub wire: String,
    pub required: bool,
    pub slot: Slot,
    pub kind: FieldKind,
    /// Edited or left at least once: from then on its rule violations show.
    pub touched: bool,
    /// What the server said about this field's last sent value; cleared when the value changes.
    pub server_error: Option<String>,
}

impl Field {
    fn new(label: impl Into<String>, wire: impl Into<String>, required: bool, slot: Slot, kind: FieldKind) -> Self {
        Field {
            label: label.into(),
            wire: wire.into(),
            required,
            slot,
            kind,
            touched: false,
            server_error: None,
        }
    }

    fn text(tf: TextField, label: &str, placeholder: &'static str) -> Self {
        let kind = FieldKind::Text(TextInput {
            multiline: tf == TextField::Notes,
            placeholder,
            ..TextInput::default()
        });
        Field::new(label, tf.wire_name(), tf.required(), Slot::Text(tf), kind)
    }

    /// The text as it will be sent: single-line values lose surrounding spaces.
    pub fn text_value(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Text(t) if t.multiline => Some(t.input.value()),
            FieldKind::Text(t) => Some(t.input.value().trim()),
            _ => None,
        }
    }

    pub fn is_list_open(&self) -> bool {
        match &self.kind {
            FieldKind::Choice(c) => c.open.is_some(),
            FieldKind::Multi(m) => m.open.is_some(),
            _ => false,
        }
    }

    fn close_list(&mut self) {
        match &mut self.kind {
            FieldKind::Choice(c) => c.open = None,
            FieldKind::Multi(m) => m.open = None,
            _ => {}
        }
    }

    fn mark_changed(&mut self) {
        self.touched = true;
        self.server_error = None;
    }

    fn has_content(&self) -> bool {
        match &self.kind {
            FieldKind::Text(t) => !t.input.value().is_empty(),
            FieldKind::Choice(c) => c.selected.is_some(),
            FieldKind::Multi(m) => m.chosen.iter().any(|c| *c),
            FieldKind::Toggle(v) => v.is_some(),
        }
    }
}

impl Leave {
    fn action(self) -> FormAction {
        match self {
            Leave::Close => FormAction::Cancel,
            Leave::Quit => FormAction::Quit,
        }
    }
}

/// A message under the fields: progress, a refusal, or a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Warning(String),
    Error(String),
}

impl Notice {
    pub fn text(&self) -> &str {
        match self {
            Notice::Info(s) | Notice::Warning(s) | Notice::Error(s) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sending {
    /// `None` between `Submit` and the app's `mark_sending`.
    id: Option<RequestId>,
}

/// The create-lead form.
#[derive(Debug, Clone)]
pub struct Form {
    fields: Vec<Field>,
    defs: Vec<CustomFieldDef>,
    /// Index of the focused field; `fields.len()` is the "Create lead" button.
    focus: usize,
    sending: Option<Sending>,
    submit_attempted: bool,
    notice: Option<Notice>,
    /// Server details that name no field of this form.
    general_errors: Vec<String>,
    /// Waiting for y/n before dropping a dirty draft.
    confirm: Option<Leave>,
    /// The last send may have created the lead: the next submit only warns, the one after sends.
    resend_guard: ResendGuard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResendGuard {
    Off,
    Warn,
    Armed,
}

impl Form {
    pub fn new(profile: &TenantProfile) -> Self {
        let mut fields = vec![
            Field::text(TextField::FirstName, "First name", ""),
            Field::text(TextField::LastName, "Last name", ""),
            Field::text(TextField::Email, "Email", "name@example.com"),
            Field::text(TextField::Phone, "Phone", ""),
            Field::text(TextField::CompanyName, "Company", ""),
            Field::new(
                "Source",
                "source",
                true,
                Slot::Source,
                FieldKind::Choice(Choice {
                    options: LeadSource::KNOWN
                        .iter()
                        .map(|s| (s.as_str().to_string(), s.as_str().to_string()))
                        .collect(),
                    selected: None,
                    allow_none: false,
                    open: None,
                }),
            ),
            Field::text(TextField::Channel, "Channel", "e.g. instagram, trade_show"),
            Field::text(TextField::Intent, "Intent", "what the lead wants"),
            Field::text(TextField::Notes, "Notes", "Enter starts a new line"),
        ];
        if profile.roster.is_empty() {
            fields.push(Field::text(TextField::AssignedTo, "Assigned to", "a user's UUID"));
        } else {
            let options = profile.roster.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
            fields.push(Field::new(
                "Assigned to",
                TextField::AssignedTo.wire_name(),
                false,
                Slot::Assignee,
                FieldKind::Choice(Choice {
                    options,
                    selected: None,
                    allow_none: true,
                    open: None,
                }),
            ));
        }
        fields.push(Field::new(
            "Attribution",
            "attribution",
            false,
            Slot::Attribution,
            FieldKind::Text(TextInput {
                placeholder: "key=value, e.g. utm_source=google, utm_medium=cpc",
                ..TextInput::default()
            }),
        ));
        for (i, def) in profile.custom_fields.iter().enumerate() {
            fields.push(Field::new(
                def.label.clone(),
                format!("customFields.{}", def.key),
                def.required,
                Slot::Custom(i),
                custom_kind(def),
            ));
        }
        Form {
            fields,
            defs: profile.custom_fields.clone(),
            focus: 0,
            sending: None,
            submit_attempted: false,
            notice: None,
            general_errors: Vec::new(),
            confirm: None,
            resend_guard: ResendGuard::Off,
        }
    }

    // ---- read access for drawing and tests ----

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The focused field's index; `fields().len()` means the "Create lead" button.
    pub fn focus(&self) -> usize {
        self.focus
    }

    pub fn focused_field(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }

    pub fn is_sending(&self) -> bool {
        self.sending.is_some()
    }

    pub fn pending_request(&self) -> Option<RequestId> {
        self.sending.and_then(|s| s.id)
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn general_errors(&self) -> &[String] {
        &self.general_errors
    }

    pub fn is_confirming_discard(&self) -> bool {
        self.confirm.is_some()
    }

    /// What the pending "discard this draft?" question would lead to.
    pub fn confirming(&self) -> Option<Leave> {
        self.confirm
    }

    /// Anything typed or chosen, which Esc must not throw away without asking.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(Field::has_content)
    }

    /// The rule violation a field shows now: its own rules once it was touched (or a submit was tried),
    /// otherwise nothing; then what the server said about it.
    pub fn visible_error(&self, index: usize) -> Option<String> {
        let field = self.fields.get(index)?;
        let local = if field.touched || self.submit_attempted {
            self.field_error(index)
        } else {
            None
        };
        local.or_else(|| field.server_error.clone())
    }

    /// The length counter of a text field with a length rule.
    pub fn counter(&self, index: usize) -> Option<Counter> {
        let field = self.fields.get(index)?;
        match field.slot {
            Slot::Text(tf) if tf != TextField::AssignedTo => Some(Counter {
                chars: field.text_value().unwrap_or("").chars().count(),
                max: tf.max_chars(),
            }),
            _ => None,
        }
    }

    // ---- input ----

    pub fn handle_key(&mut self, key: KeyEvent) -> FormAction {
        if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
            return FormAction::None;
        }
        if let Some(leave) = self.confirm {
            return self.handle_discard_answer(key, leave);
        }
        let command = form_command(&key);
        if let Some(action) = self.handle_open_list(key, command) {
            return action;
        }
        match command {
            Some(FormCommand::Submit) => return self.submit(),
            Some(FormCommand::Cancel) => return self.leave(Leave::Close),
            Some(FormCommand::Quit) => return self.leave(Leave::Quit),
            Some(FormCommand::NextField) if !self.move_in_notes(true, key.code) => self.move_focus(true),
            Some(FormCommand::PrevField) if !self.move_in_notes(false, key.code) => self.move_focus(false),
            Some(FormCommand::NextField | FormCommand::PrevField) => {}
            Some(FormCommand::Activate) => return self.activate(),
            Some(c @ (FormCommand::Toggle | FormCommand::ChoicePrev | FormCommand::ChoiceNext))
                if !self.focused_is_text() =>
            {
                self.change_choice(c)
            }
            _ => self.edit_text(key),
        }
        FormAction::None
    }

    /// Pasted text goes into the focused text field as typed; line breaks only survive in notes.
    pub fn handle_paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        self.edit_focused_text(|t| {
            let mut changed = false;
            for c in text.chars() {
                let c = match c {
                    '\n' if t.multiline => '\n',
                    '\n' | '\t' => ' ',
                    c if c.is_control() => continue,
                    c => c,
                };
                changed |= t.input.handle(InputRequest::InsertChar(c)).is_some_and(|s| s.value);
            }
            changed
        });
    }

    /// Applies `edit` to the focused text field unless a send is under way; `edit` says whether the value
    /// changed, which marks the field touched and retires what the server said about its old value.
    fn edit_focused_text(&mut self, edit: impl FnOnce(&mut TextInput) -> bool) {
        if self.sending.is_some() {
            return;
        }
        if let Some(field) = self.fields.get_mut(self.focus)
            && let FieldKind::Text(t) = &mut field.kind
            && edit(t)
        {
            field.mark_changed();
        }
    }

    fn focused_is_text(&self) -> bool {
        matches!(self.focused_field().map(|f| &f.kind), Some(FieldKind::Text(_)))
    }

    fn handle_discard_answer(&mut self, key: KeyEvent, leave: Leave) -> FormAction {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => leave.action(),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.confirm = None;
                FormAction::None
            }
            _ => FormAction::None,
        }
    }

    /// Keys of an open list: move, pick or toggle, close. `None` when no list is open or the key leaves it.
    fn handle_open_list(&mut self, key: KeyEvent, command: Option<FormCommand>) -> Option<FormAction> {
        let field = self.fields.get_mut(self.focus)?;
        let sending = self.sending.is_some();
        match &mut field.kind {
            FieldKind::Choice(c) if c.open.is_some() => {
                let rows = c.rows().max(1);
                let row = c.open.unwrap_or(0);
                match (key.code, command) {
                    (KeyCode::Down, _) => c.open = Some((row + 1) % rows),
                    (KeyCode::Up, _) => c.open = Some((row + rows - 1) % rows),
                    (_, Some(FormCommand::Activate | FormCommand::Toggle)) => {
                        c.open = None;
                        if !sending {
                            c.selected = c.row_option(row);
                            field.mark_changed();
                        }
                    }
                    (_, Some(FormCommand::Cancel)) => c.open = None,
                    _ => {
                        c.open = None;
                        return None;
                    }
                }
                Some(FormAction::None)
            }
            FieldKind::Multi(m) if m.open.is_some() => {
                let rows = m.options.len().max(1);
                let row = m.open.unwrap_or(0);
                match (key.code, command) {
                    (KeyCode::Down, _) => m.open = Some((row + 1) % rows),
                    (KeyCode::Up, _) => m.open = Some((row + rows - 1) % rows),
                    (_, Some(FormCommand::Toggle)) => {
                        if !sending && let Some(c) = m.chosen.get_mut(row) {
                            *c = !*c;
                            field.mark_changed();
                        }
                    }
                    (_, Some(FormCommand::Activate | FormCommand::Cancel)) => m.open = None,
                    _ => {
                        m.open = None;
                        return None;
                    }
                }
                Some(FormAction::None)
            }
            _ => None,
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let stops = self.fields.len() + 1;
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.touched = true;
            field.close_list();
        }
        self.focus = if forward {
            (self.focus + 1) % stops
        } else {
            (self.focus + stops - 1) % stops
        };
    }

    /// Up/Down inside a multi-line field move between its lines; `false` at the first/last line (or when the
    /// key was Tab), so the focus moves on.
    fn move_in_notes(&mut self, down: bool, code: KeyCode) -> bool {
        if !matches!(code, KeyCode::Up | KeyCode::Down) {
            return false;
        }
        let Some(Field {
            kind: FieldKind::Text(t),
            ..
        }) = self.fields.get_mut(self.focus)
        else {
            return false;
        };
        if !t.multiline {
            return false;
        }
        let chars: Vec<char> = t.input.value().chars().collect();
        let cursor = t.input.cursor();
        let line_start = |end: usize| chars[..end].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
        let start = line_start(cursor);
        let column = cursor - start;
        let target = if down {
            let Some(next_break) = chars[cursor..].iter().position(|c| *c == '\n').map(|p| cursor + p) else {
                return false;
            };
            let next_start = next_break + 1;
            let next_end = chars[next_start..]
                .iter()
                .position(|c| *c == '\n')
                .map_or(chars.len(), |p| next_start + p);
            next_start + column.min(next_end - next_start)
        } else {
            if start == 0 {
                return false;
            }
            let prev_start = line_start(start - 1);
            prev_start + column.min(start - 1 - prev_start)
        };
        t.input.handle(InputRequest::SetCursor(target));
        true
    }

    fn activate(&mut self) -> FormAction {
        if self.focus == self.fields.len() {
            return self.submit();
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormAction::None;
        };
        match &mut field.kind {
            FieldKind::Text(t) if t.multiline => {
                self.edit_focused_text(|t| t.input.handle(InputRequest::InsertChar('\n')).is_some())
            }
            FieldKind::Text(_) => self.move_focus(true),
            FieldKind::Choice(c) => c.open = Some(c.row_of(c.selected)),
            FieldKind::Multi(m) => m.open = Some(0),
            FieldKind::Toggle(_) => self.change_choice(FormCommand::Toggle),
        }
        FormAction::None
    }

    fn change_choice(&mut self, command: FormCommand) {
        if self.sending.is_some() {
            return;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let required = field.required;
        let forward = command != FormCommand::ChoicePrev;
        let changed = match &mut field.kind {
            FieldKind::Choice(c) if command == FormCommand::Toggle => {
                c.open = Some(c.row_of(c.selected));
                false
            }
            FieldKind::Choice(c) => {
                c.cycle(forward);
                true
            }
            FieldKind::Multi(m) if command == FormCommand::Toggle => {
                m.open = Some(0);
                false
            }
            FieldKind::Toggle(v) => {
                // yes → no → (not set, when the field may be left out) → yes
                let order: &[Option<bool>] = if required {
                    &[Some(true), Some(false)]
                } else {
                    &[None, Some(true), Some(false)]
                };
                let at = order.iter().position(|o| o == v);
                let len = order.len();
                *v = match at {
                    Some(i) if forward => order[(i + 1) % len],
                    Some(i) => order[(i + len - 1) % len],
                    None => order[0],
                };
                true
            }
            _ => false,
        };
        if changed {
            field.mark_changed();
        }
    }

    fn edit_text(&mut self, key: KeyEvent) {
        self.edit_focused_text(|t| t.input.handle_event(&Event::Key(key)).is_some_and(|s| s.value));
    }

    fn leave(&mut self, leave: Leave) -> FormAction {
        if self.sending.is_some() && leave == Leave::Close {
            self.notice = Some(Notice::Warning(
                "Sending… wait for the server's answer before closing the form".into(),
            ));
            return FormAction::None;
        }
        if self.is_dirty() {
            self.confirm = Some(leave);
            return FormAction::None;
        }
        leave.action()
    }

    // ---- submit and answers ----

    fn submit(&mut self) -> FormAction {
        if self.sending.is_some() {
            self.notice = Some(Notice::Warning(
                "Sending… this lead is already on its way: wait for the answer".into(),
            ));
            return FormAction::None;
        }
        for field in &mut self.fields {
            field.close_list();
        }
        self.submit_attempted = true;
        let lead = match self.to_new_lead() {
            Ok(lead) => lead,
            Err(problems) => {
                if let Some(first) = problems.first().and_then(|d| self.index_of(&d.field)) {
                    self.focus = first;
                }
                let n = problems.len();
                self.notice = Some(Notice::Error(format!(
                    "Not sent: {n} field{} to fix (marked in red)",
                    if n == 1 { "" } else { "s" }
                )));
                return FormAction::None;
            }
        };
        if self.resend_guard == ResendGuard::Warn {
            self.resend_guard = ResendGuard::Armed;
            self.notice = Some(Notice::Warning(
                "The last send may already have created this lead: check the list first. \
                 Press Ctrl-S again to send it anyway."
                    .into(),
            ));
            return FormAction::None;
        }
        self.resend_guard = ResendGuard::Off;
        self.general_errors.clear();
        self.sending = Some(Sending { id: None });
        self.notice = Some(Notice::Info("Sending…".into()));
        FormAction::Submit(Box::new(lead))
    }

    /// The app sent the lead as request `id`; answers to other ids are not this form's.
    pub fn mark_sending(&mut self, id: RequestId) {
        self.sending = Some(Sending { id: Some(id) });
        self.notice = Some(Notice::Info("Sending…".into()));
    }

    /// The create failed: keep every field as typed, put the server's details on their fields, and say why.
    pub fn apply_error(&mut self, error: &ApiError) {
        self.sending = None;
        self.general_errors.clear();
        for field in &mut self.fields {
            field.server_error = None;
        }
        let details = error.field_details();
        if !details.is_empty() {
            for detail in details {
                match self.index_of(&detail.field) {
                    Some(i) => {
                        let slot = &mut self.fields[i].server_error;
                        *slot = Some(match slot.take() {
                            Some(previous) => format!("{previous}; {}", detail.message),
                            None => detail.message.clone(),
                        });
                    }
                    None => self
                        .general_errors
                        .push(format!("{}: {}", detail.field, detail.message)),
                }
            }
            if let Some(first) = self.fields.iter().position(|f| f.server_error.is_some()) {
                self.focus = first;
            }
            self.notice = Some(Notice::Error(
                "Not created: the server refused some fields (marked in red); your typing is kept".into(),
            ));
            return;
        }
        let outcome = if error.may_have_created() {
            self.resend_guard = ResendGuard::Warn;
            "No answer"
        } else {
            "Not created"
        };
        self.notice = Some(Notice::Error(format!("{outcome}: {error}. Your typing is kept.")));
    }

    /// The field a server detail names: `customFields.budget`, or `attribution.utm_source` for `attribution`.
    fn index_of(&self, wire: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.wire == wire).or_else(|| {
            self.fields.iter().position(|f| {
                wire.strip_prefix(f.wire.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    }

    /// The new lead as typed, or every rule violation in the order of the form.
    pub fn to_new_lead(&self) -> Result<NewLead, Vec<FieldDetail>> {
        let mut problems: Vec<FieldDetail> = (0..self.fields.len())
            .filter_map(|i| {
                self.field_error(i).map(|message| FieldDetail {
                    field: self.fields[i].wire.clone(),
                    message,
                })
            })
            .collect();
        let lead = self.build_lead();
        // The whole-lead check is the rules' last word; anything it finds that the fields did not is added.
        for detail in rules::validate_new_lead(&lead, &self.defs) {
            if !problems.iter().any(|p| p.field == detail.field) {
                problems.push(detail);
            }
        }
        if problems.is_empty() {
            Ok(lead)
        } else {
            problems.sort_by_key(|d| self.index_of(&d.field).unwrap_or(usize::MAX));
            Err(problems)
        }
    }

    fn build_lead(&self) -> NewLead {
        let mut lead = NewLead::new("", LeadSource::Other(String::new()));
        for field in &self.fields {
            match (&field.slot, &field.kind) {
                (Slot::Text(tf), _) => {
                    let value = field.text_value().filter(|v| !v.trim().is_empty()).map(str::to_string);
                    let target = match tf {
                        TextField::FirstName => {
                            lead.first_name = value.unwrap_or_default();
                            continue;
                        }
                        TextField::LastName => &mut lead.last_name,
                        TextField::Email => &mut lead.email,
                        TextField::Phone => &mut lead.phone,
                        TextField::CompanyName => &mut lead.company_name,
                        TextField::Channel => &mut lead.channel,
                        TextField::Intent => &mut lead.intent,
                        TextField::Notes => &mut lead.notes,
                        TextField::AssignedTo => &mut lead.assigned_to,
                    };
                    *target = value;
                }
                (Slot::Source, FieldKind::Choice(c)) => {
                    if let Some(v) = c.value() {
                        lead.source = LeadSource::from_wire(v);
                    }
                }
                (Slot::Assignee, FieldKind::Choice(c)) => lead.assigned_to = c.value().map(str::to_string),
                (Slot::Attribution, FieldKind::Text(t)) => {
                    lead.attribution = parse_attribution(t.input.value()).ok().flatten();
                }
                (Slot::Custom(i), kind) => {
                    if let Some(def) = self.defs.get(*i)
                        && let Ok(Some(value)) = custom_value(def, kind)
                    {
                        lead.custom_fields.insert(def.key.clone(), value);
                    }
                }
                _ => {}
            }
        }
        lead
    }

    /// The rule violation of one field's current value, whether or not it shows yet.
    pub fn field_error(&self, index: usize) -> Option<String> {
        let field = self.fields.get(index)?;
        match (&field.slot, &field.kind) {
            (Slot::Text(tf), _) => rules::check_text(*tf, field.text_value().unwrap_or("")),
            (Slot::Source, FieldKind::Choice(c)) => c.selected.is_none().then(|| "is required".to_string()),
            (Slot::Attribution, FieldKind::Text(t)) => parse_attribution(t.input.value()).err(),
            (Slot::Custom(i), kind) => {
                let def = self.defs.get(*i)?;
                match custom_value(def, kind) {
                    Err(message) => Some(message),
                    Ok(value) => {
                        let entry = value.map(|v| (def.key.clone(), v));
                        rules::check_custom_fields(entry.iter().map(|(k, v)| (k, v)), std::slice::from_ref(def))
                            .into_iter()
                            .next()
                            .map(|d| d.message)
                    }
                }
            }
            _ => None,
        }
    }
}

fn custom_kind(def: &CustomFieldDef) -> FieldKind {
    let text = |placeholder: &'static str| {
        FieldKind::Text(TextInput {
            placeholder,
            ..TextInput::default()
        })
    };
    match def.kind {
        CustomFieldKind::Text => text(""),
        CustomFieldKind::Number => text("a number, e.g. 1200 or 12.5"),
        CustomFieldKind::Date => text("YYYY-MM-DD"),
        CustomFieldKind::Url => text("https://…"),
        CustomFieldKind::Email => text("name@example.com"),
        CustomFieldKind::Phone => text("+1 555 010 9999"),
        CustomFieldKind::Boolean => FieldKind::Toggle(None),
        CustomFieldKind::Dropdown => FieldKind::Choice(Choice {
            options: def.options.iter().map(|o| (o.clone(), o.clone())).collect(),
            selected: None,
            allow_none: !def.required,
            open: None,
        }),
        CustomFieldKind::MultiSelect => FieldKind::Multi(MultiChoice {
            options: def.options.clone(),
            chosen: vec![false; def.options.len()],
            open: None,
        }),
    }
}

/// The JSON value a custom field sends, `None` when left empty, or why the text is not a value of its type.
fn custom_value(def: &CustomFieldDef, kind: &FieldKind) -> Result<Option<Value>, String> {
    match kind {
        FieldKind::Text(t) => {
            let raw = t.input.value().trim();
            if raw.is_empty() {
                return Ok(None);
            }
            if def.kind == CustomFieldKind::Number {
                return match serde_json::from_str::<serde_json::Number>(raw) {
                    Ok(n) => Ok(Some(Value::Number(n))),
                    // The rules word the refusal, from the text the user typed.
                    Err(_) => Err(rules::check_custom_value(def, &Value::String(raw.to_string()))
                        .unwrap_or_else(|| "must be a number".into())),
                };
            }
            Ok(Some(Value::String(raw.to_string())))
        }
        FieldKind::Choice(c) => Ok(c.value().map(|v| Value::String(v.to_string()))),
        FieldKind::Multi(m) => {
            let values = m.values();
            Ok((!values.is_empty()).then(|| Value::Array(values.into_iter().map(Value::from).collect())))
        }
        FieldKind::Toggle(v) => Ok(v.map(Value::Bool)),
    }
}

/// `utm_source=google, utm_medium=cpc` (commas or new lines between pairs) as a string map; empty is `None`.
pub fn parse_attribution(text: &str) -> Result<Option<BTreeMap<String, String>>, String> {
    let mut map = BTreeMap::new();
    for pair in text.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("\"{pair}\" is not key=value"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("\"{pair}\" has no key before ="));
        }
        if map.insert(key.to_string(), value.trim().to_string()).is_some() {
            return Err(format!("{key} is given twice"));
        }
    }
    Ok((!map.is_empty()).then_some(map))
}

// ---- the form inside the app ----

impl super::App {
    pub(super) fn open_form(&mut self) {
        if self.form.is_none() {
            self.form = Some(Form::new(&self.settings.profile));
        }
        self.screen = super::Screen::Form;
    }

    fn close_form(&mut self) {
        self.form = None;
        self.screen = super::Screen::List;
        self.list.fit_window(super::list_rows(self.height));
    }

    /// Every key goes to the form while it is open, so `q` types a q.
    pub(super) fn on_form_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        let Some(form) = self.form.as_mut() else {
            self.screen = super::Screen::List;
            return Vec::new();
        };
        match form.handle_key(key) {
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
    pub(super) fn on_created(&mut self, id: RequestId, result: Result<Lead, ApiError>) -> Vec<ApiRequest> {
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
        self.focus = super::Focus::List;
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
        if let Some(a) = lead.assigned_to.as_ref().filter(|a| !a.is_empty())
            && !self.seen_assignees.contains(a)
        {
            self.seen_assignees.push(a.clone());
        }
        self.list.insert_top(&lead);
        self.list.fit_window(super::list_rows(self.height));
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
