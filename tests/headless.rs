//! The binary without a terminal (under cron, in a pipe) and the commands that only print.

use std::process::{Command, Stdio};

fn leadbox(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("NOVALA_SECRET_KEY")
        .env_remove("NOVALA_API_URL")
        .env_remove("LEADBOX_PROFILE")
        .env_remove("LEADBOX_CONFIG");
    cmd
}

#[test]
fn without_a_terminal_the_inbox_says_so_in_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = leadbox(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "leadbox: the inbox needs a terminal (stdin and stdout); for scripts, see `leadbox leads --help`\n"
    );
    assert!(!err.contains('\x1b'), "no colour codes into a pipe");
}

#[test]
fn completions_and_the_manual_page_go_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, mark) in [
        ("bash", "complete -F _leadbox"),
        ("zsh", "#compdef leadbox"),
        ("fish", "complete -c leadbox"),
        ("elvish", "leadbox"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = leadbox(dir.path()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(mark), "{shell}: {text}");
        assert!(
            text.contains("sandbox") && text.contains("config"),
            "{shell} completes the subcommands"
        );
    }
    let out = leadbox(dir.path()).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH leadbox"), "{page}");
    assert!(page.contains("terminal inbox"), "{page}");
    let out = leadbox(dir.path()).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn an_error_report_into_a_pipe_carries_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the sandbox's database file should be: it cannot start.
    let out = leadbox(dir.path())
        .args(["sandbox", "--port", "0", "--db"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Error:"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

/// `leadbox leads …` against `sandbox` as a stranger's tenant (`--api-url`, nothing configured).
fn leads_cmd(dir: &std::path::Path, url: &str, key: &str, args: &[&str]) -> std::process::Output {
    leadbox(dir)
        .args(["--api-url", url, "leads"])
        .args(args)
        .env("NOVALA_SECRET_KEY", key)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_list_and_get_print_the_tenants_leads_with_an_exit_code_per_outcome() {
    use leadbox::api::types::{Lead, ListQuery};
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(230).await;
    let (url, key) = (sandbox.base_url(), sandbox.secret_key().expose().to_string());
    let client = leadbox::api::NovalaClient::new(&url, sandbox.secret_key()).unwrap();
    let newest = client.list(&ListQuery::default(), None).await.unwrap().data;

    let out = leads_cmd(dir.path(), &url, &key, &["list", "--limit", "5", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<Lead> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed, newest[..5], "the five newest, as the server sent them");

    // Every lead, page after page.
    let out = leads_cmd(dir.path(), &url, &key, &["list", "--all", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let all: Vec<Lead> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.len() as u64, sandbox.lead_count().await.unwrap());
    let mut ids: Vec<&str> = all.iter().map(|l| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no lead twice");

    let out = leads_cmd(dir.path(), &url, &key, &["get", &newest[0].id]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<Lead>(&out.stdout).unwrap(), newest[0]);
    let out = leads_cmd(dir.path(), &url, &key, &["list", "--limit", "2"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table.lines().count(), 3, "a header and two rows:\n{table}");
    assert!(table.starts_with("ID"), "{table}");

    // Each outcome its own code, the message on stderr and nothing on stdout.
    for (args, key, code) in [
        (vec!["get", "no-such-lead"], key.as_str(), 5),
        (vec!["list"], "sk_live_not_a_key", 4),
        (vec!["list", "--status", "bogus"], key.as_str(), 2),
    ] {
        let out = leads_cmd(dir.path(), &url, key, &args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("leadbox: "),
            "{args:?}"
        );
    }
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = leads_cmd(
        dir.path(),
        &format!("http://127.0.0.1:{closed}/api/v1"),
        &key,
        &["list"],
    );
    assert_eq!(out.status.code(), Some(7), "unreachable");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_list_takes_me_a_team_name_or_a_saved_view_from_the_profile() {
    use leadbox::api::types::{Lead, ListQuery};
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(300).await;
    let roster = sandbox.profile().roster.clone();
    let (me, bea) = (roster[0].id.clone(), roster[1].id.clone());
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\nme = \"{me}\"\nteam = [{{ id = \"{me}\", name = \"Me\" }}, {{ id = \"{bea}\", name = \"Bea\" }}]\n\n\
             [[profiles.t.views]]\nname = \"mine-new\"\nassigned_to = \"me\"\nstatus = \"new\"\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        leadbox(dir.path())
            .args(["--config"])
            .arg(&config)
            .args(["--profile", "t", "leads", "list", "--all", "--format", "jsonl"])
            .args(args)
            .env("T_KEY", sandbox.secret_key().expose())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let leads_of = |out: &std::process::Output| -> Vec<Lead> {
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
    let count = |query: ListQuery| {
        let client = client.clone();
        async move {
            let mut paging = leadbox::api::Paging::new();
            let mut n = 0;
            loop {
                let cursor = paging.next_cursor().map(str::to_string);
                let page = client.list(&query, cursor.as_deref()).await.unwrap();
                n += paging.accept(cursor.as_deref(), page).len();
                if paging.is_done() {
                    return n;
                }
            }
        }
    };

    let beas = leads_of(&run(&["--assigned-to", "bea"]));
    assert!(!beas.is_empty());
    assert!(beas.iter().all(|l| l.assigned_to.as_deref() == Some(bea.as_str())));
    let expected = count(ListQuery {
        assigned_to: Some(bea.clone()),
        limit: Some(100),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(beas.len(), expected);

    let mine_new = leads_of(&run(&["--view", "mine-new"]));
    assert!(!mine_new.is_empty());
    assert!(
        mine_new
            .iter()
            .all(|l| l.assigned_to.as_deref() == Some(me.as_str()) && l.status == leadbox::api::types::LeadStatus::New)
    );

    for args in [&["--assigned-to", "Nobody"][..], &["--view", "theirs"][..]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_list_all_ends_when_a_server_keeps_sending_the_same_leads_under_new_cursors() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    let app = axum::Router::new().fallback(move |_: axum::extract::Request| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        async move {
            let data = serde_json::json!([
                {"id": "00000000-0000-4000-8000-000000000001", "status": "new", "createdAt": "2026-01-01T00:00:00Z"},
                {"id": "00000000-0000-4000-8000-000000000002", "status": "new", "createdAt": "2026-01-01T00:00:00Z"}
            ]);
            axum::Json(serde_json::json!({"data": data, "nextCursor": format!("c{n}"), "hasMore": true}))
        }
    });
    let addr = novala_sandbox::testing::serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        leads_cmd(
            dir.path(),
            &format!("http://{addr}/api/v1"),
            "sk_test_x",
            &["list", "--all", "--format", "jsonl"],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "each lead once"
    );
    let pages = asked.load(Ordering::SeqCst);
    assert_eq!(
        pages,
        1 + novala_leads::paging::BARREN_PAGES,
        "stopped after the pages that brought nothing"
    );
}
