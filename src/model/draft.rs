//! The create form's draft as data: what was typed and chosen, by the fields' wire names, so it can be
//! written to disk on every change and put back into a form after a quit or a crash.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything typed or chosen in the create form. Fields left empty are absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    /// Keyed by wire name: `firstName`, `source`, `customFields.budget`.
    pub fields: BTreeMap<String, DraftValue>,
    /// A send of this draft was under way or went unanswered, so the lead may exist already: a restored
    /// form warns once before sending it again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_have_been_sent: bool,
    /// Custom fields the rep added to the form (or the server asked for) that the tenant's definitions as
    /// leadbox knows them leave out: they come back with the draft. Other unknown fields are left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_custom_fields: Vec<String>,
}

/// One field's value, in the shape of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftValue {
    /// The text as typed, surrounding spaces included.
    Text(String),
    /// The chosen option's wire value (not its label).
    Choice(String),
    /// The chosen options' wire values.
    Multi(Vec<String>),
    Toggle(bool),
}

fn is_false(b: &bool) -> bool {
    !*b
}
