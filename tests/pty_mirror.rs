//! The inbox over a profile's mirror, through the real binary: after `leadbox sync`, with the tenant gone,
//! the inbox opens with every lead, says it is offline and when it last synced, and search finds the
//! oldest lead of the tenant.

use novala_sandbox::{ListFilter, Sandbox, SandboxOptions, store};

use crate::support::leadbox_command;
use crate::support::pty::*;

#[tokio::test(flavor = "multi_thread")]
async fn with_the_tenant_gone_a_mirrored_inbox_shows_every_lead_says_offline_and_finds_the_oldest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(2_500))
        .await
        .expect("sandbox starts");
    let tenant = sandbox.demo_tenant_id();
    let all = sandbox
        .store()
        .run(move |c| store::list_leads(c, tenant, &ListFilter::default(), None, 10_000))
        .await
        .expect("the tenant's leads");
    // The oldest lead with a first and a last name that no newer lead shares.
    let name = |l: &novala_leads::Lead| {
        format!(
            "{} {}",
            l.first_name.as_deref().unwrap_or(""),
            l.last_name.as_deref().unwrap_or("")
        )
    };
    let oldest = all
        .iter()
        .rev()
        .find(|l| {
            l.first_name.is_some() && l.last_name.is_some() && all.iter().filter(|o| name(o) == name(l)).count() == 1
        })
        .expect("an oldest lead of its own name");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"acme\"\n[profiles.acme]\nurl = \"{}\"\nkey_env = \"ACME_KEY\"\nmirror = true\nsync_rate = 500\n",
            sandbox.base_url()
        ),
    )
    .expect("config written");
    let key = sandbox.secret_key().expose().to_string();
    let synced = leadbox_command(dir.path())
        .env("LEADBOX_CONFIG", &config)
        .env("ACME_KEY", &key)
        .arg("sync")
        .output()
        .expect("leadbox sync runs");
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));
    sandbox.shutdown().await;

    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config);
    cmd.env("ACME_KEY", &key);
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 40, 120))
        .await
        .expect("leadbox starts");
    let screen = session.wait_for("every lead, and word that the tenant is gone", |s| {
        s.contains("2,500 loaded · all") && s.contains("offline · synced")
    });
    assert!(!screen.contains("nothing loaded"), "{screen}");
    session.keys(b"/");
    session.keys(name(oldest).as_bytes());
    session.keys(b"\r");
    let first = oldest.first_name.as_deref().unwrap_or_default().to_string();
    session.wait_for("the oldest lead found, on top", |s| {
        s.lines().any(|l| l.contains('›') && l.contains(&first))
    });
    session.keys(b"q");
}
