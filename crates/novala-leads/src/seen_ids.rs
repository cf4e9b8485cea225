//! The ids a walk has handed out, held small enough for a whole tenant: a walk over a mirror of a million
//! leads remembers every one of them, and a hash set of [`CompactId`]s costs 50 MB there. UUIDs (what
//! Novala sends) are kept as 16-byte numbers in one sorted vector, with the newest in a small set that is
//! merged into it from time to time; any other id is kept as its text.

use std::collections::HashSet;

use crate::compact_id::CompactId;

/// The set is merged into the sorted vector once it holds this share of it (and at least
/// [`MERGE_AT_LEAST`]), so the merges cost O(n) amortised and the set stays a few MB.
const MERGE_SHARE: usize = 8;
const MERGE_AT_LEAST: usize = 4_096;

#[derive(Debug, Clone, Default)]
pub struct SeenIds {
    /// Sorted, no repeats, none also in `recent`.
    sorted: Vec<u128>,
    recent: HashSet<u128>,
    text: HashSet<Box<str>>,
}

impl SeenIds {
    /// Adds `id`; true if it was not there yet.
    pub fn insert(&mut self, id: &str) -> bool {
        match CompactId::new(id) {
            CompactId::Uuid(bytes) => {
                let n = u128::from_be_bytes(bytes);
                if self.sorted.binary_search(&n).is_ok() || !self.recent.insert(n) {
                    return false;
                }
                if self.recent.len() >= MERGE_AT_LEAST.max(self.sorted.len() / MERGE_SHARE) {
                    self.merge();
                }
                true
            }
            CompactId::Text(text) => self.text.insert(text),
        }
    }

    /// True when `id` was handed out.
    pub fn contains(&self, id: &CompactId) -> bool {
        match id {
            CompactId::Uuid(bytes) => {
                let n = u128::from_be_bytes(*bytes);
                self.recent.contains(&n) || self.sorted.binary_search(&n).is_ok()
            }
            CompactId::Text(text) => self.text.contains(text),
        }
    }

    pub fn len(&self) -> usize {
        self.sorted.len() + self.recent.len() + self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn merge(&mut self) {
        let mut fresh: Vec<u128> = self.recent.drain().collect();
        fresh.sort_unstable();
        // Merged from the back into the grown vector, so no second copy of the whole is made.
        let old = self.sorted.len();
        self.sorted.reserve_exact(fresh.len());
        self.sorted.resize(old + fresh.len(), 0);
        let (mut i, mut j, mut at) = (old, fresh.len(), old + fresh.len());
        while j > 0 {
            at -= 1;
            if i > 0 && self.sorted[i - 1] > fresh[j - 1] {
                self.sorted[at] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[at] = fresh[j - 1];
                j -= 1;
            }
        }
        self.recent.shrink_to(MERGE_AT_LEAST);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(n: u128) -> String {
        uuid::Uuid::from_u128(n).hyphenated().to_string()
    }

    #[test]
    fn every_id_is_new_once_across_merges_in_any_order() {
        let mut seen = SeenIds::default();
        // A scatter of numbers, so merges interleave old and new on both sides.
        let ids: Vec<u128> = (0..40_000u128).map(|n| (n * 2_654_435_761) % 1_000_003).collect();
        for &n in &ids {
            assert!(seen.insert(&uuid(n)), "{n} is new");
        }
        for &n in &ids {
            assert!(!seen.insert(&uuid(n)), "{n} was seen");
        }
        assert!(seen.insert(&uuid(2_000_000)));
        assert_eq!(seen.len(), ids.len() + 1);
        // Found whether merged into the sorted part or still among the recent ones.
        assert!(ids.iter().all(|&n| seen.contains(&CompactId::new(&uuid(n)))));
        assert!(seen.contains(&CompactId::new(&uuid(2_000_000))));
        assert!(!seen.contains(&CompactId::new(&uuid(2_000_001))));
        assert!(
            seen.sorted.windows(2).all(|w| w[0] < w[1]),
            "the merged vector stays sorted"
        );
        assert!(seen.recent.iter().all(|n| seen.sorted.binary_search(n).is_err()));
    }

    #[test]
    fn ids_that_are_not_canonical_uuids_are_kept_as_their_text() {
        let mut seen = SeenIds::default();
        let upper = uuid(0xabcdef).to_uppercase();
        assert!(seen.insert(&uuid(0xabcdef)));
        assert!(
            seen.insert(&upper),
            "another spelling is another id, as the server sent it"
        );
        assert!(seen.insert("lead_1"));
        assert!(!seen.insert("lead_1"));
        assert!(!seen.insert(&upper));
        assert_eq!(seen.len(), 3);
        assert!(seen.contains(&CompactId::new("lead_1")) && !seen.contains(&CompactId::new("lead_2")));
    }
}
