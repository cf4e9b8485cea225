//! The inbox end to end: app + worker + real HTTP against the embedded sandbox, drawn to a test terminal.
//! Scrolling follows the cursor through pages, a status filter shows only that status, and a failing
//! server shows its error and recovers once it is healthy again.

use std::time::Duration;

use crate::support::{ch, key, pump, screen_text};
use chrono::Utc;
use crossterm::event::KeyCode;
use leadbox::api::client::{ClientOptions, NovalaClient, RetryPolicy};
use leadbox::api::types::{Lead, LeadStatus, ListQuery};
use leadbox::api::worker::spawn_worker;
use leadbox::app::{App, AppSettings, update};
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{Sandbox, SandboxOptions};

const PAGE: u32 = 25;

fn settings(sandbox: &Sandbox) -> AppSettings {
    AppSettings {
        poll_every_secs: leadbox::app::poll::DEFAULT_POLL_SECS,
        tenant: sandbox.profile().clone(),
        page_size: PAGE,
        ..crate::support::settings()
    }
}

/// Every lead of the tenant in the server's order, read straight through the client.
async fn all_leads(client: &NovalaClient, status: Option<LeadStatus>) -> Vec<Lead> {
    let query = ListQuery {
        status,
        limit: Some(100),
        ..ListQuery::default()
    };
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1_000 {
        let page = client.list(&query, cursor.as_deref()).await.expect("page");
        out.extend(page.data.iter().cloned());
        match page.continuation() {
            Some(next) => cursor = Some(next.to_string()),
            None => return out,
        }
    }
    panic!("the list never ended");
}

#[tokio::test]
async fn scrolling_follows_the_cursor_through_three_pages_in_order() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(200))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let expected = all_leads(&client, None).await;
    let mut worker = spawn_worker(client);
    let mut app = App::new(settings(&sandbox), Utc::now(), 80, 24);
    let first = app.start().requests;
    pump(&mut app, &mut worker, first).await;

    // Walk down past the third page, serving each prefetch as it is asked for.
    let target = 3 * PAGE as usize + 5;
    for _ in 0..target {
        let out = update(&mut app, ch('j')).requests;
        pump(&mut app, &mut worker, out).await;
    }
    assert_eq!(app.list().selected(), target);
    assert!(app.list().len() > target, "pages ahead of the selection are loaded");
    let loaded: Vec<String> = app.list().leads().iter().map(|l| l.id().to_string()).collect();
    let want: Vec<String> = expected.iter().take(loaded.len()).map(|l| l.id.clone()).collect();
    assert_eq!(
        loaded, want,
        "the loaded leads are the server's, newest first, each once"
    );

    let selected_name = expected[target].full_name();
    let text = screen_text(&app);
    let row = text
        .lines()
        .find(|l| l.contains('›'))
        .unwrap_or_else(|| panic!("a selected row:\n{text}"));
    let shown_first_word = selected_name.split(' ').next().unwrap_or_default();
    assert!(
        row.contains(shown_first_word),
        "the selected row shows {selected_name}:\n{text}"
    );
    assert!(text.contains(&format!("{} loaded", app.list().len())), "{text}");

    // The end of the list is reached and said so.
    let out = update(&mut app, key(KeyCode::End)).requests;
    pump(&mut app, &mut worker, out).await;
    for _ in 0..10 {
        let out = update(&mut app, key(KeyCode::End)).requests;
        pump(&mut app, &mut worker, out).await;
    }
    assert_eq!(app.list().len(), expected.len());
    assert!(!app.list().has_more());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_status_filter_shows_only_that_status() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(300))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let qualified = all_leads(&client, Some(LeadStatus::Qualified)).await;
    assert!(qualified.len() > 5, "the seed has qualified leads");
    let mut worker = spawn_worker(client);
    let mut app = App::new(settings(&sandbox), Utc::now(), 120, 40);
    let first = app.start().requests;
    pump(&mut app, &mut worker, first).await;

    // Focus the status pane, move to "qualified" (all, new, contacted, qualifying, qualified) and choose it.
    update(&mut app, ch('s'));
    for _ in 0..4 {
        update(&mut app, ch('j'));
    }
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    pump(&mut app, &mut worker, out).await;

    assert_eq!(app.list().query().status, Some(LeadStatus::Qualified));
    let ids: Vec<String> = app.list().leads().iter().map(|l| l.id().to_string()).collect();
    let want: Vec<String> = qualified.iter().take(ids.len()).map(|l| l.id.clone()).collect();
    assert!(!ids.is_empty());
    assert_eq!(ids, want, "only qualified leads, in the server's order");
    assert!(
        app.list().leads().iter().all(|l| l.status() == LeadStatus::Qualified),
        "every listed lead is qualified"
    );
    let text = screen_text(&app);
    assert!(text.contains("status: qualified"), "{text}");
    for status in ["contacted", "converted", "disqualified"] {
        let rows_with_status = text
            .lines()
            .filter(|l| l.contains('│') && l.contains(&format!(" {status} ")))
            .count();
        assert!(
            rows_with_status <= 1,
            "no {status} rows in the list (the pane may name it once):\n{text}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_failing_server_shows_the_error_and_the_inbox_recovers_when_it_is_healthy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("tenant.sqlite3");
    let broken = Sandbox::start(
        SandboxOptions::default()
            .db_path(&db)
            .seed_leads(60)
            .faults(FaultOptions::none().rate(1.0).seed(7)),
    )
    .await
    .expect("sandbox starts");
    let port = broken.addr().port();
    let options = ClientOptions {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_total: Duration::from_secs(2),
        },
        ..ClientOptions::default()
    };
    let client = NovalaClient::with_options(&broken.base_url(), broken.secret_key(), options).expect("client");
    let mut worker = spawn_worker(client);
    let mut app = App::new(settings(&broken), Utc::now(), 100, 30);
    let first = app.start().requests;
    pump(&mut app, &mut worker, first).await;

    assert!(app.list().is_empty());
    let error = app.error().expect("the failure is reported").to_string();
    let text = screen_text(&app);
    let status_line = text.lines().last().unwrap_or_default();
    let shown: String = error.chars().take(20).collect();
    assert!(text.contains(&shown), "the error shows on screen:\n{text}");
    assert!(status_line.contains(&shown), "the error is in the status bar:\n{text}");

    // The same tenant comes back healthy on the same address.
    broken.shutdown().await;
    let healthy = Sandbox::start(SandboxOptions::default().db_path(&db).port(port).seed_leads(60))
        .await
        .expect("sandbox restarts");
    let out = update(&mut app, ch('r')).requests;
    assert!(!out.is_empty(), "r retries the list");
    pump(&mut app, &mut worker, out).await;

    assert_eq!(app.error(), None, "the error clears once the list loads");
    assert_eq!(app.list().len(), 60);
    let text = screen_text(&app);
    assert!(!text.contains(&shown), "the old error is gone:\n{text}");
    assert!(text.contains("60 loaded"), "{text}");
    healthy.shutdown().await;
}
