//! The real binary in a pseudo-terminal, read back through a VT100 parser: what a rep sees, and the
//! terminal they get back afterwards.

use std::path::Path;
use std::time::{Duration, Instant};

use leadbox::api::client::NovalaClient;
use leadbox::api::types::ListQuery;
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

#[tokio::test(flavor = "multi_thread")]
async fn binary_shows_leads_opens_one_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(
        SandboxOptions::default()
            .db_path(dir.path().join("tenant.sqlite3"))
            .seed_leads(300),
    )
    .await
    .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let first_page = client
        .list(
            &ListQuery {
                limit: Some(5),
                ..ListQuery::default()
            },
            None,
        )
        .await
        .expect("first page");
    let newest = &first_page.data[0];
    let second = &first_page.data[1];

    let cmd = stranger(dir.path(), &sandbox);
    let mut session = Session::launch(cmd).await;

    let newest_name = newest.first_name.clone().expect("seeded leads have first names");
    let screen = session.wait_for("the newest lead", |s| s.contains(&newest_name));
    assert!(
        !screen.contains(sandbox.secret_key().expose()),
        "the key is never on screen"
    );

    // Move to the second lead and open it: its id only shows in the detail view.
    session.keys(b"j");
    session.keys(b"\r");
    session.wait_for("the second lead's detail", |s| s.contains(&second.id));

    session.keys(b"\x1b");
    session.wait_for("the list again", |s| {
        !s.contains(&second.id) && s.contains(&newest_name)
    });

    session.keys(b"q");
    let status = session.wait_exit();
    assert!(status.success(), "leadbox exits cleanly: {status:?}");
    let parser = session.parser.lock().expect("parser lock");
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "the alternate screen is left");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture is off"
    );
    assert!(!screen.hide_cursor(), "the cursor is visible again");
    assert!(
        !screen.contents().contains(&newest_name),
        "the shell's screen is back, not the inbox"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_brings_its_team_names_its_key_source_and_its_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(200))
        .await
        .expect("sandbox starts");
    // The tenant as a rep configures it: names of their own choosing for the team, the key from a variable
    // of their own, and a remapped key.
    let team: Vec<String> = sandbox
        .profile()
        .roster
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{{ id = \"{}\", name = \"Rep Number {i}\" }}", m.id))
        .collect();
    let config = format!(
        "default_profile = \"local\"\n[profiles.local]\nurl = \"{}\"\nkey_env = \"LOCAL_NOVALA_KEY\"\n\
         team = [{}]\n[keys]\nnew_lead = \"ctrl-n\"\n",
        sandbox.base_url(),
        team.join(", ")
    );
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).expect("config written");

    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config_path);
    cmd.env("LOCAL_NOVALA_KEY", sandbox.secret_key().expose());
    let mut session = Session::launch(cmd).await;
    let screen = session.wait_for("the team's names from the profile", |s| s.contains("Rep Number"));
    assert!(screen.contains("1 Inbox · 2 Starred · 3 All · local"), "{screen}");
    // Keys are read in order: once the help that `?` opens is drawn, `n` has been handled.
    // (Had `n` opened the form, `?` would be typed into it and this wait would fail.)
    session.keys(b"n?");
    session.wait_for("the list's help, after n: n is no longer bound", |s| {
        s.contains(" Keys ") && s.contains("Lead list")
    });
    session.keys(b"\x1b");
    session.wait_for("the help closed", |s| !s.contains(" Keys "));
    session.keys(b"\x0e");
    session.wait_for("the form, on ctrl-n", |s| s.contains("New lead"));
    session.keys(b"\x1b");
    session.wait_for("the list again", |s| !s.contains("New lead"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
    let state = dir.path().join("data/leadbox/profiles/local");
    assert!(state.is_dir(), "the profile keeps its state in its own directory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).expect("state dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "owner-only");
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn y_e_puts_the_email_on_the_clipboard_and_no_mouse_leaves_the_mouse_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(50))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let newest = client
        .list(&ListQuery::default(), None)
        .await
        .expect("first page")
        .data
        .into_iter()
        .find(|l| l.email.is_some())
        .expect("a lead with an email");
    let email = newest.email.clone().unwrap_or_default();
    let name = newest.first_name.clone().unwrap_or_default();

    let mut cmd = command(dir.path());
    cmd.args(["--no-mouse", "--api-url"]);
    cmd.arg(sandbox.base_url());
    cmd.env("NOVALA_SECRET_KEY", sandbox.secret_key().expose());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the leads", |s| s.contains(&name));
    assert_eq!(
        session
            .parser
            .lock()
            .expect("parser lock")
            .screen()
            .mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "--no-mouse leaves the mouse to the terminal"
    );
    // Select the lead with the email, then copy it.
    session.keys(b"/");
    session.keys(email.as_bytes());
    session.keys(b"\r");
    session.wait_for("the search kept", |s| s.contains("search “"));
    session.keys(b"ye");
    session.wait_for("the notice", |s| s.contains("Copied the email"));
    let expected = format!(
        "\x1b]52;c;{}\x1b\\",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, email.as_bytes())
    );
    let written = String::from_utf8_lossy(&session.bytes.lock().expect("bytes lock")).into_owned();
    assert!(written.contains(&expected), "no OSC 52 for {email:?} in the output");
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_marked_done_is_still_done_after_a_kill() {
    // A stranger's tenant (--api-url, nothing configured): the marks live in its own profile directory.
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(50))
        .await
        .expect("sandbox starts");
    let cmd = stranger(dir.path(), &sandbox);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    session.keys(b"d");
    session.wait_for("the mark", |s| s.contains("Done:"));
    // SIGKILL: no chance to tidy up. What the screen showed was already on disk.
    session.child.kill().expect("killed");
    let _ = session.child.wait();
    let marks = leadbox::store::state::StateFile::open(&tenant_dir(dir.path()).join("state.sqlite3"))
        .expect("the state file opens")
        .file
        .marks()
        .expect("marks");
    assert_eq!(marks.values().filter(|m| m.done).count(), 1, "{marks:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_nothing_configured_it_opens_on_the_embedded_sandbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cmd = command(dir.path());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the sandbox's leads", |s| s.contains("sandbox") && leads_loaded(s));
    session.keys(b"\x03");
    let status = session.wait_exit();
    assert!(status.success(), "Ctrl-C quits cleanly: {status:?}");
    assert!(!session.parser.lock().expect("parser lock").screen().alternate_screen());
    assert!(
        dir.path().join("data/leadbox/sandbox.sqlite3").exists(),
        "the sandbox database is created in the data directory"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_left_by_quitting_comes_back_on_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Each profile keeps its state in its own directory; this is the built-in sandbox's.
    let draft_file = dir.path().join("data/leadbox/profiles/sandbox/draft.json");

    let cmd = command(dir.path());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the sandbox's leads", |s| s.contains("sandbox") && leads_loaded(s));
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("New lead"));
    session.keys("Zenobia".as_bytes());
    session.wait_for("the typed name", |s| s.contains("Zenobia"));
    // On disk while the inbox still runs: a crash now would lose nothing.
    wait_for_file(&draft_file, "Zenobia");
    session.keys(b"\x03");
    session.wait_for("the quit question", |s| s.contains("Quit? The draft is kept"));
    session.keys(b"y");
    let status = session.wait_exit();
    assert!(status.success(), "quits cleanly: {status:?}");
    let kept = std::fs::read_to_string(&draft_file).expect("the draft is on disk after quitting");
    assert!(kept.contains("Zenobia"), "{kept}");

    let cmd = command(dir.path());
    let mut session = Session::launch(cmd).await;
    let screen = session.wait_for("the notice", |s| s.contains("Unsent lead kept: press n"));
    assert!(!screen.contains("Zenobia"), "the form waits for n:\n{screen}");
    session.keys(b"n");
    session.wait_for("the form with the typed name", |s| {
        s.contains("New lead") && s.contains("Zenobia")
    });
    session.keys(b"\x1b");
    session.wait_for("the discard question", |s| s.contains("Discard this draft?"));
    session.keys(b"y");
    session.wait_for("the list again", |s| !s.contains("New lead"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
    assert!(!draft_file.exists(), "a discarded draft leaves no file");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_draft_is_moved_aside_and_the_inbox_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("data/leadbox");
    std::fs::create_dir_all(&old).expect("data dir");
    // Left where earlier versions kept drafts: it is first moved to the sandbox profile's directory.
    std::fs::write(old.join("draft.json"), "{\"fields\": {\"firstName\"").expect("a torn draft");
    let data = old.join("profiles/sandbox");

    let cmd = command(dir.path());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the report", |s| {
        s.contains("Draft from last time not restored: unreadable, moved to")
    });
    session.wait_for("the sandbox's leads", leads_loaded);
    assert!(!data.join("draft.json").exists());
    assert!(!old.join("draft.json").exists(), "the old draft was moved, not copied");
    assert_eq!(
        std::fs::read_to_string(data.join("draft.json.bad")).expect("moved aside"),
        "{\"fields\": {\"firstName\""
    );
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

#[test]
fn a_tenant_without_a_key_gets_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leadbox"))
        .args(["--api-url", "http://127.0.0.1:9", "--log-file"])
        .arg(dir.path().join("leadbox.log"))
        .env_remove("NOVALA_SECRET_KEY")
        .env("HOME", dir.path())
        .output()
        .expect("leadbox runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("NOVALA_SECRET_KEY is not set"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn outbox_state(state: &Path) -> Option<leadbox::outbox::OutboxState> {
    let file = leadbox::store::state::StateFile::open(state).ok()?.file;
    file.outbox().ok()?.0.first().map(|e| e.state)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_killed_in_the_middle_of_sending_is_sent_once_after_a_restart() {
    use leadbox::outbox::{Outbox, OutboxState};
    use novala_sandbox::faults::{Creates, FaultOptions, LostAnswer};
    let dir = tempfile::tempdir().expect("temp dir");
    // The first create is stored, then its answer is held far past the client's 20 s: leadbox is killed
    // while the lead is on the tenant and its id has not reached the state file.
    let faults = FaultOptions::none().lose_answers(LostAnswer::HoldThenDrop(Duration::from_secs(120)), Creates::nth(1));
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20).faults(faults))
        .await
        .expect("sandbox starts");
    let launch = |dir: &Path| stranger(dir, &sandbox);
    // A first run makes the tenant's directory; a lead is then waiting in its outbox, as if typed.
    let cmd = launch(dir.path());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    session.keys(b"q");
    assert!(session.wait_exit().success());
    let state = tenant_dir(dir.path()).join("state.sqlite3");
    let mut lead = leadbox::api::types::NewLead::new("Killroy", leadbox::api::types::LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let entry = Outbox::default().enqueue("killed".into(), lead, None, chrono::Utc::now());
    leadbox::store::state::StateFile::open(&state)
        .expect("state file")
        .file
        .put_outbox(&entry)
        .expect("queued");

    // Killed once the tenant holds the lead and the state file still says it is being sent.
    let cmd = launch(dir.path());
    let mut session = Session::launch(cmd).await;
    let deadline = Instant::now() + WAIT;
    while sandbox.lead_count().await.expect("count") < 21 || outbox_state(&state) != Some(OutboxState::Sending) {
        assert!(Instant::now() < deadline, "the lead was never stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    session.child.kill().expect("killed");
    let _ = session.child.wait();
    assert_eq!(outbox_state(&state), Some(OutboxState::Sending), "no answer reached it");

    // The next start looks for it before sending anything, finds it and records its id, well before the
    // first tick a minute later.
    let started = Instant::now();
    let cmd = launch(dir.path());
    let mut session = Session::launch(cmd).await;
    let deadline = Instant::now() + WAIT;
    while outbox_state(&state) != Some(OutboxState::Sent) {
        assert!(
            Instant::now() < deadline,
            "the lead was never found: {:?}",
            outbox_state(&state)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("found and recorded {:?} after the restart", started.elapsed());
    session.wait_for("nothing left to send", |s| {
        !s.contains("need you") && !s.contains("to send")
    });
    session.keys(b"q");
    assert!(session.wait_exit().success());

    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let page = client.list(&query, None).await.expect("the newest leads");
    let named: Vec<&str> = page
        .data
        .iter()
        .filter(|l| l.first_name.as_deref() == Some("Killroy"))
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(named.len(), 1, "exactly once in the tenant: {named:?}");
    assert_eq!(
        sandbox.lead_count().await.expect("count"),
        21,
        "nothing else was created"
    );
    let file = leadbox::store::state::StateFile::open(&state).expect("state file").file;
    let entries = file.outbox().expect("outbox").0;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, OutboxState::Sent);
    assert_eq!(
        entries[0].server_id.as_deref(),
        Some(named[0]),
        "recorded with the tenant's id"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_e_hands_the_notes_to_the_editor_and_takes_them_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A stand-in editor: adds a line to the file it is given, as a rep would, and saves.
    let editor = dir.path().join("fake-editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '%s\\n' 'second line from the editor' >> \"$1\"\n",
    )
    .expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).expect("executable");
    }
    // On a stranger's tenant: nothing configured but the URL and the key.
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20))
        .await
        .expect("sandbox starts");
    let mut cmd = stranger(dir.path(), &sandbox);
    cmd.env_remove("VISUAL");
    cmd.env("EDITOR", &editor);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("New lead"));
    session.keys("Zed".as_bytes());
    session.keys(b"\x05");
    let screen = session.wait_for("the notes back from the editor", |s| {
        s.contains("second line from the editor") && s.contains("New lead")
    });
    assert!(screen.contains("Zed"), "the form is as it was:\n{screen}");
    assert!(
        session.parser.lock().expect("parser lock").screen().alternate_screen(),
        "the inbox has the screen again"
    );
    session.keys(b"\x03");
    session.wait_for("the quit question", |s| s.contains("Quit? The draft is kept"));
    session.keys(b"y");
    assert!(session.wait_exit().success());
    let draft = std::fs::read_to_string(tenant_dir(dir.path()).join("draft.json")).expect("draft");
    assert!(draft.contains("second line from the editor"), "{draft}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_sighup_restore_the_terminal_and_keep_the_draft() {
    for signal in ["-TERM", "-HUP", "-INT"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20))
            .await
            .expect("sandbox starts");
        let cmd = stranger(dir.path(), &sandbox);
        let mut session = Session::launch(cmd).await;
        session.wait_for("the tenant's leads", leads_loaded);
        session.keys(b"n");
        session.wait_for("the form", |s| s.contains("New lead"));
        session.keys("Signalia".as_bytes());
        session.wait_for("the typed name", |s| s.contains("Signalia"));
        let before = session.bytes.lock().expect("bytes").len();
        let pid = session.child.process_id().expect("a pid");
        let sent = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = session.wait_exit();
        assert!(status.success(), "{signal}: the normal way out: {status:?}");
        let after = session.bytes.lock().expect("bytes")[before..].to_vec();
        let written = String::from_utf8_lossy(&after);
        for (what, sequence) in [
            ("the alternate screen left", "\x1b[?1049l"),
            ("mouse reporting off", "\x1b[?1000l"),
            ("bracketed paste off", "\x1b[?2004l"),
        ] {
            assert!(written.contains(sequence), "{signal}: {what}: {written:?}");
        }
        assert!(!session.parser.lock().expect("parser lock").screen().alternate_screen());
        let draft = std::fs::read_to_string(tenant_dir(dir.path()).join("draft.json")).expect("the draft is kept");
        assert!(draft.contains("Signalia"), "{signal}: {draft}");

        let cmd = stranger(dir.path(), &sandbox);
        let mut session = Session::launch(cmd).await;
        session.wait_for("the kept draft", |s| s.contains("Unsent lead kept"));
        session.keys(b"n");
        session.wait_for("the form with the name", |s| s.contains("Signalia"));
        let _ = session.child.kill();
        sandbox.shutdown().await;
    }
}

/// How the status pane's title is drawn (its focus shows only in its look): bold, reverse, colour.
fn status_title_look(session: &Session) -> Option<(bool, bool, vt100::Color)> {
    let parser = session.parser.lock().expect("parser lock");
    let screen = parser.screen();
    let (_, cols) = screen.size();
    let top = screen.rows(0, cols.get()).next()?;
    let col = top.chars().position(|c| c == 'S')?;
    let cell = screen.cell(0, u16::try_from(col).ok()?)?;
    Some((cell.bold(), cell.inverse(), cell.fgcolor()))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_appears_in_no_frame_no_log_line_and_no_error_of_a_whole_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(120))
        .await
        .expect("sandbox starts");
    let key = sandbox.secret_key().expose().to_string();
    let mut cmd = stranger(dir.path(), &sandbox);
    cmd.env("LEADBOX_LOG", "trace");
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    // Where a step shows no text of its own, the help names the screen it was opened on: keys are read in
    // order, so the help for that screen proves the step was taken.
    let help_on = |session: &mut Session, screen: &str| {
        session.keys(b"?");
        session.wait_for(&format!("the help for {screen}"), |s| {
            s.contains(" Keys ") && s.contains(screen)
        });
        session.keys(b"\x1b");
        session.wait_for("the help closed", |s| !s.contains(" Keys "));
    };
    // Scroll, open a lead, search, filter, type a lead the tenant refuses (its required field is not
    // configured here), open the outbox and the help, then quit.
    session.keys(b"jjjjjjjjjjG");
    session.wait_for("every lead loaded", |s| s.contains("120 loaded") && !s.contains("more"));
    session.keys(b"\r");
    help_on(&mut session, "Lead detail");
    // An escape and the next key sent together read as Alt and that key: each escape is seen taken first.
    session.keys(b"\x1b");
    session.wait_for("the detail closed", |s| !s.contains("Lead ·"));
    help_on(&mut session, "Lead list");
    session.keys(b"/an");
    session.wait_for("the search typed", |s| s.contains("/an"));
    session.keys(b"\x1b");
    session.wait_for("the search closed", |s| !s.contains("/an"));
    session.keys(b"s");
    help_on(&mut session, "Status and assignee panes");
    let focused = status_title_look(&session);
    session.keys(b"\x1b");
    let start = Instant::now();
    while status_title_look(&session) == focused {
        assert!(start.elapsed() < WAIT, "the status pane kept the focus after esc");
        std::thread::sleep(Duration::from_millis(20));
    }
    help_on(&mut session, "Lead list");
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("New lead"));
    session.keys(b"Keyfinder");
    session.wait_for("the typed name", |s| s.contains("Keyfinder"));
    session.keys(b"\x13");
    session.wait_for("the form's own check", |s| s.contains("is required"));
    session.keys(b"\x1b[C");
    session.wait_for("a source chosen", |s| !s.contains("choose…"));
    session.keys(b"\x13");
    session.wait_for("the tenant's refusal", |s| s.contains("region"));
    session.keys(b"\x1b");
    session.wait_for("the discard question", |s| s.contains("Discard this draft?"));
    session.keys(b"y");
    session.wait_for("the list again", |s| !s.contains("New lead"));
    session.keys(b"O");
    session.wait_for("the outbox", |s| s.contains("Outbox ·"));
    session.keys(b"\x1b");
    session.wait_for("the list again", |s| !s.contains("Outbox ·"));
    help_on(&mut session, "Lead list");
    session.keys(b"q");
    // Its exit, and the last bytes it wrote read, before they are searched.
    assert!(session.wait_exit().success());
    let written = session.bytes.lock().expect("bytes").clone();
    assert!(written.len() > 10_000, "a real session: {} bytes", written.len());
    assert!(
        !String::from_utf8_lossy(&written).contains(&key),
        "the key is in what was drawn"
    );
    let log = std::fs::read_to_string(dir.path().join("leadbox.log")).expect("the log");
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "everything was logged");
    assert!(!log.contains(&key), "the key is in the log");
    // Debug output of what holds the key.
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    for text in [
        format!("{client:?}"),
        format!("{:?}", sandbox.secret_key()),
        sandbox.secret_key().to_string(),
    ] {
        assert!(!text.contains(&key), "{text}");
    }
    sandbox.shutdown().await;
}
