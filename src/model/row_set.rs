//! A set of a list's rows as one bit each: a million rows in 125 KB. The search and the views read
//! their marks into it rather than looking up a mark for each of a million leads, and a search's
//! candidates come out of it in list order.

/// Rows `0..len` in or out of the set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSet {
    words: Vec<u64>,
    len: usize,
}

impl RowSet {
    /// Every row of `len` in the set (`all`), or none.
    pub fn new(len: usize, all: bool) -> RowSet {
        let mut words = vec![if all { u64::MAX } else { 0 }; len.div_ceil(64)];
        if all
            && !len.is_multiple_of(64)
            && let Some(last) = words.last_mut()
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        RowSet { words, len }
    }

    /// The rows `rows` of `len` (those past `len` are left out).
    pub fn of(len: usize, rows: impl IntoIterator<Item = u32>) -> RowSet {
        let mut set = RowSet::new(len, false);
        for row in rows {
            set.set(row as usize, true);
        }
        set
    }

    /// Makes room for rows up to `len`, none of the new ones in the set.
    pub fn grow(&mut self, len: usize) {
        if len > self.len {
            self.words.resize(len.div_ceil(64), 0);
            self.len = len;
        }
    }

    /// The rows of this set not in `other`.
    pub fn without(&self, other: &RowSet) -> RowSet {
        let words = self
            .words
            .iter()
            .enumerate()
            .map(|(at, w)| w & !other.words.get(at).copied().unwrap_or(0))
            .collect();
        RowSet { words, len: self.len }
    }

    pub fn set(&mut self, row: usize, in_set: bool) {
        if row >= self.len {
            return;
        }
        if let Some(word) = self.words.get_mut(row / 64) {
            let bit = 1u64 << (row % 64);
            if in_set {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    pub fn contains(&self, row: usize) -> bool {
        self.words.get(row / 64).is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    /// How many rows are in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The rows in the set, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.count());
        for (at, &word) in self.words.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                out.push(
                    u32::try_from(at * 64)
                        .unwrap_or(u32::MAX)
                        .saturating_add(word.trailing_zeros()),
                );
                word &= word - 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_and_out_and_come_back_in_order() {
        for len in [0, 1, 63, 64, 65, 130] {
            let all = RowSet::new(len, true);
            assert_eq!(all.count(), len, "len {len}");
            assert_eq!(all.rows(), (0..len as u32).collect::<Vec<_>>());
            assert_eq!(RowSet::new(len, false).count(), 0);
        }
        let mut set = RowSet::of(130, [129, 3, 64, 3, 500]);
        assert_eq!(set.rows(), [3, 64, 129], "each once, in order, none past the end");
        set.set(64, false);
        set.set(0, true);
        assert_eq!((set.rows(), set.count()), (vec![0, 3, 129], 3));
        assert!(set.contains(129) && !set.contains(64) && !set.contains(500));
        set.grow(200);
        set.set(199, true);
        assert_eq!(set.rows(), [0, 3, 129, 199]);
        let all = RowSet::new(200, true);
        assert_eq!(all.without(&set).count(), 196);
        assert!(!all.without(&set).contains(199) && all.without(&set).contains(198));
    }
}
