//! A lead as the screens show it: every string from the server passed through the sanitiser exactly once,
//! when the lead arrives, so no widget ever sees raw server text.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::api::types::{Lead, LeadStatus};
use crate::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct LeadView {
    /// The id as the server sent it: used for requests and de-duplication, never drawn.
    pub id: String,
    /// "First Last", or an empty string when the lead has no name.
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: LeadStatus,
    pub source: Option<String>,
    pub intent: Option<String>,
    /// Keeps its line breaks.
    pub notes: Option<String>,
    /// The assignee id as the server sent it (matched against the roster and used as a filter).
    pub assignee: Option<String>,
    pub created_at: DateTime<Utc>,
    pub channel: Option<String>,
    /// Key and value, in the server's key order.
    pub attribution: Box<[(Box<str>, Box<str>)]>,
    /// Raw key and value, in key order; the label comes from the tenant profile when drawn.
    pub custom_fields: Box<[(Box<str>, Box<str>)]>,
}

fn line(s: &str) -> String {
    sanitize::line(s).into_owned()
}

fn opt_line(s: &Option<String>) -> Option<String> {
    s.as_deref().filter(|s| !s.trim().is_empty()).map(line)
}

/// A JSON value of a custom field or attribution entry, as one line of text.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => line(s),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => line(&v.to_string()),
    }
}

impl LeadView {
    /// The id as drawn (a server may send anything as an id). Made when shown rather than kept, since
    /// every loaded lead would otherwise hold it twice.
    pub fn id_display(&self) -> String {
        line(&self.id)
    }

    pub fn new(lead: &Lead) -> LeadView {
        let status = match &lead.status {
            LeadStatus::Other(s) => LeadStatus::Other(line(s)),
            known => known.clone(),
        };
        LeadView {
            id: lead.id.clone(),
            name: line(lead.full_name().trim()),
            company: opt_line(&lead.company_name),
            email: opt_line(&lead.email),
            phone: opt_line(&lead.phone),
            status,
            source: lead.source.as_ref().map(|s| line(s.as_str())),
            intent: opt_line(&lead.intent),
            notes: lead
                .notes
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| sanitize::multiline(s).into_owned()),
            assignee: lead.assigned_to.clone().filter(|s| !s.is_empty()),
            created_at: lead.created_at,
            channel: opt_line(&lead.channel),
            attribution: lead
                .attribution
                .iter()
                .flatten()
                .map(|(k, v)| (line(k).into(), value_text(v).into()))
                .collect(),
            custom_fields: lead
                .custom_fields
                .iter()
                .map(|(k, v)| (line(k).into(), value_text(v).into()))
                .collect(),
        }
    }
}

/// The first 8 characters of an id, enough to tell team members apart on screen.
pub fn short_id(id: &str) -> String {
    sanitize::line(id).chars().take(8).collect()
}

/// "now", "5m", "3h", "2d", "4mo", "2y": how long ago `then` was, as of `now`.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    if secs < 60 {
        return "now".to_string();
    }
    let mins = secs / 60;
    if mins < 60 {
        return format!("{mins}m");
    }
    let hours = mins / 60;
    if hours < 24 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if days < 30 {
        return format!("{days}d");
    }
    if days < 365 {
        return format!("{}mo", days / 30);
    }
    format!("{}y", days / 365)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn server_text_is_sanitised_on_arrival() {
        let lead: Lead = serde_json::from_value(json!({
            "id": "id\u{202E}1", "status": "x\x1b[31m", "createdAt": "2026-01-01T00:00:00Z",
            "firstName": "Ada\x1b]0;pwn\x07", "companyName": "Evil\nCorp", "notes": "a\nb\x07",
            "customFields": {"k": "v\u{200B}", "list": ["a", "b"], "n": 3, "b": true},
            "attribution": {"utm": "x\ty"}
        }))
        .unwrap();
        let v = LeadView::new(&lead);
        assert_eq!(v.id, "id\u{202E}1");
        assert_eq!(v.id_display(), "id\u{2423}1");
        assert_eq!(v.name, "Ada\u{FFFD}");
        assert_eq!(v.company.as_deref(), Some("Evil Corp"));
        assert_eq!(v.notes.as_deref(), Some("a\nb\u{FFFD}"));
        assert_eq!(v.status, LeadStatus::Other("x\u{FFFD}".into()));
        assert_eq!(
            v.custom_fields,
            vec![
                ("b".into(), "yes".into()),
                ("k".into(), "v\u{2423}".into()),
                ("list".into(), "a, b".into()),
                ("n".into(), "3".into())
            ]
            .into_boxed_slice()
        );
        assert_eq!(v.attribution, vec![("utm".into(), "x y".into())].into_boxed_slice());
    }

    #[test]
    fn ages_read_like_a_mail_client() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ago = |s: i64| age(now - chrono::Duration::seconds(s), now);
        assert_eq!(ago(-30), "now");
        assert_eq!(ago(59), "now");
        assert_eq!(ago(60), "1m");
        assert_eq!(ago(3 * 3600 + 59), "3h");
        assert_eq!(ago(2 * 86400), "2d");
        assert_eq!(ago(90 * 86400), "3mo");
        assert_eq!(ago(800 * 86400), "2y");
    }
}
