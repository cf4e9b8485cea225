//! Moves: the up/down family of actions, in whichever part of the screen has the keys.

use super::filters::{self, PaneKind};
use super::{App, Focus, Screen};
use crate::api::worker::ApiRequest;
use crate::keymap::Action;

impl App {
    /// The terminal's new size: the list keeps its selection on screen and the detail its place, within
    /// what now fits; a taller list may want the next page.
    pub(super) fn on_resize(&mut self, width: u16, height: u16) -> Vec<ApiRequest> {
        self.width = width;
        self.height = height;
        self.list.fit_window(self.list_rows());
        if let Some(d) = self.detail.as_ref().map(|d| d.scroll) {
            let (_, rows) = self.layout().detail_text_size();
            let max = self.detail_line_count().saturating_sub(rows);
            if let Some(detail) = self.detail.as_mut() {
                detail.scroll = d.min(max);
            }
        }
        self.prefetch()
    }

    pub(super) fn move_cursor(&mut self, action: Action, times: usize) -> Vec<ApiRequest> {
        let step = times as isize;
        match (self.screen, self.focus) {
            // Moves in the outbox are its own (`on_outbox_action`).
            (Screen::Outbox, _) => Vec::new(),
            (Screen::Detail, _) => {
                let (_, rows) = self.layout().detail_text_size();
                let max = self.detail_line_count().saturating_sub(rows);
                if let Some(d) = self.detail.as_mut() {
                    d.scroll = match action {
                        Action::Down => d.scroll + times,
                        Action::Up => d.scroll.saturating_sub(times),
                        Action::PageDown => d.scroll + rows,
                        Action::PageUp => d.scroll.saturating_sub(rows),
                        Action::Top => 0,
                        _ => max,
                    }
                    .min(max);
                }
                Vec::new()
            }
            (Screen::List, Focus::List) => {
                let rows = self.list_rows();
                match action {
                    Action::Down => self.list.move_by(step, rows),
                    Action::Up => self.list.move_by(-step, rows),
                    Action::PageDown => self.list.move_by(rows as isize, rows),
                    Action::PageUp => self.list.move_by(-(rows as isize), rows),
                    Action::Top => self.list.select(0, rows),
                    _ => self.list.select(usize::MAX, rows),
                }
                self.prefetch()
            }
            (Screen::List, Focus::Preview) => {
                self.scroll_preview(action, times);
                Vec::new()
            }
            (Screen::List, Focus::Pane(pane)) => {
                let len = match pane {
                    PaneKind::Status => filters::status_options().len(),
                    PaneKind::Assignee => self.assignee_options().len(),
                };
                let cursor = match pane {
                    PaneKind::Status => &mut self.panes.status,
                    PaneKind::Assignee => &mut self.panes.assignee,
                };
                *cursor = match action {
                    Action::Down | Action::PageDown => cursor.saturating_add(times),
                    Action::Up | Action::PageUp => cursor.saturating_sub(times),
                    Action::Top => 0,
                    _ => usize::MAX,
                }
                .min(len.saturating_sub(1));
                Vec::new()
            }
            (Screen::Form, _) => Vec::new(),
        }
    }
}
