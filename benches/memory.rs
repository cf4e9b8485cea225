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

/// The heap an app holding `total` leads keeps, over what it kept before it was made.
fn held(total: usize) -> isize {
    let before = LIVE.load(Ordering::Relaxed);
    let app = support::app_loaded(120, 40, total, 100);
    assert_eq!(app.list().leads().len(), total);
    let after = LIVE.load(Ordering::Relaxed);
    drop(app);
    after - before
}

fn main() {
    let total = 100_000;
    // The app's own cost (keymap, theme, the first page) is taken out by measuring one page apart.
    let per_lead = (held(total) - held(100)) as f64 / (total - 100) as f64;
    let wire: usize = support::leads(0..1_000)
        .iter()
        .map(|l| serde_json::to_string(l).unwrap().len())
        .sum::<usize>()
        / 1_000;
    println!(
        "memory per loaded lead at {total} leads: {per_lead:.0} bytes held; compact JSON on the wire: {wire} bytes (goal: held <= wire); {}",
        if per_lead <= wire as f64 {
            "goal met"
        } else {
            "GOAL MISSED"
        }
    );
}
