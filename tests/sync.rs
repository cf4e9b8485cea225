//! The mirror and its sync against real sandboxes on 127.0.0.1: faults of every kind, changes made by
//! (simulated) colleagues, a run stopped halfway, a damaged file, two syncs at once, and `--offline`
//! answering as the tenant does.

use std::collections::HashSet;
use std::time::Duration;

use leadbox::api::types::Lead;
use leadbox::api::{ClientOptions, NovalaClient};
use leadbox::store::mirror::{Filter, MirrorFile, SyncLock};
use leadbox::sync::{self, Report, Sweep, SyncOptions};
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{ListFilter, Sandbox, SandboxOptions, store};

use crate::support::leadbox_command as leadbox;

/// Every lead of the demo tenant, newest first, straight from the sandbox's database.
async fn tenant_leads(sandbox: &Sandbox) -> Vec<Lead> {
    let tenant = sandbox.demo_tenant_id();
    sandbox
        .store()
        .run(move |c| store::list_leads(c, tenant, &ListFilter::default(), None, 10_000_000))
        .await
        .unwrap()
}

fn mirrored(mirror: &MirrorFile) -> Vec<Lead> {
    mirror.page(&Filter::default(), None, 10_000_000).unwrap()
}

/// A client that tries each request once: the sync retries, as `leadbox sync` has it.
fn client(sandbox: &Sandbox) -> NovalaClient {
    let options = ClientOptions {
        request_timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    };
    let client = NovalaClient::with_options(&sandbox.base_url(), sandbox.secret_key(), options).unwrap();
    sync::client_for_sync(&client)
}

fn fast(sweep: Sweep) -> SyncOptions {
    SyncOptions {
        rate: 1_000.0,
        sweep,
        ..SyncOptions::default()
    }
}

async fn sync_once(client: &NovalaClient, mirror: &mut MirrorFile, options: &SyncOptions) -> Report {
    sync::run(client, mirror, options, &mut |_| {}).await.unwrap()
}

fn open_mirror(dir: &std::path::Path) -> MirrorFile {
    MirrorFile::open(&dir.join("mirror.sqlite3")).unwrap().file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_under_a_fifth_of_requests_failing_ends_with_exactly_the_tenants_leads() {
    // Faults of every kind the sandbox offers, spread evenly: 500, 503, 429 with Retry-After, a connection
    // reset, a body cut off, an answer that is not JSON.
    let faults = FaultOptions::none().rate(0.2).seed(11);
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(6_000).faults(faults))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut mirror = open_mirror(dir.path());
    let report = sync_once(&client(&sandbox), &mut mirror, &fast(Sweep::Off)).await;
    assert!(report.complete, "{report:?}");
    assert!(report.retries > 0, "faults were met and tried again: {report:?}");
    let tenant = tenant_leads(&sandbox).await;
    let held = mirrored(&mirror);
    let ids: HashSet<&str> = held.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), held.len(), "each lead once");
    assert_eq!(held.len(), tenant.len());
    assert!(
        held == tenant,
        "every lead's fields equal the tenant's, in the tenant's order"
    );
    assert_eq!(report.new, tenant.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_in_the_web_app_reach_the_mirror_through_the_poll_and_the_sweep() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(800)).await.unwrap();
    let client = client(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut mirror = open_mirror(dir.path());
    sync_once(&client, &mut mirror, &fast(Sweep::Off)).await;
    assert!(mirrored(&mirror) == tenant_leads(&sandbox).await);

    let changes = sandbox.simulate_activity(30, 5).await.unwrap();
    let created = changes
        .iter()
        .filter(|c| matches!(c, novala_sandbox::activity::Change::Created(_)))
        .count();
    let moved: HashSet<&str> = changes
        .iter()
        .filter_map(|c| match c {
            novala_sandbox::activity::Change::Status { id, .. }
            | novala_sandbox::activity::Change::Assigned { id, .. } => Some(id.as_str()),
            novala_sandbox::activity::Change::Created(_) => None,
        })
        .collect();
    assert!(created > 0 && !moved.is_empty(), "{changes:?}");

    // The poll alone brings the new leads, not the changes to old ones.
    let polled = sync_once(&client, &mut mirror, &fast(Sweep::Off)).await;
    assert_eq!(polled.new, created as u64, "{polled:?}");
    assert!(polled.requests <= 2, "{polled:?}");
    assert!(
        mirrored(&mirror) != tenant_leads(&sandbox).await,
        "the changed statuses are not seen yet"
    );

    let swept = sync_once(&client, &mut mirror, &fast(Sweep::Full)).await;
    assert_eq!(swept.sweeps_finished, 1, "{swept:?}");
    assert!(
        swept.changed >= 1 && swept.changed as usize <= moved.len(),
        "{swept:?} for {} leads changed",
        moved.len()
    );
    assert!(
        mirrored(&mirror) == tenant_leads(&sandbox).await,
        "after a sweep the mirror is the tenant"
    );
    // The changed leads go to the inbox as the tenant now has them, each once, without their notes.
    assert_eq!(swept.changed_leads.len() as u64, swept.changed, "{swept:?}");
    let tenant = tenant_leads(&sandbox).await;
    for lead in &swept.changed_leads {
        assert!(moved.contains(lead.id.as_str()), "{} was not changed", lead.id);
        let now = tenant.iter().find(|l| l.id == lead.id).unwrap();
        assert_eq!((&lead.status, &lead.assigned_to), (&now.status, &now.assigned_to));
        assert!(lead.notes.is_none() && lead.custom_fields.is_empty());
    }
    let seen = mirror.last_seen_ms(moved.iter().next().unwrap()).unwrap().unwrap();
    assert!(chrono::Utc::now().timestamp_millis() - seen < 60_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_stopped_halfway_resumes_each_chain_where_it_stood_and_never_walks_a_finished_one() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(2_500))
        .await
        .unwrap();
    let client = client(&sandbox);
    let whole_dir = tempfile::tempdir().unwrap();
    let whole = sync_once(&client, &mut open_mirror(whole_dir.path()), &fast(Sweep::Off)).await;
    let walk = whole.requests_of("walk:");
    assert!(walk >= 28, "{whole:?}");

    let dir = tempfile::tempdir().unwrap();
    let mut mirror = open_mirror(dir.path());
    let stop = SyncOptions {
        stop_after_pages: Some(12),
        ..fast(Sweep::Off)
    };
    let first = sync_once(&client, &mut mirror, &stop).await;
    assert!(first.stopped && !first.complete, "{first:?}");
    drop(mirror);
    // As after a kill: a new process opens the file.
    let mut mirror = open_mirror(dir.path());
    let finished: Vec<String> = sync::walk_chains(sync::Chains::ByStatus)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| mirror.chain(name).unwrap().is_some_and(|s| s.done))
        .collect();
    let rest = sync_once(&client, &mut mirror, &fast(Sweep::Off)).await;
    assert!(rest.complete, "{rest:?}");
    assert_eq!(
        rest.requests_of("walk:"),
        walk - 12,
        "only the pages not written before are asked for: {rest:?}"
    );
    for name in &finished {
        assert_eq!(rest.chain_requests.get(name), None, "{name} was finished: {rest:?}");
    }
    assert!(mirrored(&mirror) == tenant_leads(&sandbox).await);
}

/// Runs the binary in `dir` with `args`: (exit code, stdout, stderr).
fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = leadbox(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn profile_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("data/leadbox/profiles/sandbox")
}

#[test]
fn a_damaged_mirror_is_set_aside_with_a_message_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["sync"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("5000 leads in the mirror · 5000 new"), "{out}");
    let file = profile_dir(dir.path()).join("mirror.sqlite3");
    std::fs::write(&file, vec![0x42; 64 * 1024]).unwrap();
    for companion in ["mirror.sqlite3-wal", "mirror.sqlite3-shm"] {
        let _ = std::fs::remove_file(profile_dir(dir.path()).join(companion));
    }
    let (code, out, err) = run(dir.path(), &["sync"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("the mirror was set aside") && err.contains("mirror.sqlite3.bad"),
        "{err}"
    );
    assert!(
        out.contains("5000 leads in the mirror · 5000 new"),
        "rebuilt from the tenant: {out}"
    );
    assert!(profile_dir(dir.path()).join("mirror.sqlite3.bad").exists());
}

#[test]
fn two_syncs_at_once_leave_every_lead_once_and_a_held_sync_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // The embedded sandbox's database seeded first, so the two only race for the mirror.
    let (code, _, err) = run(dir.path(), &["leads", "list", "--limit", "1"]);
    assert_eq!(code, Some(0), "{err}");
    let spawn = || {
        leadbox(dir.path())
            .arg("sync")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outcomes: Vec<_> = [a, b].into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let codes: Vec<Option<i32>> = outcomes.iter().map(|o| o.status.code()).collect();
    assert!(codes.contains(&Some(0)), "{codes:?}");
    for o in &outcomes {
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => {}
            Some(9) => assert!(err.contains("is syncing this profile's mirror"), "{err}"),
            other => panic!("{other:?}: {err}"),
        }
    }
    let (code, out, err) = run(
        dir.path(),
        &["leads", "list", "--offline", "--all", "--format", "jsonl"],
    );
    assert_eq!(code, Some(0), "{err}");
    let ids: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 5000);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5000, "each lead once");

    // A sync holding the lock (this test, here) is named, and nothing is done.
    let held = SyncLock::try_take(&profile_dir(dir.path()).join("mirror.lock")).unwrap();
    assert!(held.is_some());
    let (code, _, err) = run(dir.path(), &["sync"]);
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains(&format!("another leadbox (pid {}) is syncing", std::process::id())),
        "{err}"
    );
}

#[test]
fn leads_list_offline_writes_what_leads_list_all_writes_and_get_finds_a_lead_by_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["leads", "list", "--offline"]);
    assert_eq!(code, Some(9), "no mirror yet: {err}");
    assert!(err.contains("has no mirror") && err.contains("leadbox sync"), "{err}");
    let (code, _, err) = run(dir.path(), &["sync"]);
    assert_eq!(code, Some(0), "{err}");
    for format in ["jsonl", "csv", "json"] {
        let (_, online, _) = run(dir.path(), &["leads", "list", "--all", "--format", format]);
        let (code, offline, err) = run(dir.path(), &["leads", "list", "--all", "--offline", "--format", format]);
        assert_eq!(code, Some(0), "{err}");
        assert!(online.len() > 100_000, "{format}");
        assert!(online == offline, "{format} differs");
    }
    let args = [
        "leads",
        "list",
        "--status",
        "qualified",
        "--limit",
        "40",
        "--format",
        "csv",
    ];
    let (_, online, _) = run(dir.path(), &args);
    let (_, offline, _) = run(dir.path(), &[&args[..], &["--offline"]].concat());
    assert!(online == offline && online.lines().count() == 41, "{offline}");
    let first: serde_json::Value = serde_json::from_str(
        run(dir.path(), &["leads", "list", "--limit", "1", "--format", "jsonl"])
            .1
            .trim(),
    )
    .unwrap();
    let start = &first["id"].as_str().unwrap()[..8];
    let (_, online, _) = run(dir.path(), &["leads", "get", start]);
    let (code, offline, err) = run(dir.path(), &["leads", "get", start, "--offline"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        online == offline && offline.contains(first["id"].as_str().unwrap()),
        "{offline}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_killed_mid_sync_loses_nothing_and_the_next_sync_reads_only_what_is_left() {
    let faults = FaultOptions::none().latency(Duration::from_millis(120));
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(4_000).faults(faults))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\nmirror = true\nsync_rate = 1000\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let command = || {
        let mut cmd = leadbox(dir.path());
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", "t", "sync"])
            .env("T_KEY", sandbox.secret_key().expose());
        cmd
    };
    let file = dir.path().join("data/leadbox/profiles/t/mirror.sqlite3");
    let mut child = command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL, no chance to tidy up) once some pages are in, well before the 47 it needs.
    let mut held = 0;
    for _ in 0..400 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        held = MirrorFile::open_existing(&file)
            .and_then(|m| m.count(&Filter::default()))
            .unwrap_or(0);
        if held >= 1_000 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!((1_000..4_000).contains(&held), "{held}");
    let mut again = command();
    let out = tokio::task::spawn_blocking(move || again.output().unwrap())
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let number_before = |word: &str| -> u64 {
        let at = said.find(word).unwrap();
        said[..at].trim_end().rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (new, requests) = (number_before(" new"), number_before(" requests"));
    let mirror = MirrorFile::open_existing(&file).unwrap();
    assert!(mirrored(&mirror) == tenant_leads(&sandbox).await, "{said}");
    assert!(
        new <= 4_000 - 1_000 && new > 0,
        "only the leads not written before are new: {said}"
    );
    // A whole first sync is 47 requests (40 pages and one last page a list) plus the poll and the sweep.
    assert!(requests < 47, "the finished pages are not asked for again: {said}");
}
