//! One page of 25 leads at the top of a million leads and one at the bottom: keyset paging should make
//! them cost the same. Measured at the store (the query alone) and over HTTP (what a client sees).
//!
//! `cargo bench --bench sandbox_paging`
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use novala_sandbox::store::{self, ListFilter, Position};
use novala_sandbox::{Sandbox, SandboxOptions};

const LEADS: usize = 1_000_000;
const LIMIT: usize = 25;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    http: reqwest::Client,
    deep_cursor: String,
    deep_position: Position,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let sandbox = runtime
        .block_on(Sandbox::start(
            SandboxOptions::default()
                .db_path(dir.path().join("bench.sqlite3"))
                .seed_leads(LEADS),
        ))
        .expect("sandbox starts");
    eprintln!("seeded {LEADS} leads in {:.1?}", started.elapsed());
    let depth = LEADS as u64 - LIMIT as u64;
    let deep_cursor = runtime
        .block_on(sandbox.cursor_at_depth(ListFilter::default(), depth))
        .expect("store")
        .expect("a lead that deep");
    let deep_position = sandbox
        .store()
        .with_conn(|c| store::position_at_depth(c, sandbox.demo_tenant_id(), &ListFilter::default(), depth - 1))
        .expect("store")
        .expect("a lead that deep");
    Fixture {
        runtime,
        sandbox,
        http: reqwest::Client::new(),
        deep_cursor,
        deep_position,
        _dir: dir,
    }
}

impl Fixture {
    fn store_page(&self, after: Option<&Position>) -> usize {
        let tenant = self.sandbox.demo_tenant_id();
        self.sandbox
            .store()
            .with_conn(|c| store::list_leads(c, tenant, &ListFilter::default(), after, LIMIT + 1))
            .expect("page")
            .len()
    }

    fn http_page(&self, cursor: Option<&str>) -> usize {
        let mut url = format!("{}/leads?limit={LIMIT}", self.sandbox.base_url());
        if let Some(c) = cursor {
            url.push_str("&cursor=");
            url.push_str(c);
        }
        let key = self.sandbox.secret_key();
        self.runtime.block_on(async {
            let page: serde_json::Value = self
                .http
                .get(&url)
                .bearer_auth(key.expose())
                .send()
                .await
                .expect("answer")
                .json()
                .await
                .expect("json");
            page["data"].as_array().map_or(0, Vec::len)
        })
    }
}

fn median(mut f: impl FnMut() -> usize, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn paging(c: &mut Criterion) {
    let fx = fixture();
    assert_eq!(fx.store_page(Some(&fx.deep_position)), LIMIT, "the deep page is full");
    assert_eq!(fx.http_page(Some(&fx.deep_cursor)), LIMIT);

    let mut group = c.benchmark_group("sandbox_page_of_25");
    group.bench_function("store/depth_0", |b| b.iter(|| black_box(fx.store_page(None))));
    group.bench_function("store/depth_1M", |b| {
        b.iter(|| black_box(fx.store_page(Some(&fx.deep_position))))
    });
    group.bench_function("http/depth_0", |b| b.iter(|| black_box(fx.http_page(None))));
    group.bench_function("http/depth_1M", |b| {
        b.iter(|| black_box(fx.http_page(Some(&fx.deep_cursor))))
    });
    group.finish();

    // The figure the benchmark exists for, measured in one run: deep page time over first page time.
    let runs = 301;
    let store_first = median(|| fx.store_page(None), runs);
    let store_deep = median(|| fx.store_page(Some(&fx.deep_position)), runs);
    let http_first = median(|| fx.http_page(None), runs);
    let http_deep = median(|| fx.http_page(Some(&fx.deep_cursor)), runs);
    eprintln!(
        "median of {runs}: store depth 0 {store_first:.1?}, depth {} {store_deep:.1?}, ratio {:.2}",
        LEADS - LIMIT,
        store_deep.as_secs_f64() / store_first.as_secs_f64()
    );
    eprintln!(
        "median of {runs}: http  depth 0 {http_first:.1?}, depth {} {http_deep:.1?}, ratio {:.2}",
        LEADS - LIMIT,
        http_deep.as_secs_f64() / http_first.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = paging
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
