//! The inbox over a mirror of N leads, measured from outside the process: the real binary in a
//! pseudo-terminal, on a profile whose mirror holds N leads (seeded straight into the file and marked
//! whole) and whose tenant cannot be reached, so every lead comes from the mirror. For each N: the time
//! from launch to the first frame showing leads, the time until every lead is loaded, and the resident
//! memory then (`VmRSS` in `/proc`). Prints start(largest)/start(1,000), each the median of seven more
//! launches (goal: at most 1.5), and
//! rss(largest)/rss(10,000), with rss(largest) against the goal of half of 427 MB.
//!
//! `cargo bench --bench mirror_inbox` (`MIRROR_INBOX_LEADS=N` for another largest size,
//! `MIRROR_INBOX_SEED_DIR=DIR` to seed the largest once and measure it again on later runs,
//! `MIRROR_INBOX_JUST_LARGEST=1` to measure only that one)
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/support/pty.rs"]
mod pty;
#[path = "support/seeded_mirror.rs"]
mod seeded_mirror;

use std::time::{Duration, Instant};

use leadbox::tenant::TenantProfile;

/// A data directory whose profile `acme` has a whole mirror of `leads` leads, and its config file.
/// `MIRROR_INBOX_SEED_DIR` keeps the largest one there and uses it again on the next run.
fn seeded(leads: usize) -> (Option<tempfile::TempDir>, std::path::PathBuf) {
    if let (Ok(keep), true) = (std::env::var("MIRROR_INBOX_SEED_DIR"), leads >= 100_000) {
        let keep = std::path::PathBuf::from(keep);
        if !keep.join("config.toml").exists() {
            std::fs::create_dir_all(&keep).unwrap();
            seed_into(&keep, leads);
        }
        return (None, keep);
    }
    let dir = tempfile::tempdir().unwrap();
    seed_into(dir.path(), leads);
    let root = dir.path().to_path_buf();
    (Some(dir), root)
}

fn seed_into(dir: &std::path::Path, leads: usize) {
    let profile = TenantProfile {
        custom_fields: novala_sandbox::seed::demo_custom_fields(),
        ..TenantProfile::default()
    };
    seeded_mirror::seed(dir, leads, profile);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

struct Measured {
    first_frame: Duration,
    all_loaded: Duration,
    rss_kib: u64,
}

fn measure(leads: usize) -> Measured {
    let (_temp, root) = seeded(leads);
    // Each size starts as a rep's first start on the profile: no first page kept from an earlier run of
    // this bench, whose reading the other sizes would not pay.
    let profile = root.join("data/leadbox/profiles/acme");
    for kept in ["state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"] {
        let _ = std::fs::remove_file(profile.join(kept));
    }
    let config = root.join("config.toml");
    let mut cmd = pty::command(&root);
    cmd.env("LEADBOX_CONFIG", &config);
    cmd.env("ACME_KEY", "sk_live_bench");
    let started = Instant::now();
    let mut session = pty::Session::start_sized(cmd, 40, 120);
    let pid = session.child.process_id().unwrap();
    let mut first_frame = None;
    let all = format!("{} loaded · all", leadbox::text::count(leads));
    let deadline = started + Duration::from_secs(600);
    let all_loaded = loop {
        let screen = session.screen_text();
        if first_frame.is_none() && screen.contains(" loaded") {
            first_frame = Some(started.elapsed());
        }
        if screen.contains(&all) {
            break started.elapsed();
        }
        assert!(Instant::now() < deadline, "never all loaded: {screen}");
        std::thread::sleep(Duration::from_millis(5));
    };
    // Memory once the load has settled: what the rep's machine holds while the inbox is open.
    std::thread::sleep(Duration::from_millis(500));
    let rss_kib = rss_kib(pid);
    session.keys(b"q");
    let _ = session.wait_exit();
    Measured {
        first_frame: first_frame.unwrap(),
        all_loaded,
        rss_kib,
    }
}

/// The median time to the first frame showing leads over `launches` launches on the same profile (each
/// without a first page kept from the last), so one slow launch on a shared machine does not decide it.
fn median_first_frame(leads: usize, launches: usize) -> Duration {
    let (_temp, root) = seeded(leads);
    let profile = root.join("data/leadbox/profiles/acme");
    let mut times = Vec::new();
    for _ in 0..launches {
        for kept in ["state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"] {
            let _ = std::fs::remove_file(profile.join(kept));
        }
        let mut cmd = pty::command(&root);
        cmd.env("LEADBOX_CONFIG", root.join("config.toml"));
        cmd.env("ACME_KEY", "sk_live_bench");
        let started = Instant::now();
        let mut session = pty::Session::start_sized(cmd, 40, 120);
        let deadline = started + Duration::from_secs(60);
        loop {
            if session.screen_text().contains(" loaded") {
                times.push(started.elapsed());
                break;
            }
            assert!(Instant::now() < deadline, "no first frame");
            std::thread::sleep(Duration::from_millis(2));
        }
        session.keys(b"q");
        let _ = session.wait_exit();
    }
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let largest: usize = std::env::var("MIRROR_INBOX_LEADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let mut results = Vec::new();
    let sizes = match std::env::var("MIRROR_INBOX_JUST_LARGEST") {
        Ok(_) => vec![largest],
        Err(_) => vec![1_000, 10_000, largest],
    };
    for leads in sizes {
        let m = measure(leads);
        println!(
            "{leads} leads mirrored: first frame {:.0?}, all loaded {:.1?}, resident {:.1} MB",
            m.first_frame,
            m.all_loaded,
            m.rss_kib as f64 / 1024.0
        );
        results.push((leads, m));
    }
    let [(_, _), (_, ten), (_, large)] = &results[..] else {
        return;
    };
    let (small_start, large_start) = (median_first_frame(1_000, 7), median_first_frame(largest, 7));
    println!(
        "start: {largest} vs 1000 leads, median of 7 launches each: {:.0?} vs {:.0?}, ratio {:.2} (goal <= 1.5)",
        large_start,
        small_start,
        large_start.as_secs_f64() / small_start.as_secs_f64()
    );
    println!(
        "memory: {largest} vs 10000 leads: ratio {:.1}; {:.1} MB at {largest} (goal <= 213.5 MB)",
        large.rss_kib as f64 / ten.rss_kib as f64,
        large.rss_kib as f64 / 1024.0
    );
}
