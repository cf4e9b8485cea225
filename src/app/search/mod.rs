//! `/` searches the loaded leads as the rep types, by name, company, email, phone and intent, each word
//! within one field: leads where every word starts a word first (in the name before the other fields, a
//! whole word before a prefix), then those where every word lies inside a field, then letters in order
//! within a field, scored as fzf scores them. The API has no search, so it can only find what is loaded;
//! `L` keeps loading pages until the end and the results grow as they come.

mod highlight;
mod word_match;

use crate::model::lead::char_bit;
use crate::model::lead_rows::LeadRows;
use crate::model::row_set::RowSet;
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
    fn judge(&self, text: &str) -> Option<(Tier, u32)> {
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
    /// alone, without reading its text. All at once: what [`Ranking`] does a share at a time.
    pub fn rank(&self, leads: &LeadRows, candidates: impl Iterator<Item = u32>) -> Vec<u32> {
        if self.words.is_empty() {
            return candidates.collect();
        }
        // One share as large as the candidates: done in one step.
        Ranking::new(candidates.collect())
            .step(self, leads, usize::MAX)
            .unwrap_or_default()
    }

    /// The characters every match holds, as [`char_mask`](crate::model::lead::char_mask) gives them.
    fn needed(&self) -> u64 {
        self.words
            .iter()
            .flat_map(|w| w.bytes())
            .fold(0, |mask, b| mask | char_bit(b))
    }

    /// The ranking key of lead `i` when it matches: tier and score turned so that smaller is better, in one
    /// plain number (list order decides among equal keys).
    fn key(&self, needed: u64, leads: &LeadRows, i: u32) -> Option<u64> {
        // The character sets lie side by side: most leads are passed over without their text being read.
        if leads.chars().get(i as usize)? & needed != needed {
            return None;
        }
        let (tier, score) = self.judge(leads.search_text(i as usize)?)?;
        let score = u64::from(SCORE_MAX - score.min(SCORE_MAX));
        Some((tier as u64) << 32 | score)
    }
}

/// A search's ranking of many leads, done a share at a time so that no keystroke waits for a million
/// leads: the candidates not judged yet, and the matches found so far, by key. The candidates are judged
/// in list order, so each key's matches are already in the order they are shown in, and the ranking is
/// whole once the last is judged, with no sort at the end. Until then the screen shows the best found so
/// far ([`Ranking::best`]) and says the search is still going, with no count it does not know.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// In list order.
    candidates: Vec<u32>,
    judged: usize,
    /// The matches so far for each key, each in list order.
    found: std::collections::BTreeMap<u64, Vec<u32>>,
    matched: usize,
}

/// `leads` in list order, each once; through a set of rows, so a million are put in order in one pass.
fn in_list_order(leads: Vec<u32>) -> Vec<u32> {
    if leads.is_sorted_by(|a, b| a < b) {
        return leads;
    }
    let end = leads.iter().max().map_or(0, |&most| most as usize + 1);
    RowSet::of(end, leads).rows()
}

impl Ranking {
    pub fn new(candidates: Vec<u32>) -> Ranking {
        Ranking {
            candidates: in_list_order(candidates),
            judged: 0,
            found: std::collections::BTreeMap::new(),
            matched: 0,
        }
    }

    /// How many candidates are judged, and of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.judged, self.candidates.len())
    }

    /// The candidates a query that narrows this one need look at: the matches so far and the candidates
    /// not judged yet (nothing else can match a longer query).
    pub fn narrowed(&self) -> Vec<u32> {
        let rest = self.candidates.get(self.judged..).unwrap_or_default();
        let mut out = Vec::with_capacity(self.matched + rest.len());
        out.extend(self.found.values().flatten());
        out.extend_from_slice(rest);
        out
    }

    /// The best `n` matches found so far, best first: what the screen shows while the ranking goes on.
    pub fn best(&self, n: usize) -> Vec<u32> {
        self.found.values().flatten().copied().take(n).collect()
    }

    /// Judges more candidates by `search`, a chunk at a time, until `time` has passed (at least one chunk):
    /// the clock decides only how much is done now, never what is found. Once every candidate is judged,
    /// the matches, best first.
    pub fn step_for(&mut self, search: &Search, leads: &LeadRows, time: std::time::Duration) -> Option<Vec<u32>> {
        const CHUNK: usize = 2_048;
        let start = std::time::Instant::now();
        loop {
            let ranked = self.step(search, leads, CHUNK);
            if ranked.is_some() || start.elapsed() >= time {
                return ranked;
            }
        }
    }

    /// Judges up to `budget` more candidates by `search`; once every one is judged, the matches, best
    /// first (exactly what [`Search::rank`] gives).
    pub fn step(&mut self, search: &Search, leads: &LeadRows, budget: usize) -> Option<Vec<u32>> {
        if search.words.is_empty() {
            self.judged = self.candidates.len();
            return Some(std::mem::take(&mut self.candidates));
        }
        let needed = search.needed();
        let end = self.judged.saturating_add(budget).min(self.candidates.len());
        let share = self.candidates.get(self.judged..end).unwrap_or_default();
        for &i in share {
            if let Some(key) = search.key(needed, leads, i) {
                self.found.entry(key).or_default().push(i);
                self.matched += 1;
            }
        }
        self.judged = end;
        if self.judged < self.candidates.len() {
            return None;
        }
        let mut ranked = Vec::with_capacity(self.matched);
        for list in std::mem::take(&mut self.found).into_values() {
            ranked.extend(list);
        }
        Some(ranked)
    }
}

/// The most a score counts for in the ranking's key (30 bits; far above what a query typed in a box
/// scores).
const SCORE_MAX: u32 = (1 << 30) - 1;

#[cfg(test)]
mod ranking {
    use super::*;
    use crate::model::CompactLead;
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
        Search::new(query).rank(&leads.iter().collect(), 0..leads.len() as u32)
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
        let rows: LeadRows = leads.iter().collect();
        let first = search.rank(&rows, 0..leads.len() as u32);
        assert!(search.set_query("ada"));
        assert_eq!(search.rank(&rows, first.into_iter()), ranked);
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
        let marks = highlights(maria.row(), "mar cos");
        assert_eq!(marked(&marks.name), [0, 1, 2, 6, 7, 8], "the word starts in the name");
        assert!(marked(&marks.company).is_empty(), "not again in the company");
        let rosa = lead(1, json!({"firstName": "Rosamaria", "companyName": "Ada Ltd"}));
        assert_eq!(marked(&highlights(rosa.row(), "aria").name), [5, 6, 7, 8]);
        assert_eq!(marked(&highlights(rosa.row(), "ltd").company), [4, 5, 6]);
        // Letters in order: only within the field, the tightest stretch.
        let omar = lead(2, json!({"firstName": "Omar Diaz", "companyName": "Acme"}));
        assert_eq!(marked(&highlights(omar.row(), "odz").name), [0, 5, 8]);
        assert!(marked(&highlights(omar.row(), "zqx").name).is_empty());
        // Found in the email only: nothing in the row's name or company.
        let ana = lead(
            3,
            json!({"firstName": "Ana", "companyName": "Acme", "email": "maria@x.example"}),
        );
        assert_eq!(
            highlights(ana.row(), "maria"),
            RowMarks {
                name: vec![false; 3],
                company: vec![false; 4]
            }
        );
        // Decomposed accents: the drawn letter is marked.
        let decomposed = lead(4, json!({"firstName": "Mari\u{301}a"}));
        assert_eq!(marked(&highlights(decomposed.row(), "maria").name), [0, 1, 2, 3, 5]);
    }
}

#[cfg(test)]
mod shares {
    //! Ranking a share at a time, and narrowing a ranking still under way, give exactly what ranking every
    //! lead at once the straightforward way gives.
    use super::*;
    use crate::model::CompactLead;
    use proptest::prelude::*;

    /// The ranking as it was before it could go a share at a time: judge every candidate, sort the keys.
    fn straightforward(search: &Search, leads: &[CompactLead], candidates: &[u32]) -> Vec<u32> {
        if search.words.is_empty() {
            return candidates.to_vec();
        }
        let needed = search.needed();
        let mut keyed: Vec<u64> = candidates
            .iter()
            .filter_map(|&i| {
                let lead = leads.get(i as usize)?;
                if lead.haystack_chars() & needed != needed {
                    return None;
                }
                let (tier, score) = search.judge(lead.search_text())?;
                let score = u64::from(SCORE_MAX - score.min(SCORE_MAX));
                Some((tier as u64) << 62 | score << 32 | u64::from(i))
            })
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|k| k as u32).collect()
    }

    const FIRST: &[&str] = &[
        "María", "Maria", "Mariana", "Ana", "Đorđe", "Kenji", "Zoë", "Ada", "Omar", "Mar",
    ];
    const LAST: &[&str] = &["Costa", "Williams", "Lee", "Pérez", "Silva", "Ivanova", "Ada", "Marlow"];
    const COMPANY: &[&str] = &[
        "Costa Foods",
        "Harbor Marine",
        "Northwind Traders",
        "Ada Ltd",
        "Marlow & Co",
    ];
    const INTENT: &[&str] = &[
        "Wants a demo for the marketing area",
        "Asked about pricing",
        "",
        "mariachi band",
    ];

    fn lead_of(i: usize, (f, l, c, p, n): (usize, usize, usize, u16, usize)) -> CompactLead {
        let first = FIRST[f % FIRST.len()];
        let last = LAST[l % LAST.len()];
        let lead = serde_json::json!({
            "id": i.to_string(), "status": "new", "createdAt": "2026-01-01T00:00:00Z",
            "firstName": first, "lastName": last,
            "companyName": COMPANY[c % COMPANY.len()],
            "email": format!("{}.{}@{}.example", fold(first), fold(last), c % 3),
            "phone": format!("+1 555 {p:04}"),
            "intent": INTENT[n % INTENT.len()],
        });
        CompactLead::new(&serde_json::from_value(lead).unwrap())
    }

    fn leads() -> impl Strategy<Value = Vec<CompactLead>> {
        prop::collection::vec((0..10usize, 0..8usize, 0..5usize, 0..10_000u16, 0..4usize), 0..60)
            .prop_map(|ls| ls.into_iter().enumerate().map(|(i, l)| lead_of(i, l)).collect())
    }

    /// Queries as reps type them: names, parts of names, email and phone fragments, two words, a letter,
    /// accents and capitals, and misses.
    fn query() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "maria",
                "MARÍA costa",
                "mar",
                "costa maria",
                "a",
                "m",
                "ada",
                "aria",
                "lee",
                "mrc",
                "zqx",
                "@1.ex",
                "555 01",
                "0",
                "pricing",
                "wants dem",
                "đor",
                "co",
                "ma ma",
                "x",
            ])
            .prop_map(str::to_string),
            "[a-zé@. 0-9]{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn a_share_at_a_time_ranks_as_all_at_once(leads in leads(), query in query(), share in 1..25usize) {
            let search = Search::new(&query);
            let all: Vec<u32> = (0..leads.len() as u32).collect();
            let expected = straightforward(&search, &leads, &all);
            let rows: LeadRows = leads.iter().collect();
            prop_assert_eq!(&search.rank(&rows, all.iter().copied()), &expected);
            let mut ranking = Ranking::new(all.clone());
            let mut steps = 0;
            let ranked = loop {
                steps += 1;
                if let Some(ranked) = ranking.step(&search, &rows, share) {
                    break ranked;
                }
                let (judged, of) = ranking.progress();
                prop_assert!(judged < of);
            };
            prop_assert_eq!(ranked, expected);
            if !search.words.is_empty() {
                prop_assert_eq!(steps, leads.len().div_ceil(share).max(1));
            }
        }

        #[test]
        fn a_query_typed_on_while_the_last_is_ranked_ranks_as_a_fresh_search(
            leads in leads(), query in query(), more in "[a-z]{1,3}", share in 1..25usize, steps in 0..4usize,
        ) {
            let mut search = Search::new(&query);
            let rows: LeadRows = leads.iter().collect();
            let mut ranking = Ranking::new((0..leads.len() as u32).collect());
            let mut done = None;
            for _ in 0..steps {
                if let Some(ranked) = ranking.step(&search, &rows, share) {
                    done = Some(ranked);
                    break;
                }
            }
            let longer = format!("{query}{more}");
            let narrows = search.set_query(&longer);
            let candidates = match done {
                Some(ranked) if narrows => ranked,
                _ if narrows => ranking.narrowed(),
                _ => (0..leads.len() as u32).collect(),
            };
            let mut narrowed = Ranking::new(candidates);
            let ranked = loop {
                if let Some(ranked) = narrowed.step(&search, &rows, share) {
                    break ranked;
                }
            };
            let all: Vec<u32> = (0..leads.len() as u32).collect();
            prop_assert_eq!(ranked, straightforward(&Search::new(&longer), &leads, &all));
        }
    }
}
