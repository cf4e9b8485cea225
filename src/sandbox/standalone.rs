//! `leadbox sandbox`: the server on its own, with what a person needs to call it printed on start.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::SandboxArgs;
use crate::config;
use crate::tenant::CustomFieldKind;

use super::faults::FaultOptions;
use super::{RateLimit, Sandbox, SandboxError, SandboxOptions};

/// `sandbox.sqlite3` in the platform's data directory for leadbox.
pub fn default_db_path() -> Result<PathBuf, SandboxError> {
    config::data_dir()
        .map(|dir| dir.join("sandbox.sqlite3"))
        .map_err(|_| SandboxError::NoDataDir)
}

fn options(args: &SandboxArgs, db: PathBuf) -> SandboxOptions {
    let mut options = SandboxOptions::default()
        .db_path(db)
        .port(args.port)
        .seed_leads(args.seed_leads)
        .seed(args.seed)
        .faults(FaultOptions {
            latency: Duration::from_millis(args.latency_ms),
            rate: args.fault_rate,
            seed: args.fault_seed,
        });
    if args.rate_limit > 0.0 && args.rate_limit.is_finite() {
        options = options.rate_limit(RateLimit {
            per_second: args.rate_limit,
            // About a second's worth of requests at once, and at least one.
            burst: args.rate_limit.ceil().clamp(1.0, 10_000.0) as u32,
        });
    }
    options
}

/// Serves until Ctrl-C.
pub async fn run_standalone(args: SandboxArgs) -> Result<(), SandboxError> {
    let db = match &args.db {
        Some(path) => path.clone(),
        None => default_db_path()?,
    };
    let sandbox = Sandbox::start(options(&args, db.clone())).await?;
    let count = sandbox.lead_count().await?;
    let banner = banner(&sandbox, &db, count);
    // This is the command's whole output, not a log line; a closed stdout must not stop the server.
    let _ = std::io::stdout().lock().write_all(banner.as_bytes());
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(())
}

fn banner(sandbox: &Sandbox, db: &std::path::Path, count: u64) -> String {
    let url = sandbox.base_url();
    let sk = sandbox.secret_key();
    let pk = sandbox.publishable_key();
    let mut out = String::new();
    out.push_str(&format!("leadbox sandbox serving the Novala Leads API at {url}\n"));
    out.push_str(&format!(
        "database: {} ({count} demo leads, seed {})\n\n",
        db.display(),
        sandbox.seed()
    ));
    out.push_str("Keys of the demo tenant:\n");
    out.push_str(&format!(
        "  secret       {}   (leads.lead.read, leads.lead.write)\n",
        sk.expose()
    ));
    out.push_str(&format!("  publishable  {}   (leads.lead.read)\n\n", pk.expose()));
    out.push_str("Roster (assignedTo):\n");
    for m in &sandbox.profile().roster {
        out.push_str(&format!("  {}  {}\n", m.id, m.name));
    }
    out.push_str("\nCustom fields (customFields):\n");
    for d in &sandbox.profile().custom_fields {
        let options = match d.kind {
            CustomFieldKind::Dropdown | CustomFieldKind::MultiSelect => format!(" [{}]", d.options.join(", ")),
            _ => String::new(),
        };
        let required = if d.required { ", required" } else { "" };
        out.push_str(&format!("  {:<14} {}{}{}\n", d.key, d.kind.as_str(), required, options));
    }
    let region = sandbox
        .profile()
        .custom_fields
        .iter()
        .find(|d| d.required)
        .map(|d| {
            format!(
                r#", "customFields": {{"{}": "{}"}}"#,
                d.key,
                d.options.first().cloned().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    out.push_str("\nTry it:\n");
    out.push_str(&format!(
        "  curl -s -H 'Authorization: Bearer {}' '{url}/leads?limit=3'\n",
        sk.expose()
    ));
    out.push_str(&format!(
        "  curl -s -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \\\n    -d '{{\"firstName\": \"Ada\", \"lastName\": \"Lovelace\", \"source\": \"web_form\"{region}}}' {url}/leads\n",
        sk.expose()
    ));
    out.push_str("\nPress Ctrl-C to stop.\n");
    out
}
