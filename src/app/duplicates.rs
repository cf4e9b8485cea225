//! Before a lead is sent: is it one leadbox already knows? Compared as the commands compare
//! ([`crate::model::likeness`]): the same email, the same phone, or the same first name, last name and
//! company, among the leads loaded in the list (the first page kept from last time included while it
//! shows) and the leads typed on this machine.

use crate::api::types::NewLead;
use crate::model::lead::LeadRef;
use crate::outbox::OutboxEntry;

pub use crate::model::likeness::Alike;
use crate::model::likeness::Keys;

/// Where the look-alike is.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    /// A lead of the list, by index into its loaded leads.
    Listed(usize),
    /// A lead kept on this machine from an earlier session (`App::remember_known`), by index.
    Kept(usize),
    /// A lead typed here, by outbox key.
    Typed(String),
}

/// The first known lead `lead` looks like: typed here first (the likeliest twin at a booth), then the list.
/// `skip` is an outbox entry not to compare with (the one being edited).
pub fn find<'a>(
    lead: &NewLead,
    listed: impl IntoIterator<Item = LeadRef<'a>>,
    typed: &[OutboxEntry],
    skip: Option<&str>,
) -> Option<(Known, Alike)> {
    let new = Keys::of_new(lead);
    if new.is_empty() {
        return None;
    }
    let from_typed = typed
        .iter()
        .rev()
        .filter(|e| Some(e.key.as_str()) != skip)
        .find_map(|e| {
            new.alike(&Keys::of_new(&e.lead))
                .map(|how| (Known::Typed(e.key.clone()), how))
        });
    if from_typed.is_some() {
        return from_typed;
    }
    listed.into_iter().enumerate().find_map(|(i, l)| {
        let known = Keys::of(l.name(), None, l.email(), l.phone(), l.company());
        new.alike(&known).map(|how| (Known::Listed(i), how))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Lead, LeadSource};
    use crate::model::CompactLead;

    fn listed(v: serde_json::Value) -> CompactLead {
        let mut v = v;
        v["id"] = "x".into();
        v["status"] = "new".into();
        v["createdAt"] = "2026-01-01T00:00:00Z".into();
        CompactLead::new(&serde_json::from_value::<Lead>(v).unwrap())
    }

    fn new(first: &str, last: &str) -> NewLead {
        let mut lead = NewLead::new(first, LeadSource::WebForm);
        lead.last_name = Some(last.into());
        lead
    }

    #[test]
    fn each_rule_finds_its_twin_and_nothing_else() {
        let list = [
            listed(serde_json::json!({"firstName": "Ada", "lastName": "L", "email": "Ada@Example.com"})),
            listed(serde_json::json!({"firstName": "Bo", "phone": "+44 (20) 7946-0958"})),
            listed(serde_json::json!({"firstName": "Cy", "lastName": "Dee", "companyName": "Acme  Ltd"})),
        ];
        let mut by_email = new("Someone", "Else");
        by_email.email = Some(" ada@example.COM ".into());
        assert_eq!(
            find(&by_email, list.iter().map(CompactLead::row), &[], None),
            Some((Known::Listed(0), Alike::Email))
        );
        let mut by_phone = new("Other", "Person");
        by_phone.phone = Some("+442079460958".into());
        assert_eq!(
            find(&by_phone, list.iter().map(CompactLead::row), &[], None),
            Some((Known::Listed(1), Alike::Phone))
        );
        // Written nationally in the form, internationally in the tenant: one number, as the commands see it.
        let mut national = new("Other", "Person");
        national.phone = Some("020 7946 0958".into());
        assert_eq!(
            find(&national, list.iter().map(CompactLead::row), &[], None),
            Some((Known::Listed(1), Alike::Phone))
        );
        let mut by_name = new("cy", "DEE");
        by_name.company_name = Some("acme ltd".into());
        assert_eq!(
            find(&by_name, list.iter().map(CompactLead::row), &[], None),
            Some((Known::Listed(2), Alike::NameAndCompany))
        );
        // The same names at another company, or no company, or a short number: not the same lead.
        let mut elsewhere = new("Cy", "Dee");
        elsewhere.company_name = Some("Other Co".into());
        assert_eq!(find(&elsewhere, list.iter().map(CompactLead::row), &[], None), None);
        assert_eq!(
            find(&new("Cy", "Dee"), list.iter().map(CompactLead::row), &[], None),
            None
        );
        let mut short = new("Z", "Z");
        short.phone = Some("0958".into());
        assert_eq!(find(&short, list.iter().map(CompactLead::row), &[], None), None);
    }

    #[test]
    fn a_lead_typed_here_is_found_but_not_the_one_being_edited() {
        let mut first = new("Ada", "L");
        first.email = Some("ada@example.com".into());
        let typed = crate::outbox::Outbox::default().enqueue("k".into(), first.clone(), None, chrono::Utc::now());
        assert_eq!(
            find(&first, [], std::slice::from_ref(&typed), None),
            Some((Known::Typed("k".into()), Alike::Email))
        );
        assert_eq!(find(&first, [], std::slice::from_ref(&typed), Some("k")), None);
    }
}
