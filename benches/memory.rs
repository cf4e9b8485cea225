//! What a loaded lead costs in memory, against what it costs on the wire: the heap the app holds after
//! loading 100,000 leads page by page (leads, the search's text, the walk's record of ids seen), divided by
//! the leads, next to the size of the same leads as compact JSON. Counted by a global allocator that keeps
//! a running total of live bytes, so the figure does not depend on the machine's load.
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use leadbox::api::worker::ApiRequest;
use leadbox::app::{App, AppSettings, update};
use support::{ch, listed, now, settings};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn load(total: usize) -> (App, isize) {
    let settings = AppSettings {
        page_size: 100,
        ..settings()
    };
    let mut app = App::new(settings, now(), 120, 40);
    let mut pending = app.start();
    let mut loaded = 0;
    let mut after_first = 0;
    while app.list().has_more() {
        let Some(req) = pending.iter().find(|r| matches!(r, ApiRequest::List { .. })).cloned() else {
            pending = update(&mut app, ch('G'));
            continue;
        };
        let end = (loaded + 100).min(total);
        pending = update(&mut app, listed(&req, support::leads(loaded..end), end < total));
        app.take_effects();
        if loaded == 0 {
            after_first = LIVE.load(Ordering::Relaxed);
        }
        loaded = end;
    }
    (app, after_first)
}

fn main() {
    let total = 100_000;
    let (app, after_first) = load(total);
    let held = LIVE.load(Ordering::Relaxed) - after_first;
    let per_lead = held as f64 / (total - 100) as f64;
    let wire: usize = support::leads(0..1_000)
        .iter()
        .map(|l| serde_json::to_string(l).unwrap().len())
        .sum::<usize>()
        / 1_000;
    assert_eq!(app.list().leads().len(), total);
    println!(
        "memory per loaded lead at {total} leads: {per_lead:.0} bytes held; compact JSON on the wire: {wire} bytes (goal: held <= wire); {}",
        if per_lead <= wire as f64 { "goal met" } else { "GOAL MISSED" }
    );
}
