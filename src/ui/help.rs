//! The help overlay, drawn from the keymap that `update` dispatches with.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::app::App;
use crate::app::keymap::{Context, KEYMAP, binding_keys};
use crate::ui::{centered, theme};

const KEYS_WIDTH: usize = 14;

fn section(ctx: Context) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(ctx.title().to_string(), theme::heading())];
    for b in KEYMAP.iter().filter(|b| b.context == ctx) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<w$}", binding_keys(b), w = KEYS_WIDTH), theme::key()),
            Span::raw(b.description),
        ]));
    }
    lines.push(Line::raw(""));
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, _app: &App) {
    let sections: Vec<Vec<Line>> = Context::ALL.into_iter().map(section).collect();
    let total: usize = sections.iter().map(Vec::len).sum();
    let inner_height = usize::from(area.height.saturating_sub(2));
    // One column when it fits, otherwise two, split between sections.
    let two_columns = total > inner_height && area.width >= 76;
    let columns: Vec<Vec<Line>> = if two_columns {
        // Split between whole sections where the taller column is shortest.
        let split = (1..sections.len())
            .min_by_key(|k| {
                let left: usize = sections[..*k].iter().map(Vec::len).sum();
                left.max(total - left)
            })
            .unwrap_or(1);
        let right: Vec<Line> = sections[split..].iter().flatten().cloned().collect();
        let left: Vec<Line> = sections[..split].iter().flatten().cloned().collect();
        vec![left, right]
    } else {
        vec![sections.into_iter().flatten().collect()]
    };
    let height = columns.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2;
    let width = if two_columns {
        area.width.min(110)
    } else {
        area.width.min(64)
    };
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Line::styled(" Keys ", theme::title(true)))
        .title_bottom(Line::styled(" esc or ? closes ", theme::muted()).right_aligned())
        .border_style(theme::border(true))
        .padding(Padding::horizontal(1));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let constraints = vec![Constraint::Fill(1); columns.len()];
    let areas = Layout::horizontal(constraints).spacing(2).split(inner);
    for (lines, area) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *area);
    }
}
