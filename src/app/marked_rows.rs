//! Which rows of the list carry each triage mark. A rep marks thousands of a million leads, and the view
//! and the unread count ask on every keystroke of a search: the marks are looked up once, when the list
//! or the marks change (for rows added at the end, only those), not a lead at a time on each key.

use std::collections::HashMap;
use std::ops::Deref;

use crate::api::CompactId;
use crate::model::Marks;
use crate::model::lead_rows::LeadRows;
use crate::model::row_set::RowSet;

/// The marks of every lead by id, and a number that changes with each change to them.
#[derive(Debug, Clone, Default)]
pub(super) struct MarksTable {
    map: HashMap<CompactId, Marks>,
    generation: u64,
}

impl Deref for MarksTable {
    type Target = HashMap<CompactId, Marks>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl MarksTable {
    pub(super) fn insert(&mut self, id: CompactId, marks: Marks) {
        self.map.insert(id, marks);
        self.generation += 1;
    }

    /// Changes with every change to the marks.
    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// Every mark at once (from disk, or another process).
    pub(super) fn replace(&mut self, map: HashMap<CompactId, Marks>) {
        self.map = map;
        self.generation += 1;
    }
}

/// The rows of each mark, as of a list's layout and a generation of the marks.
#[derive(Debug, Clone, Default)]
pub(super) struct MarkedRows {
    layout: u64,
    generation: u64,
    /// Rows `0..covered` are looked at.
    covered: usize,
    pub(super) seen: RowSet,
    pub(super) done: RowSet,
    pub(super) starred: RowSet,
}

impl MarkedRows {
    fn mark(&mut self, row: usize, marks: &Marks) {
        self.seen.set(row, marks.seen);
        self.done.set(row, marks.done);
        self.starred.set(row, marks.starred);
    }

    /// Brings the rows up to date with `leads` and `marks`.
    pub(super) fn refresh(&mut self, leads: &LeadRows, marks: &MarksTable) {
        let len = leads.len();
        if self.layout == leads.layout() && self.generation == marks.generation && self.covered <= len {
            if self.covered < len {
                for set in [&mut self.seen, &mut self.done, &mut self.starred] {
                    set.grow(len);
                }
                for row in self.covered..len {
                    if let Some(m) = leads.id(row).and_then(|id| marks.get(id)) {
                        self.mark(row, &{ *m });
                    }
                }
                self.covered = len;
            }
            return;
        }
        *self = MarkedRows {
            layout: leads.layout(),
            generation: marks.generation,
            covered: len,
            seen: RowSet::new(len, false),
            done: RowSet::new(len, false),
            starred: RowSet::new(len, false),
        };
        // Whichever is fewer: the marks, each found by its id, or the rows, each mark looked up.
        if marks.len() < len {
            for (id, m) in marks.iter() {
                if let Some(row) = leads.position(id) {
                    self.mark(row, m);
                }
            }
        } else {
            for row in 0..len {
                if let Some(m) = leads.id(row).and_then(|id| marks.get(id)) {
                    self.mark(row, &{ *m });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Lead;
    use crate::model::CompactLead;

    fn lead(id: &str) -> CompactLead {
        let lead: Lead = serde_json::from_value(serde_json::json!({
            "id": id, "status": "new", "createdAt": "2026-01-01T00:00:00Z",
        }))
        .unwrap();
        CompactLead::new(&lead)
    }

    #[test]
    fn the_rows_follow_the_marks_and_the_rows_through_every_change() {
        let mut rows: LeadRows = ["a", "b", "c"].map(lead).iter().collect();
        let mut marks = MarksTable::default();
        let done = Marks {
            done: true,
            ..Marks::default()
        };
        marks.insert(CompactId::new("b"), done);
        let mut marked = MarkedRows::default();
        marked.refresh(&rows, &marks);
        assert_eq!(marked.done.rows(), [1]);
        // Rows added at the end: only they are looked at, and the earlier stay.
        rows.push(&lead("d"));
        marks.insert(
            CompactId::new("d"),
            Marks {
                seen: true,
                ..Marks::default()
            },
        );
        marked.refresh(&rows, &marks);
        assert_eq!((marked.done.rows(), marked.seen.rows()), (vec![1], vec![3]));
        rows.push(&lead("e"));
        marked.refresh(&rows, &marks);
        assert_eq!((marked.done.rows(), marked.seen.rows()), (vec![1], vec![3]));
        // A lead put on top moves every row down.
        rows.insert(0, &lead("z"));
        marked.refresh(&rows, &marks);
        assert_eq!((marked.done.rows(), marked.seen.rows()), (vec![2], vec![4]));
        // Marks replaced whole.
        marks.replace(
            [(
                CompactId::new("z"),
                Marks {
                    starred: true,
                    ..Marks::default()
                },
            )]
            .into(),
        );
        marked.refresh(&rows, &marks);
        assert_eq!(
            (marked.done.count(), marked.seen.count(), marked.starred.rows()),
            (0, 0, vec![0])
        );
        // Rows let go.
        rows.retain(|l| !l.id().is("z"));
        marked.refresh(&rows, &marks);
        assert_eq!(marked.starred.count(), 0);
    }
}
