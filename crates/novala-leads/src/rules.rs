//! The create rules of the contract, in one place: the sandbox enforces them on every `POST`, and the
//! create form checks them as the user types, so both always agree on what a valid lead is.

use chrono::NaiveDate;
use serde_json::Value;

use crate::tenant::{CustomFieldDef, CustomFieldKind};
use crate::types::{FieldDetail, LeadSource, NewLead};

/// The plain text fields of a new lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    FirstName,
    LastName,
    Email,
    Phone,
    CompanyName,
    Channel,
    Intent,
    Notes,
    AssignedTo,
}

impl TextField {
    pub const ALL: [TextField; 9] = [
        TextField::FirstName,
        TextField::LastName,
        TextField::Email,
        TextField::Phone,
        TextField::CompanyName,
        TextField::Channel,
        TextField::Intent,
        TextField::Notes,
        TextField::AssignedTo,
    ];

    /// The JSON name of the field, as used in `details[].field`.
    pub fn wire_name(self) -> &'static str {
        match self {
            TextField::FirstName => "firstName",
            TextField::LastName => "lastName",
            TextField::Email => "email",
            TextField::Phone => "phone",
            TextField::CompanyName => "companyName",
            TextField::Channel => "channel",
            TextField::Intent => "intent",
            TextField::Notes => "notes",
            TextField::AssignedTo => "assignedTo",
        }
    }

    /// The longest value allowed, in Unicode characters.
    pub fn max_chars(self) -> usize {
        match self {
            TextField::FirstName | TextField::LastName | TextField::CompanyName | TextField::Channel => 255,
            TextField::Phone => 50,
            TextField::Email => 254,
            TextField::Intent => 1_000,
            TextField::Notes => 10_000,
            TextField::AssignedTo => 36,
        }
    }

    pub fn required(self) -> bool {
        matches!(self, TextField::FirstName)
    }
}

/// The value of `field` in `lead` (the first name as it is, even empty).
pub fn text_of(lead: &NewLead, field: TextField) -> Option<&str> {
    match field {
        TextField::FirstName => Some(lead.first_name.as_str()),
        TextField::LastName => lead.last_name.as_deref(),
        TextField::Email => lead.email.as_deref(),
        TextField::Phone => lead.phone.as_deref(),
        TextField::CompanyName => lead.company_name.as_deref(),
        TextField::Channel => lead.channel.as_deref(),
        TextField::Intent => lead.intent.as_deref(),
        TextField::Notes => lead.notes.as_deref(),
        TextField::AssignedTo => lead.assigned_to.as_deref(),
    }
}

/// Sets `field` of `lead` to `value` (`None` leaves an optional field out and the first name empty).
pub fn set_text(lead: &mut NewLead, field: TextField, value: Option<String>) {
    let slot = match field {
        TextField::FirstName => {
            lead.first_name = value.unwrap_or_default();
            return;
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
    *slot = value;
}

/// Checks one text field's value; `None` means it passes. An empty value counts as absent.
pub fn check_text(field: TextField, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return field.required().then(|| "is required".to_string());
    }
    let chars = value.chars().count();
    if chars > field.max_chars() {
        return Some(format!("must be at most {} characters", field.max_chars()));
    }
    match field {
        TextField::Email if !is_email(value) => Some("must be an email address like name@example.com".into()),
        TextField::AssignedTo if !is_uuid(value) => Some("must be a user's UUID".into()),
        _ => None,
    }
}

/// One `@`, a non-empty local part, and a dotted domain whose labels are not empty.
pub fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

pub fn is_uuid(s: &str) -> bool {
    uuid::Uuid::try_parse(s).is_ok()
}

/// `http://` or `https://` followed by a host.
pub fn is_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Digits with the usual separators, an optional leading `+`, and at least five digits.
pub fn is_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && s.chars().count() <= TextField::Phone.max_chars()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

/// Checks one custom field value against its definition; `None` means it passes.
pub fn check_custom_value(def: &CustomFieldDef, value: &Value) -> Option<String> {
    let text = value.as_str();
    match def.kind {
        CustomFieldKind::Text => match text {
            Some(s) if s.chars().count() > 1_000 => Some("must be at most 1000 characters".into()),
            Some(_) => None,
            None => Some("must be text".into()),
        },
        CustomFieldKind::Number => (!value.is_number()).then(|| "must be a number".into()),
        CustomFieldKind::Boolean => (!value.is_boolean()).then(|| "must be true or false".into()),
        CustomFieldKind::Date => match text {
            Some(s) if s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => None,
            // The right shape, but no such day (2026-02-30): say so, not that the format is wrong.
            Some(s) if is_date_shaped(s) => Some(format!("{s} is not a real date")),
            _ => Some("must be a date as YYYY-MM-DD".into()),
        },
        CustomFieldKind::Dropdown => match text {
            Some(s) if def.options.iter().any(|o| o == s) => None,
            _ => Some(format!("must be one of: {}", def.options.join(", "))),
        },
        CustomFieldKind::MultiSelect => match value.as_array() {
            Some(items)
                if items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| def.options.iter().any(|o| o == s))) =>
            {
                None
            }
            _ => Some(format!("must be a list of: {}", def.options.join(", "))),
        },
        CustomFieldKind::Url => match text {
            Some(s) if is_url(s) => None,
            _ => Some("must be a URL starting with http:// or https://".into()),
        },
        CustomFieldKind::Email => match text {
            Some(s) if is_email(s) => None,
            _ => Some("must be an email address like name@example.com".into()),
        },
        CustomFieldKind::Phone => match text {
            Some(s) if is_phone(s) => None,
            _ => Some("must be a phone number".into()),
        },
    }
}

/// A custom field key as the contract allows it: lowercase letters, digits and underscores.
pub fn is_custom_field_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks a custom field map: unknown keys, each value, and every required field's presence.
pub fn check_custom_fields<'a>(
    values: impl IntoIterator<Item = (&'a String, &'a Value)>,
    defs: &[CustomFieldDef],
) -> Vec<FieldDetail> {
    let mut out = Vec::new();
    let mut present = Vec::new();
    for (key, value) in values {
        let field = format!("customFields.{key}");
        match defs.iter().find(|d| &d.key == key) {
            None => out.push(FieldDetail {
                field,
                message: "is not a custom field of this tenant".into(),
            }),
            Some(def) if value.is_null() => {
                if def.required {
                    out.push(FieldDetail {
                        field,
                        message: "is required".into(),
                    });
                }
                present.push(key.as_str());
            }
            Some(def) => {
                if let Some(message) = check_custom_value(def, value) {
                    out.push(FieldDetail { field, message });
                }
                present.push(key.as_str());
            }
        }
    }
    for def in defs.iter().filter(|d| d.required) {
        if !present.contains(&def.key.as_str()) {
            out.push(FieldDetail {
                field: format!("customFields.{}", def.key),
                message: "is required".into(),
            });
        }
    }
    out
}

/// Every rule violation of a typed new lead, in field order.
pub fn validate_new_lead(lead: &NewLead, defs: &[CustomFieldDef]) -> Vec<FieldDetail> {
    let mut out = Vec::new();
    for field in TextField::ALL {
        if let Some(message) = check_text(field, text_of(lead, field).unwrap_or("")) {
            out.push(FieldDetail {
                field: field.wire_name().into(),
                message,
            });
        }
    }
    if !lead.source.is_known() {
        let known: Vec<&str> = LeadSource::KNOWN.iter().map(LeadSource::as_str).collect();
        out.push(FieldDetail {
            field: "source".into(),
            message: format!("must be one of: {}", known.join(", ")),
        });
    }
    out.extend(check_custom_fields(&lead.custom_fields, defs));
    out
}

/// `YYYY-MM-DD` by its characters, whatever the numbers.
fn is_date_shaped(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lengths_count_characters_not_bytes() {
        let ok = "é".repeat(255);
        assert!(ok.len() > 255);
        assert_eq!(check_text(TextField::FirstName, &ok), None);
        let long = "é".repeat(256);
        assert_eq!(
            check_text(TextField::FirstName, &long).as_deref(),
            Some("must be at most 255 characters")
        );
        assert!(check_text(TextField::Phone, &"1".repeat(51)).is_some());
        assert!(check_text(TextField::Notes, &"x".repeat(10_000)).is_none());
        assert!(check_text(TextField::Notes, &"x".repeat(10_001)).is_some());
    }

    #[test]
    fn required_and_formats() {
        assert_eq!(check_text(TextField::FirstName, "  ").as_deref(), Some("is required"));
        assert_eq!(check_text(TextField::LastName, ""), None);
        for bad in ["a", "a@b", "@b.com", "a@@b.com", "a@b..com", "a b@c.com", "a@.com"] {
            assert!(check_text(TextField::Email, bad).is_some(), "{bad}");
        }
        assert_eq!(check_text(TextField::Email, "ana.ruiz@acme.co.uk"), None);
        assert!(check_text(TextField::AssignedTo, "bob").is_some());
        assert_eq!(
            check_text(TextField::AssignedTo, "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01"),
            None
        );
    }

    #[test]
    fn custom_values_by_kind() {
        let plan = CustomFieldDef::new("plan", "plan", CustomFieldKind::Dropdown, false, &["basic", "pro"]);
        assert_eq!(check_custom_value(&plan, &json!("pro")), None);
        assert!(check_custom_value(&plan, &json!("gold")).is_some());
        let tags = CustomFieldDef::new("tags", "tags", CustomFieldKind::MultiSelect, false, &["a", "b"]);
        assert_eq!(check_custom_value(&tags, &json!(["a", "b"])), None);
        assert!(check_custom_value(&tags, &json!(["c"])).is_some());
        assert!(check_custom_value(&tags, &json!("a")).is_some());
        let date = CustomFieldDef::new("d", "d", CustomFieldKind::Date, false, &[]);
        assert_eq!(check_custom_value(&date, &json!("2026-02-28")), None);
        assert_eq!(
            check_custom_value(&date, &json!("2026-02-30")).as_deref(),
            Some("2026-02-30 is not a real date")
        );
        assert_eq!(
            check_custom_value(&date, &json!("30/02/2026")).as_deref(),
            Some("must be a date as YYYY-MM-DD")
        );
        assert!(check_custom_value(&date, &json!("2026-2-3")).is_some());
        let n = CustomFieldDef::new("n", "n", CustomFieldKind::Number, false, &[]);
        assert!(check_custom_value(&n, &json!("12")).is_some());
        assert_eq!(check_custom_value(&n, &json!(12.5)), None);
        let b = CustomFieldDef::new("b", "b", CustomFieldKind::Boolean, false, &[]);
        assert!(check_custom_value(&b, &json!("true")).is_some());
        let u = CustomFieldDef::new("u", "u", CustomFieldKind::Url, false, &[]);
        assert_eq!(check_custom_value(&u, &json!("https://acme.io/x")), None);
        assert!(check_custom_value(&u, &json!("acme.io")).is_some());
        let p = CustomFieldDef::new("p", "p", CustomFieldKind::Phone, false, &[]);
        assert_eq!(check_custom_value(&p, &json!("+1 (555) 010-9999")), None);
        assert!(check_custom_value(&p, &json!("call me")).is_some());
    }

    #[test]
    fn custom_field_map_checks_unknown_and_required() {
        let defs = vec![
            CustomFieldDef::new("budget", "budget", CustomFieldKind::Number, true, &[]),
            CustomFieldDef::new("plan", "plan", CustomFieldKind::Dropdown, false, &["basic"]),
        ];
        let mut lead = NewLead::new("Ana", LeadSource::WebForm);
        let fields: Vec<String> = validate_new_lead(&lead, &defs).into_iter().map(|d| d.field).collect();
        assert_eq!(fields, vec!["customFields.budget"]);
        lead.custom_fields.insert("budget".into(), json!(10));
        lead.custom_fields.insert("color".into(), json!("red"));
        let details = validate_new_lead(&lead, &defs);
        assert_eq!(details.len(), 1);
        assert_eq!(details[0].field, "customFields.color");
        lead.custom_fields.remove("color");
        assert!(validate_new_lead(&lead, &defs).is_empty());
        lead.source = LeadSource::Other("fax".into());
        assert_eq!(validate_new_lead(&lead, &defs)[0].field, "source");
    }
}
