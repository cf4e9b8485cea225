//! What goes into `update` and what the keymap and the form make of it: the inbox's messages, the actions
//! keys are bound to, and what the form asks of the app. Kept apart from the state so that the keymap,
//! the form and the event loop can all name them without depending on each other.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::types::NewLead;
use crate::api::worker::{ApiEvent, ApiRequest};
pub use crate::keymap::action::{Action, FormCommand, LeadField};

/// A failure from outside the app (the rep's editor, the system's opener), kept whole and said in its own
/// words. Shared, so a message stays cheap to clone; two are equal when they say the same.
#[derive(Debug, Clone)]
pub struct Outside(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl Outside {
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Outside {
        Outside(std::sync::Arc::new(error))
    }
}

impl std::fmt::Display for Outside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for Outside {
    fn eq(&self, other: &Outside) -> bool {
        self.to_string() == other.to_string()
    }
}

/// Everything that can happen to the inbox: input, an answer from the API task, the clock.
// A message is moved once, from the event loop into `update`; boxing the API answer would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    Api(ApiEvent),
    Tick {
        now: DateTime<Utc>,
    },
    /// A moment with no key waiting: work a keystroke left (ranking a search over many leads) goes on
    /// by one share. The loop sends it while [`crate::app::App::search_pending`] says so.
    Continue,
    /// The notes came back from the rep's `$EDITOR` (or why they did not).
    Edited(Result<String, Outside>),
    /// An outbox entry could not be written to the state file (`why`), so no request for it left; the
    /// requests `dropped` were held back. `conflict` when another leadbox changed the entry first.
    NotKept {
        key: String,
        why: String,
        conflict: bool,
        dropped: Vec<crate::api::worker::RequestId>,
    },
    /// What other leadbox processes on this profile changed in the state file: the outbox and the marks
    /// as they now stand (each when it was read).
    Shared {
        outbox: Option<Vec<crate::outbox::OutboxEntry>>,
        marks: Option<std::collections::HashMap<String, crate::model::Marks>>,
    },
    /// Who sends this profile's outbox now.
    Sender(crate::store::sender::Sender),
    /// The custom fields this profile learned from the tenant's refusals, as the state file holds them
    /// (at start, or after another leadbox learned one).
    Learned(Vec<crate::tenant::CustomFieldDef>),
    /// The system's opener was handed `link` (an [`Effect::Open`]): it opened, or why nothing did.
    Opened {
        link: String,
        result: Result<(), Outside>,
    },
    /// What the background sync of the profile's mirror did.
    Sync(crate::sync::background::SyncNews),
    /// An [`Effect::Export`] of `count` leads was carried out, or why not.
    Exported {
        target: ExportTarget,
        count: usize,
        result: Result<(), Outside>,
    },
    /// A command the rep ran on a lead (an [`Effect::RunCommands`]) ended, as `ended` says.
    CommandEnded {
        name: String,
        ended: crate::model::user_command::Ended,
    },
}

/// Where an export's JSON Lines go: a file, or a command's standard input (`|jq -r .email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// A path as typed (a leading `~/` is the rep's home).
    File(String),
    /// A command line for `sh -c`, as typed after the `|`.
    Command(String),
}

/// What the app should do after the form handled a key.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    None,
    /// Close the form; the draft may be dropped (the user confirmed, or nothing was typed).
    Cancel,
    /// Send this lead (it goes to the outbox) and close the form.
    Submit(Box<NewLead>),
    /// Send this lead and open the form again for the next, keeping the sticky fields.
    SubmitAndNext(Box<NewLead>),
    /// Show the known lead the one typed looks like (the form stays as it is).
    OpenDuplicate,
    /// Hand the notes to the rep's `$EDITOR`.
    EditNotes(String),
    /// Quit the program (Ctrl-C; confirmed first if anything was typed).
    Quit,
}

/// Everything one message asks of the world beyond drawing: requests for the API task and effects for the
/// disk and the terminal, each in the order `update` decided them. The loop carries out the effects that
/// keep local state first, so a record is on disk before the request it describes leaves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub requests: Vec<ApiRequest>,
    pub effects: Vec<Effect>,
}

impl Output {
    /// Appends what a later message asked, after what this one asked.
    pub fn extend(&mut self, later: Output) {
        self.requests.extend(later.requests);
        self.effects.extend(later.effects);
    }
}

/// What the app asks of the terminal or the system, beyond drawing: the event loop carries these out after
/// `update`, which stays free of I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Put `text` on the clipboard (OSC 52, so it works over SSH too).
    Copy(String),
    /// Hand the notes to the rep's `$EDITOR`, the screen suspended meanwhile; they come back as
    /// [`Msg::Edited`].
    EditNotes(String),
    /// Hand a `mailto:`, `tel:` or `https:` link to the system's opener.
    Open(String),
    /// Run the rep's own command, once for each lead in order (in the background, or with the terminal
    /// handed over); each run's end comes back as [`Msg::CommandEnded`].
    RunCommands(Vec<crate::app::custom_commands::CommandRun>),
    /// Keep a lead's triage marks on disk (before the next frame shows them): only the flags that differ
    /// from `before` are written, so another leadbox's change to the others stays.
    SaveMarks {
        lead_id: String,
        before: crate::model::Marks,
        marks: crate::model::Marks,
    },
    /// Remember the view open, for the next start.
    RememberView(String),
    /// Add a command just typed at `!` to those kept for the next start.
    RememberCommand(String),
    /// Keep a list's first page on disk, drawn at once on the next start.
    CachePage {
        key: String,
        leads: Vec<crate::api::types::Lead>,
    },
    /// Keep an outbox entry on disk (before any request for it goes out).
    PutOutbox(Box<crate::outbox::OutboxEntry>),
    /// Take an entry out of the outbox on disk, if it is still at revision `rev`.
    RemoveOutbox { key: String, rev: u64 },
    /// Keep a custom field the tenant taught (by refusing a lead without it) in the profile's state, for
    /// the next lead, the next start and the other leadbox processes on the profile.
    LearnField(crate::tenant::CustomFieldDef),
    /// Write `text` (the JSON Lines of `count` leads) to a file or a command's standard input, off the loop;
    /// the outcome comes back as [`Msg::Exported`].
    Export {
        target: ExportTarget,
        text: String,
        count: usize,
    },
    /// Announce new leads: ring the bell and/or raise a desktop notification with `text` (sanitised).
    Alert {
        bell: bool,
        notify: crate::app::views::Notify,
        text: String,
    },
}
