//! `/` in the real binary: what a rep reads at the top of the list after typing a name, against a
//! sandbox holding the leads of the first hour's report (two Williamses newer than every María).

use leadbox::api::types::{LeadSource, NewLead};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

struct Seeded {
    first: &'static str,
    last: &'static str,
    company: Option<&'static str>,
    email: Option<&'static str>,
    intent: Option<&'static str>,
}

/// Newest first.
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

/// The names in the list's rows, top to bottom, as drawn.
fn rows(screen: &str) -> Vec<String> {
    let names: Vec<String> = LEADS.iter().map(|l| format!("{} {}", l.first, l.last)).collect();
    screen
        .lines()
        .filter_map(|line| names.iter().find(|n| line.contains(n.as_str())).cloned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn slash_maria_puts_the_marias_on_top_and_never_letters_gathered_across_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0))
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
        let at = now - chrono::Duration::minutes(age as i64 + 1);
        sandbox
            .insert_lead_at(sandbox.demo_tenant_id(), lead, at)
            .await
            .expect("the lead is stored");
    }

    let mut session = Session::launch(stranger(dir.path(), &sandbox)).await;
    let screen = session.wait_for("the leads", |s| s.contains("María Costa"));
    assert_eq!(
        rows(&screen)[0],
        "Kenji Williams",
        "newest first before a search:\n{screen}"
    );

    session.keys(b"/maria");
    let screen = session.wait_for("the search typed", |s| s.contains("/maria▏"));
    assert_eq!(
        rows(&screen),
        [
            "María Costa",
            "Mariana Silva",
            "Ana Pérez",
            "Rosamaria Lee",
            "Đorđe Williams"
        ],
        "{screen}"
    );
    assert!(screen.contains("5 matches"), "{screen}");

    // Each word in a field of its own: the name here, the company there.
    session.keys(b" foods");
    let screen = session.wait_for("the second word", |s| s.contains("/maria foods▏"));
    assert_eq!(rows(&screen), ["María Costa"], "{screen}");
    session.keys(b"\x1b");
    session.wait_for("the search cleared", |s| !s.contains("/maria"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
}
