//! The outbox screen: one row per lead typed here, with where it stands.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::app::App;
use crate::app::outbox_screen::state_word;
use crate::outbox::OutboxState;
use crate::text::age;
use crate::text::fit;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let look = app.theme();
    let outbox = app.outbox();
    let title = format!(
        " Outbox · {} to send · {} need you ",
        outbox.pending(),
        outbox.needing_rep()
    );
    let block = Block::bordered()
        .title(Line::styled(title, look.title(true)))
        .border_style(look.border(true));
    let rows = app.outbox_rows();
    if rows.is_empty() {
        let text = Paragraph::new(Line::styled("Nothing typed here waits to be sent.", look.muted())).block(block);
        frame.render_widget(text, area);
        return;
    }
    let inner_width = usize::from(area.width.saturating_sub(2));
    let note_width = inner_width.saturating_sub(10 + 22 + 26 + 5 + 4);
    let selected = app.outbox_selected();
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let first = selected.saturating_sub(height - 1);
    let body: Vec<Row> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, entry)| {
            let state_style = match entry.state {
                OutboxState::Unknown | OutboxState::Rejected => look.error(),
                OutboxState::Sent => look.muted(),
                OutboxState::Sending | OutboxState::Checking => look.busy(),
                OutboxState::Queued => Style::new(),
            };
            let note = match (&entry.state, &entry.server_id, &entry.error) {
                (OutboxState::Sent, Some(id), _) => format!("id {}", crate::text::short_id(id)),
                (_, _, Some(error)) => error.clone(),
                _ => String::new(),
            };
            let email = entry
                .lead
                .email
                .as_deref()
                .map(crate::sanitize::line)
                .unwrap_or_default();
            let row = Row::new(vec![
                Cell::from(Span::styled(state_word(entry.state), state_style)),
                Cell::from(fit(&entry.name(), 22)),
                Cell::from(fit(&email, 26)),
                Cell::from(Span::styled(age(entry.queued_at, app.now()), look.muted())),
                Cell::from(Span::styled(fit(&note, note_width), look.muted())),
            ]);
            if i == selected {
                row.style(look.selected(true))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["State", "Name", "Email", "Typed", "Note"]).style(look.header());
    let table = Table::new(
        body,
        [
            Constraint::Length(10),
            Constraint::Length(22),
            Constraint::Length(26),
            Constraint::Length(5),
            Constraint::Min(0),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(table, area);
}
