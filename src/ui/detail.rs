//! One lead, every field, scrollable.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use crate::app::App;
use crate::app::detail::{DocLine, LABEL_WIDTH, document};
use crate::app::layout::ScreenLayout;
use crate::text::fit;
use crate::theme::Theme;
use crate::ui::SPINNER;

pub fn draw(frame: &mut Frame, layout: &ScreenLayout, app: &App) {
    let look = app.theme();
    let area = layout.body;
    let Some(detail) = app.detail() else {
        return;
    };
    let (width, rows) = layout.detail_text_size();
    let doc = document(
        detail.view.row(),
        &app.settings().tenant,
        app.settings().show_names,
        app.now(),
        width,
    );
    let name = if detail.view.name().is_empty() {
        "(no name)"
    } else {
        detail.view.name()
    };
    let state = if detail.request.is_some() {
        Span::styled(
            format!(" {} refreshing ", SPINNER[app.spinner() % SPINNER.len()]),
            look.busy(),
        )
    } else if detail.error.is_some() {
        Span::styled(" ✖ not refreshed: showing the list's copy ", look.error())
    } else if app.mirror().is_some_and(|m| m.failing.is_some()) {
        // Offline, the lead came from the mirror: as the last sync saw it, not as the tenant has it now.
        Span::styled(" offline: as last synced ", look.muted())
    } else {
        Span::styled(" up to date ", look.muted())
    };
    let scroll = detail.scroll.min(doc.len().saturating_sub(rows));
    let position = position(scroll, rows, doc.len());
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::styled(" Lead ", look.title(true)),
            Span::styled(
                format!("· {} ", fit(name, usize::from(area.width / 2))),
                look.title(true),
            ),
        ]))
        .title(state.into_right_aligned_line())
        .title_bottom(Line::styled(position, look.muted()).right_aligned())
        .border_style(look.border(true))
        .padding(Padding::horizontal(1));
    let lines: Vec<Line> = doc.iter().skip(scroll).take(rows).map(|l| doc_line(l, look)).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// " 3–20 of 41 lines " when the document is taller than its `rows`, else nothing.
pub(super) fn position(scroll: usize, rows: usize, len: usize) -> String {
    if len > rows {
        format!(" {}–{} of {len} lines ", scroll + 1, (scroll + rows).min(len))
    } else {
        String::new()
    }
}

pub(super) fn doc_line<'a>(line: &'a DocLine, look: &Theme) -> Line<'a> {
    match line {
        DocLine::Field { label, value, status } => {
            let value_style = status.as_ref().map_or(Style::new(), |s| look.status(s));
            let value_style = if value == "—" { look.muted() } else { value_style };
            Line::from(vec![
                Span::styled(
                    format!("{:<w$} ", fit(label, LABEL_WIDTH), w = LABEL_WIDTH),
                    look.label(),
                ),
                Span::styled(value.as_str(), value_style),
            ])
        }
        DocLine::Heading(h) => Line::styled(h.as_str(), look.heading()),
        DocLine::Text(t) if t == "none" => Line::styled("none", look.muted()),
        DocLine::Text(t) => Line::raw(t.as_str()),
        DocLine::Blank => Line::raw(""),
    }
}
