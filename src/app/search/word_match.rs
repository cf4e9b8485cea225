//! Where one word of a query is found in a lead's search text (its fields folded, split by tabs), and how
//! well: at a word's start, inside a word, or as letters in order, always within one field.

use memchr::{memchr_iter, memchr2, memmem};

/// How a word was found, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// It starts a word of a field (`mar` in `María Costa`, `acme` in `ana@acme.example`).
    WordStart,
    /// It sits inside a word of a field (`aria` in `María`).
    Substring,
    /// Its letters come in order within one field (`mrc` in `María Costa`).
    Fuzzy,
}

/// The fields of the search text, in its order: name, company, email, phone, intent.
pub const NAME: usize = 0;
pub const COMPANY: usize = 1;

/// How much a field counts, the name most, then company, email, phone and intent.
fn weight(field: usize) -> u32 {
    4u32.saturating_sub(field as u32)
}

/// The best place a word was found whole (not as scattered letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub tier: Tier,
    /// Higher is better, within the tier.
    pub score: u32,
    pub field: usize,
    /// Where the word lies in the search text, in bytes.
    pub at: usize,
    pub len: usize,
}

/// The highest score a word start can have: in the name, a whole word, at the name's start.
const BEST_WORD_START: u32 = 4 * 4 + 2 + 1;

/// Whether the character before byte `at` of `text` is part of a word.
fn is_word_char_before(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..at].chars().next_back().is_some_and(char::is_alphanumeric),
    }
}

/// Whether the character at byte `at` of `text` is part of a word.
fn is_word_char_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[at..].chars().next().is_some_and(char::is_alphanumeric),
    }
}

/// The best place `word` (folded, not empty) lies whole in `text` (folded, or ASCII of any case): a word
/// start in the name first, then in the other fields, a whole word above a prefix, the start of a field
/// above a later word; then inside a word, by field. `None` when it lies nowhere whole.
pub fn find_whole(text: &str, word: &str) -> Option<Found> {
    let bytes = text.as_bytes();
    let needle = word.as_bytes();
    let first = *needle.first()?;
    let starts_itself = !word.chars().next().is_some_and(char::is_alphanumeric);
    let ends_itself = !word.chars().next_back().is_some_and(char::is_alphanumeric);
    let mut best: Option<Found> = None;
    let mut from = 0;
    while let Some(i) = memchr2(first, first.to_ascii_uppercase(), &bytes[from..]) {
        let at = from + i;
        from = at + 1;
        let end = at + needle.len();
        if end > bytes.len() {
            break;
        }
        if !bytes[at..end].eq_ignore_ascii_case(needle) {
            continue;
        }
        let field = memchr_iter(b'\t', &bytes[..at]).count();
        let word_start = starts_itself || !is_word_char_before(text, at);
        let found = if word_start {
            let whole = ends_itself || !is_word_char_at(text, end);
            let field_start = at == 0 || bytes[at - 1] == b'\t';
            Found {
                tier: Tier::WordStart,
                score: weight(field) * 4 + u32::from(whole) * 2 + u32::from(field_start),
                field,
                at,
                len: needle.len(),
            }
        } else {
            Found {
                tier: Tier::Substring,
                score: weight(field),
                field,
                at,
                len: needle.len(),
            }
        };
        let better =
            best.is_none_or(|b| (found.tier, std::cmp::Reverse(found.score)) < (b.tier, std::cmp::Reverse(b.score)));
        if better {
            best = Some(found);
            if found.tier == Tier::WordStart && found.score == BEST_WORD_START {
                break;
            }
        }
    }
    best
}

/// Whether `field` holds the characters of `word` (folded) in order, ASCII case ignored.
pub fn holds_in_order(field: &str, word: &str) -> bool {
    let bytes = field.as_bytes();
    let mut at = 0;
    let mut buf = [0u8; 4];
    for c in word.chars() {
        let found = if c.is_ascii() {
            let b = c as u8;
            memchr2(b, b.to_ascii_uppercase(), &bytes[at..]).map(|i| (i, 1))
        } else {
            let enc = c.encode_utf8(&mut buf);
            memmem::find(&bytes[at..], enc.as_bytes()).map(|i| (i, enc.len()))
        };
        match found {
            Some((i, len)) => at += i + len,
            None => return false,
        }
    }
    true
}

/// The characters of `field` (folded) a fuzzy `word` marks: its letters in order in the shortest stretch
/// that holds them, found as fzf does (forward to the first place the word is complete, back to the
/// latest start that still holds it). Byte offsets; empty when it does not hold them.
pub fn fuzzy_positions(field: &str, word: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = field.char_indices().collect();
    let want: Vec<char> = word.chars().collect();
    let same = |a: char, b: char| a.eq_ignore_ascii_case(&b);
    let (mut w, mut end) = (0, None);
    for (i, &(_, c)) in chars.iter().enumerate() {
        if w < want.len() && same(c, want[w]) {
            w += 1;
            if w == want.len() {
                end = Some(i);
                break;
            }
        }
    }
    let Some(end) = end else {
        return Vec::new();
    };
    let mut w = want.len();
    let mut start = end;
    for i in (0..=end).rev() {
        if w > 0 && same(chars[i].1, want[w - 1]) {
            w -= 1;
            start = i;
            if w == 0 {
                break;
            }
        }
    }
    let mut marked = Vec::new();
    let mut w = 0;
    for &(at, c) in &chars[start..=end] {
        if w < want.len() && same(c, want[w]) {
            marked.push(at);
            w += 1;
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(text: &str, word: &str) -> Option<(Tier, u32, usize)> {
        find_whole(text, word).map(|f| (f.tier, f.score, f.field))
    }

    #[test]
    fn a_word_start_in_the_name_beats_one_elsewhere_and_a_whole_word_beats_a_prefix() {
        let text = "maria costa\tmarine ltd\tmaria@x.example\t\twants a mariachi band";
        assert_eq!(tier(text, "maria"), Some((Tier::WordStart, 19, NAME)));
        assert_eq!(tier(text, "costa"), Some((Tier::WordStart, 18, NAME)));
        assert_eq!(tier(text, "mari"), Some((Tier::WordStart, 17, NAME)));
        assert_eq!(tier("ana\tmarine ltd", "marine"), Some((Tier::WordStart, 15, COMPANY)));
        assert_eq!(tier("ana\tx\tmaria@x.example", "maria"), Some((Tier::WordStart, 11, 2)));
        assert_eq!(tier("ana\t\t\t\tthe mariachi", "mar"), Some((Tier::WordStart, 0, 4)));
        assert_eq!(tier("rosamaria\tamaria", "maria"), Some((Tier::Substring, 4, NAME)));
        assert_eq!(
            tier("ROSA MARIA", "maria"),
            Some((Tier::WordStart, 18, NAME)),
            "any ASCII case"
        );
        assert_eq!(tier("ana@acme.example", "acme"), Some((Tier::WordStart, 18, NAME)));
        assert_eq!(tier("+1 555 0100", "555"), Some((Tier::WordStart, 18, NAME)));
        assert_eq!(tier("ana\tcosta", "ma"), None);
        assert_eq!(tier("ma\tria", "maria"), None, "never across fields");
        assert_eq!(tier("山田 太郎", "太郎"), Some((Tier::WordStart, 18, NAME)));
    }

    #[test]
    fn letters_in_order_and_the_tightest_stretch_that_holds_them() {
        assert!(holds_in_order("Ada Lovelace", "lvc"));
        assert!(!holds_in_order("Ada Lovelace", "cl"));
        assert!(holds_in_order("山田 太郎", "山郎"));
        assert!(!holds_in_order("山田", "田山"));
        assert_eq!(fuzzy_positions("marketing area", "mra"), [0, 2, 10]);
        // The later `m` gives the shorter stretch: `m` of `mrc` is taken next to the rest.
        assert_eq!(fuzzy_positions("m x marc", "mrc"), [4, 6, 7]);
        assert!(fuzzy_positions("abc", "cb").is_empty());
    }
}
