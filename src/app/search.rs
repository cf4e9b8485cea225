//! `/` searches the loaded leads as the rep types: fuzzy, by name, company, email, phone and intent, with
//! nucleo (the matcher of helix and television), best matches first. The API has no search, so it can only
//! find what is loaded; `L` keeps loading pages until the end and the results grow as they come.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::app::lead_view::LeadView;

/// The text a lead is searched by: what a rep remembers of it.
pub fn haystack(lead: &LeadView) -> String {
    let mut out = String::with_capacity(64);
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
        if !out.is_empty() {
            out.push_str("  ");
        }
        out.push_str(part);
    }
    out
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
    /// (newest first).
    pub fn rank(&mut self, leads: &[LeadView], candidates: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut scored: Vec<(u32, u32)> = candidates
            .filter_map(|i| {
                let lead = leads.get(i as usize)?;
                self.score(&lead.search_text).map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }
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
