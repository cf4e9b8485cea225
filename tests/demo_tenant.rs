//! The embedded demo tenant through the real binary: its simulated colleagues at work while the inbox shows
//! it (and still when told, as every other test has them), and `leadbox sync` on its profile, the mirror
//! being on there by default, beside an inbox that opens as fast as without it.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::leadbox_command as leadbox;
use crate::support::pty::{self, Session};

/// Leads of the demo tenant, as `leads list --all` counts them.
fn demo_leads(dir: &Path) -> usize {
    let out = leadbox(dir)
        .args(["leads", "list", "--all", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// The inbox on the demo tenant for `open`, its colleagues making `activity` changes a minute.
async fn inbox_for(dir: &Path, activity: &str, open: Duration) {
    let mut cmd = pty::command(dir);
    cmd.env(leadbox::commands::prepare::DEMO_ACTIVITY_ENV, activity);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the demo's leads", pty::leads_loaded);
    tokio::time::sleep(open).await;
    session.keys(b"q");
    assert!(
        tokio::task::spawn_blocking(move || session.wait_exit())
            .await
            .unwrap()
            .success()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_tenant_lives_while_the_inbox_shows_it_and_stays_still_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = demo_leads(dir.path());
    assert_eq!(seeded, 5_000);
    let before = std::fs::read(dir.path().join("data/leadbox/sandbox.sqlite3"))
        .unwrap()
        .len();
    inbox_for(dir.path(), "0", Duration::from_secs(2)).await;
    assert_eq!(demo_leads(dir.path()), seeded, "stilled, nothing changed");
    // One change every 50 ms: a colleague's new lead among them within the two seconds, as sure as the
    // seed makes it.
    inbox_for(dir.path(), "1200", Duration::from_secs(2)).await;
    let now = demo_leads(dir.path());
    assert!(now > seeded, "{now} leads: no simulated colleague added one");
    assert!(before > 0);
}

#[test]
fn leadbox_sync_on_the_demo_profile_works_beside_an_inbox_that_opens_as_fast() {
    let dir = tempfile::tempdir().unwrap();
    // The database seeded first, so what is timed is the opening, not the seeding.
    assert_eq!(demo_leads(dir.path()), 5_000);
    let first_frame = |sync: Option<&mut std::process::Child>| {
        let started = Instant::now();
        let mut session = Session::start(pty::command(dir.path()));
        session.wait_for("the demo's leads", pty::leads_loaded);
        let took = started.elapsed();
        if let Some(sync) = sync {
            assert!(
                sync.try_wait().unwrap().is_none(),
                "the sync still reads as the inbox shows its leads"
            );
        }
        session.keys(b"q");
        assert!(session.wait_exit().success());
        took
    };
    let alone = first_frame(None);
    // A full sweep on top of the first sync: the sync is still reading while the inbox opens.
    let mut sync = leadbox(dir.path())
        .args(["sync", "--sweep", "all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let beside = first_frame(Some(&mut sync));
    let out = sync.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The inbox opened first syncs in the background too: between them, every lead is mirrored once.
    assert!(said.contains("synced sandbox: 5000 leads in the mirror"), "{said}");
    eprintln!("first frame alone {alone:?}, beside a sync {beside:?}");
    // Generous, for a shared machine: what would fail is an inbox waiting for the sync to end.
    assert!(
        beside < alone * 3 + Duration::from_secs(2),
        "first frame alone {alone:?}, beside a sync {beside:?}"
    );
    let out = leadbox(dir.path())
        .args(["leads", "list", "--offline", "--limit", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
