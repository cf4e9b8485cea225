//! The create form end to end: app + worker + real HTTP against the embedded sandbox, drawn to a test
//! terminal. A lead typed into the form is created once and appears at the top; a 400 from the server
//! lands on the form.

use crate::support::{ch, key, pump, screen_text};
use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::client::NovalaClient;
use leadbox::api::worker::{WorkerHandle, spawn_worker};
use leadbox::app::form::FieldKind;
use leadbox::app::{App, AppSettings, Msg, Screen, update};
use leadbox::tenant::TenantProfile;
use novala_sandbox::{Sandbox, SandboxOptions};

/// The app's settings for a sandbox tenant described by `profile`, pages of 25.
fn settings(profile: TenantProfile) -> AppSettings {
    AppSettings {
        poll_every_secs: leadbox::app::poll::DEFAULT_POLL_SECS,
        tenant: profile,
        page_size: 25,
        ..crate::support::settings()
    }
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

async fn start(profile: impl FnOnce(&Sandbox) -> TenantProfile) -> (Sandbox, App, WorkerHandle) {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(30))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let mut worker = spawn_worker(client);
    let settings = settings(profile(&sandbox));
    let app = started(settings, Utc::now(), &mut worker).await;
    assert_eq!(app.list().len(), 30, "prefetch loads both pages of 30");
    (sandbox, app, worker)
}

/// An 80x24 app at `now`, its first page asked for through `worker` and answered (or failed).
async fn started(settings: AppSettings, now: chrono::DateTime<Utc>, worker: &mut WorkerHandle) -> App {
    let mut app = App::new(settings, now, 80, 24);
    let first = app.start().requests;
    pump(&mut app, worker, first).await;
    app
}

/// Opens the form, types a name, picks the first source and, when the profile has it, the first region.
fn fill(app: &mut App, name: &str) {
    update(app, ch('n'));
    for c in name.chars() {
        update(app, ch(c));
    }
    let fields: Vec<String> = app.form().unwrap().fields().iter().map(|f| f.wire.clone()).collect();
    for wire in fields {
        if wire == "source" || wire == "customFields.region" {
            update(app, key(KeyCode::Right));
        }
        update(app, key(KeyCode::Tab));
    }
}

#[tokio::test]
async fn a_lead_typed_into_the_form_is_created_once_and_shown_at_the_top() {
    let (sandbox, mut app, mut worker) = start(|s| s.profile().clone()).await;
    let before = sandbox.lead_count().await.expect("count");
    fill(&mut app, "Zed Form");
    let out = update(&mut app, ctrl('s')).requests;
    assert_eq!(out.len(), 1, "{out:?}");
    // A second Ctrl-S while the first is out sends nothing.
    assert!(update(&mut app, ctrl('s')).requests.is_empty());
    pump(&mut app, &mut worker, out).await;

    assert_eq!(sandbox.lead_count().await.expect("count"), before + 1);
    assert_eq!(app.screen(), Screen::List);
    let top = app.list().selected_lead().expect("a selected lead");
    assert_eq!(app.list().selected(), 0);
    assert_eq!(top.name(), "Zed Form");
    let text = screen_text(&app);
    let first_row = text.lines().nth(2).unwrap_or_default();
    assert!(first_row.contains("Zed Form") && first_row.contains("new"), "{text}");
    assert!(text.contains("✔ Created lead Zed Form"), "{text}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_required_field_leadbox_was_not_told_of_joins_the_form_and_the_lead_goes_through() {
    // A stranger's tenant: leadbox knows neither its team nor its custom fields, and the tenant requires
    // `region`. The first send is refused; the form adds the field, focused, and the second send creates it.
    let (sandbox, mut app, mut worker) = start(|_| TenantProfile::default()).await;
    let before = sandbox.lead_count().await.expect("count");
    fill(&mut app, "Stale Profile");
    assert!(app.form().unwrap().field("customFields.region").is_none());
    let out = update(&mut app, ctrl('s')).requests;
    assert_eq!(out.len(), 1, "{out:?}");
    pump(&mut app, &mut worker, out).await;

    assert_eq!(sandbox.lead_count().await.expect("count"), before);
    assert_eq!(app.screen(), Screen::Form);
    let form = app.form().expect("form still open");
    assert!(!form.is_sending());
    assert!(form.general_errors().is_empty(), "{:?}", form.general_errors());
    let region = form
        .field("customFields.region")
        .expect("the refused field joined the form");
    assert!(region.required);
    assert_eq!(
        form.focused_field().map(|f| f.wire.as_str()),
        Some("customFields.region")
    );
    let FieldKind::Text(first) = &form.field("firstName").expect("field").kind else {
        unreachable!()
    };
    assert_eq!(first.input.value(), "Stale Profile");
    let text = screen_text(&app);
    assert!(text.contains("region") && text.contains("is required"), "{text}");
    assert!(
        form.draft()
            .unwrap()
            .added_custom_fields
            .contains(&"region".to_string()),
        "the added field is kept in the draft"
    );

    for c in "emea".chars() {
        update(&mut app, ch(c));
    }
    let out = update(&mut app, ctrl('s')).requests;
    assert_eq!(out.len(), 1, "{out:?}");
    pump(&mut app, &mut worker, out).await;
    assert_eq!(sandbox.lead_count().await.expect("count"), before + 1);
    assert_eq!(app.screen(), Screen::List);
    let created = app.list().selected_lead().expect("the new lead on top").id().clone();
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let lead = client.get(&created.as_str()).await.expect("the lead is there");
    assert_eq!(lead.custom_fields.get("region"), Some(&serde_json::json!("emea")));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn leads_typed_while_the_tenant_is_down_all_arrive_exactly_once_when_it_is_back() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("tenant.sqlite3");
    let first = Sandbox::start(SandboxOptions::default().seed_leads(30).db_path(&db))
        .await
        .expect("sandbox starts");
    let (port, url, key, profile) = (
        first.addr().port(),
        first.base_url(),
        first.secret_key(),
        first.profile().clone(),
    );
    let before = first.lead_count().await.expect("count");
    first.shutdown().await;

    // Fails fast while nothing listens: one try, a short connect timeout.
    let options = novala_leads::testing::quick(1, std::time::Duration::from_secs(5));
    let client = NovalaClient::with_options(&url, key, options).expect("client");
    let mut worker = spawn_worker(client);
    let start = Utc::now();
    let mut app = started(settings(profile), start, &mut worker).await;

    for n in 0..30 {
        fill(&mut app, &format!("Offline {n:02}"));
        let out = update(&mut app, ctrl('s')).requests;
        assert_eq!(app.screen(), Screen::List, "the form is free at once, online or not");
        pump(&mut app, &mut worker, out).await;
    }
    assert_eq!(app.outbox().pending(), 30, "every lead waits in the outbox");
    assert!(screen_text(&app).contains("30 to send"), "{}", screen_text(&app));

    let second = Sandbox::start(SandboxOptions::default().db_path(&db).port(port))
        .await
        .expect("the tenant is back on the same address");
    // Ticks far enough apart that every backoff has run out; bounded so a stuck outbox fails the test.
    for step in 1..=200 {
        if app.outbox().pending() == 0 {
            break;
        }
        let at = start + chrono::Duration::minutes(10 * step);
        let out = update(&mut app, Msg::Tick { now: at }).requests;
        pump(&mut app, &mut worker, out).await;
    }
    assert_eq!(app.outbox().pending(), 0, "{:?}", app.outbox().entries().first());
    assert_eq!(app.outbox().needing_rep(), 0);
    assert_eq!(
        second.lead_count().await.expect("count"),
        before + 30,
        "each arrived exactly once"
    );
    // Sent oldest first: the tenant's newest lead is the last one typed.
    let client = NovalaClient::new(&second.base_url(), second.secret_key()).expect("client");
    let newest = client
        .list(&leadbox::api::types::ListQuery::default(), None)
        .await
        .expect("a page");
    // Two creates in the same millisecond are listed in id order, so the check is on the tenant's
    // timestamps: in the order typed, never going back.
    let stamps: Vec<(String, chrono::DateTime<Utc>)> = newest
        .data
        .iter()
        .filter(|l| l.full_name().starts_with("Offline "))
        .map(|l| (l.full_name(), l.created_at))
        .collect();
    assert_eq!(stamps.len(), 25, "a page of the newest, all typed here");
    let typed = |name: &str| name.trim_start_matches("Offline ").parse::<u32>().unwrap();
    let mut in_typed_order = stamps.clone();
    in_typed_order.sort_by_key(|(name, _)| typed(name));
    assert_eq!(typed(&in_typed_order[0].0), 5, "the 25 newest are the last 25 typed");
    for pair in in_typed_order.windows(2) {
        assert!(pair[0].1 <= pair[1].1, "{} was created after {}", pair[0].0, pair[1].0);
    }
    second.shutdown().await;
}

#[tokio::test]
async fn a_hundred_leads_through_a_tenant_failing_one_request_in_five_each_arrive_exactly_once() {
    use novala_sandbox::faults::FaultOptions;
    let faults = FaultOptions::none().rate(0.2).seed(7);
    let (sandbox, client) = novala_sandbox::testing::faulty_sandbox(30, faults).await;
    let before = sandbox.lead_count().await.expect("count");
    let mut worker = spawn_worker(client);
    let start = Utc::now();
    let mut app = started(settings(sandbox.profile().clone()), start, &mut worker).await;
    for n in 0..100 {
        fill(&mut app, &format!("Faulty {n:03}"));
        let out = update(&mut app, ctrl('s')).requests;
        pump(&mut app, &mut worker, out).await;
    }
    let troubled = app
        .outbox()
        .entries()
        .iter()
        .filter(|e| e.state != leadbox::outbox::OutboxState::Sent || e.attempts > 1)
        .count();
    assert!(troubled >= 5, "the faults hit the creates: {troubled}");
    // Leads whose answer was lost and were not found wait for the rep; here the rep sends them again, and
    // sends the queued ones now rather than waiting out their backoff. The app's clock stays the real one:
    // a lost create is looked for among leads the tenant stamped after it was sent.
    for _ in 1..=2_000 {
        let outbox = app.outbox();
        if outbox.pending() == 0 && outbox.needing_rep() == 0 {
            break;
        }
        let again: Vec<String> = outbox
            .entries()
            .iter()
            .filter(|e| {
                matches!(
                    e.state,
                    leadbox::outbox::OutboxState::Unknown | leadbox::outbox::OutboxState::Queued
                )
            })
            .map(|e| e.key.clone())
            .collect();
        for key in again {
            let out = app.send_again(&key);
            pump(&mut app, &mut worker, out).await;
        }
        let out = update(&mut app, Msg::Tick { now: Utc::now() }).requests;
        pump(&mut app, &mut worker, out).await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(app.outbox().pending() + app.outbox().needing_rep(), 0);
    let all = sandbox.lead_count().await.expect("count");
    let clean = NovalaClient::with_options(
        &sandbox.base_url(),
        sandbox.secret_key(),
        novala_leads::testing::quick(10, std::time::Duration::from_secs(10)),
    )
    .expect("client");
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = leadbox::api::types::ListQuery {
            limit: Some(100),
            ..Default::default()
        };
        let mut page = clean.list(&query, cursor.as_deref()).await;
        for _ in 0..10 {
            if page.is_ok() {
                break;
            }
            page = clean.list(&query, cursor.as_deref()).await;
        }
        let page = page.expect("a page, through the faults");
        names.extend(page.data.iter().map(|l| l.full_name()));
        match page.continuation() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    for n in 0..100 {
        let name = format!("Faulty {n:03}");
        assert_eq!(names.iter().filter(|x| **x == name).count(), 1, "{name} exactly once");
    }
    assert_eq!(all, before + 100);
    sandbox.shutdown().await;
}
