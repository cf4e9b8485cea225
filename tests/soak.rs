//! The inbox under a tenant that fails one request in five (every kind of fault: 500, 503, 429, a reset
//! connection, a body cut off, a body that is not JSON) and answers each 10 ms late: a scripted session
//! scrolls through 10,000 leads, switches the status filter 50 times and types 100 leads. Every lead is
//! shown once and in the tenant's order, every typed lead is created exactly once, a frame showing something
//! is drawn after every key, and nothing panics. The latency is short and idleness is read from the app (no
//! request in flight, nothing pending), not from a quiet stretch of time, so the run stays well under 30 s.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::client::NovalaClient;
use leadbox::api::types::LeadStatus;
use leadbox::api::worker::{ApiRequest, WorkerHandle, spawn_worker};
use leadbox::app::{App, AppSettings, Msg, update};
use leadbox::outbox::OutboxState;
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::{ch, key, render};

/// Drives the app as the terminal loop would: sends what it asks for, feeds it every answer and a tick
/// every 20 ms, and draws a frame after each message, until nothing is awaited and nothing is due.
struct Driver {
    app: App,
    worker: WorkerHandle,
    frames: usize,
    keys: usize,
    /// Frames drawn right after a key that showed something: counted apart from the frames answers and
    /// ticks draw, so a key that drew nothing cannot hide behind them.
    key_frames: usize,
}

impl Driver {
    fn send(&mut self, requests: Vec<ApiRequest>) {
        for r in requests {
            self.worker.requests.send(r).expect("the worker runs");
        }
    }

    /// Draws a frame, counted when it shows something (a blank screen is no frame the rep saw).
    fn draw(&mut self) -> bool {
        let terminal = render(&self.app);
        let shown = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| !c.symbol().trim().is_empty());
        if shown {
            self.frames += 1;
        }
        shown
    }

    fn key(&mut self, msg: Msg) {
        self.keys += 1;
        let out = update(&mut self.app, msg).requests;
        if self.draw() {
            self.key_frames += 1;
        }
        self.send(out);
    }

    /// Until nothing is awaited: answers, ticks (retries after failures, the outbox's backoff), frames.
    /// Idle is what the app says of itself after a tick: it asks for nothing, has no request in flight
    /// and nothing in the outbox waits to be sent.
    async fn settle(&mut self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(Instant::now() < deadline, "{what}: still busy after 120 s");
            match tokio::time::timeout(Duration::from_millis(20), self.worker.events.recv()).await {
                Ok(Some(event)) => {
                    let out = update(&mut self.app, Msg::Api(event)).requests;
                    self.draw();
                    self.send(out);
                    // The answer that ends the wait is seen at once, not a tick period later.
                    if self.tick_idle() {
                        return;
                    }
                }
                Ok(None) => panic!("the worker stopped"),
                Err(_) => {
                    if self.tick_idle() {
                        return;
                    }
                }
            }
        }
    }

    /// A tick (which sends what is due: retries, the outbox's next try); true if the app is then idle.
    fn tick_idle(&mut self) -> bool {
        let out = update(&mut self.app, Msg::Tick { now: Utc::now() }).requests;
        self.draw();
        let idle = out.is_empty() && !self.app.busy() && self.app.outbox().pending() == 0;
        self.send(out);
        idle
    }
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The demo tenant's lead ids as the store orders them (newest first), optionally of one status.
fn stored_ids(sandbox: &Sandbox, status: Option<&str>) -> Vec<String> {
    let tenant = sandbox.demo_tenant_id().to_string();
    let status = status.map(str::to_string);
    sandbox
        .store()
        .with_conn(move |c| {
            let mut stmt = c.prepare(
                "SELECT id FROM leads WHERE tenant_id = ?1 AND (?2 IS NULL OR status = ?2)
                 ORDER BY created_at DESC, id DESC",
            )?;
            let rows = stmt.query_map(rusqlite::params![tenant, status], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_through_a_tenant_failing_one_request_in_five_loses_and_doubles_nothing() {
    let faults = FaultOptions::none()
        .rate(0.2)
        .seed(11)
        .latency(Duration::from_millis(10));
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(10_000).faults(faults))
        .await
        .unwrap();
    let client = NovalaClient::with_options(
        &sandbox.base_url(),
        sandbox.secret_key(),
        novala_leads::testing::quick(6, Duration::from_secs(10)),
    )
    .unwrap();
    let settings = AppSettings {
        tenant: sandbox.profile().clone(),
        page_size: 100,
        ..crate::support::settings()
    };
    // A standard 80x24 terminal: every key still draws a whole frame, at half the cells of 120x40.
    let mut app = App::new(settings, Utc::now(), 80, 24);
    let first = app.start().requests;
    let mut d = Driver {
        app,
        worker: spawn_worker(client),
        frames: 0,
        keys: 0,
        key_frames: 0,
    };
    d.send(first);
    d.settle("the first page").await;

    // Scroll to the end of 10,000 leads, a page at a time.
    let mut presses = 0;
    while d.app.list().has_more() {
        d.key(ch('G'));
        d.settle("a page").await;
        presses += 1;
        assert!(presses < 1_000, "the walk does not end");
    }
    let shown: Vec<String> = d.app.list().leads().iter().map(|l| l.id().to_string()).collect();
    assert_eq!(shown.len(), 10_000);
    assert_eq!(shown.iter().collect::<HashSet<_>>().len(), 10_000, "each lead once");
    assert_eq!(shown, stored_ids(&sandbox, None), "in the tenant's order");

    // Fifty switches of the status filter; each list holds that status only, once each, in order.
    let statuses = [
        "new",
        "contacted",
        "qualifying",
        "qualified",
        "converted",
        "disqualified",
        "lost",
    ];
    for n in 0..50 {
        let which = n % (statuses.len() + 1);
        d.key(ch('s'));
        for _ in 0..10 {
            d.key(ch('k'));
        }
        for _ in 0..which {
            d.key(ch('j'));
        }
        d.key(key(KeyCode::Enter));
        d.key(key(KeyCode::Esc));
        d.settle("a filter").await;
        let wanted = which.checked_sub(1).map(|i| statuses[i]);
        assert_eq!(
            d.app.list().query().status.as_ref().map(LeadStatus::as_str),
            wanted,
            "switch {n}"
        );
        let ids: Vec<String> = d.app.list().leads().iter().map(|l| l.id().to_string()).collect();
        assert!(!ids.is_empty(), "switch {n}: a first page");
        let expected = stored_ids(&sandbox, wanted);
        assert_eq!(
            ids,
            expected[..ids.len()],
            "switch {n}: that status, once each, in order"
        );
    }

    // A hundred leads typed and sent; the ones whose answer was lost and not found, the rep sends again.
    let before = sandbox.lead_count().await.unwrap();
    for n in 0..100 {
        d.key(ch('n'));
        for c in format!("Soak {n:03}").chars() {
            d.key(ch(c));
        }
        let fields: Vec<String> = d.app.form().unwrap().fields().iter().map(|f| f.wire.clone()).collect();
        for wire in fields {
            if wire == "source" || wire == "customFields.region" {
                d.key(key(KeyCode::Right));
            }
            d.key(key(KeyCode::Tab));
        }
        d.key(ctrl('s'));
    }
    for round in 0..20 {
        d.settle("the outbox").await;
        let unknown: Vec<String> = d
            .app
            .outbox()
            .entries()
            .iter()
            .filter(|e| e.state == OutboxState::Unknown)
            .map(|e| e.key.clone())
            .collect();
        if unknown.is_empty() {
            break;
        }
        assert!(round < 19, "still unknown: {unknown:?}");
        for k in unknown {
            let out = d.app.send_again(&k);
            d.send(out);
        }
    }
    let outbox = d.app.outbox();
    assert_eq!(outbox.entries().len(), 100);
    assert!(
        outbox.entries().iter().all(|e| e.state == OutboxState::Sent),
        "every lead sent"
    );
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 100, "no lead twice");
    let names: Vec<String> = sandbox
        .store()
        .with_conn(|c| {
            let mut stmt = c.prepare("SELECT first_name FROM leads WHERE first_name LIKE 'Soak %'")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), 100);
    assert_eq!(names.len(), 100, "each exactly once");
    assert!(d.keys > 2_000, "the whole script was typed: {} keys", d.keys);
    assert_eq!(
        d.key_frames, d.keys,
        "a frame showing something after every key: {} of {} keys",
        d.key_frames, d.keys
    );
    assert!(d.frames > d.key_frames, "answers and ticks draw too");
    sandbox.shutdown().await;
}
