//! Triage marks kept on this machine (seen, done, starred) and their undo.

use std::collections::HashMap;

use super::list::LeadList;
use super::{App, Effect};
use crate::api::CompactId;
use crate::api::types::ListQuery;
use crate::keymap::{Action, Context};
use crate::model::Marks;

/// The marks of every lead, and the ones before each triage key, for `u`.
#[derive(Debug, Clone, Default)]
pub(super) struct TriageState {
    /// Triage marks kept on this machine, by lead id.
    pub(super) marks: super::marked_rows::MarksTable,
    /// The marks before each triage key, newest last, for `u`: one entry a key, however many leads it
    /// marked (every picked lead at once).
    pub(super) undo: Vec<Vec<(CompactId, Marks)>>,
}

impl App {
    /// The marks of a lead (unseen, not done, not starred when it has none).
    pub fn marks_of(&self, lead_id: &CompactId) -> Marks {
        self.triage.marks.get(lead_id).copied().unwrap_or_default()
    }

    /// Hands the app the marks kept from earlier sessions and the view last open. Called before the first
    /// key, like `restore_draft`.
    pub fn restore_triage(&mut self, marks: HashMap<String, Marks>, view: Option<&str>) {
        self.triage
            .marks
            .replace(marks.into_iter().map(|(id, m)| (CompactId::new(&id), m)).collect());
        if let Some(i) = view.and_then(|name| self.views.iter().position(|v| v.name == name)) {
            self.view_index = i;
            if let Some(v) = self.views.get(i).filter(|v| v.saved) {
                // Nothing is asked for yet: `start` asks for the first page of this view's list.
                self.list = LeadList::new(ListQuery {
                    status: v.status.clone(),
                    assigned_to: v.assigned_to.clone(),
                    limit: Some(self.settings.page_size),
                });
            }
        }
        self.refresh_shown(false);
    }

    /// `d` or `*`: toggles `flag` of the lead acted on, or of every picked lead (all set, unless every one
    /// of them has it already: then all cleared), remembering the old marks for `u`. Picks are done with
    /// once marked, so the next key does not mark leads the view may just have hidden.
    pub(super) fn toggle_flag(&mut self, flag: fn(&mut Marks) -> &mut bool) {
        if self.acting_on_picked() {
            return self.toggle_flag_of_picked(flag);
        }
        let Some(lead) = self.acted_on() else {
            return;
        };
        let (id, name) = (lead.id().clone(), lead.name().to_string());
        let before = self.marks_of(&id);
        let mut after = before;
        let value = !*flag(&mut after);
        *flag(&mut after) = value;
        self.remember_for_undo(vec![(id.clone(), before)]);
        self.set_marks(&id, after);
        let undo = self.keymap().hint_key(Context::Lead, Action::Undo).unwrap_or_default();
        self.said.notice = Some(format!(
            "{}: {} · {undo} undoes",
            flag_word(before, after),
            if name.is_empty() { "(no name)" } else { &name }
        ));
    }

    fn toggle_flag_of_picked(&mut self, flag: fn(&mut Marks) -> &mut bool) {
        let mut ids: Vec<CompactId> = self.picked.ids.iter().cloned().collect();
        ids.sort_unstable();
        let befores: Vec<(CompactId, Marks)> = ids
            .into_iter()
            .map(|id| {
                let marks = self.marks_of(&id);
                (id, marks)
            })
            .collect();
        let value = !befores.iter().all(|(_, m)| *flag(&mut m.clone()));
        let mut undo = Vec::new();
        for (id, before) in &befores {
            let mut after = *before;
            *flag(&mut after) = value;
            if after != *before {
                undo.push((id.clone(), *before));
                self.triage.marks.insert(id.clone(), after);
                self.effects.push(Effect::SaveMarks {
                    lead_id: id.to_string(),
                    before: *before,
                    marks: after,
                });
            }
        }
        self.remember_for_undo(undo);
        // One look at what the view admits for all of them, not one per lead.
        self.refresh_shown(false);
        self.drop_picked();
        let (mut was, mut now) = (Marks::default(), Marks::default());
        *flag(&mut was) = !value;
        *flag(&mut now) = value;
        let undo = self.keymap().hint_key(Context::Lead, Action::Undo).unwrap_or_default();
        self.said.notice = Some(format!(
            "{}: {} · {undo} undoes",
            flag_word(was, now),
            crate::text::plural(befores.len(), "picked lead")
        ));
    }

    fn remember_for_undo(&mut self, before: Vec<(CompactId, Marks)>) {
        self.triage.undo.push(before);
        if self.triage.undo.len() > 100 {
            self.triage.undo.remove(0);
        }
    }

    /// Sets a lead's marks, asks for them to be kept on disk, and shows the list the view now admits.
    pub(super) fn set_marks(&mut self, lead_id: &CompactId, marks: Marks) {
        let before = self.marks_of(lead_id);
        if before == marks {
            return;
        }
        self.triage.marks.insert(lead_id.clone(), marks);
        self.effects.push(Effect::SaveMarks {
            lead_id: lead_id.to_string(),
            before,
            marks,
        });
        self.refresh_shown(false);
    }

    /// `u`: the marks the last triage key changed, put back (every lead it marked).
    pub(super) fn undo_marks(&mut self) {
        let Some(before) = self.triage.undo.pop() else {
            self.said.notice = Some("Nothing to undo".to_string());
            return;
        };
        for (id, marks) in &before {
            let now = self.marks_of(id);
            if now != *marks {
                self.triage.marks.insert(id.clone(), *marks);
                self.effects.push(Effect::SaveMarks {
                    lead_id: id.to_string(),
                    before: now,
                    marks: *marks,
                });
            }
        }
        self.refresh_shown(false);
        self.said.notice = Some(match before.len() {
            1 => "Undone".to_string(),
            n => format!("Undone for {}", crate::text::plural(n, "lead")),
        });
    }
}

/// What a triage key did, said from one lead's marks before and after.
fn flag_word(before: Marks, after: Marks) -> &'static str {
    match (before.done != after.done, after.done, after.starred) {
        (true, true, _) => "Done",
        (true, false, _) => "Not done",
        (false, _, true) => "Starred",
        (false, _, false) => "Unstarred",
    }
}
