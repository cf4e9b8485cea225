//! The binary without a terminal (under cron, in a pipe) and the commands that only print.

use std::process::Stdio;

use crate::support::leadbox_command as leadbox;

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
        ("bash", "-F _clap_complete_leadbox leadbox"),
        ("zsh", "#compdef leadbox"),
        ("fish", "--command leadbox"),
        ("elvish", "arg-completer[leadbox]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = leadbox(dir.path()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(mark), "{shell}: {text}");
        // The script asks leadbox for the candidates (tests/install.rs checks what it answers).
        assert!(
            text.contains("LEADBOX_COMPLETE"),
            "{shell} calls back into leadbox: {text}"
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
    assert!(err.starts_with("leadbox: "), "{err}");
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
        // A value clap refuses (`--status bogus`) is in clap's words, with the statuses it takes.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("leadbox: ") || err.starts_with("error: "), "{args:?}");
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

/// Three leads at fixed times with every kind of field, so each format's output can be kept as a golden
/// file; ids are random, so they are written as `lead-N` (and `leadN...` in the table).
async fn golden_sandbox() -> (novala_sandbox::Sandbox, Vec<String>) {
    use leadbox::api::types::{LeadSource, NewLead};
    let sandbox = novala_sandbox::Sandbox::start(novala_sandbox::SandboxOptions::default().seed_leads(0))
        .await
        .unwrap();
    let tenant = sandbox.demo_tenant_id();
    let mut ids = Vec::new();
    for (i, name) in ["Ada", "Bo", "Zoë"].iter().enumerate() {
        let mut lead = NewLead::new(*name, LeadSource::KNOWN[i].clone());
        lead.last_name = Some(["Lovelace", "O'Neil, Jr.", "Ωmega \"Z\""][i].to_string());
        lead.email = Some(format!("{}@example.com", name.to_lowercase()));
        lead.company_name = (i != 1).then(|| "Analytical Engines".to_string());
        lead.notes = (i == 2).then(|| "met at the fair,\nwants a demo".to_string());
        lead.custom_fields
            .insert("region".into(), serde_json::json!(["emea", "amer", "apac"][i]));
        if i == 1 {
            lead.custom_fields
                .insert("interests".into(), serde_json::json!(["crm", "analytics"]));
            lead.attribution = Some([("utm_source".to_string(), "fair".to_string())].into());
        }
        let at = chrono::DateTime::parse_from_rfc3339(&format!("2026-03-0{}T09:30:00.250Z", i + 1))
            .unwrap()
            .with_timezone(&chrono::Utc);
        ids.push(sandbox.insert_lead_at(tenant, lead, at).await.unwrap().id);
    }
    (sandbox, ids)
}

/// `text` with each id replaced by its name, and the table's age column (which depends on today) masked.
fn golden_text(text: &str, ids: &[String], table: bool) -> String {
    let mut text = text.to_string();
    for (i, id) in ids.iter().enumerate() {
        text = text.replace(id, &format!("lead-{}", i + 1));
        text = text.replace(&id[..8], &format!("lead{:04}", i + 1));
    }
    if table {
        text = text
            .lines()
            .enumerate()
            .map(|(n, line)| {
                if n == 0 {
                    line.to_string()
                } else {
                    let chars: Vec<char> = line.chars().collect();
                    format!(
                        "{}age {}",
                        chars[..9].iter().collect::<String>(),
                        chars[13..].iter().collect::<String>()
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn each_format_of_list_and_get_matches_its_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, ids) = golden_sandbox().await;
    let (url, key) = (sandbox.base_url(), sandbox.secret_key().expose().to_string());
    for format in ["table", "json", "jsonl", "csv"] {
        let out = leads_cmd(dir.path(), &url, &key, &["list", "--all", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let text = golden_text(&String::from_utf8(out.stdout).unwrap(), &ids, format == "table");
        insta::assert_snapshot!(format!("leads_list_{format}"), text);
    }
    for format in ["table", "csv"] {
        let out = leads_cmd(dir.path(), &url, &key, &["get", &ids[1], "--format", format]);
        assert_eq!(out.status.code(), Some(0));
        let text = golden_text(&String::from_utf8(out.stdout).unwrap(), &ids, format == "table");
        insta::assert_snapshot!(format!("leads_get_{format}"), text);
    }
    // The CSV reads back as the same values: a comma, a quote and a line break inside a cell survive.
    let out = leads_cmd(dir.path(), &url, &key, &["list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("notes")], "met at the fair,\nwants a demo");
    assert_eq!(&rows[1][col("lastName")], "O'Neil, Jr.");
    assert_eq!(&rows[1][col("customFields.interests")], r#"["crm","analytics"]"#);
    assert_eq!(&rows[1][col("attribution")], "{\"utm_source\":\"fair\"}");
    sandbox.shutdown().await;
}

/// The outbox kept in the one state file among `states`.
fn outbox_of(states: &[std::path::PathBuf]) -> (Vec<leadbox::outbox::OutboxEntry>, Vec<String>) {
    assert_eq!(states.len(), 1, "{states:?}");
    leadbox::store::state::StateFile::open(&states[0])
        .unwrap()
        .file
        .outbox()
        .unwrap()
}

/// The state files under `dir`.
fn state_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "state.sqlite3") {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_create_checks_every_field_first_sends_through_the_outbox_and_prints_the_lead() {
    use leadbox::api::types::Lead;
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(5).await;
    let (url, key) = (sandbox.base_url(), sandbox.secret_key().expose().to_string());
    let before = sandbox.lead_count().await.unwrap();

    // Every problem listed, nothing sent.
    let out = leads_cmd(
        dir.path(),
        &url,
        &key,
        &[
            "create",
            "--email",
            "ada@",
            "--phone",
            &"5".repeat(60),
            "--source",
            "web_form",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("firstName: is required"), "{err}");
    assert!(err.contains("email: must be an email address"), "{err}");
    assert!(err.contains("phone: must be at most 50 characters"), "{err}");
    assert!(out.stdout.is_empty());
    let out = leads_cmd(dir.path(), &url, &key, &["create", "--first-name", "Ada"]);
    assert_eq!(out.status.code(), Some(2), "a source is needed");
    assert_eq!(sandbox.lead_count().await.unwrap(), before);

    // From flags: created, printed, and recorded in the outbox as sent.
    let out = leads_cmd(
        dir.path(),
        &url,
        &key,
        &[
            "create",
            "--first-name",
            "Ada",
            "--email",
            "ada@create.test",
            "--source",
            "Referral",
            "--custom",
            "region=emea",
            "--attribution",
            "utm_source=fair",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lead: Lead = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(lead.email.as_deref(), Some("ada@create.test"));
    assert_eq!(lead.custom_fields["region"], "emea");
    assert_eq!(lead.attribution.unwrap()["utm_source"], "fair");
    let client = leadbox::api::NovalaClient::new(&url, sandbox.secret_key()).unwrap();
    assert_eq!(client.get(&lead.id).await.unwrap().first_name.as_deref(), Some("Ada"));
    let states = state_files(dir.path());
    assert_eq!(states.len(), 1, "{states:?}");
    let (entries, _) = outbox_of(&states);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].server_id.as_deref(), Some(lead.id.as_str()));

    // From a JSON object on stdin; the tenant's own refusal is exit 3 and leaves nothing in the outbox.
    let run_stdin = |json: &str| {
        use std::io::Write;
        let mut child = leadbox(dir.path())
            .args(["--api-url", &url, "leads", "create", "--from", "-", "--format", "jsonl"])
            .env("NOVALA_SECRET_KEY", &key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(json.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run_stdin(r#"{"firstName":"Bo","source":"web_form","customFields":{"region":"apac"}}"#);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let out = run_stdin(r#"{"firstName":"Cy","source":"web_form","customFields":{"region":"mars"}}"#);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("customFields.region"));
    let (entries, _) = outbox_of(&states);
    assert_eq!(entries.len(), 2, "the refused lead is not left in the outbox");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_is_lost_and_not_found_exits_8_and_waits_in_the_outbox() {
    // A tenant that fails every create with a 500 (it may have stored it) and lists nothing.
    let app = axum::Router::new().route(
        "/api/v1/leads",
        axum::routing::post(|| async {
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(serde_json::json!({"error": "boom"})),
            )
        })
        .get(|| async { axum::Json(serde_json::json!({"data": [], "nextCursor": null, "hasMore": false})) }),
    );
    let addr = novala_sandbox::testing::serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        leads_cmd(
            &path,
            &format!("http://{addr}/api/v1"),
            "sk_test_x",
            &["create", "--first-name", "Ada", "--source", "web_form"],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("outbox"));
    let states = state_files(dir.path());
    let (entries, _) = outbox_of(&states);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, leadbox::outbox::OutboxState::Unknown);
}

/// The highest resident set of process `pid` so far, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `list --all` and reads its output (up to `stop` leads); returns how many were read and the
/// process's peak memory, sampled every 500 leads.
fn list_all_peak(dir: &std::path::Path, url: &str, key: &str, stop: Option<usize>) -> (usize, u64) {
    use std::io::BufRead;
    let mut child = leadbox(dir)
        .args(["--api-url", url, "leads", "list", "--all", "--format", "jsonl"])
        .env("NOVALA_SECRET_KEY", key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut read, mut peak) = (0, 0);
    while let Some(Ok(_)) = lines.next() {
        read += 1;
        if read % 500 == 0 {
            peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        }
        if Some(read) == stop {
            let _ = child.kill();
            break;
        }
    }
    let _ = child.wait();
    (read, peak)
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn leads_list_all_streams_10000_leads_in_the_memory_of_1000() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(10_000).await;
    let (url, key) = (sandbox.base_url(), sandbox.secret_key().expose().to_string());
    let run = |stop: Option<usize>| {
        let (dir, url, key) = (dir.path().to_path_buf(), url.clone(), key.clone());
        tokio::task::spawn_blocking(move || list_all_peak(&dir, &url, &key, stop))
    };
    let (few, small) = run(Some(1_000)).await.unwrap();
    let (all, large) = run(None).await.unwrap();
    assert_eq!(few, 1_000);
    assert_eq!(all, 10_000);
    assert!(small > 0 && large > 0);
    eprintln!("peak after 1,000 leads: {small} KiB; after 10,000: {large} KiB");
    // Ten times the leads, within a few MiB of the same memory (pages of 100, each written and dropped).
    assert!(
        large < small + 4 * 1024,
        "peak {large} KiB after 10,000 leads against {small} KiB after 1,000"
    );
    sandbox.shutdown().await;
}

#[test]
fn every_command_s_help_has_an_example() {
    use clap::CommandFactory;
    fn walk(cmd: &mut clap::Command, path: &str, missing: &mut Vec<String>) {
        let help = cmd.render_long_help().to_string();
        if !help.contains("Example") {
            missing.push(path.to_string());
        }
        for sub in cmd.get_subcommands_mut() {
            if sub.get_name() == "help" {
                continue;
            }
            let name = format!("{path} {}", sub.get_name());
            walk(sub, &name, missing);
        }
    }
    let mut missing = Vec::new();
    let mut cli = leadbox::cli::Cli::command();
    cli.build();
    walk(&mut cli, "leadbox", &mut missing);
    assert!(missing.is_empty(), "no example in the help of: {missing:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_that_stays_rate_limited_after_the_retries_is_exit_6() {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "1")],
            axum::Json(serde_json::json!({"error": "slow down"})),
        )
    });
    let addr = novala_sandbox::testing::serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        leads_cmd(dir.path(), &format!("http://{addr}/api/v1"), "sk_test_x", &["list"])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("429"));
}

#[cfg(unix)]
#[test]
fn the_data_directory_the_log_and_the_sandbox_database_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // An existing data directory readable by everyone is made private too.
    let data = dir.path().join("data").join("leadbox");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = leadbox(dir.path())
        .args(["leads", "list", "--limit", "1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let log = data.join("profiles").join("sandbox").join("leadbox.log");
    assert_eq!(mode(&log), 0o600);
    assert_eq!(mode(log.parent().unwrap()), 0o700);
    assert_eq!(
        mode(&data.join("sandbox.sqlite3")),
        0o600,
        "the embedded sandbox's database"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_export_imports_into_another_tenant_with_every_value_it_can_carry() {
    use leadbox::api::types::{Lead, ListQuery};
    let dir = tempfile::tempdir().unwrap();
    let (from, _) = golden_sandbox().await;
    let to = novala_sandbox::Sandbox::start(novala_sandbox::SandboxOptions::default().seed_leads(0))
        .await
        .unwrap();
    let out = leads_cmd(
        dir.path(),
        &from.base_url(),
        from.secret_key().expose(),
        &["list", "--all", "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0));
    let file = dir.path().join("export.csv");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = leads_cmd(
        dir.path(),
        &to.base_url(),
        to.secret_key().expose(),
        &["import", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("columns id, createdAt, status are left out"), "{err}");
    let page = |sandbox: &novala_sandbox::Sandbox| {
        let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
        async move { client.list(&ListQuery::default(), None).await.unwrap().data }
    };
    let (mut sent, mut arrived): (Vec<Lead>, Vec<Lead>) = (page(&from).await, page(&to).await);
    assert_eq!(arrived.len(), 3);
    let key = |l: &Lead| l.email.clone();
    sent.sort_by_key(key);
    arrived.sort_by_key(key);
    for (a, b) in sent.iter().zip(&arrived) {
        assert_eq!(
            (
                &a.first_name,
                &a.last_name,
                &a.email,
                &a.company_name,
                &a.notes,
                &a.source
            ),
            (
                &b.first_name,
                &b.last_name,
                &b.email,
                &b.company_name,
                &b.notes,
                &b.source
            )
        );
        assert_eq!(a.custom_fields, b.custom_fields);
        assert_eq!(a.attribution, b.attribution);
    }
    from.shutdown().await;
    to.shutdown().await;
}
