//! The one table of key bindings. `update` dispatches through it, and every key shown anywhere (help, the
//! status bar's hints, the empty list's hints, the form's hints) is read from it, so a key remapped in the
//! config file is the key that works and the key that is shown.
//!
//! Keys are parsed and printed with `crokey` (`ctrl-s`, `shift-g`, `pagedown`); a binding may also be a
//! sequence of up to three keys written with spaces (`g g`).

use std::collections::BTreeMap;

use crokey::{KeyCombination, KeyCombinationFormat, OneToThree};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

pub use crate::app::action::Action;
use crate::app::action::{FormCommand, LeadField};

/// Where a binding applies. More specific contexts are looked up before `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    /// Every screen except the form.
    Global,
    /// Moving in the list, a pane, or the detail.
    Move,
    /// The lead list has focus.
    List,
    /// A lead is selected in the list or open in the detail.
    Lead,
    /// The status or assignee pane has focus.
    Pane,
    /// A lead's detail is open.
    Detail,
    /// The create form is open: it takes every key, and those not bound here are typing.
    Form,
    /// The help overlay is open.
    Help,
    /// The search box is open: it takes every key, and those not bound here are typing.
    Search,
    /// The outbox is open.
    Outbox,
}

impl Context {
    /// Help's section titles, in the order they are shown.
    pub const ALL: [Context; 10] = [
        Context::Global,
        Context::Move,
        Context::List,
        Context::Lead,
        Context::Search,
        Context::Pane,
        Context::Detail,
        Context::Form,
        Context::Outbox,
        Context::Help,
    ];

    /// The contexts that are looked up together, most specific first: one per state of the screen.
    pub const ACTIVE_SETS: [&'static [Context]; 7] = [
        &[Context::Help, Context::Move, Context::Global],
        &[Context::Detail, Context::Lead, Context::Move, Context::Global],
        &[Context::List, Context::Lead, Context::Move, Context::Global],
        &[Context::Pane, Context::Move, Context::Global],
        &[Context::Form],
        &[Context::Search],
        &[Context::Outbox, Context::Move, Context::Global],
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Move => "Moving",
            Context::List => "Lead list",
            Context::Lead => "The selected lead",
            Context::Pane => "Status and assignee panes",
            Context::Detail => "Lead detail",
            Context::Form => "New lead form",
            Context::Help => "Help",
            Context::Search => "Search box",
            Context::Outbox => "Outbox",
        }
    }
}

/// One key press as bindings compare it. Shift is left out: terminals report it inconsistently with
/// upper-case letters, `?` and BackTab, and the character itself already says it (`G`, not `g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        Key {
            code,
            modifiers: modifiers.difference(KeyModifiers::SHIFT),
        }
    }

    /// The key a terminal event stands for.
    pub fn of(event: &KeyEvent) -> Key {
        let combination = KeyCombination::from(*event);
        match combination.codes {
            OneToThree::One(code) => Key::new(code, combination.modifiers),
            _ => Key::new(event.code, event.modifiers),
        }
    }

    /// Parses one key as a user writes it in the config file: `ctrl-s`, `G` or `shift-g`, `pagedown`, `?`.
    pub fn parse(raw: &str) -> Result<Key, String> {
        let raw = raw.trim();
        // crokey reads letters case-insensitively, so an upper-case letter is spelt out as shift + letter.
        let spelt = match raw.chars().last() {
            Some(c) if c.is_ascii_uppercase() && (raw.len() == 1 || raw.ends_with(&format!("-{c}"))) => {
                format!("{}shift-{}", &raw[..raw.len() - 1], c.to_ascii_lowercase())
            }
            _ => raw.to_string(),
        };
        let combination = crokey::parse(&spelt).map_err(|_| format!("`{raw}` is not a key"))?;
        match combination.normalized().codes {
            OneToThree::One(code) => Ok(Key::new(code, combination.normalized().modifiers)),
            _ => Err(format!(
                "`{raw}` presses several keys at once, which terminals cannot report; write a sequence with spaces, e.g. `g g`"
            )),
        }
    }

    fn combination(self) -> KeyCombination {
        let shifted = matches!(self.code, KeyCode::Char(c) if c.is_ascii_uppercase());
        let modifiers = if shifted {
            self.modifiers | KeyModifiers::SHIFT
        } else {
            self.modifiers
        };
        KeyCombination::one_key(self.code, modifiers)
    }

    /// How help writes the key: `j`, `G`, `↓`, `Ctrl-c`, `PgDn`, `Enter`, `Shift-Tab`.
    pub fn label(self) -> String {
        let format = KeyCombinationFormat::default().with_implicit_shift();
        glyphs(format.to_string(self.combination()))
    }

    /// How a hint in a status line writes the key: `↵`, `esc`, `ctrl-s`, `j`.
    pub fn short_label(self) -> String {
        match self.code {
            KeyCode::Enter if self.modifiers.is_empty() => "↵".to_string(),
            KeyCode::Esc if self.modifiers.is_empty() => "esc".to_string(),
            _ => {
                let format = KeyCombinationFormat::default()
                    .with_implicit_shift()
                    .with_lowercase_modifiers();
                glyphs(format.to_string(self.combination()))
            }
        }
    }
}

/// crokey names the arrows and paging keys in words; help and hints are read at a glance, so they get glyphs
/// and the short names every keyboard prints.
fn glyphs(label: String) -> String {
    let (mods, name) = match label.rfind('-') {
        Some(i) if i + 1 < label.len() => label.split_at(i + 1),
        _ => ("", label.as_str()),
    };
    let name = match name {
        "Down" => "↓",
        "Up" => "↑",
        "Left" => "←",
        "Right" => "→",
        "PageDown" => "PgDn",
        "PageUp" => "PgUp",
        "BackTab" => "Shift-Tab",
        other => other,
    };
    format!("{mods}{name}")
}

/// What sets a binding off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// One key, or a sequence of up to three pressed one after the other.
    Keys(Vec<Key>),
    WheelDown,
    WheelUp,
    /// The left mouse button.
    Click,
}

impl Trigger {
    fn label(&self) -> String {
        match self {
            Trigger::Keys(keys) => keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "),
            Trigger::WheelDown | Trigger::WheelUp => "wheel".to_string(),
            Trigger::Click => "click".to_string(),
        }
    }

    fn keys(&self) -> Option<&[Key]> {
        match self {
            Trigger::Keys(keys) => Some(keys),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub triggers: Vec<Trigger>,
    pub action: Action,
    pub description: &'static str,
}

impl Binding {
    /// Every trigger as help writes it, deduplicated (the wheel binds two triggers that read the same).
    pub fn keys_label(&self) -> String {
        let mut labels: Vec<String> = Vec::new();
        for t in &self.triggers {
            let l = t.label();
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        labels.join(" ")
    }
}

/// How many rows one wheel notch moves.
pub const WHEEL_ROWS: usize = 3;

/// What a key press means, given the keys pressed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Action(Action),
    /// The keys so far begin a longer binding: wait for the next key.
    Pending,
    /// The keys began a sequence and this one ends none of them: the sequence is over, and the key does
    /// nothing else (a slip after `y` must not mark a lead done).
    Unbound,
    None,
}

/// A problem with the `[keys]` section of the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    /// The action name as written in the file, or the key, for a clash.
    pub name: String,
    pub message: String,
}

/// The bindings in force: the built-in table, with the user's `[keys]` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

fn key(c: char) -> Trigger {
    Trigger::Keys(vec![Key::new(KeyCode::Char(c), KeyModifiers::NONE)])
}

fn code(c: KeyCode) -> Trigger {
    Trigger::Keys(vec![Key::new(c, KeyModifiers::NONE)])
}

fn keys(cs: &[char]) -> Trigger {
    Trigger::Keys(
        cs.iter()
            .map(|c| Key::new(KeyCode::Char(*c), KeyModifiers::NONE))
            .collect(),
    )
}

fn ctrl(c: char) -> Trigger {
    Trigger::Keys(vec![Key::new(KeyCode::Char(c), KeyModifiers::CONTROL)])
}

fn alt(c: char) -> Trigger {
    Trigger::Keys(vec![Key::new(KeyCode::Char(c), KeyModifiers::ALT)])
}

fn bind(context: Context, triggers: Vec<Trigger>, action: Action, description: &'static str) -> Binding {
    Binding {
        context,
        triggers,
        action,
        description,
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        use Context::*;
        use FormCommand as F;
        let bindings = vec![
            bind(Global, vec![key('q'), ctrl('c')], Action::Quit, "quit"),
            bind(Global, vec![key('?')], Action::ToggleHelp, "this help"),
            bind(Global, vec![code(KeyCode::Tab)], Action::FocusNext, "next pane"),
            bind(Global, vec![code(KeyCode::BackTab)], Action::FocusPrev, "previous pane"),
            bind(Global, vec![key('s')], Action::FocusStatus, "filter by status"),
            bind(Global, vec![key('a')], Action::FocusAssignee, "filter by assignee"),
            bind(Global, vec![Trigger::Click], Action::Click, "select lead / filter"),
            bind(Global, vec![key('n')], Action::NewLead, "new lead"),
            bind(Global, vec![key('r')], Action::Reload, "reload / retry"),
            bind(Global, vec![key('O')], Action::Outbox, "outbox"),
            bind(Global, ('1'..='9').map(key).collect(), Action::View(0), "switch view"),
            bind(Move, vec![key('j'), code(KeyCode::Down)], Action::Down, "down"),
            bind(Move, vec![key('k'), code(KeyCode::Up)], Action::Up, "up"),
            bind(
                Move,
                vec![code(KeyCode::PageDown), ctrl('d')],
                Action::PageDown,
                "one screen down",
            ),
            bind(
                Move,
                vec![code(KeyCode::PageUp), ctrl('u')],
                Action::PageUp,
                "one screen up",
            ),
            bind(Move, vec![key('g'), code(KeyCode::Home)], Action::Top, "first"),
            bind(Move, vec![key('G'), code(KeyCode::End)], Action::Bottom, "last loaded"),
            bind(Move, vec![Trigger::WheelDown, Trigger::WheelUp], Action::Down, "scroll"),
            bind(List, vec![code(KeyCode::Enter)], Action::Open, "open the lead"),
            bind(List, vec![key('/')], Action::Search, "search loaded leads"),
            bind(List, vec![key('L')], Action::LoadAll, "load all pages / stop"),
            bind(List, vec![code(KeyCode::Esc)], Action::Back, "clear the search"),
            bind(List, vec![key('0')], Action::ClearFilters, "clear every filter"),
            bind(
                Pane,
                vec![code(KeyCode::Enter), key(' ')],
                Action::Choose,
                "apply the filter",
            ),
            bind(Pane, vec![code(KeyCode::Esc)], Action::Back, "back to the list"),
            bind(Pane, vec![key('0')], Action::ClearFilters, "clear every filter"),
            bind(
                Detail,
                vec![code(KeyCode::Esc), code(KeyCode::Backspace)],
                Action::Back,
                "back to the list",
            ),
            bind(Detail, vec![key('J')], Action::NextLead, "next lead"),
            bind(Detail, vec![key('K')], Action::PrevLead, "previous lead"),
            bind(
                Lead,
                vec![keys(&['y', 'e'])],
                Action::Copy(LeadField::Email),
                "copy the email",
            ),
            bind(
                Lead,
                vec![keys(&['y', 'p'])],
                Action::Copy(LeadField::Phone),
                "copy the phone",
            ),
            bind(
                Lead,
                vec![keys(&['y', 'n'])],
                Action::Copy(LeadField::Name),
                "copy the name",
            ),
            bind(
                Lead,
                vec![keys(&['y', 'i'])],
                Action::Copy(LeadField::Id),
                "copy the id",
            ),
            bind(
                Lead,
                vec![keys(&['o', 'e'])],
                Action::OpenWith(LeadField::Email),
                "write an email",
            ),
            bind(
                Lead,
                vec![keys(&['o', 'p'])],
                Action::OpenWith(LeadField::Phone),
                "call the phone",
            ),
            bind(
                Lead,
                vec![keys(&['o', 'w'])],
                Action::OpenWith(LeadField::Website),
                "open the website",
            ),
            bind(Lead, vec![key('d')], Action::ToggleDone, "done / not done"),
            bind(Lead, vec![key('*')], Action::ToggleStar, "star / unstar"),
            bind(Lead, vec![key('u')], Action::Undo, "undo the last mark"),
            bind(
                Outbox,
                vec![code(KeyCode::Enter), key('e')],
                Action::Open,
                "edit the lead",
            ),
            bind(Outbox, vec![ctrl('s')], Action::SendAgain, "send it now / again"),
            bind(Outbox, vec![key('x')], Action::Drop, "drop it (asks once)"),
            bind(Outbox, vec![code(KeyCode::Esc)], Action::Back, "back to the list"),
            bind(Search, vec![code(KeyCode::Enter)], Action::Choose, "keep the search"),
            bind(Search, vec![code(KeyCode::Esc)], Action::Back, "clear the search"),
            bind(Search, vec![code(KeyCode::Down)], Action::Down, "next match"),
            bind(Search, vec![code(KeyCode::Up)], Action::Up, "previous match"),
            bind(Form, vec![ctrl('s')], Action::Form(F::Submit), "create the lead"),
            bind(
                Form,
                vec![alt('s')],
                Action::Form(F::SubmitAndNext),
                "create + start next",
            ),
            bind(Form, vec![ctrl('e')], Action::Form(F::EditNotes), "notes in $EDITOR"),
            bind(Form, vec![ctrl('z')], Action::Form(F::Undo), "undo in the notes"),
            bind(Form, vec![ctrl('y')], Action::Form(F::Redo), "redo in the notes"),
            bind(
                Form,
                vec![ctrl('o')],
                Action::Form(F::OpenDuplicate),
                "open the look-alike",
            ),
            bind(
                Form,
                vec![ctrl('t')],
                Action::Form(F::ToggleSticky),
                "keep field for next",
            ),
            bind(
                Form,
                vec![code(KeyCode::Esc)],
                Action::Form(F::Cancel),
                "close (asks if typed)",
            ),
            bind(
                Form,
                vec![code(KeyCode::Tab), code(KeyCode::Down)],
                Action::Form(F::NextField),
                "next field",
            ),
            bind(
                Form,
                vec![code(KeyCode::BackTab), code(KeyCode::Up)],
                Action::Form(F::PrevField),
                "previous field",
            ),
            bind(
                Form,
                vec![code(KeyCode::Enter)],
                Action::Form(F::Activate),
                "open list / choose",
            ),
            bind(Form, vec![key(' ')], Action::Form(F::Toggle), "tick or toggle"),
            bind(
                Form,
                vec![code(KeyCode::Left)],
                Action::Form(F::ChoicePrev),
                "previous choice",
            ),
            bind(
                Form,
                vec![code(KeyCode::Right)],
                Action::Form(F::ChoiceNext),
                "next choice",
            ),
            bind(Form, vec![ctrl('c')], Action::Form(F::Quit), "quit (asks if typed)"),
            bind(
                Form,
                vec![ctrl('n')],
                Action::Form(F::AddCustomField),
                "add a custom field",
            ),
            bind(Help, vec![code(KeyCode::Esc), key('?')], Action::Back, "close help"),
        ];
        Keymap { bindings }
    }
}

/// The names the config file's `[keys]` section uses, and the actions each rebinds. A name may cover the
/// same action in several contexts (`back` is Esc in the panes, the detail and help).
pub const ACTION_NAMES: [(&str, &[Action]); 50] = [
    ("quit", &[Action::Quit, Action::Form(FormCommand::Quit)]),
    ("help", &[Action::ToggleHelp]),
    ("next_pane", &[Action::FocusNext]),
    ("previous_pane", &[Action::FocusPrev]),
    ("filter_status", &[Action::FocusStatus]),
    ("filter_assignee", &[Action::FocusAssignee]),
    ("new_lead", &[Action::NewLead]),
    ("reload", &[Action::Reload]),
    ("down", &[Action::Down]),
    ("up", &[Action::Up]),
    ("page_down", &[Action::PageDown]),
    ("page_up", &[Action::PageUp]),
    ("top", &[Action::Top]),
    ("bottom", &[Action::Bottom]),
    ("open", &[Action::Open]),
    ("apply_filter", &[Action::Choose]),
    ("back", &[Action::Back]),
    ("create", &[Action::Form(FormCommand::Submit)]),
    ("create_and_next", &[Action::Form(FormCommand::SubmitAndNext)]),
    ("keep_for_next", &[Action::Form(FormCommand::ToggleSticky)]),
    ("open_look_alike", &[Action::Form(FormCommand::OpenDuplicate)]),
    ("edit_notes", &[Action::Form(FormCommand::EditNotes)]),
    ("undo_notes", &[Action::Form(FormCommand::Undo)]),
    ("redo_notes", &[Action::Form(FormCommand::Redo)]),
    ("close_form", &[Action::Form(FormCommand::Cancel)]),
    ("next_field", &[Action::Form(FormCommand::NextField)]),
    ("previous_field", &[Action::Form(FormCommand::PrevField)]),
    ("choose", &[Action::Form(FormCommand::Activate)]),
    ("toggle", &[Action::Form(FormCommand::Toggle)]),
    ("previous_choice", &[Action::Form(FormCommand::ChoicePrev)]),
    ("next_choice", &[Action::Form(FormCommand::ChoiceNext)]),
    ("add_custom_field", &[Action::Form(FormCommand::AddCustomField)]),
    ("search", &[Action::Search]),
    ("toggle_done", &[Action::ToggleDone]),
    ("toggle_star", &[Action::ToggleStar]),
    ("undo", &[Action::Undo]),
    ("load_all", &[Action::LoadAll]),
    ("clear_filters", &[Action::ClearFilters]),
    ("next_lead", &[Action::NextLead]),
    ("previous_lead", &[Action::PrevLead]),
    ("copy_email", &[Action::Copy(LeadField::Email)]),
    ("copy_phone", &[Action::Copy(LeadField::Phone)]),
    ("copy_name", &[Action::Copy(LeadField::Name)]),
    ("copy_id", &[Action::Copy(LeadField::Id)]),
    ("open_email", &[Action::OpenWith(LeadField::Email)]),
    ("open_phone", &[Action::OpenWith(LeadField::Phone)]),
    ("open_website", &[Action::OpenWith(LeadField::Website)]),
    ("outbox", &[Action::Outbox]),
    ("send_again", &[Action::SendAgain]),
    ("drop", &[Action::Drop]),
];

/// Parses one binding as written in the file: a key, or keys separated by spaces for a sequence.
pub fn parse_trigger(raw: &str) -> Result<Trigger, String> {
    let keys = raw.split_whitespace().map(Key::parse).collect::<Result<Vec<_>, _>>()?;
    match keys.len() {
        0 => Err("an empty key".to_string()),
        1..=3 => Ok(Trigger::Keys(keys)),
        _ => Err(format!("`{raw}` is a sequence of more than three keys")),
    }
}

impl Keymap {
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The built-in table with the `[keys]` section applied: each named action gets exactly the keys given
    /// (mouse triggers stay). Every problem is reported, not just the first: an unknown action name (with the
    /// closest known one), a key that does not parse, a sequence in the form (which types what it gets), and
    /// a key that would mean two actions where the user's binding is involved.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, Vec<KeymapError>> {
        let mut keymap = Keymap::default();
        let mut errors = Vec::new();
        let mut changed: Vec<Action> = Vec::new();
        for (name, raws) in overrides {
            let Some((_, actions)) = ACTION_NAMES.iter().find(|(n, _)| n == name) else {
                errors.push(KeymapError {
                    name: name.clone(),
                    message: unknown_action(name),
                });
                continue;
            };
            let mut triggers = Vec::new();
            for raw in raws {
                match parse_trigger(raw) {
                    Ok(t) => triggers.push(t),
                    Err(message) => errors.push(KeymapError {
                        name: name.clone(),
                        message,
                    }),
                }
            }
            for binding in keymap.bindings.iter_mut().filter(|b| actions.contains(&b.action)) {
                let sequence = triggers.iter().any(|t| t.keys().is_some_and(|k| k.len() > 1));
                if binding.context == Context::Form && sequence {
                    errors.push(KeymapError {
                        name: name.clone(),
                        message: "the form types what it gets, so its keys cannot be sequences".to_string(),
                    });
                }
                binding.triggers.retain(|t| t.keys().is_none());
                binding.triggers.extend(triggers.iter().cloned());
            }
            changed.extend(actions.iter().copied());
        }
        errors.extend(keymap.clashes(&changed));
        if errors.is_empty() { Ok(keymap) } else { Err(errors) }
    }

    /// Keys that would mean two actions at once, or that begin a sequence bound in the same place, where at
    /// least one of the two bindings is the user's (the built-in table overrides on purpose: Esc closes
    /// help before anything else sees it).
    fn clashes(&self, changed: &[Action]) -> Vec<KeymapError> {
        let mut errors = Vec::new();
        for set in Context::ACTIVE_SETS {
            let keyed: Vec<(&Binding, &[Key])> = self
                .bindings
                .iter()
                .filter(|b| set.contains(&b.context))
                .flat_map(|b| b.triggers.iter().filter_map(move |t| t.keys().map(|k| (b, k))))
                .collect();
            for (i, (a, ka)) in keyed.iter().enumerate() {
                for (b, kb) in &keyed[i + 1..] {
                    let same = ka == kb;
                    let prefix = ka.len() != kb.len() && (ka.starts_with(kb) || kb.starts_with(ka));
                    let involved = changed.contains(&a.action) || changed.contains(&b.action);
                    if !(same || prefix) || a.action == b.action || !involved {
                        continue;
                    }
                    let keys = Trigger::Keys(ka.to_vec()).label();
                    let message = if same {
                        format!(
                            "`{keys}` would both {} and {} ({})",
                            a.description,
                            b.description,
                            a.context.title().to_lowercase()
                        )
                    } else {
                        format!(
                            "`{keys}` and `{}` begin alike, so one of them could never be pressed",
                            Trigger::Keys(kb.to_vec()).label()
                        )
                    };
                    if !errors.iter().any(|e: &KeymapError| e.message == message) {
                        errors.push(KeymapError { name: keys, message });
                    }
                }
            }
        }
        errors
    }

    /// What a key press means in `contexts` after the keys in `pending`. The first context that binds the
    /// keys (or begins a binding with them) decides; a sequence no binding goes on with is `Unbound`.
    pub fn resolve(&self, contexts: &[Context], pending: &[Key], event: &KeyEvent) -> Resolved {
        if event.kind == KeyEventKind::Release {
            return Resolved::None;
        }
        let key = Key::of(event);
        let mut keys = pending.to_vec();
        keys.push(key);
        match self.lookup(contexts, &keys) {
            Resolved::None if !pending.is_empty() => Resolved::Unbound,
            found => found,
        }
    }

    /// What may follow the keys in `pending` in `contexts`: the rest of each sequence that begins with
    /// them, as a hint writes it (`e`), with its action; the first context to bind a rest wins, as
    /// [`Keymap::resolve`] would have it.
    pub fn continuations(&self, contexts: &[Context], pending: &[Key]) -> Vec<(String, Action)> {
        let mut out: Vec<(String, Action)> = Vec::new();
        if pending.is_empty() {
            return out;
        }
        for ctx in contexts {
            for b in self.bindings.iter().filter(|b| b.context == *ctx) {
                for keys in b.triggers.iter().filter_map(Trigger::keys) {
                    if keys.len() <= pending.len() || !keys.starts_with(pending) {
                        continue;
                    }
                    let rest = keys[pending.len()..]
                        .iter()
                        .map(|k| k.short_label())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let taken = out.iter().any(|(r, a)| *r == rest || *a == b.action);
                    if !taken {
                        out.push((rest, b.action));
                    }
                }
            }
        }
        out
    }

    fn lookup(&self, contexts: &[Context], keys: &[Key]) -> Resolved {
        for ctx in contexts {
            let mut begins = false;
            for b in self.bindings.iter().filter(|b| b.context == *ctx) {
                for t in &b.triggers {
                    match t.keys() {
                        Some(k) if k == keys => return Resolved::Action(numbered(b.action, keys)),
                        Some(k) if k.len() > keys.len() && k.starts_with(keys) => begins = true,
                        _ => {}
                    }
                }
            }
            if begins {
                return Resolved::Pending;
            }
        }
        Resolved::None
    }

    /// The action one key press means in the first of `contexts` that binds it, ignoring sequences.
    pub fn action_for_key(&self, contexts: &[Context], event: &KeyEvent) -> Option<Action> {
        match self.resolve(contexts, &[], event) {
            Resolved::Action(a) => Some(a),
            _ => None,
        }
    }

    /// The command a key gives the create form, if any: the form is handed this, never the keymap itself.
    pub fn form_command(&self, event: &KeyEvent) -> Option<FormCommand> {
        match self.action_for_key(&[Context::Form], event) {
            Some(Action::Form(command)) => Some(command),
            _ => None,
        }
    }

    /// The wheel moves by `WHEEL_ROWS` in whatever context has the wheel bound; a left click selects (the
    /// app works out what is under it).
    pub fn action_for_mouse(&self, contexts: &[Context], event: &MouseEvent) -> Option<(Action, usize)> {
        let trigger = match event.kind {
            MouseEventKind::ScrollDown => Trigger::WheelDown,
            MouseEventKind::ScrollUp => Trigger::WheelUp,
            MouseEventKind::Down(MouseButton::Left) => Trigger::Click,
            _ => return None,
        };
        let bound = contexts.iter().any(|ctx| {
            self.bindings
                .iter()
                .any(|b| b.context == *ctx && b.triggers.contains(&trigger))
        });
        match (bound, trigger) {
            (true, Trigger::WheelDown) => Some((Action::Down, WHEEL_ROWS)),
            (true, Trigger::WheelUp) => Some((Action::Up, WHEEL_ROWS)),
            (true, _) => Some((Action::Click, 0)),
            (false, _) => None,
        }
    }

    /// The first key bound to `action` in `context`, as a hint writes it (`↵`, `esc`, `ctrl-s`, `g g`), or
    /// `None` when the user left the action without a key.
    pub fn hint_key(&self, context: Context, action: Action) -> Option<String> {
        self.first_keys(context, action)
            .map(|keys| keys.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" "))
    }

    /// The keys that begin `action`'s first sequence in `context`, as a hint writes them (`y…`), or its key
    /// when it is a single one: for a hint that stands for a family of sequences (`y… copy`).
    pub fn hint_prefix(&self, context: Context, action: Action) -> Option<String> {
        let keys = self.first_keys(context, action)?;
        match keys.split_last() {
            Some((_, first)) if !first.is_empty() => Some(format!(
                "{}…",
                first.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" ")
            )),
            _ => Some(keys.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" ")),
        }
    }

    /// The first key bound to `action` in `context` as help writes it (`Enter`, `Space`, `Ctrl-s`).
    pub fn key_label(&self, context: Context, action: Action) -> Option<String> {
        self.first_keys(context, action)
            .map(|keys| keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "))
    }

    fn first_keys(&self, context: Context, action: Action) -> Option<&[Key]> {
        self.bindings
            .iter()
            .filter(|b| b.context == context && b.action == action)
            .flat_map(|b| b.triggers.iter())
            .find_map(|t| t.keys())
    }

    /// Like [`Keymap::hint_key`] for a form command.
    pub fn form_hint_key(&self, command: FormCommand) -> Option<String> {
        self.hint_key(Context::Form, Action::Form(command))
    }
}

/// The view keys share one binding: the digit pressed says which view.
fn numbered(action: Action, keys: &[Key]) -> Action {
    match (action, keys.last().map(|k| k.code)) {
        (Action::View(_), Some(KeyCode::Char(c))) => {
            Action::View(c.to_digit(10).map_or(0, |d| (d as usize).saturating_sub(1)))
        }
        (action, _) => action,
    }
}

fn unknown_action(name: &str) -> String {
    let closest = ACTION_NAMES
        .iter()
        .map(|(n, _)| (strsim::levenshtein(name, n), *n))
        .min()
        .filter(|(d, n)| *d <= 2.max(n.len() / 3));
    match closest {
        Some((_, n)) => format!("`{name}` is not an action; did you mean `{n}`?"),
        None => format!(
            "`{name}` is not an action; the actions are {}",
            ACTION_NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn overrides(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(a, k)| (a.to_string(), k.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn specific_context_wins_over_global_and_shift_is_ignored() {
        let keymap = Keymap::default();
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            keymap.action_for_key(&[Context::Pane, Context::Global], &esc),
            Some(Action::Back)
        );
        // In the list, Esc clears a kept search; where nothing binds it, it does nothing.
        assert_eq!(
            keymap.action_for_key(&[Context::List, Context::Move, Context::Global], &esc),
            Some(Action::Back)
        );
        assert_eq!(keymap.action_for_key(&[Context::Move, Context::Global], &esc), None);
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(keymap.action_for_key(&[Context::Move], &big_g), Some(Action::Bottom));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for_key(&[Context::Global], &ctrl_c), Some(Action::Quit));
        let plain_c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for_key(&[Context::Global], &plain_c), None);
        let question = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            keymap.action_for_key(&[Context::Global], &question),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn no_trigger_is_bound_twice_in_one_context() {
        for ctx in Context::ALL {
            let mut seen: Vec<&Trigger> = Vec::new();
            for b in Keymap::default().bindings.iter().filter(|b| b.context == ctx) {
                for t in &b.triggers {
                    assert!(!seen.contains(&t), "{t:?} bound twice in {ctx:?}");
                    seen.push(t);
                }
            }
        }
    }

    #[test]
    fn keys_parse_and_print_as_help_and_hints_write_them() {
        let cases = [
            ("ctrl-s", "Ctrl-s", "ctrl-s"),
            ("G", "G", "G"),
            ("shift-g", "G", "G"),
            ("pagedown", "PgDn", "PgDn"),
            ("down", "↓", "↓"),
            ("enter", "Enter", "↵"),
            ("esc", "Esc", "esc"),
            ("backtab", "Shift-Tab", "Shift-Tab"),
            ("space", "Space", "Space"),
            ("?", "?", "?"),
            ("f5", "F5", "F5"),
        ];
        for (raw, long, short) in cases {
            let key = Key::parse(raw).unwrap();
            assert_eq!(key.label(), long, "{raw}");
            assert_eq!(key.short_label(), short, "{raw}");
        }
        assert!(Key::parse("ctrl-nope").is_err());
        assert!(Key::parse("a-b").is_err(), "two keys at once");
    }

    #[test]
    fn a_remapped_action_answers_to_its_new_key_only() {
        let keymap = Keymap::with_overrides(&overrides(&[("new_lead", &["ctrl-n"]), ("down", &["h"])])).unwrap();
        let list = [Context::List, Context::Move, Context::Global];
        let ctrl_n = press(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for_key(&list, &ctrl_n), Some(Action::NewLead));
        assert_eq!(
            keymap.action_for_key(&list, &press(KeyCode::Char('n'), KeyModifiers::NONE)),
            None
        );
        let h = press(KeyCode::Char('h'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for_key(&list, &h), Some(Action::Down));
        assert_eq!(
            keymap.action_for_key(&list, &press(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        // The wheel still scrolls.
        let wheel = MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        };
        assert_eq!(keymap.action_for_mouse(&list, &wheel), Some((Action::Down, WHEEL_ROWS)));
        assert_eq!(
            keymap.hint_key(Context::Global, Action::NewLead).as_deref(),
            Some("ctrl-n")
        );
    }

    #[test]
    fn sequences_wait_for_their_next_key_and_end_when_it_does_not_fit() {
        let keymap = Keymap::with_overrides(&overrides(&[("top", &["g g", "home"])])).unwrap();
        let list = [Context::List, Context::Move, Context::Global];
        let g = press(KeyCode::Char('g'), KeyModifiers::NONE);
        let g_key = Key::of(&g);
        assert_eq!(keymap.resolve(&list, &[], &g), Resolved::Pending);
        assert_eq!(keymap.resolve(&list, &[g_key], &g), Resolved::Action(Action::Top));
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(keymap.resolve(&list, &[g_key], &j), Resolved::Unbound);
        assert_eq!(keymap.hint_key(Context::Move, Action::Top).as_deref(), Some("g g"));
        assert_eq!(keymap.continuations(&list, &[g_key]), [("g".to_string(), Action::Top)]);
    }

    #[test]
    fn clear_filters_is_named_in_the_config_and_works_in_the_list_and_the_panes() {
        let keymap = Keymap::with_overrides(&overrides(&[("clear_filters", &["backspace"])])).unwrap();
        let backspace = press(KeyCode::Backspace, KeyModifiers::NONE);
        let zero = press(KeyCode::Char('0'), KeyModifiers::NONE);
        for ctx in [Context::List, Context::Pane] {
            assert_eq!(keymap.action_for_key(&[ctx], &backspace), Some(Action::ClearFilters));
            assert_eq!(keymap.action_for_key(&[ctx], &zero), None);
            assert_eq!(
                Keymap::default().action_for_key(&[ctx], &zero),
                Some(Action::ClearFilters)
            );
        }
        // In the detail Backspace still goes back.
        assert_eq!(
            keymap.action_for_key(&[Context::Detail], &backspace),
            Some(Action::Back)
        );
    }

    #[test]
    fn what_may_follow_a_prefix_is_read_from_the_keymap_in_force() {
        let keymap = Keymap::with_overrides(&overrides(&[("copy_id", &["y u"])])).unwrap();
        let list = [Context::List, Context::Lead, Context::Move, Context::Global];
        let y = Key::of(&press(KeyCode::Char('y'), KeyModifiers::NONE));
        let next: Vec<(String, &str)> = keymap
            .continuations(&list, &[y])
            .into_iter()
            .map(|(k, a)| (k, a.short_name()))
            .collect();
        let expected = [("e", "email"), ("p", "phone"), ("n", "name"), ("u", "id")];
        assert_eq!(next, expected.map(|(k, a)| (k.to_string(), a)));
        assert!(keymap.continuations(&list, &[]).is_empty());
    }

    #[test]
    fn every_problem_in_the_keys_section_is_reported() {
        let errors = Keymap::with_overrides(&overrides(&[
            ("quitt", &["x"]),
            ("reload", &["ctrl-nope"]),
            ("new_lead", &["j"]),
            ("create", &["ctrl-x ctrl-s"]),
        ]))
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.name, e.message)).collect();
        let all = text.join("\n");
        assert!(all.contains("`quitt` is not an action; did you mean `quit`?"), "{all}");
        assert!(all.contains("`ctrl-nope` is not a key"), "{all}");
        assert!(all.contains("`j` would both"), "{all}");
        assert!(all.contains("cannot be sequences"), "{all}");
        assert_eq!(errors.len(), 4, "{all}");
    }

    #[test]
    fn a_key_that_begins_another_binding_is_refused() {
        let errors = Keymap::with_overrides(&overrides(&[("reload", &["g"])])).unwrap_err();
        assert!(errors[0].message.contains("`g` would both"), "{errors:?}");
        let errors = Keymap::with_overrides(&overrides(&[("reload", &["g r"])])).unwrap_err();
        assert!(errors[0].message.contains("begin alike"), "{errors:?}");
    }
}
