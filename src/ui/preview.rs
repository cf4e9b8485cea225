//! The preview pane: the selected lead as the detail draws it, in a pane beside or below the list; the
//! list's few fields and a quiet "loading…" until the whole lead arrives.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use crate::app::layout::PreviewArea;
use crate::app::preview::Shown;
use crate::app::{App, Focus};
use crate::text::fit;
use crate::ui::SPINNER;
use crate::ui::detail::{doc_line, position};

pub fn draw(frame: &mut Frame, area: &PreviewArea, app: &App) {
    let look = app.theme();
    let focused = app.focus() == Focus::Preview;
    let (width, rows) = area.text_size();
    let shown = app.preview_lead();
    let preview = app.preview();
    let name = match shown {
        Shown::Whole(lead) | Shown::Waiting(lead) if lead.name().is_empty() => "(no name)",
        Shown::Whole(lead) | Shown::Waiting(lead) => lead.name(),
        Shown::Nothing => "",
    };
    // In the title, so a short pane still says it: the list's copy shows meanwhile.
    let state = if preview.error.is_some() {
        Span::styled(" ✖ not loaded ", look.error())
    } else if preview.request().is_some() {
        Span::styled(
            format!(" {} loading… ", SPINNER[app.spinner() % SPINNER.len()]),
            look.busy(),
        )
    } else if matches!(shown, Shown::Waiting(_)) {
        Span::styled(" loading… ", look.muted())
    } else if matches!(shown, Shown::Whole(_)) && app.mirror().is_some_and(|m| m.failing.is_some()) {
        Span::styled(" offline: as last synced ", look.muted())
    } else {
        Span::raw("")
    };
    let doc = app.preview_document(width, area.more.is_some());
    let mut lines: Vec<Line> = Vec::new();
    let scroll = preview.scroll.min(doc.len().saturating_sub(rows));
    lines.extend(doc.iter().skip(scroll).take(rows).map(|l| doc_line(l, look)));
    match (shown, &preview.error) {
        (Shown::Nothing, _) => lines.push(Line::styled("No lead selected", look.muted())),
        (Shown::Waiting(_), Some(error)) => {
            lines.push(Line::raw(""));
            lines.push(Line::styled(format!("✖ {}", fit(error, width * 3)), look.error()));
        }
        (Shown::Waiting(_), None) | (Shown::Whole(_), _) => {}
    }
    let title = if name.is_empty() {
        " Preview ".to_string()
    } else {
        format!(" Preview · {} ", fit(name, width.saturating_sub(16).max(8)))
    };
    let block = Block::bordered()
        .title(Line::styled(title, look.title(focused)))
        .title(state.into_right_aligned_line())
        .title_bottom(Line::styled(position(scroll, rows, doc.len()), look.muted()).right_aligned())
        .border_style(look.border(focused))
        .padding(Padding::horizontal(1));
    let Some(more) = area.more else {
        frame.render_widget(Paragraph::new(lines).block(block), area.block);
        return;
    };
    // Two columns: the summary stays put on the left, the rest scrolls on the right.
    frame.render_widget(block, area.block);
    let summary = app.preview_summary(usize::from(area.text.width).max(10));
    let left: Vec<Line> = summary.iter().map(|l| doc_line(l, look)).collect();
    frame.render_widget(Paragraph::new(left), area.text);
    frame.render_widget(Paragraph::new(lines), more);
}
