//! Hints and panes as a rep meets them in the real binary: what may follow the first key of a sequence,
//! an unbound second key said as an error, the detail's J/K, whole names and "Unassigned" in the assignee
//! pane, the key that clears every filter; and the status bar laid out by priority, every part present,
//! at 120 and 80 columns.

use chrono::Duration;
use leadbox::api::client::NovalaClient;
use leadbox::api::types::{LeadSource, ListQuery, NewLead};
use leadbox::app::views::{Triage, View};
use leadbox::app::{App, AppSettings, Msg, update};
use leadbox::outbox::{Outbox, OutboxState};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;
use crate::support::{BRUNO, app_with, ch, key, leads, listed, now, screen_text, settings, single_list};
use crossterm::event::KeyCode;
use leadbox::api::types::LeadStatus;
use leadbox::api::worker::ApiRequest;

/// The sidebar's columns of a screen line (the panes), and the list's.
fn sidebar(line: &str) -> String {
    line.chars().take(28).collect()
}

fn list_part(line: &str) -> String {
    line.chars().skip(28).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sequences_hints_unassigned_and_clearing_filters_through_the_real_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(60))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let all = client
        .list(
            &ListQuery {
                limit: Some(100),
                ..ListQuery::default()
            },
            None,
        )
        .await
        .expect("every lead")
        .data;
    assert_eq!(all.len(), 60);
    let unassigned = all.iter().filter(|l| l.assigned_to.is_none()).count();
    assert!(unassigned > 0 && unassigned < 60, "the seed mixes both: {unassigned}");
    let roster = sandbox.profile().roster.clone();
    let team: Vec<String> = roster
        .iter()
        .map(|m| format!("{{ id = \"{}\", name = \"{}\" }}", m.id, m.name))
        .collect();
    let config = format!(
        "default_profile = \"local\"\n[profiles.local]\nurl = \"{}\"\nkey_env = \"LOCAL_NOVALA_KEY\"\nteam = [{}]\n",
        sandbox.base_url(),
        team.join(", ")
    );
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).expect("config written");
    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config_path);
    cmd.env("LOCAL_NOVALA_KEY", sandbox.secret_key().expose());
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 40, 120))
        .await
        .expect("leadbox starts");
    session.wait_for("every lead", |s| s.contains("60 loaded · all"));

    // `y` waits for its second key and says which ones there are.
    session.keys(b"y");
    session.wait_for("what may follow y", |s| {
        s.contains("y… e email · p phone · n name · i id")
    });
    // Esc cancels it: the next `z` is no sequence at all, and nothing is said.
    session.keys(b"\x1b");
    session.wait_for("the sequence cancelled", |s| !s.contains("y… e email"));
    // A second key nothing binds ends the sequence, as an error naming the keys that would have worked.
    session.keys(b"yz");
    let screen = session.wait_for("the unbound key said", |s| s.contains("y z: no such key"));
    assert!(screen.contains("✖ y z: no such key; y e email"), "{screen}");
    // It answers that key only: the next one takes it away.
    session.keys(b"j");
    session.wait_for("the error gone", |s| !s.contains("no such key"));

    // The detail's hint names J/K, as the keymap binds them.
    session.keys(b"\r");
    session.wait_for("the detail's hints", |s| s.contains("J/K next/previous lead"));
    session.keys(b"\x1b");
    session.wait_for("the list again", |s| s.contains("60 loaded · all"));

    // The assignee pane: names whole, without ids none of them needs, and an Unassigned entry.
    session.keys(b"a");
    let screen = session.wait_for("the assignee pane", |s| s.contains("Unassigned"));
    let lines: Vec<&str> = screen.lines().collect();
    let diego = lines
        .iter()
        .map(|l| sidebar(l))
        .find(|l| l.contains("Diego Fernández"))
        .unwrap_or_else(|| panic!("no whole Diego Fernández in the pane:\n{screen}"));
    assert!(!diego.contains('('), "an id no one needs beside the name: {diego}");
    // The tenant's 60 leads are all loaded: narrowing them is the tenant's unassigned leads, no note.
    assert!(
        lines
            .iter()
            .any(|l| sidebar(l).contains("Unassigned") && !sidebar(l).contains("(loaded)")),
        "the pane offers Unassigned, with nothing more to say of a whole list:\n{screen}"
    );
    // "all", then "Unassigned" (no `me` in this profile).
    session.keys(b"j\r");
    let screen = session.wait_for("only unassigned leads", |s| {
        s.contains("assignee: unassigned") && s.contains("end of view")
    });
    let names: Vec<&str> = roster.iter().map(|m| m.name.as_str()).collect();
    for line in screen.lines().skip(2) {
        let row = list_part(line);
        assert!(
            !names.iter().any(|n| row.contains(n)),
            "an assigned lead under Unassigned: {row}\n{screen}"
        );
    }
    assert!(
        screen.contains(&format!("end of view · {unassigned} of 60 leads")),
        "{unassigned} unassigned leads expected:\n{screen}"
    );
    // The clear key is offered, and brings every lead back.
    assert!(screen.contains("0 clear filters"), "{screen}");
    session.keys(b"0");
    let screen = session.wait_for("every lead again", |s| s.contains("Filters cleared"));
    assert!(!screen.contains("assignee: unassigned"), "{screen}");
    assert!(
        screen
            .lines()
            .skip(2)
            .any(|l| names.iter().any(|n| list_part(l).contains(n))),
        "assigned leads are back:\n{screen}"
    );

    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn at_80x24_a_sequence_still_shows_what_may_follow_and_the_counts_stay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(30))
        .await
        .expect("sandbox starts");
    let cmd = stranger(dir.path(), &sandbox);
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 24, 80))
        .await
        .expect("leadbox starts");
    session.wait_for("the leads", |s| s.contains("30 loaded"));
    session.keys(b"o");
    let screen = session.wait_for("what may follow o", |s| s.contains("o… e email · p phone · w website"));
    let bar = screen.lines().last().unwrap_or_default().to_string();
    assert!(bar.contains("30 loaded"), "the counts keep their place: {bar}");
    session.keys(b"\x1b");
    session.wait_for("the sequence cancelled", |s| !s.contains("o… e email"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}

/// An inbox with every part of the status bar in force: a profile's team, a saved view (status and
/// assignee), a kept search, leads waiting in the outbox and one needing the rep, another leadbox sending
/// it, and an error.
fn crowded(width: u16, height: u16) -> App {
    let view = View {
        name: "bruno-new".into(),
        triage: Triage::NotDone,
        status: Some(LeadStatus::Disqualified),
        assigned_to: Some(BRUNO.into()),
        saved: true,
    };
    let mut views = leadbox::app::views::views(&[], None, &crate::support::profile()).0;
    views.push(view);
    let settings = AppSettings { views, ..settings() };
    let mut app = App::new(settings, now(), width, height);
    app.restore_triage(Default::default(), Some("bruno-new"));
    let mut outbox = Outbox::default();
    let queued = outbox.enqueue(
        "q".into(),
        NewLead::new("Queued", LeadSource::WebForm),
        None,
        now() - Duration::minutes(3),
    );
    let mut refused = outbox.enqueue(
        "r".into(),
        NewLead::new("Refused", LeadSource::WebForm),
        None,
        now() - Duration::minutes(2),
    );
    refused.state = OutboxState::Rejected;
    refused.error = Some("the server refused the request (400): email is invalid".into());
    app.restore_outbox(vec![queued, refused]);
    let start = app.start().requests;
    let req = single_list(&start);
    update(&mut app, listed(&req, leads(0..25), true));
    update(
        &mut app,
        Msg::Sender(leadbox::store::sender::Sender::Other(Some(424242))),
    );
    update(&mut app, ch('/'));
    for c in "ada".chars() {
        update(&mut app, ch(c));
    }
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, ch('y'));
    update(&mut app, ch('z'));
    app
}

fn bar(app: &App) -> String {
    screen_text(app).lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_status_bar_keeps_counts_outbox_filters_and_error_at_120_and_80_columns() {
    for (width, height) in [(120u16, 40u16), (80, 24)] {
        let app = crowded(width, height);
        let line = bar(&app);
        // Every part keeps a place: the counts, the outbox and who sends it, the view's rule, the error.
        assert!(line.contains("25+ · 25 unread"), "{width}: the counts: {line}");
        assert!(line.contains("1 to send"), "{width}: the outbox: {line}");
        assert!(line.contains("outbox:"), "{width}: the sender: {line}");
        assert!(line.contains("│ disq"), "{width}: the view's status: {line}");
        assert!(line.contains("✖ y z: no such"), "{width}: the error: {line}");
        if width >= 120 {
            assert!(line.contains("1 need you"), "{width}: the lead needing the rep: {line}");
            assert!(line.contains("pid 424242"), "{width}: the sender's pid: {line}");
            assert!(
                line.contains("disqualified · Bruno"),
                "{width}: the view's rule: {line}"
            );
        }
        assert!(
            unicode_width::UnicodeWidthStr::width(line.trim_end()) <= usize::from(width),
            "{line}"
        );
        insta::assert_snapshot!(format!("status_bar_every_part_{width}x{height}"), line);
    }
}

/// The list requests among `out`.
fn lists(out: &[ApiRequest]) -> Vec<&ApiRequest> {
    out.iter().filter(|r| matches!(r, ApiRequest::List { .. })).collect()
}

#[test]
fn unassigned_says_it_narrows_only_the_loaded_leads_while_more_pages_remain() {
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('a'));
    let text = screen_text(&app);
    assert!(text.contains("Unassigned (loaded)"), "{text}");
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    assert!(app.unassigned_only());
    let text = screen_text(&app);
    assert!(text.contains("assignee: unassigned (loaded)"), "{text}");
}

#[test]
fn unassigned_narrows_the_loaded_leads_and_the_clear_key_brings_every_lead_back() {
    let (mut app, out) = app_with(120, 40, 25, false);
    assert!(lists(&out).is_empty());
    update(&mut app, ch('a'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    // The tenant cannot filter so: nothing is asked of it, the loaded leads are narrowed.
    assert!(lists(&out).is_empty(), "{out:?}");
    assert!(app.unassigned_only());
    assert_eq!(app.list().query().assigned_to, None);
    assert_eq!(app.list().len(), 5, "every fifth lead of the test data has no assignee");
    assert!((0..app.list().len()).all(|r| app.list().lead_at(r).is_some_and(|l| l.assignee().is_none())));
    let text = screen_text(&app);
    assert!(text.contains("assignee: unassigned"), "{text}");
    assert!(
        !text.contains("(loaded)"),
        "every lead is loaded: these are all the unassigned leads: {text}"
    );
    assert!(text.contains("0 clear filters"), "{text}");

    update(&mut app, ch('0'));
    assert!(!app.unassigned_only());
    assert_eq!(app.list().len(), 25);
    assert!(
        app.notice().is_some_and(|n| n.starts_with("Filters cleared")),
        "{:?}",
        app.notice()
    );
    update(&mut app, ch('0'));
    assert!(
        app.notice().is_some_and(|n| n.starts_with("No filter to clear")),
        "{:?}",
        app.notice()
    );
}

#[test]
fn the_clear_key_returns_a_saved_view_to_its_own_rule_and_drops_the_search() {
    let view = View {
        name: "new-ones".into(),
        triage: Triage::NotDone,
        status: Some(LeadStatus::New),
        assigned_to: None,
        saved: true,
    };
    let mut views = leadbox::app::views::views(&[], None, &crate::support::profile()).0;
    views.push(view);
    let mut app = App::new(AppSettings { views, ..settings() }, now(), 120, 40);
    app.restore_triage(Default::default(), Some("new-ones"));
    let req = single_list(&app.start().requests);
    update(&mut app, listed(&req, leads(0..10), false));
    // The status pane's "contacted", then a search.
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let req = single_list(&update(&mut app, key(KeyCode::Enter)).requests);
    assert_eq!(app.list().query().status, Some(LeadStatus::Contacted));
    update(&mut app, listed(&req, leads(0..10), false));
    update(&mut app, ch('/'));
    update(&mut app, ch('a'));
    update(&mut app, key(KeyCode::Enter));
    assert!(app.search_query().is_some());
    let ApiRequest::List { query, .. } = single_list(&update(&mut app, ch('0')).requests) else {
        unreachable!()
    };
    assert_eq!(query.status, Some(LeadStatus::New), "the view's own status");
    assert!(app.search_query().is_none());
    assert!(!app.filters_beyond_view());
}

#[test]
fn a_lead_marked_done_in_the_inbox_does_not_stop_the_paging() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let req = single_list(&out);
    let out = update(&mut app, listed(&req, leads(25..50), true)).requests;
    assert!(lists(&out).is_empty(), "two screens ahead already");
    update(&mut app, ch('d'));
    let out = update(&mut app, ch('G')).requests;
    let [ApiRequest::List { cursor, .. }] = lists(&out)[..] else {
        panic!("no next page at the end of the Inbox with a lead done: {out:?}")
    };
    assert!(cursor.is_some());
}
