//! The inbox's whole state and the only code that decides. `update` is pure: it reads nothing but its
//! message (time arrives as `Msg::Tick`), and everything it wants done comes back as `ApiRequest`s.

pub mod action;
pub mod detail;
pub mod duplicates;
pub mod filters;
pub mod form;
pub mod layout;
pub mod lead_actions;
pub mod learned;
pub mod list;
pub mod new_lead;
mod opening;
use crate::outbox;
pub mod outbox_screen;
pub mod poll;
pub mod search;
mod shared;
pub mod views;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::api::types::{Lead, LeadStatus, ListQuery, Page};
use crate::api::worker::{ApiEvent, ApiRequest, RequestId};
use crate::api::{ApiError, CompactId};
use crate::keymap::{Action, Context, Key, Keymap, Resolved};
use crate::tenant::TenantProfile;
pub use action::{Effect, LeadField, Msg};
use detail::DetailState;
use filters::PaneKind;
use form::Form;

use std::collections::HashMap;

/// The most assignees the assignee pane lists beyond the team.
pub const MAX_SEEN_ASSIGNEES: usize = 500;

use crate::model::CompactLead;
use crate::model::Marks;
use crate::theme::Theme;
pub use layout::list_rows;
use layout::{Hit, LayoutState, SIDEBAR_ALWAYS_FROM, ScreenLayout};
use list::LeadList;
use poll::Poller;
use search::Search;

/// Leads per page unless configured otherwise: the contract's maximum, so a long scroll needs few requests.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub profile: TenantProfile,
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
}

#[derive(Debug, Clone)]
pub struct App {
    settings: AppSettings,
    now: DateTime<Utc>,
    width: u16,
    height: u16,
    next_id: RequestId,
    list: LeadList,
    /// Looks at the list's first page again now and then for leads that arrived since.
    poller: Poller,
    /// Every lead typed here, from recorded to created.
    outbox: outbox::Outbox,
    /// The outbox entry the open form edits (a lead the tenant refused), sent again on submit.
    editing: Option<String>,
    /// Why leads wait in the outbox, and the sentence last said of it: redone as the outbox drains.
    waiting: Option<(String, String)>,
    /// The notice was said after the error: the status bar shows the newer of the two.
    notice_newer: bool,
    /// The outbox entry the form sent in the message being handled: should it not reach the disk, the
    /// form opens again with it.
    submitted: Option<String>,
    /// Who sends this profile's outbox: this process, or another leadbox on the same profile.
    sender: crate::store::sender::Sender,
    /// Leads kept on this machine from earlier sessions, for the look-alike check.
    known: Vec<CompactLead>,
    /// Notes waiting to be handed to the rep's `$EDITOR`.
    editor_request: Option<String>,
    /// The known lead the form's lead was last found to look like.
    look_alike: Option<duplicates::Known>,
    /// The row selected in the outbox screen.
    outbox_selected: usize,
    /// The outbox entry `x` was pressed on once: the next `x` on it drops it.
    drop_asked: Option<String>,
    /// `q` was pressed with leads still to send: the next `q` quits.
    quit_asked: bool,
    /// The last message changed nothing on screen (a poll that found nothing new), so no frame is due.
    unchanged: bool,
    /// Assignee ids seen in loaded leads, in the order first seen, across filter changes.
    seen_assignees: Vec<String>,
    seen_assignee_set: std::collections::HashSet<String>,
    screen: Screen,
    focus: Focus,
    status_cursor: usize,
    assignee_cursor: usize,
    detail: Option<DetailState>,
    help: bool,
    /// How far help is scrolled, when it is taller than the terminal.
    help_scroll: usize,
    /// Advanced by each tick while a request is in flight.
    spinner: usize,
    /// The last error, in plain words; cleared by the next success.
    error: Option<String>,
    /// A confirmation for the status bar ("Created lead …"); cleared by the next key.
    notice: Option<String>,
    /// The link handed to the system's opener, until it says whether it opened.
    opening: Option<String>,
    /// The create form while it is open.
    form: Option<Form>,
    /// A draft from last time, waiting for `n` to open the form with it.
    pending_draft: Option<form::Draft>,
    /// The keys of a sequence pressed so far (`g` of `g g`).
    pending_keys: Vec<Key>,
    /// The error a sequence that fits nothing gave: it answers that key only, so the next key takes it
    /// away (an error from the tenant stays until a success).
    unbound_error: Option<String>,
    /// What the event loop is to do beyond drawing (the clipboard, the system's opener).
    effects: Vec<Effect>,
    /// `J` at the last loaded lead while more is loading: open the next one when its page arrives.
    step_when_loaded: bool,
    /// The search in force, if any.
    search: Option<Search>,
    /// Only leads nobody is assigned to, among those loaded (the tenant cannot filter so).
    unassigned: bool,
    /// The search box, while the rep types in it.
    search_input: Option<tui_input::Input>,
    /// Results of the queries typed in this search, while the leads and marks stay as they were.
    search_cache: Vec<(String, Option<Vec<u32>>)>,
    /// Keep asking for the next page until the list is complete (`L`).
    load_all: bool,
    /// Triage marks kept on this machine, by lead id.
    marks: HashMap<CompactId, Marks>,
    /// The marks before the last triage key, for `u`.
    undo: Vec<(CompactId, Marks)>,
    views: Vec<views::View>,
    view: usize,
    /// Unseen leads among those shown.
    unread: usize,
    quit: bool,
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
            list: LeadList::new(query),
            poller: Poller::new(poll_every_secs),
            unchanged: false,
            outbox: outbox::Outbox::default(),
            sender: crate::store::sender::Sender::Me,
            submitted: None,
            waiting: None,
            notice_newer: false,
            quit_asked: false,
            editing: None,
            outbox_selected: 0,
            look_alike: None,
            editor_request: None,
            known: Vec::new(),
            drop_asked: None,
            seen_assignees: Vec::new(),
            seen_assignee_set: std::collections::HashSet::new(),
            screen: Screen::List,
            focus: Focus::List,
            status_cursor: 0,
            assignee_cursor: 0,
            detail: None,
            help: false,
            help_scroll: 0,
            spinner: 0,
            error: None,
            notice: None,
            opening: None,
            form: None,
            pending_draft: None,
            pending_keys: Vec::new(),
            unbound_error: None,
            effects: Vec::new(),
            step_when_loaded: false,
            search: None,
            unassigned: false,
            search_input: None,
            search_cache: Vec::new(),
            load_all: false,
            marks: HashMap::new(),
            undo: Vec::new(),
            views,
            view: 0,
            unread: 0,
            quit: false,
        }
    }

    /// The first page request.
    pub fn start(&mut self) -> Vec<ApiRequest> {
        let mut out = self.prefetch();
        // A lead left mid-send by the last session is looked for now, not at the first tick.
        out.extend(self.pump_outbox());
        out
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

    /// The search in force: its query, while it narrows the list.
    pub fn search_query(&self) -> Option<&str> {
        self.search.as_ref().map(Search::query)
    }

    /// The search box's text and cursor column, while the rep types in it.
    pub fn search_box(&self) -> Option<(&str, usize)> {
        self.search_input.as_ref().map(|i| (i.value(), i.visual_cursor()))
    }

    /// The marks of a lead (unseen, not done, not starred when it has none).
    pub fn marks_of(&self, lead_id: &CompactId) -> Marks {
        self.marks.get(lead_id).copied().unwrap_or_default()
    }

    /// Unseen leads among those shown.
    pub fn unread(&self) -> usize {
        self.unread
    }

    pub fn views(&self) -> &[views::View] {
        &self.views
    }

    /// The index of the view open.
    pub fn view(&self) -> usize {
        self.view
    }

    /// Hands the app the marks kept from earlier sessions and the view last open. Called before the first
    /// key, like `restore_draft`.
    pub fn restore_triage(&mut self, marks: HashMap<String, Marks>, view: Option<&str>) {
        self.marks = marks.into_iter().map(|(id, m)| (CompactId::new(&id), m)).collect();
        if let Some(i) = view.and_then(|name| self.views.iter().position(|v| v.name == name)) {
            self.view = i;
            if let Some(v) = self.views.get(i).filter(|v| v.saved) {
                // Nothing is asked for yet: `start` asks for the first page of this view's list.
                self.list = LeadList::new(ListQuery {
                    status: v.status.clone(),
                    assigned_to: v.assigned_to.clone(),
                    limit: Some(self.settings.page_size),
                });
            }
        }
        self.refresh_shown(false);
    }

    /// Draws the first page kept from last time (for the list in force) until the live one arrives.
    pub fn restore_cached_page(&mut self, leads: &[Lead]) {
        self.list.show_cached(leads);
        self.note_assignees(leads);
        self.refresh_shown(false);
    }

    /// Hands the app the leads kept on this machine from earlier sessions (every view's first page), so a
    /// lead typed again is recognised even when its view is not the one open.
    pub fn remember_known(&mut self, leads: &[Lead]) {
        self.known = leads.iter().map(CompactLead::new).collect();
    }

    /// True while every page is being loaded (`L`).
    pub fn loading_all(&self) -> bool {
        self.load_all
    }

    /// The leads typed here and where each stands.
    pub fn outbox(&self) -> &outbox::Outbox {
        &self.outbox
    }

    /// Hands the app the outbox kept from earlier sessions (called before the first key); sending resumes
    /// with the first tick.
    pub fn restore_outbox(&mut self, entries: Vec<outbox::OutboxEntry>) {
        self.outbox = outbox::Outbox::restore(entries);
    }

    /// True when the last message changed nothing that is drawn, so the frame on screen still holds.
    pub fn unchanged(&self) -> bool {
        self.unchanged
    }

    /// Takes what the event loop is to carry out: copies to the clipboard, links to open.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The keys of a sequence typed so far, for the status bar to echo.
    pub fn pending_keys(&self) -> &[Key] {
        &self.pending_keys
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

    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    pub fn help_open(&self) -> bool {
        self.help
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// True when the notice was said after the error (the rep pressed a key since): it is shown first.
    pub fn notice_is_newer(&self) -> bool {
        self.notice_newer
    }

    /// Whether the open form holds a lead of the outbox (being edited) rather than a new one.
    pub fn editing_queued(&self) -> bool {
        self.editing.is_some()
    }

    /// The create form, while it is open.
    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
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

    /// Assignee ids seen in loaded leads, first seen first.
    pub fn seen_assignees(&self) -> &[String] {
        &self.seen_assignees
    }

    /// The pane's highlighted entry.
    pub fn pane_cursor(&self, pane: PaneKind) -> usize {
        match pane {
            PaneKind::Status => self.status_cursor,
            PaneKind::Assignee => self.assignee_cursor,
        }
    }

    /// The poll for new leads awaited, if any. Its answer adds new leads at the top; the page walk never
    /// waits for it, and `busy` ignores it so the spinner does not turn every 30 s for a background look.
    pub fn poll_in_flight(&self) -> Option<RequestId> {
        self.poller.in_flight()
    }

    /// True while any request is awaited.
    pub fn busy(&self) -> bool {
        self.list.in_flight().is_some()
            || self.detail.as_ref().is_some_and(|d| d.request.is_some())
            || self.form.as_ref().is_some_and(Form::is_sending)
    }

    /// The selection comes this close to the last loaded lead before the next page is asked for: two
    /// screens, so that at key-repeat speed the page is there before the user is.
    pub fn prefetch_distance(&self) -> usize {
        2 * list_rows(self.height)
    }

    /// True when the list screen shows the "loading…" row: the user has caught up with paging.
    pub fn loading_row_visible(&self) -> bool {
        self.screen == Screen::List
            && self.list.trailer() == list::Trailer::Loading
            && self.list.trailer_visible(list_rows(self.height))
    }

    /// Where everything is on screen now: what `ui` draws into and what clicks are read against.
    pub fn layout(&self) -> ScreenLayout {
        let state = LayoutState {
            sidebar: self.sidebar_visible(),
            list_offset: self.list.offset(),
            list_selected: self.list.selected(),
            list_row_count: self.list.row_count(),
            status_cursor: self.status_cursor,
            assignee_cursor: self.assignee_cursor,
        };
        layout::screen_layout(ratatui::layout::Rect::new(0, 0, self.width, self.height), state)
    }

    pub fn sidebar_visible(&self) -> bool {
        self.screen == Screen::List && (self.width >= SIDEBAR_ALWAYS_FROM || matches!(self.focus, Focus::Pane(_)))
    }

    pub fn assignee_options(&self) -> Vec<filters::AssigneeOption> {
        filters::assignee_options(
            &self.settings.profile,
            self.settings.show_names,
            self.settings.me.as_deref(),
            &self.seen_assignees,
        )
    }

    fn new_id(&mut self) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn request_page(&mut self, cursor: Option<String>) -> Vec<ApiRequest> {
        let id = self.new_id();
        self.list.mark_loading(id);
        vec![ApiRequest::List {
            id,
            query: self.list.query().clone(),
            cursor,
        }]
    }

    /// The view shows every lead it can ever show, so no page need be walked for it: the Starred view
    /// once every starred lead is listed (none starred: at once). Starred is known here, not at the tenant.
    pub fn view_complete(&self) -> bool {
        let triage = self.views.get(self.view).map_or(views::Triage::All, |v| v.triage);
        if triage != views::Triage::Starred || self.search.is_some() {
            return false;
        }
        let starred = self.marks.values().filter(|m| m.starred).count();
        self.list.len() >= starred
    }

    fn prefetch(&mut self) -> Vec<ApiRequest> {
        if self.view_complete() && !self.load_all {
            return Vec::new();
        }
        let distance = if self.load_all {
            usize::MAX
        } else {
            self.prefetch_distance()
        };
        match self.list.wants_page(distance) {
            Some(cursor) => self.request_page(cursor),
            None => Vec::new(),
        }
    }

    /// Starts a new list for `query` at once; the old list's page in flight is cancelled and its answer
    /// will be dropped.
    fn restart_list(&mut self, status: Option<LeadStatus>, assigned_to: Option<String>) -> Vec<ApiRequest> {
        let mut out = Vec::new();
        self.load_all = false;
        if let Some(old) = self.list.in_flight() {
            out.push(ApiRequest::Cancel { id: old });
        }
        if let Some(old) = self.poller.reset() {
            out.push(ApiRequest::Cancel { id: old });
        }
        self.list = LeadList::new(ListQuery {
            status,
            assigned_to,
            limit: Some(self.settings.page_size),
        });
        out.extend(self.prefetch());
        out
    }

    /// The keymap's contexts in force, most specific first.
    pub fn contexts(&self) -> &'static [Context] {
        if self.help {
            return &[Context::Help, Context::Move, Context::Global];
        }
        match (self.screen, self.focus) {
            (Screen::Form, _) => &[],
            (Screen::Detail, _) => &[Context::Detail, Context::Lead, Context::Move, Context::Global],
            (Screen::List, Focus::List) => &[Context::List, Context::Lead, Context::Move, Context::Global],
            (Screen::List, Focus::Pane(_)) => &[Context::Pane, Context::Move, Context::Global],
            (Screen::Outbox, _) => &[Context::Outbox, Context::Move, Context::Global],
        }
    }

    /// Quits, unless leads are still to be sent and the rep was not asked yet.
    fn request_quit(&mut self, asked: bool) {
        let pending = self.outbox.pending();
        if pending == 0 || asked {
            self.quit = true;
            return;
        }
        self.quit_asked = true;
        let quit = self
            .keymap()
            .hint_key(Context::Global, Action::Quit)
            .unwrap_or_default();
        self.notice = Some(format!(
            "{} not sent yet: {quit} again quits (sending resumes at the next start)",
            crate::text::plural(pending, "lead")
        ));
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        self.notice = None;
        if key.kind != crossterm::event::KeyEventKind::Release
            && let Some(said) = self.unbound_error.take()
            && self.error.as_deref() == Some(said.as_str())
        {
            self.error = None;
        }
        if self.screen == Screen::Form {
            return self.on_form_key(key);
        }
        if self.search_input.is_some() && self.screen == Screen::List {
            return self.on_search_key(key);
        }
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        let pending = std::mem::take(&mut self.pending_keys);
        // Esc ends a sequence begun by mistake, and does nothing else.
        if !pending.is_empty() && key.code == crossterm::event::KeyCode::Esc {
            return Vec::new();
        }
        match self.settings.keymap.resolve(self.contexts(), &pending, &key) {
            Resolved::Action(action) => self.on_action(action, 1),
            Resolved::Pending => {
                self.pending_keys = pending;
                self.pending_keys.push(Key::of(&key));
                Vec::new()
            }
            Resolved::Unbound => {
                let said = self.unbound_sequence(&pending, &key);
                self.unbound_error = Some(said.clone());
                self.error = Some(said);
                Vec::new()
            }
            Resolved::None => Vec::new(),
        }
    }

    /// "y z: no such key; y e email · y p phone · y n name · y i id": what was typed, and what would have
    /// done something, from the keymap in force.
    fn unbound_sequence(&self, pending: &[Key], key: &KeyEvent) -> String {
        let typed = pending.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" ");
        let next = self
            .keymap()
            .continuations(self.contexts(), pending)
            .into_iter()
            .map(|(rest, action)| format!("{typed} {rest} {}", action.short_name()))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("{typed} {}: no such key; {next}", Key::of(key).short_label())
    }

    fn on_action(&mut self, action: Action, times: usize) -> Vec<ApiRequest> {
        // Asked to confirm a quit: only the very next action can confirm it.
        let asked = std::mem::take(&mut self.quit_asked);
        if self.help {
            match action {
                Action::Quit => self.request_quit(asked),
                Action::Back | Action::ToggleHelp => {
                    self.help = false;
                    self.help_scroll = 0;
                }
                // Help taller than the terminal scrolls; drawing stops it at the last line.
                Action::Down | Action::PageDown => self.help_scroll = (self.help_scroll + times).min(200),
                Action::Up | Action::PageUp => self.help_scroll = self.help_scroll.saturating_sub(times),
                Action::Top => self.help_scroll = 0,
                _ => {}
            }
            return Vec::new();
        }
        if self.screen == Screen::Outbox
            && let Some(out) = self.on_outbox_action(action, times)
        {
            return out;
        }
        match action {
            Action::Outbox => {
                self.open_outbox();
                Vec::new()
            }
            // Only the outbox screen has a lead of the outbox selected.
            Action::SendAgain | Action::Drop => Vec::new(),
            Action::Quit => {
                self.request_quit(asked);
                Vec::new()
            }
            Action::ToggleHelp => {
                self.help = true;
                Vec::new()
            }
            Action::FocusNext | Action::FocusPrev | Action::FocusStatus | Action::FocusAssignee => {
                let mut out = self.leave_detail();
                self.focus = match (action, self.focus) {
                    (Action::FocusStatus, _) => Focus::Pane(PaneKind::Status),
                    (Action::FocusAssignee, _) => Focus::Pane(PaneKind::Assignee),
                    (Action::FocusNext, Focus::List) | (Action::FocusPrev, Focus::Pane(PaneKind::Assignee)) => {
                        Focus::Pane(PaneKind::Status)
                    }
                    (Action::FocusNext, Focus::Pane(PaneKind::Status)) | (Action::FocusPrev, Focus::List) => {
                        Focus::Pane(PaneKind::Assignee)
                    }
                    _ => Focus::List,
                };
                out.extend(self.prefetch());
                out
            }
            Action::NewLead => {
                let out = self.leave_detail();
                self.focus = Focus::List;
                self.open_form();
                out
            }
            Action::Reload => {
                // After a failed page, `r` asks for that page again and keeps the place.
                if let Some(cursor) = self.list.failed_cursor() {
                    return self.request_page(cursor);
                }
                let status = self.list.query().status.clone();
                let assignee = self.list.query().assigned_to.clone();
                let mut out = self.leave_detail();
                out.extend(self.restart_list(status, assignee));
                out
            }
            Action::Open => self.open_detail(),
            Action::Choose => self.choose_filter(),
            Action::ClearFilters => self.clear_filters(),
            Action::Back if self.screen == Screen::List && self.focus == Focus::List && self.search.is_some() => {
                self.clear_search();
                self.notice = Some("Search cleared".to_string());
                Vec::new()
            }
            Action::Back => {
                let out = self.leave_detail();
                self.focus = Focus::List;
                out
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp | Action::Top | Action::Bottom => {
                self.move_cursor(action, times)
            }
            // Clicks carry a position and are handled by `on_click`.
            Action::Click => Vec::new(),
            Action::Search => {
                let current = self.search.as_ref().map_or("", Search::query).to_string();
                self.search_input = Some(tui_input::Input::new(current));
                Vec::new()
            }
            Action::LoadAll => {
                self.load_all = !self.load_all && self.list.has_more();
                self.notice = Some(if self.load_all {
                    "Loading every page · L stops".to_string()
                } else {
                    "Stopped loading".to_string()
                });
                self.prefetch()
            }
            Action::View(i) => self.switch_view(i),
            Action::ToggleDone => {
                self.triage(|m| m.done = !m.done);
                Vec::new()
            }
            Action::ToggleStar => {
                self.triage(|m| m.starred = !m.starred);
                Vec::new()
            }
            Action::Undo => {
                if let Some((id, before)) = self.undo.pop() {
                    self.set_marks(&id, before);
                    self.notice = Some("Undone".to_string());
                } else {
                    self.notice = Some("Nothing to undo".to_string());
                }
                Vec::new()
            }
            Action::NextLead => self.step_detail(1),
            Action::PrevLead => self.step_detail(-1),
            Action::Copy(field) => {
                self.copy(field);
                Vec::new()
            }
            Action::OpenWith(field) => {
                self.open_with(field);
                Vec::new()
            }
            // The form reads its own keys (`on_form_key`); they never reach here.
            Action::Form(_) => Vec::new(),
        }
    }

    fn move_cursor(&mut self, action: Action, times: usize) -> Vec<ApiRequest> {
        let step = times as isize;
        match (self.screen, self.focus) {
            // Moves in the outbox are its own (`on_outbox_action`).
            (Screen::Outbox, _) => Vec::new(),
            (Screen::Detail, _) => {
                let (_, rows) = self.layout().detail_text_size();
                let max = self.detail_line_count().saturating_sub(rows);
                if let Some(d) = self.detail.as_mut() {
                    d.scroll = match action {
                        Action::Down => d.scroll + times,
                        Action::Up => d.scroll.saturating_sub(times),
                        Action::PageDown => d.scroll + rows,
                        Action::PageUp => d.scroll.saturating_sub(rows),
                        Action::Top => 0,
                        _ => max,
                    }
                    .min(max);
                }
                Vec::new()
            }
            (Screen::List, Focus::List) => {
                let rows = list_rows(self.height);
                match action {
                    Action::Down => self.list.move_by(step, rows),
                    Action::Up => self.list.move_by(-step, rows),
                    Action::PageDown => self.list.move_by(rows as isize, rows),
                    Action::PageUp => self.list.move_by(-(rows as isize), rows),
                    Action::Top => self.list.select(0, rows),
                    _ => self.list.select(usize::MAX, rows),
                }
                self.prefetch()
            }
            (Screen::List, Focus::Pane(pane)) => {
                let len = match pane {
                    PaneKind::Status => filters::status_options().len(),
                    PaneKind::Assignee => self.assignee_options().len(),
                };
                let cursor = match pane {
                    PaneKind::Status => &mut self.status_cursor,
                    PaneKind::Assignee => &mut self.assignee_cursor,
                };
                *cursor = match action {
                    Action::Down | Action::PageDown => cursor.saturating_add(times),
                    Action::Up | Action::PageUp => cursor.saturating_sub(times),
                    Action::Top => 0,
                    _ => usize::MAX,
                }
                .min(len.saturating_sub(1));
                Vec::new()
            }
            (Screen::Form, _) => Vec::new(),
        }
    }

    /// A left click on the list screen: on a lead, selects it and focuses the list; on a pane's entry,
    /// focuses the pane with its cursor there (Enter then applies it).
    fn on_click(&mut self, column: u16, row: u16) -> Vec<ApiRequest> {
        if self.screen != Screen::List {
            return Vec::new();
        }
        match self.layout().hit(column, row) {
            Some(Hit::PaneEntry(pane, index)) => {
                let len = match pane {
                    PaneKind::Status => filters::status_options().len(),
                    PaneKind::Assignee => self.assignee_options().len(),
                };
                if index < len {
                    self.focus = Focus::Pane(pane);
                    match pane {
                        PaneKind::Status => self.status_cursor = index,
                        PaneKind::Assignee => self.assignee_cursor = index,
                    }
                }
                Vec::new()
            }
            Some(Hit::Lead(index)) if index < self.list.len() => {
                self.focus = Focus::List;
                self.list.select(index, list_rows(self.height));
                self.prefetch()
            }
            _ => Vec::new(),
        }
    }

    fn detail_line_count(&self) -> usize {
        let (width, _) = self.layout().detail_text_size();
        self.detail.as_ref().map_or(0, |d| {
            detail::document(
                &d.view,
                &self.settings.profile,
                self.settings.show_names,
                self.now,
                width,
            )
            .len()
        })
    }

    fn choose_filter(&mut self) -> Vec<ApiRequest> {
        let Focus::Pane(pane) = self.focus else {
            return Vec::new();
        };
        let query = self.list.query().clone();
        let (status, assignee, unassigned) = match pane {
            PaneKind::Status => {
                let status = filters::status_options().get(self.status_cursor).cloned().flatten();
                (status, query.assigned_to.clone(), self.unassigned)
            }
            PaneKind::Assignee => match self.assignee_options().get(self.assignee_cursor) {
                Some(option) => (
                    query.status.clone(),
                    option.user().map(str::to_string),
                    option.filter == filters::AssigneeFilter::Unassigned,
                ),
                None => (query.status.clone(), query.assigned_to.clone(), self.unassigned),
            },
        };
        self.focus = Focus::List;
        self.set_filters(status, assignee, unassigned)
    }

    /// Puts these filters in force: the tenant is asked again only when its part of them changed, and the
    /// loaded leads are narrowed again at once for the part that is local.
    fn set_filters(
        &mut self,
        status: Option<LeadStatus>,
        assignee: Option<String>,
        unassigned: bool,
    ) -> Vec<ApiRequest> {
        let query = self.list.query();
        let same = query.status == status && query.assigned_to == assignee;
        self.unassigned = unassigned;
        if same {
            self.refresh_shown(false);
            return self.prefetch();
        }
        self.restart_list(status, assignee)
    }

    /// The status, assignee and search the rep chose, gone: the list follows the view's own rule again.
    fn clear_filters(&mut self) -> Vec<ApiRequest> {
        let (status, assignee, name) = match self.views.get(self.view) {
            Some(v) if v.saved => (v.status.clone(), v.assigned_to.clone(), v.name.clone()),
            Some(v) => (None, None, v.name.clone()),
            None => (None, None, String::new()),
        };
        let query = self.list.query();
        let filtered =
            query.status != status || query.assigned_to != assignee || self.unassigned || self.search.is_some();
        self.focus = Focus::List;
        if !filtered {
            self.notice = Some(format!("No filter to clear: {name} shows its own leads"));
            return Vec::new();
        }
        self.search_input = None;
        self.search = None;
        self.search_cache.clear();
        let out = self.set_filters(status, assignee, false);
        self.notice = Some(format!("Filters cleared: {name} shows its own leads"));
        out
    }

    /// True when the rep narrowed the list beyond the view's own rule (a pane's filter or a search), so
    /// there is something for the clear key to clear.
    pub fn filters_beyond_view(&self) -> bool {
        let (status, assignee) = match self.views.get(self.view) {
            Some(v) if v.saved => (v.status.as_ref(), v.assigned_to.as_deref()),
            _ => (None, None),
        };
        let query = self.list.query();
        query.status.as_ref() != status
            || query.assigned_to.as_deref() != assignee
            || self.unassigned
            || self.search.is_some()
    }

    fn open_detail(&mut self) -> Vec<ApiRequest> {
        match self.list.selected_lead().cloned() {
            Some(view) => self.open_detail_of(view),
            None => Vec::new(),
        }
    }

    /// Opens `view`'s detail at once and asks for its freshest copy.
    pub(in crate::app) fn open_detail_of(&mut self, view: CompactLead) -> Vec<ApiRequest> {
        let marks = self.marks_of(view.id());
        if !marks.seen {
            // Seen once opened; the list keeps its place (an unread filter would jump under the rep).
            self.marks.insert(view.id().clone(), Marks { seen: true, ..marks });
            self.unread = self.unread.saturating_sub(1);
            self.effects.push(Effect::SaveMarks {
                lead_id: view.id().to_string(),
                before: marks,
                marks: Marks { seen: true, ..marks },
            });
        }
        let id = self.new_id();
        let lead_id = view.id().to_string();
        self.detail = Some(DetailState {
            view,
            request: Some(id),
            refreshed: false,
            error: None,
            scroll: 0,
        });
        self.screen = Screen::Detail;
        vec![ApiRequest::Get { id, lead_id }]
    }

    /// A key while the search box is open: Enter keeps the search and goes back to the list, Esc clears it,
    /// the arrows move in the results, anything else edits the query and the results follow at once.
    fn on_search_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        use crossterm::event::Event;
        use tui_input::backend::crossterm::EventHandler;
        let rows = list_rows(self.height);
        match self.settings.keymap.action_for_key(&[Context::Search], &key) {
            Some(Action::Choose) => {
                self.search_input = None;
                if self.search.as_ref().is_some_and(|s| s.query().trim().is_empty()) {
                    self.clear_search();
                }
            }
            Some(Action::Back) => {
                self.search_input = None;
                self.clear_search();
            }
            Some(Action::Down) => self.list.move_by(1, rows),
            Some(Action::Up) => self.list.move_by(-1, rows),
            _ => {
                let Some(input) = self.search_input.as_mut() else {
                    return Vec::new();
                };
                if input.handle_event(&Event::Key(key)).is_some_and(|c| c.value) {
                    let query = input.value().to_string();
                    self.set_search(&query);
                }
            }
        }
        Vec::new()
    }

    fn set_search(&mut self, query: &str) {
        let narrows = match self.search.as_mut() {
            Some(search) => search.set_query(query),
            None => {
                self.search = Some(Search::new(query));
                false
            }
        };
        // Backspace brings back a query typed a moment ago: its results are still good while the leads and
        // marks have not changed, and ranking 100,000 leads again would cost a frame or more.
        if let Some((_, shown)) = self.search_cache.iter().find(|(q, _)| q == query) {
            let shown = shown.clone();
            self.list.set_ranked(!query.trim().is_empty());
            self.list.set_shown(shown, list_rows(self.height));
            self.unread = self.count_unread();
        } else {
            self.refresh_shown_keeping_cache(narrows);
            if self.search_cache.len() >= 64 {
                self.search_cache.remove(0);
            }
            self.search_cache
                .push((query.to_string(), self.list.shown().map(<[u32]>::to_vec)));
        }
        // A changed query starts from its best match, at the top.
        self.list.select(0, list_rows(self.height));
        self.list.fit_window(list_rows(self.height));
    }

    fn count_unread(&self) -> usize {
        let marks = &self.marks;
        let unseen = |l: &CompactLead| !marks.get(l.id()).is_some_and(|m| m.seen);
        match self.list.shown() {
            _ if marks.is_empty() => self.list.len(),
            Some(rows) => rows
                .iter()
                .filter(|&&i| self.list.leads().get(i as usize).is_some_and(unseen))
                .count(),
            None => self.list.leads().iter().filter(|l| unseen(l)).count(),
        }
    }

    fn clear_search(&mut self) {
        self.search = None;
        self.search_cache.clear();
        // What the view admits, not every loaded lead: a done lead stays out of the Inbox.
        self.refresh_shown(false);
    }

    /// What the list shows: the leads the view admits, ranked by the search when there is one (only among the
    /// current matches when the query narrows). Also counts the unseen ones.
    fn refresh_shown(&mut self, narrows: bool) {
        // The leads or their marks changed: results kept for earlier queries no longer hold.
        self.search_cache.clear();
        self.refresh_shown_keeping_cache(narrows);
    }

    fn refresh_shown_keeping_cache(&mut self, narrows: bool) {
        let rows = list_rows(self.height);
        let triage = self.views.get(self.view).map_or(views::Triage::All, |v| v.triage);
        let searching = self.search.as_ref().is_some_and(|s| !s.query().trim().is_empty());
        self.list.set_ranked(searching);
        let leads = self.list.leads();
        let marks = &self.marks;
        let no_marks = marks.is_empty();
        let admitted = |i: &u32| {
            triage.admits(
                leads
                    .get(*i as usize)
                    .and_then(|l| if no_marks { None } else { marks.get(l.id()) }),
            )
        };
        let unassigned = self.unassigned;
        let admitted =
            |i: &u32| admitted(i) && (!unassigned || leads.get(*i as usize).is_some_and(|l| l.assignee().is_none()));
        // The common case, every page of a load: nothing searched and nothing the view hides, so nothing to
        // walk (a walk per page would make loading 100,000 leads quadratic).
        if !searching && !unassigned && (triage == views::Triage::All || (no_marks && triage.admits(None))) {
            self.list.set_shown(None, rows);
            self.unread = self.count_unread();
            return;
        }
        let all = 0..u32::try_from(leads.len()).unwrap_or(u32::MAX);
        let candidates: Vec<u32> = match (narrows && searching, self.list.shown()) {
            (true, Some(shown)) => shown.iter().copied().filter(admitted).collect(),
            _ => all.filter(admitted).collect(),
        };
        let shown = match self.search.as_mut() {
            Some(search) if searching => Some(search.rank(self.list.leads(), candidates.into_iter())),
            _ if candidates.len() == leads.len() => None,
            _ => Some(candidates),
        };
        self.list.set_shown(shown, rows);
        self.unread = self.count_unread();
    }

    fn switch_view(&mut self, index: usize) -> Vec<ApiRequest> {
        let Some(view) = self.views.get(index).cloned() else {
            self.notice = Some(format!("There is no view {}", index + 1));
            return Vec::new();
        };
        self.view = index;
        self.effects.push(Effect::RememberView(view.name.clone()));
        self.notice = Some(format!("View: {}", view.name));
        if view.saved {
            self.unassigned = false;
            let out = self.restart_list(view.status.clone(), view.assigned_to.clone());
            self.refresh_shown(false);
            return out;
        }
        self.refresh_shown(false);
        Vec::new()
    }

    /// Changes the marks of the lead acted on, remembering the old ones for `u`.
    fn triage(&mut self, change: impl FnOnce(&mut Marks)) {
        let Some(lead) = self.acted_on() else {
            return;
        };
        let (id, name) = (lead.id().clone(), lead.name().to_string());
        let before = self.marks_of(&id);
        let mut after = before;
        change(&mut after);
        self.undo.push((id.clone(), before));
        if self.undo.len() > 100 {
            self.undo.remove(0);
        }
        self.set_marks(&id, after);
        let what = match (before.done != after.done, after.done, after.starred) {
            (true, true, _) => "Done",
            (true, false, _) => "Not done",
            (false, _, true) => "Starred",
            (false, _, false) => "Unstarred",
        };
        let undo = self.keymap().hint_key(Context::Lead, Action::Undo).unwrap_or_default();
        self.notice = Some(format!(
            "{what}: {} · {undo} undoes",
            if name.is_empty() { "(no name)" } else { &name }
        ));
    }

    /// Sets a lead's marks, asks for them to be kept on disk, and shows the list the view now admits.
    fn set_marks(&mut self, lead_id: &CompactId, marks: Marks) {
        let before = self.marks_of(lead_id);
        if before == marks {
            return;
        }
        self.marks.insert(lead_id.clone(), marks);
        self.effects.push(Effect::SaveMarks {
            lead_id: lead_id.to_string(),
            before,
            marks,
        });
        self.refresh_shown(false);
    }

    /// `J`/`K` in the detail: the next or previous lead of the list, opened in place. At the last loaded lead
    /// with more to come, the next page is asked for and the lead opens when it arrives.
    fn step_detail(&mut self, delta: isize) -> Vec<ApiRequest> {
        if self.screen != Screen::Detail {
            return Vec::new();
        }
        let rows = list_rows(self.height);
        let at = self.list.selected();
        let target = at.saturating_add_signed(delta);
        if delta > 0 && target >= self.list.len() {
            if self.list.has_more() {
                self.step_when_loaded = true;
                self.notice = Some("Loading the next leads…".to_string());
                return match self.list.wants_page(usize::MAX) {
                    Some(cursor) => self.request_page(cursor),
                    None => Vec::new(),
                };
            }
            self.notice = Some("This is the last lead".to_string());
            return Vec::new();
        }
        if target == at {
            self.notice = Some("This is the first lead".to_string());
            return Vec::new();
        }
        let mut out = match self.detail.take().and_then(|d| d.request) {
            Some(id) => vec![ApiRequest::Cancel { id }],
            None => Vec::new(),
        };
        self.list.select(target, rows);
        out.extend(self.open_detail());
        out.extend(self.prefetch());
        out
    }

    /// The lead the copy and open keys act on: the open one in the detail, else the selected one.
    fn acted_on(&self) -> Option<&CompactLead> {
        match (&self.detail, self.screen) {
            (Some(d), Screen::Detail) => Some(&d.view),
            _ => self.list.selected_lead(),
        }
    }

    fn copy(&mut self, field: LeadField) {
        let Some(lead) = self.acted_on() else {
            return;
        };
        match lead_actions::value(lead, field) {
            Some(text) => {
                self.notice = Some(format!("Copied the {}: {text}", field.word()));
                self.effects.push(Effect::Copy(text));
            }
            // Nothing was copied: said as a failure, never with the success tick.
            None => self.error = Some(format!("This lead has no {}", field.word())),
        }
    }

    fn open_with(&mut self, field: LeadField) {
        let Some(lead) = self.acted_on() else {
            return;
        };
        match lead_actions::link(lead, field) {
            Ok(link) => self.start_opening(link),
            Err(why) => self.error = Some(why),
        }
    }

    /// Back to the list, exactly where it was; a refresh still in flight is no longer wanted.
    fn leave_detail(&mut self) -> Vec<ApiRequest> {
        if self.screen != Screen::Detail {
            return Vec::new();
        }
        self.screen = Screen::List;
        let rows = list_rows(self.height);
        self.list.fit_window(rows);
        match self.detail.take().and_then(|d| d.request) {
            Some(id) => vec![ApiRequest::Cancel { id }],
            None => Vec::new(),
        }
    }

    fn on_api(&mut self, event: ApiEvent) -> Vec<ApiRequest> {
        match event {
            ApiEvent::Listed { id, result, .. } if self.poller.take_answer(id) => {
                self.on_poll_answer(result);
                Vec::new()
            }
            ApiEvent::Listed { id, cursor, result } => {
                if !self.list.awaits(id) {
                    tracing::debug!(id, "dropping the answer to a list request no longer awaited");
                    return Vec::new();
                }
                match result {
                    Ok(page) => {
                        tracing::debug!(id, ?cursor, leads = page.data.len(), "page arrived");
                        self.error = None;
                        self.note_assignees(&page.data);
                        // The poll clock runs from the first page's arrival: it is itself a fresh look.
                        if cursor.is_none() {
                            self.poller.restart_clock(self.now);
                            self.effects.push(Effect::CachePage {
                                key: page_key(self.list.query()),
                                leads: page.data.clone(),
                            });
                        }
                        self.list.accept_page(cursor.as_deref(), page);
                        self.list.fit_window(list_rows(self.height));
                        self.refresh_shown(false);
                        if self.load_all && !self.list.has_more() {
                            self.load_all = false;
                            self.notice = Some(format!("All {} leads loaded", self.list.leads().len()));
                        }
                        let mut out = self.prefetch();
                        if std::mem::take(&mut self.step_when_loaded) && self.screen == Screen::Detail {
                            out.extend(self.step_detail(1));
                        }
                        out
                    }
                    Err(e) => {
                        self.error = Some(crate::sanitize::line(&e.to_string()).into_owned());
                        self.list.page_failed(self.now);
                        Vec::new()
                    }
                }
            }
            ApiEvent::Fetched { id, result } => {
                let Some(detail) = self.detail.as_mut().filter(|d| d.request == Some(id)) else {
                    return Vec::new();
                };
                detail.request = None;
                match result {
                    Ok(lead) => {
                        let view = CompactLead::new(&lead);
                        self.list.refresh(&view);
                        detail.view = view;
                        detail.refreshed = true;
                        detail.error = None;
                        self.error = None;
                    }
                    Err(e) => {
                        let text = crate::sanitize::line(&e.to_string()).into_owned();
                        detail.error = Some(text.clone());
                        self.error = Some(text);
                    }
                }
                Vec::new()
            }
            ApiEvent::Created { id, result } if self.outbox.awaits(id) => {
                let settled = self.outbox.on_created(id, result, self.now);
                self.on_settled(settled)
            }
            ApiEvent::Created { id, .. } => {
                tracing::debug!(id, "dropping the answer to a create no longer awaited");
                Vec::new()
            }
            ApiEvent::Found { id, result } => {
                let settled = self.outbox.on_found(id, result, self.now);
                self.on_settled(settled)
            }
        }
    }

    /// Remembers the assignees of `leads` for the assignee pane, in order of first sight and at most
    /// [`MAX_SEEN_ASSIGNEES`] of them (a list of thousands is no filter a rep scrolls, and a server sending a
    /// new id on every lead must not make each key press slower); true when one was new.
    pub(in crate::app) fn note_assignees(&mut self, leads: &[Lead]) -> bool {
        let before = self.seen_assignees.len();
        for lead in leads {
            if self.seen_assignees.len() >= MAX_SEEN_ASSIGNEES {
                break;
            }
            if let Some(a) = lead.assigned_to.as_ref().filter(|a| !a.is_empty())
                && self.seen_assignee_set.insert(a.clone())
            {
                self.seen_assignees.push(a.clone());
            }
        }
        self.seen_assignees.len() > before
    }

    /// The first page asked for again: leads not listed yet go on top. A failure is said once (the same
    /// failure every 30 s is not news) and leaves the list as it was.
    fn on_poll_answer(&mut self, result: Result<Page<Lead>, ApiError>) {
        match result {
            Ok(page) => {
                let mut news = false;
                if let Some(old) = self.poller.succeeded()
                    && self.error.as_deref() == Some(old.as_str())
                {
                    self.error = None;
                    news = true;
                }
                news |= self.note_assignees(&page.data);
                let got = page.data.len();
                let next = page.continuation().map(str::to_string);
                let at_top = self.list.selected() == 0 && self.list.offset() == 0;
                let row_on_screen = self.list.selected() - self.list.offset().min(self.list.selected());
                let placed = self.list.insert_new(page.data, list_rows(self.height));
                let added = placed.len();
                self.poller.answered(got, added, next.as_deref(), self.now);
                self.unchanged = !news && added == 0;
                if added > 0 {
                    self.refresh_shown(false);
                    if at_top {
                        // A rep who has not moved sees the newest lead on top, selected.
                        self.list.select(0, list_rows(self.height));
                    } else {
                        let mut sorted = placed.clone();
                        sorted.sort_unstable();
                        self.list.hold_window(row_on_screen, &sorted, list_rows(self.height));
                    }
                }
                tracing::debug!(added, "poll answered");
                self.alert(&placed);
                if added > 0 {
                    self.notice = Some(match added {
                        1 => "1 new lead".to_string(),
                        n => format!("{n} new leads"),
                    });
                }
            }
            Err(e) => {
                let text = crate::sanitize::line(&e.to_string()).into_owned();
                tracing::debug!(error = %text, "poll failed");
                if self.poller.failed(&text) {
                    self.error = Some(text);
                }
            }
        }
    }

    /// Announces the new leads (at `placed` in the list) that belong in the alert's view, when alerts are on.
    fn alert(&mut self, placed: &[usize]) {
        let added = placed.len();
        let alerts = &self.settings.alerts;
        if added == 0 || (!alerts.bell && alerts.notify == views::Notify::None) {
            return;
        }
        let view = match &alerts.view {
            Some(name) => self.views.iter().find(|v| &v.name == name),
            None => self.views.first(),
        };
        let Some(view) = view else {
            return;
        };
        let matching: Vec<&CompactLead> = placed
            .iter()
            .filter_map(|&i| self.list.leads().get(i))
            .filter(|l| view.admits_new(l))
            .collect();
        let Some(first) = matching.first() else {
            return;
        };
        let who = if first.name().is_empty() {
            "(no name)"
        } else {
            first.name()
        };
        let text = match matching.len() {
            1 => format!("New lead in {}: {who}", view.name),
            n => format!("{n} new leads in {}, newest {who}", view.name),
        };
        self.effects.push(Effect::Alert {
            bell: alerts.bell,
            notify: alerts.notify,
            text: crate::sanitize::line(&text).into_owned(),
        });
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<ApiRequest> {
        self.now = now;
        if self.busy() {
            self.spinner = self.spinner.wrapping_add(1);
        }
        let mut out = match self.list.retry_due(now) {
            Some(cursor) => self.request_page(cursor),
            None => Vec::new(),
        };
        out.extend(self.pump_outbox());
        if self.poller.is_due(now) && !self.list.is_first_load() {
            let id = self.new_id();
            let limit = self.poller.limit(self.settings.page_size);
            self.poller.sent(id, now, limit);
            out.push(ApiRequest::List {
                id,
                query: ListQuery {
                    limit: Some(limit),
                    ..self.list.query().clone()
                },
                cursor: self.poller.cursor().map(str::to_string),
            });
        }
        out
    }

    /// When the clock next changes what is shown or asked for, if nothing else happens first: the next
    /// poll, a failed page's retry, or an age on screen turning ("5m" to "6m"). An idle inbox sleeps until
    /// then.
    pub fn next_wake(&self) -> DateTime<Utc> {
        [self.poller.due(), self.list.retry_at(), self.outbox.next_due()]
            .into_iter()
            .flatten()
            .fold(self.ages_change_after(self.now), DateTime::min)
    }

    /// The first moment after `at` when an age drawn (the list's rows on screen, the detail's lead) reads
    /// differently. An inbox of leads hours old is drawn again hourly, not every minute.
    pub fn ages_change_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let rows = list_rows(self.height);
        let listed = (self.list.offset()..self.list.offset() + rows).filter_map(|r| self.list.lead_at(r));
        let detail = self.detail.as_ref().map(|d| &d.view);
        listed
            .chain(detail)
            .map(|l| crate::text::age_changes_at(l.created_at(), at))
            .min()
            // Nothing shows an age: the clock matters only for the poll.
            .unwrap_or(at + chrono::Duration::hours(1))
    }
}

/// The key a list's first page is kept under: its filters (the page size does not matter).
pub fn page_key(query: &ListQuery) -> String {
    format!(
        "status={}&assignedTo={}",
        query.status.as_ref().map_or("", |s| s.as_str()),
        query.assigned_to.as_deref().unwrap_or("")
    )
}

pub fn update(app: &mut App, msg: Msg) -> Vec<ApiRequest> {
    let said = (app.error.clone(), app.notice.clone());
    let out = update_inner(app, msg);
    // Whichever of the two was said last is what the rep reads.
    if app.error.is_some() && app.error != said.0 {
        app.notice_newer = false;
    } else if app.notice.is_some() && app.notice != said.1 {
        app.notice_newer = true;
    }
    out
}

fn update_inner(app: &mut App, msg: Msg) -> Vec<ApiRequest> {
    app.unchanged = false;
    if !matches!(msg, Msg::NotKept { .. }) {
        app.submitted = None;
    }
    match msg {
        Msg::Key(key) => app.on_key(key),
        Msg::Mouse(mouse) => match app.settings.keymap.action_for_mouse(app.contexts(), &mouse) {
            Some((Action::Click, _)) if !app.help => app.on_click(mouse.column, mouse.row),
            Some((action, rows)) if !app.help => app.on_action(action, rows),
            _ => Vec::new(),
        },
        // Pasting means something only in the create form.
        Msg::Edited(result) => {
            app.on_edited(result);
            Vec::new()
        }
        Msg::Paste(text) => {
            if let Some(form) = app.form.as_mut().filter(|_| app.screen == Screen::Form) {
                form.handle_paste(&text);
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            app.width = width;
            app.height = height;
            app.list.fit_window(list_rows(height));
            if let Some(d) = app.detail.as_ref().map(|d| d.scroll) {
                let (_, rows) = app.layout().detail_text_size();
                let max = app.detail_line_count().saturating_sub(rows);
                if let Some(detail) = app.detail.as_mut() {
                    detail.scroll = d.min(max);
                }
            }
            app.prefetch()
        }
        Msg::Api(event) => app.on_api(event),
        Msg::Tick { now } => app.on_tick(now),
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
    }
}
