//! The lead list: a table of only the rows on screen, plus the row under the last lead that says whether
//! more is loading, loading failed, or the list is complete.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::app::filters::assignee_label;
use crate::app::layout::ListArea;
use crate::app::list::{PageState, Trailer};
use crate::app::search;
use crate::app::{App, Focus};
use crate::keymap::{Action, Context};
use crate::model::LeadRef;
use crate::text::age;
use crate::text::{count, fit};
use crate::ui::{SPINNER, centered, keys};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Marker,
    Name,
    Company,
    Status,
    Source,
    Assignee,
    Age,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Marker => "",
            Column::Name => "Name",
            Column::Company => "Company",
            Column::Status => "Status",
            Column::Source => "Source",
            Column::Assignee => "Assignee",
            Column::Age => "Age",
        }
    }

    fn min_width(self) -> u16 {
        match self {
            // Picked, selected, then done or starred: `▌›★`.
            Column::Marker => 3,
            Column::Name => 14,
            Column::Company => 12,
            Column::Status | Column::Source => 12,
            Column::Assignee => 10,
            Column::Age => 4,
        }
    }
}

/// The columns that fit `width`, with their widths: source goes first when narrow, then assignee, then
/// company; name and company share what is left over.
fn columns(width: u16) -> Vec<(Column, u16)> {
    use Column::*;
    let sets: [&[Column]; 4] = [
        &[Marker, Name, Company, Status, Source, Assignee, Age],
        &[Marker, Name, Company, Status, Assignee, Age],
        &[Marker, Name, Company, Status, Age],
        &[Marker, Name, Status, Age],
    ];
    let needed = |set: &[Column]| set.iter().map(|c| c.min_width()).sum::<u16>() + set.len() as u16 - 1;
    let set = sets.iter().find(|s| needed(s) <= width).copied().unwrap_or(sets[3]);
    let mut spare = width.saturating_sub(needed(set));
    let mut widths: Vec<(Column, u16)> = set.iter().map(|c| (*c, c.min_width())).collect();
    // Assignee names up to 16 columns, then name and company share the rest, name a little more.
    if let Some(a) = widths.iter_mut().find(|(c, _)| *c == Assignee) {
        let extra = spare.min(6);
        a.1 += extra;
        spare -= extra;
    }
    let has_company = set.contains(&Company);
    let to_name = if has_company {
        spare.div_ceil(2) + spare / 8
    } else {
        spare
    };
    for (c, w) in widths.iter_mut() {
        match c {
            Name => *w += to_name.min(spare),
            Company => *w += spare.saturating_sub(to_name),
            _ => {}
        }
    }
    widths
}

fn cell_text(app: &App, lead: LeadRef<'_>, column: Column, width: usize) -> String {
    let dash = "—";
    let text = match column {
        Column::Marker => marker(app, lead, false),
        Column::Name if lead.name().is_empty() => "(no name)".to_string(),
        Column::Name => lead.name().to_string(),
        Column::Company => lead.company().unwrap_or(dash).to_string(),
        Column::Status => lead.status().as_str().to_string(),
        Column::Source => lead.source().unwrap_or(dash).to_string(),
        Column::Assignee => match lead.assignee() {
            Some(id) => assignee_label(&app.settings().tenant, app.settings().show_names, &id.as_str()),
            None => dash.to_string(),
        },
        Column::Age => age(lead.created_at(), app.now()),
    };
    fit(&text, width)
}

fn lead_row<'a>(
    app: &App,
    lead: LeadRef<'a>,
    columns: &[(Column, u16)],
    selected: bool,
    focused: bool,
    query: &str,
) -> Row<'a> {
    let look = app.theme();
    let marks = (!query.is_empty()).then(|| search::highlights(lead, query));
    let cells = columns.iter().map(|(c, w)| {
        let text = cell_text(app, lead, *c, usize::from(*w));
        let marked = match (c, &marks) {
            (Column::Name, Some(marks)) => Some(&marks.name),
            (Column::Company, Some(marks)) => Some(&marks.company),
            _ => None,
        };
        if let Some(marked) = marked {
            return Cell::from(highlighted(&text, marked, look.key()));
        }
        if *c == Column::Marker {
            let text = marker(app, lead, selected);
            return Cell::from(if selected || text.trim().is_empty() {
                Span::raw(text)
            } else {
                Span::styled(text, look.key())
            });
        }
        if selected {
            return Cell::from(text);
        }
        let style = match c {
            Column::Status => look.status(&lead.status()),
            Column::Name if lead.name().is_empty() => look.muted(),
            Column::Company | Column::Source | Column::Assignee if text == "—" => look.muted(),
            Column::Age => look.muted(),
            _ => Style::new(),
        };
        Cell::from(Span::styled(text, style))
    });
    let row = Row::new(cells);
    let row = if app.marks_of(lead.id()).seen {
        row
    } else {
        // Unread until opened, as in a mail client.
        row.style(Style::new().add_modifier(ratatui::style::Modifier::BOLD))
    };
    if selected {
        row.style(look.selected(focused))
    } else {
        row
    }
}

/// The views as numbered tabs, the open one highlighted, then the source: ` 1 Inbox · 2 Starred · 3 All ·
/// sandbox `. Narrower than `room`, the other views keep only their numbers, then only the open view is
/// named; the source goes first. Views past 9 have no key: only the open one is shown among them.
fn view_tabs(app: &App, focused: bool, room: usize) -> Vec<Span<'static>> {
    use unicode_width::UnicodeWidthStr;
    let look = app.theme();
    let open = app.view_index();
    let tab = |i: usize, name: &str, named: bool| {
        if named {
            format!(" {} {} ", i + 1, fit(name, 20))
        } else {
            format!(" {} ", i + 1)
        }
    };
    let source = format!("· {} ", app.settings().source_label);
    let build = |others_named: bool, others: bool| -> Vec<(String, bool)> {
        app.views()
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 9 || *i == open)
            .filter(|(i, _)| others || *i == open)
            .map(|(i, v)| (tab(i, &v.name, i == open || others_named), i == open))
            .collect()
    };
    let width = |tabs: &[(String, bool)]| tabs.iter().map(|(t, _)| t.width() + 1).sum::<usize>();
    let candidates = [build(true, true), build(false, true), build(true, false)];
    let with_source = candidates.iter().find(|t| width(t) + source.width() <= room);
    let (tabs, source) = match with_source {
        Some(tabs) => (tabs.clone(), Some(source)),
        None => (
            candidates
                .iter()
                .find(|t| width(t) <= room)
                .unwrap_or(&candidates[2])
                .clone(),
            None,
        ),
    };
    let mut spans = Vec::new();
    for (n, (text, is_open)) in tabs.into_iter().enumerate() {
        if n > 0 {
            spans.push(Span::styled("·", look.muted()));
        }
        spans.push(if is_open {
            Span::styled(text, look.title(focused))
        } else {
            Span::styled(text, look.muted())
        });
    }
    if app.views().is_empty() {
        spans.push(Span::styled(" Leads ", look.title(focused)));
    }
    spans.extend(source.map(|s| Span::styled(s, look.muted())));
    spans
}

/// The gutter of a row: `▌` when picked, `›` when selected, then `★` starred or `✓` done.
fn marker(app: &App, lead: LeadRef<'_>, selected: bool) -> String {
    let marks = app.marks_of(lead.id());
    let picked = if app.is_picked(lead.id()) { '▌' } else { ' ' };
    let cursor = if selected { '›' } else { ' ' };
    let triage = match (marks.starred, marks.done) {
        (true, _) => '★',
        (false, true) => '✓',
        _ => ' ',
    };
    [picked, cursor, triage].iter().collect()
}

/// `text` (a field as drawn, perhaps cut short) with the characters the search matched in `style`.
fn highlighted(text: &str, marks: &[bool], style: Style) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (c, marked) in text.chars().zip(marks.iter().copied().chain(std::iter::repeat(false))) {
        if marked != run_marked && !run.is_empty() {
            let part = std::mem::take(&mut run);
            spans.push(if run_marked {
                Span::styled(part, style)
            } else {
                Span::raw(part)
            });
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(if run_marked {
            Span::styled(run, style)
        } else {
            Span::raw(run)
        });
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: &ListArea, app: &App) {
    let look = app.theme();
    let focused = app.focus() == Focus::List;
    let list = app.list();
    let mut title = view_tabs(app, focused, usize::from(area.block.width.saturating_sub(4)));
    if let Some(query) = app.search_query() {
        let found = searching(app).unwrap_or_else(|| count(list.len()));
        title.push(Span::styled(
            format!(
                "· search “{}”: {} of {} loaded ",
                fit(query, 24),
                found,
                count(list.leads().len())
            ),
            look.key(),
        ));
    }
    let block = Block::bordered()
        .title(Line::from(title))
        .border_style(look.border(focused));
    let inner = block.inner(area.block);
    frame.render_widget(block, area.block);

    if list.is_empty() {
        draw_empty(frame, inner, app);
        return;
    }

    let rows = area.row_count();
    let start = area.first;
    let end = (start + rows).min(list.len());
    let columns = columns(inner.width);
    let query = app.search_query().unwrap_or("");
    let visible = (start..end)
        .filter_map(|row| list.lead_at(row).map(|lead| (row, lead)))
        .map(|(row, lead)| lead_row(app, lead, &columns, row == list.selected(), focused, query));
    let header = Row::new(columns.iter().map(|(c, _)| Cell::from(c.title()))).style(look.header());
    let widths: Vec<Constraint> = columns.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    frame.render_widget(Table::new(visible, widths).header(header), inner);

    // The trailer sits in the row under the last lead, when that row is on screen.
    let trailer_row = list.len() - start;
    if trailer_row < rows {
        let row = Rect {
            y: area.rows.y + trailer_row as u16,
            height: 1,
            ..area.rows
        };
        frame.render_widget(Paragraph::new(trailer_line(app)).centered(), row);
    }
}

/// While the search still ranks the loaded leads: how far it is, said instead of a count not known yet.
pub fn searching(app: &App) -> Option<String> {
    let (judged, of) = app.search_progress()?;
    Some(format!("searching… {}%", judged * 100 / of.max(1)))
}

fn trailer_line(app: &App) -> Line<'static> {
    let look = app.theme();
    if let Some(searching) = searching(app) {
        return Line::styled(format!("── {searching} ──"), look.busy());
    }
    match app.list().trailer() {
        Trailer::Loading if app.view_complete() => Line::styled(
            format!("── every starred lead · {} ──", count(app.list().len())),
            look.muted(),
        ),
        Trailer::Loading => Line::styled(
            format!("{} loading…", SPINNER[app.spinner() % SPINNER.len()]),
            look.busy(),
        ),
        Trailer::Failed => Line::styled(
            format!(
                "✖ could not load more · retrying shortly · {} retries now",
                keys::hint(app.keymap(), Context::Global, Action::Reload)
            ),
            look.error(),
        ),
        Trailer::End if app.list().shown().is_some() => Line::styled(
            format!(
                "── end of {} · {} of {} leads ──",
                if app.search_query().is_some() {
                    "matches"
                } else {
                    "view"
                },
                count(app.list().len()),
                count(app.list().leads().len())
            ),
            look.muted(),
        ),
        Trailer::End => Line::styled(
            format!("── end of list · {} leads ──", count(app.list().len())),
            look.muted(),
        ),
    }
}

fn draw_empty(frame: &mut Frame, area: Rect, app: &App) {
    let look = app.theme();
    let list = app.list();
    let key = |ctx, action| keys::hint(app.keymap(), ctx, action);
    let spinner = SPINNER[app.spinner() % SPINNER.len()];
    let lines: Vec<Line> = match list.pages() {
        _ if app.search_pending() => vec![Line::styled(
            format!(
                "{spinner} Searching {} loaded leads for “{}”…",
                count(list.leads().len()),
                fit(app.search_query().unwrap_or(""), 40)
            ),
            look.busy(),
        )],
        _ if app.view_complete() => vec![
            Line::styled("No starred leads", look.title(false)),
            Line::raw(""),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled(key(Context::Lead, Action::ToggleStar), look.key()),
                Span::raw(" on a lead to star it."),
            ]),
        ],
        _ if app.search_query().is_some() && !list.leads().is_empty() => vec![
            Line::styled(
                format!("No loaded lead matches “{}”", fit(app.search_query().unwrap_or(""), 40)),
                look.title(false),
            ),
            Line::raw(""),
            Line::raw(format!("{} leads searched.", count(list.leads().len()))),
            if list.has_more() {
                Line::from(vec![
                    Span::raw("Press "),
                    Span::styled(key(Context::List, Action::LoadAll), look.key()),
                    Span::raw(" to load every page and search them all."),
                ])
            } else {
                Line::raw("Every lead is loaded.")
            },
        ],
        _ if app.unassigned_only() && !list.leads().is_empty() => vec![
            Line::styled("No loaded lead is unassigned", look.title(false)),
            Line::raw(""),
            Line::raw(format!(
                "{} leads looked at{}.",
                count(list.leads().len()),
                if list.has_more() {
                    ", more loading"
                } else {
                    ", every lead"
                }
            )),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled(key(Context::List, Action::ClearFilters), look.key()),
                Span::raw(" to clear the filters."),
            ]),
        ],
        PageState::NotStarted | PageState::Loading { .. } | PageState::Idle => vec![Line::styled(
            format!("{spinner} Loading leads from {}…", app.settings().source_label),
            look.busy(),
        )],
        PageState::Failed { .. } => vec![
            Line::styled("Could not load leads", look.error()),
            Line::raw(""),
            Line::raw(app.error().unwrap_or("the request failed").to_string()),
            Line::raw(""),
            Line::styled(
                format!(
                    "Retrying shortly · press {} to retry now",
                    key(Context::Global, Action::Reload)
                ),
                look.muted(),
            ),
        ],
        PageState::Done if list.query().status.is_none() && list.query().assigned_to.is_none() => vec![
            Line::styled("No leads yet", look.title(false)),
            Line::raw(""),
            Line::raw(format!("{} has no leads.", app.settings().source_label)),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled(key(Context::Global, Action::NewLead), look.key()),
                Span::raw(" to add the first one, "),
                Span::styled(key(Context::Global, Action::Reload), look.key()),
                Span::raw(" to look again."),
            ]),
        ],
        PageState::Done => vec![
            Line::styled("No leads match these filters", look.title(false)),
            Line::raw(""),
            Line::raw(crate::ui::status_bar::filters_text(app)),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled(key(Context::Global, Action::FocusStatus), look.key()),
                Span::raw(" or "),
                Span::styled(key(Context::Global, Action::FocusAssignee), look.key()),
                Span::raw(" to change them, "),
                Span::styled(key(Context::List, Action::ClearFilters), look.key()),
                Span::raw(" to clear them."),
            ]),
        ],
    };
    let height = lines.len() as u16;
    let area = centered(area, area.width.saturating_sub(2), height);
    frame.render_widget(Paragraph::new(lines).centered(), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_the_width_and_drop_in_order() {
        for width in [40u16, 50, 60, 78, 90, 118, 200] {
            let cols = columns(width);
            let used: u16 = cols.iter().map(|(_, w)| w).sum::<u16>() + cols.len() as u16 - 1;
            assert!(used <= width.max(35), "{width}: {used}");
        }
        let names = |w| columns(w).iter().map(|(c, _)| *c).collect::<Vec<_>>();
        assert!(names(78).contains(&Column::Source));
        assert!(!names(60).contains(&Column::Source));
        assert!(names(60).contains(&Column::Assignee));
        assert!(!names(50).contains(&Column::Assignee));
        assert!(names(50).contains(&Column::Company));
        assert_eq!(
            names(40),
            vec![Column::Marker, Column::Name, Column::Status, Column::Age]
        );
    }
}
