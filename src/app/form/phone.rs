//! A gentle word on a phone number that may be mistyped. Never a refusal: vanity numbers such as
//! 1-800-FLOWERS are real, and the tenant decides what it accepts.

/// Fewer digits than this is shorter than any number a rep would dial from a lead.
const FEW_DIGITS: usize = 7;

/// What looks wrong with `phone`, if anything: letters in it, or too few digits.
pub fn warning(phone: &str) -> Option<String> {
    let phone = phone.trim();
    if phone.is_empty() {
        return None;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let letters = phone.chars().filter(|c| c.is_alphabetic()).count();
    if letters > 0 {
        return Some(
            "has letters: fine for a vanity number like 1-800-FLOWERS, otherwise check it (it can be sent as is)"
                .to_string(),
        );
    }
    (digits < FEW_DIGITS).then(|| {
        format!(
            "has only {digits} digit{}: check it (it can be sent as is)",
            if digits == 1 { "" } else { "s" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::warning;

    #[test]
    fn letters_and_short_numbers_are_worth_a_word_and_real_numbers_are_not() {
        assert!(warning("12ab").unwrap().contains("letters"));
        assert!(warning("1-800-FLOWERS").unwrap().contains("vanity"));
        assert!(warning("12 34").unwrap().contains("only 4 digits"));
        assert_eq!(warning("+1 555 010 9999"), None);
        assert_eq!(warning("(030) 1234567"), None);
        assert_eq!(warning(""), None);
    }
}
