//! What makes two leads one person, as keys a store can index: the email (ignoring case and spaces), the
//! phone (its digits, written nationally or internationally), and the first and last name with the company.
//!
//! Phones: `+44 20 7946 0958`, `0044 20 7946 0958`, `+44 (0)20 7946 0958`, `020 7946 0958` and
//! `20 7946 0958` are one number; so are `+1 415 555 2671` and `(415) 555-2671`. Two numbers written
//! internationally are one only when every digit is the same (`+1 555 123 4567` is not `+351 555 123 4567`).
//! A national number (no `+` or `00`) is the same as another when, its trunk `0` left off, it is the other's
//! last digits and what comes before is a country code (one to three digits), a trunk `0`, or both, and it
//! has at least [`NATIONAL_DIGITS_AT_LEAST`] digits: a local number without its area code says too little.
//! Fewer than [`PHONE_DIGITS_AT_LEAST`] digits is an extension or a typo, and is not compared at all.

use crate::api::types::{Lead, NewLead};

/// At least this many digits make a phone worth comparing.
pub const PHONE_DIGITS_AT_LEAST: usize = 6;
/// At least this many digits (without the trunk `0`) let a national number match an international one.
pub const NATIONAL_DIGITS_AT_LEAST: usize = 8;
/// How many last digits [`phone_tail`] keeps: every way of writing one number shares them.
pub const TAIL_DIGITS: usize = 7;

/// What made two leads look alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alike {
    Email,
    Phone,
    NameAndCompany,
}

impl Alike {
    /// How the look-alike is named to the rep, as the form names it.
    pub fn word(self) -> &'static str {
        match self {
            Alike::Email => "the same email",
            Alike::Phone => "the same phone",
            Alike::NameAndCompany => "the same name and company",
        }
    }
}

/// A lead reduced to what it is compared by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    pub email: Option<String>,
    /// [`phone_key`]'s form: the digits, after a `+` when the number was written internationally.
    pub phone: Option<String>,
    pub name_company: Option<String>,
}

impl Keys {
    pub fn of_lead(lead: &Lead) -> Keys {
        Keys::of(
            lead.first_name.as_deref().unwrap_or_default(),
            lead.last_name.as_deref(),
            lead.email.as_deref(),
            lead.phone.as_deref(),
            lead.company_name.as_deref(),
        )
    }

    pub fn of_new(lead: &NewLead) -> Keys {
        Keys::of(
            &lead.first_name,
            lead.last_name.as_deref(),
            lead.email.as_deref(),
            lead.phone.as_deref(),
            lead.company_name.as_deref(),
        )
    }

    /// The keys of a lead given field by field (`last` may be `None` when `first` is the whole name).
    pub fn of(
        first: &str,
        last: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
        company: Option<&str>,
    ) -> Keys {
        Keys {
            email: email_key(email),
            phone: phone.and_then(phone_key),
            name_company: name_company_key(first, last, company),
        }
    }

    /// Nothing to compare by: such a lead looks like no other.
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none() && self.name_company.is_none()
    }

    /// How `self` and `other` look alike, the strongest reason first.
    pub fn alike(&self, other: &Keys) -> Option<Alike> {
        let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        if same(&self.email, &other.email) {
            Some(Alike::Email)
        } else if let (Some(a), Some(b)) = (&self.phone, &other.phone)
            && same_phone(a, b)
        {
            Some(Alike::Phone)
        } else if same(&self.name_company, &other.name_company) {
            Some(Alike::NameAndCompany)
        } else {
            None
        }
    }
}

pub fn email_key(email: Option<&str>) -> Option<String> {
    email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty())
}

/// The phone as its digits, after a `+` when it was written internationally (`+` or `00`); a `(0)` (the
/// trunk prefix some write inside an international number) is left out.
pub fn phone_key(phone: &str) -> Option<String> {
    let phone = phone.replace("(0)", "");
    let text = phone.trim_start();
    let mut digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let mut international = text.starts_with('+');
    if !international && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_string();
        international = true;
    }
    (digits.len() >= PHONE_DIGITS_AT_LEAST).then(|| if international { format!("+{digits}") } else { digits })
}

/// The last [`TAIL_DIGITS`] digits of a [`phone_key`]: what an index finds candidates by.
pub fn phone_tail(key: &str) -> &str {
    let digits = key.trim_start_matches('+');
    // Digits are ASCII: any byte offset is a character boundary.
    &digits[digits.len().saturating_sub(TAIL_DIGITS)..]
}

/// Whether two [`phone_key`]s are one number (the module's rules).
pub fn same_phone(a: &str, b: &str) -> bool {
    let (a_intl, a_digits) = split(a);
    let (b_intl, b_digits) = split(b);
    if a_digits == b_digits {
        return true;
    }
    let (national, other, other_intl) = match (a_intl, b_intl) {
        (true, true) => return false,
        (false, true) => (a_digits, b_digits, true),
        (true, false) => (b_digits, a_digits, true),
        (false, false) if a_digits.len() <= b_digits.len() => (a_digits, b_digits, false),
        (false, false) => (b_digits, a_digits, false),
    };
    let national = national.trim_start_matches('0');
    if national.len() < NATIONAL_DIGITS_AT_LEAST {
        return false;
    }
    let Some(before) = other.strip_suffix(national) else {
        return false;
    };
    let code = before.strip_suffix('0').unwrap_or(before);
    match code.len() {
        // Only a trunk 0 between them: both national, one written with it.
        0 => !other_intl,
        1..=3 => !code.starts_with('0'),
        _ => false,
    }
}

fn split(key: &str) -> (bool, &str) {
    match key.strip_prefix('+') {
        Some(digits) => (true, digits),
        None => (false, key),
    }
}

/// First and last name with the company, lower-cased with spaces folded; `None` without a company or
/// with a first name alone, which say too little to call two leads one.
pub fn name_company_key(first: &str, last: Option<&str>, company: Option<&str>) -> Option<String> {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let name = fold(&format!("{first} {}", last.unwrap_or_default()));
    let company = fold(company.unwrap_or_default());
    (name.contains(' ') && !company.is_empty()).then(|| format!("{name}\u{1f}{company}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        match (phone_key(a), phone_key(b)) {
            (Some(a), Some(b)) => {
                let same = same_phone(&a, &b);
                assert_eq!(same, same_phone(&b, &a), "{a} {b}: symmetric");
                if same {
                    assert_eq!(
                        phone_tail(&a),
                        phone_tail(&b),
                        "{a} {b}: an index finds one from the other"
                    );
                }
                same
            }
            _ => false,
        }
    }

    #[test]
    fn one_number_written_nationally_or_internationally_is_one() {
        for other in [
            "020 7946 0958",
            "0044 20 7946 0958",
            "+44 (0)20 7946 0958",
            "+44-20-7946-0958",
            "20 7946 0958",
            "442079460958",
        ] {
            assert!(same("+44 20 7946 0958", other), "{other}");
        }
        assert!(same("+1 415 555 2671", "(415) 555-2671"));
        assert!(same("+47 2212 3456", "2212 3456"));
        assert!(same("020 7946 0958", "2079460958"));
    }

    #[test]
    fn different_numbers_and_short_ones_are_not() {
        assert!(!same("+1 555 123 4567", "+351 555 123 4567"), "two countries");
        assert!(!same("+44 20 7946 0958", "+44 20 7946 0959"));
        assert!(
            !same("555 2671", "+1 415 555 2671"),
            "a local number without its area code"
        );
        assert!(
            !same("12 3456 7890", "999912 3456 7890"),
            "four digits before is no country code"
        );
        assert!(!same("0958", "0958"), "too short to compare");
        assert!(same("123456", "12-34-56"));
    }

    #[test]
    fn keys_fold_case_and_spaces_and_want_a_company_and_two_names() {
        assert_eq!(email_key(Some(" Ada@Example.COM ")).as_deref(), Some("ada@example.com"));
        assert_eq!(email_key(Some("  ")), None);
        assert_eq!(
            name_company_key("Cy", Some(" DEE "), Some("Acme  Ltd")).as_deref(),
            Some("cy dee\u{1f}acme ltd")
        );
        assert_eq!(name_company_key("Cy", None, Some("Acme")), None);
        assert_eq!(name_company_key("Cy", Some("Dee"), Some(" ")), None);
    }
}
