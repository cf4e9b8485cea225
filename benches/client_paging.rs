//! Walking 100,000 leads (limit 100, so 1,000 pages) through `NovalaClient` + `Paging`, against a bare reqwest
//! loop making the same requests and decoding the same pages, on one embedded sandbox in one run. Prints both
//! throughputs and their ratio; the client must keep at least 0.8 of the bare loop's throughput.
//!
//! `cargo bench --bench client_paging`
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use leadbox::api::{ApiKey, Lead, ListQuery, NovalaClient, Page, Paging};
use novala_sandbox::{Sandbox, SandboxOptions};

const LEADS: usize = 100_000;
const LIMIT: u32 = 100;
/// Walks of each contender after the criterion samples, alternating which goes first.
const INTERLEAVED_ROUNDS: usize = 4;

async fn walk_client(client: &NovalaClient) -> usize {
    let query = ListQuery {
        limit: Some(LIMIT),
        ..ListQuery::default()
    };
    let mut paging = Paging::new();
    let mut n = 0;
    while !paging.is_done() {
        let cursor = paging.next_cursor().map(str::to_string);
        let page = client.list(&query, cursor.as_deref()).await.expect("a page");
        n += paging.accept(cursor.as_deref(), page).len();
    }
    n
}

async fn walk_bare(http: &reqwest::Client, leads_url: &str, key: &ApiKey) -> usize {
    let auth = format!("Bearer {}", key.expose());
    let mut cursor: Option<String> = None;
    let mut n = 0;
    loop {
        let mut url = reqwest::Url::parse(leads_url).expect("a URL");
        url.query_pairs_mut().append_pair("limit", &LIMIT.to_string());
        if let Some(c) = &cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        let response = http
            .get(url)
            .header("authorization", &auth)
            .send()
            .await
            .expect("an answer");
        let bytes = response.bytes().await.expect("a body");
        let page: Page<Lead> = serde_json::from_slice(&bytes).expect("a page");
        n += page.data.len();
        match page.continuation() {
            Some(next) => cursor = Some(next.to_string()),
            None => return n,
        }
    }
}

/// Leads walked and time taken, per contender, over every measured walk.
static TOTALS: Mutex<[(u64, Duration); 2]> = Mutex::new([(0, Duration::ZERO); 2]);

fn record(which: usize, leads: usize, took: Duration) {
    let mut totals = TOTALS.lock().expect("totals");
    totals[which].0 += leads as u64;
    totals[which].1 += took;
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let seeding = Instant::now();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxOptions::default().seed_leads(LEADS)))
        .expect("the sandbox");
    eprintln!("seeded {LEADS} leads in {:.1?}", seeding.elapsed());
    let key = sandbox.secret_key();
    let client = NovalaClient::new(&sandbox.base_url(), key.clone()).expect("a client");
    let http = reqwest::Client::new();
    let leads_url = format!("{}/leads", sandbox.base_url());

    let mut group = c.benchmark_group("walk_100k_leads");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(LEADS as u64));
    group.bench_function("novala_client", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                assert_eq!(rt.block_on(walk_client(&client)), LEADS);
            }
            let took = start.elapsed();
            record(0, LEADS * iters as usize, took);
            took
        })
    });
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                assert_eq!(rt.block_on(walk_bare(&http, &leads_url, &key)), LEADS);
            }
            let took = start.elapsed();
            record(1, LEADS * iters as usize, took);
            took
        })
    });
    group.finish();

    let totals = *TOTALS.lock().expect("totals");
    report("criterion samples, one contender after the other", totals);

    // Others share the machine, so load drifts during the run: alternate the contenders (ABBA…) as well.
    let mut interleaved = [(0u64, Duration::ZERO); 2];
    for round in 0..INTERLEAVED_ROUNDS {
        for which in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let start = Instant::now();
            let n = if which == 0 {
                rt.block_on(walk_client(&client))
            } else {
                rt.block_on(walk_bare(&http, &leads_url, &key))
            };
            interleaved[which].0 += n as u64;
            interleaved[which].1 += start.elapsed();
        }
    }
    report("interleaved walks", interleaved);
    drop(sandbox);
}

fn report(how: &str, totals: [(u64, Duration); 2]) {
    let rate = |(leads, took): (u64, Duration)| leads as f64 / took.as_secs_f64().max(f64::EPSILON);
    let (client_rate, bare_rate) = (rate(totals[0]), rate(totals[1]));
    let ratio = client_rate / bare_rate;
    println!("{how}:");
    println!(
        "  NovalaClient + Paging: {client_rate:.0} leads/s over {} leads",
        totals[0].0
    );
    println!(
        "  bare reqwest loop:     {bare_rate:.0} leads/s over {} leads",
        totals[1].0
    );
    println!(
        "  ratio client/bare: {ratio:.3} (required >= 0.8: {})",
        if ratio >= 0.8 { "met" } else { "NOT MET" }
    );
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
