//! The one table of key bindings: `update` dispatches through it and the help screen is drawn from it, so
//! help always shows the keys that actually work.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

pub use crate::app::action::Action;
use crate::app::action::FormCommand;

/// Where a binding applies. More specific contexts are looked up before `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Every screen except the form.
    Global,
    /// Moving in the list, a pane, or the detail.
    Move,
    /// The lead list has focus.
    List,
    /// The status or assignee pane has focus.
    Pane,
    /// A lead's detail is open.
    Detail,
    /// The create form is open: it takes every key, and those not bound here are typing.
    Form,
    /// The help overlay is open.
    Help,
}

impl Context {
    /// Help's section titles, in the order they are shown.
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::Move,
        Context::List,
        Context::Pane,
        Context::Detail,
        Context::Form,
        Context::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Move => "Moving",
            Context::List => "Lead list",
            Context::Pane => "Status and assignee panes",
            Context::Detail => "Lead detail",
            Context::Form => "New lead form",
            Context::Help => "Help",
        }
    }
}

/// What sets a binding off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Key(KeyCode, KeyModifiers),
    WheelDown,
    WheelUp,
    /// The left mouse button.
    Click,
}

const fn key(c: char) -> Trigger {
    Trigger::Key(KeyCode::Char(c), KeyModifiers::NONE)
}

const fn code(c: KeyCode) -> Trigger {
    Trigger::Key(c, KeyModifiers::NONE)
}

const fn ctrl(c: char) -> Trigger {
    Trigger::Key(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub struct Binding {
    pub context: Context,
    pub triggers: &'static [Trigger],
    pub action: Action,
    pub description: &'static str,
}

/// How many rows one wheel notch moves.
pub const WHEEL_ROWS: usize = 3;

pub static KEYMAP: &[Binding] = &[
    Binding {
        context: Context::Global,
        triggers: &[key('q'), ctrl('c')],
        action: Action::Quit,
        description: "quit",
    },
    Binding {
        context: Context::Global,
        triggers: &[key('?')],
        action: Action::ToggleHelp,
        description: "this help",
    },
    Binding {
        context: Context::Global,
        triggers: &[code(KeyCode::Tab)],
        action: Action::FocusNext,
        description: "next pane",
    },
    Binding {
        context: Context::Global,
        triggers: &[code(KeyCode::BackTab)],
        action: Action::FocusPrev,
        description: "previous pane",
    },
    Binding {
        context: Context::Global,
        triggers: &[key('s')],
        action: Action::FocusStatus,
        description: "filter by status",
    },
    Binding {
        context: Context::Global,
        triggers: &[key('a')],
        action: Action::FocusAssignee,
        description: "filter by assignee",
    },
    Binding {
        context: Context::Global,
        triggers: &[Trigger::Click],
        action: Action::Click,
        description: "select lead / filter",
    },
    Binding {
        context: Context::Global,
        triggers: &[key('n')],
        action: Action::NewLead,
        description: "new lead",
    },
    Binding {
        context: Context::Global,
        triggers: &[key('r')],
        action: Action::Reload,
        description: "reload / retry",
    },
    Binding {
        context: Context::Move,
        triggers: &[key('j'), code(KeyCode::Down)],
        action: Action::Down,
        description: "down",
    },
    Binding {
        context: Context::Move,
        triggers: &[key('k'), code(KeyCode::Up)],
        action: Action::Up,
        description: "up",
    },
    Binding {
        context: Context::Move,
        triggers: &[code(KeyCode::PageDown), ctrl('d')],
        action: Action::PageDown,
        description: "one screen down",
    },
    Binding {
        context: Context::Move,
        triggers: &[code(KeyCode::PageUp), ctrl('u')],
        action: Action::PageUp,
        description: "one screen up",
    },
    Binding {
        context: Context::Move,
        triggers: &[key('g'), code(KeyCode::Home)],
        action: Action::Top,
        description: "first",
    },
    Binding {
        context: Context::Move,
        triggers: &[key('G'), code(KeyCode::End)],
        action: Action::Bottom,
        description: "last loaded",
    },
    Binding {
        context: Context::Move,
        triggers: &[Trigger::WheelDown, Trigger::WheelUp],
        action: Action::Down,
        description: "scroll",
    },
    Binding {
        context: Context::List,
        triggers: &[code(KeyCode::Enter)],
        action: Action::Open,
        description: "open the lead",
    },
    Binding {
        context: Context::Pane,
        triggers: &[code(KeyCode::Enter), key(' ')],
        action: Action::Choose,
        description: "apply the filter",
    },
    Binding {
        context: Context::Pane,
        triggers: &[code(KeyCode::Esc)],
        action: Action::Back,
        description: "back to the list",
    },
    Binding {
        context: Context::Detail,
        triggers: &[code(KeyCode::Esc), code(KeyCode::Backspace)],
        action: Action::Back,
        description: "back to the list",
    },
    Binding {
        context: Context::Form,
        triggers: &[ctrl('s')],
        action: Action::Form(FormCommand::Submit),
        description: "create the lead",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::Esc)],
        action: Action::Form(FormCommand::Cancel),
        description: "close (asks if typed)",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::Tab), code(KeyCode::Down)],
        action: Action::Form(FormCommand::NextField),
        description: "next field",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::BackTab), code(KeyCode::Up)],
        action: Action::Form(FormCommand::PrevField),
        description: "previous field",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::Enter)],
        action: Action::Form(FormCommand::Activate),
        description: "open list / choose",
    },
    Binding {
        context: Context::Form,
        triggers: &[key(' ')],
        action: Action::Form(FormCommand::Toggle),
        description: "tick or toggle",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::Left)],
        action: Action::Form(FormCommand::ChoicePrev),
        description: "previous choice",
    },
    Binding {
        context: Context::Form,
        triggers: &[code(KeyCode::Right)],
        action: Action::Form(FormCommand::ChoiceNext),
        description: "next choice",
    },
    Binding {
        context: Context::Form,
        triggers: &[ctrl('c')],
        action: Action::Form(FormCommand::Quit),
        description: "quit (asks if typed)",
    },
    Binding {
        context: Context::Help,
        triggers: &[code(KeyCode::Esc), key('?')],
        action: Action::Back,
        description: "close help",
    },
];

fn matches_key(trigger: &Trigger, event: &KeyEvent) -> bool {
    let Trigger::Key(code, mods) = trigger else {
        return false;
    };
    // Terminals report Shift with upper-case letters, `?` and BackTab inconsistently, so Shift is ignored.
    let pressed = event.modifiers - KeyModifiers::SHIFT;
    *code == event.code && *mods == pressed
}

/// The action `event` means in the first of `contexts` that binds it.
pub fn action_for_key(contexts: &[Context], event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    contexts.iter().find_map(|ctx| {
        KEYMAP
            .iter()
            .filter(|b| b.context == *ctx)
            .find(|b| b.triggers.iter().any(|t| matches_key(t, event)))
            .map(|b| b.action)
    })
}

/// The command a key gives the create form, if any: the form is handed this, never the keymap itself.
pub fn form_command(key: &KeyEvent) -> Option<FormCommand> {
    match action_for_key(&[Context::Form], key) {
        Some(Action::Form(command)) => Some(command),
        _ => None,
    }
}

/// The wheel moves by `WHEEL_ROWS` in whatever context has `Move` bindings; a left click selects (the app
/// works out what is under it).
pub fn action_for_mouse(contexts: &[Context], event: &MouseEvent) -> Option<(Action, usize)> {
    let trigger = match event.kind {
        MouseEventKind::ScrollDown => Trigger::WheelDown,
        MouseEventKind::ScrollUp => Trigger::WheelUp,
        MouseEventKind::Down(crossterm::event::MouseButton::Left) => Trigger::Click,
        _ => return None,
    };
    let bound = contexts.iter().any(|ctx| {
        KEYMAP
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

/// How a trigger is written in help: `j`, `↓`, `Ctrl-c`, `PgDn`, `wheel`.
pub fn trigger_label(trigger: &Trigger) -> String {
    match trigger {
        Trigger::WheelDown | Trigger::WheelUp => "wheel".to_string(),
        Trigger::Click => "click".to_string(),
        Trigger::Key(code, mods) => {
            let name = match code {
                KeyCode::Char(' ') => "Space".to_string(),
                KeyCode::Char(c) => c.to_string(),
                KeyCode::Down => "↓".to_string(),
                KeyCode::Up => "↑".to_string(),
                KeyCode::Left => "←".to_string(),
                KeyCode::Right => "→".to_string(),
                KeyCode::PageDown => "PgDn".to_string(),
                KeyCode::PageUp => "PgUp".to_string(),
                KeyCode::Home => "Home".to_string(),
                KeyCode::End => "End".to_string(),
                KeyCode::Enter => "Enter".to_string(),
                KeyCode::Esc => "Esc".to_string(),
                KeyCode::Tab => "Tab".to_string(),
                KeyCode::BackTab => "Shift-Tab".to_string(),
                KeyCode::Backspace => "Backspace".to_string(),
                other => format!("{other:?}"),
            };
            if mods.contains(KeyModifiers::CONTROL) {
                format!("Ctrl-{name}")
            } else {
                name
            }
        }
    }
}

/// Every binding's triggers, deduplicated (the wheel binds two triggers that read the same).
pub fn binding_keys(binding: &Binding) -> String {
    let mut labels: Vec<String> = Vec::new();
    for t in binding.triggers {
        let l = trigger_label(t);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    labels.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn specific_context_wins_over_global_and_shift_is_ignored() {
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            action_for_key(&[Context::Pane, Context::Global], &esc),
            Some(Action::Back)
        );
        assert_eq!(
            action_for_key(&[Context::List, Context::Move, Context::Global], &esc),
            None
        );
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for_key(&[Context::Move], &big_g), Some(Action::Bottom));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&[Context::Global], &ctrl_c), Some(Action::Quit));
        let plain_c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(action_for_key(&[Context::Global], &plain_c), None);
    }

    #[test]
    fn no_trigger_is_bound_twice_in_one_context() {
        for ctx in Context::ALL {
            let mut seen: Vec<&Trigger> = Vec::new();
            for b in KEYMAP.iter().filter(|b| b.context == ctx) {
                for t in b.triggers {
                    assert!(!seen.contains(&t), "{t:?} bound twice in {ctx:?}");
                    seen.push(t);
                }
            }
        }
    }
}
