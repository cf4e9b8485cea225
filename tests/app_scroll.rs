//! Scrolling at key-repeat speed over 10,000 leads in virtual time never catches up with paging.

use crate::support::scroll_sim::ScrollSim;
use leadbox::app::DEFAULT_PAGE_SIZE;

fn sim(page_size: u32, width: u16, height: u16) -> ScrollSim {
    ScrollSim {
        leads: 10_000,
        rows_per_second: 30,
        page_latency_ms: 250,
        page_size,
        tick_ms: 250,
        width,
        height,
    }
}

#[test]
fn holding_j_over_ten_thousand_leads_never_shows_loading() {
    for (page_size, w, h) in [(DEFAULT_PAGE_SIZE, 80, 24), (25, 120, 40)] {
        let report = sim(page_size, w, h).run();
        println!("page size {page_size}, {w}x{h}: {report:?}");
        assert!(report.reached_last, "{report:?}");
        assert!(report.end_of_list_shown, "{report:?}");
        assert_eq!(report.max_in_flight, 1, "one page request at a time");
        assert_eq!(report.page_requests, 10_000usize.div_ceil(page_size as usize));
        // A scroll this long also polls for new leads; those looks never count against the walk.
        assert!(report.poll_requests > 0, "{report:?}");
        assert_eq!(report.frames_stuck_loading, 0, "{report:?}");
    }
}

#[test]
fn a_slow_server_is_caught_up_with_and_the_sim_sees_it() {
    // The counter can fail: with pages of 25 taking 3 s each, 30 rows/s outruns paging.
    let mut slow = sim(25, 80, 24);
    slow.page_latency_ms = 3_000;
    slow.leads = 150;
    let report = slow.run();
    assert!(report.frames_stuck_loading > 0, "{report:?}");
}
