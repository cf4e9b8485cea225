//! The command line: the inbox by default, `sandbox` to run the embedded server on its own.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{RateLimit, SandboxOptions};

#[derive(Debug, Parser)]
#[command(
    name = "leadbox",
    version,
    about = "A terminal inbox for the leads of a Novala tenant"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub inbox: InboxArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Novala sandbox on 127.0.0.1 and print its URL, keys and roster.
    Sandbox(SandboxArgs),
}

/// Where the inbox gets its leads.
#[derive(Debug, Clone, Args)]
pub struct InboxArgs {
    /// A Novala tenant, e.g. https://acme.novala.ai (the key is read from NOVALA_SECRET_KEY).
    /// Without it, leadbox opens on the embedded sandbox.
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,

    /// Where the log file goes (default: the platform's data directory).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// The SQLite file (default: sandbox.sqlite3 in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 7878)]
    pub port: u16,

    /// How many demo leads a new database is seeded with.
    #[arg(long, default_value_t = 5_000)]
    pub seed_leads: usize,

    /// The seed of the demo data: the same number gives the same leads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Requests per second each tenant may make (token bucket); 0 turns the limit off.
    #[arg(long, default_value_t = 0.0)]
    pub rate_limit: f64,

    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,

    /// The share of requests (0 to 1) answered with an injected fault.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,

    /// The seed of the injected faults: the same seed gives the same faults.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,
}

impl SandboxArgs {
    /// The sandbox these flags ask for, over the database at `db`.
    pub fn options(&self, db: PathBuf) -> SandboxOptions {
        let mut options = SandboxOptions::default()
            .db_path(db)
            .port(self.port)
            .seed_leads(self.seed_leads)
            .seed(self.seed)
            .faults(FaultOptions {
                latency: Duration::from_millis(self.latency_ms),
                rate: self.fault_rate,
                seed: self.fault_seed,
            });
        if self.rate_limit > 0.0 && self.rate_limit.is_finite() {
            options = options.rate_limit(RateLimit {
                per_second: self.rate_limit,
                // About a second's worth of requests at once, and at least one.
                burst: self.rate_limit.ceil().clamp(1.0, 10_000.0) as u32,
            });
        }
        options
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let rate: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is outside 0 to 1"))
    }
}
