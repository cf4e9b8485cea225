//! Text as the search compares it: lower case, accents taken off (`María` reads `maria`, `Đorđe` reads
//! `dorde`), so a rep types names the way a keyboard without those letters lets them.

use nucleo_matcher::chars::{normalize, to_lower_case};

/// The character as the search sees it, or `None` for a combining accent (`a` + U+0301), which the
/// letter before it already stands for.
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return None;
    }
    // Lower case first: the table strips `đ` but not `Đ`; and again, should it give a capital back.
    Some(to_lower_case(normalize(to_lower_case(c))))
}

/// `text` folded; ASCII text comes back as it is apart from case.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().filter_map(fold_char).collect()
}

/// `text` folded, with the index of the character of `text` each byte of the result comes from, so
/// where a word matched in the folded text can be marked in the text as drawn.
pub fn fold_mapped(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        if let Some(f) = fold_char(c) {
            folded.push(f);
            from.extend(std::iter::repeat_n(i, f.len_utf8()));
        }
    }
    (folded, from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away_and_the_map_points_at_the_drawn_letters() {
        assert_eq!(fold("María Đorđe ÑÚÑEZ Zoë"), "maria dorde nunez zoe");
        assert_eq!(fold("Ada LOVELACE"), "ada lovelace");
        assert_eq!(fold("山田 太郎"), "山田 太郎");
        // Decomposed: the accent is its own character, and goes.
        let (folded, from) = fold_mapped("Mari\u{301}a");
        assert_eq!(folded, "maria");
        assert_eq!(from, [0, 1, 2, 3, 5]);
        let (folded, from) = fold_mapped("山a");
        assert_eq!(folded, "山a");
        assert_eq!(from, [0, 0, 0, 1]);
    }
}
