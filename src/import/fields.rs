//! From names and text as people write them (a spreadsheet's header, `--custom region=EMEA`) to the fields
//! of a new lead: which field a column is, and the JSON value a cell becomes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::types::{LeadSource, NewLead};
use crate::rules::TextField;
use crate::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};

/// What a column fills in each lead: a field, a custom field or attribution key, or nothing (and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fills {
    Text(TextField),
    Source,
    /// `customFields.<key>`.
    Custom(String),
    /// `attribution.<key>`.
    Attribution(String),
    /// Left out on purpose (`--map column=-`, or the error column of a refused-rows file).
    Skip,
    /// A value the tenant gives every lead itself (`id`, `createdAt`, `status` of an exported file): left
    /// out, and said once.
    SetByTenant,
    /// A `customFields` or `attribution` column holding a JSON object (as `leads list --format csv` writes
    /// the custom fields without a column of their own).
    Object(ObjectKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    CustomFields,
    Attribution,
}

impl Fills {
    /// The field as the contract names it (what a server's `details[].field` says).
    pub fn wire(&self) -> String {
        match self {
            Fills::Text(f) => f.wire_name().to_string(),
            Fills::Source => "source".to_string(),
            Fills::Custom(key) => format!("customFields.{key}"),
            Fills::Attribution(key) => format!("attribution.{key}"),
            Fills::Skip | Fills::SetByTenant => "-".to_string(),
            Fills::Object(ObjectKind::CustomFields) => "customFields".to_string(),
            Fills::Object(ObjectKind::Attribution) => "attribution".to_string(),
        }
    }
}

/// The column a refused-rows file adds; read back, it is left out.
pub const ERROR_COLUMN: &str = "import error";

/// `firstName`, `first name`, `First_Name` and `FIRST-NAME` are one name.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field `name` stands for: a wire name in any spelling, a usual alias, `customFields.<key>`,
/// `attribution.<key>`, or a custom field's key or label in `tenant`; `-` leaves a column out.
pub fn target(name: &str, tenant: &TenantProfile) -> Option<Fills> {
    let name = name.trim();
    if name == "-" || name.eq_ignore_ascii_case(ERROR_COLUMN) {
        return Some(Fills::Skip);
    }
    if let Some((prefix, key)) = name.split_once('.') {
        let key = key.trim();
        return match folded(prefix).as_str() {
            "customfields" | "custom" if crate::rules::is_custom_field_key(key) => Some(Fills::Custom(key.to_string())),
            "attribution" if !key.is_empty() => Some(Fills::Attribution(key.to_string())),
            _ => None,
        };
    }
    let f = folded(name);
    let text = |field| Some(Fills::Text(field));
    match f.as_str() {
        "firstname" | "givenname" | "forename" => return text(TextField::FirstName),
        "lastname" | "surname" | "familyname" => return text(TextField::LastName),
        "email" | "emailaddress" | "mail" => return text(TextField::Email),
        "phone" | "phonenumber" | "telephone" | "mobile" => return text(TextField::Phone),
        "companyname" | "company" | "organization" | "organisation" => return text(TextField::CompanyName),
        "channel" => return text(TextField::Channel),
        "intent" => return text(TextField::Intent),
        "notes" | "note" => return text(TextField::Notes),
        "assignedto" | "assignee" | "owner" => return text(TextField::AssignedTo),
        "source" | "leadsource" => return Some(Fills::Source),
        "id" | "createdat" | "status" => return Some(Fills::SetByTenant),
        "customfields" => return Some(Fills::Object(ObjectKind::CustomFields)),
        "attribution" => return Some(Fills::Object(ObjectKind::Attribution)),
        _ => {}
    }
    tenant
        .custom_fields
        .iter()
        .find(|d| folded(&d.key) == f || folded(&d.label) == f)
        .map(|d| Fills::Custom(d.key.clone()))
}

/// Every name [`target`] knows without a tenant, for messages.
pub const FIELD_NAMES: &str = "firstName, lastName, email, phone, companyName, source, channel, intent, notes, \
                               assignedTo, customFields.<key>, attribution.<key>";

/// What is wrong with a cell's value (not which row or column: the caller knows).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CellError {
    /// `text` says whether the cell was text that did not read as an object (then an example helps).
    #[error("{}", if *text { "must be a JSON object such as {\"key\": \"value\"}" } else { "must be a JSON object" })]
    NotAnObject { text: bool },
    #[error("`{key}` is not a custom field key")]
    NotACustomFieldKey { key: String },
    /// What is wrong with the value under `key` in an object cell.
    #[error("{key}: {inner}")]
    InObject { key: String, inner: Box<CellError> },
    #[error("must be text")]
    NotText,
    #[error("must be a number (not `{text}`)")]
    NotANumber { text: String },
    #[error("must be true or false (not `{text}`)")]
    NotABoolean { text: String },
    /// The assignee names nobody the rep's profile knows.
    #[error("{0}")]
    Assignee(crate::config::team::MemberError),
}

/// Builds new leads cell by cell, turning text into the JSON a field takes.
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    pub tenant: &'a TenantProfile,
    /// The rep's own id, for an assignee written `me`.
    pub me: Option<&'a str>,
}

impl Cells<'_> {
    /// Puts `value` in `lead`'s field `target`. An empty cell leaves the field out. `Err` says what is
    /// wrong with the value (not which row or column: the caller knows).
    pub fn set(&self, lead: &mut NewLead, target: &Fills, value: &Value) -> Result<(), CellError> {
        if is_blank(value) {
            return Ok(());
        }
        match target {
            Fills::Skip | Fills::SetByTenant => {}
            Fills::Object(kind) => {
                let object = match value {
                    Value::Object(map) => map.clone(),
                    Value::String(text) => match serde_json::from_str::<Value>(text) {
                        Ok(Value::Object(map)) => map,
                        _ => return Err(CellError::NotAnObject { text: true }),
                    },
                    _ => return Err(CellError::NotAnObject { text: false }),
                };
                for (key, inner) in &object {
                    let target = match kind {
                        ObjectKind::CustomFields if crate::rules::is_custom_field_key(key) => {
                            Fills::Custom(key.clone())
                        }
                        ObjectKind::CustomFields => {
                            return Err(CellError::NotACustomFieldKey { key: key.clone() });
                        }
                        ObjectKind::Attribution => Fills::Attribution(key.clone()),
                    };
                    self.set(lead, &target, inner).map_err(|why| CellError::InObject {
                        key: key.clone(),
                        inner: Box::new(why),
                    })?;
                }
            }
            Fills::Text(TextField::AssignedTo) => {
                let who = text_of(value)?;
                let id = crate::config::team::assignee_id(&who, self.me, &self.tenant.roster)
                    .map_err(CellError::Assignee)?;
                lead.assigned_to = Some(id);
            }
            Fills::Text(field) => crate::rules::set_text(lead, *field, Some(text_of(value)?)),
            Fills::Source => {
                let text = text_of(value)?;
                let wire = folded(&text).replace(['.'], "");
                // "Trade show" and "trade_show" are the same source.
                lead.source = LeadSource::KNOWN
                    .iter()
                    .find(|s| folded(s.as_str()) == wire)
                    .cloned()
                    .unwrap_or(LeadSource::Other(text));
            }
            Fills::Attribution(key) => {
                let text = text_of(value)?;
                lead.attribution
                    .get_or_insert_with(BTreeMap::new)
                    .insert(key.clone(), text);
            }
            Fills::Custom(key) => {
                let value = match self.tenant.custom_field(key) {
                    Some(def) => custom_value(def, value)?,
                    // Without the field's kind, text stays text, but a cell written as a JSON list (as an
                    // export writes a multi-select) is that list.
                    None => json_list(value).unwrap_or_else(|| value.clone()),
                };
                lead.custom_fields.insert(key.clone(), value);
            }
        }
        Ok(())
    }
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as text: a JSON string, or a number or boolean written out; lists and objects are not text.
fn text_of(value: &Value) -> Result<String, CellError> {
    match value {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(CellError::NotText),
    }
}

/// A cell holding a JSON list (`["crm","api"]`) as that list.
fn json_list(value: &Value) -> Option<Value> {
    let text = value.as_str()?.trim();
    if !text.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Value>(text).ok().filter(Value::is_array)
}

/// The JSON a custom field takes, from text as a spreadsheet holds it (`1,200.50`, `yes`, `a; b`) or from a
/// JSON value already of the right kind. What the field's rules then refuse is for them to say.
pub fn custom_value(def: &CustomFieldDef, value: &Value) -> Result<Value, CellError> {
    let Value::String(text) = value else {
        return Ok(value.clone());
    };
    let text = text.trim();
    Ok(match def.kind {
        CustomFieldKind::Number => {
            let plain: String = text.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
            match plain.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(n) if plain.contains(['.', 'e', 'E']) => Value::Number(n),
                Some(n) => plain.parse::<i64>().map(Value::from).unwrap_or(Value::Number(n)),
                None => return Err(CellError::NotANumber { text: text.to_string() }),
            }
        }
        CustomFieldKind::Boolean => match text.to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "x" => Value::Bool(true),
            "false" | "no" | "n" | "0" => Value::Bool(false),
            _ => return Err(CellError::NotABoolean { text: text.to_string() }),
        },
        CustomFieldKind::MultiSelect if json_list(value).is_some() => json_list(value).unwrap_or_default(),
        CustomFieldKind::MultiSelect => Value::Array(
            text.split([';', '|', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(option(def, s)))
                .collect(),
        ),
        CustomFieldKind::Dropdown => Value::String(option(def, text)),
        _ => Value::String(text.to_string()),
    })
}

/// The option `text` names in any case (`EMEA` for `emea`), or `text` as it is for the rules to refuse.
fn option(def: &CustomFieldDef, text: &str) -> String {
    def.options
        .iter()
        .find(|o| o.eq_ignore_ascii_case(text))
        .cloned()
        .unwrap_or_else(|| text.to_string())
}

/// The leads rules, with one allowance: a tenant whose custom fields are not in the profile may have any,
/// so a well-formed key is left for the tenant to judge rather than refused here.
pub fn problems(lead: &NewLead, tenant: &TenantProfile) -> Vec<crate::api::types::FieldDetail> {
    let mut details = crate::rules::validate_new_lead(lead, &tenant.custom_fields);
    if tenant.custom_fields.is_empty() {
        details.retain(|d| !d.field.starts_with("customFields."));
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tenant() -> TenantProfile {
        TenantProfile {
            roster: vec![crate::tenant::Member {
                id: "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01".into(),
                name: "Ana Ruiz".into(),
            }],
            custom_fields: vec![
                CustomFieldDef::new(
                    "region",
                    "Sales region",
                    CustomFieldKind::Dropdown,
                    true,
                    &["emea", "apac"],
                ),
                CustomFieldDef::new("budget", "Budget", CustomFieldKind::Number, false, &[]),
                CustomFieldDef::new("tags", "Tags", CustomFieldKind::MultiSelect, false, &["a", "b"]),
                CustomFieldDef::new("vip", "VIP", CustomFieldKind::Boolean, false, &[]),
            ],
        }
    }

    #[test]
    fn columns_are_found_by_any_spelling_alias_key_or_label() {
        let t = tenant();
        for name in ["firstName", "first name", "First_Name", "FIRST-NAME", "given name"] {
            assert_eq!(target(name, &t), Some(Fills::Text(TextField::FirstName)), "{name}");
        }
        assert_eq!(target("Company", &t), Some(Fills::Text(TextField::CompanyName)));
        assert_eq!(target("customFields.region", &t), Some(Fills::Custom("region".into())));
        assert_eq!(target("Sales region", &t), Some(Fills::Custom("region".into())));
        assert_eq!(target("budget", &t), Some(Fills::Custom("budget".into())));
        assert_eq!(
            target("attribution.utm_source", &t),
            Some(Fills::Attribution("utm_source".into()))
        );
        assert_eq!(target("import error", &t), Some(Fills::Skip));
        assert_eq!(target("-", &t), Some(Fills::Skip));
        assert_eq!(target("Booth", &t), None);
        assert_eq!(target("createdAt", &t), Some(Fills::SetByTenant));
        assert_eq!(
            target("customFields", &t),
            Some(Fills::Object(ObjectKind::CustomFields))
        );
        assert_eq!(target("customFields.Not A Key", &t), None);
        // Without a profile, a custom field is only ever `customFields.<key>`.
        assert_eq!(target("Sales region", &TenantProfile::default()), None);
        assert_eq!(
            target("customFields.region", &TenantProfile::default()),
            Some(Fills::Custom("region".into()))
        );
    }

    #[test]
    fn cells_become_the_json_each_field_takes() {
        let t = tenant();
        let cells = Cells {
            tenant: &t,
            me: Some("3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01"),
        };
        let mut lead = NewLead::new("", LeadSource::Other(String::new()));
        let set = |lead: &mut NewLead, name: &str, v: Value| cells.set(lead, &target(name, &t).unwrap(), &v);
        set(&mut lead, "first name", json!("  Ada ")).unwrap();
        set(&mut lead, "source", json!("Web form")).unwrap();
        set(&mut lead, "budget", json!("1,200")).unwrap();
        set(&mut lead, "tags", json!("a; b")).unwrap();
        set(&mut lead, "vip", json!("yes")).unwrap();
        set(&mut lead, "Sales region", json!("EMEA")).unwrap();
        set(&mut lead, "assignee", json!("ana ruiz")).unwrap();
        set(&mut lead, "phone", json!("")).unwrap();
        assert_eq!(lead.first_name, "Ada");
        assert_eq!(lead.source, LeadSource::WebForm);
        assert_eq!(lead.custom_fields["budget"], json!(1200));
        assert_eq!(lead.custom_fields["tags"], json!(["a", "b"]));
        set(&mut lead, "tags", json!(r#"["b","a"]"#)).unwrap();
        assert_eq!(
            lead.custom_fields["tags"],
            json!(["b", "a"]),
            "a list as an export writes it"
        );
        assert_eq!(lead.custom_fields["vip"], json!(true));
        assert_eq!(lead.custom_fields["region"], json!("emea"), "an option in any case");
        assert_eq!(
            lead.assigned_to.as_deref(),
            Some("3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01")
        );
        assert_eq!(lead.phone, None, "an empty cell leaves the field out");
        assert_eq!(
            set(&mut lead, "budget", json!("lots")),
            Err(CellError::NotANumber { text: "lots".into() })
        );
        assert_eq!(
            set(&mut lead, "budget", json!("lots")).unwrap_err().to_string(),
            "must be a number (not `lots`)"
        );
        assert!(
            set(&mut lead, "assignee", json!("Zed"))
                .unwrap_err()
                .to_string()
                .contains("Zed")
        );
        assert!(set(&mut lead, "email", json!(["a"])).is_err());
        set(
            &mut lead,
            "customFields",
            json!("{\"budget\": \"2,000\", \"tags\": \"a\"}"),
        )
        .unwrap();
        assert_eq!(
            lead.custom_fields["budget"],
            json!(2000),
            "each value as its field takes it"
        );
        assert_eq!(lead.custom_fields["tags"], json!(["a"]));
        set(&mut lead, "attribution", json!("{\"utm_source\": \"fair\"}")).unwrap();
        assert_eq!(lead.attribution.as_ref().unwrap()["utm_source"], "fair");
        assert!(set(&mut lead, "customFields", json!("not json")).is_err());
    }

    #[test]
    fn unknown_custom_fields_are_left_to_a_tenant_whose_fields_are_not_configured() {
        let mut lead = NewLead::new("Ada", LeadSource::WebForm);
        lead.custom_fields.insert("booth".into(), json!("B12"));
        assert!(problems(&lead, &TenantProfile::default()).is_empty());
        let fields: Vec<String> = problems(&lead, &tenant()).into_iter().map(|d| d.field).collect();
        assert_eq!(fields, ["customFields.booth", "customFields.region"]);
    }
}
