//! A lead is created once and never lost, whatever runs beside it: the loop's order (no request leaves
//! unless its record is on disk), one sender per profile, writes that never undo another process's change,
//! and a state file set aside only when it is truly damaged.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::types::{LeadSource, NewLead};
use leadbox::api::worker::ApiRequest;
use leadbox::app::{Msg, Screen};
use leadbox::model::Marks;
use leadbox::outbox::{Outbox, OutboxEntry, OutboxState};
use leadbox::step::step;
use leadbox::store::LocalState;
use leadbox::store::sender::Sender;
use leadbox::store::state::{StateError, StateFile};

use crate::support::*;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// A state file in memory that behaves like the real one (revisions checked), and can be made to fail
/// like a full disk.
#[derive(Default)]
struct Disk {
    outbox: HashMap<String, OutboxEntry>,
    full: bool,
    writes: usize,
}

impl Disk {
    fn refuse(&self) -> Result<(), StateError> {
        if self.full {
            return Err(StateError::Io {
                path: PathBuf::from("state.sqlite3"),
                source: std::io::Error::other("database or disk is full"),
            });
        }
        Ok(())
    }
}

impl LocalState for Disk {
    fn change_marks(&mut self, _: &str, _: Marks, _: Marks) -> Result<(), StateError> {
        self.refuse()
    }
    fn put_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StateError> {
        self.refuse()?;
        let conflict = || StateError::Conflict {
            path: PathBuf::from("state.sqlite3"),
            key: entry.key.clone(),
        };
        match self.outbox.get(&entry.key) {
            None if entry.rev <= 1 => {}
            Some(on_disk) if on_disk.rev + 1 == entry.rev => {}
            _ => return Err(conflict()),
        }
        self.writes += 1;
        self.outbox.insert(entry.key.clone(), entry.clone());
        Ok(())
    }
    fn remove_outbox(&mut self, key: &str, _: u64) -> Result<(), StateError> {
        self.refuse()?;
        self.outbox.remove(key);
        Ok(())
    }
    fn cache_page(&mut self, _: &str, _: &[leadbox::api::types::Lead]) -> Result<(), StateError> {
        self.refuse()
    }
    fn remember_view(&mut self, _: &str) -> Result<(), StateError> {
        self.refuse()
    }
    fn outbox(&mut self) -> Option<Vec<OutboxEntry>> {
        let mut entries: Vec<OutboxEntry> = self.outbox.values().cloned().collect();
        entries.sort_by_key(|e| e.queued_at);
        Some(entries)
    }
}

fn creates(requests: &[ApiRequest]) -> usize {
    requests
        .iter()
        .filter(|r| matches!(r, ApiRequest::Create { .. } | ApiRequest::FindCreated { .. }))
        .count()
}

#[test]
fn a_lead_whose_record_cannot_reach_the_disk_is_never_sent_and_the_form_opens_again_as_typed() {
    let mut app = app_loaded(100, 30, 20, 20);
    crate::form_app::open_and_fill(&mut app);
    let mut disk = Disk {
        full: true,
        ..Disk::default()
    };
    let requests = step(&mut app, ctrl('s'), &mut disk).requests;
    assert_eq!(creates(&requests), 0, "nothing leaves: {requests:?}");
    assert_eq!(app.screen(), Screen::Form, "the form is open again");
    let form = app.form().expect("the form");
    assert!(
        form.draft().is_some_and(|d| format!("{d:?}").contains("Quinn")),
        "as typed"
    );
    assert!(
        app.error()
            .is_some_and(|e| e.contains("could not be kept on disk") && e.contains("full")),
        "{:?}",
        app.error()
    );
    assert!(
        app.outbox().entries().is_empty(),
        "nothing queued that the disk does not hold"
    );

    // The disk has room again: the same keys send it, recorded before its request leaves.
    disk.full = false;
    let requests = step(&mut app, ctrl('s'), &mut disk).requests;
    assert_eq!(creates(&requests), 1, "{requests:?}");
    let on_disk: Vec<&OutboxEntry> = disk.outbox.values().collect();
    assert_eq!(on_disk.len(), 1);
    assert_eq!(on_disk[0].state, OutboxState::Sending, "on disk as being sent");
    assert_eq!(app.screen(), Screen::List);
}

fn queued(key: &str, name: &str) -> OutboxEntry {
    let mut lead = NewLead::new(name, LeadSource::WebForm);
    lead.email = Some(format!("{}@example.com", name.to_lowercase()));
    Outbox::default().enqueue(key.into(), lead, None, now())
}

#[test]
fn an_entry_another_leadbox_dropped_is_not_sent_from_a_stale_copy() {
    let mut app = app_loaded(100, 30, 20, 20);
    let entry = queued("k1", "Ada");
    app.restore_outbox(vec![entry.clone()]);
    // On disk the entry was dropped by another inbox (`x x`) after this one read it.
    let mut disk = Disk::default();
    let requests = step(&mut app, Msg::Tick { now: now() }, &mut disk).requests;
    assert_eq!(creates(&requests), 0, "{requests:?}");
    assert!(app.outbox().get("k1").is_none(), "the outbox is as the disk holds it");
    assert_eq!(disk.writes, 0);
}

#[test]
fn only_the_sender_sends_and_a_new_sender_looks_for_what_the_last_one_left_mid_send() {
    let mut app = app_loaded(100, 30, 20, 20);
    let mut disk = Disk::default();
    let requests = step(&mut app, Msg::Sender(Sender::Other(Some(4242))), &mut disk).requests;
    assert!(requests.is_empty());
    // Another process queues a lead and starts sending it.
    let mut sending = queued("k1", "Bo");
    sending.state = OutboxState::Sending;
    sending.rev = 2;
    disk.outbox.insert("k1".into(), sending.clone());
    let requests = step(
        &mut app,
        Msg::Shared {
            outbox: disk.outbox(),
            marks: None,
        },
        &mut disk,
    )
    .requests;
    assert_eq!(creates(&requests), 0, "not this process's to send");
    assert_eq!(app.outbox().get("k1").map(|e| e.state), Some(OutboxState::Sending));
    assert!(screen_text(&app).contains("outbox: pid 4242"), "{}", screen_text(&app));
    let requests = step(&mut app, Msg::Tick { now: now() }, &mut disk).requests;
    assert_eq!(creates(&requests), 0);

    // The sender was killed mid-send: this process takes the lock, and looks for the lead first.
    let requests = step(&mut app, Msg::Sender(Sender::Me), &mut disk).requests;
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(matches!(requests[0], ApiRequest::FindCreated { .. }), "{requests:?}");
    assert_eq!(disk.outbox["k1"].state, OutboxState::Checking);
}

#[test]
fn two_processes_marking_one_lead_keep_both_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let a = StateFile::open(&path).unwrap().file;
    let b = StateFile::open(&path).unwrap().file;
    // Both read the lead unmarked; A marks it done, then B (from its stale copy) stars it.
    let none = Marks::default();
    a.change_marks("lead-1", none, Marks { done: true, ..none }).unwrap();
    b.change_marks("lead-1", none, Marks { starred: true, ..none }).unwrap();
    let marks = a.marks().unwrap()["lead-1"];
    assert!(marks.done && marks.starred, "{marks:?}");
}

#[test]
fn an_outbox_write_over_a_revision_another_process_changed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let a = StateFile::open(&path).unwrap().file;
    let b = StateFile::open(&path).unwrap().file;
    let entry = queued("k1", "Cy");
    a.put_outbox(&entry).unwrap();
    assert!(b.put_outbox(&entry).unwrap_err().is_conflict(), "a key is added once");
    let mut edited = entry.clone();
    edited.rev = 2;
    edited.lead.first_name = "Cyril".into();
    b.put_outbox(&edited).unwrap();
    // A still holds revision 1: its change would undo B's edit.
    let mut stale = entry.clone();
    stale.rev = 2;
    stale.state = OutboxState::Sending;
    assert!(a.put_outbox(&stale).unwrap_err().is_conflict());
    assert!(a.remove_outbox("k1", 1).unwrap_err().is_conflict());
    let (entries, _) = a.outbox().unwrap();
    assert_eq!(entries[0].lead.first_name, "Cyril");
    assert_eq!(entries[0].state, OutboxState::Queued);
    a.remove_outbox("k1", 2).unwrap();
    assert!(a.outbox().unwrap().0.is_empty());
}

#[test]
fn a_state_file_held_by_another_process_is_an_error_within_the_wait_never_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let err = file.put_outbox(&queued("k1", "Di")).unwrap_err();
    let waited = started.elapsed();
    assert!(!err.is_conflict());
    assert!(err.to_string().contains("another process holds the file"), "{err}");
    assert!(
        waited >= Duration::from_millis(1_900) && waited < Duration::from_secs(15),
        "{waited:?}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert!(!dir.path().join("state.sqlite3.bad").exists());
    file.put_outbox(&queued("k1", "Di")).unwrap();
}

#[test]
fn each_damaged_file_is_set_aside_under_its_own_name_and_names_the_leads_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    // A file from a newer leadbox holding a lead not yet created.
    let file = StateFile::open(&path).unwrap().file;
    file.put_outbox(&queued("k1", "Ebba")).unwrap();
    drop(file);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'", [])
        .unwrap();
    drop(conn);
    let why = StateFile::open(&path).unwrap().set_aside.expect("reported");
    assert!(why.contains("newer leadbox") && why.contains("Ebba"), "{why}");
    assert!(dir.path().join("state.sqlite3.newer").exists());

    for (n, bytes) in [(1, vec![0u8; 8192]), (2, b"garbage, not a database at all".repeat(200))] {
        std::fs::write(&path, &bytes).unwrap();
        let _ = std::fs::remove_file(dir.path().join("state.sqlite3-wal"));
        let _ = std::fs::remove_file(dir.path().join("state.sqlite3-shm"));
        let why = StateFile::open(&path).unwrap().set_aside.expect("reported");
        let aside = match n {
            1 => dir.path().join("state.sqlite3.bad"),
            n => dir.path().join(format!("state.sqlite3.bad.{n}")),
        };
        assert!(why.contains(&aside.display().to_string()), "{why}");
        assert_eq!(
            std::fs::read(&aside).unwrap(),
            bytes,
            "the earlier one is kept as it was"
        );
    }
}

/// Keeps nothing: every write fails as a full disk does.
struct NoRoom;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("database or disk is full")]
struct DiskFull;

impl leadbox::outbox::drain::Keep for NoRoom {
    type Error = DiskFull;

    fn keep(&mut self, _: &OutboxEntry) -> Result<(), DiskFull> {
        Err(DiskFull)
    }
}

#[tokio::test]
async fn sending_without_a_screen_stops_at_once_when_a_record_cannot_be_kept_and_sends_nothing() {
    use leadbox::outbox::drain::{End, Patience, drain};
    let (request_tx, mut request_rx) = tokio::sync::mpsc::unbounded_channel();
    let (_event_tx, event_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut worker = leadbox::api::worker::WorkerHandle {
        requests: request_tx,
        events: event_rx,
    };
    let mut outbox = Outbox::restore(vec![queued("k1", "Flo"), queued("k2", "Gus")]);
    let end = tokio::time::timeout(
        Duration::from_secs(10),
        drain(
            &mut outbox,
            &mut worker,
            &mut NoRoom,
            Patience(Duration::from_secs(600)),
            std::future::pending(),
            |_| {},
        ),
    )
    .await
    .expect("no hang: nothing is awaited for a request that never left");
    assert_eq!(end, End::NotKept(DiskFull));
    assert!(request_rx.try_recv().is_err(), "no request reached the worker");
    assert_eq!(outbox.in_flight_count(), 0);
    assert!(outbox.entries().iter().all(|e| e.state == OutboxState::Queued));
}

#[test]
fn a_lead_left_mid_send_is_looked_for_as_the_inbox_starts_not_at_a_later_tick() {
    let mut app = leadbox::app::App::new(settings(), now(), 100, 30);
    let mut sending = queued("k1", "Hal");
    sending.state = OutboxState::Sending;
    app.restore_outbox(vec![sending]);
    let requests = app.start().requests;
    assert!(
        requests
            .iter()
            .any(|r| matches!(r, ApiRequest::FindCreated { lead, .. } if lead.first_name == "Hal")),
        "{requests:?}"
    );
    // And an idle loop would wake for a lead due now, not sleep until the next poll.
    let mut queued_only = leadbox::app::App::new(settings(), now(), 100, 30);
    queued_only.restore_outbox(vec![queued("k2", "Ida")]);
    assert!(queued_only.next_wake() <= now(), "due at once");
    leadbox::app::update(&mut queued_only, Msg::Sender(Sender::Other(None)));
    assert!(
        queued_only.next_wake() > now(),
        "a process that does not send has nothing due"
    );
}
