//! The real binary on a stranger's tenant: leads picked with `space` and `V`, counted in the status bar,
//! exported whole through the worker to a file, marked done all at once and on disk after quitting.

use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

#[tokio::test(flavor = "multi_thread")]
async fn picked_leads_are_counted_exported_whole_and_marked_done_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(
        SandboxOptions::default()
            .db_path(dir.path().join("tenant.sqlite3"))
            .seed_leads(300),
    )
    .await
    .expect("sandbox starts");
    let mut session = Session::launch(stranger(dir.path(), &sandbox)).await;
    session.wait_for("the first page", |s| s.contains("100 loaded"));

    session.keys(b"   ");
    session.wait_for("three picked", |s| s.contains("3 picked"));
    session.keys(b"V");
    session.wait_for("every lead shown picked", |s| s.contains("100 picked"));

    let out = dir.path().join("picked.jsonl");
    session.keys(b"E");
    session.wait_for("the export's prompt", |s| s.contains("Export 100 leads to"));
    session.keys(out.to_string_lossy().as_bytes());
    session.keys(b"\r");
    session.wait_for("the export written", |s| s.contains("Exported 100 leads"));
    let text = std::fs::read_to_string(&out).expect("the export's file");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON lead"))
        .collect();
    assert_eq!(lines.len(), 100);
    assert!(lines.iter().all(|l| l["id"].is_string() && l["status"].is_string()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the tenant's customers, readable by the rep alone");
    }

    session.keys(b"d");
    session.wait_for("every picked lead done", |s| s.contains("Done: 100 picked leads"));
    session.keys(b"q");
    assert!(session.wait_exit().success());

    let state = leadbox::store::state::StateFile::open(&tenant_dir(dir.path()).join("state.sqlite3"))
        .expect("the state file")
        .file;
    let marks = state.marks().expect("marks");
    let ids: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert!(
        ids.iter().all(|id| marks.get(*id).is_some_and(|m| m.done)),
        "each exported lead is done on disk"
    );
}
