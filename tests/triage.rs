//! Triage marks kept on this machine: unread until opened, done hides a lead from the Inbox (and `u` puts it
//! back), a star; views switched with number keys; and the state file surviving restarts, kills and damage.

use std::collections::HashMap;

use crate::support::*;
use crossterm::event::KeyCode;
use leadbox::app::{App, Effect, update};
use leadbox::model::Marks;
use leadbox::store::state::StateFile;

/// Carries out the app's marks effects on `file`, as the event loop does before drawing.
fn persist(effects: Vec<Effect>, file: &StateFile) {
    for effect in effects {
        match effect {
            Effect::SaveMarks { lead_id, before, marks } => file.change_marks(&lead_id, before, marks).unwrap(),
            Effect::RememberView(name) => file.set("view", &name).unwrap(),
            _ => {}
        }
    }
}

#[test]
fn done_hides_a_lead_from_the_inbox_u_puts_it_back_and_all_shows_it() {
    let (mut app, _) = app_with(120, 40, 25, false);
    assert_eq!(app.unread(), 25);
    update(&mut app, ch('j'));
    let lead = app.list().selected_lead().unwrap().id().clone();
    let following = app.list().lead_at(2).unwrap().id().clone();
    update(&mut app, ch('d'));
    assert!(app.marks_of(&lead).done);
    assert_eq!(
        app.list().selected_lead().unwrap().id(),
        &following,
        "on to the next lead, as mail readers do"
    );
    assert_eq!(app.list().len(), 24, "the Inbox hides it");
    assert!(app.notice().unwrap_or("").contains("Done: Grace Lovelace · u undoes"));
    assert_ne!(app.list().selected_lead().unwrap().id(), lead);
    insta::assert_snapshot!("inbox_after_done_120x40", screen_text(&app));

    update(&mut app, ch('u'));
    assert!(!app.marks_of(&lead).done);
    assert_eq!(app.list().len(), 25);

    update(&mut app, ch('d'));
    update(&mut app, ch('3'));
    assert_eq!(app.views()[app.view_index()].name, "All");
    assert_eq!(app.list().len(), 25, "All shows done leads too");
    update(&mut app, ch('2'));
    assert_eq!(app.list().len(), 0, "nothing starred yet");
    assert!(screen_text(&app).contains("1 Inbox · 2 Starred · 3 All · sandbox"));
    assert_eq!(app.view_index(), 1);
    update(&mut app, ch('3'));
    update(&mut app, ch('*'));
    update(&mut app, ch('2'));
    assert_eq!(app.list().len(), 1);
    insta::assert_snapshot!("starred_view_120x40", screen_text(&app));
    update(&mut app, ch('9'));
    assert_eq!(app.notice(), Some("There is no view 9"));
}

#[test]
fn a_lead_is_unread_until_opened_and_unread_rows_are_bold() {
    let (mut app, _) = app_with(80, 24, 25, false);
    let terminal = render(&app);
    assert!(style_runs(terminal.backend().buffer()).contains("mod=BOLD \"    Grace Lovelace"));
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Esc));
    let grace = app.list().selected_lead().unwrap().id().clone();
    assert!(app.marks_of(&grace).seen);
    assert_eq!(app.unread(), 24);
    update(&mut app, ch('j'));
    let terminal = render(&app);
    let styles = style_runs(terminal.backend().buffer());
    assert!(!styles.contains("mod=BOLD \"  Grace Lovelace"), "{styles}");
    assert!(screen_text(&app).contains("24 unread"));
}

#[test]
fn marks_survive_a_restart_and_the_last_view_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    let (mut app, _) = app_with(80, 24, 25, false);
    let first = lead(0).id;
    let effects = effects_of(
        &mut app,
        [
            key(KeyCode::Enter),
            key(KeyCode::Esc),
            ch('*'),
            ch('j'),
            ch('d'),
            ch('2'),
        ],
    );
    persist(effects, &file);
    drop(file);

    // A new process: what was committed is what it finds.
    let opened = StateFile::open(&path).unwrap();
    assert!(opened.set_aside.is_none());
    let marks = opened.file.marks().unwrap();
    assert_eq!(
        marks[&first],
        Marks {
            seen: true,
            done: false,
            starred: true
        }
    );
    assert!(marks[&lead(1).id].done);
    let view = opened.file.get("view").unwrap();
    assert_eq!(view.as_deref(), Some("Starred"));
    let (mut again, _) = app_with(80, 24, 25, false);
    again.restore_triage(marks, view.as_deref());
    assert_eq!(again.views()[again.view_index()].name, "Starred");
    assert_eq!(again.list().len(), 1);
    assert_eq!(again.list().selected_lead().unwrap().id(), first);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_damaged_or_newer_state_file_is_set_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    std::fs::write(&path, b"this is not a database, it is a torn write").unwrap();
    let opened = StateFile::open(&path).unwrap();
    let why = opened.set_aside.clone().expect("reported");
    assert!(
        why.contains("not restored") && why.contains("state.sqlite3.bad"),
        "{why}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("state.sqlite3.bad")).unwrap(),
        b"this is not a database, it is a torn write"
    );
    opened
        .file
        .set_marks(
            "x",
            Marks {
                seen: true,
                ..Marks::default()
            },
        )
        .unwrap();
    drop(opened);

    // A file a newer leadbox wrote is not read (nor overwritten) by this one.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'", [])
        .unwrap();
    drop(conn);
    let opened = StateFile::open(&path).unwrap();
    assert!(opened.set_aside.unwrap().contains("newer leadbox"));
    assert!(dir.path().join("state.sqlite3.newer").exists());
    assert_eq!(opened.file.marks().unwrap(), HashMap::new());
}

#[test]
fn a_mark_is_on_disk_when_the_write_returns() {
    // The handle is dropped without closing (no checkpoint, no orderly shutdown); the pseudo-terminal test
    // kills the real binary for the same claim.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    file.set_marks(
        "lead-1",
        Marks {
            seen: true,
            done: true,
            starred: false,
        },
    )
    .unwrap();
    std::mem::forget(file);
    let opened = StateFile::open(&path).unwrap();
    assert!(opened.set_aside.is_none());
    assert!(opened.file.marks().unwrap()["lead-1"].done);
}

#[test]
fn the_first_page_kept_on_disk_is_drawn_at_once_then_replaced_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    // Last session: the first page arrives and is kept.
    let (_, out) = app_answered(80, 24, 25, false);
    persist_pages(out.effects, &file);
    drop(file);

    // This session: drawn before any answer, marked as cached.
    let file = StateFile::open(&path).unwrap().file;
    let mut app = App::new(settings(), now(), 80, 24);
    let key = leadbox::app::page_key(app.list().query());
    let cached = file.cached_page(&key).unwrap().expect("kept");
    app.restore_cached_page(&cached);
    let start = app.start().requests;
    assert_eq!(app.list().len(), 25);
    let text = screen_text(&app);
    assert!(text.contains("cached · 25 from last time"), "{text}");
    insta::assert_snapshot!("cached_start_80x24", text);

    // The rep moves; the live page (two new leads on top) replaces the cached one without moving them.
    for _ in 0..3 {
        update(&mut app, ch('j'));
    }
    let selected = app.list().selected_lead().unwrap().id().clone();
    let row_on_screen = app.list().selected() - app.list().offset();
    let mut live = vec![lead(500), lead(501)];
    live.extend(leads(0..23));
    update(&mut app, listed(&single_list(&start), live, true));
    assert!(!app.list().is_cached());
    assert_eq!(app.list().selected_lead().unwrap().id(), selected);
    assert_eq!(app.list().selected() - app.list().offset(), row_on_screen);
    assert!(!screen_text(&app).contains("cached"));
}

fn persist_pages(effects: Vec<Effect>, file: &StateFile) {
    for effect in effects {
        if let Effect::CachePage { key, leads } = effect {
            file.cache_page(&key, &leads).unwrap();
        }
    }
}
