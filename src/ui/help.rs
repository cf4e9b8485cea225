//! The help overlay, drawn from the keymap that `update` dispatches with.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::app::App;
use crate::keymap::{Action, Context, Keymap};
use crate::theme::Theme;
use crate::ui::centered;

const KEYS_WIDTH: usize = 14;

fn section(keymap: &Keymap, look: &Theme, ctx: Context, spaced: bool) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(ctx.title().to_string(), look.heading())];
    // The rep's own commands have a section of their own.
    for b in keymap
        .bindings()
        .iter()
        .filter(|b| b.context == ctx && !matches!(b.action, Action::Run(_)))
    {
        let keys = b.keys_label();
        // A label as wide as its column (the nine view keys) still keeps a space before its words.
        let keys = if unicode_width::UnicodeWidthStr::width(keys.as_str()) >= KEYS_WIDTH {
            format!("  {keys} ")
        } else {
            format!("  {keys:<KEYS_WIDTH$}")
        };
        lines.push(Line::from(vec![
            Span::styled(keys, look.key()),
            Span::raw(b.description.clone()),
        ]));
    }
    if spaced {
        lines.push(Line::raw(""));
    }
    lines
}

/// "Your commands": each of the rep's own commands, its key, its name and where it works.
fn own_commands(keymap: &Keymap, look: &Theme, spaced: bool) -> Option<Vec<Line<'static>>> {
    let own: Vec<_> = keymap
        .bindings()
        .iter()
        .filter(|b| matches!(b.action, Action::Run(_)))
        .collect();
    if own.is_empty() {
        return None;
    }
    let mut lines = vec![Line::styled("Your commands".to_string(), look.heading())];
    for b in own {
        let keys = format!("  {:<KEYS_WIDTH$}", b.keys_label());
        let place = match b.context {
            Context::List => " (list)",
            Context::Detail => " (detail)",
            _ => "",
        };
        let name = crate::sanitize::line(b.description.strip_prefix("run ").unwrap_or(&b.description)).into_owned();
        lines.push(Line::from(vec![
            Span::styled(keys, look.key()),
            Span::raw(format!("{name}{place}")),
        ]));
    }
    if spaced {
        lines.push(Line::raw(""));
    }
    Some(lines)
}

/// The sections split into `n` columns of whole sections, so that the tallest column is as short as it
/// can be.
fn split(sections: &[Vec<Line<'static>>], n: usize) -> Vec<Vec<Line<'static>>> {
    let len = |range: &[Vec<Line>]| range.iter().map(Vec::len).sum::<usize>();
    let cuts: Vec<Vec<usize>> = match n {
        1 => vec![vec![]],
        2 => (1..sections.len()).map(|a| vec![a]).collect(),
        _ => (1..sections.len())
            .flat_map(|a| (a + 1..sections.len()).map(move |b| vec![a, b]))
            .collect(),
    };
    let columns = |cut: &Vec<usize>| {
        let mut bounds = vec![0];
        bounds.extend(cut);
        bounds.push(sections.len());
        bounds.windows(2).map(|w| &sections[w[0]..w[1]]).collect::<Vec<_>>()
    };
    let best = cuts
        .iter()
        .min_by_key(|cut| columns(cut).iter().map(|c| len(c)).max().unwrap_or(0))
        .cloned()
        .unwrap_or_default();
    columns(&best)
        .into_iter()
        .map(|c| {
            let mut lines: Vec<Line> = c.iter().flatten().cloned().collect();
            while lines.last().is_some_and(|l| l.width() == 0) {
                lines.pop();
            }
            lines
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let look = app.theme();
    let keymap = app.keymap();
    let inner_height = usize::from(area.height.saturating_sub(2));
    // A blank line between sections when any column count allows it, then the fewest columns that fit.
    let max_columns = match area.width {
        w if w >= 120 => 3,
        w if w >= 76 => 2,
        _ => 1,
    };
    let layouts = [true, false]
        .into_iter()
        .flat_map(|spaced| (1..=max_columns).map(move |n| (n, spaced)));
    let mut columns = Vec::new();
    for (n, spaced) in layouts {
        // The rep's own commands first: they are what a rep who wrote them looks for.
        let mut sections: Vec<Vec<Line>> = own_commands(keymap, look, spaced).into_iter().collect();
        sections.extend(Context::ALL.iter().map(|c| section(keymap, look, *c, spaced)));
        columns = split(&sections, n);
        if columns.iter().map(Vec::len).max().unwrap_or(0) <= inner_height {
            break;
        }
    }
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let scroll = app.help_scroll().min(tallest.saturating_sub(inner_height));
    let height = tallest.min(inner_height.max(1)) as u16 + 2;
    // Columns of about 40: keys, then descriptions of up to 24 characters.
    let width = (columns.len() as u16 * 42 + 2).min(area.width);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Line::styled(" Keys ", look.title(true)))
        .title_bottom(Line::styled(closes(keymap, tallest > inner_height), look.muted()).right_aligned())
        .border_style(look.border(true))
        .padding(Padding::horizontal(1));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let constraints = vec![Constraint::Fill(1); columns.len()];
    let areas = Layout::horizontal(constraints).spacing(2).split(inner);
    for (lines, area) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), *area);
    }
}

/// " esc or ? closes ": the keys that close help, from the keymap, and how to scroll when it is taller than
/// the terminal.
fn closes(keymap: &Keymap, scrolls: bool) -> String {
    let keys: Vec<String> = keymap
        .bindings()
        .iter()
        .filter(|b| b.context == Context::Help && b.action == Action::Back)
        .flat_map(|b| b.triggers.iter())
        .filter_map(|t| match t {
            crate::keymap::Trigger::Keys(keys) => {
                Some(keys.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" "))
            }
            _ => None,
        })
        .collect();
    let scroll = match (scrolls, keymap.hint_key(Context::Move, Action::Down)) {
        (true, Some(down)) => format!("{down} scrolls · "),
        _ => String::new(),
    };
    format!(" {scroll}{} closes ", keys.join(" or "))
}
