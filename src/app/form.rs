//! The create-lead form: a draft of every body field of `POST /leads`, edited from the keyboard.
//!
//! The form is pure state. Keys and pastes go in, a [`FormOutcome`] comes out, and the app turns a
//! `Submit` into an API request. Every rule comes from [`crate::rules`], so the form and the sandbox agree on
//! what a valid lead is; the form adds only what the rules cannot know: how a typed string becomes a JSON value
//! (a number, `key=value` pairs) and that a required choice was never made.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

mod draft;
mod fields;
pub mod layout;
mod phone;
mod submit;
mod undo;

pub use crate::model::{Draft, DraftValue};
pub use fields::{Choice, Counter, Field, FieldKind, MultiChoice, Slot, TextInput, parse_attribution};
use fields::{custom_kind, custom_value};

use crate::api::error::ApiError;
use crate::api::types::{FieldDetail, LeadSource, NewLead};
pub use crate::app::action::{FormCommand, FormOutcome};
use crate::rules::{self, TextField};
use crate::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};

/// Where the user goes when leaving the form, which a dirty draft asks about first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Close,
    Quit,
}

impl Leave {
    fn action(self) -> FormOutcome {
        match self {
            Leave::Close => FormOutcome::Cancel,
            Leave::Quit => FormOutcome::Quit,
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

/// The create-lead form.
#[derive(Debug, Clone)]
pub struct Form {
    fields: Vec<Field>,
    defs: Vec<CustomFieldDef>,
    /// Index of the focused field; `fields.len()` is the "Create lead" button.
    focus: usize,
    /// Submitted: nothing more is typed into this form (the app takes the lead to the outbox).
    sending: bool,
    submit_attempted: bool,
    notice: Option<Notice>,
    /// Server details that name no field of this form.
    general_errors: Vec<String>,
    /// Waiting for y/n before dropping a dirty draft.
    confirm: Option<Leave>,
    /// The last send may have created the lead: the next submit only warns, the one after sends.
    resend_guard: ResendGuard,
    /// The key that sends, as the warning before a resend names it.
    submit_key: String,
    /// The key of a custom field being typed, to be added to the form.
    naming: Option<TextInput>,
    /// Keys of the custom fields added to the form beyond the tenant's definitions.
    added: Vec<String>,
    /// Wire names of the fields kept for the next lead by "create and start the next".
    sticky: std::collections::BTreeSet<String>,
    /// The lead (as sent) the rep was warned looks like a known one: sending it again goes through.
    duplicate_ok: Option<String>,
    /// What the form held when it opened (defaults, fields kept from the lead before): not typed, so
    /// neither a draft nor a reason to ask before closing.
    start: std::collections::BTreeMap<String, DraftValue>,
    /// The notice says how many fields are left to fix: it follows them as the rep fixes them.
    fixes: Option<Fixes>,
    /// The columns inside the form's border, as the app last drew it (0 before it knows): the notes' Up
    /// and Down move along the rows they wrap into at that width.
    width: usize,
}

/// Whose word the "fields to fix" notice reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixes {
    /// The form's own rules, found on submit.
    Rules,
    /// The tenant's refusal.
    Server,
}

/// The fields kept for the next lead unless the rep says otherwise: what a stretch of leads typed at one
/// event shares.
pub const STICKY_BY_DEFAULT: &[&str] = &["source", "channel", "assignedTo", "attribution"];

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
            fields.push(custom_field(def, i));
        }
        Form {
            fields,
            defs: profile.custom_fields.clone(),
            focus: 0,
            sending: false,
            submit_attempted: false,
            notice: None,
            general_errors: Vec::new(),
            confirm: None,
            resend_guard: ResendGuard::Off,
            submit_key: "Ctrl-s".to_string(),
            naming: None,
            // A field learned from the tenant is kept in the draft like one added by hand, so a draft
            // brings it back even where the learning was not kept.
            added: profile
                .custom_fields
                .iter()
                .filter(|d| crate::app::learned::is_learned(d))
                .map(|d| d.key.clone())
                .collect(),
            sticky: STICKY_BY_DEFAULT.iter().map(|w| w.to_string()).collect(),
            start: std::collections::BTreeMap::new(),
            duplicate_ok: None,
            fixes: None,
            width: 0,
        }
    }

    /// The columns inside the form's border on screen.
    pub fn set_width(&mut self, width: usize) {
        self.width = width;
    }

    /// The columns the value of field `index` is drawn in, once the form knows its width.
    fn value_width(&self, index: usize) -> Option<usize> {
        (self.width > 0).then(|| layout::value_width(self, index, self.width))
    }

    /// Holds back a lead that looks like a known one, saying so; the same lead sent again goes through.
    pub fn hold_for_duplicate(&mut self, lead: &NewLead, text: String) {
        self.sending = false;
        self.notice = Some(Notice::Warning(text));
        self.duplicate_ok = serde_json::to_string(lead).ok();
    }

    /// Whether the rep was warned about this very lead and sends it anyway.
    pub fn duplicate_confirmed(&self, lead: &NewLead) -> bool {
        self.duplicate_ok.is_some() && self.duplicate_ok == serde_json::to_string(lead).ok()
    }

    /// A new form holding `defaults` (the config file's `form_defaults`, by wire name); a default for a
    /// field this form lacks, or an option it does not offer, is left out.
    pub fn with_defaults(profile: &TenantProfile, defaults: &std::collections::BTreeMap<String, DraftValue>) -> Form {
        let mut form = Form::new(profile);
        form.put_values(defaults);
        form
    }

    fn put_values(&mut self, values: &std::collections::BTreeMap<String, DraftValue>) {
        for (wire, value) in values {
            if let Some(field) = self.fields.iter_mut().find(|f| f.wire == *wire) {
                value.apply_to(field);
                field.touched = false;
            }
        }
        self.start = self.values();
    }

    /// Whether the field `wire` is kept for the next lead.
    pub fn is_sticky(&self, wire: &str) -> bool {
        self.sticky.contains(wire)
    }

    /// The form for the lead after this one: empty but for the fields kept, focus on the first name.
    pub fn next_form(
        &self,
        profile: &TenantProfile,
        defaults: &std::collections::BTreeMap<String, DraftValue>,
    ) -> Form {
        let mut next = Form::new(profile);
        for key in &self.added {
            let _ = next.add_custom_field(key);
        }
        let mut values = defaults.clone();
        let mut kept = self.values();
        kept.retain(|wire, _| self.sticky.contains(wire));
        values.extend(kept);
        next.put_values(&values);
        next.sticky = self.sticky.clone();
        next.submit_key = self.submit_key.clone();
        next.focus = 0;
        next.notice = None;
        next
    }

    /// Says in the form's status line what became of the lead sent before (the form may be the next one).
    pub fn set_outcome(&mut self, notice: Notice) {
        if !self.sending {
            self.notice = Some(notice);
        }
    }

    /// Names `key` as the key that sends, in the form's own messages (the app hands it the live keymap's).
    pub fn with_submit_key(mut self, key: String) -> Self {
        self.submit_key = key;
        self
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
        self.sending
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
        self.values() != self.start
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

    /// A word of caution on a field's value that does not stop it being sent (a phone with letters or too
    /// few digits), shown once the field was touched and when it has no error.
    pub fn visible_warning(&self, index: usize) -> Option<String> {
        let field = self.fields.get(index)?;
        if !(field.touched || self.submit_attempted) || self.visible_error(index).is_some() {
            return None;
        }
        let phone = match field.slot {
            Slot::Text(TextField::Phone) => true,
            Slot::Custom(i) => self.defs.get(i).is_some_and(|d| d.kind == CustomFieldKind::Phone),
            _ => false,
        };
        if !phone {
            return None;
        }
        let value = match &field.kind {
            FieldKind::Text(t) => t.input.value(),
            _ => return None,
        };
        phone::warning(value)
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

    /// `command` is what the keymap makes of `key` in the form; the raw key is still needed for typing and
    /// for answers (y/n) that no binding names.
    pub fn handle_key(&mut self, key: KeyEvent, command: Option<FormCommand>) -> FormOutcome {
        let action = self.handle_key_inner(key, command);
        self.follow_fixes();
        action
    }

    /// The "fields to fix" notice as the fields now stand: the count goes down as they are fixed and the
    /// notice goes once none is left. Any other notice said since is left alone.
    fn follow_fixes(&mut self) {
        let Some(fixes) = self.fixes else {
            return;
        };
        if !matches!(self.notice, Some(Notice::Error(_))) || self.sending {
            self.fixes = None;
            return;
        }
        let left = match fixes {
            Fixes::Rules => self.to_new_lead().err().map_or(0, |problems| problems.len()),
            Fixes::Server => self.fields.iter().filter(|f| f.server_error.is_some()).count(),
        };
        if left == 0 {
            self.notice = None;
            self.fixes = None;
            return;
        }
        self.notice = Some(Notice::Error(match fixes {
            Fixes::Rules => fix_count(left),
            Fixes::Server => format!(
                "Not created: the server refused {} (marked in red); your typing is kept",
                new_lead_plural(left, "field")
            ),
        }));
    }

    fn handle_key_inner(&mut self, key: KeyEvent, command: Option<FormCommand>) -> FormOutcome {
        if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
            return FormOutcome::None;
        }
        if let Some(leave) = self.confirm {
            return self.handle_discard_answer(key, leave);
        }
        if self.naming.is_some() {
            self.handle_naming(key, command);
            return FormOutcome::None;
        }
        if let Some(action) = self.handle_open_list(key, command) {
            return action;
        }
        match command {
            Some(FormCommand::Submit) => return self.submit(false),
            Some(FormCommand::SubmitAndNext) => return self.submit(true),
            Some(FormCommand::ToggleSticky) => self.toggle_sticky(),
            Some(c @ (FormCommand::Undo | FormCommand::Redo)) => {
                self.edit_focused_text(|t| t.undo(c == FormCommand::Redo))
            }
            Some(FormCommand::EditNotes) => return self.edit_notes(),
            Some(FormCommand::OpenDuplicate) if self.duplicate_ok.is_some() => return FormOutcome::OpenDuplicate,
            Some(FormCommand::Cancel) => return self.leave(Leave::Close),
            Some(FormCommand::Quit) => return self.leave(Leave::Quit),
            Some(FormCommand::NextField) if !self.move_in_notes(true, key.code) => self.move_focus(true),
            Some(FormCommand::PrevField) if !self.move_in_notes(false, key.code) => self.move_focus(false),
            Some(FormCommand::NextField | FormCommand::PrevField) => {}
            Some(FormCommand::Activate) => return self.activate(),
            Some(FormCommand::AddCustomField) if !self.sending => {
                self.naming = Some(TextInput {
                    placeholder: "e.g. region",
                    ..TextInput::default()
                })
            }
            Some(c @ (FormCommand::Toggle | FormCommand::ChoicePrev | FormCommand::ChoiceNext))
                if !self.focused_is_text() =>
            {
                self.change_choice(c)
            }
            _ => self.edit_text(key),
        }
        FormOutcome::None
    }

    /// Pasted text goes into the focused text field as typed; line breaks only survive in notes.
    pub fn handle_paste(&mut self, text: &str) {
        self.edit_focused_text(|t| t.paste(text));
        self.follow_fixes();
    }

    /// Applies `edit` to the focused text field unless a send is under way; `edit` says whether the value
    /// changed, which marks the field touched and retires what the server said about its old value.
    fn edit_focused_text(&mut self, edit: impl FnOnce(&mut TextInput) -> bool) {
        if self.sending {
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

    fn handle_discard_answer(&mut self, key: KeyEvent, leave: Leave) -> FormOutcome {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => leave.action(),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.confirm = None;
                FormOutcome::None
            }
            _ => FormOutcome::None,
        }
    }

    /// Keys of an open list: move, pick or toggle, close. `None` when no list is open or the key leaves it.
    fn handle_open_list(&mut self, key: KeyEvent, command: Option<FormCommand>) -> Option<FormOutcome> {
        let field = self.fields.get_mut(self.focus)?;
        let sending = self.sending;
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
                Some(FormOutcome::None)
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
                Some(FormOutcome::None)
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
        let width = self.value_width(self.focus);
        match self.fields.get_mut(self.focus) {
            Some(Field {
                kind: FieldKind::Text(t),
                ..
            }) => t.line_up_down(down, width),
            _ => false,
        }
    }

    fn activate(&mut self) -> FormOutcome {
        if self.focus == self.fields.len() {
            return self.submit(false);
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormOutcome::None;
        };
        match &mut field.kind {
            FieldKind::Text(t) if t.multiline => self.edit_focused_text(TextInput::newline),
            FieldKind::Text(_) => self.move_focus(true),
            FieldKind::Choice(c) => c.open = Some(c.row_of(c.selected)),
            FieldKind::Multi(m) => m.open = Some(0),
            FieldKind::Toggle(_) => self.change_choice(FormCommand::Toggle),
        }
        FormOutcome::None
    }

    fn change_choice(&mut self, command: FormCommand) {
        if self.sending {
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

    /// Typing a custom field's key: Enter adds the field (or says why it cannot), Esc gives up.
    fn handle_naming(&mut self, key: KeyEvent, command: Option<FormCommand>) {
        match command {
            Some(FormCommand::Cancel) => self.naming = None,
            Some(FormCommand::Activate) => {
                let key = self
                    .naming
                    .as_ref()
                    .map(|t| t.input.value().trim().to_string())
                    .unwrap_or_default();
                match self.add_custom_field(&key) {
                    Ok(_) => {
                        self.naming = None;
                        self.notice = None;
                    }
                    Err(why) => self.notice = Some(Notice::Error(why)),
                }
            }
            _ => {
                if let Some(t) = self.naming.as_mut() {
                    t.input.handle_event(&Event::Key(key));
                }
            }
        }
    }

    /// The custom field key being typed, while the form asks for one.
    pub fn naming(&self) -> Option<&TextInput> {
        self.naming.as_ref()
    }

    /// Adds a text field for the custom field `key`, which the tenant's definitions as leadbox knows them
    /// leave out, and focuses it. Its value is sent as text; a server that wants another kind says so on the
    /// field. A field the form has already is focused instead.
    pub fn add_custom_field(&mut self, key: &str) -> Result<usize, String> {
        if !rules::is_custom_field_key(key) {
            return Err(format!(
                "`{}` is not a custom field key: use lowercase letters, digits and underscores",
                crate::sanitize::line(key)
            ));
        }
        let wire = format!("customFields.{key}");
        if let Some(i) = self.fields.iter().position(|f| f.wire == wire) {
            self.focus = i;
            return Ok(i);
        }
        let def = CustomFieldDef::new(key, key, CustomFieldKind::Text, false, &[]);
        let field = Field::new(key, wire, false, Slot::Custom(self.defs.len()), custom_kind(&def));
        self.defs.push(def);
        self.fields.push(field);
        self.added.push(key.to_string());
        self.focus = self.fields.len() - 1;
        Ok(self.focus)
    }

    /// Adds a custom field the tenant just taught (another lead's refusal) to this form, unless it has it;
    /// the focus stays where it is.
    pub fn add_learned(&mut self, def: &CustomFieldDef) {
        let wire = format!("customFields.{}", def.key);
        if self.sending || self.fields.iter().any(|f| f.wire == wire) {
            return;
        }
        let on_button = self.focus == self.fields.len();
        self.fields.push(custom_field(def, self.defs.len()));
        self.defs.push(def.clone());
        self.added.push(def.key.clone());
        if on_button {
            self.focus = self.fields.len();
        }
    }

    /// Marks an added custom field required, as the server said it is.
    fn require(&mut self, index: usize) {
        if let Some(field) = self.fields.get_mut(index) {
            field.required = true;
            if let Slot::Custom(i) = field.slot
                && let Some(def) = self.defs.get_mut(i)
            {
                def.required = true;
            }
        }
    }

    fn edit_text(&mut self, key: KeyEvent) {
        self.edit_focused_text(|t| t.key(key));
    }

    fn leave(&mut self, leave: Leave) -> FormOutcome {
        if self.sending && leave == Leave::Close {
            self.notice = Some(Notice::Warning(
                "Sending… wait for the server's answer before closing the form".into(),
            ));
            return FormOutcome::None;
        }
        if self.is_dirty() {
            self.confirm = Some(leave);
            return FormOutcome::None;
        }
        leave.action()
    }

    // ---- submit and answers ----

    /// The notes, focused, to be handed to the rep's editor.
    fn edit_notes(&mut self) -> FormOutcome {
        let Some(at) = self.fields.iter().position(|f| f.slot == Slot::Text(TextField::Notes)) else {
            return FormOutcome::None;
        };
        self.focus = at;
        let text = self.fields[at].text_value().unwrap_or_default().to_string();
        FormOutcome::EditNotes(text)
    }

    /// Puts the notes back from the editor, as if typed (line breaks kept, other controls dropped).
    pub fn set_notes(&mut self, text: &str) {
        let Some(field) = self.fields.iter_mut().find(|f| f.slot == Slot::Text(TextField::Notes)) else {
            return;
        };
        if let FieldKind::Text(t) = &mut field.kind {
            // An editor ends the file with a line break the rep did not mean as part of the notes.
            t.set_text(text.strip_suffix('\n').unwrap_or(text));
            field.touched = true;
        }
    }

    fn toggle_sticky(&mut self) {
        let Some(field) = self.fields.get(self.focus) else {
            return;
        };
        let (wire, label) = (field.wire.clone(), field.label.clone());
        let kept = if self.sticky.remove(&wire) {
            false
        } else {
            self.sticky.insert(wire);
            true
        };
        self.notice = Some(Notice::Info(format!(
            "{label}: {} for the next lead",
            if kept { "kept" } else { "not kept" }
        )));
    }
}

/// "Not sent: 3 fields to fix": what a submit refused by the form's own rules says.
fn fix_count(n: usize) -> String {
    format!("Not sent: {} to fix (marked in red)", new_lead_plural(n, "field"))
}

fn new_lead_plural(n: usize, word: &str) -> String {
    crate::text::plural(n, word)
}

/// The field of the custom field `def`, the `index`th of the form's definitions.
fn custom_field(def: &CustomFieldDef, index: usize) -> Field {
    let mut kind = custom_kind(def);
    if crate::app::learned::is_learned(def)
        && let FieldKind::Text(t) = &mut kind
    {
        t.placeholder = crate::app::learned::PLACEHOLDER;
    }
    Field::new(
        // A unit or hint from the profile goes with the label: "Budget (EUR)", "region (learned)".
        match &def.hint {
            Some(hint) => format!("{} ({hint})", def.label),
            None => def.label.clone(),
        },
        format!("customFields.{}", def.key),
        def.required,
        Slot::Custom(index),
        kind,
    )
}
