//! The outbox on disk: every lead typed survives a restart, one caught being sent is looked for before
//! anything is sent, and an entry that cannot be read back is reported, never dropped.

use chrono::Duration;
use leadbox::api::types::{LeadSource, NewLead};
use leadbox::api::worker::ApiRequest;
use leadbox::app::outbox::{Outbox, OutboxState};
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
    let found = client.find_created(&sent, since, 5).await.expect("looked");
    assert_eq!(found.map(|l| l.id), Some(created.id));
    let mut never = lead("Lost");
    never.last_name = Some("Elsewhere".into());
    assert_eq!(client.find_created(&never, since, 5).await.expect("looked"), None);
    sandbox.shutdown().await;
}
