//! The first hour of a rep, through the real binary in a terminal: the newest leads on screen after a
//! restart and a poll (or counted above the window when the rep has moved), triage that moves on to the
//! next lead, a view's rule that holds through a create, a search that Esc clears, an empty Starred view
//! that says so at once, and an outbox that sends what was typed offline oldest first.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use leadbox::api::types::{LeadSource, NewLead};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

/// Leads named `Lead01` (oldest) … `LeadNN` (newest), a minute apart, each with the region the sandbox's
/// tenant requires, so every name on screen is unique.
async fn sandbox_with_leads(n: usize) -> Sandbox {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0))
        .await
        .expect("sandbox starts");
    let start = Utc::now() - chrono::Duration::minutes(n as i64 + 5);
    for i in 1..=n {
        insert(
            &sandbox,
            &format!("Lead{i:02}"),
            start + chrono::Duration::minutes(i as i64),
        )
        .await;
    }
    sandbox
}

async fn insert(sandbox: &Sandbox, first_name: &str, at: chrono::DateTime<Utc>) {
    let mut lead = NewLead::new(first_name, LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    sandbox
        .insert_lead_at(sandbox.demo_tenant_id(), lead, at)
        .await
        .expect("the lead is stored");
}

/// The list's rows as drawn, top first: the lines between the column header and the list's bottom border.
fn list_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("Name") || !l.contains("Status"))
        .skip(1)
        .take_while(|l| !l.trim_end().ends_with('┘'))
        .map(str::to_string)
        .collect()
}

/// The first names (`LeadNN` and the like) of the list's rows, top first, and which row is selected.
fn names_and_selected(screen: &str) -> (Vec<String>, Option<usize>) {
    let mut names = Vec::new();
    let mut selected = None;
    for row in list_rows(screen) {
        let Some(list_part) = row.split('│').nth(3).or_else(|| row.split('│').nth(1)) else {
            continue;
        };
        let cells: Vec<&str> = list_part.split_whitespace().collect();
        // The gutter: `▌` picked, `›` selected, `★`/`✓` starred or done.
        let gutter = |c: &str| !c.is_empty() && c.chars().all(|c| "▌›★✓".contains(c));
        let (is_selected, name) = match cells.as_slice() {
            [mark, name, ..] if gutter(mark) => (mark.contains('›'), *name),
            [name, ..] if !name.starts_with('─') => (false, *name),
            _ => continue,
        };
        if is_selected {
            selected = Some(names.len());
        }
        names.push(name.to_string());
    }
    (names, selected)
}

fn config_with_poll(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, "poll_seconds = 10\n").expect("config written");
    path
}

/// The bar's counts: "63 loaded · all · 62 unread".
fn counts(bar: &str) -> String {
    let end = bar.find("unread").map_or(0, |at| at + "unread".len());
    bar[..end].trim().to_string()
}

fn status_bar(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().to_string()
}

/// Items 1 (the newest leads are on screen, or counted above it), 3 (`d` and `*` move on to the next
/// lead), 2 (a done lead stays out of the Inbox after a create), 4 (Esc clears a kept search and the
/// unread count follows) and 7 (an empty Starred view says so at once), in one session after a restart.
#[tokio::test(flavor = "multi_thread")]
async fn a_reps_first_hour_in_the_inbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    // More leads than the window holds, so that leads can arrive above it.
    let sandbox = sandbox_with_leads(60).await;
    let config = config_with_poll(dir.path());
    let launch = || {
        let mut cmd = stranger(dir.path(), &sandbox);
        cmd.env("LEADBOX_CONFIG", &config);
        cmd
    };

    // A first run leaves a cached first page behind.
    let mut session = Session::launch(launch()).await;
    session.wait_for("the tenant's leads", |s| s.contains("Lead60"));
    session.keys(b"q");
    assert!(session.wait_exit().success());

    // 1. After a restart (the cached page, then the live one) the lead that arrived meanwhile is the top
    // row and the selection is on it.
    insert(&sandbox, "Arrived", Utc::now() - chrono::Duration::seconds(30)).await;
    let cmd = launch();
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 40, 120))
        .await
        .expect("leadbox starts");
    let screen = session.wait_for("the live page", |s| s.contains("Arrived"));
    let (names, selected) = names_and_selected(&screen);
    assert_eq!(names[..3], ["Arrived", "Lead60", "Lead59"], "{screen}");
    assert_eq!(selected, Some(0), "{screen}");

    // 7. Starred with nothing starred: its empty message, not a loading row.
    session.keys(b"2");
    let started = Instant::now();
    let screen = session.wait_for("the empty Starred view", |s| s.contains("No starred leads"));
    assert!(!screen.contains("loading"), "{screen}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    session.keys(b"1");
    session.wait_for("the Inbox again", |s| s.contains("Inbox") && s.contains("Lead60"));

    // 1. A poll while the rep has not moved: the newest lead is the top row, selected.
    insert(&sandbox, "Polled", Utc::now()).await;
    let screen = session.wait_for("the poll's lead", |s| s.contains("Polled"));
    let (names, selected) = names_and_selected(&screen);
    assert_eq!(names[..2], ["Polled", "Arrived"], "{screen}");
    assert_eq!(selected, Some(0), "{screen}");

    // 3. `d` on the third row marks it done and moves to the next lead, not to the top.
    session.keys(b"jj");
    session.wait_for("the third row selected", |s| names_and_selected(s).1 == Some(2));
    session.keys(b"d");
    let screen = session.wait_for("Lead60 done", |s| {
        !names_and_selected(s).0.contains(&"Lead60".to_string())
    });
    let (names, selected) = names_and_selected(&screen);
    assert_eq!(selected.map(|i| names[i].as_str()), Some("Lead59"), "{screen}");

    // 1. A poll while the rep is further down: the window stays, and the bar says what is above it.
    // Past the window's last row, so that it scrolls.
    session.keys(&[b'j'; 40]);
    session.wait_for("moved down", |s| {
        let (names, selected) = names_and_selected(s);
        selected.map(|i| names[i].as_str()) == Some("Lead19")
    });
    insert(&sandbox, "Hidden", Utc::now()).await;
    let screen = session.wait_for("the count of new leads above", |s| status_bar(s).contains("↑ 1 new"));
    let (names, selected) = names_and_selected(&screen);
    assert_eq!(
        selected.map(|i| names[i].as_str()),
        Some("Lead19"),
        "the selection stays on the lead the rep was reading: {screen}"
    );
    assert!(!screen.contains("Hidden"), "above the window: {screen}");
    session.keys(b"g");
    let screen = session.wait_for("the top", |s| s.contains("Hidden"));
    assert_eq!(names_and_selected(&screen), (names_and_selected(&screen).0, Some(0)));
    assert_eq!(names_and_selected(&screen).0[0], "Hidden", "{screen}");
    assert!(!status_bar(&screen).contains('↑'), "{screen}");

    // 4. A kept search: Enter keeps it, Esc in the list clears it, and the unread count is the list's.
    let unread_before = status_bar(&screen);
    assert!(counts(&unread_before).ends_with("unread"), "{unread_before}");
    session.keys(b"/Lead0");
    session.wait_for("the search", |s| {
        !s.contains("Hidden") && s.contains("Lead09") && !s.contains("Lead19")
    });
    session.keys(b"\r");
    session.wait_for("the kept search", |s| !s.contains("Hidden"));
    session.keys(b"\x1b");
    let screen = session.wait_for("the search cleared", |s| status_bar(s).contains("Search cleared"));
    // The selection stays on the lead the rep was on, now among every lead.
    let (names, selected) = names_and_selected(&screen);
    assert_eq!(selected.map(|i| names[i].as_str()), Some("Lead09"), "{screen}");
    assert!(names.contains(&"Lead10".to_string()), "{screen}");
    assert_eq!(
        counts(&status_bar(&screen)),
        counts(&unread_before),
        "the counts are the whole list's again"
    );

    // 2. A create refreshes the list; the done lead stays out of the Inbox.
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("New lead"));
    session.keys(b"Typed");
    session.wait_for("the typed name", |s| s.contains("Typed"));
    session.keys(b"\x13");
    session.wait_for("the form's own check", |s| s.contains("is required"));
    session.keys(b"\x1b[C");
    session.wait_for("a source chosen", |s| !s.contains("choose…"));
    session.keys(b"\x13");
    let screen = session.wait_for("the tenant's answer", |s| {
        s.contains("region") || s.contains("Created lead Typed")
    });
    if !screen.contains("Created lead Typed") {
        session.keys(b"emea\x13");
    }
    let screen = session.wait_for("the lead in the list", |s| {
        s.contains("Created lead Typed") && names_and_selected(s).0.first().map(String::as_str) == Some("Typed")
    });
    assert!(
        !names_and_selected(&screen).0.contains(&"Lead60".to_string()),
        "a done lead came back: {screen}"
    );

    // 3. `*` in Starred: unstarring moves to the next starred lead.
    for row in 1..=3 {
        session.keys(b"j");
        let screen = session.wait_for("the next row", |s| names_and_selected(s).1 == Some(row));
        let name = names_and_selected(&screen).0[row].clone();
        session.keys(b"*");
        session.wait_for("the star", |s| status_bar(s).contains(&format!("Starred: {name}")));
    }
    session.keys(b"2");
    let screen = session.wait_for("the Starred view", |s| s.contains("Starred") && !s.contains("Typed"));
    let (names, _) = names_and_selected(&screen);
    assert_eq!(names.len(), 3, "{screen}");
    session.keys(b"gj");
    session.wait_for("the second starred lead", |s| names_and_selected(s).1 == Some(1));
    session.keys(b"*");
    let gone = names[1].clone();
    let screen = session.wait_for("unstarred", |s| !names_and_selected(s).0.contains(&gone));
    let (after, selected) = names_and_selected(&screen);
    assert_eq!(selected.map(|i| after[i].clone()), Some(names[2].clone()), "{screen}");

    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}

/// Whether the form's focused field (the row marked `▸`) holds a choice.
fn focused_field_is_chosen(screen: &str) -> bool {
    screen.lines().any(|l| l.contains('▸') && !l.contains("choose…"))
}

/// Types a lead named `first_name` with `email` into the open form and sends it: the form's own checks
/// pick the first source and region offered, as a rep's Right arrow would.
fn type_and_send(session: &mut Session, first_name: &str, email: &str) {
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("First name"));
    session.keys(first_name.as_bytes());
    session.keys(b"\t\t");
    session.keys(email.as_bytes());
    session.wait_for("the typed email", |s| s.contains(email));
    for _ in 0..3 {
        session.keys(b"\x13");
        let screen = session.wait_for("the form's answer", |s| {
            !s.contains("First name") || !focused_field_is_chosen(s)
        });
        if !screen.contains("First name") {
            return;
        }
        session.keys(b"\x1b[C");
        session.wait_for("a choice made", focused_field_is_chosen);
    }
    panic!("the form never took the lead: {}", session.screen_text());
}

/// Items 8 (the outbox sends what was typed offline oldest first, its message follows it) and 9 (the
/// look-alike of a lead typed here and since created opens that lead), on a profile whose tenant is
/// down while three leads are typed.
#[tokio::test(flavor = "multi_thread")]
async fn leads_typed_offline_go_out_oldest_first_and_a_look_alike_opens_the_created_lead() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("tenant.sqlite3");
    // The tenant's address and key, then the tenant goes away.
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0).db_path(&db))
        .await
        .expect("sandbox starts");
    let (port, key) = (sandbox.addr().port(), sandbox.secret_key().expose().to_string());
    sandbox.shutdown().await;

    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"acme\"\n[profiles.acme]\nurl = \"http://127.0.0.1:{port}\"\nkey_env = \"ACME_KEY\"\n\
             [[profiles.acme.custom_fields]]\nkey = \"region\"\nlabel = \"Region\"\nkind = \"dropdown\"\n\
             required = true\noptions = [\"emea\", \"amer\"]\n"
        ),
    )
    .expect("config written");
    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config);
    cmd.env("ACME_KEY", &key);
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 40, 120))
        .await
        .expect("leadbox starts");
    session.wait_for("the inbox", |s| s.contains("Inbox"));

    for (i, name) in ["Firstly", "Secondly", "Thirdly"].iter().enumerate() {
        type_and_send(&mut session, name, &format!("{}@x.example", name.to_lowercase()));
        // The bar's count and the message agree as the outbox grows.
        let (to_send, waiting) = match i + 1 {
            1 => ("1 to send".to_string(), "1 lead waiting".to_string()),
            n => (format!("{n} to send"), format!("{n} leads waiting")),
        };
        session.wait_for("the lead queued", |s| {
            status_bar(s).contains(&to_send) && status_bar(s).contains(&waiting)
        });
    }

    // The tenant comes back at the same address.
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0).db_path(&db).port(port))
        .await
        .expect("sandbox starts again");
    let deadline = Instant::now() + WAIT * 3;
    while sandbox.lead_count().await.expect("count") < 3 {
        assert!(
            Instant::now() < deadline,
            "the outbox never sent: {}",
            session.screen_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The last send is on the screen a frame after the server has the lead: the outbox is empty once
    // neither a wait nor a lead to send is shown.
    session.wait_for("the outbox empty", |s| !s.contains("waiting") && !s.contains("to send"));

    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let page = client
        .list(&leadbox::api::types::ListQuery::default(), None)
        .await
        .expect("the tenant's leads");
    let newest_first: Vec<&str> = page.data.iter().filter_map(|l| l.first_name.as_deref()).collect();
    assert_eq!(newest_first, ["Thirdly", "Secondly", "Firstly"], "sent oldest first");

    // 9. A new lead with Firstly's email: the warning, and Ctrl-o opens Firstly's own detail.
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("First name"));
    session.keys(b"Again\t\tfirstly@x.example");
    session.wait_for("the typed email", |s| s.contains("firstly@x.example"));
    let mut screen = String::new();
    for _ in 0..3 {
        session.keys(b"\x13");
        screen = session.wait_for("the form's answer", |s| {
            !focused_field_is_chosen(s) || s.contains("Looks like")
        });
        if screen.contains("Looks like") {
            break;
        }
        session.keys(b"\x1b[C");
        session.wait_for("a choice made", focused_field_is_chosen);
    }
    assert!(screen.contains("Looks like Firstly"), "{screen}");
    session.keys(b"\x0f");
    let screen = session.wait_for("Firstly's detail", |s| {
        !s.contains("First name") && s.contains("firstly@x.example")
    });
    assert!(!screen.contains("Outbox"), "the lead itself, not the outbox: {screen}");
    let firstly = page
        .data
        .iter()
        .find(|l| l.first_name.as_deref() == Some("Firstly"))
        .expect("Firstly");
    assert!(
        screen.contains(&firstly.id[..8]),
        "Firstly's detail shows its id: {screen}"
    );
    assert_eq!(
        sandbox.lead_count().await.expect("count"),
        3,
        "the look-alike was not sent"
    );

    session.keys(b"\x1b");
    session.wait_for("the list", |s| s.contains("Thirdly"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}
