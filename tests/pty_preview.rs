//! The preview pane in the real binary: `p` opens it beside the list, holding `j` walks the list under
//! it, and once the selection keeps still the pane fills with what only the lead's own fetch brings in
//! it (the list's copy shows a few fields until then): the notes and the custom fields.

use leadbox::api::client::NovalaClient;
use leadbox::api::types::ListQuery;
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_follows_held_j_and_shows_the_leads_notes_and_custom_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(120))
        .await
        .expect("sandbox starts");
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let page = client
        .list(
            &ListQuery {
                limit: Some(40),
                ..ListQuery::default()
            },
            None,
        )
        .await
        .expect("first page");
    // A lead a few rows down with notes and a custom field holding plain text or a number.
    let (at, target) = page
        .data
        .iter()
        .enumerate()
        .skip(3)
        .find(|(_, l)| {
            l.notes
                .as_deref()
                .is_some_and(|n| !n.is_empty() && n.is_ascii() && !n.contains('\n'))
                && l.custom_fields.values().any(|v| v.is_string() || v.is_number())
        })
        .expect("the seed has a lead with notes and custom fields near the top");
    let notes = target.notes.clone().expect("notes");
    let notes_start: String = notes.chars().take(24).collect();
    let (field, value) = target
        .custom_fields
        .iter()
        .find(|(_, v)| v.is_string() || v.is_number())
        .map(|(k, v)| (k.clone(), leadbox::model::lead::value_text(v)))
        .expect("a custom field");

    let cmd = stranger(dir.path(), &sandbox);
    let mut session = tokio::task::spawn_blocking(move || Session::start_sized(cmd, 40, 160))
        .await
        .expect("leadbox starts");
    let newest = page.data[0].first_name.clone().expect("seeded leads have first names");
    session.wait_for("the newest lead", |s| s.contains(&newest));

    session.keys(b"p");
    session.wait_for("the preview beside the list", |s| s.contains("Preview · "));
    // Held j: every press in one burst, as key repeat sends them.
    session.keys("j".repeat(at).as_bytes());
    let screen = session.wait_for("the lead's notes and custom fields in the preview", |s| {
        s.contains(&notes_start) && s.contains("Custom fields") && s.contains(&value)
    });
    assert!(screen.contains("Notes"), "{screen}");
    let label = sandbox
        .profile()
        .custom_field(&field)
        .map(|d| d.label.clone())
        .unwrap_or(field.clone());
    assert!(screen.contains(&label) || screen.contains(&field), "{screen}");

    // p again: the pane goes, the list takes the width back.
    session.keys(b"p");
    session.wait_for("the preview closed", |s| {
        !s.contains("Preview · ") && !s.contains(&notes_start)
    });
    session.keys(b"q");
    assert!(session.wait_exit().success());
}
