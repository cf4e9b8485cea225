//! Frames of the create form at 80×24 and 120×40, with the styles that carry meaning (focus, errors, counters).

use crate::form_support::*;
use crossterm::event::KeyCode;
use leadbox::api::error::ApiError;
use leadbox::app::form::{Form, FormOutcome};

fn snap(name: &str, form: &Form) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(form, 80, 24));
    insta::assert_snapshot!(format!("{name}_120x40"), render(form, 120, 40));
}

#[test]
fn empty() {
    snap("form_empty", &Form::new(&profile()));
}

#[test]
fn required_errors_after_a_refused_submit() {
    let mut form = Form::new(&profile());
    assert_eq!(send(&mut form, ctrl('s')), FormOutcome::None);
    snap("form_required", &form);
}

#[test]
fn length_counter_near_and_over_the_limit() {
    let mut form = Form::new(&profile());
    type_str(&mut form, &"a".repeat(241));
    snap("form_counter_near", &form);
    type_str(&mut form, &"b".repeat(15));
    snap("form_counter_over", &form);
}

#[test]
fn email_format() {
    let mut form = Form::new(&profile());
    type_str(&mut form, "Ana");
    focus_on(&mut form, "email");
    type_str(&mut form, "ana@acme");
    snap("form_email", &form);
}

#[test]
fn custom_field_type_and_required_custom_field() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "customFields.budget");
    type_str(&mut form, "12k");
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab); // leaves the required plan unset
    focus_on(&mut form, "customFields.website");
    type_str(&mut form, "acme.io");
    snap("form_custom_errors", &form);
}

#[test]
fn open_list() {
    let mut form = Form::new(&profile());
    focus_on(&mut form, "source");
    press(&mut form, KeyCode::Enter);
    press(&mut form, KeyCode::Down);
    snap("form_source_list", &form);
}

#[test]
fn sending() {
    let form = sent_form();
    snap("form_sending", &form);
}

#[test]
fn server_errors() {
    let mut form = sent_form();
    form.apply_error(&ApiError::Validation {
        message: "Validation failed".into(),
        details: vec![
            detail("lastName", "contains a word the tenant blocks"),
            detail("customFields.follow_up", "must be a weekday"),
            detail("priority", "is not a field"),
        ],
    });
    snap("form_server_errors", &form);
}

#[test]
fn may_have_created() {
    let mut form = sent_form();
    form.apply_error(&ApiError::Network {
        message: "connection reset".into(),
        maybe_created: true,
    });
    insta::assert_snapshot!("form_may_have_created_80x24", render(&form, 80, 24));
}

#[test]
fn confirm_discard() {
    let mut form = Form::new(&profile());
    type_str(&mut form, "Ana");
    press(&mut form, KeyCode::Esc);
    insta::assert_snapshot!("form_confirm_discard_80x24", render(&form, 80, 24));
}
