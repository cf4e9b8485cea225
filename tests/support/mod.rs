//! Fixtures shared by the app and ui tests and the benches: a fixed clock, a demo profile, synthetic
//! leads and pages, key presses, and text renderings of a frame with and without styles.

pub mod pty;
pub mod scroll_sim;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::error::ApiError;
use leadbox::api::types::{Lead, LeadSource, LeadStatus, Page};
use leadbox::api::worker::{ApiEvent, ApiRequest, WorkerHandle};
use leadbox::app::{App, AppSettings, Effect, Msg, Output, update};
use leadbox::tenant::{CustomFieldDef, CustomFieldKind, Member, TenantProfile};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::json;

pub const ADA: &str = "0b6c1f9e-2f7a-4c1e-9a55-6f1d2a3b4c01";
pub const BRUNO: &str = "1c7d2e0f-3a8b-4d2f-8b66-7e2e3b4c5d02";
pub const CHIOMA: &str = "2d8e3f10-4b9c-4e30-9c77-8f3f4c5d6e03";
/// Not in the roster.
pub const STRANGER: &str = "9f9f9f9f-0000-4000-8000-000000000009";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

pub fn profile() -> TenantProfile {
    TenantProfile {
        roster: vec![
            Member {
                id: ADA.into(),
                name: "Ada Admin".into(),
            },
            Member {
                id: BRUNO.into(),
                name: "Bruno Sales".into(),
            },
            Member {
                id: CHIOMA.into(),
                name: "Chioma Okafor".into(),
            },
        ],
        custom_fields: vec![
            CustomFieldDef {
                key: "budget".into(),
                label: "Budget (EUR)".into(),
                kind: CustomFieldKind::Number,
                required: false,
                options: vec![],
                hint: None,
            },
            CustomFieldDef {
                key: "industry".into(),
                label: "Industry".into(),
                kind: CustomFieldKind::Dropdown,
                required: true,
                options: vec!["retail".into(), "saas".into()],
                hint: None,
            },
        ],
    }
}

pub fn settings() -> AppSettings {
    AppSettings {
        keymap: leadbox::keymap::Keymap::default(),
        theme: leadbox::theme::Theme::default(),
        me: None,
        views: Vec::new(),
        alerts: Default::default(),
        // A period the poll tests count in.
        poll_every_secs: 30,
        form_defaults: Default::default(),
        tenant: profile(),
        page_size: 25,
        source_label: "sandbox".into(),
        show_names: true,
    }
}

const FIRST: [&str; 12] = [
    "Ada", "Grace", "Linus", "Margaret", "Alan", "Zoë", "Hedy", "Ken", "Barbara", "Dennis", "Radia", "山田",
];
const LAST: [&str; 12] = [
    "Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Ñúñez", "Lamarr", "Thompson", "Liskov", "Ritchie",
    "Perlman", "太郎",
];
const COMPANY: [&str; 6] = [
    "Analytical Engines Ltd",
    "COBOL Systems",
    "Kernel Works GmbH",
    "Apollo Guidance",
    "Bletchley Analytics",
    "Acme",
];

/// Lead number `i`, newest first: lead 0 is 7 minutes old, each next one 37 minutes older.
pub fn lead(i: usize) -> Lead {
    let assignee = match i % 5 {
        0 => Some(ADA),
        1 => Some(BRUNO),
        2 => None,
        3 => Some(CHIOMA),
        _ => Some(STRANGER),
    };
    let mut custom = BTreeMap::new();
    if i.is_multiple_of(2) {
        custom.insert("budget".to_string(), json!(1000 + i));
        custom.insert("industry".to_string(), json!("saas"));
    }
    Lead {
        id: format!("{:08x}-0000-4000-8000-{:012x}", 0x1000_0000 + i, i),
        first_name: Some(FIRST[i % FIRST.len()].to_string()),
        last_name: Some(LAST[(i / 2) % LAST.len()].to_string()),
        email: Some(format!("lead{i}@example.com")),
        phone: i.is_multiple_of(3).then(|| "+44 20 7946 0958".to_string()),
        company_name: (i % 4 != 3).then(|| COMPANY[i % COMPANY.len()].to_string()),
        status: LeadStatus::KNOWN[i % LeadStatus::KNOWN.len()].clone(),
        source: Some(LeadSource::KNOWN[i % LeadSource::KNOWN.len()].clone()),
        intent: Some("Wants a demo of the enterprise plan".to_string()),
        notes: (i % 7 == 2).then(|| {
            "Met at the Lisbon trade show. Runs a team of forty and wants the enterprise plan before the \
             next quarter; asked twice about data residency in the EU and about single sign-on.\n\n\
             Follow up after the board meeting on Thursday."
                .to_string()
        }),
        assigned_to: assignee.map(str::to_string),
        custom_fields: custom,
        created_at: now() - Duration::minutes(7 + 37 * i as i64),
        channel: i.is_multiple_of(2).then(|| "instagram".to_string()),
        attribution: (i % 3 == 2).then(|| {
            BTreeMap::from([
                ("utm_campaign".to_string(), json!("spring-launch")),
                ("utm_source".to_string(), json!("newsletter")),
            ])
        }),
    }
}

pub fn leads(range: std::ops::Range<usize>) -> Vec<Lead> {
    range.map(lead).collect()
}

/// The page answering `request` (a `List`), holding `data`, with a next cursor when `more`.
pub fn listed(request: &ApiRequest, data: Vec<Lead>, more: bool) -> Msg {
    let (id, cursor) = match request {
        ApiRequest::List { id, cursor, .. } => (id, cursor.clone()),
        ApiRequest::Latest { id, .. } => (id, None),
        _ => panic!("not a list request: {request:?}"),
    };
    let next = more.then(|| format!("c{}", data.last().map_or(0, |l| l.created_at.timestamp())));
    Msg::Api(ApiEvent::Listed {
        id: *id,
        cursor,
        result: Ok(Page {
            data,
            next_cursor: next,
            has_more: more,
        }),
    })
}

/// The failure answering `request` (a `List`).
pub fn list_failed(request: &ApiRequest, error: ApiError) -> Msg {
    let ApiRequest::List { id, cursor, .. } = request else {
        panic!("not a list request: {request:?}");
    };
    Msg::Api(ApiEvent::Listed {
        id: *id,
        cursor: cursor.clone(),
        result: Err(error),
    })
}

/// The id of the `Get` among `requests`, failing the test if there is none.
pub fn get_id(requests: &[ApiRequest]) -> u64 {
    requests
        .iter()
        .find_map(|r| match r {
            ApiRequest::Get { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no get request in {requests:?}"))
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn single_list(requests: &[ApiRequest]) -> ApiRequest {
    let lists: Vec<&ApiRequest> = requests
        .iter()
        .filter(|r| matches!(r, ApiRequest::List { .. }))
        .collect();
    assert_eq!(lists.len(), 1, "expected one list request in {requests:?}");
    lists[0].clone()
}

/// An app over a whole mirror last synced `minutes_ago`, at `width` x `height`, its list the first
/// `leads` test leads and nothing more.
pub fn app_on_mirror(width: u16, height: u16, minutes_ago: i64, leads_listed: usize) -> App {
    let mut app = App::new(settings(), now(), width, height);
    app.use_mirror(true, Some(now() - chrono::Duration::minutes(minutes_ago)));
    let first = single_list(&app.start().requests);
    update(&mut app, listed(&first, leads(0..leads_listed), false));
    app
}

/// The tenant out of reach, as the client says it.
pub fn refused() -> ApiError {
    ApiError::Network {
        message: "could not connect to 127.0.0.1:9: Connection refused".into(),
        maybe_created: false,
    }
}

/// An app whose first page is `first` leads, with more to come when `more`, at `width` x `height`.
pub fn app_with(width: u16, height: u16, first: usize, more: bool) -> (App, Vec<ApiRequest>) {
    let (app, out) = app_answered(width, height, first, more);
    (app, out.requests)
}

/// As [`app_with`], with all the first page's answer asked for (its requests and effects).
// Not every module of the binary that shares this file uses it.
#[allow(dead_code)]
pub fn app_answered(width: u16, height: u16, first: usize, more: bool) -> (App, Output) {
    let mut app = App::new(settings(), now(), width, height);
    let start = app.start().requests;
    let req = single_list(&start);
    let out = update(&mut app, listed(&req, leads(0..first), more));
    (app, out)
}

/// The effects `msgs` ask for, one after the other, in order.
#[allow(dead_code)]
pub fn effects_of(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|msg| update(app, msg).effects).collect()
}

/// Feeds pages until `total` leads are loaded and the list is complete.
// Used by the benches, which share this module.
#[allow(dead_code)]
pub fn app_loaded(width: u16, height: u16, total: usize, page: usize) -> App {
    app_loaded_with(width, height, total, page, lead)
}

/// As [`app_loaded`], with the `n`-th lead made by `make`.
#[allow(dead_code)]
pub fn app_loaded_with(width: u16, height: u16, total: usize, page: usize, mut make: impl FnMut(usize) -> Lead) -> App {
    let settings = AppSettings {
        page_size: page as u32,
        ..settings()
    };
    let mut app = App::new(settings, now(), width, height);
    let mut pending = app.start().requests;
    let mut loaded = 0;
    while app.list().has_more() {
        let Some(req) = pending.iter().find(|r| matches!(r, ApiRequest::List { .. })).cloned() else {
            // Nothing asked for: go to the end so the next page is wanted.
            pending = update(&mut app, ch('G')).requests;
            continue;
        };
        let end = (loaded + page).min(total);
        pending = update(
            &mut app,
            listed(&req, (loaded..end).map(&mut make).collect(), end < total),
        )
        .requests;
        loaded = end;
    }
    app
}

/// Answers every list request from a server holding leads `0..total`, until the app asks for no more.
pub fn serve(app: &mut App, mut pending: Vec<ApiRequest>, total: usize) {
    let mut loaded = app.list().len();
    while let Some(req) = pending.iter().find(|r| matches!(r, ApiRequest::List { .. })).cloned() {
        let end = (loaded + app.settings().page_size as usize).min(total);
        pending = update(app, listed(&req, leads(loaded..end), end < total)).requests;
        loaded = end;
    }
}

pub fn render(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| leadbox::ui::draw(f, app)).unwrap();
    terminal
}

/// The screen as plain text, one line per row.
pub fn screen_text(app: &App) -> String {
    let terminal = render(app);
    buffer_text(terminal.backend().buffer())
}

pub fn buffer_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Every run of cells with a non-default style, one per line: `row y, x..x: fg bg modifiers "text"`.
pub fn style_runs(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let cell = &buffer[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < buffer.area.width {
                let c = &buffer[(x, y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            if style
                != (
                    ratatui::style::Color::Reset,
                    ratatui::style::Color::Reset,
                    ratatui::style::Modifier::empty(),
                )
            {
                out.push_str(&format!(
                    "row {y:>2} {start:>3}..{x:<3} fg={:?} bg={:?} mod={:?} {:?}\n",
                    style.0,
                    style.1,
                    style.2,
                    text.trim_end()
                ));
            }
        }
    }
    out
}

/// Sends `requests`, then feeds every answer to the app and sends what it asks next, until nothing is
/// outstanding. Bounded by a timeout so a lost answer fails the test instead of hanging it.
pub async fn pump(app: &mut App, worker: &mut WorkerHandle, requests: Vec<ApiRequest>) {
    let mut outstanding = HashSet::new();
    let send = |requests: Vec<ApiRequest>, outstanding: &mut HashSet<u64>| {
        for r in requests {
            match &r {
                ApiRequest::List { id, .. }
                | ApiRequest::Latest { id, .. }
                | ApiRequest::Get { id, .. }
                | ApiRequest::GetMany { id, .. }
                | ApiRequest::Create { id, .. }
                | ApiRequest::FindCreated { id, .. } => {
                    outstanding.insert(*id);
                }
                ApiRequest::Cancel { id } => {
                    outstanding.remove(id);
                }
            }
            worker.requests.send(r).expect("worker runs");
        }
    };
    send(requests, &mut outstanding);
    while !outstanding.is_empty() {
        let event = tokio::time::timeout(std::time::Duration::from_secs(20), worker.events.recv())
            .await
            .expect("an answer within 20 s")
            .expect("worker runs");
        outstanding.remove(&event.id());
        let next = update(app, Msg::Api(event)).requests;
        send(next, &mut outstanding);
    }
}

/// The leadbox binary with a home, data and config directory of its own under `dir`, none of the
/// variables that choose a tenant, and no input: what a script or cron job would run.
// Not every module of the test binary that includes this file calls it.
#[allow(dead_code)]
pub fn leadbox_command(dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("NOVALA_SECRET_KEY")
        .env_remove("NOVALA_API_URL")
        .env_remove("LEADBOX_PROFILE")
        .env_remove("LEADBOX_CONFIG")
        // The demo tenant stays still: what a test sees on the embedded sandbox is what it made.
        .env(leadbox::commands::prepare::DEMO_ACTIVITY_ENV, "0")
        .stdin(std::process::Stdio::null());
    cmd
}
