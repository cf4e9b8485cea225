//! Drawing: a pure function of `&App`. Each part of the screen has its own module.

mod detail;
mod filters;
pub mod form;
mod help;
mod keys;
mod list;
mod outbox;
mod preview;
mod status_bar;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::{App, Screen};

/// Spinner frames, advanced by each tick while the network works.
pub const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &App) {
    let layout = app.layout();
    match (app.screen(), app.form()) {
        (Screen::Detail, _) => detail::draw(frame, &layout, app),
        (Screen::Outbox, _) => outbox::draw(frame, layout.body, app),
        // The form covers the whole body.
        (Screen::Form, Some(form)) => form::draw(
            frame,
            layout.body,
            form,
            app.editing_queued(),
            app.keymap(),
            app.theme(),
        ),
        (Screen::List | Screen::Form, _) => {
            if let Some(sidebar) = &layout.sidebar {
                filters::draw(frame, sidebar, app);
            }
            list::draw(frame, &layout.list, app);
            if let Some(pane) = &layout.preview {
                preview::draw(frame, pane, app);
            }
        }
    }
    status_bar::draw(frame, layout.status_bar, app);
    if app.help_open() {
        help::draw(frame, layout.body, app);
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
