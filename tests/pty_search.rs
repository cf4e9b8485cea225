//! `/` in the real binary: what a rep reads at the top of the list after typing a name, against the seeded
//! sandbox and the leads of the first hour's report (two Williamses newer than every María).

use leadbox::api::client::NovalaClient;
use leadbox::api::types::{Lead, LeadSource, ListQuery, NewLead};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

struct Seeded {
    first: &'static str,
    last: &'static str,
    company: Option<&'static str>,
    email: Option<&'static str>,
    intent: Option<&'static str>,
}

/// Newest first, and newer than the seeded leads.
const LEADS: [Seeded; 6] = [
    // `maria`'s letters only across fields: no match.
    Seeded {
        first: "Kenji",
        last: "Williams",
        company: Some("Northwind Traders"),
        email: Some("kenji.williams@northwind.example"),
        intent: Some("Asked about pricing for a small team"),
    },
    // Letters in order within the intent: last.
    Seeded {
        first: "Đorđe",
        last: "Williams",
        company: Some("Harbor Marine"),
        email: Some("dorde.williams@harbor.example"),
        intent: Some("Wants a demo for the marketing area"),
    },
    // Inside a word of the name.
    Seeded {
        first: "Rosamaria",
        last: "Lee",
        company: None,
        email: Some("rosa@mail.example"),
        intent: None,
    },
    // The word starts the email.
    Seeded {
        first: "Ana",
        last: "Pérez",
        company: None,
        email: Some("maria.perez@mail.example"),
        intent: None,
    },
    // A prefix of the name.
    Seeded {
        first: "Mariana",
        last: "Silva",
        company: None,
        email: None,
        intent: None,
    },
    // The whole name's first word, accent and all.
    Seeded {
        first: "María",
        last: "Costa",
        company: Some("Costa Foods"),
        email: Some("maria.costa@costafoods.example"),
        intent: None,
    },
];

/// The list pane of a line: what follows the panes' meeting borders (`││`, `┘│` or `┐│`).
fn list_pane(line: &str) -> Option<&str> {
    ["││", "┘│", "┐│"]
        .iter()
        .filter_map(|border| line.find(border).map(|at| &line[at + border.len()..]))
        .next()
}

/// The names in the list's rows, top to bottom, as drawn.
fn rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(list_pane)
        .map(|list| list.trim_start_matches(['│', ' ', '›']))
        .map(|row| row.split("  ").next().unwrap_or_default().trim().to_string())
        .filter(|name| !name.is_empty() && name != "Name" && !name.starts_with('─') && !name.starts_with('┘'))
        .collect()
}

/// Every lead of the sandbox, newest first, as the API lists them.
async fn every_lead(sandbox: &Sandbox) -> Vec<Lead> {
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let mut leads = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = client.list(&query, cursor.as_deref()).await.expect("a page");
        leads.extend(page.data);
        match page.next_cursor.filter(|_| page.has_more) {
            Some(next) => cursor = Some(next),
            None => return leads,
        }
    }
}

fn name(lead: &Lead) -> String {
    lead.full_name().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn slash_maria_puts_the_marias_on_top_and_never_letters_gathered_across_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The seeded demo leads (whose first names include María), and the report's leads on top.
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(300))
        .await
        .expect("sandbox starts");
    let now = chrono::Utc::now();
    for (age, seeded) in LEADS.iter().enumerate() {
        let mut lead = NewLead::new(seeded.first, LeadSource::WebForm);
        lead.last_name = Some(seeded.last.into());
        lead.company_name = seeded.company.map(str::to_string);
        lead.email = seeded.email.map(str::to_string);
        lead.intent = seeded.intent.map(str::to_string);
        lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
        let at = now + chrono::Duration::seconds(10 - age as i64);
        sandbox
            .insert_lead_at(sandbox.demo_tenant_id(), lead, at)
            .await
            .expect("the lead is stored");
    }
    let all = every_lead(&sandbox).await;
    let marias: Vec<String> = all
        .iter()
        .filter(|l| matches!(l.first_name.as_deref(), Some("María" | "Maria")))
        .map(name)
        .collect();
    assert!(marias.len() >= 2, "the seed holds Marías: {marias:?}");

    // Tall enough for every María and the rows after them.
    let cmd = stranger(dir.path(), &sandbox);
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 60, 110))
        .await
        .expect("leadbox starts");
    let screen = session.wait_for("the leads", |s| s.contains("Kenji Williams"));
    assert_eq!(
        rows(&screen)[0],
        "Kenji Williams",
        "newest first before a search:\n{screen}"
    );
    // Every page, so the search sees every lead.
    session.keys(b"L");
    let total = format!("{} loaded · all", all.len());
    session.wait_for("every lead loaded", |s| s.contains(&total));

    session.keys(b"/maria");
    let screen = session.wait_for("the search typed", |s| s.contains("/maria▏"));
    let shown = rows(&screen);
    // Every María first, newest first: a whole word at the start of the name.
    assert_eq!(shown[..marias.len()], marias[..], "{screen}");
    // Then a prefix of the name, the start of a word elsewhere, inside a word of the name.
    assert_eq!(
        shown[marias.len()..marias.len() + 3],
        ["Mariana Silva", "Ana Pérez", "Rosamaria Lee"],
        "{screen}"
    );
    // Letters in order within one field come after, never letters gathered across fields: of the
    // report's two Williamses, only the one whose intent holds m-a-r-i-a.
    session.keys(b" williams");
    let screen = session.wait_for("the second word", |s| s.contains("/maria williams▏"));
    let shown = rows(&screen);
    assert!(
        screen.contains(&format!("end of matches · {} of", shown.len())),
        "all on screen:\n{screen}"
    );
    assert!(shown.contains(&"Đorđe Williams".to_string()), "{screen}");
    assert!(!shown.contains(&"Kenji Williams".to_string()), "{screen}");

    // Each word in a field of its own: the name here, the company there.
    session.keys(b"\x1b");
    session.wait_for("the search cleared", |s| !s.contains("/maria"));
    session.keys(b"/maria foods");
    let screen = session.wait_for("another second word", |s| s.contains("/maria foods▏"));
    assert_eq!(rows(&screen), ["María Costa"], "{screen}");
    session.keys(b"\x1b");
    session.wait_for("the search cleared", |s| !s.contains("/maria"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
}
