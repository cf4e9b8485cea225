//! The create form as state: keys in, field values, errors and actions out.

use std::time::Duration;

use crate::form_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use leadbox::api::error::ApiError;
use leadbox::app::form::{FieldKind, Form, FormCommand, FormOutcome, Leave, Notice};
use leadbox::keymap::{Action, Context, Keymap, Trigger};

fn form_command(event: &KeyEvent) -> Option<FormCommand> {
    Keymap::default().form_command(event)
}
use leadbox::tenant::TenantProfile;
use serde_json::json;

fn submit(form: &mut Form) -> FormOutcome {
    send(form, ctrl('s'))
}

#[test]
fn typing_goes_into_the_focused_field_and_q_is_a_letter() {
    let mut form = Form::new(&profile());
    assert_eq!(form.focused_field().map(|f| f.wire.as_str()), Some("firstName"));
    type_str(&mut form, "Quinn q");
    press(&mut form, KeyCode::Backspace);
    type_str(&mut form, "Q");
    assert_eq!(text_of(&form, "firstName"), "Quinn Q");
    press(&mut form, KeyCode::Home);
    type_str(&mut form, "¡");
    assert_eq!(text_of(&form, "firstName"), "¡Quinn Q");
    // A key release is not a key press.
    let mut release = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    send(&mut form, release);
    assert_eq!(text_of(&form, "firstName"), "¡Quinn Q");
}

#[test]
fn tab_and_arrows_move_through_fields_and_the_button() {
    let mut form = Form::new(&profile());
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.focused_field().unwrap().wire, "lastName");
    press(&mut form, KeyCode::Down);
    assert_eq!(form.focused_field().unwrap().wire, "email");
    press(&mut form, KeyCode::Up);
    send(&mut form, KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(form.focus(), 0);
    // Backwards from the first field reaches the button, then the last field.
    press(&mut form, KeyCode::Up);
    assert_eq!(form.focus(), form.fields().len());
    press(&mut form, KeyCode::Up);
    assert_eq!(form.focused_field().unwrap().wire, "customFields.follow_up");
    // Enter on a single-line field moves on.
    focus_on(&mut form, "email");
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.focused_field().unwrap().wire, "phone");
}

#[test]
fn required_error_shows_once_the_field_is_left() {
    let mut form = Form::new(&profile());
    assert_eq!(error_of(&form, "firstName"), None);
    press(&mut form, KeyCode::Tab);
    assert_eq!(error_of(&form, "firstName").as_deref(), Some("is required"));
    // Untouched fields stay quiet.
    assert_eq!(error_of(&form, "source"), None);
    focus_on(&mut form, "firstName");
    type_str(&mut form, "A");
    assert_eq!(error_of(&form, "firstName"), None);
    // Leaving the source list unset is an error too.
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Tab);
    assert_eq!(error_of(&form, "source").as_deref(), Some("is required"));
}

#[test]
fn email_shape_is_checked_as_you_type() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "email");
    type_str(&mut form, "ana@acme");
    assert_eq!(
        error_of(&form, "email").as_deref(),
        Some("must be an email address like name@example.com")
    );
    type_str(&mut form, ".io");
    assert_eq!(error_of(&form, "email"), None);
}

#[test]
fn counter_appears_at_80_percent_and_length_counts_characters() {
    let mut form = Form::new(&profile());
    let i = form.fields().iter().position(|f| f.wire == "firstName").unwrap();
    type_str(&mut form, &"é".repeat(203));
    let counter = form.counter(i).unwrap();
    assert_eq!((counter.chars, counter.max), (203, 255));
    assert!(!counter.visible());
    type_str(&mut form, "é");
    assert!(form.counter(i).unwrap().visible(), "204 of 255 is 80%");
    type_str(&mut form, &"é".repeat(51));
    assert_eq!(form.counter(i).unwrap().chars, 255);
    assert!(!form.counter(i).unwrap().over());
    assert_eq!(
        error_of(&form, "firstName"),
        None,
        "255 two-byte characters are allowed"
    );
    type_str(&mut form, "x");
    assert!(form.counter(i).unwrap().over());
    assert_eq!(
        error_of(&form, "firstName").as_deref(),
        Some("must be at most 255 characters")
    );
    // Phone has its own, shorter limit.
    focus_on(&mut form, "phone");
    type_str(&mut form, &"1".repeat(51));
    assert_eq!(
        error_of(&form, "phone").as_deref(),
        Some("must be at most 50 characters")
    );
}

#[test]
fn custom_fields_are_checked_by_type() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "customFields.budget");
    type_str(&mut form, "12k");
    assert_eq!(
        error_of(&form, "customFields.budget").as_deref(),
        Some("must be a number")
    );
    press(&mut form, KeyCode::Backspace);
    assert_eq!(error_of(&form, "customFields.budget"), None);
    focus_on(&mut form, "customFields.website");
    type_str(&mut form, "acme.io");
    assert!(error_of(&form, "customFields.website").unwrap().contains("URL"));
    focus_on(&mut form, "customFields.follow_up");
    type_str(&mut form, "2026-02-30");
    assert_eq!(
        error_of(&form, "customFields.follow_up").as_deref(),
        Some("2026-02-30 is not a real date"),
        "the shape is right, the day does not exist"
    );
    // A required dropdown left unset.
    focus_on(&mut form, "customFields.plan");
    press(&mut form, KeyCode::Tab);
    assert_eq!(error_of(&form, "customFields.plan").as_deref(), Some("is required"));
}

#[test]
fn attribution_must_be_key_value_pairs() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "attribution");
    type_str(&mut form, "utm_source=google, spring");
    assert_eq!(
        error_of(&form, "attribution").as_deref(),
        Some("\"spring\" is not key=value")
    );
    for _ in 0.."spring".len() {
        press(&mut form, KeyCode::Backspace);
    }
    type_str(&mut form, "utm_source=bing");
    assert_eq!(
        error_of(&form, "attribution").as_deref(),
        Some("utm_source is given twice")
    );
}

#[test]
fn submit_is_refused_with_focus_on_the_first_bad_field() {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    focus_on(&mut form, "email");
    type_str(&mut form, "@@");
    focus_on(&mut form, "customFields.budget");
    send(&mut form, ctrl('u')); // clears the line
    focus_button(&mut form);
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::None);
    assert_eq!(form.focused_field().unwrap().wire, "email");
    assert!(matches!(form.notice(), Some(Notice::Error(m)) if m.contains("2 fields")));
    assert!(!form.is_sending());
    let problems = form.to_new_lead().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, vec!["email", "customFields.budget"]);
    assert_eq!(error_of(&form, "customFields.budget").as_deref(), Some("is required"));
    // An empty form: the first name comes first, and every untouched required field now shows.
    let mut empty = Form::new(&profile());
    focus_on(&mut empty, "customFields.website");
    assert_eq!(submit(&mut empty), FormOutcome::None);
    assert_eq!(empty.focus(), 0);
    for wire in ["firstName", "source", "customFields.budget", "customFields.plan"] {
        assert_eq!(error_of(&empty, wire).as_deref(), Some("is required"), "{wire}");
    }
}

#[test]
fn a_full_form_builds_the_exact_body() {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    let FormOutcome::Submit(lead) = submit(&mut form) else {
        panic!("not submitted: {:?}", form.notice());
    };
    assert_eq!(
        serde_json::to_value(&lead).unwrap(),
        json!({
            "firstName": "Ana",
            "lastName": "Ruiz",
            "email": "ana@acme.io",
            "phone": "+34 600 000 000",
            "companyName": "Acme",
            "source": "referral",
            "channel": "trade_show",
            "intent": "Wants a demo",
            "notes": "Met at the fair\nCall back Monday",
            "assignedTo": ANA,
            "attribution": {"utm_source": "google", "utm_medium": "cpc"},
            "customFields": {
                "budget": 1200,
                "plan": "pro",
                "interests": ["crm", "support"],
                "newsletter": true,
                "website": "https://acme.io",
                "follow_up": "2026-12-01"
            }
        })
    );
}

#[test]
fn minimal_lead_leaves_out_empty_fields_and_numbers_keep_decimals() {
    let mut form = Form::new(&profile());
    type_str(&mut form, "  Zoë  ");
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Left); // the last source: import
    focus_on(&mut form, "customFields.budget");
    type_str(&mut form, "12.5");
    focus_on(&mut form, "customFields.plan");
    press(&mut form, KeyCode::Right);
    focus_on(&mut form, "customFields.newsletter");
    press(&mut form, KeyCode::Char(' '));
    press(&mut form, KeyCode::Char(' ')); // yes → no
    let lead = form.to_new_lead().expect("valid");
    assert_eq!(
        serde_json::to_value(&lead).unwrap(),
        json!({
            "firstName": "Zoë",
            "source": "import",
            "customFields": {"budget": 12.5, "plan": "basic", "newsletter": false}
        })
    );
    // A third press leaves an optional yes/no unset again, and it is not sent.
    press(&mut form, KeyCode::Char(' '));
    assert!(!form.to_new_lead().unwrap().custom_fields.contains_key("newsletter"));
}

#[test]
fn sending_blocks_a_second_submit_and_edits() {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    assert!(matches!(submit(&mut form), FormOutcome::Submit(_)));
    assert!(form.is_sending());
    // A second submit is refused.
    assert_eq!(submit(&mut form), FormOutcome::None);
    focus_button(&mut form);
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::None);
    assert!(matches!(form.notice(), Some(Notice::Warning(m)) if m.contains("already on its way")));
    focus_on(&mut form, "firstName");
    type_str(&mut form, "x");
    form.handle_paste("y");
    assert_eq!(text_of(&form, "firstName"), "Ana");
    // Esc does not close a form whose lead is on its way.
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::None);
    assert!(form.is_sending());
}

#[test]
fn server_details_land_on_their_fields() {
    let mut form = sent_form();
    form.apply_error(&ApiError::Validation {
        message: "Validation failed".into(),
        details: vec![
            detail("customFields.budget", "must be at most 1000000"),
            detail("email", "domain does not accept mail"),
            detail("attribution.utm_source", "must be lowercase"),
            detail("priority", "is not a field"),
        ],
    });
    assert!(!form.is_sending());
    assert_eq!(error_of(&form, "email").as_deref(), Some("domain does not accept mail"));
    assert_eq!(
        error_of(&form, "customFields.budget").as_deref(),
        Some("must be at most 1000000")
    );
    assert_eq!(error_of(&form, "attribution").as_deref(), Some("must be lowercase"));
    assert_eq!(form.general_errors(), ["priority: is not a field"]);
    assert_eq!(
        form.focused_field().unwrap().wire,
        "email",
        "the first field in form order"
    );
    assert_eq!(text_of(&form, "firstName"), "Ana", "the draft is kept");
    // Editing a field clears what the server said about it, and only that.
    type_str(&mut form, "m");
    assert_eq!(error_of(&form, "email"), None);
    assert!(error_of(&form, "customFields.budget").is_some());
    assert!(
        matches!(submit(&mut form), FormOutcome::Submit(_)),
        "a corrected form can be sent again"
    );
}

#[test]
fn other_failures_keep_the_draft_and_say_what_happened() {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    let before = form.to_new_lead().unwrap();
    assert!(matches!(submit(&mut form), FormOutcome::Submit(_)));
    let error = ApiError::Server {
        status: 500,
        message: "database is locked".into(),
        maybe_created: false,
    };
    form.apply_error(&error);
    assert!(!form.is_sending());
    assert_eq!(form.to_new_lead().unwrap(), before);
    let Some(Notice::Error(text)) = form.notice() else {
        panic!("{:?}", form.notice())
    };
    assert!(text.contains(&error.to_string()), "{text}");
    assert!(
        matches!(submit(&mut form), FormOutcome::Submit(_)),
        "nothing was created: send again at once"
    );
}

#[test]
fn a_create_that_may_have_landed_asks_before_sending_again() {
    let mut form = sent_form();
    form.apply_error(&ApiError::Timeout {
        after: Duration::from_secs(30),
        maybe_created: true,
    });
    assert!(form.notice().unwrap().text().contains("may have been created"));
    assert_eq!(submit(&mut form), FormOutcome::None);
    assert!(matches!(form.notice(), Some(Notice::Warning(m)) if m.contains("Ctrl-s again")));
    assert!(!form.is_sending());
    assert!(matches!(submit(&mut form), FormOutcome::Submit(_)));
}

#[test]
fn esc_asks_before_discarding_typing() {
    let mut form = Form::new(&profile());
    assert_eq!(
        press(&mut form, KeyCode::Esc),
        FormOutcome::Cancel,
        "nothing typed: closes at once"
    );
    type_str(&mut form, "Ana");
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::None);
    assert!(form.is_confirming_discard());
    // While asking, letters answer the question rather than type.
    assert_eq!(press(&mut form, KeyCode::Char('x')), FormOutcome::None);
    assert_eq!(press(&mut form, KeyCode::Char('n')), FormOutcome::None);
    assert!(!form.is_confirming_discard());
    assert_eq!(text_of(&form, "firstName"), "Ana");
    press(&mut form, KeyCode::Esc);
    assert_eq!(press(&mut form, KeyCode::Char('y')), FormOutcome::Cancel);
}

#[test]
fn esc_closes_an_open_list_first() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Enter);
    assert!(form.focused_field().unwrap().is_list_open());
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::None);
    assert!(!form.focused_field().unwrap().is_list_open());
    assert!(!form.is_confirming_discard());
}

#[test]
fn paste_goes_into_the_focused_text_field() {
    let mut form = Form::new(&profile());
    form.handle_paste("Ana\r\nMaría\t\u{1b}");
    assert_eq!(text_of(&form, "firstName"), "Ana María ");
    focus_on(&mut form, "notes");
    form.handle_paste("line one\r\nline two");
    assert_eq!(text_of(&form, "notes"), "line one\nline two");
    focus_on(&mut form, "source");
    form.handle_paste("referral");
    assert!(form.to_new_lead().is_err(), "a list takes no paste");
}

#[test]
fn lists_open_with_enter_and_cycle_with_arrows() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Enter);
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.to_new_lead().unwrap_err()[0].field, "firstName");
    let source = |form: &Form| match &form.field("source").unwrap().kind {
        FieldKind::Choice(c) => c.value().map(str::to_string),
        _ => None,
    };
    assert_eq!(source(&form).as_deref(), Some("agent_chat"));
    press(&mut form, KeyCode::Right);
    assert_eq!(source(&form).as_deref(), Some("inbound_call"));
    press(&mut form, KeyCode::Left);
    press(&mut form, KeyCode::Left);
    assert_eq!(source(&form).as_deref(), Some("referral"));
    // The optional assignee list offers "none" before the roster.
    focus_on(&mut form, "assignedTo");
    press(&mut form, KeyCode::Left);
    let assignee = |form: &Form| match &form.field("assignedTo").unwrap().kind {
        FieldKind::Choice(c) => c.value().map(str::to_string),
        _ => None,
    };
    assert_eq!(assignee(&form).as_deref(), Some(BEN));
    press(&mut form, KeyCode::Right);
    assert_eq!(assignee(&form), None);
}

#[test]
fn notes_take_new_lines_and_arrows_move_between_them() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "notes");
    type_str(&mut form, "first");
    press(&mut form, KeyCode::Enter);
    type_str(&mut form, "2nd");
    press(&mut form, KeyCode::Up);
    type_str(&mut form, "!");
    assert_eq!(text_of(&form, "notes"), "fir!st\n2nd");
    press(&mut form, KeyCode::Down);
    type_str(&mut form, "?");
    assert_eq!(text_of(&form, "notes"), "fir!st\n2nd?");
    assert_eq!(form.focused_field().unwrap().wire, "notes");
    press(&mut form, KeyCode::Down);
    assert_eq!(
        form.focused_field().unwrap().wire,
        "assignedTo",
        "down from the last line leaves"
    );
}

#[test]
fn without_a_roster_the_assignee_is_a_uuid_field() {
    let mut form = Form::new(&TenantProfile::default());
    focus_on(&mut form, "assignedTo");
    type_str(&mut form, "bob");
    assert_eq!(error_of(&form, "assignedTo").as_deref(), Some("must be a user's UUID"));
    assert!(form.fields().iter().all(|f| !f.wire.starts_with("customFields.")));
}

#[test]
fn the_app_keymap_drives_the_form_keys() {
    assert_eq!(form_command(&ctrl('s')), Some(FormCommand::Submit));
    assert_eq!(form_command(&key(KeyCode::Esc)), Some(FormCommand::Cancel));
    assert_eq!(
        form_command(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(FormCommand::PrevField)
    );
    assert_eq!(
        form_command(&key(KeyCode::Char('q'))),
        None,
        "q is a letter in the form"
    );
    let keymap = Keymap::default();
    let form_bindings: Vec<_> = keymap
        .bindings()
        .iter()
        .filter(|b| b.context == Context::Form)
        .collect();
    for command in [
        FormCommand::NextField,
        FormCommand::PrevField,
        FormCommand::Activate,
        FormCommand::Toggle,
        FormCommand::ChoicePrev,
        FormCommand::ChoiceNext,
        FormCommand::Submit,
        FormCommand::Cancel,
        FormCommand::Quit,
    ] {
        let binding = form_bindings
            .iter()
            .find(|b| b.action == Action::Form(command))
            .unwrap_or_else(|| panic!("{command:?} has no key"));
        assert!(!binding.description.is_empty());
        for trigger in &binding.triggers {
            let Trigger::Keys(keys) = trigger else {
                panic!("{trigger:?}")
            };
            assert_eq!(
                form_command(&KeyEvent::new(keys[0].code, keys[0].modifiers)),
                Some(command)
            );
        }
    }
}

#[test]
fn ctrl_c_quits_but_asks_first_when_something_was_typed() {
    let mut form = Form::new(&profile());
    assert_eq!(send(&mut form, ctrl('c')), FormOutcome::Quit);
    type_str(&mut form, "Ana");
    assert_eq!(send(&mut form, ctrl('c')), FormOutcome::None);
    assert_eq!(form.confirming(), Some(Leave::Quit));
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::None);
    assert_eq!(form.confirming(), None);
    assert_eq!(text_of(&form, "firstName"), "Ana");
    send(&mut form, ctrl('c'));
    assert_eq!(press(&mut form, KeyCode::Char('y')), FormOutcome::Quit);
}

#[test]
fn a_key_adds_any_custom_field_by_name_and_it_is_sent_and_kept() {
    let mut form = Form::new(&TenantProfile::default());
    type_str(&mut form, "Ana");
    send(&mut form, ctrl('n'));
    assert!(form.naming().is_some());
    let screen = render(&form, 80, 24);
    assert!(screen.contains("Custom field key:"), "{screen}");
    // A key the contract does not allow is refused and the prompt stays.
    type_str(&mut form, "Region!");
    press(&mut form, KeyCode::Enter);
    assert!(matches!(form.notice(), Some(Notice::Error(e)) if e.contains("not a custom field key")));
    assert!(form.naming().is_some());
    for _ in 0.."Region!".len() {
        press(&mut form, KeyCode::Backspace);
    }
    type_str(&mut form, "region");
    press(&mut form, KeyCode::Enter);
    assert!(form.naming().is_none());
    assert_eq!(
        form.focused_field().map(|f| f.wire.as_str()),
        Some("customFields.region")
    );
    type_str(&mut form, "emea");
    assert_eq!(text_of(&form, "customFields.region"), "emea");

    // Esc leaves the prompt without adding anything and without closing the form.
    send(&mut form, ctrl('n'));
    type_str(&mut form, "budget");
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::None);
    assert!(form.naming().is_none());
    assert!(form.field("customFields.budget").is_none());

    let draft = form.draft().unwrap();
    assert_eq!(draft.added_custom_fields, ["region"]);
    let restored = Form::from_draft(&TenantProfile::default(), &draft);
    assert_eq!(text_of(&restored, "customFields.region"), "emea");
    assert_eq!(restored.draft(), Some(draft));

    let mut form = restored;
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Right);
    let FormOutcome::Submit(lead) = submit(&mut form) else {
        panic!("the lead is complete: {:?}", form.notice())
    };
    assert_eq!(lead.custom_fields.get("region"), Some(&json!("emea")));
}

#[test]
fn a_refused_field_the_form_lacks_joins_it_required_and_focused() {
    let mut form = sent_form();
    form.apply_error(&ApiError::Validation {
        message: "Validation failed".into(),
        details: vec![
            detail("customFields.region", "is required"),
            detail("customFields.tier", "must be one of gold, silver"),
        ],
    });
    let region = form.field("customFields.region").expect("region joined the form");
    assert!(region.required);
    assert_eq!(error_of(&form, "customFields.region").as_deref(), Some("is required"));
    assert!(!form.field("customFields.tier").unwrap().required);
    assert_eq!(
        form.focused_field().map(|f| f.wire.as_str()),
        Some("customFields.region")
    );
    assert!(form.general_errors().is_empty());
}

/// The support profile's form, filled so that it can be sent.
fn sendable() -> Form {
    let mut form = Form::new(&profile());
    type_str(&mut form, "Quinn");
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Right);
    focus_on(&mut form, "customFields.budget");
    type_str(&mut form, "100");
    focus_on(&mut form, "customFields.plan");
    press(&mut form, KeyCode::Right);
    form
}

#[test]
fn a_phone_with_letters_or_few_digits_is_warned_of_and_still_sent() {
    let mut form = sendable();
    let phone = form.fields().iter().position(|f| f.wire == "phone").unwrap();
    focus_on(&mut form, "phone");
    type_str(&mut form, "12ab");
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.visible_error(phone), None, "a warning is not an error");
    let said = form.visible_warning(phone).expect("a warning");
    assert!(said.contains("letters") && said.contains("1-800-FLOWERS"), "{said}");
    match submit(&mut form) {
        FormOutcome::Submit(lead) => assert_eq!(lead.phone.as_deref(), Some("12ab")),
        other => panic!("the lead is sent as typed: {other:?}"),
    }

    let mut form = Form::new(&profile());
    focus_on(&mut form, "phone");
    type_str(&mut form, "555 12");
    press(&mut form, KeyCode::Tab);
    assert!(form.visible_warning(phone).unwrap().contains("only 5 digits"));
    focus_on(&mut form, "phone");
    type_str(&mut form, "34");
    assert_eq!(form.visible_warning(phone), None, "seven digits are a number");
}

#[test]
fn the_fields_to_fix_count_follows_the_fields_and_goes_when_none_is_left() {
    let mut form = Form::new(&profile());
    assert_eq!(submit(&mut form), FormOutcome::None);
    // First name, source, budget, plan.
    assert_eq!(
        form.notice().unwrap().text(),
        "Not sent: 4 fields to fix (marked in red)"
    );
    type_str(&mut form, "Quinn");
    assert_eq!(
        form.notice().unwrap().text(),
        "Not sent: 3 fields to fix (marked in red)"
    );
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Right);
    focus_on(&mut form, "customFields.budget");
    type_str(&mut form, "100");
    assert_eq!(
        form.notice().unwrap().text(),
        "Not sent: 1 field to fix (marked in red)"
    );
    // Broken again: the count goes back up.
    press(&mut form, KeyCode::Backspace);
    type_str(&mut form, "x");
    assert_eq!(
        form.notice().unwrap().text(),
        "Not sent: 2 fields to fix (marked in red)"
    );
    press(&mut form, KeyCode::Backspace);
    focus_on(&mut form, "customFields.plan");
    press(&mut form, KeyCode::Right);
    assert_eq!(form.notice(), None, "nothing left to fix");

    // The tenant's refusal goes the same way as its fields are changed.
    form.apply_error(&ApiError::Validation {
        message: "Validation failed".into(),
        details: vec![leadbox::api::types::FieldDetail {
            field: "firstName".into(),
            message: "is on the blocklist".into(),
        }],
    });
    assert!(form.notice().unwrap().text().starts_with("Not created"));
    focus_on(&mut form, "firstName");
    type_str(&mut form, "a");
    assert_eq!(form.notice(), None, "the refused field was changed");
}

#[test]
fn undo_takes_back_a_word_or_an_edit_not_a_character() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "notes");
    type_str(&mut form, "call back monday");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "call back ");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "call ");
    send(&mut form, ctrl('y'));
    assert_eq!(text_of(&form, "notes"), "call back ");
    // Deletions are a step of their own; a new edit drops what redo had.
    type_str(&mut form, "tuesday");
    for _ in 0..3 {
        press(&mut form, KeyCode::Backspace);
    }
    assert_eq!(text_of(&form, "notes"), "call back tues");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "call back tuesday");
    send(&mut form, ctrl('y'));
    send(&mut form, ctrl('y'));
    assert_eq!(text_of(&form, "notes"), "call back tues", "nothing more to redo");
    // A line break and a paste are steps of their own.
    press(&mut form, KeyCode::Enter);
    form.handle_paste("pasted text");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "call back tues\n");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "call back tues");
    // A jump of the caret ends a step.
    press(&mut form, KeyCode::Home);
    type_str(&mut form, "to ");
    press(&mut form, KeyCode::End);
    type_str(&mut form, "day");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "notes"), "to call back tues");

    // One-line fields undo the same way.
    focus_on(&mut form, "firstName");
    type_str(&mut form, "Mary Ann");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "firstName"), "Mary ");
    send(&mut form, ctrl('z'));
    assert_eq!(text_of(&form, "firstName"), "");
}

#[test]
fn up_and_down_in_the_notes_move_along_the_rows_drawn() {
    let mut form = Form::new(&profile());
    // 60 columns inside the border: the notes' value gets what the label column leaves.
    form.set_width(60);
    focus_on(&mut form, "notes");
    let words = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo";
    type_str(&mut form, words);
    // One line of text over two rows: Up stays in the notes, on the row above.
    press(&mut form, KeyCode::Up);
    assert_eq!(form.focused_field().unwrap().wire, "notes");
    type_str(&mut form, "!");
    let text = text_of(&form, "notes").to_string();
    assert_ne!(text, format!("{words}!"), "the caret moved up a row: {text}");
    press(&mut form, KeyCode::Down);
    assert_eq!(form.focused_field().unwrap().wire, "notes");
    press(&mut form, KeyCode::Up);
    press(&mut form, KeyCode::Up);
    assert_ne!(
        form.focused_field().unwrap().wire,
        "notes",
        "up from the first row leaves"
    );
}
