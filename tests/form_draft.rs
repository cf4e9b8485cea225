//! The form's draft as data: every kind of field into a `Draft` and back, through JSON as it is kept on
//! disk, and what a form does with values its tenant no longer has.

use std::collections::BTreeMap;

use crate::form_support::*;
use crossterm::event::KeyCode;
use leadbox::app::form::{Draft, DraftValue, FieldKind, Form, FormOutcome, Notice};
use leadbox::tenant::TenantProfile;
use serde_json::json;

fn text(s: &str) -> DraftValue {
    DraftValue::Text(s.into())
}

fn choice(s: &str) -> DraftValue {
    DraftValue::Choice(s.into())
}

fn draft_of(entries: &[(&str, DraftValue)]) -> Draft {
    Draft {
        fields: entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        may_have_been_sent: false,
        added_custom_fields: Vec::new(),
    }
}

fn chosen(form: &Form, wire: &str) -> Option<String> {
    match &form.field(wire).expect("field").kind {
        FieldKind::Choice(c) => c.value().map(str::to_string),
        other => panic!("{wire} is not a choice: {other:?}"),
    }
}

fn multi(form: &Form, wire: &str) -> Vec<String> {
    match &form.field(wire).expect("field").kind {
        FieldKind::Multi(m) => m.values().into_iter().map(str::to_string).collect(),
        other => panic!("{wire} is not a multi-select: {other:?}"),
    }
}

#[test]
fn a_form_with_nothing_in_it_has_no_draft() {
    let mut form = Form::new(&profile());
    assert_eq!(form.draft(), None);
    type_str(&mut form, "A");
    assert!(form.draft().is_some());
    press(&mut form, KeyCode::Backspace);
    assert_eq!(form.draft(), None, "typed and erased again is nothing");
    focus_on(&mut form, "customFields.plan");
    press(&mut form, KeyCode::Right);
    assert_eq!(form.draft(), Some(draft_of(&[("customFields.plan", choice("basic"))])));
}

#[test]
fn every_kind_of_field_round_trips_through_json() {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    focus_on(&mut form, "firstName");
    type_str(&mut form, "  "); // trailing spaces are kept as typed
    let draft = form.draft().expect("a filled form has a draft");

    let expected: BTreeMap<String, DraftValue> = [
        ("firstName", text("Ana  ")),
        ("lastName", text("Ruiz")),
        ("email", text("ana@acme.io")),
        ("phone", text("+34 600 000 000")),
        ("companyName", text("Acme")),
        ("source", choice("referral")),
        ("channel", text("trade_show")),
        ("intent", text("Wants a demo")),
        ("notes", text("Met at the fair\nCall back Monday")),
        ("assignedTo", choice(ANA)),
        ("attribution", text("utm_source=google, utm_medium=cpc")),
        ("customFields.budget", text("1200")),
        ("customFields.plan", choice("pro")),
        (
            "customFields.interests",
            DraftValue::Multi(vec!["crm".into(), "support".into()]),
        ),
        ("customFields.newsletter", DraftValue::Toggle(true)),
        ("customFields.website", text("https://acme.io")),
        ("customFields.follow_up", text("2026-12-01")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(draft.fields, expected);
    assert!(!draft.may_have_been_sent, "never sent");

    // The file's shape: one tagged value per wire name.
    let value = serde_json::to_value(&draft).unwrap();
    assert_eq!(value["fields"]["source"], json!({ "choice": "referral" }));
    assert_eq!(value["fields"]["customFields.newsletter"], json!({ "toggle": true }));
    assert_eq!(
        value["fields"]["customFields.interests"],
        json!({ "multi": ["crm", "support"] })
    );
    assert!(value.get("mayHaveBeenSent").is_none());

    let back: Draft = serde_json::from_str(&serde_json::to_string_pretty(&draft).unwrap()).unwrap();
    assert_eq!(back, draft);
    let restored = Form::from_draft(&profile(), &back);
    assert_eq!(restored.draft(), Some(draft));
    assert_eq!(restored.to_new_lead(), form.to_new_lead());
    assert!(restored.to_new_lead().is_ok());
    assert_eq!(restored.notice(), None, "nothing was left out");
}

#[test]
fn values_the_tenant_no_longer_has_are_dropped_and_the_form_says_so() {
    let draft = draft_of(&[
        ("firstName", text("Ana")),
        ("source", choice("carrier_pigeon")),
        ("customFields.plan", choice("gold")),
        (
            "customFields.interests",
            DraftValue::Multi(vec!["crm".into(), "telepathy".into()]),
        ),
        ("customFields.retired", text("gone")),
        ("customFields.newsletter", text("yes")),
    ]);
    let form = Form::from_draft(&profile(), &draft);
    assert_eq!(text_of(&form, "firstName"), "Ana");
    assert_eq!(chosen(&form, "source"), None);
    assert_eq!(chosen(&form, "customFields.plan"), None);
    assert_eq!(multi(&form, "customFields.interests"), ["crm"]);
    assert!(form.field("customFields.retired").is_none());
    assert!(matches!(
        form.field("customFields.newsletter").unwrap().kind,
        FieldKind::Toggle(None)
    ));
    assert_eq!(
        form.draft(),
        Some(draft_of(&[
            ("firstName", text("Ana")),
            ("customFields.interests", DraftValue::Multi(vec!["crm".into()])),
        ]))
    );
    assert!(
        matches!(form.notice(), Some(Notice::Warning(w)) if w.contains("left out")),
        "{:?}",
        form.notice()
    );
}

#[test]
fn a_chosen_assignee_becomes_text_for_a_tenant_without_a_roster() {
    let draft = draft_of(&[("assignedTo", choice(ANA))]);
    let form = Form::from_draft(&TenantProfile::default(), &draft);
    assert_eq!(text_of(&form, "assignedTo"), ANA);
    assert_eq!(form.notice(), None);
    // And back: a typed id that is on the roster is chosen there.
    let form = Form::from_draft(&profile(), &draft_of(&[("assignedTo", text(BEN))]));
    assert_eq!(chosen(&form, "assignedTo").as_deref(), Some(BEN));
}

#[test]
fn restored_text_runs_through_the_usual_checks() {
    let draft = draft_of(&[
        ("firstName", text("A\u{1b}[31mna\u{7}")),
        ("email", text("not-an-email")),
        ("customFields.budget", text("twelve")),
        ("notes", text("line one\r\nline two")),
    ]);
    let form = Form::from_draft(&profile(), &draft);
    assert_eq!(
        text_of(&form, "firstName"),
        "A[31mna",
        "control characters go as in a paste"
    );
    assert_eq!(text_of(&form, "notes"), "line one\nline two");
    assert!(
        error_of(&form, "email").is_some(),
        "a restored bad email shows its error at once"
    );
    assert!(error_of(&form, "customFields.budget").is_some());
    assert_eq!(error_of(&form, "firstName"), None);
    assert_eq!(
        error_of(&form, "lastName"),
        None,
        "fields the draft left empty are not flagged before a submit"
    );
}

#[test]
fn a_draft_that_may_have_been_sent_warns_before_sending_again() {
    let form = sent_form();
    let draft = form.draft().expect("draft while sending");
    assert!(draft.may_have_been_sent);
    let mut restored = Form::from_draft(&profile(), &draft);
    assert!(matches!(restored.notice(), Some(Notice::Warning(w)) if w.contains("may exist already")));
    assert_eq!(send(&mut restored, ctrl('s')), FormOutcome::None, "first a warning");
    assert!(matches!(send(&mut restored, ctrl('s')), FormOutcome::Submit(_)));

    let mut unsent = draft.clone();
    unsent.may_have_been_sent = false;
    let mut restored = Form::from_draft(&profile(), &unsent);
    assert!(matches!(send(&mut restored, ctrl('s')), FormOutcome::Submit(_)));
}
