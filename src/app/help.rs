//! The help screen: open or not, and how far it is scrolled.

use super::App;
use crate::keymap::Action;

/// The help screen over whatever was open.
#[derive(Debug, Clone, Default)]
pub(super) struct HelpState {
    pub(super) open: bool,
    /// How far help is scrolled, when it is taller than the terminal.
    pub(super) scroll: usize,
}

impl App {
    pub fn help_scroll(&self) -> usize {
        self.help.scroll
    }

    pub fn help_open(&self) -> bool {
        self.help.open
    }

    /// An action while help is open: it scrolls, closes, or quits; nothing else reaches the screen below.
    /// `asked`: a quit was asked to be confirmed by the action before.
    pub(super) fn on_help_action(&mut self, action: Action, times: usize, asked: bool) {
        match action {
            Action::Quit => self.request_quit(asked),
            Action::Back | Action::ToggleHelp => {
                self.help.open = false;
                self.help.scroll = 0;
            }
            // Help taller than the terminal scrolls; drawing stops it at the last line.
            Action::Down | Action::PageDown => self.help.scroll = (self.help.scroll + times).min(200),
            Action::Up | Action::PageUp => self.help.scroll = self.help.scroll.saturating_sub(times),
            Action::Top => self.help.scroll = 0,
            _ => {}
        }
    }
}
