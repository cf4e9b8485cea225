//! `/` searches the loaded leads as the rep types: fuzzy, by name, company, email, phone and intent, with
//! nucleo (the matcher of helix and television), best matches first. The API has no search, so it can only
//! find what is loaded; `L` keeps loading pages until the end and the results grow as they come.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::app::lead_view::LeadView;

/// The text a lead is searched by (what a rep remembers of it), appended to `out`.
pub fn push_haystack(out: &mut String, lead: &LeadView) {
    let start = out.len();
    for part in [
        Some(lead.name.as_str()),
        lead.company.as_deref(),
        lead.email.as_deref(),
        lead.phone.as_deref(),
        lead.intent.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        // An ASCII separator keeps an ASCII lead's text ASCII, which nucleo matches several times faster.
        if out.len() > start {
            out.push_str("  ");
        }
        out.push_str(part);
    }
}

/// Every loaded lead's search text, end to end in one buffer: a search reads it front to back, which
/// the processor's caches serve far faster than a string per lead scattered over the heap.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    text: String,
    ends: Vec<u32>,
}

impl SearchIndex {
    pub fn of(leads: &[LeadView]) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.extend(leads);
        index
    }

    pub fn extend(&mut self, leads: &[LeadView]) {
        for lead in leads {
            push_haystack(&mut self.text, lead);
            self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        }
    }

    /// The search text of lead `i`.
    pub fn get(&self, i: u32) -> Option<&str> {
        let i = i as usize;
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

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
    pub fn rank(&mut self, index: &SearchIndex, candidates: impl Iterator<Item = u32>) -> Vec<u32> {
        let words: Vec<Vec<u8>> = self
            .query
            .split_whitespace()
            .map(|w| w.bytes().map(|b| b.to_ascii_lowercase()).collect())
            .collect();
        let ascii = self.query.is_ascii();
        let passing: Vec<u32> = candidates
            .filter(|&i| {
                !ascii
                    || index
                        .get(i)
                        .is_some_and(|text| words.iter().all(|w| holds_in_order(text, w)))
            })
            .collect();
        if passing.len() > RANK_AT_MOST {
            return passing;
        }
        let mut scored: Vec<(u32, u32)> = passing
            .into_iter()
            .filter_map(|i| {
                let text = index.get(i)?;
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
    fn a_run_of_the_query_in_a_name_beats_letters_spread_over_the_line() {
        let mut index = SearchIndex {
            text: "Lucía Ivanova  lucia@mail.example  Requested the onboarding checklist".to_string(),
            ends: Vec::new(),
        };
        index.ends.push(index.text.len() as u32);
        index.text.push_str("María Costa  maria@example.com");
        index.ends.push(index.text.len() as u32);
        let mut search = Search::new("mar");
        let ranked = search.rank(&index, 0..2);
        assert_eq!(
            ranked.first(),
            Some(&1),
            "{:?} {:?}",
            search.score(index.get(0).unwrap()),
            search.score(index.get(1).unwrap())
        );
    }
}
