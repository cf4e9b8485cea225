//! `leadbox sandbox`: the server on its own, with what a person needs to call it printed on start.

use std::io::Write;
use std::path::Path;

use novala_leads::tenant::CustomFieldKind;

use super::{Sandbox, SandboxError, SandboxOptions};

/// The exit status of a sandbox stopped by a second signal before its shutdown ended (128 + SIGINT).
pub const FORCED_EXIT_CODE: i32 = 130;

/// Serves until Ctrl-C (or SIGTERM), after printing what a person needs to call the sandbox. The first
/// signal shuts down within [`crate::connections::SHUTDOWN_GRACE`]; a second one ends the process at once.
pub async fn run_standalone(options: SandboxOptions) -> Result<(), SandboxError> {
    // Listening before anything else, so a signal during the start is a stop, not the default kill.
    let mut signals = Signals::new().map_err(SandboxError::Signal)?;
    let db = options.db_path.clone();
    let activity = options.activity;
    let sandbox = Sandbox::start(options).await?;
    let count = sandbox.lead_count().await?;
    let mut banner = banner(&sandbox, db.as_deref(), count);
    if let Some(a) = activity {
        let at = banner.rfind("Press Ctrl-C").unwrap_or(banner.len());
        banner.insert_str(
            at,
            &format!(
                "Activity: {} changes a minute (new leads, status and assignee changes), simulating colleagues in \
             Novala's web app (a simulation of this sandbox, not an API).\n\n",
                a.per_minute
            ),
        );
    }
    // This is the command's whole output, not a log line; a closed stdout must not stop the server.
    let _ = std::io::stdout().lock().write_all(banner.as_bytes());
    signals.next().await;
    let _ = writeln!(
        std::io::stdout().lock(),
        "Stopping: requests in flight get {} s. Press Ctrl-C again to stop at once.",
        crate::connections::SHUTDOWN_GRACE.as_secs()
    );
    let _ = std::io::stdout().flush();
    tokio::select! {
        () = sandbox.shutdown() => Ok(()),
        () = signals.next() => {
            tracing::warn!("stopped at once by a second signal");
            // The runtime would wait for its blocking threads on the way out; the person asked for now.
            std::process::exit(FORCED_EXIT_CODE)
        }
    }
}

/// SIGINT and SIGTERM (Ctrl-C alone where there are no unix signals), each delivery one `next`.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {})
    }

    #[cfg(unix)]
    async fn next(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn banner(sandbox: &Sandbox, db: Option<&Path>, count: u64) -> String {
    let url = sandbox.base_url();
    let sk = sandbox.secret_key();
    let pk = sandbox.publishable_key();
    let mut out = String::new();
    out.push_str(&format!("leadbox sandbox serving the Novala Leads API at {url}\n"));
    out.push_str(&format!(
        "database: {} ({count} demo leads, seed {})\n\n",
        db.map_or_else(|| "in memory".to_string(), |p| p.display().to_string()),
        sandbox.seed()
    ));
    out.push_str(if db.is_some() {
        "Keys of the demo tenant (random for this database, which keeps them; readable by you only):\n"
    } else {
        "Keys of the demo tenant (random, new on every start of an in-memory database):\n"
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_banner_shows_the_databases_own_keys() {
        let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0)).await.unwrap();
        let text = banner(&sandbox, None, 0);
        assert!(text.contains(sandbox.secret_key().expose()), "{text}");
        assert!(text.contains(sandbox.publishable_key().expose()), "{text}");
        assert!(text.contains("in memory"), "{text}");
        assert!(!text.contains(sandbox.other_tenant_key().expose()));
    }
}
