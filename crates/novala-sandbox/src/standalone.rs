//! `leadbox sandbox`: the server on its own, with what a person needs to call it printed on start.

use std::io::Write;
use std::path::Path;

use novala_leads::tenant::CustomFieldKind;

use super::{Sandbox, SandboxError, SandboxOptions};

/// Serves until Ctrl-C, after printing what a person needs to call the sandbox.
pub async fn run_standalone(options: SandboxOptions) -> Result<(), SandboxError> {
    let db = options.db_path.clone();
    let sandbox = Sandbox::start(options).await?;
    let count = sandbox.lead_count().await?;
    let banner = banner(&sandbox, db.as_deref(), count);
    // This is the command's whole output, not a log line; a closed stdout must not stop the server.
    let _ = std::io::stdout().lock().write_all(banner.as_bytes());
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(())
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
