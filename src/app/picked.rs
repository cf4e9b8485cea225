//! The leads picked for the keys that act on many at once (`space`, `V`, `U`): done, star, copy and export
//! then act on every picked lead, not the selected one. Not the triage marks (done, star, seen), which
//! are kept on disk: picks are for this session and this list only.
//!
//! Picks are kept by id. They survive a search and a switch between the built-in views (the leads are
//! still loaded, only hidden), and the status bar counts the hidden ones ("12 picked (3 hidden)") so a
//! pick out of sight is not forgotten. A new list from the tenant (another filter, a saved view, `r`)
//! drops them: what was picked was picked among leads that are no longer the list.

use std::collections::HashSet;

use super::{App, Screen};
use crate::api::CompactId;
use crate::api::worker::ApiRequest;
use crate::keymap::{Action, Context};
use crate::model::LeadRef;

/// The picked leads, by id, and how many of them the list does not show.
#[derive(Debug, Clone, Default)]
pub(super) struct PickedState {
    pub(super) ids: HashSet<CompactId>,
    /// Picked leads not shown (a search or the view hides them, or they are not loaded): redone whenever
    /// the picks or the rows shown change, so drawing never counts.
    pub(super) hidden: usize,
}

impl App {
    /// How many leads are picked.
    pub fn picked_count(&self) -> usize {
        self.picked.ids.len()
    }

    /// How many picked leads the list does not show.
    pub fn picked_hidden(&self) -> usize {
        self.picked.hidden
    }

    /// True when the lead `id` is picked.
    pub fn is_picked(&self, id: &CompactId) -> bool {
        !self.picked.ids.is_empty() && self.picked.ids.contains(id)
    }

    /// The leads a key acts on: in a lead's detail, the lead open; on the list, the picked leads in the
    /// list's order (those loaded: a picked lead hidden by a search or the view is still acted on), or the
    /// selected lead when none is picked.
    pub fn acted_on_leads(&self) -> Vec<LeadRef<'_>> {
        if self.screen == Screen::Detail || self.picked.ids.is_empty() {
            return self.acted_on().into_iter().collect();
        }
        // Each pick found by its id, then put in list order: picks are few, the list may hold a million.
        let leads = self.list.leads();
        let mut rows: Vec<usize> = self.picked.ids.iter().filter_map(|id| leads.position(id)).collect();
        rows.sort_unstable();
        rows.into_iter().filter_map(|row| leads.get(row)).collect()
    }

    /// True when the keys act on the picked leads rather than on one.
    pub(super) fn acting_on_picked(&self) -> bool {
        self.screen != Screen::Detail && !self.picked.ids.is_empty()
    }

    /// `space`: picks the selected lead, or unpicks it, and moves down, so a run of leads is picked by
    /// holding the key.
    pub(super) fn toggle_pick(&mut self) -> Vec<ApiRequest> {
        let Some(id) = self.list.selected_lead().map(|l| l.id().clone()) else {
            return Vec::new();
        };
        if !self.picked.ids.remove(&id) {
            self.picked.ids.insert(id);
        }
        self.recount_picked();
        self.say_picked();
        self.move_cursor(Action::Down, 1)
    }

    /// `V`: picks every lead the list shows (the search's matches, the view's leads).
    pub(super) fn pick_all_shown(&mut self) {
        let ids: Vec<CompactId> = (0..self.list.len())
            .filter_map(|row| self.list.lead_at(row).map(|l| l.id().clone()))
            .collect();
        self.picked.ids.extend(ids);
        self.recount_picked();
        self.say_picked();
    }

    /// `U`: unpicks every lead.
    pub(super) fn clear_picked(&mut self) {
        let had = self.picked.ids.len();
        self.picked = PickedState::default();
        self.said.notice = Some(match had {
            0 => "Nothing is picked".to_string(),
            n => format!("Unpicked {}", crate::text::plural(n, "lead")),
        });
    }

    /// The list was loaded anew: picks among the old list's leads mean nothing in it.
    pub(super) fn drop_picked(&mut self) {
        self.picked = PickedState::default();
    }

    fn say_picked(&mut self) {
        let n = self.picked.ids.len();
        let all = self
            .keymap()
            .hint_key(Context::List, Action::ClearPicked)
            .unwrap_or_default();
        self.said.notice = Some(match n {
            0 => "Nothing is picked".to_string(),
            n => format!("{} picked · {all} unpicks all", crate::text::plural(n, "lead")),
        });
    }

    /// Counts the picked leads the list does not show. Free with nothing picked; otherwise a look at each
    /// pick (every loaded lead shown) or at each row shown (a search or the view narrows the list).
    pub(super) fn recount_picked(&mut self) {
        if self.picked.ids.is_empty() {
            self.picked.hidden = 0;
            return;
        }
        let shown = match self.list.shown() {
            None => self.picked.ids.iter().filter(|id| self.list.holds(id)).count(),
            Some(rows) => rows
                .iter()
                .filter_map(|&i| self.list.leads().id(i as usize))
                .filter(|id| self.picked.ids.contains(*id))
                .count(),
        };
        self.picked.hidden = self.picked.ids.len().saturating_sub(shown);
    }
}
