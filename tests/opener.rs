//! `o e`, `o p`, `o w` hand a link to the system's opener: the status bar says it is opening, then whether
//! it opened, and when nothing opened, why (never a success tick for a link that went nowhere).

use std::path::Path;

use leadbox::api::types::{LeadSource, NewLead};
use leadbox::app::{Effect, Msg, update};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;
use crate::support::{app_with, ch, effects_of, screen_text};

/// The programs the `open` crate tries on Linux, in its order (`open::commands`).
const OPENERS: [&str; 6] = ["xdg-open", "gio", "gnome-open", "kde-open6", "kde-open5", "kde-open"];

#[test]
fn the_openers_outcome_is_said_as_it_is_without_a_tick_for_a_failure() {
    let (mut app, _) = app_with(100, 24, 25, false);
    let link = "mailto:lead0@example.com".to_string();
    assert_eq!(
        effects_of(&mut app, [ch('o'), ch('e')]),
        vec![Effect::Open(link.clone())]
    );
    let screen = screen_text(&app);
    assert!(screen.contains("Opening mailto:lead0@example.com…"), "{screen}");
    assert!(!screen.contains('✔'), "nothing has opened yet: {screen}");
    assert_eq!(app.opening(), Some(link.as_str()));

    // The reason as the opener gave it, sanitised: it cannot move the cursor or recolour the screen.
    update(
        &mut app,
        Msg::Opened {
            link: link.clone(),
            result: Err(leadbox::app::action::Outside::new(std::io::Error::other(
                "xdg-open exited with status 3\x1b[2J\u{202e}",
            ))),
        },
    );
    let error = app.error().expect("a failure is an error");
    assert!(
        error.starts_with("Nothing opened: xdg-open exited with status 3"),
        "{error}"
    );
    assert!(!error.contains('\x1b') && !error.contains('\u{202e}'), "{error:?}");
    let screen = screen_text(&app);
    assert!(
        screen.contains("✖ Nothing opened: xdg-open exited with status 3"),
        "{screen}"
    );
    assert!(!screen.contains("Opening"), "{screen}");
    assert!(!screen.contains('✔'), "{screen}");
    assert_eq!(app.opening(), None);

    // Opened: said so, with the tick.
    update(&mut app, ch('o'));
    update(&mut app, ch('e'));
    update(
        &mut app,
        Msg::Opened {
            link: link.clone(),
            result: Ok(()),
        },
    );
    assert_eq!(app.notice(), Some("Opened mailto:lead0@example.com"));
    assert!(screen_text(&app).contains("✔ Opened mailto:lead0@example.com"));

    // A success that comes after the rep moved on does not cover what was said since; a failure does.
    update(&mut app, ch('o'));
    update(&mut app, ch('e'));
    update(&mut app, ch('y'));
    update(&mut app, ch('e'));
    let copied = app.notice().map(str::to_string);
    assert!(
        copied.as_deref().unwrap_or("").starts_with("Copied the email"),
        "{copied:?}"
    );
    update(
        &mut app,
        Msg::Opened {
            link: link.clone(),
            result: Ok(()),
        },
    );
    assert_eq!(app.notice(), copied.as_deref());
    update(&mut app, ch('o'));
    update(&mut app, ch('e'));
    update(&mut app, ch('j'));
    update(
        &mut app,
        Msg::Opened {
            link,
            result: Err(leadbox::app::action::Outside::new(std::io::Error::other(
                "no program to open links: tried xdg-open, gio",
            ))),
        },
    );
    assert!(
        screen_text(&app).contains("✖ Nothing opened: no program to open links: tried xdg-open, gio"),
        "{}",
        screen_text(&app)
    );
}

async fn sandbox_with_an_email() -> Sandbox {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0))
        .await
        .expect("sandbox starts");
    let mut lead = NewLead::new("Olga", LeadSource::WebForm);
    lead.email = Some("olga@example.com".into());
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    sandbox
        .insert_lead_at(sandbox.demo_tenant_id(), lead, chrono::Utc::now())
        .await
        .expect("the lead is stored");
    sandbox
}

/// Writes an executable shell script at `path`.
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("script written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("executable");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opener_that_exits_3_is_reported_as_a_failure_on_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = sandbox_with_an_email().await;
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let go = dir.path().join("go");
    let ok = dir.path().join("ok");
    let called = dir.path().join("called");
    // Each opener waits for `go` (so "Opening…" can be read), notes what it was handed, and fails with
    // status 3 (as xdg-open does when it finds no application) until `ok` exists.
    for opener in OPENERS {
        script(
            &bin.join(opener),
            &format!(
                "while [ ! -e '{go}' ]; do /bin/sleep 0.05; done\necho \"{opener} $*\" >> '{called}'\n\
                 [ -e '{ok}' ] && exit 0\nexit 3",
                go = go.display(),
                ok = ok.display(),
                called = called.display()
            ),
        );
    }
    let mut cmd = stranger(dir.path(), &sandbox);
    cmd.env("PATH", &bin);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the lead", |s| s.contains("Olga"));

    session.keys(b"oe");
    let screen = session.wait_for("the opener starting", |s| {
        s.contains("Opening mailto:olga@example.com…")
    });
    assert!(!screen.contains('✔'), "no success while it starts:\n{screen}");
    std::fs::File::create(&go).expect("go");
    let screen = session.wait_for("the failure", |s| s.contains("Nothing opened"));
    assert!(
        screen.contains("✖ Nothing opened: xdg-open exited with status 3"),
        "the reason is on screen:\n{screen}"
    );
    assert!(!screen.contains('✔'), "{screen}");
    let tried = std::fs::read_to_string(&called).unwrap_or_default();
    assert!(
        tried.starts_with("xdg-open mailto:olga@example.com\n"),
        "xdg-open was handed the link first: {tried}"
    );

    std::fs::File::create(&ok).expect("ok");
    session.keys(b"oe");
    session.wait_for("the success", |s| s.contains("✔ Opened mailto:olga@example.com"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_opener_at_all_is_reported_with_what_was_tried() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = sandbox_with_an_email().await;
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("empty dir");
    let mut cmd = stranger(dir.path(), &sandbox);
    cmd.env("PATH", &empty);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the lead", |s| s.contains("Olga"));
    session.keys(b"oe");
    let screen = session.wait_for("the failure", |s| s.contains("Nothing opened"));
    assert!(
        screen.contains("✖ Nothing opened: no program to open links: tried xdg-open, gio"),
        "{screen}"
    );
    assert!(!screen.contains('✔'), "{screen}");
    session.keys(b"q");
    assert!(session.wait_exit().success());
}
