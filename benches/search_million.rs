//! Search at a million leads: each query of a fixed set typed letter by letter into a fresh search, then
//! deleted letter by letter, every keystroke with the frame that follows it (ratatui's TestBackend at
//! 120x40, as `benches/search.rs` draws). A keystroke ranks one share of the leads; the rest are ranked a
//! share at a time between keys (`Msg::Continue`, as the loop sends it), each share timed with its frame
//! too. Prints the p95 and the slowest of the keystrokes and of the shares, p95/16 ms, and how long after
//! each keystroke its results were whole (the count known).
//!
//! The app holds a rep's marks on those leads (one in ten opened, one in fifty done, one in two hundred
//! starred), so the Inbox hides the done ones and counts the unread among the matches.
//!
//! The leads are the sandbox's (`novala_sandbox::seed::LeadGenerator`: its names, companies, emails,
//! phones and intents). The queries, as a rep types them:
//! - first names `maria`, `jose`, `chen`; surnames `garcia`, `kowalski`, `silva`;
//! - company words `dental`, `northwind`;
//! - email fragments `maria.silva@`, `@apex`; phone fragments `555 3`, `4567`;
//! - two words `maria silva`, `jose dental`; one letter `e`; a miss `qxzv`.
//!
//! `cargo bench --bench search_million` (`SEARCH_LEADS=N` for another count than 1,000,000). With
//! `SEARCH_MIRROR_DIR=DIR` it measures nothing and instead seeds `DIR` with a profile `acme` whose whole
//! mirror holds those leads, and `DIR/config.toml` (an offline tenant at 127.0.0.1:9), to walk by hand:
//! `XDG_DATA_HOME=DIR/data LEADBOX_CONFIG=DIR/config.toml ACME_KEY=sk_live_x leadbox`.
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/seeded_mirror.rs"]
mod seeded_mirror;
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use leadbox::app::{App, Msg, update};
use leadbox::tenant::TenantProfile;
use novala_sandbox::seed::LeadGenerator;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{ch, key};

const QUERIES: &[&str] = &[
    "maria",
    "jose",
    "chen",
    "garcia",
    "kowalski",
    "silva",
    "dental",
    "northwind",
    "maria.silva@",
    "@apex",
    "555 3",
    "4567",
    "maria silva",
    "jose dental",
    "e",
    "qxzv",
];

const PAGE: usize = 10_000;

/// An app holding `total` of the sandbox's leads, every page answered.
fn loaded(total: usize) -> App {
    let mut generator = LeadGenerator::new(7, "bench", TenantProfile::default());
    let app = support::app_loaded_with(120, 40, total, PAGE, |_| generator.next_lead());
    assert_eq!(app.list().leads().len(), total);
    app
}

/// Writes a whole mirror of `total` of the same leads into profile `acme` under `dir`, and its config.
fn seed_mirror(dir: &std::path::Path, total: usize) {
    seeded_mirror::seed(dir, total, TenantProfile::default());
    println!("{total} leads mirrored under {}", dir.display());
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024.0
}

#[derive(Default)]
struct Times {
    keystrokes: Vec<Duration>,
    /// The keystroke's update alone, without its frame.
    updates: Vec<Duration>,
    shares: Vec<Duration>,
    /// From a keystroke to the frame showing its whole results.
    whole: Vec<Duration>,
}

/// One keystroke and its frame, then the shares left until the search is done, each with its frame.
fn keystroke(terminal: &mut Terminal<TestBackend>, app: &mut App, msg: Msg, times: &mut Times) {
    let start = Instant::now();
    black_box(update(app, msg).requests);
    times.updates.push(start.elapsed());
    terminal.draw(|f| leadbox::ui::draw(f, black_box(&*app))).unwrap();
    times.keystrokes.push(start.elapsed());
    while app.search_pending() {
        let share = Instant::now();
        update(app, Msg::Continue);
        terminal.draw(|f| leadbox::ui::draw(f, black_box(&*app))).unwrap();
        times.shares.push(share.elapsed());
    }
    times.whole.push(start.elapsed());
}

fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn main() {
    let total: usize = std::env::var("SEARCH_LEADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    if let Some(dir) = std::env::var_os("SEARCH_MIRROR_DIR") {
        seed_mirror(std::path::Path::new(&dir), total);
        return;
    }
    let before = rss_mib();
    let started = Instant::now();
    let mut app = loaded(total);
    println!(
        "{total} leads loaded in {:.1} s, resident {:.0} MiB (from {:.0} MiB)",
        started.elapsed().as_secs_f64(),
        rss_mib(),
        before
    );
    // A rep's marks after months on the tenant: one lead in ten opened, one in fifty done, one in two
    // hundred starred. The Inbox hides the done ones, and the unread count leaves out the opened ones.
    let marks: std::collections::HashMap<String, leadbox::model::Marks> = app
        .list()
        .leads()
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 0 || i % 50 == 7 || i % 200 == 3)
        .map(|(i, l)| {
            let marks = leadbox::model::Marks {
                seen: i % 10 == 0,
                done: i % 50 == 7,
                starred: i % 200 == 3,
            };
            (l.id().to_string(), marks)
        })
        .collect();
    let marked = marks.len();
    app.restore_triage(marks, None);
    println!(
        "{marked} leads marked; the Inbox shows {} of them",
        leadbox::text::count(app.list().len())
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut times = Times::default();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut peak = rss_mib();
    for round in 0..2 {
        for query in QUERIES {
            update(&mut app, key(KeyCode::Esc));
            update(&mut app, ch('/'));
            let from = times.keystrokes.len();
            for c in query.chars() {
                keystroke(&mut terminal, &mut app, ch(c), &mut times);
            }
            let matches = app.list().len();
            for _ in query.chars() {
                keystroke(&mut terminal, &mut app, key(KeyCode::Backspace), &mut times);
            }
            peak = peak.max(rss_mib());
            if round == 1 {
                let typed = &times.keystrokes[from..];
                println!(
                    "  {query:<14} {matches:>8} matches · slowest keystroke {:.2} ms · results whole within {:.2} ms",
                    ms(*typed.iter().max().unwrap()),
                    ms(*times.whole[from..].iter().max().unwrap()),
                );
            }
        }
        if round == 0 {
            // The first round warms the caches and the allocator; the second is the one measured.
            times = Times::default();
        }
    }
    update(&mut app, key(KeyCode::Esc));
    let frame = Duration::from_millis(16);
    let (p95, max) = (
        percentile(&times.keystrokes, 0.95),
        *times.keystrokes.iter().max().unwrap(),
    );
    println!(
        "keystroke + frame at {total} leads, {} keystrokes: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; p95/16ms = {:.2} ({})",
        times.keystrokes.len(),
        ms(percentile(&times.keystrokes, 0.5)),
        ms(p95),
        ms(max),
        p95.as_secs_f64() / frame.as_secs_f64(),
        if p95 <= frame { "within" } else { "OVER" }
    );
    println!(
        "of which the update alone: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&times.updates, 0.5)),
        ms(percentile(&times.updates, 0.95)),
        ms(*times.updates.iter().max().unwrap())
    );
    if !times.shares.is_empty() {
        let share95 = percentile(&times.shares, 0.95);
        println!(
            "a share ranked between keys + frame, {} shares: p95 {:.2} ms, max {:.2} ms; p95/16ms = {:.2}",
            times.shares.len(),
            ms(share95),
            ms(*times.shares.iter().max().unwrap()),
            share95.as_secs_f64() / frame.as_secs_f64()
        );
    }
    println!(
        "from a keystroke to its whole results on screen: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&times.whole, 0.5)),
        ms(percentile(&times.whole, 0.95)),
        ms(*times.whole.iter().max().unwrap())
    );
    println!(
        "resident after the searches: peak {peak:.0} MiB seen, {:.0} MiB now",
        rss_mib()
    );
}
