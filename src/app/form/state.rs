//! The form's state: its fields and the tenant's definitions behind them, the focus, what it says, and
//! what the app and the drawing read of it.

use super::fields::{Choice, Counter, Field, FieldKind, Slot, TextInput, custom_field, custom_kind};
use super::{DraftValue, FormOutcome, layout, phone};
use crate::api::types::{LeadSource, NewLead};
use crate::rules::{self, TextField};
use crate::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};

/// Where the user goes when leaving the form, which a dirty draft asks about first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Close,
    Quit,
}

impl Leave {
    pub(super) fn action(self) -> FormOutcome {
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
    pub(super) fields: Vec<Field>,
    pub(super) defs: Vec<CustomFieldDef>,
    /// Index of the focused field; `fields.len()` is the "Create lead" button.
    pub(super) focus: usize,
    /// Submitted: nothing more is typed into this form (the app takes the lead to the outbox).
    pub(super) sending: bool,
    pub(super) submit_attempted: bool,
    pub(super) notice: Option<Notice>,
    /// Server details that name no field of this form.
    pub(super) general_errors: Vec<String>,
    /// Waiting for y/n before dropping a dirty draft.
    pub(super) confirm: Option<Leave>,
    /// The last send may have created the lead: the next submit only warns, the one after sends.
    pub(super) resend_guard: ResendGuard,
    /// The key that sends, as the warning before a resend names it.
    pub(super) submit_key: String,
    /// The key of a custom field being typed, to be added to the form.
    pub(super) naming: Option<TextInput>,
    /// Keys of the custom fields added to the form beyond the tenant's definitions.
    pub(super) added: Vec<String>,
    /// Wire names of the fields kept for the next lead by "create and start the next".
    pub(super) sticky: std::collections::BTreeSet<String>,
    /// The lead (as sent) the rep was warned looks like a known one: sending it again goes through.
    pub(super) duplicate_ok: Option<String>,
    /// What the form held when it opened (defaults, fields kept from the lead before): not typed, so
    /// neither a draft nor a reason to ask before closing.
    pub(super) start: std::collections::BTreeMap<String, DraftValue>,
    /// The notice says how many fields are left to fix: it follows them as the rep fixes them.
    pub(super) fixes: Option<Fixes>,
    /// The columns inside the form's border, as the app last drew it (0 before it knows): the notes' Up
    /// and Down move along the rows they wrap into at that width.
    pub(super) width: usize,
}

/// Whose word the "fields to fix" notice reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fixes {
    /// The form's own rules, found on submit.
    Rules,
    /// The tenant's refusal.
    Server,
}

/// The fields kept for the next lead unless the rep says otherwise: what a stretch of leads typed at one
/// event shares.
pub const STICKY_BY_DEFAULT: &[&str] = &["source", "channel", "assignedTo", "attribution"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResendGuard {
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
    pub(super) fn value_width(&self, index: usize) -> Option<usize> {
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

    pub(super) fn put_values(&mut self, values: &std::collections::BTreeMap<String, DraftValue>) {
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

    /// The custom field key being typed, while the form asks for one.
    pub fn naming(&self) -> Option<&TextInput> {
        self.naming.as_ref()
    }

    /// Adds a text field for the custom field `key`, which the tenant's definitions as leadbox knows them
    /// leave out, and focuses it. Its value is sent as text; a server that wants another kind says so on the
    /// field. A field the form has already is focused instead.
    pub fn add_custom_field(&mut self, key: &str) -> Result<usize, NotAFieldKey> {
        if !rules::is_custom_field_key(key) {
            return Err(NotAFieldKey {
                key: crate::sanitize::line(key).into_owned(),
            });
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
    pub(super) fn require(&mut self, index: usize) {
        if let Some(field) = self.fields.get_mut(index) {
            field.required = true;
            if let Slot::Custom(i) = field.slot
                && let Some(def) = self.defs.get_mut(i)
            {
                def.required = true;
            }
        }
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
}

/// A custom field's key as the rep typed it, which the contract's keys cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{key}` is not a custom field key: use lowercase letters, digits and underscores")]
pub struct NotAFieldKey {
    pub key: String,
}
