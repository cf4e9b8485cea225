//! The form's draft as data: what was typed and chosen, by the fields' wire names, so it can be written to
//! disk on every change and put back into a form after a quit or a crash.

use std::collections::BTreeMap;

use super::fields::{Field, FieldKind};
use super::state::ResendGuard;
use super::{Form, Notice};
use crate::model::draft::{Draft, DraftValue};
use crate::tenant::TenantProfile;

impl DraftValue {
    /// The value a field holds, `None` when it holds nothing.
    fn of(kind: &FieldKind) -> Option<DraftValue> {
        match kind {
            FieldKind::Text(t) => {
                let text = t.input.value();
                (!text.is_empty()).then(|| DraftValue::Text(text.to_string()))
            }
            FieldKind::Choice(c) => c.value().map(|v| DraftValue::Choice(v.to_string())),
            FieldKind::Multi(m) => {
                let values = m.values();
                (!values.is_empty()).then(|| DraftValue::Multi(values.into_iter().map(str::to_string).collect()))
            }
            FieldKind::Toggle(v) => v.map(DraftValue::Toggle),
        }
    }

    /// Puts the value into `field`; `false` when the field cannot take all of it (an option the tenant no
    /// longer offers, or a kind that changed beyond recognition). Text goes in the way a paste does, so
    /// whatever a hand-edited file holds, the form only ever sees text it could have been given.
    pub(crate) fn apply_to(&self, field: &mut Field) -> bool {
        let applied = match (self, &mut field.kind) {
            (DraftValue::Text(s) | DraftValue::Choice(s), FieldKind::Text(t)) => {
                t.insert(s);
                true
            }
            // A field that became a list keeps a value that names one of its options.
            (DraftValue::Choice(s) | DraftValue::Text(s), FieldKind::Choice(c)) => {
                let wanted = s.trim();
                match c.options.iter().position(|(value, _)| value == wanted) {
                    Some(i) => {
                        c.selected = Some(i);
                        true
                    }
                    None => false,
                }
            }
            (DraftValue::Multi(values), FieldKind::Multi(m)) => {
                for (option, chosen) in m.options.iter().zip(m.chosen.iter_mut()) {
                    *chosen = values.contains(option);
                }
                values.iter().all(|v| m.options.contains(v))
            }
            (DraftValue::Toggle(b), FieldKind::Toggle(v)) => {
                *v = Some(*b);
                true
            }
            _ => false,
        };
        if field.has_content() {
            // Restored values are checked at once, as if the user had just left the field.
            field.touched = true;
        }
        applied
    }
}

impl Form {
    /// Every field's value, by wire name; empty fields are absent.
    pub fn values(&self) -> BTreeMap<String, DraftValue> {
        self.fields
            .iter()
            .filter_map(|f| DraftValue::of(&f.kind).map(|v| (f.wire.clone(), v)))
            .collect()
    }

    /// What the user typed and chose, or `None` when the form is as it opened (empty, or holding only its
    /// defaults and the fields kept from the lead before).
    pub fn draft(&self) -> Option<Draft> {
        let fields = self.values();
        (!fields.is_empty() && fields != self.start).then(|| Draft {
            fields,
            may_have_been_sent: self.sending || self.resend_guard != ResendGuard::Off,
            added_custom_fields: self.added.clone(),
        })
    }

    /// A form for `profile` holding `draft`'s values. Values for fields or options the profile no longer has
    /// are left out, and the form says so; the rest go through the same checks as typing.
    pub fn from_draft(profile: &TenantProfile, draft: &Draft) -> Form {
        let mut form = Form::new(profile);
        let mut all_kept = true;
        // Custom fields added by hand (or on the server's word) come back as they were added.
        for key in &draft.added_custom_fields {
            let _ = form.add_custom_field(key);
        }
        for (wire, value) in &draft.fields {
            let kept = form
                .fields
                .iter_mut()
                .find(|f| f.wire == *wire)
                .is_some_and(|field| value.apply_to(field));
            all_kept &= kept;
        }
        form.focus = 0;
        if draft.may_have_been_sent {
            form.resend_guard = ResendGuard::Warn;
            form.notice = Some(Notice::Warning(
                "This lead was being sent when leadbox last closed and may exist already: check the list first.".into(),
            ));
        } else if !all_kept {
            form.notice = Some(Notice::Warning(
                "Some values from last time no longer fit this form and were left out.".into(),
            ));
        }
        form
    }
}
