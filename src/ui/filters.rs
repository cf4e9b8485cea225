//! The sidebar: the status pane above the assignee pane. The filter in force is marked with ●, the
//! pane's cursor is highlighted when the pane has focus.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use crate::app::filters::{PaneKind, status_options};
use crate::app::layout::{PaneArea, Sidebar};
use crate::app::{App, Focus};
use crate::ui::text::fit;

pub fn draw(frame: &mut Frame, sidebar: &Sidebar, app: &App) {
    let look = app.theme();
    let statuses = status_options();
    let query = app.list().query();

    let status_items: Vec<(String, bool, ratatui::style::Style)> = statuses
        .iter()
        .map(|s| {
            let style = s.as_ref().map_or_else(ratatui::style::Style::new, |s| look.status(s));
            (
                s.as_ref().map_or("all", |s| s.as_str()).to_string(),
                *s == query.status,
                style,
            )
        })
        .collect();
    draw_pane(
        frame,
        &sidebar.status,
        app,
        PaneKind::Status,
        " Status ",
        "s",
        status_items,
    );

    let assignee_items = app
        .assignee_options()
        .into_iter()
        .map(|o| {
            let active = o.id == query.assigned_to;
            (o.label, active, ratatui::style::Style::new())
        })
        .collect();
    draw_pane(
        frame,
        &sidebar.assignee,
        app,
        PaneKind::Assignee,
        " Assignee ",
        "a",
        assignee_items,
    );
}

fn draw_pane(
    frame: &mut Frame,
    area: &PaneArea,
    app: &App,
    pane: PaneKind,
    title: &str,
    key: &str,
    items: Vec<(String, bool, ratatui::style::Style)>,
) {
    let look = app.theme();
    let focused = app.focus() == Focus::Pane(pane);
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::styled(title.to_string(), look.title(focused)),
            Span::styled(format!("({key}) "), look.muted()),
        ]))
        .border_style(look.border(focused));
    let width = usize::from(area.block.width.saturating_sub(4));
    let items: Vec<ListItem> = items
        .into_iter()
        .map(|(label, active, style)| {
            let mark = if active {
                Span::styled("● ", look.active())
            } else {
                Span::raw("  ")
            };
            let label_style = if active { style.patch(look.active()) } else { style };
            ListItem::new(Line::from(vec![mark, Span::styled(fit(&label, width), label_style)]))
        })
        .collect();
    let mut list = List::new(items).block(block);
    if focused {
        list = list.highlight_style(look.selected(true));
    }
    // The offset is the layout's, so the entry under a click is the one drawn there.
    let mut state = ListState::default()
        .with_offset(area.first)
        .with_selected(Some(app.pane_cursor(pane)));
    frame.render_stateful_widget(list, area.block, &mut state);
}
