//! The outbox on disk: every lead typed survives a restart, one caught being sent is looked for before
//! anything is sent, and an entry that cannot be read back is reported, never dropped.

use chrono::Duration;
use leadbox::api::types::{LeadSource, NewLead};
use leadbox::api::worker::ApiRequest;
use leadbox::outbox::{Outbox, OutboxState};
use leadbox::store::state::StateFile;

use crate::support::now;

fn lead(name: &str) -> NewLead {
    let mut lead = NewLead::new(name, LeadSource::WebForm);
    lead.email = Some(format!("{}@example.com", name.to_lowercase()));
    lead
}

#[test]
fn the_outbox_survives_a_restart_and_a_lead_caught_being_sent_is_looked_for_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    let mut outbox = Outbox::default();
    let first = outbox.enqueue("k1".into(), lead("Ada"), None, now());
    file.put_outbox(&first).unwrap();
    let second = outbox.enqueue("k2".into(), lead("Bo"), None, now() + Duration::seconds(1));
    file.put_outbox(&second).unwrap();
    // Ada goes out; leadbox is killed before the answer.
    let (request, sending) = outbox.next_request(now() + Duration::seconds(2), 7).unwrap();
    assert!(matches!(request, ApiRequest::Create { id: 7, .. }));
    file.put_outbox(&sending).unwrap();
    drop(file);

    let (entries, unreadable) = StateFile::open(&path).unwrap().file.outbox().unwrap();
    assert!(unreadable.is_empty());
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].state, OutboxState::Sending);
    let mut restored = Outbox::restore(entries);
    assert_eq!(restored.pending(), 2);
    // Ada may have arrived: looked for among leads created since she was sent (less some clock slack).
    let (request, _) = restored.next_request(now() + Duration::seconds(3), 8).unwrap();
    let ApiRequest::FindCreated { lead, since, .. } = request else {
        panic!("looked for, not sent again: {request:?}");
    };
    assert_eq!(lead.first_name, "Ada");
    assert!(since <= now() + Duration::seconds(2));
    assert!(restored.next_request(now(), 9).is_none(), "one request at a time");
}

#[test]
fn an_outbox_entry_that_cannot_be_read_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    let mut outbox = Outbox::default();
    file.put_outbox(&outbox.enqueue("good".into(), lead("Ada"), None, now()))
        .unwrap();
    drop(file);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO outbox (key, queued_at, body) VALUES ('bad', '2026-01-01T00:00:00Z', '{not json')",
        [],
    )
    .unwrap();
    drop(conn);
    let file = StateFile::open(&path).unwrap().file;
    let (entries, unreadable) = file.outbox().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(unreadable, ["bad"]);
    // Still there for a later leadbox (or a person) to recover.
    let (_, again) = file.outbox().unwrap();
    assert_eq!(again, ["bad"]);
}

#[tokio::test]
async fn a_lead_whose_answer_was_lost_is_found_among_the_newest_and_a_lead_never_sent_is_not() {
    let sandbox = novala_sandbox::testing::start(250).await;
    let client = leadbox::api::client::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let since = chrono::Utc::now() - Duration::seconds(5);
    let mut sent = lead("Lost");
    sent.last_name = Some("Answer".into());
    // The sandbox's tenant requires a region.
    sent.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let created = client.create(&sent).await.expect("created");
    // The email's case and spaces around it do not matter; the names do.
    sent.email = sent.email.map(|e| format!("  {}", e.to_uppercase()));
    let found = client.find_created(&sent, since, 5, &[]).await.expect("looked");
    assert_eq!(found.map(|l| l.id), Some(created.id));
    let mut never = lead("Lost");
    never.last_name = Some("Elsewhere".into());
    assert_eq!(client.find_created(&never, since, 5, &[]).await.expect("looked"), None);
    sandbox.shutdown().await;
}

fn entry(key: &str, name: &str, state: OutboxState, minutes_ago: i64) -> leadbox::outbox::OutboxEntry {
    let mut outbox = Outbox::default();
    let mut e = outbox.enqueue(key.into(), lead(name), None, now() - Duration::minutes(minutes_ago));
    e.state = state;
    e.draft = Some(leadbox::app::form::Draft {
        fields: [(
            "firstName".to_string(),
            leadbox::app::form::DraftValue::Text(name.into()),
        )]
        .into(),
        may_have_been_sent: false,
        added_custom_fields: Vec::new(),
    });
    match state {
        OutboxState::Unknown => e.error = Some("its answer was lost and it is not among the newest leads".into()),
        OutboxState::Rejected => e.error = Some("the server refused the request (400): email is invalid".into()),
        OutboxState::Sent => e.server_id = Some("7e57ab1e-0000-4000-8000-000000000001".into()),
        _ => {}
    }
    e
}

#[test]
fn the_outbox_screen_lists_each_lead_and_lets_the_rep_edit_send_or_drop_it() {
    use crate::support::{app_with, ch, key, screen_text};
    use crossterm::event::KeyCode;
    use leadbox::app::action::Effect;
    use leadbox::app::{Msg, Screen, update};
    let (mut app, _) = app_with(100, 20, 5, false);
    app.restore_outbox(vec![
        entry("a", "Ada", OutboxState::Queued, 9),
        entry("b", "Bo", OutboxState::Unknown, 8),
        entry("c", "Cy", OutboxState::Rejected, 7),
        entry("d", "Di", OutboxState::Sent, 6),
    ]);
    update(&mut app, ch('O'));
    assert_eq!(app.screen(), Screen::Outbox);
    insta::assert_snapshot!("outbox_100x20", screen_text(&app));

    // Cy, refused, opens in the form; while it is there it is not sent, Ada goes first.
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen(), Screen::Form);
    let shown = screen_text(&app);
    assert!(
        shown.contains("Lead from the outbox") && !shown.contains("New lead"),
        "{shown}"
    );
    let out = update(&mut app, Msg::Tick { now: now() }).requests;
    let [ApiRequest::Create { lead, .. }] = out.as_slice() else {
        panic!("{out:?}");
    };
    assert_eq!(lead.first_name, "Ada");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('y'));
    assert_eq!(app.screen(), Screen::List);

    // Bo, not found, is sent again on the rep's word (after Ada, which is out).
    update(&mut app, ch('O'));
    update(&mut app, ch('j'));
    let ctrl_s = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    assert!(
        update(&mut app, ctrl_s).requests.is_empty(),
        "Ada is out: Bo waits its turn"
    );
    assert_eq!(app.outbox().get("b").unwrap().state, OutboxState::Queued);
    // Ada, being sent, cannot be dropped; Cy can, on the second x.
    update(&mut app, key(KeyCode::Home));
    update(&mut app, ch('x'));
    update(&mut app, ch('x'));
    assert!(app.outbox().get("a").is_some());
    assert!(
        app.notice().unwrap().contains("cannot be dropped"),
        "{:?}",
        app.notice()
    );
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let asked = update(&mut app, ch('x')).effects;
    assert!(app.outbox().get("c").is_some(), "asks first");
    let dropped = update(&mut app, ch('x')).effects;
    assert!(app.outbox().get("c").is_none());
    assert!([asked, dropped].concat().contains(&Effect::RemoveOutbox {
        key: "c".into(),
        rev: 1
    }));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::List);
}

#[test]
fn every_views_kept_first_page_is_known_to_the_look_alike_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = StateFile::open(&dir.path().join("state.sqlite3")).unwrap().file;
    file.cache_page("status=&assignedTo=", &[crate::support::lead(1)])
        .unwrap();
    file.cache_page(
        "status=new&assignedTo=",
        &[crate::support::lead(2), crate::support::lead(3)],
    )
    .unwrap();
    let mut ids: Vec<String> = file.cached_leads().unwrap().into_iter().map(|l| l.id).collect();
    ids.sort();
    let mut want: Vec<String> = [1, 2, 3].iter().map(|&n| crate::support::lead(n).id).collect();
    want.sort();
    assert_eq!(ids, want);
}

fn created(new: &NewLead, id: &str) -> leadbox::api::types::Lead {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "firstName": new.first_name,
        "email": new.email,
        "status": "new",
        "createdAt": "2026-11-29T10:00:00.000Z",
    }))
    .unwrap()
}

#[test]
fn an_import_outbox_keeps_several_requests_out_but_never_more_than_its_bound() {
    let mut outbox = Outbox::default().with_max_in_flight(3);
    for i in 0..5 {
        outbox.enqueue(
            format!("row {i}"),
            lead(&format!("Lead{i}")),
            None,
            now() + Duration::seconds(i),
        );
    }
    let mut sent = Vec::new();
    while let Some((request, entry)) = outbox.next_request(now(), 10 + sent.len() as u64) {
        assert!(matches!(request, ApiRequest::Create { .. }));
        sent.push(entry.key);
    }
    assert_eq!(sent, ["row 0", "row 1", "row 2"], "oldest first, three at once");
    assert_eq!(outbox.in_flight_count(), 3);
    // An answer frees one place, and the next lead takes it; a lead out is never sent twice at once.
    let first = outbox.entries()[0].lead.clone();
    outbox.on_created(11, Ok(created(&first, "x")), now()).unwrap();
    let (_, next) = outbox.next_request(now(), 20).unwrap();
    assert_eq!(next.key, "row 3");
    assert!(outbox.next_request(now(), 21).is_none());
}

#[test]
fn a_429_pauses_the_whole_outbox_for_its_retry_after() {
    let mut outbox = Outbox::default().with_max_in_flight(2);
    for i in 0..3 {
        outbox.enqueue(
            format!("row {i}"),
            lead(&format!("Lead{i}")),
            None,
            now() + Duration::seconds(i),
        );
    }
    outbox.next_request(now(), 1).unwrap();
    outbox.next_request(now(), 2).unwrap();
    let limited = leadbox::api::error::ApiError::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(4)),
    };
    outbox.on_created(1, Err(limited), now()).unwrap();
    assert_eq!(outbox.entries()[0].state, OutboxState::Queued);
    // A place is free and row 2 has never been tried, but the tenant said to wait.
    assert!(outbox.next_request(now() + Duration::seconds(3), 3).is_none());
    assert_eq!(outbox.next_due(), Some(now() + Duration::seconds(4)));
    let (_, entry) = outbox.next_request(now() + Duration::seconds(4), 4).unwrap();
    assert_eq!(entry.key, "row 0", "the limited lead keeps its turn");
}

#[test]
fn a_lost_create_is_not_matched_to_a_lead_another_entry_already_claimed() {
    let mut outbox = Outbox::default().with_max_in_flight(2);
    // The same person twice (a file with a repeated row): the first is created, the second's answer is lost.
    outbox.enqueue("row 1".into(), lead("Ada"), None, now());
    outbox.enqueue("row 2".into(), lead("Ada"), None, now() + Duration::seconds(1));
    outbox.next_request(now(), 1).unwrap();
    outbox.next_request(now(), 2).unwrap();
    let ada = lead("Ada");
    outbox.on_created(1, Ok(created(&ada, "lead-1")), now()).unwrap();
    let lost = leadbox::api::error::ApiError::Network {
        message: "reset".into(),
        maybe_created: true,
    };
    outbox.on_created(2, Err(lost), now()).unwrap();
    let (request, _) = outbox.next_request(now(), 3).unwrap();
    let ApiRequest::FindCreated { taken, .. } = request else {
        panic!("{request:?}");
    };
    assert_eq!(taken, ["lead-1"]);
}

#[test]
fn a_lead_waiting_out_a_backoff_goes_at_once_when_the_tenant_answers_again_but_not_through_a_rate_limit() {
    let mut outbox = Outbox::default();
    outbox.enqueue("typed".into(), lead("Olga"), None, now());
    let unreachable = || leadbox::api::error::ApiError::Network {
        message: "connection refused".into(),
        maybe_created: false,
    };
    // Five failures in a row: the next try is a minute away or more.
    let mut at = now();
    for id in 1..=5 {
        at = outbox.next_due().map_or(at, |due| due.max(at));
        outbox.next_request(at, id).expect("due");
        outbox.on_created(id, Err(unreachable()), at).unwrap();
    }
    let later = outbox.next_due().expect("waits");
    assert!(later - at >= Duration::seconds(30), "backed off: {later} after {at}");
    assert!(outbox.next_request(at + Duration::seconds(1), 6).is_none());
    // A poll came back: the tenant is there, so the lead goes now rather than in a minute.
    outbox.tenant_answered(at + Duration::seconds(1));
    let (_, entry) = outbox.next_request(at + Duration::seconds(1), 6).expect("sent at once");
    assert_eq!(entry.key, "typed");

    // After a 429 the tenant's own wait holds, whatever else it answers.
    let limited = leadbox::api::error::ApiError::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(20)),
    };
    let t = at + Duration::seconds(1);
    outbox.on_created(6, Err(limited), t).unwrap();
    outbox.tenant_answered(t + Duration::seconds(2));
    assert!(
        outbox.next_request(t + Duration::seconds(2), 7).is_none(),
        "the 429's wait holds"
    );
    assert!(outbox.next_request(t + Duration::seconds(20), 7).is_some());
}
