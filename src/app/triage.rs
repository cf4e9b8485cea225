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
    pub(super) marks: HashMap<CompactId, Marks>,
    /// The marks before the last triage key, for `u`.
    pub(super) undo: Vec<(CompactId, Marks)>,
}

impl App {
    /// The marks of a lead (unseen, not done, not starred when it has none).
    pub fn marks_of(&self, lead_id: &CompactId) -> Marks {
        self.triage.marks.get(lead_id).copied().unwrap_or_default()
    }

    /// Hands the app the marks kept from earlier sessions and the view last open. Called before the first
    /// key, like `restore_draft`.
    pub fn restore_triage(&mut self, marks: HashMap<String, Marks>, view: Option<&str>) {
        self.triage.marks = marks.into_iter().map(|(id, m)| (CompactId::new(&id), m)).collect();
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

    /// Changes the marks of the lead acted on, remembering the old ones for `u`.
    pub(super) fn change_marks(&mut self, change: impl FnOnce(&mut Marks)) {
        let Some(lead) = self.acted_on() else {
            return;
        };
        let (id, name) = (lead.id().clone(), lead.name().to_string());
        let before = self.marks_of(&id);
        let mut after = before;
        change(&mut after);
        self.triage.undo.push((id.clone(), before));
        if self.triage.undo.len() > 100 {
            self.triage.undo.remove(0);
        }
        self.set_marks(&id, after);
        let what = match (before.done != after.done, after.done, after.starred) {
            (true, true, _) => "Done",
            (true, false, _) => "Not done",
            (false, _, true) => "Starred",
            (false, _, false) => "Unstarred",
        };
        let undo = self.keymap().hint_key(Context::Lead, Action::Undo).unwrap_or_default();
        self.said.notice = Some(format!(
            "{what}: {} · {undo} undoes",
            if name.is_empty() { "(no name)" } else { &name }
        ));
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

    /// `u`: the marks the last triage key changed, put back.
    pub(super) fn undo_marks(&mut self) {
        if let Some((id, before)) = self.triage.undo.pop() {
            self.set_marks(&id, before);
            self.said.notice = Some("Undone".to_string());
        } else {
            self.said.notice = Some("Nothing to undo".to_string());
        }
    }
}
