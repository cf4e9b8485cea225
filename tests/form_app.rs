//! The create form inside the app: `n` opens it, keys and pastes go to it, one submit makes one create
//! request, and the answer puts the lead at the top of the list or keeps the draft.

use crate::support::*;
use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::ApiError;
use leadbox::api::types::{FieldDetail, Lead, LeadStatus, NewLead};
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::action::Effect;
use leadbox::app::form::{Draft, DraftValue, FieldKind};
use leadbox::app::new_lead::draft_kept_notice;
use leadbox::app::{App, Msg, Screen, update};
use leadbox::keymap::Keymap;
use leadbox::outbox::OutboxState;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(update(app, ch(c)).requests.is_empty());
    }
}

fn first_name(app: &App) -> String {
    match &app.form().expect("form open").field("firstName").expect("field").kind {
        FieldKind::Text(t) => t.input.value().to_string(),
        _ => unreachable!(),
    }
}

/// Opens the form on a loaded list and fills the fields the support profile requires.
pub(crate) fn open_and_fill(app: &mut App) {
    assert!(update(app, ch('n')).requests.is_empty());
    type_str(app, "Quinn");
    update(app, key(KeyCode::Tab)); // last name
    type_str(app, "Q");
    for _ in 0..4 {
        update(app, key(KeyCode::Tab)); // email, phone, company, source
    }
    update(app, key(KeyCode::Right)); // web_form
    // Back up from the button to the last field, the required industry dropdown.
    update(app, key(KeyCode::BackTab));
    for _ in 0..app.form().unwrap().fields().len() {
        update(app, key(KeyCode::Tab));
        if app
            .form()
            .unwrap()
            .focused_field()
            .is_some_and(|f| f.wire == "customFields.industry")
        {
            break;
        }
    }
    update(app, key(KeyCode::Right)); // retail
}

fn submit(app: &mut App) -> (u64, NewLead) {
    let (id, lead, _) = submit_keeping(app);
    (id, lead)
}

/// Submits the form: the create's id and lead, and what the app asked to keep on the way.
fn submit_keeping(app: &mut App) -> (u64, NewLead, Vec<Effect>) {
    let out = update(app, ctrl('s'));
    assert_eq!(out.requests.len(), 1, "one request: {:?}", out.requests);
    match &out.requests[0] {
        ApiRequest::Create { id, lead } => (*id, lead.clone(), out.effects),
        other => panic!("not a create: {other:?}"),
    }
}

fn answer(app: &mut App, id: u64, result: Result<Lead, ApiError>) -> Vec<ApiRequest> {
    answer_keeping(app, id, result).requests
}

fn answer_keeping(app: &mut App, id: u64, result: Result<Lead, ApiError>) -> leadbox::app::Output {
    update(app, Msg::Api(ApiEvent::Created { id, result }))
}

fn created_lead(new: &NewLead) -> Lead {
    Lead {
        id: "7e57ab1e-0000-4000-8000-000000000001".into(),
        first_name: Some(new.first_name.clone()),
        last_name: new.last_name.clone(),
        email: None,
        phone: None,
        company_name: None,
        status: LeadStatus::New,
        source: Some(new.source.clone()),
        intent: None,
        notes: None,
        assigned_to: None,
        custom_fields: new.custom_fields.clone(),
        created_at: now() + Duration::seconds(1),
        channel: None,
        attribution: None,
    }
}

#[test]
fn n_opens_the_form_and_q_types_there() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    assert_eq!(app.screen(), Screen::Form);
    let form = app.form().expect("form");
    assert!(form.field("customFields.industry").is_some_and(|f| f.required));
    update(&mut app, ch('q'));
    assert!(!app.should_quit());
    assert_eq!(first_name(&app), "q");
    assert!(screen_text(&app).contains("New lead"));
}

#[test]
fn an_invalid_form_sends_nothing() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    assert!(update(&mut app, ctrl('s')).requests.is_empty());
    assert_eq!(app.screen(), Screen::Form);
    assert!(!app.busy());
}

#[test]
fn submit_queues_the_lead_frees_the_form_and_sends_one_create_at_a_time() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, lead, effects) = submit_keeping(&mut app);
    assert_eq!(lead.first_name, "Quinn");
    assert_eq!(
        serde_json::to_value(&lead).unwrap()["customFields"]["industry"],
        "retail"
    );
    // The lead is on disk in the outbox before its request goes, and the form is free at once.
    let put = |state: OutboxState| {
        effects
            .iter()
            .position(|e| matches!(e, Effect::PutOutbox(entry) if entry.state == state))
            .expect("the entry is kept on disk")
    };
    assert!(put(OutboxState::Queued) < put(OutboxState::Sending), "{effects:?}");
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(app.draft(), None, "the outbox holds the lead now");
    assert_eq!(app.outbox().pending(), 1);
    assert!(screen_text(&app).contains("1 to send"), "{}", screen_text(&app));
    // The next lead is typed while the first is out: queued behind it, no second request yet.
    open_and_fill(&mut app);
    assert!(
        update(&mut app, ctrl('s')).requests.is_empty(),
        "one create out at a time"
    );
    assert_eq!(app.outbox().pending(), 2);
    let next = answer(&mut app, id, Ok(created_lead(&lead)));
    assert!(
        matches!(next.as_slice(), [ApiRequest::Create { .. }]),
        "the second goes when the first is answered: {next:?}"
    );
    assert_eq!(app.outbox().pending(), 1);
    assert_eq!(app.list().len(), 6);
}

#[test]
fn a_created_lead_lands_at_the_top_selected_with_a_confirmation() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    let lead = created_lead(&new);
    let out = answer(&mut app, id, Ok(lead.clone()));
    assert!(out.is_empty());
    assert_eq!(app.screen(), Screen::List);
    assert!(app.form().is_none());
    assert_eq!(app.list().len(), 6);
    assert_eq!(app.list().selected(), 0);
    assert_eq!(
        app.list().selected_lead().map(|l| l.id().to_string()),
        Some(lead.id.clone())
    );
    assert_eq!(app.notice(), Some("Created lead Quinn Q"));
    assert!(!app.busy());
    let text = screen_text(&app);
    assert!(text.contains("✔ Created lead Quinn Q"), "{text}");
    // The next key clears the confirmation.
    update(&mut app, ch('j'));
    assert_eq!(app.notice(), None);
}

#[test]
fn over_a_mirror_a_create_that_cannot_reach_the_tenant_says_offline_and_one_that_does_says_online() {
    let mut app = app_on_mirror(120, 40, 3, 5);
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    answer(&mut app, id, Err(refused()));
    assert_eq!(app.mirror_words().as_deref(), Some("offline · synced 3m ago"));
    // The outbox tries again; this time the tenant answers.
    let mut retry = Vec::new();
    for s in 1..=120 {
        retry = update(
            &mut app,
            Msg::Tick {
                now: now() + chrono::Duration::seconds(s),
            },
        )
        .requests;
        if !retry.is_empty() {
            break;
        }
    }
    let Some(ApiRequest::Create { id, .. }) = retry.into_iter().find(|r| matches!(r, ApiRequest::Create { .. })) else {
        panic!("the outbox sends the lead again");
    };
    answer(&mut app, id, Ok(created_lead(&new)));
    assert_eq!(app.mirror_words().as_deref(), Some("synced 3m ago"));
}

#[test]
fn a_created_lead_hidden_by_the_filter_clears_it() {
    let (mut app, _) = app_with(80, 24, 5, false);
    // Filter on "contacted": a new lead would not belong there.
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let req = single_list(&out);
    update(&mut app, listed(&req, vec![lead(1)], false));
    assert_eq!(app.list().query().status, Some(LeadStatus::Contacted));
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    let out = answer(&mut app, id, Ok(created_lead(&new)));
    let ApiRequest::List { query, cursor, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!((query.status, query.assigned_to, cursor), (None, None, None));
    assert_eq!(
        app.list().selected_lead().map(|l| l.id().to_string()),
        Some(created_lead(&new).id.clone())
    );
    assert!(app.notice().unwrap().contains("filters cleared"));
}

#[test]
fn a_refused_lead_comes_back_to_the_form_with_the_servers_details() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, _) = submit(&mut app);
    let out = answer(
        &mut app,
        id,
        Err(ApiError::Validation {
            message: "Validation failed".into(),
            details: vec![FieldDetail {
                field: "firstName".into(),
                message: "is on the blocklist".into(),
            }],
        }),
    );
    assert!(out.is_empty());
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(first_name(&app), "Quinn");
    let form = app.form().unwrap();
    assert_eq!(form.visible_error(0).as_deref(), Some("is on the blocklist"));
    assert_eq!(app.list().len(), 5);
    assert_eq!(app.outbox().needing_rep(), 1, "kept until sent again or dropped");
    // Sent again from the form: the same outbox entry, not a second one.
    let (id, new) = submit(&mut app);
    assert_eq!(app.outbox().entries().len(), 1);
    // Its answer is lost: it is looked for before anything is sent again.
    let out = answer(
        &mut app,
        id,
        Err(ApiError::Timeout {
            after: std::time::Duration::from_secs(30),
            maybe_created: true,
        }),
    );
    let [ApiRequest::FindCreated { id, lead, since, .. }] = out.as_slice() else {
        panic!("looked for, not sent again: {out:?}");
    };
    assert_eq!(lead.first_name, "Quinn");
    assert!(*since <= now());
    // Found: recorded with the tenant's id, listed once.
    let found = created_lead(&new);
    update(
        &mut app,
        Msg::Api(ApiEvent::Found {
            id: *id,
            result: Ok(Some(found.clone())),
        }),
    );
    assert_eq!(app.outbox().pending() + app.outbox().needing_rep(), 0);
    assert_eq!(app.outbox().entries()[0].server_id.as_deref(), Some(found.id.as_str()));
    assert_eq!(app.list().len(), 6);
}

#[test]
fn a_lost_create_not_found_waits_for_the_rep() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, _) = submit(&mut app);
    let out = answer(
        &mut app,
        id,
        Err(ApiError::Network {
            message: "connection reset".into(),
            maybe_created: true,
        }),
    );
    let [ApiRequest::FindCreated { id, .. }] = out.as_slice() else {
        panic!("{out:?}");
    };
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Found {
            id: *id,
            result: Ok(None),
        }),
    )
    .requests;
    assert!(out.is_empty(), "never sent again blindly");
    assert_eq!(app.outbox().entries()[0].state, OutboxState::Unknown);
    assert_eq!(app.outbox().needing_rep(), 1);
    assert!(screen_text(&app).contains("1 need you"), "{}", screen_text(&app));
    let later = tick(&mut app, 3_600_000);
    assert!(
        !later
            .iter()
            .any(|r| matches!(r, ApiRequest::Create { .. } | ApiRequest::FindCreated { .. })),
        "nor later: {later:?}"
    );
}

#[test]
fn answers_to_other_requests_are_not_the_outboxs() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    answer(&mut app, id + 100, Ok(created_lead(&new)));
    assert_eq!(app.outbox().in_flight(), Some(id));
    assert_eq!(app.outbox().entries()[0].state, OutboxState::Sending);
    assert_eq!(app.list().len(), 5);
}

#[test]
fn paste_goes_to_the_form_only() {
    let (mut app, _) = app_with(80, 24, 5, false);
    let list = screen_text(&app);
    update(&mut app, Msg::Paste("ignored".into()));
    assert_eq!(screen_text(&app), list, "a paste on the list changes nothing");
    update(&mut app, ch('n'));
    update(&mut app, Msg::Paste("Ana María".into()));
    assert_eq!(first_name(&app), "Ana María");
}

#[test]
fn ctrl_c_in_a_dirty_form_asks_before_quitting() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    type_str(&mut app, "Ana");
    update(&mut app, ctrl('c'));
    assert!(!app.should_quit());
    assert!(screen_text(&app).contains("Quit? The draft is kept for next time. y = quit"));
    update(&mut app, ch('y'));
    assert!(app.should_quit());
}

#[test]
fn list_after_a_create_snapshot() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    answer(&mut app, id, Ok(created_lead(&new)));
    let terminal = render(&app);
    insta::assert_snapshot!("form_created_80x24", screen_text(&app));
    insta::assert_snapshot!("form_created_80x24_styles", style_runs(terminal.backend().buffer()));
}

fn draft_named(first_name: &str) -> Draft {
    Draft {
        fields: [("firstName".to_string(), DraftValue::Text(first_name.into()))].into(),
        may_have_been_sent: false,
        added_custom_fields: Vec::new(),
    }
}

#[test]
fn the_draft_lives_from_the_first_key_until_the_lead_is_in_the_outbox() {
    let (mut app, _) = app_with(80, 24, 5, false);
    assert_eq!(app.draft(), None);
    update(&mut app, ch('n'));
    assert_eq!(app.draft(), None, "an empty form is no draft");
    type_str(&mut app, "Q");
    assert_eq!(app.draft(), Some(draft_named("Q")));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('y'));
    open_and_fill(&mut app);
    submit(&mut app);
    assert_eq!(app.draft(), None, "queued: the outbox keeps it");
    let entry = &app.outbox().entries()[0];
    let kept = entry.draft.as_ref().expect("the form as sent, to edit it again");
    assert_eq!(kept.fields["firstName"], DraftValue::Text("Quinn".into()));
}

#[test]
fn an_unreachable_tenant_keeps_the_lead_queued_with_backoff_and_a_quit_asks_first() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, new) = submit(&mut app);
    answer(
        &mut app,
        id,
        Err(ApiError::Server {
            status: 503,
            message: "down".into(),
            maybe_created: false,
        }),
    );
    assert_eq!(app.outbox().entries()[0].state, OutboxState::Queued);
    assert!(tick(&mut app, 1_000).is_empty(), "not again at once");
    let again = tick(&mut app, 2_500);
    let [ApiRequest::Create { id, .. }] = again.as_slice() else {
        panic!("sent again after the wait: {again:?}");
    };
    update(&mut app, ch('q'));
    assert!(!app.should_quit(), "a lead is still to send");
    assert!(
        app.notice().unwrap().contains("1 lead not sent yet"),
        "{:?}",
        app.notice()
    );
    update(&mut app, ch('j'));
    update(&mut app, ch('q'));
    assert!(!app.should_quit(), "another key in between asks again");
    answer(&mut app, *id, Ok(created_lead(&new)));
    update(&mut app, ch('q'));
    assert!(app.should_quit(), "nothing left to send");
}

#[test]
fn discarding_the_form_drops_the_draft() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    type_str(&mut app, "Ana");
    update(&mut app, key(KeyCode::Esc));
    assert!(screen_text(&app).contains("Discard this draft? y = discard"));
    update(&mut app, ch('n'));
    assert_eq!(app.draft(), Some(draft_named("Ana")), "n keeps editing");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('y'));
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(app.draft(), None);
}

#[test]
fn a_restored_draft_waits_for_n_and_reopens_with_its_text() {
    let (mut app, _) = app_with(80, 24, 5, false);
    app.restore_draft(draft_named("Zoë"));
    assert_eq!(app.notice(), Some(draft_kept_notice(&Keymap::default()).as_str()));
    let text = screen_text(&app);
    assert!(text.contains("✔ Unsent lead kept: press n"), "{text}");
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(app.draft(), Some(draft_named("Zoë")), "kept on disk until used");
    update(&mut app, ch('j'));
    assert_eq!(app.draft(), Some(draft_named("Zoë")), "other keys leave it waiting");
    update(&mut app, ch('n'));
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(first_name(&app), "Zoë");
    type_str(&mut app, "!");
    assert_eq!(app.draft(), Some(draft_named("Zoë!")));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('y'));
    assert_eq!(app.draft(), None);
    update(&mut app, ch('n'));
    assert_eq!(first_name(&app), "", "a discarded draft does not come back");
}

#[test]
fn an_empty_draft_is_not_announced() {
    let (mut app, _) = app_with(80, 24, 5, false);
    app.restore_draft(Draft {
        fields: Default::default(),
        may_have_been_sent: false,
        added_custom_fields: Vec::new(),
    });
    assert_eq!(app.notice(), None);
    assert_eq!(app.draft(), None);
}

fn tick(app: &mut App, millis: i64) -> Vec<ApiRequest> {
    update(
        app,
        Msg::Tick {
            now: now() + Duration::milliseconds(millis),
        },
    )
    .requests
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn draft_fields(app: &App) -> Vec<String> {
    app.form()
        .map(|f| f.values().keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn create_and_next_keeps_exactly_the_sticky_fields_and_starts_on_the_first_name() {
    let (mut app, _) = app_with(80, 30, 5, false);
    open_and_fill(&mut app);
    // A channel too, like every lead at the same fair.
    let channel = app
        .form()
        .unwrap()
        .fields()
        .iter()
        .position(|f| f.wire == "channel")
        .unwrap();
    while app.form().unwrap().focus() != channel {
        update(&mut app, key(KeyCode::BackTab));
    }
    type_str(&mut app, "fair");
    let out = update(&mut app, alt('s')).requests;
    assert!(matches!(out.as_slice(), [ApiRequest::Create { lead, .. }] if lead.first_name == "Quinn"));
    assert_eq!(app.screen(), Screen::Form, "the next lead's form, at once");
    assert_eq!(app.form().unwrap().focus(), 0, "on the first name");
    // Source and channel are kept; the names and the (not sticky) industry are not.
    assert_eq!(draft_fields(&app), ["channel", "source"]);
    assert_eq!(
        app.draft(),
        None,
        "what was kept is not typed: no draft, Esc closes without asking"
    );
    insta::assert_snapshot!("form_next_lead_80x30", screen_text(&app));

    // The rep keeps the industry too: Ctrl-t on it.
    type_str(&mut app, "Rae");
    let industry = app
        .form()
        .unwrap()
        .fields()
        .iter()
        .position(|f| f.wire == "customFields.industry")
        .unwrap();
    while app.form().unwrap().focus() != industry {
        update(&mut app, key(KeyCode::Tab));
    }
    update(&mut app, key(KeyCode::Right));
    update(&mut app, ctrl('t'));
    assert!(app.form().unwrap().is_sticky("customFields.industry"));
    update(&mut app, alt('s'));
    assert_eq!(draft_fields(&app), ["channel", "customFields.industry", "source"]);
    assert_eq!(app.outbox().entries().len(), 2);
    assert_eq!(app.outbox().pending(), 2, "the second waits behind the first");
}

fn set_text(app: &mut App, wire: &str, text: &str) {
    let at = app
        .form()
        .unwrap()
        .fields()
        .iter()
        .position(|f| f.wire == wire)
        .unwrap();
    while app.form().unwrap().focus() != at {
        update(app, key(KeyCode::Tab));
    }
    type_str(app, text);
}

#[test]
fn a_lead_like_a_known_one_is_held_back_once_shown_on_request_and_sent_on_the_second_press() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    // The first listed lead's email, in other letters.
    set_text(&mut app, "email", "LEAD0@example.com");
    assert!(update(&mut app, ctrl('s')).requests.is_empty(), "held back");
    let said = app.form().unwrap().notice().unwrap().text().to_string();
    assert!(
        said.contains("Looks like Ada Lovelace (the same email): Ctrl-s again sends anyway · Ctrl-o opens it"),
        "{said}"
    );
    assert_eq!(app.outbox().entries().len(), 0);
    // Ctrl-o shows the known lead; the form keeps what was typed.
    update(&mut app, ctrl('o'));
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(app.detail().unwrap().view.name(), "Ada Lovelace");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('n'));
    assert_eq!(first_name(&app), "Quinn");
    // Sent anyway on the second press.
    let out = update(&mut app, ctrl('s')).requests;
    assert!(matches!(out.as_slice(), [ApiRequest::Create { .. }]), "{out:?}");

    // The same person typed again at the booth: found among the leads typed here.
    open_and_fill(&mut app);
    set_text(&mut app, "phone", "+1 (555) 010-9999");
    update(&mut app, ctrl('s'));
    open_and_fill(&mut app);
    set_text(&mut app, "phone", "15550109999");
    assert!(update(&mut app, ctrl('s')).requests.is_empty());
    let said = app.form().unwrap().notice().unwrap().text().to_string();
    assert!(said.contains("Quinn Q, typed here (the same phone)"), "{said}");
    update(&mut app, ctrl('o'));
    assert_eq!(app.screen(), Screen::Outbox);
}

#[test]
fn ctrl_e_asks_for_the_editor_once_and_its_answer_lands_in_the_notes() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    set_text(&mut app, "notes", "typed");
    update(&mut app, key(KeyCode::BackTab));
    let out = update(&mut app, ctrl('e'));
    let asked: Vec<&Effect> = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::EditNotes(_)))
        .collect();
    assert_eq!(asked, [&Effect::EditNotes("typed".into())], "once");
    update(&mut app, Msg::Edited(Ok("typed\nand more\x1b[31m\n".into())));
    let notes = app
        .form()
        .unwrap()
        .field("notes")
        .unwrap()
        .text_value()
        .unwrap()
        .to_string();
    assert_eq!(
        notes, "typed\nand more[31m",
        "line breaks kept, controls dropped, the last break trimmed"
    );
    update(
        &mut app,
        Msg::Edited(Err(leadbox::app::action::Outside::new(std::io::Error::other(
            "vi ended with exit status: 1: the notes are as they were",
        )))),
    );
    let said = app.form().unwrap().notice().unwrap().text().to_string();
    assert!(said.contains("the notes are as they were"), "{said}");
}

#[test]
fn a_lead_kept_from_an_earlier_session_is_a_known_lead_too() {
    let (mut app, _) = app_with(80, 24, 5, false);
    // Another view's first page, kept on disk last time: not loaded in this list.
    let mut kept = lead(500);
    kept.email = Some("kept@example.com".into());
    app.remember_known(std::slice::from_ref(&kept));
    open_and_fill(&mut app);
    set_text(&mut app, "email", "Kept@Example.com");
    assert!(update(&mut app, ctrl('s')).requests.is_empty());
    let said = app.form().unwrap().notice().unwrap().text().to_string();
    assert!(said.contains("(the same email)"), "{said}");
    update(&mut app, ctrl('o'));
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(app.detail().unwrap().view.id().to_string(), kept.id);
}

fn notes_of(app: &App) -> String {
    app.form()
        .unwrap()
        .field("notes")
        .unwrap()
        .text_value()
        .unwrap()
        .to_string()
}

#[test]
fn notes_wrap_softly_and_undo_and_redo_their_edits() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    let long = "Met at the Lisbon fair and asked twice about data residency in the EU and single sign-on";
    set_text(&mut app, "notes", long);
    // The whole sentence is on screen, over two rows, nothing scrolled out of the field.
    let text = screen_text(&app);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("Lisbon") || l.contains("sign-on"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        text.contains("Met at the Lisbon") && text.contains("single sign-on"),
        "{text}"
    );
    // A second line, then Up goes back into the first line rather than to the field above.
    update(&mut app, key(KeyCode::Enter));
    type_str(&mut app, "Call Monday");
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.form().unwrap().focused_field().unwrap().wire, "notes");
    assert_eq!(notes_of(&app), format!("{long}\nCall Monday"));
    update(&mut app, ctrl('z'));
    assert_ne!(notes_of(&app), format!("{long}\nCall Monday"), "undone");
    update(&mut app, ctrl('y'));
    assert_eq!(notes_of(&app), format!("{long}\nCall Monday"), "redone");
    // Redo put the caret back on the second line; from the first line, Up leaves the notes for the field
    // above.
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.form().unwrap().focused_field().unwrap().wire, "notes");
    update(&mut app, key(KeyCode::Up));
    assert_ne!(app.form().unwrap().focused_field().unwrap().wire, "notes");
}

#[test]
fn a_look_alike_typed_here_and_already_created_opens_the_lead_itself() {
    let (mut app, _) = app_with(100, 30, 5, false);
    open_and_fill(&mut app);
    set_text(&mut app, "email", "quinn@example.com");
    let (id, lead) = submit(&mut app);
    let created = created_lead(&lead);
    answer(&mut app, id, Ok(created.clone()));
    assert_eq!(app.outbox().entries()[0].state, OutboxState::Sent);
    // The same person typed again: warned, and Ctrl-o shows the lead the tenant holds, not the outbox.
    open_and_fill(&mut app);
    set_text(&mut app, "email", "quinn@example.com");
    assert!(
        update(&mut app, ctrl('s')).requests.is_empty(),
        "held for the look-alike"
    );
    let said = app.form().unwrap().notice().unwrap().text().to_string();
    assert!(said.contains("typed here"), "{said}");
    update(&mut app, ctrl('o'));
    assert_eq!(app.screen(), Screen::Detail, "{}", screen_text(&app));
    assert_eq!(app.detail().unwrap().view.id().to_string(), created.id);
}

#[test]
fn a_custom_field_a_refusal_names_is_learned_kept_on_disk_and_in_the_next_form() {
    let (mut app, _) = app_with(80, 24, 5, false);
    open_and_fill(&mut app);
    let (id, _) = submit(&mut app);
    let out = answer_keeping(
        &mut app,
        id,
        Err(ApiError::Validation {
            message: "Validation failed".into(),
            details: vec![
                FieldDetail {
                    field: "customFields.region".into(),
                    message: "is required".into(),
                },
                // Configured already: the config's definition stays.
                FieldDetail {
                    field: "customFields.industry".into(),
                    message: "is required".into(),
                },
            ],
        }),
    );
    let learned: Vec<_> = out
        .effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::LearnField(def) => Some(def),
            _ => None,
        })
        .collect();
    assert_eq!(learned.len(), 1, "{learned:?}");
    assert_eq!(learned[0].key, "region");
    assert!(learned[0].required);
    let form = app.form().expect("the refused lead is back in the form");
    assert!(form.field("customFields.region").is_some_and(|f| f.required));

    // The next form starts with it, marked as learned; the configured field is as configured.
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('y'));
    update(&mut app, ch('n'));
    let form = app.form().expect("a new form");
    let region = form.field("customFields.region").expect("learned");
    assert_eq!(region.label, "region (learned)");
    assert!(region.required);
    assert_eq!(
        form.field("customFields.industry").map(|f| f.label.as_str()),
        Some("Industry")
    );
}

#[test]
fn a_field_learned_while_the_next_lead_is_typed_joins_that_form_where_the_focus_is() {
    let (mut app, _) = app_with(80, 30, 5, false);
    open_and_fill(&mut app);
    let out = update(&mut app, alt('s')).requests;
    let [ApiRequest::Create { id, .. }] = out.as_slice() else {
        panic!("one create: {out:?}");
    };
    type_str(&mut app, "Rae");
    answer(
        &mut app,
        *id,
        Err(ApiError::Validation {
            message: "Validation failed".into(),
            details: vec![FieldDetail {
                field: "customFields.region".into(),
                message: "is required".into(),
            }],
        }),
    );
    let form = app.form().expect("the next lead's form stays");
    assert!(form.field("customFields.region").is_some_and(|f| f.required));
    assert_eq!(form.focus(), 0, "the focus stays on the first name");
    assert_eq!(first_name(&app), "Rae");
    assert!(
        form.draft()
            .unwrap()
            .added_custom_fields
            .contains(&"region".to_string()),
        "kept in the draft"
    );
}
