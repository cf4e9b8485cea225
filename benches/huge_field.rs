//! A hostile server's lead with 10 MB of notes and a 10 MB custom field must cost about what an ordinary
//! lead costs per key in its detail: a key press (scrolling) plus its frame, on a 120x40 test backend,
//! against the same for an ordinary lead.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use leadbox::app::{App, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{ch, key};

/// The detail of lead 0 open, where lead 0 is as `shape` makes it.
fn detail_of(shape: impl Fn(&mut leadbox::api::types::Lead)) -> App {
    let mut app = App::new(support::settings(), support::now(), 120, 40);
    let start = app.start().requests;
    let req = support::single_list(&start);
    let mut leads = support::leads(0..50);
    shape(&mut leads[0]);
    update(&mut app, support::listed(&req, leads, false));
    update(&mut app, key(crossterm::event::KeyCode::Home));
    update(&mut app, key(crossterm::event::KeyCode::Enter));
    assert!(app.detail().is_some(), "the detail is open");
    app
}

fn huge(lead: &mut leadbox::api::types::Lead) {
    let words = "lorem ipsum dolor sit amet consectetur ".repeat(10_000_000 / 39);
    lead.notes = Some(words.clone());
    lead.custom_fields
        .insert("industry".to_string(), serde_json::json!(words));
}

fn key_and_draw(terminal: &mut Terminal<TestBackend>, app: &mut App, down: &mut bool) {
    black_box(update(app, ch(if *down { 'j' } else { 'k' })).requests);
    *down = !*down;
    terminal.draw(|f| leadbox::ui::draw(f, black_box(app))).expect("draw");
}

fn median(mut f: impl FnMut(), rounds: usize, calls: u32) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed() / calls
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let mut ordinary = detail_of(|_| {});
    let mut hostile = detail_of(huge);
    let mut term_o = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut term_h = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut down_o, mut down_h) = (true, true);
    let o = median(|| key_and_draw(&mut term_o, &mut ordinary, &mut down_o), 15, 20);
    let h = median(|| key_and_draw(&mut term_h, &mut hostile, &mut down_h), 5, 2);
    let ratio = h.as_secs_f64() / o.as_secs_f64();
    println!("detail key press + frame: {o:?} for an ordinary lead, {h:?} with 10 MB fields: ratio {ratio:.1}");
}
