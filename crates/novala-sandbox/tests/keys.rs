//! The sandbox's keys: random per database, kept by its file, and a file only its owner can read.

use crate::support::*;
use novala_sandbox::{Sandbox, SandboxOptions};

#[tokio::test]
async fn a_database_of_an_older_build_gets_new_random_keys_and_keeps_its_leads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.sqlite3");
    let first = Sandbox::start(SandboxOptions::default().db_path(&path).seed_leads(7))
        .await
        .unwrap();
    let old = first.secret_key();
    first.shutdown().await;
    // What an older build left: a key table (of keys derived from the seed number) and no stored keys.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM meta WHERE key = 'api_keys'", []).unwrap();
    drop(conn);

    let second = Sandbox::start(SandboxOptions::default().db_path(&path).seed_leads(7))
        .await
        .unwrap();
    assert_ne!(second.secret_key(), old);
    assert_eq!(
        get(&second, "/leads", old.expose()).await.status,
        401,
        "the old key is gone"
    );
    let page = get(&second, "/leads?limit=100", second.secret_key().expose()).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["data"].as_array().unwrap().len(), 7);
    let new = second.secret_key();
    second.shutdown().await;
    let third = Sandbox::start(SandboxOptions::default().db_path(&path)).await.unwrap();
    assert_eq!(third.secret_key(), new, "and the new keys stay");
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_database_file_is_narrowed_to_its_owner_and_an_existing_directory_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("sandbox.sqlite3");
    // An empty file is an empty database to SQLite.
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let sb = Sandbox::start(SandboxOptions::default().db_path(&path).seed_leads(2))
        .await
        .unwrap();
    assert_eq!(sb.lead_count().await.unwrap(), 2);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(
        mode(dir.path()),
        0o755,
        "a directory the sandbox did not make is not its to change"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn in_memory_sandboxes_each_get_fresh_keys_in_novalas_shape() {
    let a = start(0).await;
    let b = start(0).await;
    let keys = |s: &Sandbox| {
        [
            s.secret_key().expose().to_string(),
            s.publishable_key().expose().to_string(),
            s.write_only_key().expose().to_string(),
            s.other_tenant_key().expose().to_string(),
        ]
    };
    let (ka, kb) = (keys(&a), keys(&b));
    for (k, prefix) in ka.iter().zip(["sk_live_", "pk_live_", "sk_live_", "sk_live_"]) {
        assert!(k.starts_with(prefix) && k.len() == 40, "{k}");
    }
    let all: std::collections::HashSet<&String> = ka.iter().chain(kb.iter()).collect();
    assert_eq!(all.len(), 8, "no key repeats, within or across sandboxes");
}
