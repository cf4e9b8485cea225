//! Sending the form: the lead it describes, the form's own checks before it leaves, and the tenant's
//! refusal put back on the fields it names.

use super::fields::{FieldKind, Slot, custom_value};
use super::state::{Fixes, ResendGuard};
use super::{Form, FormOutcome, Notice, parse_attribution};
use crate::api::error::ApiError;
use crate::api::types::{FieldDetail, LeadSource, NewLead};
use crate::rules;

impl Form {
    /// The "fields to fix" notice as the fields now stand: the count goes down as they are fixed and the
    /// notice goes once none is left. Any other notice said since is left alone.
    pub(super) fn follow_fixes(&mut self) {
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

    pub(super) fn submit(&mut self, next: bool) -> FormOutcome {
        if self.sending {
            self.notice = Some(Notice::Warning(
                "Sending… this lead is already on its way: wait for the answer".into(),
            ));
            return FormOutcome::None;
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
                self.notice = Some(Notice::Error(fix_count(problems.len())));
                self.fixes = Some(Fixes::Rules);
                return FormOutcome::None;
            }
        };
        if self.resend_guard == ResendGuard::Warn {
            self.resend_guard = ResendGuard::Armed;
            self.notice = Some(Notice::Warning(format!(
                "The last send may already have created this lead: check the list first. \
                 Press {} again to send it anyway.",
                self.submit_key
            )));
            return FormOutcome::None;
        }
        self.resend_guard = ResendGuard::Off;
        self.general_errors.clear();
        self.sending = true;
        self.notice = Some(Notice::Info("Sending…".into()));
        if next {
            FormOutcome::SubmitAndNext(Box::new(lead))
        } else {
            FormOutcome::Submit(Box::new(lead))
        }
    }

    /// The create failed: keep every field as typed, put the server's details on their fields, and say why.
    pub fn apply_error(&mut self, error: &ApiError) {
        self.sending = false;
        self.general_errors.clear();
        for field in &mut self.fields {
            field.server_error = None;
        }
        let details = error.field_details();
        if !details.is_empty() {
            // A custom field the form does not show is one the tenant has and leadbox was not told of: add
            // it on the spot, so the rep can finish the lead.
            let mut added = None;
            for detail in details {
                if self.index_of(&detail.field).is_none()
                    && let Some(key) = detail.field.strip_prefix("customFields.")
                    && let Ok(i) = self.add_custom_field(key)
                {
                    if detail.message.contains("required") {
                        self.require(i);
                    }
                    added = added.or(Some(i));
                }
            }
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
            if let Some(first) = added.or_else(|| self.fields.iter().position(|f| f.server_error.is_some())) {
                self.focus = first;
            }
            self.notice = Some(Notice::Error(
                "Not created: the server refused some fields (marked in red); your typing is kept".into(),
            ));
            self.fixes = Some(Fixes::Server);
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
    pub(super) fn index_of(&self, wire: &str) -> Option<usize> {
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

    pub(super) fn build_lead(&self) -> NewLead {
        let mut lead = NewLead::new("", LeadSource::Other(String::new()));
        for field in &self.fields {
            match (&field.slot, &field.kind) {
                (Slot::Text(tf), _) => {
                    let value = field.text_value().filter(|v| !v.trim().is_empty()).map(str::to_string);
                    rules::set_text(&mut lead, *tf, value);
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
            (Slot::Attribution, FieldKind::Text(t)) => parse_attribution(t.input.value()).err().map(|e| e.to_string()),
            (Slot::Custom(i), kind) => {
                let def = self.defs.get(*i)?;
                match custom_value(def, kind) {
                    Err(message) => Some(message.to_string()),
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

/// "Not sent: 3 fields to fix": what a submit refused by the form's own rules says.
fn fix_count(n: usize) -> String {
    format!("Not sent: {} to fix (marked in red)", new_lead_plural(n, "field"))
}

fn new_lead_plural(n: usize, word: &str) -> String {
    crate::text::plural(n, word)
}
