//! What a binding of the keymap does: the actions keys are bound to, what a key means to the form, and
//! the fields of a lead that can be copied or opened. A leaf: the keymap, the app and the form name them.

/// What a binding of the keymap does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    FocusNext,
    FocusPrev,
    FocusStatus,
    FocusAssignee,
    NewLead,
    Reload,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Choose,
    Back,
    /// Select what was clicked: a lead, or an entry of a pane.
    Click,
    /// In a lead's detail: open the next (or previous) lead of the list without going back.
    NextLead,
    PrevLead,
    /// `/`: type a search over the loaded leads.
    Search,
    /// Switch to the view with this number (1 is the first).
    View(usize),
    /// Mark the selected lead done (hidden from the Inbox), or not done again.
    ToggleDone,
    ToggleStar,
    /// Put back the marks the last triage key changed.
    Undo,
    /// Keep loading pages until the end (or stop doing so).
    LoadAll,
    /// Drop the status, assignee and search the rep chose: the view's own rule again.
    ClearFilters,
    /// Put a field of the selected lead on the clipboard.
    Copy(LeadField),
    /// Hand a field of the selected lead to the system: `mailto:`, `tel:` or its website.
    OpenWith(LeadField),
    /// Open the outbox: the leads typed here that are not created yet.
    Outbox,
    /// In the outbox: send the selected lead now (again), not waiting for its turn or its wait.
    SendAgain,
    /// In the outbox: take the selected lead out for good (asks once).
    Drop,
    /// A key of the create form; the focused field gives it its exact effect.
    Form(FormCommand),
}

/// What a key means to the form, before the focused field gives it its exact effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCommand {
    NextField,
    PrevField,
    /// Enter: open or pick in a list, toggle, a new line in notes, the next field, or press the button.
    Activate,
    /// Space: toggle a yes/no field or a multi-select option (types a space in text fields).
    Toggle,
    /// Left/Right on a list field: the previous or next choice (move the cursor in text fields).
    ChoicePrev,
    ChoiceNext,
    Submit,
    /// Send, and start the next lead at once with the sticky fields kept.
    SubmitAndNext,
    /// Keep the focused field for the next lead, or stop keeping it.
    ToggleSticky,
    /// Open the known lead the one typed looks like.
    OpenDuplicate,
    /// Edit the notes in the rep's `$EDITOR`.
    EditNotes,
    /// Undo (or redo) the last edit of the notes.
    Undo,
    Redo,
    Cancel,
    Quit,
    /// Ask for a custom field's key and add it to the form (a tenant whose fields leadbox was not told).
    AddCustomField,
}

impl Action {
    /// The word or two a hint gives the action after its key (`e email`, `J next lead`): help has the
    /// whole description.
    pub fn short_name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "help",
            Action::FocusNext => "next pane",
            Action::FocusPrev => "previous pane",
            Action::FocusStatus => "status",
            Action::FocusAssignee => "assignee",
            Action::NewLead => "new lead",
            Action::Reload => "reload",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::Open => "open",
            Action::Choose => "apply",
            Action::Back => "back",
            Action::Click => "select",
            Action::NextLead => "next lead",
            Action::PrevLead => "previous lead",
            Action::Search => "search",
            Action::View(_) => "view",
            Action::ToggleDone => "done",
            Action::ToggleStar => "star",
            Action::Undo => "undo",
            Action::LoadAll => "load all",
            Action::ClearFilters => "clear filters",
            Action::Copy(field) | Action::OpenWith(field) => field.word(),
            Action::Outbox => "outbox",
            Action::SendAgain => "send now",
            Action::Drop => "drop",
            Action::Form(_) => "form",
        }
    }
}

/// The fields of a lead that can be copied or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadField {
    Email,
    Phone,
    Name,
    Id,
    Website,
}

impl LeadField {
    pub fn word(self) -> &'static str {
        match self {
            LeadField::Email => "email",
            LeadField::Phone => "phone",
            LeadField::Name => "name",
            LeadField::Id => "id",
            LeadField::Website => "website",
        }
    }
}
