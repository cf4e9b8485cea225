//! The built-in bindings, a line each, and the names the config file rebinds them by.

use crossterm::event::{KeyCode, KeyModifiers};

use super::action::{Action, FormCommand, LeadField};
use super::{Binding, Context, Key, Keymap, Trigger};

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
        description: std::borrow::Cow::Borrowed(description),
    }
}

/// One way a built-in binding is pressed, as the table of defaults writes it.
#[derive(Debug, Clone, Copy)]
enum T {
    Key(char),
    Ctrl(char),
    Alt(char),
    Code(KeyCode),
    /// Two keys one after the other (`y e`).
    Seq(char, char),
    /// The digits 1 to 9, one binding for the views.
    Digits,
    Click,
    WheelDown,
    WheelUp,
}

impl T {
    fn triggers(self) -> Vec<Trigger> {
        match self {
            T::Key(c) => vec![key(c)],
            T::Ctrl(c) => vec![ctrl(c)],
            T::Alt(c) => vec![alt(c)],
            T::Code(c) => vec![code(c)],
            T::Seq(a, b) => vec![keys(&[a, b])],
            T::Digits => ('1'..='9').map(key).collect(),
            T::Click => vec![Trigger::Click],
            T::WheelDown => vec![Trigger::WheelDown],
            T::WheelUp => vec![Trigger::WheelUp],
        }
    }
}

/// A line of the built-in table: where it applies, the name the config file's `[keys]` rebinds it by
/// (empty for what cannot be rebound), its keys, what it does, the word or two a hint gives it after its
/// key (`e email`), and what help says of it.
type DefaultLine = (Context, &'static str, &'static [T], Action, &'static str, &'static str);

/// The built-in bindings, a line each, in the order help lists them. Every line of one action carries that
/// action's name, so a name rebinds the action wherever it applies (`back` is Esc in the panes, the detail
/// and help).
fn defaults() -> &'static [DefaultLine] {
    use Context::*;
    use FormCommand as F;
    #[rustfmt::skip]
    const DEFAULTS: &[DefaultLine] = &[
        (Global, "quit", &[T::Key('q'), T::Ctrl('c')], Action::Quit, "quit", "quit"),
        (Global, "help", &[T::Key('?')], Action::ToggleHelp, "help", "this help"),
        (Global, "next_pane", &[T::Code(KeyCode::Tab)], Action::FocusNext, "next pane", "next pane"),
        (Global, "previous_pane", &[T::Code(KeyCode::BackTab)], Action::FocusPrev, "previous pane", "previous pane"),
        (Global, "filter_status", &[T::Key('s')], Action::FocusStatus, "status", "filter by status"),
        (Global, "filter_assignee", &[T::Key('a')], Action::FocusAssignee, "assignee", "filter by assignee"),
        (Global, "", &[T::Click], Action::Click, "select", "select lead / filter"),
        (Global, "new_lead", &[T::Key('n')], Action::NewLead, "new lead", "new lead"),
        (Global, "reload", &[T::Key('r')], Action::Reload, "reload", "reload / retry"),
        (Global, "outbox", &[T::Key('O')], Action::Outbox, "outbox", "outbox"),
        (Global, "", &[T::Digits], Action::View(0), "view", "switch view"),
        (Move, "down", &[T::Key('j'), T::Code(KeyCode::Down)], Action::Down, "down", "down"),
        (Move, "up", &[T::Key('k'), T::Code(KeyCode::Up)], Action::Up, "up", "up"),
        (Move, "page_down", &[T::Code(KeyCode::PageDown), T::Ctrl('d')], Action::PageDown, "page down", "one screen down"),
        (Move, "page_up", &[T::Code(KeyCode::PageUp), T::Ctrl('u')], Action::PageUp, "page up", "one screen up"),
        (Move, "top", &[T::Key('g'), T::Code(KeyCode::Home)], Action::Top, "first", "first"),
        (Move, "bottom", &[T::Key('G'), T::Code(KeyCode::End)], Action::Bottom, "last", "last loaded"),
        (Move, "down", &[T::WheelDown, T::WheelUp], Action::Down, "down", "scroll"),
        (List, "open", &[T::Code(KeyCode::Enter)], Action::Open, "open", "open the lead"),
        (List, "search", &[T::Key('/')], Action::Search, "search", "search loaded leads"),
        (List, "load_all", &[T::Key('L')], Action::LoadAll, "load all", "load all pages / stop"),
        (List, "back", &[T::Code(KeyCode::Esc)], Action::Back, "back", "clear the search"),
        (List, "clear_filters", &[T::Key('0')], Action::ClearFilters, "clear filters", "clear every filter"),
        (List, "pick", &[T::Key(' ')], Action::Pick, "pick", "pick / unpick + down"),
        (List, "pick_all", &[T::Key('V')], Action::PickAllShown, "pick all", "pick every lead shown"),
        (List, "unpick_all", &[T::Key('U')], Action::ClearPicked, "unpick all", "unpick every lead"),
        (List, "refresh", &[T::Key('R')], Action::Refresh, "refresh", "re-read leads shown"),
        (Pane, "apply_filter", &[T::Code(KeyCode::Enter), T::Key(' ')], Action::Choose, "apply", "apply the filter"),
        (Pane, "back", &[T::Code(KeyCode::Esc)], Action::Back, "back", "back to the list"),
        (Pane, "clear_filters", &[T::Key('0')], Action::ClearFilters, "clear filters", "clear every filter"),
        (Detail, "back", &[T::Code(KeyCode::Esc), T::Code(KeyCode::Backspace)], Action::Back, "back", "back to the list"),
        (Detail, "next_lead", &[T::Key('J')], Action::NextLead, "next lead", "next lead"),
        (Detail, "previous_lead", &[T::Key('K')], Action::PrevLead, "previous lead", "previous lead"),
        (Lead, "copy_email", &[T::Seq('y', 'e')], Action::Copy(LeadField::Email), "email", "copy the email"),
        (Lead, "copy_phone", &[T::Seq('y', 'p')], Action::Copy(LeadField::Phone), "phone", "copy the phone"),
        (Lead, "copy_name", &[T::Seq('y', 'n')], Action::Copy(LeadField::Name), "name", "copy the name"),
        (Lead, "copy_id", &[T::Seq('y', 'i')], Action::Copy(LeadField::Id), "id", "copy the id"),
        (Lead, "open_email", &[T::Seq('o', 'e')], Action::OpenWith(LeadField::Email), "email", "write an email"),
        (Lead, "open_phone", &[T::Seq('o', 'p')], Action::OpenWith(LeadField::Phone), "phone", "call the phone"),
        (Lead, "open_website", &[T::Seq('o', 'w')], Action::OpenWith(LeadField::Website), "website", "open the website"),
        (Lead, "toggle_done", &[T::Key('d')], Action::ToggleDone, "done", "done / not done"),
        (Lead, "toggle_star", &[T::Key('*')], Action::ToggleStar, "star", "star / unstar"),
        (Lead, "undo", &[T::Key('u')], Action::Undo, "undo", "undo the last mark"),
        (Lead, "preview", &[T::Key('p')], Action::TogglePreview, "preview", "preview pane on / off"),
        (Lead, "preview_place", &[T::Key('P')], Action::PreviewPlace, "move preview", "preview right / below"),
        (Lead, "export", &[T::Key('E')], Action::Export, "export", "export as JSON Lines"),
        (Lead, "command_prompt", &[T::Key('!')], Action::CommandPrompt, "run", "type a command to run"),
        (Outbox, "open", &[T::Code(KeyCode::Enter), T::Key('e')], Action::Open, "open", "edit the lead"),
        (Outbox, "send_again", &[T::Ctrl('s')], Action::SendAgain, "send now", "send it now / again"),
        (Outbox, "drop", &[T::Key('x')], Action::Drop, "drop", "drop it (asks once)"),
        (Outbox, "back", &[T::Code(KeyCode::Esc)], Action::Back, "back", "back to the list"),
        (Search, "apply_filter", &[T::Code(KeyCode::Enter)], Action::Choose, "apply", "keep the search"),
        (Search, "back", &[T::Code(KeyCode::Esc)], Action::Back, "back", "clear the search"),
        (Search, "down", &[T::Code(KeyCode::Down)], Action::Down, "down", "next match"),
        (Search, "up", &[T::Code(KeyCode::Up)], Action::Up, "up", "previous match"),
        (Form, "create", &[T::Ctrl('s')], Action::Form(F::Submit), "form", "create the lead"),
        (Form, "create_and_next", &[T::Alt('s')], Action::Form(F::SubmitAndNext), "form", "create + start next"),
        (Form, "edit_notes", &[T::Ctrl('e')], Action::Form(F::EditNotes), "form", "notes in $EDITOR"),
        (Form, "undo_notes", &[T::Ctrl('z')], Action::Form(F::Undo), "form", "undo in the notes"),
        (Form, "redo_notes", &[T::Ctrl('y')], Action::Form(F::Redo), "form", "redo in the notes"),
        (Form, "open_look_alike", &[T::Ctrl('o')], Action::Form(F::OpenDuplicate), "form", "open the look-alike"),
        (Form, "keep_for_next", &[T::Ctrl('t')], Action::Form(F::ToggleSticky), "form", "keep field for next"),
        (Form, "close_form", &[T::Code(KeyCode::Esc)], Action::Form(F::Cancel), "form", "close (asks if typed)"),
        (Form, "next_field", &[T::Code(KeyCode::Tab), T::Code(KeyCode::Down)], Action::Form(F::NextField), "form", "next field"),
        (Form, "previous_field", &[T::Code(KeyCode::BackTab), T::Code(KeyCode::Up)], Action::Form(F::PrevField), "form", "previous field"),
        (Form, "choose", &[T::Code(KeyCode::Enter)], Action::Form(F::Activate), "form", "open list / choose"),
        (Form, "toggle", &[T::Key(' ')], Action::Form(F::Toggle), "form", "tick or toggle"),
        (Form, "previous_choice", &[T::Code(KeyCode::Left)], Action::Form(F::ChoicePrev), "form", "previous choice"),
        (Form, "next_choice", &[T::Code(KeyCode::Right)], Action::Form(F::ChoiceNext), "form", "next choice"),
        (Form, "quit", &[T::Ctrl('c')], Action::Form(F::Quit), "form", "quit (asks if typed)"),
        (Form, "add_custom_field", &[T::Ctrl('n')], Action::Form(F::AddCustomField), "form", "add a custom field"),
        (Prompt, "apply_filter", &[T::Code(KeyCode::Enter)], Action::Choose, "apply", "run what is typed"),
        (Prompt, "back", &[T::Code(KeyCode::Esc)], Action::Back, "back", "close, run nothing"),
        (Prompt, "up", &[T::Code(KeyCode::Up)], Action::Up, "up", "earlier command"),
        (Prompt, "down", &[T::Code(KeyCode::Down)], Action::Down, "down", "later command"),
        (Confirm, "confirm", &[T::Key('y'), T::Code(KeyCode::Enter)], Action::Confirm, "yes", "run the command"),
        (Confirm, "back", &[T::Key('n'), T::Code(KeyCode::Esc)], Action::Back, "back", "do not run it"),
        (Help, "back", &[T::Code(KeyCode::Esc), T::Key('?')], Action::Back, "back", "close help"),
    ];
    DEFAULTS
}

impl Default for Keymap {
    fn default() -> Keymap {
        let bindings = defaults()
            .iter()
            .map(|&(context, _, triggers, action, _, description)| {
                bind(
                    context,
                    triggers.iter().flat_map(|t| t.triggers()).collect(),
                    action,
                    description,
                )
            })
            .collect();
        Keymap { bindings }
    }
}

/// The names the config file's `[keys]` section uses, and the actions each rebinds, read from the table of
/// defaults in its order.
pub fn action_names() -> Vec<(&'static str, Vec<Action>)> {
    let mut names: Vec<(&'static str, Vec<Action>)> = Vec::new();
    for &(_, name, _, action, _, _) in defaults().iter().filter(|d| !d.1.is_empty()) {
        match names.iter_mut().find(|(n, _)| *n == name) {
            Some((_, actions)) if !actions.contains(&action) => actions.push(action),
            Some(_) => {}
            None => names.push((name, vec![action])),
        }
    }
    names
}

/// The word or two a hint gives `action` after its key, from its line of the table (any view's for a view).
pub fn hint_word(action: Action) -> &'static str {
    let line = defaults().iter().find(|d| d.3 == action).or_else(|| {
        defaults()
            .iter()
            .find(|d| std::mem::discriminant(&d.3) == std::mem::discriminant(&action))
    });
    line.map_or("", |d| d.4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_an_action_carries_its_one_name() {
        for &(_, name, _, action, hint, _) in defaults() {
            let others: Vec<&str> = defaults().iter().filter(|d| d.3 == action).map(|d| d.1).collect();
            assert!(others.iter().all(|n| *n == name), "{action:?} is named {others:?}");
            let hints: Vec<&str> = defaults().iter().filter(|d| d.3 == action).map(|d| d.4).collect();
            assert!(hints.iter().all(|h| *h == hint), "{action:?} is hinted {hints:?}");
        }
        assert_eq!(hint_word(Action::View(4)), "view");
        assert_eq!(hint_word(Action::Copy(LeadField::Phone)), "phone");
        let names = action_names();
        assert!(names.iter().any(|(n, a)| *n == "back" && a == &[Action::Back]));
        assert!(
            names
                .iter()
                .any(|(n, a)| *n == "quit" && a == &[Action::Quit, Action::Form(FormCommand::Quit)])
        );
        assert!(names.iter().all(|(n, _)| !n.is_empty()));
    }
}
