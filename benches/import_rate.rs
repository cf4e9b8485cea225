//! How close an import comes to the tenant's rate limit: 1,000 rows into a sandbox that allows 20 requests
//! a second (a burst of 20, as `leadbox sandbox --rate-limit 20` sets), through the same code as
//! `leadbox leads import` (the outbox, the journal, 429s waited out). Prints the rows created a second,
//! its ratio to the limit (the goal is at least 0.9), and how many rows were created twice (the goal is 0).
//! Run with `cargo bench --bench import_rate`; it takes about 50 seconds.
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use novala_sandbox::{RateLimit, Sandbox, SandboxOptions};

const ROWS: usize = 1_000;
const LIMIT: f64 = 20.0;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0).rate_limit(RateLimit {
            per_second: LIMIT,
            burst: LIMIT as u32,
        }))
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rows.csv");
        let mut csv = String::from("first name,last name,email,customFields.region\n");
        for i in 0..ROWS {
            csv.push_str(&format!("Row{i},Rate,row{i}@rate.test,emea\n"));
        }
        std::fs::write(&file, csv).unwrap();
        let args = leadbox::cli::ImportArgs {
            file: file.clone(),
            input_format: None,
            map: Vec::new(),
            set: Vec::new(),
            check: false,
            skip_invalid: false,
            allow_duplicate: false,
            journal: None,
            resend_unknown: false,
            journal_lost: false,
            parallel: 4,
            patience: 120,
        };
        let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
        let tenant = leadbox::commands::import::Tenant {
            client,
            identity: sandbox.base_url(),
            profile: sandbox.profile(),
            me: None,
            mirror: None,
        };
        let mut messages = Vec::new();
        let started = Instant::now();
        let code = leadbox::commands::import::run(&args, tenant, &mut messages, std::future::pending()).await;
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&messages));
        let (created, distinct): (i64, i64) = sandbox
            .store()
            .with_conn(|c| {
                Ok(c.query_row(
                    "SELECT COUNT(*), COUNT(DISTINCT email) FROM leads WHERE email LIKE '%@rate.test'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        let rate = created as f64 / elapsed;
        println!(
            "import_rate: {created} rows created in {elapsed:.1} s = {rate:.2} a second against a limit of {LIMIT}: \
             ratio {:.3} (goal >= 0.9); rows created twice: {} (goal 0)",
            rate / LIMIT,
            created - distinct
        );
        assert_eq!(distinct as usize, ROWS);
        sandbox.shutdown().await;
    });
}
