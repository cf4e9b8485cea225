//! Holding `j` (30 rows/s) over 10,000 leads whose pages take 250 ms each, in virtual time: prints how many
//! frames showed "loading…" and fails loudly if any did. Then times the simulation itself.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use criterion::Criterion;
use leadbox::app::DEFAULT_PAGE_SIZE;
use support::scroll_sim::ScrollSim;

fn sim() -> ScrollSim {
    ScrollSim {
        leads: 10_000,
        rows_per_second: 30,
        page_latency_ms: 250,
        page_size: DEFAULT_PAGE_SIZE,
        tick_ms: 250,
        width: 120,
        height: 40,
    }
}

fn main() {
    let report = sim().run();
    println!(
        "scroll 10,000 leads at 30 rows/s, 250 ms per page of {DEFAULT_PAGE_SIZE}: {} frames, {} stuck on \"loading…\", \
         {} page requests, at most {} in flight, {:.1} virtual seconds",
        report.frames, report.frames_stuck_loading, report.page_requests, report.max_in_flight, report.virtual_seconds
    );
    assert!(report.reached_last && report.end_of_list_shown, "{report:?}");
    assert_eq!(
        report.frames_stuck_loading, 0,
        "FAILED: the user caught up with paging: {report:?}"
    );

    let mut criterion = Criterion::default().configure_from_args().sample_size(10);
    criterion.bench_function("scroll_10k_virtual", |b| b.iter(|| sim().run()));
    criterion.final_summary();
}
