//! What the copy and open keys take from a lead: the value itself, or a link the system's opener may be
//! handed. Links are built only from values already sanitised, and only with the schemes a rep means:
//! `mailto:`, `tel:`, and `https:`/`http:` for a website.

use crate::app::action::LeadField;
use crate::app::{App, Effect, Screen};
use crate::model::lead::LeadRef;
use crate::rules;

/// The value of `field` as the screen shows it, if the lead has one.
pub fn value(lead: LeadRef<'_>, field: LeadField) -> Option<String> {
    match field {
        LeadField::Email => lead.email().map(str::to_string),
        LeadField::Phone => lead.phone().map(str::to_string),
        LeadField::Name => Some(lead.name().to_string()).filter(|n| !n.is_empty()),
        LeadField::Id => Some(lead.id_display()),
        LeadField::Website => website(lead),
    }
}

/// The lead's website: a custom field named like one, else the first custom field holding a web address.
fn website(lead: LeadRef<'_>) -> Option<String> {
    let is_web = |v: &str| rules::is_url(v) && (v.starts_with("https://") || v.starts_with("http://"));
    lead.custom_fields()
        .find(|(k, v)| (k.contains("website") || k.contains("url") || *k == "site") && is_web(v))
        .or_else(|| lead.custom_fields().find(|(_, v)| is_web(v)))
        .map(|(_, v)| v.to_string())
}

/// Why a lead's field gives nothing to open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoLink {
    #[error("This lead has no {field}")]
    Missing { field: &'static str },
    #[error("Not an address an email can go to: {email}")]
    NotAnAddress { email: String },
    #[error("Not a number a phone can call: {phone}")]
    NotANumber { phone: String },
    #[error("The {field} is not something to open")]
    NotOpenable { field: &'static str },
}

/// The link to hand the system for `field`, or why there is none.
pub fn link(lead: LeadRef<'_>, field: LeadField) -> Result<String, NoLink> {
    let missing = || NoLink::Missing { field: field.word() };
    match field {
        LeadField::Email => {
            let email = lead.email().ok_or_else(missing)?;
            if !rules::is_email(email) || email.contains(['?', '&', '#', ' ']) {
                return Err(NoLink::NotAnAddress {
                    email: email.to_string(),
                });
            }
            Ok(format!("mailto:{email}"))
        }
        LeadField::Phone => {
            let phone = lead.phone().ok_or_else(missing)?;
            let dial: String = phone
                .chars()
                .enumerate()
                .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
                .map(|(_, c)| c)
                .collect();
            if dial.chars().filter(char::is_ascii_digit).count() < 3 {
                return Err(NoLink::NotANumber {
                    phone: phone.to_string(),
                });
            }
            Ok(format!("tel:{dial}"))
        }
        LeadField::Website => website(lead).ok_or_else(missing),
        LeadField::Name | LeadField::Id => Err(NoLink::NotOpenable { field: field.word() }),
    }
}

impl App {
    /// The one lead the open keys act on (and the others when nothing is picked): the open one in the
    /// detail, else the selected one.
    pub(super) fn acted_on(&self) -> Option<LeadRef<'_>> {
        match (&self.detail, self.screen) {
            (Some(d), Screen::Detail) => Some(d.view.row()),
            _ => self.list.selected_lead(),
        }
    }

    pub(super) fn copy(&mut self, field: LeadField) {
        if self.acting_on_picked() {
            return self.copy_picked(field);
        }
        let Some(lead) = self.acted_on() else {
            return;
        };
        match value(lead, field) {
            Some(text) => {
                self.said.notice = Some(format!("Copied the {}: {text}", field.word()));
                self.effects.push(Effect::Copy(text));
            }
            // Nothing was copied: said as a failure, never with the success tick.
            None => self.said.error = Some(format!("This lead has no {}", field.word())),
        }
    }

    /// The field of every picked lead, one a line in the list's order; leads without it are left out and
    /// counted. The values are the sanitised ones the screen shows, so no line can carry a control byte.
    fn copy_picked(&mut self, field: LeadField) {
        let leads = self.acted_on_leads();
        let total = leads.len();
        let values: Vec<String> = leads.into_iter().filter_map(|l| value(l, field)).collect();
        let lacking = total - values.len();
        let without = match lacking {
            0 => String::new(),
            n => format!(" ({n} without one)"),
        };
        if values.is_empty() {
            self.said.error = Some(format!("No picked lead has a {}", field.word()));
            return;
        }
        let what = if values.len() == 1 {
            field.word().to_string()
        } else {
            format!("{}s", field.word())
        };
        self.said.notice = Some(format!(
            "Copied {} {what}, one a line{without}",
            crate::text::count(values.len())
        ));
        self.effects.push(Effect::Copy(values.join("\n")));
    }

    pub(super) fn open_with(&mut self, field: LeadField) {
        let Some(lead) = self.acted_on() else {
            return;
        };
        match link(lead, field) {
            Ok(link) => self.start_opening(link),
            Err(why) => self.said.error = Some(why.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Lead, LeadStatus};
    use crate::model::CompactLead;

    fn lead(email: Option<&str>, phone: Option<&str>, custom: &[(&str, &str)]) -> CompactLead {
        let mut lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000001",
            "status": "new",
            "createdAt": "2026-01-01T00:00:00.000Z",
            "firstName": "Ana",
        }))
        .unwrap();
        lead.status = LeadStatus::New;
        lead.email = email.map(str::to_string);
        lead.phone = phone.map(str::to_string);
        lead.custom_fields = custom
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect();
        CompactLead::new(&lead)
    }

    #[test]
    fn links_use_only_the_schemes_a_rep_means() {
        let l = lead(
            Some("ana@example.com"),
            Some("+44 (20) 7946-0958"),
            &[("website", "https://ana.example")],
        );
        assert_eq!(link(l.row(), LeadField::Email).unwrap(), "mailto:ana@example.com");
        assert_eq!(link(l.row(), LeadField::Phone).unwrap(), "tel:+442079460958");
        assert_eq!(link(l.row(), LeadField::Website).unwrap(), "https://ana.example");

        let hostile = lead(
            Some("ana@example.com?body=x"),
            Some("javascript:alert(1)"),
            &[("website", "file:///etc/passwd"), ("homepage", "javascript:alert(1)")],
        );
        assert!(link(hostile.row(), LeadField::Email).is_err());
        assert!(link(hostile.row(), LeadField::Phone).is_err());
        assert!(link(hostile.row(), LeadField::Website).is_err());
        assert!(link(hostile.row(), LeadField::Name).is_err());
    }

    #[test]
    fn values_are_what_the_screen_shows() {
        let l = lead(Some("a\u{1b}]52;c;x\u{7}@example.com"), None, &[]);
        let copied = value(l.row(), LeadField::Email).unwrap();
        assert!(!copied.contains('\u{1b}') && !copied.contains('\u{7}'), "{copied:?}");
        assert_eq!(value(l.row(), LeadField::Phone), None);
        assert_eq!(value(l.row(), LeadField::Name).as_deref(), Some("Ana"));
    }
}
