//! Real leadbox processes side by side on one profile: two inboxes, parallel `leads create`, an inbox and
//! a script, and a state file held by another process. Each lead is created exactly once, and nothing is
//! sent whose record is not on disk.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use leadbox::api::types::ListQuery;
use leadbox::outbox::{Outbox, OutboxState};
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
    [
        "create",
        "--first-name",
        name,
        "--source",
        "web_form",
        "--custom",
        "region=emea",
    ]
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

/// Opens the form and types a lead named `name` with a source, the fields a stranger's tenant is known
/// to need (its own `region` is learned from its refusal).
fn type_lead(inbox: &mut Session, name: &str) {
    inbox.keys(b"n");
    inbox.wait_for("the form", |s| s.contains("New lead"));
    inbox.keys(name.as_bytes());
    inbox.wait_for("the typed name", |s| s.contains(name));
    inbox.keys(b"\x13");
    inbox.wait_for("the form's own check", |s| s.contains("is required"));
    inbox.keys(b"\x1b[C");
    inbox.wait_for("a source chosen", |s| !s.contains("choose…"));
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
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Parallel"),
            "the lead is printed"
        );
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
    inbox.wait_for("the tenant's leads", leads_loaded);
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
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20).faults(faults))
        .await
        .unwrap();
    // A first run makes the profile's directory; then a lead waits in its outbox, as if typed offline.
    let mut first = Session::launch(stranger(dir.path(), &sandbox)).await;
    first.wait_for("the tenant's leads", leads_loaded);
    first.keys(b"q");
    assert!(first.wait_exit().success());
    let mut lead = leadbox::api::types::NewLead::new("Twice", leadbox::api::types::LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let entry = Outbox::default().enqueue("waiting".into(), lead, None, chrono::Utc::now());
    StateFile::open(&state_path(dir.path()))
        .unwrap()
        .file
        .put_outbox(&entry)
        .unwrap();

    let mut a = Session::launch(stranger(dir.path(), &sandbox)).await;
    let mut b = Session::launch(stranger(dir.path(), &sandbox)).await;
    a.wait_for("A's list", leads_loaded);
    b.wait_for("B's list", leads_loaded);
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
        assert!(
            Instant::now() < deadline,
            "neither says the other sends:\n{}",
            a.screen_text()
        );
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
    assert!(
        err.contains("not sent") && err.contains("another process holds the file"),
        "{err}"
    );
    assert!(took < Duration::from_secs(15), "no hang: {took:?}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing sent");

    // The inbox on the same held file: the form stays open with the lead, and nothing leaves.
    let mut inbox = Session::launch(stranger(dir.path(), &sandbox)).await;
    inbox.wait_for("the tenant's leads", leads_loaded);
    type_lead(&mut inbox, "Heldback");
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

/// A small tmpfs mounted over `at` for the test's life: a disk that really fills. Mounting needs root (CI
/// runs as root); elsewhere the test says so and checks nothing.
struct SmallDisk {
    at: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Some(SmallDisk { at: at.to_path_buf() }),
            _ => {
                eprintln!("not checked here: mounting a tmpfs needs root");
                None
            }
        }
    }

    /// Writes a file until the disk refuses more.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.at.join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.at.join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_full_disk_a_create_fails_clearly_sends_nothing_and_the_file_stays_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("data"), "4m") else {
        return;
    };
    let sandbox = novala_sandbox::testing::start(3).await;
    let log = dir.path().join("leadbox.log");
    let with_log = |name: &str| {
        let args = create_args(name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = leads(dir.path(), &sandbox, &args);
        cmd.arg("--log-file").arg(&log);
        cmd
    };
    assert_eq!(run(with_log("Roomy")).status.code(), Some(0));
    let before = sandbox.lead_count().await.unwrap();
    disk.fill();
    let out = tokio::task::spawn_blocking({
        let cmd = with_log("Crowded");
        move || run(cmd)
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(err.contains("not sent") && err.contains("full"), "{err}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing sent");
    let profile = tenant_dir(dir.path());
    let names: Vec<String> = std::fs::read_dir(&profile)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".bad")), "not set aside: {names:?}");

    disk.free();
    let out = run(with_log("Crowded"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count_named(&sandbox, "Crowded").await, 1);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_typed_when_the_disk_fills_stays_in_the_form_is_never_sent_and_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("data"), "4m") else {
        return;
    };
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20)).await.unwrap();
    let mut inbox = Session::launch(stranger(dir.path(), &sandbox)).await;
    inbox.wait_for("the tenant's leads", leads_loaded);
    let before = sandbox.lead_count().await.unwrap();
    type_lead(&mut inbox, "Diskfull");
    let draft = tenant_dir(dir.path()).join("draft.json");
    wait_for_file(&draft, "Diskfull");
    disk.fill();
    inbox.keys(b"\x13");
    let screen = inbox.wait_for("the write refused", |s| s.contains("could not be kept on disk"));
    assert!(screen.contains("New lead") && screen.contains("Diskfull"), "{screen}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing sent");
    // Killed as it stands: the draft on disk still holds the lead.
    inbox.child.kill().unwrap();
    let _ = inbox.child.wait();
    disk.free();
    let mut inbox = Session::launch(stranger(dir.path(), &sandbox)).await;
    inbox.wait_for("the kept draft", |s| s.contains("Unsent lead kept"));
    inbox.keys(b"n");
    inbox.wait_for("the form with the typed name", |s| {
        s.contains("New lead") && s.contains("Diskfull")
    });
    inbox.keys(b"\x1b");
    inbox.keys(b"q");
    let _ = inbox.child.kill();
    assert_eq!(sandbox.lead_count().await.unwrap(), before);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_state_file_is_set_aside_by_leads_create_and_said_on_stderr_and_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let log = dir.path().join("leadbox.log");
    let create = |name: &str| {
        let args = create_args(name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = leads(dir.path(), &sandbox, &args);
        cmd.arg("--log-file").arg(&log);
        run(cmd)
    };
    assert_eq!(create("First").status.code(), Some(0));
    let state = state_path(dir.path());
    let intact = std::fs::read(&state).unwrap();
    let newer = {
        let copy = dir.path().join("newer.sqlite3");
        std::fs::copy(&state, &copy).unwrap();
        let conn = rusqlite::Connection::open(&copy).unwrap();
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'", [])
            .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        drop(conn);
        std::fs::read(&copy).unwrap()
    };
    let damaged: [(&str, Vec<u8>); 4] = [
        ("truncated", intact[..intact.len().min(4096) / 2].to_vec()),
        ("zeroed", vec![0u8; intact.len().max(4096)]),
        ("garbage", b"not a database at all; ".repeat(300)),
        ("newer", newer),
    ];
    for (n, (kind, bytes)) in damaged.into_iter().enumerate() {
        for extra in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{extra}", state.display()));
        }
        std::fs::write(&state, &bytes).unwrap();
        let out = create(&format!("After{n}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{kind}: {err}");
        assert!(
            err.contains("not restored") && err.contains("the old file is"),
            "{kind}: {err}"
        );
        let logged = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            logged.matches("the state file was set aside").count(),
            n + 1,
            "{kind}: each set-aside is in the log"
        );
    }
    let profile = tenant_dir(dir.path());
    let mut aside: Vec<String> = std::fs::read_dir(&profile)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bad") || n.contains(".newer"))
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    aside.sort();
    assert_eq!(
        aside,
        [
            "state.sqlite3.bad",
            "state.sqlite3.bad.2",
            "state.sqlite3.bad.3",
            "state.sqlite3.newer"
        ],
        "none overwrote another"
    );
    sandbox.shutdown().await;
}
