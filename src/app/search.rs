//! `/` searches the loaded leads as the rep types: fuzzy, by name, company, email, phone and intent, with
//! nucleo (the matcher of helix and television), best matches first. The API has no search, so it can only
//! find what is loaded; `L` keeps loading pages until the end and the results grow as they come.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::app::lead_view::{LeadView, char_bit, char_bit_is_exact};

/// The search in force: what was typed, and the matching leads (indices into the list's leads), best first.
#[derive(Debug, Clone)]
pub struct Search {
    query: String,
    pattern: Pattern,
    matcher: Matcher,
    /// Scratch space for non-ASCII haystacks.
    buf: Vec<char>,
}

impl Search {
    pub fn new(query: &str) -> Search {
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        Search {
            query: query.to_string(),
            pattern: Pattern::parse(query, CaseMatching::Smart, Normalization::Smart),
            matcher: Matcher::new(config),
            buf: Vec::new(),
        }
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    /// Changes the query; `true` when the new one only narrows the old (typed at its end), so the old
    /// matches are the only candidates.
    pub fn set_query(&mut self, query: &str) -> bool {
        let narrows = !self.query.is_empty() && query.starts_with(&self.query) && !query.ends_with(' ');
        self.query = query.to_string();
        self.pattern.reparse(query, CaseMatching::Smart, Normalization::Smart);
        narrows
    }

    /// The score of one haystack, `None` when it does not match.
    pub fn score(&mut self, haystack: &str) -> Option<u32> {
        let text = Utf32Str::new(haystack, &mut self.buf);
        self.pattern.score(text, &mut self.matcher)
    }

    /// The indices (into `leads`) among `candidates` that match, best first; equal scores keep list order
    /// (newest first). A quick scan keeps only leads holding each word's letters in order; when more than
    /// [`RANK_AT_MOST`] pass (a letter or two typed into a big list), they stay newest first, since scoring
    /// them all would cost several frames and a ranking over nearly everything says little.
    pub fn rank(&mut self, leads: &[LeadView], candidates: impl Iterator<Item = u32>) -> Vec<u32> {
        let words: Vec<Vec<u8>> = self
            .query
            .split_whitespace()
            .map(|w| w.bytes().map(|b| b.to_ascii_lowercase()).collect())
            .collect();
        let ascii = self.query.is_ascii();
        let needed = words.iter().flatten().fold(0, |mask, &b| mask | char_bit(b));
        // One letter or digit per word: the lead's character set answers alone, without its text.
        let by_chars_alone = words.iter().all(|w| w.len() == 1 && char_bit_is_exact(w[0]));
        let passing: Vec<u32> = candidates
            .filter(|&i| {
                !ascii
                    || leads.get(i as usize).is_some_and(|l| {
                        l.haystack_chars() & needed == needed
                            && (by_chars_alone || words.iter().all(|w| holds_in_order(l.haystack(), w)))
                    })
            })
            .collect();
        if passing.len() > RANK_AT_MOST {
            return passing;
        }
        let mut scored: Vec<(u32, u32)> = passing
            .into_iter()
            .filter_map(|i| {
                let text = leads.get(i as usize)?.haystack();
                self.score(text).map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }
}

/// How many leads are scored and sorted at most; more than this many matches stay in list order.
pub const RANK_AT_MOST: usize = 15_000;

/// Whether `text` holds the bytes of `word` (lower-case ASCII) in order, ignoring ASCII case.
fn holds_in_order(text: &str, word: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    for &w in word {
        // memchr finds either case of the letter at the machine's full speed.
        match memchr::memchr2(w, w.to_ascii_uppercase(), &bytes[at..]) {
            Some(i) => at += i + 1,
            None => return false,
        }
    }
    true
}

/// Which characters of `text` the query's words match, for highlighting: each word's characters found in
/// order, ignoring case. A quick walk rather than the matcher's best alignment, so drawing stays cheap.
pub fn highlights(text: &str, query: &str) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    let mut marked = vec![false; chars.len()];
    for word in query.split_whitespace() {
        let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        let mut at = 0;
        let mut found = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if at < word.len() && c.to_lowercase().eq(std::iter::once(word[at])) {
                found.push(i);
                at += 1;
            }
        }
        if at == word.len() {
            for i in found {
                marked[i] = true;
            }
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_scan_finds_letters_in_order_ignoring_case() {
        assert!(holds_in_order("Ada Lovelace", b"lvc"));
        assert!(holds_in_order("Ada Lovelace", b"al"));
        assert!(!holds_in_order("Ada Lovelace", b"cl"));
        assert!(holds_in_order("anything", b""));
    }

    #[test]
    fn highlights_mark_each_word_in_order_ignoring_case() {
        let marked = |text: &str, query: &str| -> Vec<usize> {
            highlights(text, query)
                .iter()
                .enumerate()
                .filter(|(_, m)| **m)
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(marked("Ada Lovelace", "al"), [0, 4]);
        assert_eq!(marked("Ada Lovelace", "love ADA"), [0, 1, 2, 4, 5, 6, 7]);
        assert!(
            marked("Ada", "xyz").is_empty(),
            "a word that does not match marks nothing"
        );
    }
}

#[cfg(test)]
mod ranking {
    use super::*;

    #[test]
    fn the_character_set_shortcut_finds_exactly_what_reading_the_text_finds() {
        let names = ["Ada Lovelace", "ZOE Quint", "Émile 42", "x@y.example", "", "Bob-Smith"];
        let leads: Vec<LeadView> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                LeadView::new(
                    &serde_json::from_value(serde_json::json!({
                        "id": i.to_string(), "status": "new", "createdAt": "2026-01-01T00:00:00Z",
                        "firstName": name
                    }))
                    .unwrap(),
                )
            })
            .collect();
        for query in ["a", "Z", "q", "4", "@", "-", "é", "l q", "x y", "ml", "42"] {
            let mut found = Search::new(query).rank(&leads, 0..leads.len() as u32);
            found.sort();
            let expected: Vec<u32> = (0..leads.len() as u32)
                .filter(|&i| {
                    let text = leads[i as usize].haystack().to_lowercase();
                    query.split_whitespace().all(|w| {
                        let mut rest = text.as_str();
                        w.to_lowercase().chars().all(|c| match rest.find(c) {
                            Some(at) => {
                                rest = &rest[at + c.len_utf8()..];
                                true
                            }
                            None => false,
                        })
                    })
                })
                .collect();
            assert_eq!(found, expected, "query {query:?}");
        }
    }

    #[test]
    fn a_run_of_the_query_in_a_name_beats_letters_spread_over_the_line() {
        let lead = |v: serde_json::Value| LeadView::new(&serde_json::from_value(v).unwrap());
        let leads = [
            lead(serde_json::json!({
                "id": "1", "status": "new", "createdAt": "2026-01-01T00:00:00Z",
                "firstName": "Lucía", "lastName": "Ivanova", "email": "lucia@mail.example",
                "intent": "Requested the onboarding checklist"
            })),
            lead(serde_json::json!({
                "id": "2", "status": "new", "createdAt": "2026-01-01T00:00:00Z",
                "firstName": "María", "lastName": "Costa", "email": "maria@example.com"
            })),
        ];
        let mut search = Search::new("mar");
        let ranked = search.rank(&leads, 0..2);
        assert_eq!(
            ranked.first(),
            Some(&1),
            "{:?} {:?}",
            search.score(leads[0].haystack()),
            search.score(leads[1].haystack())
        );
    }
}
