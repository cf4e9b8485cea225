//! The sidebar: the status pane above the assignee pane. The filter in force is marked with ●, the
//! pane's cursor is highlighted when the pane has focus.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};
use unicode_width::UnicodeWidthStr;

use crate::app::filters::{AssigneeFilter, PaneKind, status_options};
use crate::app::layout::{PaneArea, Sidebar};
use crate::app::{App, Focus};
use crate::keymap::{Action, Context};
use crate::text::fit;

/// One entry as a pane draws it.
struct Entry {
    label: String,
    /// A short id kept after the label when there is room (two team members share the name).
    id_hint: Option<String>,
    /// Muted words after the label, when there is room.
    note: Option<&'static str>,
    active: bool,
    style: Style,
}

pub fn draw(frame: &mut Frame, sidebar: &Sidebar, app: &App) {
    let look = app.theme();
    let statuses = status_options();
    let query = app.list().query();

    let status_items: Vec<Entry> = statuses
        .iter()
        .map(|s| Entry {
            label: s.as_ref().map_or("all", |s| s.as_str()).to_string(),
            id_hint: None,
            note: None,
            active: *s == query.status,
            style: s.as_ref().map_or_else(Style::new, |s| look.status(s)),
        })
        .collect();
    draw_pane(frame, &sidebar.status, app, PaneKind::Status, " Status ", status_items);

    let assignee_items = app
        .assignee_options()
        .into_iter()
        .map(|o| {
            let active = match &o.filter {
                AssigneeFilter::All => query.assigned_to.is_none() && !app.unassigned_only(),
                AssigneeFilter::Unassigned => app.unassigned_only(),
                AssigneeFilter::User(id) => query.assigned_to.as_deref() == Some(id.as_str()),
            };
            Entry {
                label: o.label,
                id_hint: o.id_hint,
                note: o.note,
                active,
                style: Style::new(),
            }
        })
        .collect();
    draw_pane(
        frame,
        &sidebar.assignee,
        app,
        PaneKind::Assignee,
        " Assignee ",
        assignee_items,
    );
}

/// The label whole when it fits; a shared name's id after it, shortened or left out as room runs short,
/// so the name itself is never what gets cut for the id.
fn label_text(entry: &Entry, width: usize) -> String {
    let label = fit(&entry.label, width);
    let Some(id) = &entry.id_hint else {
        return label;
    };
    let room = width.saturating_sub(label.width() + 3);
    match id.chars().count() {
        n if n <= room => format!("{label} ({id})"),
        _ if room >= 5 => format!("{label} ({})", fit(id, room)),
        _ => label,
    }
}

fn draw_pane(frame: &mut Frame, area: &PaneArea, app: &App, pane: PaneKind, title: &str, items: Vec<Entry>) {
    let look = app.theme();
    let focused = app.focus() == Focus::Pane(pane);
    let action = match pane {
        PaneKind::Status => Action::FocusStatus,
        PaneKind::Assignee => Action::FocusAssignee,
    };
    // The key that focuses the pane, as the keymap in force binds it.
    let key = app
        .keymap()
        .hint_key(Context::Global, action)
        .map(|k| format!("({k}) "))
        .unwrap_or_default();
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::styled(title.to_string(), look.title(focused)),
            Span::styled(key, look.muted()),
        ]))
        .border_style(look.border(focused));
    let width = usize::from(area.block.width.saturating_sub(4));
    let items: Vec<ListItem> = items
        .into_iter()
        .map(|entry| {
            let mark = if entry.active {
                Span::styled("● ", look.active())
            } else {
                Span::raw("  ")
            };
            let label_style = if entry.active {
                entry.style.patch(look.active())
            } else {
                entry.style
            };
            let label = label_text(&entry, width);
            let mut spans = vec![mark];
            let note = entry
                .note
                .filter(|n| label.width() + 1 + n.width() <= width)
                .map(|n| Span::styled(format!(" {n}"), look.muted()));
            spans.push(Span::styled(label, label_style));
            spans.extend(note);
            ListItem::new(Line::from(spans))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str, id_hint: Option<&str>) -> Entry {
        Entry {
            label: label.to_string(),
            id_hint: id_hint.map(str::to_string),
            note: None,
            active: false,
            style: Style::new(),
        }
    }

    #[test]
    fn a_name_stays_whole_and_its_id_gives_way() {
        assert_eq!(label_text(&entry("Diego Fernández", None), 24), "Diego Fernández");
        let shared = entry("Diego Fernández", Some("131b08b0"));
        assert_eq!(label_text(&shared, 30), "Diego Fernández (131b08b0)");
        assert_eq!(label_text(&shared, 24), "Diego Fernández (131b0…)");
        assert_eq!(label_text(&shared, 18), "Diego Fernández");
        assert_eq!(label_text(&shared, 10), "Diego Fer…");
    }
}
