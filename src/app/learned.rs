//! Custom fields the tenant taught by refusing a lead without them. Novala has no endpoint that lists a
//! tenant's custom fields, so a rep with nothing configured learns them from the first refusal; kept per
//! profile in the state file, the next lead (here, after a restart, in another leadbox) starts with them.
//! A field the config file declares always wins over one learned.

use crate::api::types::FieldDetail;
use crate::app::{App, Effect};
use crate::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};

impl App {
    /// Custom fields learned earlier (the state file's), or by another leadbox on this profile: the next
    /// form has them.
    pub fn learn_fields(&mut self, learned: &[CustomFieldDef]) {
        merge(&mut self.settings.tenant, learned);
    }

    /// The tenant refused a lead naming custom fields this profile did not know: learned, kept on disk,
    /// and added to the form being typed.
    pub(in crate::app) fn learn_from_refusal(&mut self, details: &[FieldDetail]) {
        let learned = from_refusal(details, &self.settings.tenant);
        if learned.is_empty() {
            return;
        }
        merge(&mut self.settings.tenant, &learned);
        for def in learned {
            if let Some(form) = self.new_lead.form.as_mut() {
                form.add_learned(&def);
            }
            self.effects.push(Effect::LearnField(def));
        }
    }
}

/// The hint a learned field carries, shown with its label ("region (learned)").
pub const HINT: &str = "learned";

/// Shown in a learned text field while it is empty: where the field came from.
pub const PLACEHOLDER: &str = "learned from the tenant's refusal";

pub fn is_learned(def: &CustomFieldDef) -> bool {
    def.hint.as_deref() == Some(HINT)
}

/// The custom fields a refusal names that `profile` lacks (or knew as optional and the tenant requires).
pub fn from_refusal(details: &[FieldDetail], profile: &TenantProfile) -> Vec<CustomFieldDef> {
    let mut found: Vec<CustomFieldDef> = Vec::new();
    for detail in details {
        let Some(key) = detail.field.strip_prefix("customFields.") else {
            continue;
        };
        if !crate::rules::is_custom_field_key(key) {
            continue;
        }
        let required = detail.message.contains("required");
        match profile.custom_field(key) {
            Some(known) if !is_learned(known) || known.required || !required => continue,
            _ => {}
        }
        if let Some(seen) = found.iter_mut().find(|d| d.key == key) {
            seen.required |= required;
            continue;
        }
        let mut def = CustomFieldDef::new(key, key, CustomFieldKind::Text, required, &[]);
        def.hint = Some(HINT.to_string());
        found.push(def);
    }
    found
}

/// Adds `learned` to `profile`'s custom fields, after those configured, which win; a field learned
/// again as required becomes required. Whether anything changed.
pub fn merge(profile: &mut TenantProfile, learned: &[CustomFieldDef]) -> bool {
    let mut changed = false;
    for def in learned {
        if !crate::rules::is_custom_field_key(&def.key) {
            continue;
        }
        match profile.custom_fields.iter_mut().find(|d| d.key == def.key) {
            Some(known) if is_learned(known) && def.required && !known.required => {
                known.required = true;
                changed = true;
            }
            Some(_) => {}
            None => {
                let mut def = def.clone();
                def.hint = Some(HINT.to_string());
                profile.custom_fields.push(def);
                changed = true;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(field: &str, message: &str) -> FieldDetail {
        FieldDetail {
            field: field.into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_refusal_teaches_the_fields_it_names_and_the_config_wins() {
        let mut profile = TenantProfile::default();
        let learned = from_refusal(
            &[
                refused("customFields.region", "is required"),
                refused("email", "is not an email"),
            ],
            &profile,
        );
        assert_eq!(learned.len(), 1);
        assert!(learned[0].required && is_learned(&learned[0]));
        assert!(merge(&mut profile, &learned));
        assert!(!merge(&mut profile, &learned), "learned once");

        let mut configured = TenantProfile::default();
        configured.custom_fields.push(CustomFieldDef::new(
            "region",
            "Region",
            CustomFieldKind::Dropdown,
            true,
            &["emea"],
        ));
        assert!(from_refusal(&[refused("customFields.region", "is required")], &configured).is_empty());
        assert!(!merge(&mut configured, &learned));
        assert_eq!(configured.custom_fields[0].kind, CustomFieldKind::Dropdown);
    }
}
