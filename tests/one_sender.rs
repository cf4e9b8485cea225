//! Real leadbox processes side by side on one profile: two inboxes, parallel `leads create`, an inbox and
//! a script, and a state file held by another process. Each lead is created exactly once, and nothing is
//! sent whose record is not on disk.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use leadbox::api::types::ListQuery;
use leadbox::app::outbox::{Outbox, OutboxState};
use leadbox::store::state::StateFile;
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

/// `leadbox --api-url URL leads ARGS…` as a script on a stranger's tenant would run it.
fn leads(dir: &Path, sandbox: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut cmd = crate::support::leadbox_command(dir);
    cmd.args(["--api-url", &sandbox.base_url(), "leads"])
        .args(args)
        .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn create_args(name: &str) -> Vec<String> {
    ["create", "--first-name", name, "--source", "web_form", "--custom", "region=emea"]
        .map(String::from)
        .to_vec()
}

fn run(mut cmd: std::process::Command) -> Output {
    cmd.output().expect("leadbox runs")
}

/// How many of the tenant's leads carry `first_name`.
async fn count_named(sandbox: &Sandbox, first_name: &str) -> usize {
    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let page = client
        .list(
            &ListQuery {
                limit: Some(100),
                ..ListQuery::default()
            },
            None,
        )
        .await
        .expect("the tenant's newest leads");
    page.data
        .iter()
        .filter(|l| l.first_name.as_deref() == Some(first_name))
        .count()
}

/// The state file of the only profile under `dir` (a `--api-url` profile is named after its URL).
fn state_path(dir: &Path) -> std::path::PathBuf {
    tenant_dir(dir).join("state.sqlite3")
}

#[tokio::test(flavor = "multi_thread")]
async fn six_leads_created_at_once_through_one_profile_are_six_leads() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let names: Vec<String> = (1..=6).map(|i| format!("Parallel{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            let args = create_args(name);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            leads(dir.path(), &sandbox, &args).spawn().expect("leadbox starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("leadbox ends");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Parallel"), "the lead is printed");
    }
    for name in &names {
        assert_eq!(count_named(&sandbox, name).await, 1, "{name} exactly once");
    }
    let (entries, _) = StateFile::open(&state_path(dir.path())).unwrap().file.outbox().unwrap();
    assert!(entries.iter().all(|e| e.state == OutboxState::Sent), "{entries:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_beside_an_open_inbox_queues_its_lead_for_the_inbox_and_reports_it_created() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20)).await.unwrap();
    let mut inbox = Session::launch(stranger(dir.path(), &sandbox)).await;
    inbox.wait_for("the tenant's leads", |s| s.contains("loaded"));
    let args = create_args("Scripted");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tokio::task::spawn_blocking({
        let cmd = leads(dir.path(), &sandbox, &args);
        move || run(cmd)
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("queued: another leadbox (pid"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Scripted"));
    // The inbox sent it: it shows the new lead, and the tenant has it once.
    inbox.wait_for("the lead the inbox sent", |s| s.contains("Scripted"));
    assert_eq!(count_named(&sandbox, "Scripted").await, 1);
    inbox.keys(b"q");
    assert!(inbox.wait_exit().success());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_inboxes_on_one_profile_send_a_waiting_lead_once() {
    let dir = tempfile::tempdir().unwrap();
    // Every answer half a second late, so both inboxes are up while the create is out.
    let faults = novala_sandbox::faults::FaultOptions::none().latency(Duration::from_millis(500));
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20).faults(faults)).await.unwrap();
    // A first run makes the profile's directory; then a lead waits in its outbox, as if typed offline.
    let mut first = Session::launch(stranger(dir.path(), &sandbox)).await;
    first.wait_for("the tenant's leads", |s| s.contains("loaded"));
    first.keys(b"q");
    assert!(first.wait_exit().success());
    let mut lead = leadbox::api::types::NewLead::new("Twice", leadbox::api::types::LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let entry = Outbox::default().enqueue("waiting".into(), lead, None, chrono::Utc::now());
    StateFile::open(&state_path(dir.path())).unwrap().file.put_outbox(&entry).unwrap();

    let mut a = Session::launch(stranger(dir.path(), &sandbox)).await;
    let mut b = Session::launch(stranger(dir.path(), &sandbox)).await;
    a.wait_for("A's list", |s| s.contains("loaded"));
    b.wait_for("B's list", |s| s.contains("loaded"));
    let state = state_path(dir.path());
    let deadline = Instant::now() + WAIT;
    loop {
        let (entries, _) = StateFile::open(&state).unwrap().file.outbox().unwrap();
        if entries.iter().any(|e| e.state == OutboxState::Sent) {
            break;
        }
        assert!(Instant::now() < deadline, "the lead was never sent: {entries:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Both have seen the outbox as it is now (each looks every second), and neither sends it again.
    a.wait_for("A's outbox settled", |s| !s.contains("to send"));
    b.wait_for("B's outbox settled", |s| !s.contains("to send"));
    assert_eq!(count_named(&sandbox, "Twice").await, 1, "POSTed once");
    // One of them says the other sends the outbox.
    let deadline = Instant::now() + WAIT;
    while !(a.screen_text().contains("outbox: pid") || b.screen_text().contains("outbox: pid")) {
        assert!(Instant::now() < deadline, "neither says the other sends:\n{}", a.screen_text());
        std::thread::sleep(Duration::from_millis(50));
    }
    a.keys(b"q");
    b.keys(b"q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());
    assert_eq!(count_named(&sandbox, "Twice").await, 1);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_file_held_by_another_process_fails_clearly_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let args = create_args("Before");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(run(leads(dir.path(), &sandbox, &args)).status.code(), Some(0));
    let before = sandbox.lead_count().await.unwrap();

    let holder = rusqlite::Connection::open(state_path(dir.path())).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let args = create_args("Blocked");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let out = tokio::task::spawn_blocking({
        let cmd = leads(dir.path(), &sandbox, &args);
        move || run(cmd)
    })
    .await
    .unwrap();
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(err.contains("not sent") && err.contains("another process holds the file"), "{err}");
    assert!(took < Duration::from_secs(15), "no hang: {took:?}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing sent");

    // The inbox on the same held file: the form stays open with the lead, and nothing leaves.
    let mut inbox = Session::launch(stranger(dir.path(), &sandbox)).await;
    inbox.wait_for("the tenant's leads", |s| s.contains("loaded"));
    inbox.keys(b"n");
    inbox.wait_for("the form", |s| s.contains("New lead"));
    inbox.keys(b"Heldback");
    inbox.wait_for("the typed name", |s| s.contains("Heldback"));
    inbox.keys(b"\x13");
    inbox.wait_for("the form's own check", |s| s.contains("is required"));
    inbox.keys(b"\x1b[C");
    inbox.wait_for("a source chosen", |s| !s.contains("choose…"));
    inbox.keys(b"\x13");
    let screen = inbox.wait_for("the write refused", |s| s.contains("could not be kept on disk"));
    assert!(screen.contains("New lead") && screen.contains("Heldback"), "{screen}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing sent");

    // Released: the same key sends it (the tenant asks for its region, proof that it left).
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    inbox.keys(b"\x13");
    inbox.wait_for("the tenant's answer", |s| s.contains("region"));
    inbox.keys(b"emea\x13");
    inbox.wait_for("the lead created", |s| s.contains("Created lead Heldback"));
    assert_eq!(count_named(&sandbox, "Heldback").await, 1);
    inbox.keys(b"q");
    assert!(inbox.wait_exit().success());
    sandbox.shutdown().await;
}
