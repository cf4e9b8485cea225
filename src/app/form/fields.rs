//! The fields of the create form: text inputs, single and multiple choices, yes/no toggles, and how each
//! kind of custom field becomes one of them and, once filled, a JSON value.

use std::collections::BTreeMap;

use ratatui_textarea::{CursorMove, TextArea};
use serde_json::Value;
use tui_input::{Input, InputRequest};

use super::undo::{EditKind, History, Snapshot};
use crate::rules::{self, TextField};
use crate::tenant::{CustomFieldDef, CustomFieldKind};

/// How many characters a value has once it is sent, and the limit, for fields with a length rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub chars: usize,
    pub max: usize,
}

impl Counter {
    /// Shown from 80% of the limit on.
    pub fn visible(self) -> bool {
        self.chars * 5 >= self.max * 4
    }

    pub fn over(self) -> bool {
        self.chars > self.max
    }
}

/// Which part of the new lead a field fills.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    Text(TextField),
    Source,
    /// `assignedTo` chosen from the roster (a text field fills it when the roster is empty).
    Assignee,
    Attribution,
    /// Index into the profile's custom field definitions.
    Custom(usize),
}

/// A single- or multi-line text input.
#[derive(Debug, Clone, Default)]
pub struct TextInput {
    /// The value and caret, read by everything but the editing of a multi-line field.
    pub input: Input,
    pub multiline: bool,
    /// Shown dimmed while the field is empty: the format it expects.
    pub placeholder: &'static str,
    /// A multi-line field is edited with a text area (lines); `input` mirrors it.
    pub(super) area: Option<Box<TextArea<'static>>>,
    /// Undo and redo by words and edits (the text area's own history would undo a character at a time).
    pub(super) history: History,
}

/// A text area without its own history: the field keeps one by steps.
fn bare_area(lines: Vec<String>) -> TextArea<'static> {
    let mut area = TextArea::new(lines);
    area.set_max_histories(0);
    area
}

/// What a key does to the value, for where an undo step ends.
fn edit_kind(key: &crossterm::event::KeyEvent) -> Option<EditKind> {
    use crossterm::event::{KeyCode, KeyModifiers};
    let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain && c.is_whitespace() => Some(EditKind::Blank),
        KeyCode::Char(_) if plain => Some(EditKind::Word),
        KeyCode::Backspace | KeyCode::Delete => Some(EditKind::Delete),
        // Moving the caret changes nothing; the next edit, from elsewhere, begins a step of its own.
        KeyCode::Left
        | KeyCode::Right
        | KeyCode::Up
        | KeyCode::Down
        | KeyCode::Home
        | KeyCode::End
        | KeyCode::PageUp
        | KeyCode::PageDown => None,
        _ => Some(EditKind::Other),
    }
}

impl TextInput {
    /// A multi-line input (the notes).
    pub(super) fn lines(placeholder: &'static str) -> TextInput {
        let area = bare_area(Vec::new());
        TextInput {
            multiline: true,
            placeholder,
            area: Some(Box::new(area)),
            ..TextInput::default()
        }
    }

    /// `input` made again from the text area: its text, and the caret as a character index.
    fn sync(&mut self) {
        let Some(area) = &self.area else {
            return;
        };
        let ratatui_textarea::DataCursor(row, col) = area.cursor();
        let lines = area.lines();
        let before: usize = lines.iter().take(row).map(|l| l.chars().count() + 1).sum();
        self.input = Input::new(lines.join("\n")).with_cursor(before + col);
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            text: self.input.value().to_string(),
            cursor: self.input.cursor(),
        }
    }

    /// Carries out `edit` as one edit of `kind` for undo; whether the value changed.
    fn recorded(&mut self, kind: EditKind, edit: impl FnOnce(&mut TextInput) -> bool) -> bool {
        let cursor = self.input.cursor();
        let mut history = std::mem::take(&mut self.history);
        let began = history.before(kind, cursor, || self.snapshot());
        let changed = edit(self);
        history.after(kind, began, changed, self.input.cursor());
        self.history = history;
        changed
    }

    /// Puts back a value and caret from the history.
    fn restore(&mut self, to: Snapshot) {
        match self.area.as_mut() {
            Some(area) => {
                let before: String = to.text.chars().take(to.cursor).collect();
                let row = before.matches('\n').count();
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
                **area = bare_area(to.text.split('\n').map(str::to_string).collect());
                jump(area, row, col);
                self.sync();
            }
            None => self.input = Input::new(to.text).with_cursor(to.cursor),
        }
    }

    /// A key typed into the field; whether the value changed.
    pub(super) fn key(&mut self, key: crossterm::event::KeyEvent) -> bool {
        match edit_kind(&key) {
            Some(kind) => self.recorded(kind, |t| t.apply_key(key)),
            None => self.apply_key(key),
        }
    }

    fn apply_key(&mut self, key: crossterm::event::KeyEvent) -> bool {
        use tui_input::backend::crossterm::EventHandler;
        match self.area.as_mut() {
            Some(area) => {
                let changed = area.input(key);
                self.sync();
                changed
            }
            None => self
                .input
                .handle_event(&crossterm::event::Event::Key(key))
                .is_some_and(|s| s.value),
        }
    }

    /// A line break at the caret (multi-line fields only); whether the value changed.
    pub(super) fn newline(&mut self) -> bool {
        if self.area.is_none() {
            return false;
        }
        self.recorded(EditKind::Other, |t| {
            if let Some(area) = t.area.as_mut() {
                area.insert_newline();
            }
            t.sync();
            true
        })
    }

    /// Moves the caret a row up or down; `false` at the first or last row (the focus moves on instead).
    /// With `width` (the columns the value is drawn in) the rows are those the value wraps into on screen;
    /// without, its lines.
    pub(super) fn line_up_down(&mut self, down: bool, width: Option<usize>) -> bool {
        let Some(area) = self.area.as_mut() else {
            return false;
        };
        let Some(width) = width else {
            let ratatui_textarea::DataCursor(row, _) = area.cursor();
            if (down && row + 1 >= area.lines().len()) || (!down && row == 0) {
                return false;
            }
            area.move_cursor(if down { CursorMove::Down } else { CursorMove::Up });
            self.sync();
            return true;
        };
        let value = self.input.value();
        let rows = super::layout::wrap_rows(value, width);
        let (row, col) = super::layout::caret_at(value, &rows, self.input.cursor());
        let target = match (down, row) {
            (true, r) if r + 1 < rows.len() => r + 1,
            (false, r) if r > 0 => r - 1,
            _ => return false,
        };
        let at = super::layout::index_at(value, &rows, target, col);
        let before: String = value.chars().take(at).collect();
        let line = before.matches('\n').count();
        let line_col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        jump(area, line, line_col);
        self.sync();
        true
    }

    /// Undoes (or redoes) the last step of editing; whether the value changed.
    pub(super) fn undo(&mut self, redo: bool) -> bool {
        let now = self.snapshot();
        let to = if redo {
            self.history.redo(now.clone())
        } else {
            self.history.undo(now.clone())
        };
        match to {
            Some(to) => {
                let changed = to.text != now.text;
                self.restore(to);
                changed
            }
            None => false,
        }
    }

    /// Replaces the whole value, as if typed into an empty field (one step for undo).
    pub(super) fn set_text(&mut self, text: &str) {
        self.recorded(EditKind::Other, |t| {
            let was = t.input.value().to_string();
            if let Some(area) = t.area.as_mut() {
                **area = bare_area(Vec::new());
            } else {
                t.input = Input::default();
            }
            t.insert(text);
            t.input.value() != was
        });
    }

    /// Pasted text at the caret: one step for undo. Whether the value changed.
    pub(super) fn paste(&mut self, text: &str) -> bool {
        self.recorded(EditKind::Other, |t| t.insert(text))
    }
}

/// Puts a text area's caret at line `row`, character `col` (past what one jump can say, in further moves).
fn jump(area: &mut TextArea<'static>, row: usize, col: usize) {
    let short = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    area.move_cursor(CursorMove::Jump(short(row), short(col)));
    for _ in usize::from(short(col))..col {
        area.move_cursor(CursorMove::Forward);
    }
}

impl TextInput {
    /// Inserts `text` at the cursor as typed: line breaks only survive in multi-line fields, other control
    /// characters are dropped. Whether the value changed.
    pub(super) fn insert(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut changed = false;
        for c in text.chars() {
            let c = match c {
                '\n' if self.multiline => '\n',
                '\n' | '\t' => ' ',
                c if c.is_control() => continue,
                c => c,
            };
            match self.area.as_mut() {
                Some(area) => {
                    area.insert_char(c);
                    changed = true;
                }
                None => changed |= self.input.handle(InputRequest::InsertChar(c)).is_some_and(|s| s.value),
            }
        }
        self.sync();
        changed
    }
}

/// One value out of a list. `selected == None` is "none chosen".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// (wire value, label shown)
    pub options: Vec<(String, String)>,
    pub selected: Option<usize>,
    /// Whether "none" is offered (optional fields).
    pub allow_none: bool,
    /// The highlighted row while the list is open; row 0 is "none" when `allow_none`.
    pub open: Option<usize>,
}

impl Choice {
    /// Rows of the open list: "none" first when allowed, then the options.
    pub fn rows(&self) -> usize {
        self.options.len() + usize::from(self.allow_none)
    }

    /// The option a list row stands for.
    pub fn row_option(&self, row: usize) -> Option<usize> {
        if self.allow_none { row.checked_sub(1) } else { Some(row) }
    }

    pub(super) fn row_of(&self, option: Option<usize>) -> usize {
        match option {
            Some(i) => i + usize::from(self.allow_none),
            None => 0,
        }
    }

    pub(super) fn cycle(&mut self, forward: bool) {
        let rows = self.rows();
        if rows == 0 {
            return;
        }
        let row = match (self.selected, forward) {
            // Nothing chosen yet on a required list: either direction lands on an option.
            (None, true) if !self.allow_none => 0,
            (None, false) if !self.allow_none => rows - 1,
            (current, true) => (self.row_of(current) + 1) % rows,
            (current, false) => (self.row_of(current) + rows - 1) % rows,
        };
        self.selected = self.row_option(row);
    }

    pub fn value(&self) -> Option<&str> {
        self.selected.and_then(|i| self.options.get(i)).map(|(v, _)| v.as_str())
    }
}

/// Any number of values out of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiChoice {
    pub options: Vec<String>,
    pub chosen: Vec<bool>,
    pub open: Option<usize>,
}

impl MultiChoice {
    pub fn values(&self) -> Vec<&str> {
        self.options
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(o, _)| o.as_str())
            .collect()
    }
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(TextInput),
    Choice(Choice),
    Multi(MultiChoice),
    /// `None` until the user sets it, so an untouched optional yes/no is not sent.
    Toggle(Option<bool>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: String,
    /// The name the server uses in `details[].field`: `firstName`, `customFields.budget`.
    pub wire: String,
    pub required: bool,
    pub slot: Slot,
    pub kind: FieldKind,
    /// Edited or left at least once: from then on its rule violations show.
    pub touched: bool,
    /// What the server said about this field's last sent value; cleared when the value changes.
    pub server_error: Option<String>,
}

impl Field {
    pub(super) fn new(
        label: impl Into<String>,
        wire: impl Into<String>,
        required: bool,
        slot: Slot,
        kind: FieldKind,
    ) -> Self {
        Field {
            label: label.into(),
            wire: wire.into(),
            required,
            slot,
            kind,
            touched: false,
            server_error: None,
        }
    }

    pub(super) fn text(tf: TextField, label: &str, placeholder: &'static str) -> Self {
        let kind = FieldKind::Text(if tf == TextField::Notes {
            TextInput::lines(placeholder)
        } else {
            TextInput {
                placeholder,
                ..TextInput::default()
            }
        });
        Field::new(label, tf.wire_name(), tf.required(), Slot::Text(tf), kind)
    }

    /// The text as it will be sent: single-line values lose surrounding spaces.
    pub fn text_value(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Text(t) if t.multiline => Some(t.input.value()),
            FieldKind::Text(t) => Some(t.input.value().trim()),
            _ => None,
        }
    }

    pub fn is_list_open(&self) -> bool {
        match &self.kind {
            FieldKind::Choice(c) => c.open.is_some(),
            FieldKind::Multi(m) => m.open.is_some(),
            _ => false,
        }
    }

    pub(super) fn close_list(&mut self) {
        match &mut self.kind {
            FieldKind::Choice(c) => c.open = None,
            FieldKind::Multi(m) => m.open = None,
            _ => {}
        }
    }

    pub(super) fn mark_changed(&mut self) {
        self.touched = true;
        self.server_error = None;
    }

    pub(super) fn has_content(&self) -> bool {
        match &self.kind {
            FieldKind::Text(t) => !t.input.value().is_empty(),
            FieldKind::Choice(c) => c.selected.is_some(),
            FieldKind::Multi(m) => m.chosen.iter().any(|c| *c),
            FieldKind::Toggle(v) => v.is_some(),
        }
    }
}

pub(super) fn custom_kind(def: &CustomFieldDef) -> FieldKind {
    let text = |placeholder: &'static str| {
        FieldKind::Text(TextInput {
            placeholder,
            ..TextInput::default()
        })
    };
    match def.kind {
        CustomFieldKind::Text => text(""),
        CustomFieldKind::Number => text("a number, e.g. 1200 or 12.5"),
        CustomFieldKind::Date => text("YYYY-MM-DD"),
        CustomFieldKind::Url => text("https://…"),
        CustomFieldKind::Email => text("name@example.com"),
        CustomFieldKind::Phone => text("+1 555 010 9999"),
        CustomFieldKind::Boolean => FieldKind::Toggle(None),
        CustomFieldKind::Dropdown => FieldKind::Choice(Choice {
            options: def.options.iter().map(|o| (o.clone(), o.clone())).collect(),
            selected: None,
            allow_none: !def.required,
            open: None,
        }),
        CustomFieldKind::MultiSelect => FieldKind::Multi(MultiChoice {
            options: def.options.clone(),
            chosen: vec![false; def.options.len()],
            open: None,
        }),
    }
}

/// The JSON value a custom field sends, `None` when left empty, or why the text is not a value of its type.
pub(super) fn custom_value(def: &CustomFieldDef, kind: &FieldKind) -> Result<Option<Value>, NotAValue> {
    match kind {
        FieldKind::Text(t) => {
            let raw = t.input.value().trim();
            if raw.is_empty() {
                return Ok(None);
            }
            if def.kind == CustomFieldKind::Number {
                return match serde_json::from_str::<serde_json::Number>(raw) {
                    Ok(n) => Ok(Some(Value::Number(n))),
                    // The rules word the refusal, from the text the user typed.
                    Err(_) => Err(NotAValue {
                        rule: rules::check_custom_value(def, &Value::String(raw.to_string()))
                            .unwrap_or_else(|| "must be a number".into()),
                    }),
                };
            }
            Ok(Some(Value::String(raw.to_string())))
        }
        FieldKind::Choice(c) => Ok(c.value().map(|v| Value::String(v.to_string()))),
        FieldKind::Multi(m) => {
            let values = m.values();
            Ok((!values.is_empty()).then(|| Value::Array(values.into_iter().map(Value::from).collect())))
        }
        FieldKind::Toggle(v) => Ok(v.map(Value::Bool)),
    }
}

/// `utm_source=google, utm_medium=cpc` (commas or new lines between pairs) as a string map; empty is `None`.
pub fn parse_attribution(text: &str) -> Result<Option<BTreeMap<String, String>>, AttributionError> {
    let mut map = BTreeMap::new();
    for pair in text.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(AttributionError::NotAPair { pair: pair.to_string() });
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(AttributionError::NoKey { pair: pair.to_string() });
        }
        if map.insert(key.to_string(), value.trim().to_string()).is_some() {
            return Err(AttributionError::Twice { key: key.to_string() });
        }
    }
    Ok((!map.is_empty()).then_some(map))
}

/// Why the attribution's text is not a list of `key=value` pairs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributionError {
    #[error("\"{pair}\" is not key=value")]
    NotAPair { pair: String },
    #[error("\"{pair}\" has no key before =")]
    NoKey { pair: String },
    #[error("{key} is given twice")]
    Twice { key: String },
}

/// Why a custom field's text is not a value of its kind, in the contract's rules' words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}")]
pub struct NotAValue {
    pub rule: String,
}

/// The field of the custom field `def`, the `index`th of the form's definitions.
pub(super) fn custom_field(def: &CustomFieldDef, index: usize) -> Field {
    let mut kind = custom_kind(def);
    if crate::app::learned::is_learned(def)
        && let FieldKind::Text(t) = &mut kind
    {
        t.placeholder = crate::app::learned::PLACEHOLDER;
    }
    Field::new(
        // A unit or hint from the profile goes with the label: "Budget (EUR)", "region (learned)".
        match &def.hint {
            Some(hint) => format!("{} ({hint})", def.label),
            None => def.label.clone(),
        },
        format!("customFields.{}", def.key),
        def.required,
        Slot::Custom(index),
        kind,
    )
}
