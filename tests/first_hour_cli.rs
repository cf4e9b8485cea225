//! The command line as a new rep first meets it (issue 18): plain errors with documented codes, a closed
//! pipe, help and the manual, completions, and the sandbox's stderr in a file. Each runs the real binary.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use crate::support::leadbox_command as leadbox;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn key_set_without_a_terminal_is_one_plain_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = leadbox(dir.path())
        .args(["key", "set", "--profile", "acme"])
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("leadbox: the key is typed at a terminal"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line, no report: {err}");
    assert!(!err.contains("Location") && !err.contains("Backtrace"), "{err}");
}

#[test]
fn a_failure_of_leadbox_itself_is_a_plain_line_with_exit_1_and_a_report_only_with_rust_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the sandbox's database file should be: it cannot start.
    let run = |backtrace: Option<&str>| {
        let mut cmd = leadbox(dir.path());
        cmd.args(["sandbox", "--port", "0", "--db"]).arg(dir.path());
        match backtrace {
            Some(v) => cmd.env("RUST_BACKTRACE", v),
            None => cmd.env_remove("RUST_BACKTRACE"),
        };
        cmd.output().unwrap()
    };
    let plain = run(None);
    let err = text(&plain.stderr);
    assert_eq!(plain.status.code(), Some(1), "{err}");
    assert!(err.starts_with("leadbox: the sandbox stopped with an error"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("Location"), "{err}");
    let report = run(Some("1"));
    assert_eq!(report.status.code(), Some(1));
    assert!(text(&report.stderr).contains("Location"), "{}", text(&report.stderr));
}

#[test]
fn a_closed_pipe_ends_man_and_completions_quietly_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["man"][..], &["completions", "bash"][..]] {
        let mut child = leadbox(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // As `| head -1`, but closed unread, so the write fails every time rather than only for a long page.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn help_reads_as_sentences_and_lists_only_the_flags_that_mean_something_there() {
    let dir = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| text(&leadbox(dir.path()).args(args).output().unwrap().stdout);
    let import = help(&["leads", "import", "--help"]);
    for line in import.lines() {
        let inner = line.trim_start();
        assert!(!inner.contains("   "), "a run of spaces mid-sentence: {line:?}");
    }
    for args in [
        &["man", "--help"][..],
        &["sandbox", "--help"],
        &["completions", "--help"],
    ] {
        let text = help(args);
        for flag in ["--view", "--no-mouse", "--profile", "--api-url", "--log-file"] {
            assert!(!text.contains(flag), "{args:?} lists {flag}:\n{text}");
        }
    }
    let list = help(&["leads", "list", "--help"]);
    assert!(list.contains("--view") && list.contains("--profile"), "{list}");
    assert!(!list.contains("--no-mouse"), "{list}");
    let top = help(&["--help"]);
    assert!(
        top.contains("--view") && top.contains("--no-mouse"),
        "the inbox's own: {top}"
    );
    // Hidden is not refused: a global flag before a subcommand still parses.
    let out = leadbox(dir.path()).args(["--no-mouse", "man"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_manual_names_no_page_it_does_not_ship_and_has_keys_and_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let page = text(&leadbox(dir.path()).arg("man").output().unwrap().stdout);
    assert!(!page.contains("leadbox-leads(1)") && !page.contains("(1)\n"), "{page}");
    assert!(page.contains(".SH KEYS") && page.contains(".SH EXIT STATUS"), "{page}");
    assert!(page.contains("leadbox leads list"), "every command in full: {page}");
    // Every exit code of the table is on the page with what it means, and in the README's list.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let listed = &readme[readme.find("Exit codes: ").expect("the README lists exit codes")..];
    let listed = listed[..listed.find("\n\n").unwrap_or(listed.len())].replace('\n', " ");
    for (code, means) in leadbox::commands::exit::TABLE {
        let entry = format!("\\fB{code}\\fR\n{}", means.replace('-', "\\-"));
        assert!(page.contains(&entry), "exit {code}: {page}");
        assert!(
            listed.contains(&format!(" {code} ")),
            "README's exit codes leave out {code}: {listed}"
        );
    }
}

#[test]
fn status_values_complete_and_a_limit_outside_1_to_100_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    // What the bash script asks leadbox at `leadbox leads list --status <Tab>`.
    let offered = text(
        &leadbox(dir.path())
            .env("LEADBOX_COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "4")
            .env("_CLAP_IFS", "\n")
            .args(["--", "leadbox", "leads", "list", "--status", ""])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        offered.lines().any(|l| l == "qualified") && offered.lines().any(|l| l == "disqualified"),
        "{offered}"
    );
    for limit in ["0", "101", "-1"] {
        let out = leadbox(dir.path())
            .args(["leads", "list", &format!("--limit={limit}")])
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--limit {limit}: {err}");
        assert!(err.contains("--limit"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = leadbox(dir.path())
        .args(["leads", "list", "--status", "qualifed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("qualified"), "{}", text(&out.stderr));
}

#[test]
fn the_sandbox_writes_no_colour_codes_into_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = leadbox(dir.path())
        .args(["sandbox", "--port", "0", "--seed-leads", "3", "--db"])
        .arg(dir.path().join("s.sqlite3"))
        // An info line is written as it starts serving, before the banner.
        .env("LEADBOX_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("serving"), "{first}");
    child.kill().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let _ = child.wait();
    assert!(err.contains("sandbox serving"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains("\\u{1b}"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_get_takes_the_id_the_table_prints_and_says_when_a_prefix_names_several_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(150).await;
    let run = |args: &[&str]| {
        leadbox(dir.path())
            .args(["--api-url", &sandbox.base_url(), "leads"])
            .args(args)
            .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
            .output()
            .unwrap()
    };
    let table = text(&run(&["list", "--limit", "100", "--format", "table"]).stdout);
    let shorts: Vec<String> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(shorts.len(), 100);
    assert!(shorts.iter().all(|s| s.chars().count() == 8), "{shorts:?}");
    let out = run(&["get", &shorts[3]]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lead: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(lead["id"].as_str().unwrap().starts_with(&shorts[3]), "{lead}");

    // 100 ids over 16 hex digits: some first digit is shared.
    let first = |s: &String| s.chars().next().unwrap();
    let shared = shorts
        .iter()
        .map(first)
        .find(|c| shorts.iter().filter(|s| first(s) == *c).count() >= 2)
        .unwrap()
        .to_string();
    let out = run(&["get", &shared]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("give more of it"), "{err}");
    assert!(err.lines().count() >= 3, "the leads it matched: {err}");
    assert!(out.stdout.is_empty());

    let out = run(&["get", "zzzzzzzz"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("give the whole id"), "{err}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_embedded_sandbox_says_it_is_the_demo_and_its_newest_lead_is_minutes_old() {
    use crate::support::pty::{Session, command};
    let dir = tempfile::tempdir().unwrap();
    // A new database: seeded as it starts.
    let out = leadbox(dir.path())
        .args(["leads", "list", "--limit", "1", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let newest: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(newest["createdAt"].as_str().unwrap()).unwrap();
    let age = chrono::Utc::now() - at.with_timezone(&chrono::Utc);
    assert!(age < chrono::Duration::minutes(30), "the newest demo lead is {age} old");

    let mut cmd = command(dir.path());
    cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
    let mut session = Session::launch(cmd).await;
    let screen = session.wait_for("the demo's title", |s| s.contains("sandbox (demo data"));
    assert!(screen.contains("Use your own tenant"), "{screen}");
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_create_refuses_a_look_alike_of_a_tenants_lead_with_exit_10_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(60).await;
    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
    let page = client
        .list(
            &leadbox::api::types::ListQuery {
                limit: Some(100),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let twin = page.data.iter().find(|l| l.email.is_some()).unwrap().clone();
    let email = twin.email.clone().unwrap().to_uppercase();
    let before = sandbox.lead_count().await.unwrap();
    let create = |extra: &[&str]| {
        leadbox(dir.path())
            .args(["--api-url", &sandbox.base_url(), "leads", "create"])
            .args([
                "--first-name",
                "Ada",
                "--source",
                "referral",
                "--custom",
                "region=emea",
                "--email",
                &email,
            ])
            .args(extra)
            .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
            .output()
            .unwrap()
    };
    let out = create(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    assert!(err.contains(&twin.id) && err.contains("the same email"), "{err}");
    assert!(err.contains("--allow-duplicate"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing was sent");

    let out = create(&["--allow-duplicate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 1);
    sandbox.shutdown().await;
}
