//! What a tenant knows about itself that the API cannot tell: its team roster (assignee names) and its
//! custom field definitions. Novala keeps both in its dashboard, so leadbox learns them from configuration,
//! or from the embedded sandbox, which defines them itself.

use serde::{Deserialize, Serialize};

/// One person leads can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The user's UUID, as it appears in `assignedTo`.
    pub id: String,
    pub name: String,
}

/// The value type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldKind {
    Text,
    Number,
    /// `YYYY-MM-DD`
    Date,
    Boolean,
    /// One of `options`.
    Dropdown,
    /// An array of `options`.
    MultiSelect,
    Url,
    Email,
    Phone,
}

impl CustomFieldKind {
    pub const ALL: [CustomFieldKind; 9] = [
        CustomFieldKind::Text,
        CustomFieldKind::Number,
        CustomFieldKind::Date,
        CustomFieldKind::Boolean,
        CustomFieldKind::Dropdown,
        CustomFieldKind::MultiSelect,
        CustomFieldKind::Url,
        CustomFieldKind::Email,
        CustomFieldKind::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomFieldKind::Text => "text",
            CustomFieldKind::Number => "number",
            CustomFieldKind::Date => "date",
            CustomFieldKind::Boolean => "boolean",
            CustomFieldKind::Dropdown => "dropdown",
            CustomFieldKind::MultiSelect => "multi_select",
            CustomFieldKind::Url => "url",
            CustomFieldKind::Email => "email",
            CustomFieldKind::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A tenant's definition of one custom field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldDef {
    /// Lowercase letters, digits and underscores.
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    #[serde(default)]
    pub required: bool,
    /// Allowed values of dropdown and multi-select fields.
    #[serde(default)]
    pub options: Vec<String>,
    /// A unit or a hint shown with the field in a form ("EUR", "as on the badge").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl CustomFieldDef {
    pub fn new(key: &str, label: &str, kind: CustomFieldKind, required: bool, options: &[&str]) -> Self {
        CustomFieldDef {
            key: key.to_string(),
            label: label.to_string(),
            kind,
            required,
            options: options.iter().map(|o| o.to_string()).collect(),
            hint: None,
        }
    }
}

/// The roster and custom fields of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantProfile {
    #[serde(default)]
    pub roster: Vec<Member>,
    #[serde(default)]
    pub custom_fields: Vec<CustomFieldDef>,
}

impl TenantProfile {
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.roster.iter().find(|m| m.id == id)
    }

    pub fn custom_field(&self, key: &str) -> Option<&CustomFieldDef> {
        self.custom_fields.iter().find(|d| d.key == key)
    }
}
