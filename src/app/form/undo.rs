//! Undo and redo of a text field by steps as editors count them: a word typed with the space after it, a
//! run of deletions, a paste or a line break, never one character at a time. A step also ends where the
//! caret was moved away.

use std::collections::VecDeque;

/// How many steps undo goes back.
const MAX_STEPS: usize = 200;
/// What the kept values may take together, so a field of megabytes cannot hold hundreds of copies.
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// What one edit did, for telling where a step ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// A character of a word typed.
    Word,
    /// A space or other blank typed.
    Blank,
    /// Characters deleted (Backspace, Delete).
    Delete,
    /// Anything else that changes the value (a paste, a line break, a cut): a step of its own.
    Other,
}

impl EditKind {
    /// Whether an edit of `self` that follows one of `last` (from where it left the caret) is the same step.
    fn joins(self, last: EditKind) -> bool {
        matches!(
            (last, self),
            (EditKind::Word, EditKind::Word | EditKind::Blank)
                | (EditKind::Blank, EditKind::Blank)
                | (EditKind::Delete, EditKind::Delete)
        )
    }
}

/// A field's value and caret (a character index) at the start of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub text: String,
    pub cursor: usize,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    undo: VecDeque<Snapshot>,
    redo: Vec<Snapshot>,
    /// The last edit's kind and the caret after it: the next edit of a kind that joins it, from there, is
    /// the same step.
    last: Option<(EditKind, usize)>,
}

impl History {
    /// Called before an edit of `kind` with the caret at `cursor`; `now` is read only when the edit begins
    /// a step. Whether it did (hand that to [`History::after`]).
    pub fn before(&mut self, kind: EditKind, cursor: usize, now: impl FnOnce() -> Snapshot) -> bool {
        let same_step = self
            .last
            .is_some_and(|(last, at)| at == cursor && kind != EditKind::Other && kind.joins(last));
        if same_step {
            return false;
        }
        self.undo.push_back(now());
        self.trim();
        true
    }

    /// Called after the edit: `changed` whether the value changed, `cursor` the caret now. An edit that
    /// changed nothing leaves no step behind.
    pub fn after(&mut self, kind: EditKind, began: bool, changed: bool, cursor: usize) {
        if !changed {
            if began {
                self.undo.pop_back();
            }
            return;
        }
        self.redo.clear();
        self.last = Some((kind, cursor));
    }

    /// The value before the last step, `now` kept for redo.
    pub fn undo(&mut self, now: Snapshot) -> Option<Snapshot> {
        let back = self.undo.pop_back()?;
        self.redo.push(now);
        self.last = None;
        Some(back)
    }

    /// The value the last undo went back from, `now` kept for undo.
    pub fn redo(&mut self, now: Snapshot) -> Option<Snapshot> {
        let forward = self.redo.pop()?;
        self.undo.push_back(now);
        self.trim();
        self.last = None;
        Some(forward)
    }

    fn trim(&mut self) {
        let mut bytes: usize = self.undo.iter().map(|s| s.text.len()).sum();
        while self.undo.len() > MAX_STEPS || (bytes > MAX_BYTES && self.undo.len() > 1) {
            if let Some(dropped) = self.undo.pop_front() {
                bytes -= dropped.text.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(history: &mut History, text: &mut String, s: &str) {
        for c in s.chars() {
            let kind = if c.is_whitespace() {
                EditKind::Blank
            } else {
                EditKind::Word
            };
            let cursor = text.chars().count();
            let snapshot = text.clone();
            let began = history.before(kind, cursor, || Snapshot { text: snapshot, cursor });
            text.push(c);
            history.after(kind, began, true, cursor + 1);
        }
    }

    #[test]
    fn a_word_and_the_space_after_it_are_one_step() {
        let mut history = History::default();
        let mut text = String::new();
        typed(&mut history, &mut text, "call back monday");
        let now = |t: &str| Snapshot {
            text: t.to_string(),
            cursor: t.chars().count(),
        };
        let back = history.undo(now(&text)).unwrap();
        assert_eq!(back.text, "call back ");
        let back = history.undo(now(&back.text)).unwrap();
        assert_eq!(back.text, "call ");
        let forward = history.redo(now(&back.text)).unwrap();
        assert_eq!(forward.text, "call back ");
    }
}
