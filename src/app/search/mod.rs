//! `/` searches the loaded leads as the rep types, by name, company, email, phone and intent, each word
//! within one field: leads where every word starts a word first (in the name before the other fields, a
//! whole word before a prefix), then those where every word lies inside a field, then letters in order
//! within a field, scored as fzf scores them. The API has no search, so it can only find what is loaded;
//! `L` keeps loading pages until the end and the results grow as they come.

mod highlight;
mod word_match;

use crate::model::lead::{CompactLead, char_bit};
pub use crate::text::fold::fold;
pub use highlight::{RowMarks, highlights};
use word_match::{Tier, best_fuzzy, find_whole, holds_in_order};

/// The search in force: what was typed, and its words as the ranking compares them.
#[derive(Debug, Clone)]
pub struct Search {
    query: String,
    /// Folded (see [`fold`]), none empty.
    words: Vec<String>,
}

fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(fold).filter(|w| !w.is_empty()).collect()
}

impl Search {
    pub fn new(query: &str) -> Search {
        Search {
            query: query.to_string(),
            words: words(query),
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
        self.words = words(query);
        narrows
    }

    /// How `lead` matches: its tier (the worst of its words') and its score within the tier (higher is
    /// better); `None` when some word is found in no field.
    fn judge(&self, lead: &CompactLead) -> Option<(Tier, u32)> {
        let text = lead.search_text();
        // Letters not even in order over the whole text are in no field: the cheapest no.
        if !self.words.iter().all(|w| holds_in_order(text, w)) {
            return None;
        }
        let mut tier = Tier::WordStart;
        let mut score = 0u32;
        for word in &self.words {
            match find_whole(text, word) {
                Some(found) => {
                    tier = tier.max(found.tier);
                    score = score.saturating_add(found.score);
                }
                None => return self.judge_fuzzy(text),
            }
        }
        Some((tier, score))
    }

    /// A lead some word of which is found only as letters in order: each word scored in the field that
    /// suits it best.
    fn judge_fuzzy(&self, text: &str) -> Option<(Tier, u32)> {
        let mut score = 0u32;
        for word in &self.words {
            score = score.saturating_add(best_fuzzy(text, word)?.0);
        }
        Some((Tier::Fuzzy, score))
    }

    /// The indices (into `leads`) among `candidates` that match, best first: by tier, then score, then list
    /// order (newest first). Every match is ranked, however many: each tier is told by a walk or two over
    /// the lead's text, and a lead lacking one of the query's letters is passed over on its character set
    /// alone, without reading its text.
    pub fn rank(&self, leads: &[CompactLead], candidates: impl Iterator<Item = u32>) -> Vec<u32> {
        if self.words.is_empty() {
            return candidates.collect();
        }
        let needed = self
            .words
            .iter()
            .flat_map(|w| w.bytes())
            .fold(0, |mask, b| mask | char_bit(b));
        // Tier, score turned so that smaller is better, and index: one sort of plain numbers.
        let mut keyed: Vec<u64> = candidates
            .filter_map(|i| {
                let lead = leads
                    .get(i as usize)
                    .filter(|l| l.haystack_chars() & needed == needed)?;
                let (tier, score) = self.judge(lead)?;
                let score = u64::from(SCORE_MAX - score.min(SCORE_MAX));
                Some((tier as u64) << 62 | score << 32 | u64::from(i))
            })
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|k| k as u32).collect()
    }
}

/// The most a score counts for in the ranking's key (30 bits; far above what a query typed in a box
/// scores).
const SCORE_MAX: u32 = (1 << 30) - 1;

#[cfg(test)]
mod ranking {
    use super::*;
    use serde_json::{Value, json};

    fn lead(i: usize, fields: Value) -> CompactLead {
        let mut lead = json!({
            "id": i.to_string(), "status": "new", "createdAt": "2026-01-01T00:00:00Z",
        });
        if let (Some(lead), Some(fields)) = (lead.as_object_mut(), fields.as_object()) {
            lead.extend(fields.clone());
        }
        CompactLead::new(&serde_json::from_value(lead).unwrap())
    }

    fn names(leads: &[CompactLead], ranked: &[u32]) -> Vec<String> {
        ranked.iter().map(|&i| leads[i as usize].name().to_string()).collect()
    }

    fn rank(leads: &[CompactLead], query: &str) -> Vec<u32> {
        Search::new(query).rank(leads, 0..leads.len() as u32)
    }

    /// What the search found over a rep's first look at the sandbox: other names before María's.
    fn sandbox_like() -> Vec<CompactLead> {
        vec![
            lead(
                0,
                json!({"firstName": "Đorđe", "lastName": "Williams", "companyName": "Harbor Marine",
                "email": "dorde.williams@harbor-marine.example", "intent": "Wants a demo for the marketing area"}),
            ),
            lead(
                1,
                json!({"firstName": "Kenji", "lastName": "Williams", "companyName": "Northwind Traders",
                "email": "kenji.williams@northwind.example", "intent": "Asked about pricing for a small team"}),
            ),
            lead(
                2,
                json!({"firstName": "Rosamaria", "lastName": "Lee", "email": "rosa@mail.example"}),
            ),
            lead(
                3,
                json!({"firstName": "Ana", "lastName": "Pérez", "email": "maria.perez@mail.example"}),
            ),
            lead(
                4,
                json!({"firstName": "María", "lastName": "Costa", "companyName": "Costa Foods",
                "email": "maria.costa@costafoods.example"}),
            ),
            lead(5, json!({"firstName": "Mariana", "lastName": "Silva"})),
            lead(6, json!({"firstName": "Maria", "lastName": "Ivanova"})),
        ]
    }

    #[test]
    fn maria_finds_the_marias_first_then_prefixes_then_other_fields_then_inside_words_then_letters() {
        let leads = sandbox_like();
        assert_eq!(
            names(&leads, &rank(&leads, "maria")),
            [
                // A whole word at the start of the name, newest first.
                "María Costa",
                "Maria Ivanova",
                // A prefix of the name.
                "Mariana Silva",
                // The word starts the email only.
                "Ana Pérez",
                // Inside a word of the name.
                "Rosamaria Lee",
                // Letters in order within one field (the intent): last.
                "Đorđe Williams",
            ]
        );
        assert!(
            !rank(&leads, "maria").contains(&1),
            "Kenji Williams has the letters only across fields"
        );
        assert_eq!(names(&leads, &rank(&leads, "MARÍA costa")), ["María Costa"]);
        assert_eq!(
            names(&leads, &rank(&leads, "costa maria")),
            ["María Costa"],
            "each word in a field of its own"
        );
        assert_eq!(names(&leads, &rank(&leads, "dorde")), ["Đorđe Williams"]);
        assert_eq!(
            names(&leads, &rank(&leads, "  ")),
            names(&leads, &[0, 1, 2, 3, 4, 5, 6])
        );
    }

    #[test]
    fn letters_only_across_fields_find_nothing() {
        let leads = vec![
            lead(
                0,
                json!({"firstName": "Zoë", "companyName": "Quint", "email": "x@y.example"}),
            ),
            lead(
                1,
                json!({"firstName": "Zack", "lastName": "Quill", "phone": "+1 555", "intent": "xylophones"}),
            ),
            lead(2, json!({"firstName": "Zaqxer"})),
        ];
        assert_eq!(rank(&leads, "zqx"), [2]);
    }

    #[test]
    fn a_word_start_beats_scattered_letters_at_any_count() {
        // 20,000 leads with the letters of `ada` scattered in their names, newest first, and two where it
        // starts a word, among the oldest: more matches than were ever sorted before.
        let mut leads: Vec<CompactLead> = (0..20_000)
            .map(|i| lead(i, json!({"firstName": format!("Alexandra{i}"), "lastName": "Kowalska"})))
            .collect();
        leads.push(lead(
            20_000,
            json!({"firstName": "Grace", "lastName": "Ada", "companyName": "Adams"}),
        ));
        leads.push(lead(20_001, json!({"firstName": "Ada", "lastName": "Lovelace"})));
        let ranked = rank(&leads, "ada");
        assert_eq!(ranked.len(), 20_002);
        assert_eq!(&ranked[..3], [20_001, 20_000, 0], "{:?}", names(&leads, &ranked[..3]));
        // The scattered ones keep list order among themselves.
        assert!(ranked[2..].windows(2).all(|w| w[0] < w[1]));
        // A narrowed query ranks the same from the last results.
        let mut search = Search::new("ad");
        let first = search.rank(&leads, 0..leads.len() as u32);
        assert!(search.set_query("ada"));
        assert_eq!(search.rank(&leads, first.into_iter()), ranked);
    }

    #[test]
    fn a_substring_beats_letters_in_order_and_the_name_beats_the_other_fields() {
        let leads = vec![
            lead(
                0,
                json!({"firstName": "Lucía", "lastName": "Ivanova", "email": "lucia@mail.example",
                "intent": "Requested the onboarding checklist"}),
            ),
            lead(1, json!({"firstName": "Omar", "lastName": "Diaz"})),
            lead(2, json!({"firstName": "Ana", "companyName": "Marlow Ltd"})),
            lead(3, json!({"firstName": "Mar", "lastName": "Costa"})),
        ];
        // Mar (whole word, name) · Marlow (word start, company) · Omar (inside a word) · Lucía (letters).
        assert_eq!(rank(&leads, "mar"), [3, 2, 1]);
        assert_eq!(
            rank(&leads, "lca"),
            [0],
            "only letters in order within the name or the email"
        );
    }

    #[test]
    fn the_character_set_passes_over_exactly_the_leads_that_cannot_match() {
        let names = [
            "Ada Lovelace",
            "ZOE Quint",
            "Émile 42",
            "x@y.example",
            "",
            "Bob-Smith",
            "Zoë",
        ];
        let leads: Vec<CompactLead> = names
            .iter()
            .enumerate()
            .map(|(i, name)| lead(i, json!({"firstName": name})))
            .collect();
        for (query, expected) in [
            ("a", vec![0, 3]),
            ("z", vec![1, 6]),
            ("zoe", vec![1, 6]),
            ("4", vec![2]),
            ("emile", vec![2]),
            ("@", vec![3]),
            ("-", vec![5]),
            ("é", vec![0, 1, 2, 3, 6]),
            ("l q", vec![]),
            ("x y", vec![3]),
            ("ml", vec![2, 3]),
            ("42", vec![2]),
        ] {
            let mut found = rank(&leads, query);
            found.sort();
            assert_eq!(found, expected, "query {query:?}");
        }
    }

    #[test]
    fn highlights_mark_what_matched_in_the_field_that_matched() {
        let marked =
            |marks: &[bool]| -> Vec<usize> { marks.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i).collect() };
        let maria = lead(
            0,
            json!({"firstName": "María", "lastName": "Costa", "companyName": "Costa Marine",
            "email": "maria@costa.example"}),
        );
        let marks = highlights(&maria, "mar cos");
        assert_eq!(marked(&marks.name), [0, 1, 2, 6, 7, 8], "the word starts in the name");
        assert!(marked(&marks.company).is_empty(), "not again in the company");
        let rosa = lead(1, json!({"firstName": "Rosamaria", "companyName": "Ada Ltd"}));
        assert_eq!(marked(&highlights(&rosa, "aria").name), [5, 6, 7, 8]);
        assert_eq!(marked(&highlights(&rosa, "ltd").company), [4, 5, 6]);
        // Letters in order: only within the field, the tightest stretch.
        let omar = lead(2, json!({"firstName": "Omar Diaz", "companyName": "Acme"}));
        assert_eq!(marked(&highlights(&omar, "odz").name), [0, 5, 8]);
        assert!(marked(&highlights(&omar, "zqx").name).is_empty());
        // Found in the email only: nothing in the row's name or company.
        let ana = lead(
            3,
            json!({"firstName": "Ana", "companyName": "Acme", "email": "maria@x.example"}),
        );
        assert_eq!(
            highlights(&ana, "maria"),
            RowMarks {
                name: vec![false; 3],
                company: vec![false; 4]
            }
        );
        // Decomposed accents: the drawn letter is marked.
        let decomposed = lead(4, json!({"firstName": "Mari\u{301}a"}));
        assert_eq!(marked(&highlights(&decomposed, "maria").name), [0, 1, 2, 3, 5]);
    }
}
