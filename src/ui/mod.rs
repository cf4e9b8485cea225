//! Drawing: a pure function of `&App`. Each part of the screen has its own module.

mod detail;
mod filters;
pub mod form;
mod help;
mod list;
mod status_bar;
pub mod text;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{App, SIDEBAR_WIDTH, STATUS_BAR_ROWS, Screen};

/// Spinner frames, advanced by each tick while the network works.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &App) {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(STATUS_BAR_ROWS)]).areas(frame.area());
    match (app.screen(), app.form()) {
        (Screen::Detail, _) => detail::draw(frame, body, app),
        // The form covers the whole body.
        (Screen::Form, Some(form)) => form::draw(frame, body, form),
        (Screen::List | Screen::Form, _) => {
            if app.sidebar_visible() {
                let [side, main] =
                    Layout::horizontal([Constraint::Length(SIDEBAR_WIDTH), Constraint::Fill(1)]).areas(body);
                filters::draw(frame, side, app);
                list::draw(frame, main, app);
            } else {
                list::draw(frame, body, app);
            }
        }
    }
    status_bar::draw(frame, bar, app);
    if app.help_open() {
        help::draw(frame, body, app);
    }
}

/// A rectangle of at most `width` x `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
