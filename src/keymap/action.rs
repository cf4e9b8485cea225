//! What a binding of the keymap does: the actions keys are bound to, what a key means to the form, and
//! the fields of a lead that can be copied or opened. A leaf: the keymap, the app and the form name them.

/// What a binding of the keymap does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Quit leadbox (asks first while leads wait to be sent).
    Quit,
    /// Open help, or close it.
    ToggleHelp,
    /// Move the keys to the next part of the list screen: list, status pane, assignee pane.
    FocusNext,
    /// Move the keys to the previous part of the list screen.
    FocusPrev,
    /// Focus the status pane, to filter by status.
    FocusStatus,
    /// Focus the assignee pane, to filter by assignee.
    FocusAssignee,
    /// Open the create form (with the draft kept from last time, if any).
    NewLead,
    /// Ask for the list again from its first page, or retry the page that failed.
    Reload,
    /// One row (line, entry) down.
    Down,
    /// One row (line, entry) up.
    Up,
    /// One screen down.
    PageDown,
    /// One screen up.
    PageUp,
    /// To the first row.
    Top,
    /// To the last row loaded.
    Bottom,
    /// Open the selected lead (in the outbox: edit it).
    Open,
    /// Apply the pane entry under the cursor (in the search box: keep the search).
    Choose,
    /// Back to the list: close the detail, the pane, the outbox or help; clear the search.
    Back,
    /// Select what was clicked: a lead, or an entry of a pane.
    Click,
    /// In a lead's detail: open the next lead of the list without going back.
    NextLead,
    /// In a lead's detail: open the previous lead of the list without going back.
    PrevLead,
    /// `/`: type a search over the loaded leads.
    Search,
    /// Switch to the view with this number (1 is the first).
    View(usize),
    /// Mark the selected lead done (hidden from the Inbox), or not done again.
    ToggleDone,
    /// Star the selected lead, or unstar it.
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
    /// Show the selected lead's detail beside the list, following the selection, or stop showing it.
    TogglePreview,
    /// Put the preview beside the list or below it.
    PreviewPlace,
    /// Open the outbox: the leads typed here that are not created yet.
    Outbox,
    /// In the outbox: send the selected lead now (again), not waiting for its turn or its wait.
    SendAgain,
    /// In the outbox: take the selected lead out for good (asks once).
    Drop,
    /// A key of the create form; the focused field gives it its exact effect.
    Form(FormCommand),
    /// Pick the selected lead for the keys that act on many leads at once (or unpick it), then move down.
    Pick,
    /// Pick every lead the list shows.
    PickAllShown,
    /// Unpick every picked lead.
    ClearPicked,
    /// Read the first page and the leads on screen again, so changes made elsewhere show at once.
    Refresh,
    /// Write the leads acted on as JSON Lines to a file, or hand them to a command (asks where).
    Export,
    /// Run the rep's own command with this index (the config file's `[[commands]]`, in order).
    Run(usize),
    /// `!`: type a command to run on the lead, once.
    CommandPrompt,
    /// Yes: run the command asked about.
    Confirm,
}

/// What a key means to the form, before the focused field gives it its exact effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCommand {
    /// Tab: the next field (Down too, past a text field's last line).
    NextField,
    /// Shift-Tab: the previous field.
    PrevField,
    /// Enter: open or pick in a list, toggle, a new line in notes, the next field, or press the button.
    Activate,
    /// Space: toggle a yes/no field or a multi-select option (types a space in text fields).
    Toggle,
    /// Left on a list field: the previous choice (moves the cursor in text fields, as Right does).
    ChoicePrev,
    /// Right on a list field: the next choice.
    ChoiceNext,
    /// Send the lead (it goes to the outbox) and close the form.
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
    /// Redo the last edit of the notes undone.
    Redo,
    /// Close the form (asks first if anything was typed).
    Cancel,
    /// Quit leadbox from the form (asks first if anything was typed).
    Quit,
    /// Ask for a custom field's key and add it to the form (a tenant whose fields leadbox was not told).
    AddCustomField,
}

impl Action {
    /// The word or two a hint gives the action after its key (`e email`, `J next lead`): help has the
    /// whole description.
    pub fn short_name(self) -> &'static str {
        super::defaults::hint_word(self)
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
