//! Before a lead is sent: is it one leadbox already knows? The same email (ignoring case), the same phone
//! (its digits), or the same first name, last name and company, among the leads loaded in the list (the
//! first page kept from last time included while it shows) and the leads typed on this machine.

use crate::api::types::NewLead;
use crate::model::lead::CompactLead;
use crate::outbox::OutboxEntry;

/// What made two leads look alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alike {
    Email,
    Phone,
    NameAndCompany,
}

impl Alike {
    pub fn word(self) -> &'static str {
        match self {
            Alike::Email => "the same email",
            Alike::Phone => "the same phone",
            Alike::NameAndCompany => "the same name and company",
        }
    }
}

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

/// A new lead, reduced to what it is compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marks {
    email: Option<String>,
    phone: Option<String>,
    name_company: Option<String>,
}

fn email(s: Option<&str>) -> Option<String> {
    s.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty())
}

/// As `leads create` and `leads import` compare phones (`+44 20 7946 0958` is `020 7946 0958`): see
/// [`crate::model::likeness`].
fn phone(s: Option<&str>) -> Option<String> {
    crate::model::likeness::phone_key(s?)
}

fn name_company(name: &str, company: Option<&str>) -> Option<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let company = company
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    // A first name alone says too little to call two leads one.
    (name.contains(' ') && !company.is_empty()).then(|| format!("{name}\u{1f}{company}"))
}

fn marks_of_new(lead: &NewLead) -> Marks {
    let name = format!("{} {}", lead.first_name, lead.last_name.as_deref().unwrap_or_default());
    Marks {
        email: email(lead.email.as_deref()),
        phone: phone(lead.phone.as_deref()),
        name_company: name_company(&name, lead.company_name.as_deref()),
    }
}

fn alike(a: &Marks, b: &Marks) -> Option<Alike> {
    let same = |x: &Option<String>, y: &Option<String>| x.is_some() && x == y;
    if same(&a.email, &b.email) {
        Some(Alike::Email)
    } else if let (Some(x), Some(y)) = (&a.phone, &b.phone)
        && crate::model::likeness::same_phone(x, y)
    {
        Some(Alike::Phone)
    } else if same(&a.name_company, &b.name_company) {
        Some(Alike::NameAndCompany)
    } else {
        None
    }
}

/// The first known lead `lead` looks like: typed here first (the likeliest twin at a booth), then the list.
/// `skip` is an outbox entry not to compare with (the one being edited).
pub fn find(
    lead: &NewLead,
    listed: &[CompactLead],
    typed: &[OutboxEntry],
    skip: Option<&str>,
) -> Option<(Known, Alike)> {
    let new = marks_of_new(lead);
    if new.email.is_none() && new.phone.is_none() && new.name_company.is_none() {
        return None;
    }
    let from_typed = typed
        .iter()
        .rev()
        .filter(|e| Some(e.key.as_str()) != skip)
        .find_map(|e| alike(&new, &marks_of_new(&e.lead)).map(|how| (Known::Typed(e.key.clone()), how)));
    if from_typed.is_some() {
        return from_typed;
    }
    listed.iter().enumerate().find_map(|(i, l)| {
        let known = Marks {
            email: email(l.email()),
            phone: phone(l.phone()),
            name_company: name_company(l.name(), l.company()),
        };
        alike(&new, &known).map(|how| (Known::Listed(i), how))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Lead, LeadSource};

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
            find(&by_email, &list, &[], None),
            Some((Known::Listed(0), Alike::Email))
        );
        let mut by_phone = new("Other", "Person");
        by_phone.phone = Some("+442079460958".into());
        assert_eq!(
            find(&by_phone, &list, &[], None),
            Some((Known::Listed(1), Alike::Phone))
        );
        // Written nationally in the form, internationally in the tenant: one number, as the commands see it.
        let mut national = new("Other", "Person");
        national.phone = Some("020 7946 0958".into());
        assert_eq!(
            find(&national, &list, &[], None),
            Some((Known::Listed(1), Alike::Phone))
        );
        let mut by_name = new("cy", "DEE");
        by_name.company_name = Some("acme ltd".into());
        assert_eq!(
            find(&by_name, &list, &[], None),
            Some((Known::Listed(2), Alike::NameAndCompany))
        );
        // The same names at another company, or no company, or a short number: not the same lead.
        let mut elsewhere = new("Cy", "Dee");
        elsewhere.company_name = Some("Other Co".into());
        assert_eq!(find(&elsewhere, &list, &[], None), None);
        assert_eq!(find(&new("Cy", "Dee"), &list, &[], None), None);
        let mut short = new("Z", "Z");
        short.phone = Some("0958".into());
        assert_eq!(find(&short, &list, &[], None), None);
    }

    #[test]
    fn a_lead_typed_here_is_found_but_not_the_one_being_edited() {
        let mut first = new("Ada", "L");
        first.email = Some("ada@example.com".into());
        let typed = crate::outbox::Outbox::default().enqueue("k".into(), first.clone(), None, chrono::Utc::now());
        assert_eq!(
            find(&first, &[], std::slice::from_ref(&typed), None),
            Some((Known::Typed("k".into()), Alike::Email))
        );
        assert_eq!(find(&first, &[], std::slice::from_ref(&typed), Some("k")), None);
    }
}
