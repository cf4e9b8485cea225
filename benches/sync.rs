//! The mirror's first sync of 100,000 leads against a sandbox answering 50 ms late (a real network's round
//! trip), walking the seven status lists side by side and walking one unfiltered list, each into a fresh
//! mirror; prints both times, their ratio (target ≥ 4), the requests a second against the budget, and what a
//! second sync with nothing new costs.
//!
//! `cargo bench --bench sync`
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use leadbox::api::NovalaClient;
use leadbox::store::mirror::MirrorFile;
use leadbox::sync::{self, Chains, Report, Sweep, SyncOptions};
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{Sandbox, SandboxOptions};

const LEADS: usize = 100_000;
const LATENCY: Duration = Duration::from_millis(50);
/// The budget: well above what seven chains at 50 ms can use (7 × 20 = 140 a second), so the round trip,
/// not the budget, is what is measured; the second figure shows the budget holding.
const BUDGET: f64 = 400.0;
const TIGHT_BUDGET: f64 = 50.0;

async fn first_sync(client: &NovalaClient, chains: Chains, rate: f64) -> (Report, MirrorFile, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut mirror = MirrorFile::open(&dir.path().join("mirror.sqlite3")).unwrap().file;
    let options = SyncOptions {
        rate,
        chains,
        sweep: Sweep::Off,
        ..SyncOptions::default()
    };
    let report = sync::run(client, &mut mirror, &options, &mut |_| {}).await.unwrap();
    assert!(report.complete && report.leads == LEADS as u64, "{report:?}");
    (report, mirror, dir)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let seeding = Instant::now();
        let options = SandboxOptions::default()
            .seed_leads(LEADS)
            .faults(FaultOptions::none().latency(LATENCY));
        let sandbox = Sandbox::start(options).await.unwrap();
        eprintln!("seeded {LEADS} leads in {:.1?}", seeding.elapsed());
        let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
        let client = sync::client_for_sync(&client);

        let (side, mut mirror, _dir) = first_sync(&client, Chains::ByStatus, BUDGET).await;
        let (one, _, _dir_one) = first_sync(&client, Chains::One, BUDGET).await;
        let ratio = one.elapsed.as_secs_f64() / side.elapsed.as_secs_f64();
        println!(
            "first sync of {LEADS} leads, 50 ms a request: seven chains side by side {:.1} s ({} requests, \
             {:.1}/s, budget {BUDGET}/s), one chain {:.1} s ({} requests, {:.1}/s): {ratio:.2}x (target >= 4)",
            side.elapsed.as_secs_f64(),
            side.requests,
            side.rate(),
            one.elapsed.as_secs_f64(),
            one.requests,
            one.rate(),
        );
        let (tight, _, _dir_tight) = first_sync(&client, Chains::ByStatus, TIGHT_BUDGET).await;
        println!(
            "with a budget of {TIGHT_BUDGET}/s: {:.1} s, {} requests at {:.1}/s ({:.0}% of the budget)",
            tight.elapsed.as_secs_f64(),
            tight.requests,
            tight.rate(),
            100.0 * tight.rate() / TIGHT_BUDGET
        );
        let options = SyncOptions {
            rate: BUDGET,
            sweep: Sweep::Pages(sync::DEFAULT_SWEEP_PAGES),
            ..SyncOptions::default()
        };
        let again = sync::run(&client, &mut mirror, &options, &mut |_| {}).await.unwrap();
        println!(
            "a second sync with nothing new: {} requests ({} for new leads, {} of the sweep), {} new, {} changed, \
             {:.2} s",
            again.requests,
            again.requests_of("poll"),
            again.requests_of("sweep"),
            again.new,
            again.changed,
            again.elapsed.as_secs_f64()
        );
        assert!(ratio >= 4.0, "side by side must be at least 4x one chain: {ratio:.2}");
        assert!(
            tight.rate() <= TIGHT_BUDGET * 1.02,
            "the budget holds: {:.1}/s",
            tight.rate()
        );
        assert!(again.requests <= 5, "{again:?}");
    });
}
