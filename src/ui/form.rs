//! Drawing of the create-lead form: a labelled column of fields, each with its error under it, a "Create lead"
//! button, the form's messages and a hint line. The body scrolls so the focused field is always on screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::form::layout;
use crate::app::form::{Choice, Field, FieldKind, Form, FormCommand, Leave, MultiChoice, Notice, Slot, TextInput};
use crate::keymap::{Action, Context, Keymap};
use crate::sanitize;
use crate::text::fit;
use crate::text::wrap;
use crate::theme::Theme;

/// Rows the notes field takes.
const NOTES_ROWS: usize = 3;
/// Rows of an open list before it scrolls.
const LIST_ROWS: usize = 8;
/// Rows of messages under the fields before the rest is cut.
const MESSAGE_ROWS: usize = 4;

/// The focused field's label and the highlighted row of an open list look like the list's selection.
fn focus(look: &FormLook) -> Style {
    look.theme.selected(true)
}

/// One screen row of the form body.
struct Row {
    line: Line<'static>,
    /// Columns of the row where the terminal cursor goes (the focused text field's caret).
    cursor: Option<u16>,
}

struct Columns {
    label: usize,
    value: usize,
}

/// The keys the form's own hints name, read once per frame from the keymap.
struct FormLook<'a> {
    theme: &'a Theme,
    choose: String,
    toggle: String,
    change: String,
    cancel: String,
}

impl FormLook<'_> {
    fn of<'a>(keymap: &Keymap, theme: &'a Theme) -> FormLook<'a> {
        let label = |c| {
            keymap
                .key_label(Context::Form, Action::Form(c))
                .unwrap_or_else(|| "(no key)".to_string())
        };
        FormLook {
            theme,
            choose: label(FormCommand::Activate),
            toggle: label(FormCommand::Toggle),
            change: format!("{}/{}", label(FormCommand::ChoicePrev), label(FormCommand::ChoiceNext)),
            cancel: label(FormCommand::Cancel),
        }
    }
}

/// `editing`: the form holds a lead of the outbox opened again (refused, or not sent yet), not a new one.
pub fn draw(frame: &mut Frame, area: Rect, form: &Form, editing: bool, keymap: &Keymap, theme: &Theme) {
    let look = FormLook::of(keymap, theme);
    frame.render_widget(Clear, area);
    // A lead opened again from the outbox is that lead, not a new one.
    let what = if editing { "Lead from the outbox" } else { "New lead" };
    let title = if form.is_sending() {
        format!(" {what} · sending… ")
    } else {
        format!(" {what} ")
    };
    let block = Block::bordered()
        .title(Line::styled(title, look.theme.title(true)))
        .border_style(look.theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 10 || inner.height < 3 {
        return;
    }
    let width = usize::from(inner.width);

    let messages = message_lines(form, width, &look);
    let message_rows = messages.len().min(MESSAGE_ROWS) as u16;
    let [body, message_area, hint_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(message_rows),
        Constraint::Length(1),
    ])
    .areas(inner);

    let (rows, focus_span, field_spans) = body_rows(form, width, &look);
    let window = Window::of(rows.len(), focus_span, &field_spans, usize::from(body.height));
    let top = u16::from(window.above.is_some());
    let visible: Vec<&Row> = rows.iter().skip(window.offset).take(window.rows).collect();
    let lines: Vec<Line> = visible.iter().map(|r| r.line.clone()).collect();
    let rows_area = Rect {
        y: body.y + top,
        height: (window.rows as u16).min(body.height.saturating_sub(top)),
        ..body
    };
    frame.render_widget(Paragraph::new(lines), rows_area);
    let more = |n: usize, arrow: &str, place: &str| {
        Line::styled(
            format!("  {arrow} {} {place}", crate::text::plural(n, "more field")),
            look.theme.key(),
        )
    };
    if let Some(n) = window.above {
        frame.render_widget(Paragraph::new(more(n, "↑", "above")), Rect { height: 1, ..body });
    }
    if let Some(n) = window.below {
        let y = rows_area.y + rows_area.height;
        if y < body.y + body.height {
            frame.render_widget(Paragraph::new(more(n, "↓", "below")), Rect { y, height: 1, ..body });
        }
    }
    if !form.is_sending() && !form.is_confirming_discard() {
        for (y, row) in visible.iter().enumerate() {
            if let Some(x) = row.cursor {
                frame.set_cursor_position(Position::new(rows_area.x + x, rows_area.y + y as u16));
            }
        }
    }

    frame.render_widget(
        Paragraph::new(messages.into_iter().take(MESSAGE_ROWS).collect::<Vec<_>>()),
        message_area,
    );
    frame.render_widget(Paragraph::new(hint_line(keymap, width, &look)), hint_area);
}

/// Which body rows show, and what is said of the fields beyond them.
#[derive(Debug, PartialEq, Eq)]
struct Window {
    offset: usize,
    rows: usize,
    /// Fields above the first row shown, once scrolled (a row says so at the top).
    above: Option<usize>,
    /// Fields below the last row shown, when the form does not fit (a row says so at the bottom).
    below: Option<usize>,
}

impl Window {
    /// The rows of a body of `total` rows to show in `height` so the focused field is in view, keeping a
    /// row at the bottom (and one at the top once scrolled) to say how many fields lie beyond.
    fn of(total: usize, focus: (usize, usize), fields: &[(usize, usize)], height: usize) -> Window {
        if total <= height {
            return Window {
                offset: 0,
                rows: height,
                above: None,
                below: None,
            };
        }
        let mut rows = height.saturating_sub(1).max(1);
        let mut offset = scroll_offset(focus, rows);
        if offset > 0 {
            rows = height.saturating_sub(2).max(1);
            offset = scroll_offset(focus, rows);
        }
        let above = fields.iter().filter(|(start, _)| *start < offset).count();
        let below = fields.iter().filter(|(_, end)| *end > offset + rows).count();
        // Nothing to say below: its row shows the form instead.
        if below == 0 {
            rows = (rows + 1).min(height - usize::from(offset > 0));
        }
        Window {
            offset,
            rows,
            above: (offset > 0).then_some(above),
            below: (below > 0).then_some(below),
        }
    }
}

/// The first body row to show so the focused field's rows `[start, end)` are on screen.
fn scroll_offset((start, end): (usize, usize), height: usize) -> usize {
    if end <= height {
        0
    } else {
        // Show the whole field if it fits, with one row of what follows when there is room.
        let bottom = (end + 1).saturating_sub(height);
        bottom.min(start)
    }
}

/// Every body row, the rows `[start, end)` of the focused field (or button), and those of every field.
#[allow(clippy::type_complexity)]
fn body_rows(form: &Form, width: usize, look: &FormLook) -> (Vec<Row>, (usize, usize), Vec<(usize, usize)>) {
    let label_width = layout::label_width(form.fields(), width);
    let columns = Columns {
        label: label_width,
        value: width.saturating_sub(label_width),
    };
    let mut rows = Vec::new();
    let mut focus_span = (0, 0);
    let mut spans = Vec::new();
    for (i, field) in form.fields().iter().enumerate() {
        if matches!(field.slot, Slot::Custom(0)) {
            rows.push(Row {
                line: Line::styled(pad("── Custom fields ", width, '─'), look.theme.muted()),
                cursor: None,
            });
        }
        let start = rows.len();
        field_rows(form, i, field, &columns, look, &mut rows);
        spans.push((start, rows.len()));
        if i == form.focus() {
            focus_span = (start, rows.len());
        }
    }
    rows.push(Row {
        line: Line::default(),
        cursor: None,
    });
    let button_focused = form.focus() == form.fields().len();
    let (text, style) = if form.is_sending() {
        ("[ Sending… ]", look.theme.muted())
    } else if button_focused {
        ("[ Create lead ]", focus(look))
    } else {
        ("[ Create lead ]", Style::new().add_modifier(Modifier::BOLD))
    };
    if button_focused {
        focus_span = (rows.len(), rows.len() + 1);
    }
    rows.push(Row {
        line: Line::from(vec![Span::raw(" ".repeat(columns.label)), Span::styled(text, style)]),
        cursor: None,
    });
    (rows, focus_span, spans)
}

fn field_rows(form: &Form, index: usize, field: &Field, columns: &Columns, look: &FormLook, rows: &mut Vec<Row>) {
    let focused = index == form.focus();
    let error = form.visible_error(index);
    let marker = if focused { "▸ " } else { "  " };
    let required = if field.required { " *" } else { "" };
    // Kept for the next lead by "create and start the next".
    let sticky = if form.is_sticky(&field.wire) { " ↻" } else { "" };
    // Cut one column short of the value, so a long label never runs into it.
    let label_text = pad(
        &pad(
            &format!("{marker}{}{required}{sticky}", sanitize::line(&field.label)),
            columns.label.saturating_sub(1),
            ' ',
        ),
        columns.label,
        ' ',
    );
    let label_style = match (focused, error.is_some()) {
        (true, _) => focus(look),
        (false, true) => look.theme.error(),
        (false, false) => Style::new(),
    };

    let counter = form.counter(index).filter(|c| c.visible());
    let counter_text = counter.map(layout::counter_text).unwrap_or_default();
    let value_width = columns.value.saturating_sub(counter_text.width());

    let values: Vec<(Vec<Span<'static>>, Option<u16>)> = match &field.kind {
        FieldKind::Text(t) => text_rows(t, focused, value_width, look),
        FieldKind::Choice(c) => choice_rows(c, field.required, focused, look),
        FieldKind::Multi(m) => multi_rows(m, focused, look),
        FieldKind::Toggle(v) => vec![(toggle_spans(*v, focused, look), None)],
    };
    for (n, (mut spans, cursor)) in values.into_iter().enumerate() {
        let mut line_spans = vec![if n == 0 {
            Span::styled(label_text.clone(), label_style)
        } else {
            Span::raw(" ".repeat(columns.label))
        }];
        if n == 0 && counter.is_some() {
            let used: usize = spans.iter().map(Span::width).sum();
            spans.push(Span::raw(" ".repeat(value_width.saturating_sub(used))));
            let style = if counter.is_some_and(|c| c.over()) {
                look.theme.error()
            } else {
                look.theme.busy()
            };
            spans.push(Span::styled(counter_text.clone(), style));
        }
        line_spans.extend(spans);
        rows.push(Row {
            line: Line::from(line_spans),
            cursor: cursor.map(|x| x + columns.label as u16),
        });
    }
    // An error blocks the send; a warning (drawn apart, in the warning colour) only asks to check.
    let said = match (error, form.visible_warning(index)) {
        (Some(error), _) => Some((error, "✗ ", look.theme.error())),
        (None, Some(warning)) => Some((warning, "⚠ ", look.theme.busy())),
        (None, None) => None,
    };
    if let Some((message, mark, style)) = said {
        for (n, part) in wrap(&sanitize::line(&message), columns.value.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let lead = if n == 0 { mark } else { "  " };
            rows.push(Row {
                line: Line::from(vec![
                    Span::raw(" ".repeat(columns.label)),
                    Span::styled(format!("{lead}{part}"), style),
                ]),
                cursor: None,
            });
        }
    }
}

/// The rows of a text field, each with the caret's column when it sits on that row.
fn text_rows(t: &TextInput, focused: bool, width: usize, look: &FormLook) -> Vec<(Vec<Span<'static>>, Option<u16>)> {
    let value = t.input.value();
    if value.is_empty() {
        let mut rows = vec![(
            vec![Span::styled(fit(t.placeholder, width), look.theme.muted())],
            focused.then_some(0),
        )];
        if t.multiline {
            rows.resize_with(NOTES_ROWS, || (Vec::new(), None));
        }
        return rows;
    }
    if t.multiline {
        return wrapped_rows(value, t.input.cursor(), focused, width);
    }
    // Line and column (in characters) of the caret.
    let before: String = value.chars().take(t.input.cursor()).collect();
    let caret_line = before.matches('\n').count();
    let caret_col = before.rsplit('\n').next().map_or(0, |s| s.chars().count());
    let lines: Vec<&str> = if t.multiline {
        value.split('\n').collect()
    } else {
        vec![value]
    };
    // The caret's column comes from tui-input on the sanitised line, which has as many characters as typed.
    let caret_text = sanitize::line(lines.get(caret_line).copied().unwrap_or(""));
    let caret_input = Input::new(caret_text.into_owned()).with_cursor(caret_col);
    let scroll = if focused {
        caret_input.visual_scroll(width.saturating_sub(1))
    } else {
        0
    };
    let caret_x = caret_input.visual_cursor().saturating_sub(scroll) as u16;

    let (top, count) = if t.multiline {
        let top = if focused {
            caret_line.saturating_sub(NOTES_ROWS - 1)
        } else {
            0
        };
        (top, NOTES_ROWS)
    } else {
        (0, 1)
    };
    (top..top + count)
        .map(|n| {
            let spans = lines
                .get(n)
                .map(|l| vec![Span::raw(skip_columns(&sanitize::line(l), scroll, width))])
                .unwrap_or_default();
            (spans, (focused && n == caret_line).then_some(caret_x))
        })
        .collect()
}

/// A multi-line value wrapped at word boundaries in `width` columns: `NOTES_ROWS` rows, those around the
/// caret while focused, each with the caret's column when it sits on that row.
fn wrapped_rows(value: &str, cursor: usize, focused: bool, width: usize) -> Vec<(Vec<Span<'static>>, Option<u16>)> {
    let width = width.max(2);
    let rows = layout::wrap_rows(value, width);
    let (caret_row, caret_col) = layout::caret_at(value, &rows, cursor);
    let caret_col = caret_col.min(width - 1);
    let top = if focused {
        caret_row.saturating_sub(NOTES_ROWS - 1)
    } else {
        0
    };
    (top..top + NOTES_ROWS)
        .map(|n| {
            let spans = rows
                .get(n)
                .map(|row| vec![Span::raw(layout::row_text(value, *row))])
                .unwrap_or_default();
            let caret = (focused && n == caret_row).then_some(caret_col as u16);
            (spans, caret)
        })
        .collect()
}

fn choice_rows(c: &Choice, required: bool, focused: bool, look: &FormLook) -> Vec<(Vec<Span<'static>>, Option<u16>)> {
    let current = match c.selected.and_then(|i| c.options.get(i)) {
        Some((_, label)) => Span::raw(sanitize::line(label).into_owned()),
        None if required => Span::styled("choose…", look.theme.muted()),
        None => Span::styled("none", look.theme.muted()),
    };
    let mut first = Vec::new();
    if focused {
        first.push(Span::styled("‹ ", look.theme.key()));
        first.push(current);
        first.push(Span::styled(" ›", look.theme.key()));
        if c.open.is_none() {
            first.push(Span::styled(
                format!("  {}: list · {}: change", look.choose, look.change),
                look.theme.muted(),
            ));
        }
    } else {
        first.push(current);
    }
    let mut rows = vec![(first, None)];
    if let Some(open) = c.open {
        let labels: Vec<String> = (0..c.rows())
            .map(|row| match c.row_option(row) {
                Some(i) => c
                    .options
                    .get(i)
                    .map(|(_, l)| sanitize::line(l).into_owned())
                    .unwrap_or_default(),
                None => "none".to_string(),
            })
            .collect();
        for (row, more) in list_window(labels.len(), open) {
            let chosen = c.row_option(row) == c.selected;
            let text = format!("{} {}{more}", if chosen { "•" } else { " " }, labels[row]);
            let style = if row == open { focus(look) } else { Style::new() };
            rows.push((vec![Span::raw("  "), Span::styled(text, style)], None));
        }
    }
    rows
}

fn multi_rows(m: &MultiChoice, focused: bool, look: &FormLook) -> Vec<(Vec<Span<'static>>, Option<u16>)> {
    let values = m.values();
    let mut first = vec![if values.is_empty() {
        Span::styled("none", look.theme.muted())
    } else {
        Span::raw(sanitize::line(&values.join(", ")).into_owned())
    }];
    if focused && m.open.is_none() {
        first.push(Span::styled(format!("  {}: list", look.choose), look.theme.muted()));
    }
    let mut rows = vec![(first, None)];
    if let Some(open) = m.open {
        for (row, more) in list_window(m.options.len(), open) {
            let mark = if m.chosen.get(row).copied().unwrap_or(false) {
                "[x]"
            } else {
                "[ ]"
            };
            let text = format!("{mark} {}{more}", sanitize::line(&m.options[row]));
            let style = if row == open { focus(look) } else { Style::new() };
            rows.push((vec![Span::raw("  "), Span::styled(text, style)], None));
        }
        rows.push((
            vec![Span::styled(
                format!("  {}: tick · {}: done", look.toggle, look.choose),
                look.theme.muted(),
            )],
            None,
        ));
    }
    rows
}

fn toggle_spans(value: Option<bool>, focused: bool, look: &FormLook) -> Vec<Span<'static>> {
    let mut spans = vec![match value {
        Some(true) => Span::raw("[x] yes"),
        Some(false) => Span::raw("[ ] no"),
        None => Span::styled("[ ] not set", look.theme.muted()),
    }];
    if focused {
        spans.push(Span::styled(format!("  {}: change", look.toggle), look.theme.muted()));
    }
    spans
}

/// The rows of a list to show around the highlighted one, each with "↑"/"↓" when more lies beyond.
fn list_window(len: usize, at: usize) -> Vec<(usize, &'static str)> {
    let first = at.saturating_sub(LIST_ROWS - 1).min(len.saturating_sub(LIST_ROWS));
    let last = (first + LIST_ROWS).min(len);
    (first..last)
        .map(|row| {
            let more = if row == first && first > 0 {
                "  ↑"
            } else if row + 1 == last && last < len {
                "  ↓"
            } else {
                ""
            };
            (row, more)
        })
        .collect()
}

fn message_lines(form: &Form, width: usize, look: &FormLook) -> Vec<Line<'static>> {
    let mut out: Vec<(String, Style)> = Vec::new();
    if let Some(leave) = form.confirming() {
        // Quitting keeps the draft on disk for next time; only closing the form throws it away.
        let question = match leave {
            Leave::Close => "Discard this draft? y = discard",
            Leave::Quit => "Quit? The draft is kept for next time. y = quit",
        };
        out.push((
            format!("{question} · n or {} = keep editing", look.cancel),
            look.theme.busy().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(naming) = form.naming() {
        let typed = naming.input.value();
        let shown = if typed.is_empty() { naming.placeholder } else { typed };
        out.push((
            format!(
                "Custom field key: {shown}▏ · {} adds it · {} cancels",
                look.choose, look.cancel
            ),
            look.theme.heading(),
        ));
    }
    if let Some(notice) = form.notice() {
        let style = match notice {
            Notice::Info(_) => look.theme.heading(),
            Notice::Warning(_) => look.theme.busy(),
            Notice::Error(_) => look.theme.error(),
        };
        out.push((notice.text().to_string(), style));
    }
    for e in form.general_errors() {
        out.push((format!("• {e}"), look.theme.error()));
    }
    out.into_iter()
        .flat_map(|(text, style)| {
            wrap(&sanitize::line(&text), width)
                .into_iter()
                .map(move |l| Line::styled(l, style))
        })
        .collect()
}

/// The word the hint line gives a form command; the rest are in help only.
fn hint(command: FormCommand) -> Option<&'static str> {
    match command {
        FormCommand::Submit => Some("create"),
        FormCommand::SubmitAndNext => Some("create + next"),
        FormCommand::ToggleSticky => Some("keep"),
        FormCommand::OpenDuplicate | FormCommand::EditNotes | FormCommand::Undo | FormCommand::Redo => None,
        FormCommand::Cancel => Some("close"),
        FormCommand::NextField => Some("next"),
        FormCommand::PrevField => Some("previous"),
        FormCommand::Activate => Some("choose"),
        FormCommand::Toggle => Some("toggle"),
        FormCommand::AddCustomField => Some("add field"),
        FormCommand::ChoicePrev | FormCommand::ChoiceNext | FormCommand::Quit => None,
    }
}

/// The form's bindings from the app's keymap, as many as fit on one line.
fn hint_line(keymap: &Keymap, width: usize, look: &FormLook) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for binding in keymap.bindings().iter().filter(|b| b.context == Context::Form) {
        let Action::Form(command) = binding.action else {
            continue;
        };
        let Some(word) = hint(command) else {
            continue;
        };
        let keys = binding.keys_label();
        let sep = if spans.is_empty() { "" } else { " · " };
        let w = sep.width() + keys.width() + 1 + word.width();
        if used + w > width {
            continue;
        }
        used += w;
        spans.push(Span::styled(sep, look.theme.muted()));
        spans.push(Span::styled(keys, look.theme.key()));
        spans.push(Span::styled(format!(" {word}"), look.theme.muted()));
    }
    Line::from(spans)
}

/// `s` cut or padded with `fill` to exactly `width` columns.
fn pad(s: &str, width: usize, fill: char) -> String {
    let mut out = fit(s, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(fill, width.saturating_sub(w)));
    out
}

/// `s` without its first `skip` columns, cut to `width` columns.
fn skip_columns(s: &str, skip: usize, width: usize) -> String {
    let mut out = String::new();
    let mut at = 0;
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if at < skip {
            at += w;
            continue;
        }
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}
