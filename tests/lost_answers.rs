//! A create whose answer is lost is looked for in the tenant's list before it is sent again, and a lead
//! another outbox entry already claimed is never taken for it (`Outbox::next_request`'s `taken`). Two
//! entries for the same person, the second dropped by the sandbox before it is stored: the only such lead on
//! the tenant is the first entry's, so the second must end "not found" for the rep, not "sent" under the
//! first one's id (which would leave the second lead never created and the screen saying all is well).

use std::time::{Duration, Instant};

use leadbox::outbox::{Outbox, OutboxEntry, OutboxState};
use leadbox::store::state::StateFile;
use novala_sandbox::faults::{Creates, FaultOptions, LostAnswer};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

fn twin() -> leadbox::api::types::NewLead {
    let mut lead = leadbox::api::types::NewLead::new("Twin", leadbox::api::types::LeadSource::WebForm);
    lead.last_name = Some("Lovelace".into());
    lead.email = Some("twin@example.com".into());
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    lead
}

fn outbox(state: &std::path::Path) -> Vec<OutboxEntry> {
    StateFile::open(state)
        .ok()
        .and_then(|s| s.file.outbox().ok())
        .map(|o| o.0)
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_is_never_matched_to_the_lead_another_entry_already_claimed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let faults = FaultOptions::none().lose_answers(LostAnswer::Unstored, Creates::nth(2));
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20).faults(faults))
        .await
        .expect("sandbox starts");
    // A first run makes the tenant's directory; two leads for the same person then wait in its outbox.
    let mut session = Session::launch(stranger(dir.path(), &sandbox)).await;
    session.wait_for("the tenant's leads", leads_loaded);
    session.keys(b"q");
    assert!(session.wait_exit().success());
    let state = tenant_dir(dir.path()).join("state.sqlite3");
    let now = chrono::Utc::now();
    let mut queue = Outbox::default();
    let first = queue.enqueue("twin-1".into(), twin(), None, now);
    let second = queue.enqueue("twin-2".into(), twin(), None, now + chrono::Duration::milliseconds(1));
    let file = StateFile::open(&state).expect("state file").file;
    file.put_outbox(&first).expect("queued");
    file.put_outbox(&second).expect("queued");
    drop(file);

    // The first is created; the second is dropped before it is stored, so it is looked for.
    let mut session = Session::launch(stranger(dir.path(), &sandbox)).await;
    let deadline = Instant::now() + WAIT;
    let settled = loop {
        let entries = outbox(&state);
        let second = entries.iter().find(|e| e.key == "twin-2").cloned();
        if let Some(second) = second.filter(|e| matches!(e.state, OutboxState::Sent | OutboxState::Unknown)) {
            break (entries, second);
        }
        assert!(Instant::now() < deadline, "the second lead never settled: {entries:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (entries, second) = settled;
    let first = entries.iter().find(|e| e.key == "twin-1").expect("the first entry");
    assert_eq!(first.state, OutboxState::Sent);

    let twins = sandbox
        .store()
        .run(|c| {
            novala_sandbox::store::list_leads(
                c,
                novala_sandbox::seed::DEMO_TENANT,
                &novala_sandbox::ListFilter::default(),
                None,
                100,
            )
        })
        .await
        .expect("the tenant's leads")
        .into_iter()
        .filter(|l| l.first_name.as_deref() == Some("Twin"))
        .map(|l| l.id)
        .collect::<Vec<_>>();
    assert_eq!(twins.len(), 1, "only the first was stored: {twins:?}");
    assert_eq!(first.server_id.as_deref(), Some(twins[0].as_str()));
    assert_eq!(
        second.state,
        OutboxState::Unknown,
        "the second was taken for the first's lead ({:?}): it would never be created",
        second.server_id
    );
    assert_eq!(second.server_id, None);
    session.wait_for("the rep asked to decide", |s| s.contains("1 need you"));
    session.keys(b"q");
    session.keys(b"q");
    assert!(session.wait_exit().success());
    assert_eq!(sandbox.lead_count().await.expect("count"), 21, "nothing sent twice");
    sandbox.shutdown().await;
}
