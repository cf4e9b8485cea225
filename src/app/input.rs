//! Keys, sequences and clicks: what a key press or a click on the list screen turns into, through the
//! keymap in force. The form and the search box read their own keys (`new_lead.rs`, `shown.rs`).

use crossterm::event::KeyEvent;

use super::filters::{self, PaneKind};
use super::layout::Hit;
use super::search::Search;
use super::{App, Focus, Screen};
use crate::api::worker::ApiRequest;
use crate::keymap::{Action, Context, Key, Resolved};

/// The keys of a sequence pressed so far, and what the last one that fitted nothing said.
#[derive(Debug, Clone, Default)]
pub(super) struct SequenceState {
    /// The keys of a sequence pressed so far (`g` of `g g`).
    pub(super) keys: Vec<Key>,
    /// The error a sequence that fits nothing gave: it answers that key only, so the next key takes it
    /// away (an error from the tenant stays until a success).
    pub(super) unbound_error: Option<String>,
}

impl App {
    /// `L`: keep loading pages to the end of the list, or stop.
    fn toggle_load_all(&mut self) -> Vec<ApiRequest> {
        let was = self.load_all;
        self.load_all = !was && self.list.has_more();
        self.said.notice = Some(if self.load_all {
            "Loading every page · L stops".to_string()
        } else if was {
            "Stopped loading".to_string()
        } else {
            // Nothing was loading and nothing is left: say so, not that something stopped.
            format!("All {} leads loaded", crate::text::count(self.list.leads().len()))
        });
        self.prefetch()
    }

    /// Quits, unless leads are still to be sent and the rep was not asked yet.
    pub(super) fn request_quit(&mut self, asked: bool) {
        let pending = self.outbox.pending();
        if pending == 0 || asked {
            self.quit = true;
            return;
        }
        self.quit_asked = true;
        let quit = self
            .keymap()
            .hint_key(Context::Global, Action::Quit)
            .unwrap_or_default();
        self.said.notice = Some(format!(
            "{} not sent yet: {quit} again quits (sending resumes at the next start)",
            crate::text::plural(pending, "lead")
        ));
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        self.said.notice = None;
        if key.kind != crossterm::event::KeyEventKind::Release
            && let Some(said) = self.sequence.unbound_error.take()
            && self.said.error.as_deref() == Some(said.as_str())
        {
            self.said.error = None;
        }
        if self.command_prompt().is_some() && key.kind != crossterm::event::KeyEventKind::Release {
            return self.on_prompt_key(key);
        }
        if self.command_keys().is_some() && key.kind != crossterm::event::KeyEventKind::Release {
            return self.on_confirm_key(&key);
        }
        if self.screen == Screen::Form {
            return self.on_form_key(key);
        }
        if self.export_prompt().is_some() {
            return self.on_export_key(key);
        }
        if self.search.typing.is_some() && self.screen == Screen::List {
            return self.on_search_key(key);
        }
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        let pending = std::mem::take(&mut self.sequence.keys);
        // Esc ends a sequence begun by mistake, and does nothing else.
        if !pending.is_empty() && key.code == crossterm::event::KeyCode::Esc {
            return Vec::new();
        }
        match self.settings.keymap.resolve(self.contexts(), &pending, &key) {
            Resolved::Action(action) => self.on_action(action, 1),
            Resolved::Pending => {
                self.sequence.keys = pending;
                self.sequence.keys.push(Key::of(&key));
                Vec::new()
            }
            Resolved::Unbound => {
                let said = self.unbound_sequence(&pending, &key);
                self.sequence.unbound_error = Some(said.clone());
                self.said.error = Some(said);
                Vec::new()
            }
            Resolved::None => Vec::new(),
        }
    }

    /// "y z: no such key; y e email · y p phone · y n name · y i id": what was typed, and what would have
    /// done something, from the keymap in force.
    pub(super) fn unbound_sequence(&self, pending: &[Key], key: &KeyEvent) -> String {
        let typed = pending.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" ");
        let next = self
            .keymap()
            .continuations(self.contexts(), pending)
            .into_iter()
            .map(|(rest, action)| format!("{typed} {rest} {}", self.keymap().word_for(action)))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("{typed} {}: no such key; {next}", Key::of(key).short_label())
    }

    pub(super) fn on_action(&mut self, action: Action, times: usize) -> Vec<ApiRequest> {
        // Asked to confirm a quit: only the very next action can confirm it.
        let asked = std::mem::take(&mut self.quit_asked);
        if self.help.open {
            self.on_help_action(action, times, asked);
            return Vec::new();
        }
        if self.screen == Screen::Outbox
            && let Some(out) = self.on_outbox_action(action, times)
        {
            return out;
        }
        match action {
            Action::Outbox => {
                self.open_outbox();
                Vec::new()
            }
            // Only the outbox screen has a lead of the outbox selected.
            Action::SendAgain | Action::Drop => Vec::new(),
            Action::Quit => {
                self.request_quit(asked);
                Vec::new()
            }
            Action::ToggleHelp => {
                self.help.open = true;
                Vec::new()
            }
            Action::FocusNext | Action::FocusPrev | Action::FocusStatus | Action::FocusAssignee => {
                let mut out = self.leave_detail();
                self.focus = match (action, self.focus) {
                    (Action::FocusStatus, _) => Focus::Pane(PaneKind::Status),
                    (Action::FocusAssignee, _) => Focus::Pane(PaneKind::Assignee),
                    (Action::FocusNext, Focus::List) | (Action::FocusPrev, Focus::Pane(PaneKind::Assignee)) => {
                        Focus::Pane(PaneKind::Status)
                    }
                    (Action::FocusNext, Focus::Pane(PaneKind::Status)) | (Action::FocusPrev, Focus::List)
                        if !(action == Action::FocusPrev && self.preview_shown()) =>
                    {
                        Focus::Pane(PaneKind::Assignee)
                    }
                    // With the preview shown, Tab goes on from the assignee pane to it, and back.
                    (Action::FocusNext, Focus::Pane(PaneKind::Assignee)) | (Action::FocusPrev, Focus::List)
                        if self.preview_shown() =>
                    {
                        Focus::Preview
                    }
                    (Action::FocusPrev, Focus::Preview) => Focus::Pane(PaneKind::Assignee),
                    _ => Focus::List,
                };
                out.extend(self.prefetch());
                out
            }
            Action::NewLead => {
                let out = self.leave_detail();
                self.focus = Focus::List;
                self.open_form();
                out
            }
            Action::Reload => {
                // After a failed page, `r` asks for that page again and keeps the place.
                if let Some(cursor) = self.list.failed_cursor() {
                    return self.request_page(cursor);
                }
                let status = self.list.query().status.clone();
                let assignee = self.list.query().assigned_to.clone();
                let mut out = self.leave_detail();
                out.extend(self.restart_list(status, assignee));
                out
            }
            Action::Open => self.open_detail(),
            Action::Choose => self.choose_filter(),
            Action::ClearFilters => self.clear_filters(),
            Action::Back
                if self.screen == Screen::List && self.focus == Focus::List && self.search.active.is_some() =>
            {
                self.clear_search();
                self.said.notice = Some("Search cleared".to_string());
                Vec::new()
            }
            Action::Back => {
                let out = self.leave_detail();
                self.focus = Focus::List;
                out
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp | Action::Top | Action::Bottom => {
                self.move_cursor(action, times)
            }
            // Clicks carry a position and are handled by `on_click`.
            Action::Click => Vec::new(),
            Action::Search => {
                let current = self.search.active.as_ref().map_or("", Search::query).to_string();
                self.search.typing = Some(tui_input::Input::new(current));
                Vec::new()
            }
            Action::LoadAll => self.toggle_load_all(),
            Action::View(i) => self.switch_view(i),
            Action::ToggleDone => {
                self.toggle_flag(|m| &mut m.done);
                Vec::new()
            }
            Action::TogglePreview => self.toggle_preview(),
            Action::PreviewPlace => {
                self.switch_preview_place();
                Vec::new()
            }
            Action::ToggleStar => {
                self.toggle_flag(|m| &mut m.starred);
                Vec::new()
            }
            Action::Undo => {
                self.undo_marks();
                Vec::new()
            }
            Action::NextLead => self.step_detail(1),
            Action::PrevLead => self.step_detail(-1),
            Action::Copy(field) => {
                self.copy(field);
                Vec::new()
            }
            Action::OpenWith(field) => {
                self.open_with(field);
                Vec::new()
            }
            // The form reads its own keys (`on_form_key`); they never reach here.
            Action::Form(_) => Vec::new(),
            Action::Pick => self.toggle_pick(),
            Action::PickAllShown => {
                self.pick_all_shown();
                Vec::new()
            }
            Action::ClearPicked => {
                self.clear_picked();
                Vec::new()
            }
            Action::Refresh => self.start_refresh(),
            Action::Export => {
                self.open_export();
                Vec::new()
            }
            Action::Run(_) | Action::CommandPrompt | Action::Confirm => self.on_command_action(action),
        }
    }

    /// The wheel: over the preview it scrolls the preview, anywhere else it moves what has the keys.
    pub(super) fn on_wheel(&mut self, action: Action, rows: usize, column: u16, row: u16) -> Vec<ApiRequest> {
        if self.screen == Screen::List && self.layout().hit(column, row) == Some(Hit::Preview) {
            self.scroll_preview(action, rows);
            return Vec::new();
        }
        self.on_action(action, rows)
    }

    /// A left click on the list screen: on a lead, selects it and focuses the list; on a pane's entry,
    /// focuses the pane with its cursor there (Enter then applies it); on the preview, gives it the keys
    /// (they scroll it, Esc gives them back), the list's selection kept.
    pub(super) fn on_click(&mut self, column: u16, row: u16) -> Vec<ApiRequest> {
        if self.screen != Screen::List {
            return Vec::new();
        }
        match self.layout().hit(column, row) {
            Some(Hit::Preview) => {
                self.focus = Focus::Preview;
                Vec::new()
            }
            Some(Hit::PaneEntry(pane, index)) => {
                let len = match pane {
                    PaneKind::Status => filters::status_options().len(),
                    PaneKind::Assignee => self.assignee_options().len(),
                };
                if index < len {
                    self.focus = Focus::Pane(pane);
                    match pane {
                        PaneKind::Status => self.panes.status = index,
                        PaneKind::Assignee => self.panes.assignee = index,
                    }
                }
                Vec::new()
            }
            Some(Hit::Lead(index)) if index < self.list.len() => {
                self.focus = Focus::List;
                self.list.select(index, self.list_rows());
                self.prefetch()
            }
            _ => Vec::new(),
        }
    }
}
