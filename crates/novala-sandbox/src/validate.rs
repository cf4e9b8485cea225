//! Turns a `POST /api/v1/leads` body into a lead, or into the `details` of a 400.
//!
//! The raw JSON types are checked first (so `"firstName": 5` is a field error, not a decoding failure), then
//! the shared create rules of [`novala_leads::rules`] run on what typed correctly.
//!
//! What one create may store is bounded: the text fields and custom field values by the shared rules (text
//! custom fields at most 1,000 characters), the whole body by [`crate::server::MAX_BODY_BYTES`], and
//! `attribution`, which the shared rules leave free-form, here: at most [`MAX_ATTRIBUTION_KEYS`] keys, each key
//! at most [`MAX_ATTRIBUTION_KEY_CHARS`] characters and each value at most [`MAX_ATTRIBUTION_VALUE_CHARS`]
//! (counted in Unicode characters, like every length of the contract). A refusal names `attribution` for the
//! count and for a key too long (the key is not echoed back), and `attribution.<key>` for a bad value.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use novala_leads::rules::{self, TextField};
use novala_leads::tenant::CustomFieldDef;
use novala_leads::types::{FieldDetail, Lead, LeadSource, LeadStatus, NewLead};

const SERVER_FIELDS: [&str; 3] = ["id", "status", "createdAt"];

/// The most keys an `attribution` object may have.
pub const MAX_ATTRIBUTION_KEYS: usize = 50;
/// The longest `attribution` key, in characters.
pub const MAX_ATTRIBUTION_KEY_CHARS: usize = 100;
/// The longest `attribution` value, in characters.
pub const MAX_ATTRIBUTION_VALUE_CHARS: usize = 1_000;

fn detail(field: impl Into<String>, message: impl Into<String>) -> FieldDetail {
    FieldDetail {
        field: field.into(),
        message: message.into(),
    }
}

/// A field a client may send: the text fields of the create rules, plus the source, attribution and custom fields.
fn is_client_field(key: &str) -> bool {
    TextField::ALL.iter().any(|f| f.wire_name() == key) || matches!(key, "source" | "attribution" | "customFields")
}

/// The string values of an `attribution` object within the limits; every problem goes to `details`.
fn check_attribution(map: &Map<String, Value>, details: &mut Vec<FieldDetail>) -> BTreeMap<String, String> {
    if map.len() > MAX_ATTRIBUTION_KEYS {
        details.push(detail(
            "attribution",
            format!("must have at most {MAX_ATTRIBUTION_KEYS} keys"),
        ));
    }
    let mut long_key = false;
    let mut attribution = BTreeMap::new();
    for (k, v) in map {
        if k.chars().count() > MAX_ATTRIBUTION_KEY_CHARS {
            long_key = true;
            continue;
        }
        match v {
            Value::String(s) if s.chars().count() > MAX_ATTRIBUTION_VALUE_CHARS => details.push(detail(
                format!("attribution.{k}"),
                format!("must be at most {MAX_ATTRIBUTION_VALUE_CHARS} characters"),
            )),
            Value::String(s) => {
                attribution.insert(k.clone(), s.clone());
            }
            _ => details.push(detail(format!("attribution.{k}"), "must be a string")),
        }
    }
    if long_key {
        details.push(detail(
            "attribution",
            format!("keys must be at most {MAX_ATTRIBUTION_KEY_CHARS} characters"),
        ));
    }
    attribution
}

/// Parses and checks a create body against the tenant's custom fields.
pub fn parse_new_lead(body: &[u8], defs: &[CustomFieldDef]) -> Result<NewLead, Vec<FieldDetail>> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| vec![detail("body", format!("is not valid JSON: {e}"))])?;
    let Value::Object(object) = value else {
        return Err(vec![detail("body", "must be a JSON object")]);
    };
    let mut typed = Vec::new();
    let text = |object: &Map<String, Value>, typed: &mut Vec<FieldDetail>, name: &str| -> Option<String> {
        match object.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                typed.push(detail(name, "must be a string"));
                None
            }
        }
    };
    for key in object.keys() {
        if SERVER_FIELDS.contains(&key.as_str()) {
            typed.push(detail(key.as_str(), "is set by the server and cannot be sent"));
        } else if !is_client_field(key) {
            typed.push(detail(key.as_str(), "is not a field of a lead"));
        }
    }
    let source = text(&object, &mut typed, "source");
    let mut lead = NewLead::new(
        text(&object, &mut typed, "firstName").unwrap_or_default(),
        source
            .as_deref()
            .map_or(LeadSource::Other(String::new()), LeadSource::from_wire),
    );
    lead.last_name = text(&object, &mut typed, "lastName");
    lead.email = text(&object, &mut typed, "email");
    lead.phone = text(&object, &mut typed, "phone");
    lead.company_name = text(&object, &mut typed, "companyName");
    lead.channel = text(&object, &mut typed, "channel");
    lead.intent = text(&object, &mut typed, "intent");
    lead.notes = text(&object, &mut typed, "notes");
    lead.assigned_to = text(&object, &mut typed, "assignedTo");
    if source.is_none() && !typed.iter().any(|d| d.field == "source") {
        typed.push(detail("source", "is required"));
    }
    match object.get("attribution") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => lead.attribution = Some(check_attribution(map, &mut typed)),
        Some(_) => typed.push(detail("attribution", "must be an object of string values")),
    }
    match object.get("customFields") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => lead.custom_fields = map.clone().into_iter().collect(),
        Some(_) => {
            typed.push(detail("customFields", "must be an object"));
            // Required custom fields are still reported below, against an empty map.
        }
    }
    let mut details = typed;
    for d in rules::validate_new_lead(&lead, defs) {
        if !details.iter().any(|t| t.field == d.field) {
            details.push(d);
        }
    }
    if details.is_empty() { Ok(lead) } else { Err(details) }
}

/// An empty or blank optional field counts as absent.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

/// The stored lead for a checked new lead: status `new`, with the server's id and creation time. The time is
/// cut to the millisecond precision of the wire, so a cursor made from the lead finds it again exactly.
pub fn lead_from_new(new: NewLead, id: String, created_at: DateTime<Utc>) -> Lead {
    let created_at = DateTime::from_timestamp_millis(created_at.timestamp_millis()).unwrap_or(created_at);
    let assigned_to = present(new.assigned_to).map(|a| match uuid::Uuid::try_parse(&a) {
        Ok(u) => u.hyphenated().to_string(),
        Err(_) => a,
    });
    Lead {
        id,
        first_name: Some(new.first_name),
        last_name: present(new.last_name),
        email: present(new.email),
        phone: present(new.phone),
        company_name: present(new.company_name),
        status: LeadStatus::New,
        source: Some(new.source),
        intent: present(new.intent),
        notes: present(new.notes),
        assigned_to,
        custom_fields: new.custom_fields.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        created_at,
        channel: present(new.channel),
        attribution: new
            .attribution
            .map(|a| a.into_iter().map(|(k, v)| (k, Value::String(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::demo_custom_fields;
    use serde_json::json;

    fn fields(body: Value) -> Vec<String> {
        parse_new_lead(body.to_string().as_bytes(), &demo_custom_fields())
            .unwrap_err()
            .into_iter()
            .map(|d| d.field)
            .collect()
    }

    #[test]
    fn wrong_types_are_field_errors_not_decoding_failures() {
        assert_eq!(
            fields(json!({"firstName": 5, "source": "mcp", "customFields": {"region": "emea"}})),
            ["firstName"]
        );
        assert_eq!(
            fields(json!({"firstName": "A", "source": ["mcp"], "customFields": {"region": "emea"}})),
            ["source"]
        );
        assert_eq!(
            fields(
                json!({"firstName": "A", "source": "mcp", "attribution": {"x": 1}, "customFields": {"region": "emea"}})
            ),
            ["attribution.x"]
        );
        assert_eq!(
            fields(json!({"firstName": "A", "source": "mcp", "customFields": 3})),
            ["customFields", "customFields.region"]
        );
        assert_eq!(fields(json!({})), ["source", "firstName", "customFields.region"]);
        let mut extra = fields(
            json!({"firstName": "A", "source": "mcp", "status": "lost", "colour": "red", "customFields": {"region": "emea"}}),
        );
        extra.sort();
        assert_eq!(extra, ["colour", "status"]);
    }

    #[test]
    fn attribution_is_bounded_in_keys_key_length_and_value_length() {
        let body = |attribution: Value| {
            json!({"firstName": "A", "source": "mcp", "attribution": attribution,
            "customFields": {"region": "emea"}})
        };
        let keys = |n: usize| Value::Object((0..n).map(|i| (format!("k{i}"), json!("v"))).collect());
        let ok = parse_new_lead(
            body(keys(MAX_ATTRIBUTION_KEYS)).to_string().as_bytes(),
            &demo_custom_fields(),
        );
        assert_eq!(ok.unwrap().attribution.unwrap().len(), MAX_ATTRIBUTION_KEYS);
        assert_eq!(fields(body(keys(MAX_ATTRIBUTION_KEYS + 1))), ["attribution"]);

        let at_limits = json!({"k".repeat(MAX_ATTRIBUTION_KEY_CHARS): "é".repeat(MAX_ATTRIBUTION_VALUE_CHARS)});
        assert!(parse_new_lead(body(at_limits).to_string().as_bytes(), &demo_custom_fields()).is_ok());
        let long_key = json!({"k".repeat(MAX_ATTRIBUTION_KEY_CHARS + 1): "v", "utm_source": "x"});
        let details = parse_new_lead(body(long_key).to_string().as_bytes(), &demo_custom_fields()).unwrap_err();
        assert_eq!(details.len(), 1);
        assert_eq!(details[0].field, "attribution");
        assert!(details[0].message.contains("100 characters"), "{}", details[0].message);
        assert_eq!(
            fields(body(
                json!({"utm_source": "é".repeat(MAX_ATTRIBUTION_VALUE_CHARS + 1), "ok": "x"})
            )),
            ["attribution.utm_source"]
        );
    }

    #[test]
    fn not_json_and_not_an_object() {
        for body in [&b"{"[..], b"", b"[1]", b"\"x\"", b"\xff\xfe"] {
            let details = parse_new_lead(body, &[]).unwrap_err();
            assert_eq!(details.len(), 1);
            assert_eq!(details[0].field, "body");
        }
    }

    #[test]
    fn a_valid_body_becomes_a_new_lead_with_normalised_fields() {
        let body = json!({"firstName": "Zoë", "source": "referral", "lastName": "  ", "assignedTo": "3F8E2A1C-7B4D-4E9A-8C2F-1D5B6A7E9F01",
            "attribution": {"utm_source": "x"}, "customFields": {"region": "apac", "plan": null}});
        let new = parse_new_lead(body.to_string().as_bytes(), &demo_custom_fields()).unwrap();
        let lead = lead_from_new(new, "id".into(), DateTime::UNIX_EPOCH);
        assert_eq!(lead.status, LeadStatus::New);
        assert_eq!(lead.last_name, None);
        assert_eq!(
            lead.assigned_to.as_deref(),
            Some("3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01")
        );
        assert_eq!(
            lead.custom_fields,
            BTreeMap::from([("region".to_string(), json!("apac"))])
        );
        assert_eq!(lead.attribution.unwrap()["utm_source"], "x");
    }
}
