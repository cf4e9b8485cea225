//! The one table of key bindings. `update` dispatches through it, and every key shown anywhere (help, the
//! status bar's hints, the empty list's hints, the form's hints) is read from it, so a key remapped in the
//! config file is the key that works and the key that is shown.
//!
//! Keys are parsed and printed with `crokey` (`ctrl-s`, `shift-g`, `pagedown`); a binding may also be a
//! sequence of up to three keys written with spaces (`g g`).

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

pub mod action;
mod defaults;
mod key;

pub use action::Action;
use action::FormCommand;
pub use defaults::action_names;
pub use key::{Key, KeyError};

use crate::model::user_command::{Applies, UserCommand};

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
    /// The `!` prompt is open: it takes every key, and those not bound here are typing.
    Prompt,
    /// A command waits for a yes or a no before it runs.
    Confirm,
}

impl Context {
    /// Help's section titles, in the order they are shown.
    pub const ALL: &[Context] = &[
        Context::Global,
        Context::Move,
        Context::List,
        Context::Lead,
        Context::Search,
        Context::Pane,
        Context::Detail,
        Context::Form,
        Context::Outbox,
        Context::Prompt,
        Context::Confirm,
        Context::Help,
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
            Context::Prompt => "Command prompt (!)",
            Context::Confirm => "Asked before a command runs",
        }
    }
}

/// What takes the keys, one per state of the screen: each looks its keys up in its own contexts. The one
/// place that says which contexts are in force together, for the app's lookups and the clash check alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActiveSet {
    Help,
    Detail,
    List,
    Pane,
    Form,
    Search,
    Outbox,
    Prompt,
    Confirm,
}

impl ActiveSet {
    pub const ALL: &[ActiveSet] = &[
        ActiveSet::Help,
        ActiveSet::Detail,
        ActiveSet::List,
        ActiveSet::Pane,
        ActiveSet::Form,
        ActiveSet::Search,
        ActiveSet::Outbox,
        ActiveSet::Prompt,
        ActiveSet::Confirm,
    ];

    /// The contexts looked up together, most specific first.
    pub const fn contexts(self) -> &'static [Context] {
        match self {
            ActiveSet::Help => &[Context::Help, Context::Move, Context::Global],
            ActiveSet::Detail => &[Context::Detail, Context::Lead, Context::Move, Context::Global],
            ActiveSet::List => &[Context::List, Context::Lead, Context::Move, Context::Global],
            ActiveSet::Pane => &[Context::Pane, Context::Move, Context::Global],
            ActiveSet::Form => &[Context::Form],
            ActiveSet::Search => &[Context::Search],
            ActiveSet::Outbox => &[Context::Outbox, Context::Move, Context::Global],
            ActiveSet::Prompt => &[Context::Prompt],
            ActiveSet::Confirm => &[Context::Confirm],
        }
    }
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
    /// What help says of it: a built-in sentence, or the name of the rep's own command.
    pub description: std::borrow::Cow<'static, str>,
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
        // The view keys, 1 to 9: one run, so help's key column keeps its width.
        let digits: Vec<u8> = labels
            .iter()
            .filter_map(|l| match l.as_bytes() {
                &[d @ b'0'..=b'9'] => Some(d),
                _ => None,
            })
            .collect();
        if let (Some(first), Some(last)) = (digits.first(), digits.last())
            && digits.len() == labels.len()
            && digits.len() >= 3
            && digits.windows(2).all(|w| w[1] == w[0] + 1)
        {
            return format!("{}–{}", char::from(*first), char::from(*last));
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

/// Two bindings one key would set off at once, and their actions.
struct Clash {
    keys: String,
    message: String,
    actions: (Action, Action),
}

/// Why one of the rep's own commands cannot have its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandKeyError {
    /// Its index in the commands handed to [`Keymap::with_commands`].
    pub command: usize,
    pub message: String,
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

/// Why a binding as written in the file binds nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriggerError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("an empty key")]
    Empty,
    #[error("`{raw}` is a sequence of more than three keys")]
    TooLong { raw: String },
}

/// Parses one binding as written in the file: a key, or keys separated by spaces for a sequence.
pub fn parse_trigger(raw: &str) -> Result<Trigger, TriggerError> {
    let keys = raw.split_whitespace().map(Key::parse).collect::<Result<Vec<_>, _>>()?;
    match keys.len() {
        0 => Err(TriggerError::Empty),
        1..=3 => Ok(Trigger::Keys(keys)),
        _ => Err(TriggerError::TooLong { raw: raw.to_string() }),
    }
}

impl Keymap {
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The keymap a config file asks for: the built-in table with its `[keys]` applied.
    pub fn from_config(file: &crate::config::ConfigFile) -> Result<Keymap, Vec<KeymapError>> {
        let overrides: BTreeMap<String, Vec<String>> =
            file.keys.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        Keymap::with_overrides(&overrides)
    }

    /// The built-in table with the `[keys]` section applied: each named action gets exactly the keys given
    /// (mouse triggers stay). Every problem is reported, not just the first: an unknown action name (with the
    /// closest known one), a key that does not parse, a sequence in the form (which types what it gets), and
    /// a key that would mean two actions where the user's binding is involved.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, Vec<KeymapError>> {
        let mut keymap = Keymap::default();
        let mut errors = Vec::new();
        let mut changed: Vec<Action> = Vec::new();
        let names = action_names();
        for (name, raws) in overrides {
            let Some((_, actions)) = names.iter().find(|(n, _)| n == name) else {
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
                    Err(why) => errors.push(KeymapError {
                        name: name.clone(),
                        message: why.to_string(),
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
        self.clash_pairs(changed)
            .into_iter()
            .map(|c| KeymapError {
                name: c.keys,
                message: c.message,
            })
            .collect()
    }

    /// Every clash involving an action of `changed`, once each, with the two actions.
    fn clash_pairs(&self, changed: &[Action]) -> Vec<Clash> {
        let mut found: Vec<Clash> = Vec::new();
        for set in ActiveSet::ALL.iter().map(|s| s.contexts()) {
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
                    if !found.iter().any(|c| c.message == message) {
                        found.push(Clash {
                            keys,
                            message,
                            actions: (a.action, b.action),
                        });
                    }
                }
            }
        }
        found
    }

    /// This keymap with the rep's own commands bound: each in the list, the detail or both (`Lead`), its
    /// action `Run(i)` for the i-th command. Every problem is reported, each with the command it is about:
    /// a key that does not parse, or one that another binding (built in, the user's `[keys]`, or another
    /// command) already means where the command applies; a clash between two commands is the later one's.
    pub fn with_commands(mut self, commands: &[UserCommand]) -> Result<Keymap, Vec<CommandKeyError>> {
        let mut errors = Vec::new();
        for (i, command) in commands.iter().enumerate() {
            let context = match command.applies {
                Applies::List => Context::List,
                Applies::Detail => Context::Detail,
                Applies::Both => Context::Lead,
            };
            match parse_trigger(&command.key) {
                Ok(trigger) => self.bindings.push(Binding {
                    context,
                    triggers: vec![trigger],
                    action: Action::Run(i),
                    description: std::borrow::Cow::Owned(format!("run {}", command.name)),
                }),
                Err(why) => errors.push(CommandKeyError {
                    command: i,
                    message: why.to_string(),
                }),
            }
        }
        let changed: Vec<Action> = (0..commands.len()).map(Action::Run).collect();
        for clash in self.clash_pairs(&changed) {
            let index = |a: Action| match a {
                Action::Run(i) => Some(i),
                _ => None,
            };
            let (a, b) = clash.actions;
            let Some(command) = index(a).max(index(b)) else {
                continue;
            };
            errors.push(CommandKeyError {
                command,
                message: format!("{}; give it another key", clash.message),
            });
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    /// The word a hint gives `action` after its key: the command's name for the rep's own.
    pub fn word_for(&self, action: Action) -> std::borrow::Cow<'static, str> {
        match action {
            Action::Run(_) => self
                .bindings
                .iter()
                .find(|b| b.action == action)
                .map(|b| {
                    std::borrow::Cow::Owned(b.description.strip_prefix("run ").unwrap_or(&b.description).to_string())
                })
                .unwrap_or_default(),
            other => std::borrow::Cow::Borrowed(other.short_name()),
        }
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
        match self.action_for_key(ActiveSet::Form.contexts(), event) {
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
    let names = action_names();
    let closest = names
        .iter()
        .map(|(n, _)| (strsim::levenshtein(name, n), *n))
        .min()
        .filter(|(d, n)| *d <= 2.max(n.len() / 3));
    match closest {
        Some((_, n)) => format!("`{name}` is not an action; did you mean `{n}`?"),
        None => format!(
            "`{name}` is not an action; the actions are {}",
            names.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

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
            for b in Keymap::default().bindings.iter().filter(|b| b.context == *ctx) {
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

    #[test]
    fn a_binding_that_binds_nothing_says_why() {
        let said = |raw: &str| parse_trigger(raw).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(said("nope-x"), Err("`nope-x` is not a key".into()));
        assert_eq!(
            said("a-b"),
            Err(
                "`a-b` presses several keys at once, which terminals cannot report; write a sequence with \
                 spaces, e.g. `g g`"
                    .into()
            )
        );
        assert_eq!(said("  "), Err("an empty key".into()));
        assert_eq!(
            said("g g g g"),
            Err("`g g g g` is a sequence of more than three keys".into())
        );
        assert!(matches!(
            parse_trigger("q nope-x"),
            Err(TriggerError::Key(KeyError::NotAKey { .. }))
        ));
    }
}
