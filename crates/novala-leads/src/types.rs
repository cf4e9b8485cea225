//! Wire types of the Novala Leads API (`shared/novala-leads-api.md`).
//!
//! Decoding is tolerant where the contract says a real tenant may differ: every lead field except `id`,
//! `status` and `createdAt` is optional, unknown fields are ignored, and an unknown `status` or `source`
//! value is kept verbatim instead of failing a whole page.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An enum of the wire's string values, with `Other` keeping a value this build does not know as the server
/// sent it: both enums of the contract are this shape, and tolerate a tenant that adds values.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $ty:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty {
            $($variant,)+
            /// A value this build does not know, kept as the server sent it.
            Other(String),
        }

        impl $ty {
            /// The documented values, in the contract's order.
            pub const KNOWN: [$ty; [$($wire),+].len()] = [$($ty::$variant),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $($ty::$variant => $wire,)+
                    $ty::Other(s) => s,
                }
            }

            /// Parses a wire value; anything unknown becomes `Other`.
            pub fn from_wire(s: &str) -> Self {
                Self::parse_known(s).unwrap_or_else(|| $ty::Other(s.to_string()))
            }

            /// Parses only the documented values (for servers and command lines that must reject the rest).
            pub fn parse_known(s: &str) -> Option<Self> {
                Self::KNOWN.iter().find(|k| k.as_str() == s).cloned()
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, $ty::Other(_))
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

wire_enum! {
    /// Where a lead stands in the sales process, in the order a lead usually moves through the statuses.
    LeadStatus {
        New = "new",
        Contacted = "contacted",
        Qualifying = "qualifying",
        Qualified = "qualified",
        Converted = "converted",
        Disqualified = "disqualified",
        Lost = "lost",
    }
}

wire_enum! {
    /// How a lead reached the tenant.
    LeadSource {
        WebForm = "web_form",
        Referral = "referral",
        AgentChat = "agent_chat",
        InboundCall = "inbound_call",
        Mcp = "mcp",
        Import = "import",
    }
}

/// Timestamps go on the wire as RFC 3339 UTC with millisecond precision and a `Z`.
pub mod rfc3339_millis {
    use super::*;

    pub fn format(t: &DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(deserializer)?;
        let t = DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| serde::de::Error::custom(format!("createdAt is not an RFC 3339 timestamp: {e}")))?;
        // Only a time that writes back as it was read: `0000-01-01T00:00:00+01:00` is in year -1 in UTC,
        // which RFC 3339 cannot write, and a page kept with it could not be read again.
        if !(0..=9999).contains(&chrono::Datelike::year(&t)) {
            return Err(serde::de::Error::custom(format!(
                "createdAt {s} is outside the years 0 to 9999"
            )));
        }
        Ok(t)
    }
}

/// A lead as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    pub status: LeadStatus,
    #[serde(default)]
    pub source: Option<LeadSource>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub custom_fields: BTreeMap<String, Value>,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub attribution: Option<BTreeMap<String, Value>>,
}

impl Lead {
    /// "First Last", or whichever part exists, or an empty string.
    pub fn full_name(&self) -> String {
        match (self.first_name.as_deref(), self.last_name.as_deref()) {
            (Some(f), Some(l)) if !l.is_empty() => format!("{f} {l}"),
            (Some(f), _) => f.to_string(),
            (None, Some(l)) => l.to_string(),
            (None, None) => String::new(),
        }
    }
}

/// The body of `POST /api/v1/leads`. Absent optional fields are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLead {
    pub first_name: String,
    pub source: LeadSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_fields: BTreeMap<String, Value>,
}

impl NewLead {
    /// Whether `lead` is this new lead as the server stored it: the same names and email (ignoring the
    /// case of the email and spaces around each). What a create that was cut off is looked for by.
    pub fn is_stored_as(&self, lead: &Lead) -> bool {
        fn same(a: Option<&str>, b: Option<&str>) -> bool {
            a.map(str::trim).unwrap_or_default() == b.map(str::trim).unwrap_or_default()
        }
        same(Some(&self.first_name), lead.first_name.as_deref())
            && same(self.last_name.as_deref(), lead.last_name.as_deref())
            && self.email.as_deref().map(|e| e.trim().to_lowercase())
                == lead
                    .email
                    .as_deref()
                    .map(|e| e.trim().to_lowercase())
                    .filter(|e| !e.is_empty())
    }

    /// Whether `other` would be taken for this lead when looked for in the list: the same names and email.
    pub fn same_person(&self, other: &NewLead) -> bool {
        fn same(a: Option<&str>, b: Option<&str>) -> bool {
            a.map(str::trim).unwrap_or_default() == b.map(str::trim).unwrap_or_default()
        }
        same(Some(&self.first_name), Some(&other.first_name))
            && same(self.last_name.as_deref(), other.last_name.as_deref())
            && self.email.as_deref().map(|e| e.trim().to_lowercase())
                == other.email.as_deref().map(|e| e.trim().to_lowercase())
    }

    pub fn new(first_name: impl Into<String>, source: LeadSource) -> Self {
        NewLead {
            first_name: first_name.into(),
            source,
            last_name: None,
            email: None,
            phone: None,
            company_name: None,
            intent: None,
            notes: None,
            assigned_to: None,
            channel: None,
            attribution: None,
            custom_fields: BTreeMap::new(),
        }
    }
}

/// The cursor envelope of list endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// A server that leaves `hasMore` out is trusted to end the list with a null `nextCursor`.
    #[serde(default = "default_true")]
    pub has_more: bool,
}

fn default_true() -> bool {
    true
}

impl<T> Page<T> {
    /// The cursor to follow, if the server says there is more.
    pub fn continuation(&self) -> Option<&str> {
        match self.next_cursor.as_deref() {
            Some(c) if self.has_more && !c.is_empty() => Some(c),
            _ => None,
        }
    }
}

/// `{ "data": … }`, the envelope of single-object answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// One field's validation failure, as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDetail {
    pub field: String,
    pub message: String,
}

/// Every error body carries a string `error`; validation failures add `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<FieldDetail>>,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
            details: None,
        }
    }
}

/// Filters of `GET /api/v1/leads`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ListQuery {
    pub status: Option<LeadStatus>,
    pub assigned_to: Option<String>,
    /// 1 to 100; `None` lets the server choose (25).
    pub limit: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn documented_lead() -> Value {
        json!({
            "id": "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "phone": "+44 20 7946 0958",
            "companyName": "Analytical Engines Ltd",
            "status": "new",
            "source": "web_form",
            "intent": "Wants a demo of the enterprise plan",
            "notes": null,
            "assignedTo": null,
            "customFields": {},
            "createdAt": "2025-01-15T10:30:00.000Z",
            "channel": null,
            "attribution": null
        })
    }

    #[test]
    fn documented_example_decodes() {
        let lead: Lead = serde_json::from_value(documented_lead()).expect("decodes");
        assert_eq!(lead.first_name.as_deref(), Some("Ada"));
        assert_eq!(lead.status, LeadStatus::New);
        assert_eq!(lead.source, Some(LeadSource::WebForm));
        assert_eq!(lead.notes, None);
        assert_eq!(lead.assigned_to, None);
        assert!(lead.custom_fields.is_empty());
        assert_eq!(rfc3339_millis::format(&lead.created_at), "2025-01-15T10:30:00.000Z");
    }

    #[test]
    fn documented_example_round_trips_exactly() {
        let original = documented_lead();
        let lead: Lead = serde_json::from_value(original.clone()).expect("decodes");
        assert_eq!(serde_json::to_value(&lead).expect("encodes"), original);
    }

    #[test]
    fn unknown_status_and_source_are_kept_verbatim() {
        let mut v = documented_lead();
        v["status"] = json!("nurturing");
        v["source"] = json!("carrier_pigeon");
        v["someFutureField"] = json!({"x": 1});
        let lead: Lead = serde_json::from_value(v).expect("decodes");
        assert_eq!(lead.status, LeadStatus::Other("nurturing".into()));
        assert_eq!(lead.source, Some(LeadSource::Other("carrier_pigeon".into())));
        let back = serde_json::to_value(&lead).expect("encodes");
        assert_eq!(back["status"], "nurturing");
        assert_eq!(back["source"], "carrier_pigeon");
    }

    #[test]
    fn a_time_outside_the_years_rfc_3339_can_write_is_refused() {
        for at in ["0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59.999-01:00"] {
            let json = format!(r#"{{"id":"x","status":"new","createdAt":"{at}"}}"#);
            let err = serde_json::from_str::<Lead>(&json).unwrap_err().to_string();
            assert!(err.contains("outside the years 0 to 9999"), "{err}");
        }
        let edge = r#"{"id":"x","status":"new","createdAt":"0000-01-01T00:00:00Z"}"#;
        let lead: Lead = serde_json::from_str(edge).unwrap();
        let back: Lead = serde_json::from_str(&serde_json::to_string(&lead).unwrap()).unwrap();
        assert_eq!(back, lead, "what is read is written back the same");
    }

    #[test]
    fn only_id_status_and_created_at_are_required() {
        let minimal = json!({"id": "x", "status": "lost", "createdAt": "2025-01-15T10:30:00+02:00"});
        let lead: Lead = serde_json::from_value(minimal).expect("decodes");
        assert_eq!(lead.status, LeadStatus::Lost);
        assert_eq!(rfc3339_millis::format(&lead.created_at), "2025-01-15T08:30:00.000Z");
        for missing in ["id", "status", "createdAt"] {
            let mut v = documented_lead();
            v.as_object_mut().map(|o| o.remove(missing));
            assert!(serde_json::from_value::<Lead>(v).is_err(), "{missing} is required");
        }
    }

    #[test]
    fn every_known_value_round_trips() {
        for s in LeadStatus::KNOWN {
            assert_eq!(LeadStatus::from_wire(s.as_str()), s);
            assert_eq!(LeadStatus::parse_known(s.as_str()), Some(s.clone()));
        }
        for s in LeadSource::KNOWN {
            assert_eq!(LeadSource::from_wire(s.as_str()), s);
        }
        assert_eq!(LeadStatus::parse_known("nurturing"), None);
    }

    #[test]
    fn new_lead_leaves_out_absent_fields_and_round_trips() {
        let mut lead = NewLead::new("Zoë", LeadSource::Referral);
        lead.custom_fields.insert("budget".into(), json!(1200));
        let v = serde_json::to_value(&lead).expect("encodes");
        assert_eq!(
            v,
            json!({"firstName": "Zoë", "source": "referral", "customFields": {"budget": 1200}})
        );
        let back: NewLead = serde_json::from_value(v).expect("decodes");
        assert_eq!(back, lead);
    }

    #[test]
    fn page_continuation_follows_has_more_and_cursor() {
        let page: Page<Lead> =
            serde_json::from_value(json!({"data": [], "nextCursor": "abc", "hasMore": true})).unwrap();
        assert_eq!(page.continuation(), Some("abc"));
        let page: Page<Lead> =
            serde_json::from_value(json!({"data": [], "nextCursor": "abc", "hasMore": false})).unwrap();
        assert_eq!(page.continuation(), None);
        let page: Page<Lead> =
            serde_json::from_value(json!({"data": [], "nextCursor": null, "hasMore": true})).unwrap();
        assert_eq!(page.continuation(), None);
        let page: Page<Lead> = serde_json::from_value(json!({"data": []})).unwrap();
        assert_eq!(page.continuation(), None);
        let rt = json!({"data": [documented_lead()], "nextCursor": "c1", "hasMore": true});
        let page: Page<Lead> = serde_json::from_value(rt.clone()).unwrap();
        assert_eq!(serde_json::to_value(&page).unwrap(), rt);
    }

    #[test]
    fn error_body_with_and_without_details() {
        let v = json!({"error": "Validation failed", "details": [{"field": "firstName", "message": "is required"}]});
        let body: ErrorBody = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(body.details.as_ref().map(Vec::len), Some(1));
        assert_eq!(serde_json::to_value(&body).unwrap(), v);
        let plain: ErrorBody = serde_json::from_value(json!({"error": "Lead not found"})).unwrap();
        assert_eq!(plain, ErrorBody::new("Lead not found"));
    }
}
