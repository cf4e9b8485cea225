//! Frame cost must not grow with the number of leads loaded: a frame, and a key press plus its frame,
//! with 100,000 leads loaded against the same with 100, on a 120x40 test backend.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};

use leadbox::app::{App, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{ch, key};

const SIZES: [usize; 2] = [100, 100_000];

/// An app holding `total` leads (the whole list, so nothing is fetched while measuring), with the
/// selection in the middle.
fn loaded(total: usize) -> App {
    let mut app = support::app_loaded(120, 40, total, 100);
    assert_eq!(app.list().len(), total);
    update(&mut app, key(crossterm::event::KeyCode::Home));
    for _ in 0..total / 2 {
        update(&mut app, ch('j'));
    }
    app
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("test backend")
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal.draw(|f| leadbox::ui::draw(f, black_box(app))).expect("draw");
}

/// One press of `j` or `k` (alternating, so the selection stays put) and the frame that follows.
fn key_and_draw(terminal: &mut Terminal<TestBackend>, app: &mut App, down: &mut bool) {
    let out = update(app, ch(if *down { 'j' } else { 'k' })).requests;
    *down = !*down;
    black_box(out);
    draw(terminal, app);
}

/// Time per call of `f`, over one batch.
fn per_call(f: &mut impl FnMut(), calls: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed() / calls
}

/// The median ratio of `large` to `small`, measured in alternating batches so that load from other
/// processes falls on both sides alike; also the median times.
fn ratio(mut small: impl FnMut(), mut large: impl FnMut()) -> (f64, Duration, Duration) {
    let mut ratios = Vec::new();
    let mut smalls = Vec::new();
    let mut larges = Vec::new();
    for _ in 0..41 {
        let s = per_call(&mut small, 50);
        let l = per_call(&mut large, 50);
        ratios.push(l.as_secs_f64() / s.as_secs_f64());
        smalls.push(s);
        larges.push(l);
    }
    ratios.sort_by(f64::total_cmp);
    smalls.sort();
    larges.sort();
    (
        ratios[ratios.len() / 2],
        smalls[smalls.len() / 2],
        larges[larges.len() / 2],
    )
}

fn main() {
    let apps: Vec<(usize, App)> = SIZES.iter().map(|n| (*n, loaded(*n))).collect();
    let mut criterion = Criterion::default().configure_from_args();

    let mut group = criterion.benchmark_group("frame");
    for (n, app) in &apps {
        let mut term = terminal();
        group.bench_with_input(BenchmarkId::from_parameter(n), app, |b, app| {
            b.iter(|| draw(&mut term, app))
        });
    }
    group.finish();

    let mut group = criterion.benchmark_group("key_and_frame");
    for (n, app) in &apps {
        let mut term = terminal();
        let mut app = app.clone();
        let mut down = true;
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| key_and_draw(&mut term, &mut app, &mut down))
        });
    }
    group.finish();
    criterion.final_summary();

    // The ratios, measured in alternating batches in this run.
    let (small, large) = (&apps[0].1, &apps[1].1);
    let (mut term_s, mut term_l) = (terminal(), terminal());
    let (r, ts, tl) = ratio(|| draw(&mut term_s, small), || draw(&mut term_l, large));
    println!("frame: {ts:?} at 100 leads, {tl:?} at 100,000: ratio {r:.2} (target <= 1.2)");
    let (mut app_s, mut app_l) = (small.clone(), large.clone());
    let (mut down_s, mut down_l) = (true, true);
    let (r, ts, tl) = ratio(
        || key_and_draw(&mut term_s, &mut app_s, &mut down_s),
        || key_and_draw(&mut term_l, &mut app_l, &mut down_l),
    );
    println!("key press + frame: {ts:?} at 100 leads, {tl:?} at 100,000: ratio {r:.2} (target <= 1.2)");
}
