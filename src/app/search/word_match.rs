//! Where one word of a query is found in a lead's search text (its fields folded, split by tabs), and how
//! well: at a word's start, inside a word, or as letters in order, always within one field.

use memchr::{memchr, memchr_iter, memchr2, memmem};

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
    // A word start in a field beats anything in the fields after it: past its end, nothing is left to find.
    let mut done_at = usize::MAX;
    // The field of byte `counted`, so the tabs before each place are counted once.
    let (mut field, mut counted) = (0, 0);
    let mut from = 0;
    while let Some(i) = memchr2(first, first.to_ascii_uppercase(), &bytes[from..]) {
        let at = from + i;
        from = at + 1;
        let end = at + needle.len();
        if end > bytes.len() || at > done_at {
            break;
        }
        if !bytes[at..end].eq_ignore_ascii_case(needle) {
            continue;
        }
        field += memchr_iter(b'\t', &bytes[counted..at]).count();
        counted = at;
        let found = if starts_itself || !is_word_char_before(text, at) {
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
        let key = |f: Found| (f.tier, std::cmp::Reverse(f.score));
        if best.is_none_or(|b| key(found) < key(b)) {
            best = Some(found);
            if found.tier == Tier::WordStart {
                if found.score == BEST_WORD_START {
                    break;
                }
                done_at = memchr(b'\t', &bytes[at..]).map_or(usize::MAX, |t| at + t);
            }
        }
    }
    best
}

/// Where `c` (folded) next lies in `bytes` at or after `from`, ASCII case ignored: its offset and length.
fn find_char(bytes: &[u8], from: usize, c: char) -> Option<(usize, usize)> {
    if c.is_ascii() {
        let b = c as u8;
        return memchr2(b, b.to_ascii_uppercase(), &bytes[from..]).map(|i| (from + i, 1));
    }
    let mut buf = [0u8; 4];
    let enc = c.encode_utf8(&mut buf).as_bytes();
    memmem::find(&bytes[from..], enc).map(|i| (from + i, enc.len()))
}

/// Where `c` (folded) last lies in `bytes` before `until`, ASCII case ignored.
fn rfind_char(bytes: &[u8], until: usize, c: char) -> Option<usize> {
    if c.is_ascii() {
        let b = c as u8;
        return memchr::memrchr2(b, b.to_ascii_uppercase(), &bytes[..until]);
    }
    let mut buf = [0u8; 4];
    memmem::rfind(&bytes[..until], c.encode_utf8(&mut buf).as_bytes())
}

/// Where the characters of `word` (folded) come in order in `field`, ASCII case ignored: the byte offset
/// just past the first place the word is complete, or `None`.
fn forward_end(field: &str, word: &str) -> Option<usize> {
    let bytes = field.as_bytes();
    let mut at = 0;
    for c in word.chars() {
        let (i, len) = find_char(bytes, at, c)?;
        at = i + len;
    }
    Some(at)
}

/// Whether `field` holds the characters of `word` (folded) in order, ASCII case ignored.
pub fn holds_in_order(field: &str, word: &str) -> bool {
    forward_end(field, word).is_some()
}

/// How well `field` holds `word` (folded) as letters in order, and where: fzf's way, the shortest stretch
/// that holds them (forward to the first place the word is complete, back to the latest start that still
/// holds it), scored as fzf scores (each letter, more at a word's start and most for the first letter
/// there, more for a letter right after the one before, less for each character passed over). The byte
/// offsets of the letters go to `marks` when given.
pub fn fuzzy(field: &str, word: &str, mut marks: Option<&mut Vec<usize>>) -> Option<u32> {
    let bytes = field.as_bytes();
    let end = forward_end(field, word)?;
    let mut start = end;
    for c in word.chars().rev() {
        start = rfind_char(bytes, start, c)?;
    }
    // Counted in i64: a word as long as a pasted page cannot overflow it.
    let mut score: i64 = 0;
    // Where the letter matched last ended.
    let mut last_end: Option<usize> = None;
    let mut at = start;
    for c in word.chars() {
        let (found, len) = find_char(bytes, at, c)?;
        score += 16;
        if !is_word_char_before(field, found) {
            score += if last_end.is_none() { 16 } else { 8 };
        } else if last_end == Some(found) {
            score += 4;
        }
        if let Some(last) = last_end.filter(|&l| l < found) {
            let gap = field.get(last..found).map_or(found - last, |g| g.chars().count());
            score -= 2 + gap as i64;
        }
        last_end = Some(found + len);
        at = found + len;
        if let Some(marks) = marks.as_deref_mut() {
            marks.push(found);
        }
    }
    Some(u32::try_from(score.max(1)).unwrap_or(u32::MAX))
}

/// The byte offsets of the letters [`fuzzy`] marks in `field`; empty when it does not hold `word`.
pub fn fuzzy_positions(field: &str, word: &str) -> Vec<usize> {
    let mut marks = Vec::new();
    fuzzy(field, word, Some(&mut marks));
    marks
}

/// The best score of `word` as letters in order within one field of `text` (split by tabs), the field
/// counting as in the other tiers (the name most), and that field; `None` when no field holds it. Only
/// the fields holding the word's first letter are looked into, found by a walk over the whole text.
pub fn best_fuzzy(text: &str, word: &str) -> Option<(u32, usize)> {
    let bytes = text.as_bytes();
    let first = word.chars().next()?;
    let mut best: Option<(u32, usize)> = None;
    let (mut field, mut counted) = (0, 0);
    let mut from = 0;
    while let Some((at, _)) = find_char(bytes, from, first) {
        let start = memchr::memrchr(b'\t', &bytes[..at]).map_or(0, |t| t + 1);
        let end = memchr(b'\t', &bytes[at..]).map_or(bytes.len(), |t| at + t);
        field += memchr_iter(b'\t', &bytes[counted..start]).count();
        counted = start;
        if let Some(score) = fuzzy(&text[start..end], word, None) {
            let score = score.saturating_mul(8).saturating_add(weight(field));
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, field));
            }
        }
        from = end + 1;
        if from >= bytes.len() {
            break;
        }
    }
    best
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
        // The field that holds the word best: the run `lvc` over `lovelace`.
        assert_eq!(best_fuzzy("ada\tlovelace\tx\tlvc", "lvc").map(|(_, f)| f), Some(3));
        assert_eq!(best_fuzzy("ada\tlovelace\tx\tl v c", "lvc").map(|(_, f)| f), Some(3));
        assert_eq!(best_fuzzy("LoVeLaCe", "lvc").map(|(_, f)| f), Some(0), "any ASCII case");
        assert_eq!(best_fuzzy("l\tvc", "lvc"), None, "never across fields");
        assert_eq!(best_fuzzy("山田\t山x郎", "山郎").map(|(_, f)| f), Some(1));
        // Letters at word starts and next to each other score above letters spread inside words.
        let score = |field: &str, word: &str| fuzzy(field, word, None).unwrap_or(0);
        assert!(score("maria costa", "mc") > score("mimic", "mc"));
        assert!(score("mxrk", "mrk") > score("mxxxxrxxxxk", "mrk"));
        assert_eq!(score("abc", "x"), 0, "not held: no score");
        assert_eq!(fuzzy_positions("marketing area", "mra"), [0, 2, 10]);
        // The later `m` gives the shorter stretch: `m` of `mrc` is taken next to the rest.
        assert_eq!(fuzzy_positions("m x marc", "mrc"), [4, 6, 7]);
        assert!(fuzzy_positions("abc", "cb").is_empty());
    }
}
