//! Keys and pastes into the form: what the keymap's command (or the raw key, for typing and y/n answers)
//! does to the focused field, and the outcome it hands the app.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

use super::fields::{Field, FieldKind, Slot, TextInput};
use super::state::Leave;
use super::{Form, FormCommand, FormOutcome, Notice};
use crate::rules::TextField;

impl Form {
    /// `command` is what the keymap makes of `key` in the form; the raw key is still needed for typing and
    /// for answers (y/n) that no binding names.
    pub fn handle_key(&mut self, key: KeyEvent, command: Option<FormCommand>) -> FormOutcome {
        let action = self.handle_key_inner(key, command);
        self.follow_fixes();
        action
    }

    pub(super) fn handle_key_inner(&mut self, key: KeyEvent, command: Option<FormCommand>) -> FormOutcome {
        if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
            return FormOutcome::None;
        }
        if let Some(leave) = self.confirm {
            return self.handle_discard_answer(key, leave);
        }
        if self.naming.is_some() {
            self.handle_naming(key, command);
            return FormOutcome::None;
        }
        if let Some(action) = self.handle_open_list(key, command) {
            return action;
        }
        match command {
            Some(FormCommand::Submit) => return self.submit(false),
            Some(FormCommand::SubmitAndNext) => return self.submit(true),
            Some(FormCommand::ToggleSticky) => self.toggle_sticky(),
            Some(c @ (FormCommand::Undo | FormCommand::Redo)) => {
                self.edit_focused_text(|t| t.undo(c == FormCommand::Redo))
            }
            Some(FormCommand::EditNotes) => return self.edit_notes(),
            Some(FormCommand::OpenDuplicate) if self.duplicate_ok.is_some() => return FormOutcome::OpenDuplicate,
            Some(FormCommand::Cancel) => return self.leave(Leave::Close),
            Some(FormCommand::Quit) => return self.leave(Leave::Quit),
            Some(FormCommand::NextField) if !self.move_in_notes(true, key.code) => self.move_focus(true),
            Some(FormCommand::PrevField) if !self.move_in_notes(false, key.code) => self.move_focus(false),
            Some(FormCommand::NextField | FormCommand::PrevField) => {}
            Some(FormCommand::Activate) => return self.activate(),
            Some(FormCommand::AddCustomField) if !self.sending => {
                self.naming = Some(TextInput {
                    placeholder: "e.g. region",
                    ..TextInput::default()
                })
            }
            Some(c @ (FormCommand::Toggle | FormCommand::ChoicePrev | FormCommand::ChoiceNext))
                if !self.focused_is_text() =>
            {
                self.change_choice(c)
            }
            _ => self.edit_text(key),
        }
        FormOutcome::None
    }

    /// Pasted text goes into the focused text field as typed; line breaks only survive in notes.
    pub fn handle_paste(&mut self, text: &str) {
        self.edit_focused_text(|t| t.paste(text));
        self.follow_fixes();
    }

    /// Applies `edit` to the focused text field unless a send is under way; `edit` says whether the value
    /// changed, which marks the field touched and retires what the server said about its old value.
    pub(super) fn edit_focused_text(&mut self, edit: impl FnOnce(&mut TextInput) -> bool) {
        if self.sending {
            return;
        }
        if let Some(field) = self.fields.get_mut(self.focus)
            && let FieldKind::Text(t) = &mut field.kind
            && edit(t)
        {
            field.mark_changed();
        }
    }

    pub(super) fn focused_is_text(&self) -> bool {
        matches!(self.focused_field().map(|f| &f.kind), Some(FieldKind::Text(_)))
    }

    pub(super) fn handle_discard_answer(&mut self, key: KeyEvent, leave: Leave) -> FormOutcome {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => leave.action(),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.confirm = None;
                FormOutcome::None
            }
            _ => FormOutcome::None,
        }
    }

    /// Keys of an open list: move, pick or toggle, close. `None` when no list is open or the key leaves it.
    pub(super) fn handle_open_list(&mut self, key: KeyEvent, command: Option<FormCommand>) -> Option<FormOutcome> {
        let field = self.fields.get_mut(self.focus)?;
        let sending = self.sending;
        match &mut field.kind {
            FieldKind::Choice(c) if c.open.is_some() => {
                let rows = c.rows().max(1);
                let row = c.open.unwrap_or(0);
                match (key.code, command) {
                    (KeyCode::Down, _) => c.open = Some((row + 1) % rows),
                    (KeyCode::Up, _) => c.open = Some((row + rows - 1) % rows),
                    (_, Some(FormCommand::Activate | FormCommand::Toggle)) => {
                        c.open = None;
                        if !sending {
                            c.selected = c.row_option(row);
                            field.mark_changed();
                        }
                    }
                    (_, Some(FormCommand::Cancel)) => c.open = None,
                    _ => {
                        c.open = None;
                        return None;
                    }
                }
                Some(FormOutcome::None)
            }
            FieldKind::Multi(m) if m.open.is_some() => {
                let rows = m.options.len().max(1);
                let row = m.open.unwrap_or(0);
                match (key.code, command) {
                    (KeyCode::Down, _) => m.open = Some((row + 1) % rows),
                    (KeyCode::Up, _) => m.open = Some((row + rows - 1) % rows),
                    (_, Some(FormCommand::Toggle)) => {
                        if !sending && let Some(c) = m.chosen.get_mut(row) {
                            *c = !*c;
                            field.mark_changed();
                        }
                    }
                    (_, Some(FormCommand::Activate | FormCommand::Cancel)) => m.open = None,
                    _ => {
                        m.open = None;
                        return None;
                    }
                }
                Some(FormOutcome::None)
            }
            _ => None,
        }
    }

    pub(super) fn move_focus(&mut self, forward: bool) {
        let stops = self.fields.len() + 1;
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.touched = true;
            field.close_list();
        }
        self.focus = if forward {
            (self.focus + 1) % stops
        } else {
            (self.focus + stops - 1) % stops
        };
    }

    /// Up/Down inside a multi-line field move between its lines; `false` at the first/last line (or when the
    /// key was Tab), so the focus moves on.
    pub(super) fn move_in_notes(&mut self, down: bool, code: KeyCode) -> bool {
        if !matches!(code, KeyCode::Up | KeyCode::Down) {
            return false;
        }
        let width = self.value_width(self.focus);
        match self.fields.get_mut(self.focus) {
            Some(Field {
                kind: FieldKind::Text(t),
                ..
            }) => t.line_up_down(down, width),
            _ => false,
        }
    }

    pub(super) fn activate(&mut self) -> FormOutcome {
        if self.focus == self.fields.len() {
            return self.submit(false);
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormOutcome::None;
        };
        match &mut field.kind {
            FieldKind::Text(t) if t.multiline => self.edit_focused_text(TextInput::newline),
            FieldKind::Text(_) => self.move_focus(true),
            FieldKind::Choice(c) => c.open = Some(c.row_of(c.selected)),
            FieldKind::Multi(m) => m.open = Some(0),
            FieldKind::Toggle(_) => self.change_choice(FormCommand::Toggle),
        }
        FormOutcome::None
    }

    pub(super) fn change_choice(&mut self, command: FormCommand) {
        if self.sending {
            return;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let required = field.required;
        let forward = command != FormCommand::ChoicePrev;
        let changed = match &mut field.kind {
            FieldKind::Choice(c) if command == FormCommand::Toggle => {
                c.open = Some(c.row_of(c.selected));
                false
            }
            FieldKind::Choice(c) => {
                c.cycle(forward);
                true
            }
            FieldKind::Multi(m) if command == FormCommand::Toggle => {
                m.open = Some(0);
                false
            }
            FieldKind::Toggle(v) => {
                // yes → no → (not set, when the field may be left out) → yes
                let order: &[Option<bool>] = if required {
                    &[Some(true), Some(false)]
                } else {
                    &[None, Some(true), Some(false)]
                };
                let at = order.iter().position(|o| o == v);
                let len = order.len();
                *v = match at {
                    Some(i) if forward => order[(i + 1) % len],
                    Some(i) => order[(i + len - 1) % len],
                    None => order[0],
                };
                true
            }
            _ => false,
        };
        if changed {
            field.mark_changed();
        }
    }

    /// Typing a custom field's key: Enter adds the field (or says why it cannot), Esc gives up.
    pub(super) fn handle_naming(&mut self, key: KeyEvent, command: Option<FormCommand>) {
        match command {
            Some(FormCommand::Cancel) => self.naming = None,
            Some(FormCommand::Activate) => {
                let key = self
                    .naming
                    .as_ref()
                    .map(|t| t.input.value().trim().to_string())
                    .unwrap_or_default();
                match self.add_custom_field(&key) {
                    Ok(_) => {
                        self.naming = None;
                        self.notice = None;
                    }
                    Err(why) => self.notice = Some(Notice::Error(why.to_string())),
                }
            }
            _ => {
                if let Some(t) = self.naming.as_mut() {
                    t.input.handle_event(&Event::Key(key));
                }
            }
        }
    }

    pub(super) fn edit_text(&mut self, key: KeyEvent) {
        self.edit_focused_text(|t| t.key(key));
    }

    pub(super) fn leave(&mut self, leave: Leave) -> FormOutcome {
        if self.sending && leave == Leave::Close {
            self.notice = Some(Notice::Warning(
                "Sending… wait for the server's answer before closing the form".into(),
            ));
            return FormOutcome::None;
        }
        if self.is_dirty() {
            self.confirm = Some(leave);
            return FormOutcome::None;
        }
        leave.action()
    }

    /// The notes, focused, to be handed to the rep's editor.
    pub(super) fn edit_notes(&mut self) -> FormOutcome {
        let Some(at) = self.fields.iter().position(|f| f.slot == Slot::Text(TextField::Notes)) else {
            return FormOutcome::None;
        };
        self.focus = at;
        let text = self.fields[at].text_value().unwrap_or_default().to_string();
        FormOutcome::EditNotes(text)
    }

    pub(super) fn toggle_sticky(&mut self) {
        let Some(field) = self.fields.get(self.focus) else {
            return;
        };
        let (wire, label) = (field.wire.clone(), field.label.clone());
        let kept = if self.sticky.remove(&wire) {
            false
        } else {
            self.sticky.insert(wire);
            true
        };
        self.notice = Some(Notice::Info(format!(
            "{label}: {} for the next lead",
            if kept { "kept" } else { "not kept" }
        )));
    }
}
