//! The inbox's whole state and the only code that decides. `update` is pure: it reads nothing but its
//! message (time arrives as `Msg::Tick`), and everything it wants done comes back as one [`Output`]: the
//! requests for the API task and the effects for the disk and the terminal, each in the order decided.
//!
//! The state is split by what owns it, a file each: `input` (keys, sequences, clicks), `cursor` (moves),
//! `help`, `filtering` (panes and filters), `shown` (search, Unassigned, the view's rule, the unread count),
//! `triage` (marks and undo), `picked` (the leads the keys act on at once), `detail_screen`, `paging` (page requests and prefetch), `api_answers`,
//! `clock` (ticks, the next wake), `new_lead` and `form/` (the create form), `outbox_screen`, `shared` (other
//! leadbox processes on the profile), `opening` and `lead_actions` (the copy and open keys).

pub mod action;
mod api_answers;
mod clock;
mod cursor;
pub mod custom_commands;
pub mod detail;
mod detail_screen;
pub mod duplicates;
mod export;
mod filtering;
pub mod filters;
pub mod form;
mod help;
mod input;
pub mod layout;
pub mod lead_actions;
pub mod learned;
pub mod list;
mod marked_rows;
pub mod mirror;
pub mod new_lead;
mod opening;
pub mod outbox_screen;
mod paging;
mod picked;
pub mod poll;
pub mod preview;
mod refresh;
pub mod search;
mod shared;
mod shown;
mod triage;
pub mod views;

use chrono::{DateTime, Utc};

use crate::api::CompactId;
use crate::api::types::ListQuery;
use crate::api::worker::{ApiRequest, RequestId};
use crate::keymap::{Action, ActiveSet, Context, Key, Keymap};
use crate::outbox;
use crate::tenant::TenantProfile;
use crate::theme::Theme;
pub use action::{Effect, ExportTarget, LeadField, Msg, Output};
use detail::DetailState;
use filtering::PaneState;
use filters::PaneKind;
use form::Form;
use help::HelpState;
use input::SequenceState;
pub use layout::list_rows;
use list::LeadList;
use new_lead::NewLeadState;
use outbox_screen::OutboxScreen;
pub use paging::page_key;
use poll::Poller;
use shown::SearchState;
use triage::TriageState;

/// The most assignees the assignee pane lists beyond the team.
pub const MAX_SEEN_ASSIGNEES: usize = 500;

/// Leads per page unless configured otherwise: the contract's maximum, so a long scroll needs few requests.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    /// What leadbox knows of the tenant: its team and custom fields (and those learned from refusals).
    pub tenant: TenantProfile,
    pub page_size: u32,
    /// "sandbox" or the tenant's host.
    pub source_label: String,
    /// False: assignees as short ids and custom fields by raw key (no roster or field names known).
    pub show_names: bool,
    /// The rep's own user id in the tenant (`me` in the profile), for "Assigned to me".
    pub me: Option<String>,
    /// The bindings in force, the user's `[keys]` applied.
    pub keymap: Keymap,
    /// Colours by role, or none under `NO_COLOR`.
    pub theme: Theme,
    /// The views number keys switch between; empty means the built-in three.
    pub views: Vec<views::View>,
    /// How new leads are announced (off by default).
    pub alerts: views::Alerts,
    /// Seconds between two looks for new leads.
    pub poll_every_secs: u32,
    /// What a new lead's form starts with (the config file's `form_defaults`), by wire name.
    pub form_defaults: std::collections::BTreeMap<String, form::DraftValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Detail,
    /// The create form (drawn over the list).
    Form,
    /// The leads typed here and where each stands.
    Outbox,
}

/// Which part of the list screen takes keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Pane(PaneKind),
    /// The preview pane: the moving keys scroll it; the list's selection stays.
    Preview,
}

/// What the status bar says: the last error and the last notice, which of them came last, and a link on
/// its way to the system's opener.
#[derive(Debug, Clone, Default)]
struct StatusLine {
    /// The last error, in plain words; cleared by the next success.
    error: Option<String>,
    /// A confirmation for the status bar ("Created lead …"); cleared by the next key.
    notice: Option<String>,
    /// The notice was said after the error: the status bar shows the newer of the two.
    notice_newer: bool,
    /// The link handed to the system's opener, until it says whether it opened.
    opening: Option<String>,
}

/// The whole inbox: what each screen holds, and what the loop reads to draw, sleep and send.
#[derive(Debug, Clone)]
pub struct App {
    settings: AppSettings,
    now: DateTime<Utc>,
    width: u16,
    height: u16,
    next_id: RequestId,
    screen: Screen,
    focus: Focus,
    list: LeadList,
    /// Looks at the list's first page again now and then for leads that arrived since.
    poller: Poller,
    /// Keep asking for the next page until the list is complete (`L`).
    load_all: bool,
    /// `J` at the last loaded lead while more is loading: open the next one when its page arrives.
    step_when_loaded: bool,
    /// Only leads nobody is assigned to, among those loaded (the tenant cannot filter so).
    unassigned: bool,
    views: Vec<views::View>,
    /// The index of the view open in `views`.
    view_index: usize,
    /// Unseen leads among those shown.
    unread: usize,
    search: SearchState,
    triage: TriageState,
    /// Which rows carry each mark, worked out once per change of the list or the marks.
    marked: marked_rows::MarkedRows,
    /// The leads picked for the keys that act on many at once.
    picked: picked::PickedState,
    /// `R` under way: the first page and the leads on screen read again.
    refresh: refresh::RefreshState,
    /// `E`: where the leads go, and their read while it runs.
    export: export::ExportState,
    panes: PaneState,
    detail: Option<DetailState>,
    preview: preview::PreviewState,
    help: HelpState,
    new_lead: NewLeadState,
    /// Every lead typed here, from recorded to created.
    outbox: outbox::Outbox,
    outbox_screen: OutboxScreen,
    /// Why leads wait in the outbox, and the sentence last said of it: redone as the outbox drains.
    waiting: Option<(String, String)>,
    /// Who sends this profile's outbox: this process, or another leadbox on the same profile.
    sender: crate::store::sender::Sender,
    sequence: SequenceState,
    /// Advanced by each tick while a request is in flight.
    spinner: usize,
    said: StatusLine,
    /// What the message being handled asks of the disk and the terminal, handed out with its requests.
    effects: Vec<Effect>,
    /// The last message changed nothing on screen (a poll that found nothing new), so no frame is due.
    unchanged: bool,
    /// `q` was pressed with leads still to send: the next `q` quits.
    quit_asked: bool,
    quit: bool,
    /// The profile's mirror, when it keeps one.
    mirror: Option<mirror::MirrorState>,
    /// The rep's own commands, the `!` prompt, and a command on its way to run.
    commands: custom_commands::CommandsState,
}

impl App {
    pub fn new(settings: AppSettings, now: DateTime<Utc>, width: u16, height: u16) -> App {
        let poll_every_secs = settings.poll_every_secs;
        let query = ListQuery {
            limit: Some(settings.page_size),
            ..ListQuery::default()
        };
        let views = if settings.views.is_empty() {
            views::views(&[], None, &TenantProfile::default()).0
        } else {
            settings.views.clone()
        };
        App {
            settings,
            now,
            width,
            height,
            next_id: 1,
            screen: Screen::List,
            focus: Focus::List,
            list: LeadList::new(query),
            poller: Poller::new(poll_every_secs),
            load_all: false,
            step_when_loaded: false,
            unassigned: false,
            views,
            view_index: 0,
            unread: 0,
            search: SearchState::default(),
            triage: TriageState::default(),
            marked: marked_rows::MarkedRows::default(),
            picked: picked::PickedState::default(),
            refresh: refresh::RefreshState::default(),
            export: export::ExportState::default(),
            panes: PaneState::default(),
            detail: None,
            preview: preview::PreviewState::default(),
            help: HelpState::default(),
            new_lead: NewLeadState::default(),
            outbox: outbox::Outbox::default(),
            outbox_screen: OutboxScreen::default(),
            waiting: None,
            sender: crate::store::sender::Sender::Me,
            sequence: SequenceState::default(),
            spinner: 0,
            said: StatusLine::default(),
            effects: Vec::new(),
            unchanged: false,
            quit_asked: false,
            quit: false,
            mirror: None,
            commands: custom_commands::CommandsState::default(),
        }
    }

    /// The first page request, and the look for a lead left mid-send by the last session.
    pub fn start(&mut self) -> Output {
        let mut requests = self.prefetch();
        // A lead left mid-send by the last session is looked for now, not at the first tick.
        requests.extend(self.pump_outbox());
        self.output(requests)
    }

    /// `requests` with the effects decided alongside them, handed out together.
    fn output(&mut self, requests: Vec<ApiRequest>) -> Output {
        Output {
            requests,
            effects: std::mem::take(&mut self.effects),
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }

    pub fn theme(&self) -> &Theme {
        &self.settings.theme
    }

    pub fn keymap(&self) -> &Keymap {
        &self.settings.keymap
    }

    /// True while the list shows only the loaded leads nobody is assigned to.
    pub fn unassigned_only(&self) -> bool {
        self.unassigned
    }

    /// Unseen leads among those shown.
    pub fn unread(&self) -> usize {
        self.unread
    }

    pub fn views(&self) -> &[views::View] {
        &self.views
    }

    /// The index of the view open.
    pub fn view_index(&self) -> usize {
        self.view_index
    }

    /// True while every page is being loaded (`L`).
    pub fn loading_all(&self) -> bool {
        self.load_all
    }

    /// The leads typed here and where each stands.
    pub fn outbox(&self) -> &outbox::Outbox {
        &self.outbox
    }

    /// True when the last message changed nothing that is drawn, so the frame on screen still holds.
    pub fn unchanged(&self) -> bool {
        self.unchanged
    }

    /// The keys of a sequence typed so far, for the status bar to echo.
    pub fn pending_keys(&self) -> &[Key] {
        &self.sequence.keys
    }

    pub fn list(&self) -> &LeadList {
        &self.list
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn detail(&self) -> Option<&DetailState> {
        self.detail.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.said.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.said.notice.as_deref()
    }

    /// True when the notice was said after the error (the rep pressed a key since): it is shown first.
    pub fn notice_is_newer(&self) -> bool {
        self.said.notice_newer
    }

    /// Whether the open form holds a lead of the outbox (being edited) rather than a new one.
    pub fn editing_queued(&self) -> bool {
        self.new_lead.editing.is_some()
    }

    /// The create form, while it is open.
    pub fn form(&self) -> Option<&Form> {
        self.new_lead.form.as_ref()
    }

    /// Which frame of the activity spinner to show; it turns while requests are awaited.
    pub fn spinner(&self) -> usize {
        self.spinner
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// The poll for new leads awaited, if any. Its answer adds new leads at the top; the page walk never
    /// waits for it, and `busy` ignores it so the spinner does not turn every 30 s for a background look.
    pub fn poll_in_flight(&self) -> Option<RequestId> {
        self.poller.in_flight()
    }

    /// True while any request is awaited.
    pub fn busy(&self) -> bool {
        self.list.in_flight().is_some()
            || self.refreshing()
            || self.exporting()
            || self.detail.as_ref().is_some_and(|d| d.request.is_some())
            || self.preview.request().is_some()
            || self.new_lead.form.as_ref().is_some_and(Form::is_sending)
            || self.reading_for_command()
    }

    /// What takes the keys and the mouse on the screen as it stands. The search box, while open, takes the
    /// typed keys itself (`on_search_key`); the mouse still reaches the list under it.
    pub fn active_set(&self) -> ActiveSet {
        if let Some(set) = self.command_keys() {
            return set;
        }
        if self.help.open {
            return ActiveSet::Help;
        }
        match (self.screen, self.focus) {
            (Screen::Form, _) => ActiveSet::Form,
            (Screen::Detail, _) => ActiveSet::Detail,
            (Screen::List, Focus::List) => ActiveSet::List,
            (Screen::List, Focus::Pane(_)) => ActiveSet::Pane,
            // The focused preview reads the keys as the detail does: they scroll it, Esc goes back.
            (Screen::List, Focus::Preview) => ActiveSet::Detail,
            (Screen::Outbox, _) => ActiveSet::Outbox,
        }
    }

    /// The keymap's contexts in force, most specific first.
    pub fn contexts(&self) -> &'static [Context] {
        self.active_set().contexts()
    }
}

/// Hands `msg` to the app: the state changes, and what it asks of the world comes back.
pub fn update(app: &mut App, msg: Msg) -> Output {
    let said = (app.said.error.clone(), app.said.notice.clone());
    let mut requests = update_inner(app, msg);
    // Whatever moved the selection (a key, a click, a poll, a filter), the preview follows it.
    requests.extend(app.follow_selection());
    // Whichever of the two was said last is what the rep reads.
    if app.said.error.is_some() && app.said.error != said.0 {
        app.said.notice_newer = false;
    } else if app.said.notice.is_some() && app.said.notice != said.1 {
        app.said.notice_newer = true;
    }
    app.output(requests)
}

fn update_inner(app: &mut App, msg: Msg) -> Vec<ApiRequest> {
    app.unchanged = false;
    if !matches!(msg, Msg::NotKept { .. }) {
        app.new_lead.submitted = None;
    }
    match msg {
        Msg::Key(key) => app.on_key(key),
        Msg::Mouse(mouse) => match app.settings.keymap.action_for_mouse(app.contexts(), &mouse) {
            Some((Action::Click, _)) if !app.help.open => app.on_click(mouse.column, mouse.row),
            Some((action, rows)) if !app.help.open => app.on_wheel(action, rows, mouse.column, mouse.row),
            _ => Vec::new(),
        },
        // Pasting means something only in the create form.
        Msg::Edited(result) => {
            app.on_edited(result);
            Vec::new()
        }
        Msg::Paste(text) => {
            if let Some(form) = app.new_lead.form.as_mut().filter(|_| app.screen == Screen::Form) {
                form.handle_paste(&text);
            }
            Vec::new()
        }
        Msg::Resize { width, height } => app.on_resize(width, height),
        Msg::Api(event) => app.on_api(event),
        Msg::Tick { now } => {
            let mut out = app.on_tick(now);
            out.extend(app.preview_tick(now));
            out
        }
        Msg::Continue => {
            app.continue_search();
            Vec::new()
        }
        Msg::NotKept {
            key,
            why,
            conflict,
            dropped,
        } => app.on_not_kept(&key, &why, conflict, &dropped),
        Msg::Shared { outbox, marks } => app.on_shared(outbox, marks),
        Msg::Sender(sender) => app.on_sender(sender),
        Msg::Learned(defs) => {
            app.learn_fields(&defs);
            Vec::new()
        }
        Msg::Opened { link, result } => {
            app.on_opened(&link, result);
            Vec::new()
        }
        Msg::Sync(news) => app.on_sync(news),
        Msg::Exported { target, count, result } => {
            app.on_exported(&target, count, result);
            Vec::new()
        }
        Msg::CommandEnded { name, ended } => {
            app.on_command_ended(&name, &ended);
            Vec::new()
        }
    }
}
