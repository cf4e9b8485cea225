//! A tenant profile and key helpers shared by the form's tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::app::form::{FieldKind, Form, FormOutcome};
use leadbox::keymap::Keymap;
use leadbox::tenant::{CustomFieldDef, CustomFieldKind, Member, TenantProfile};

pub const ANA: &str = "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01";
pub const BEN: &str = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

/// A roster of two and one custom field of most kinds, two of them required.
pub fn profile() -> TenantProfile {
    TenantProfile {
        roster: vec![
            Member {
                id: ANA.into(),
                name: "Ana Ruiz".into(),
            },
            Member {
                id: BEN.into(),
                name: "Ben Okafor".into(),
            },
        ],
        custom_fields: vec![
            CustomFieldDef::new("budget", "Budget (USD)", CustomFieldKind::Number, true, &[]),
            CustomFieldDef::new(
                "plan",
                "Plan",
                CustomFieldKind::Dropdown,
                true,
                &["basic", "pro", "enterprise"],
            ),
            CustomFieldDef::new(
                "interests",
                "Interests",
                CustomFieldKind::MultiSelect,
                false,
                &["crm", "analytics", "support"],
            ),
            CustomFieldDef::new("newsletter", "Newsletter", CustomFieldKind::Boolean, false, &[]),
            CustomFieldDef::new("website", "Website", CustomFieldKind::Url, false, &[]),
            CustomFieldDef::new("follow_up", "Follow-up date", CustomFieldKind::Date, false, &[]),
        ],
    }
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub fn press(form: &mut Form, code: KeyCode) -> FormOutcome {
    send(form, key(code))
}

/// Hands the form a key as the app does: with the command the keymap gives it.
pub fn send(form: &mut Form, event: KeyEvent) -> FormOutcome {
    form.handle_key(event, Keymap::default().form_command(&event))
}

pub fn type_str(form: &mut Form, text: &str) {
    for c in text.chars() {
        let action = send(form, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        assert_eq!(action, FormOutcome::None);
    }
}

/// Moves the focus with Tab to the field with this wire name.
pub fn focus_on(form: &mut Form, wire: &str) {
    for _ in 0..=form.fields().len() {
        if form.focused_field().is_some_and(|f| f.wire == wire) {
            return;
        }
        press(form, KeyCode::Tab);
    }
    panic!("no field {wire}");
}

pub fn focus_button(form: &mut Form) {
    while form.focus() != form.fields().len() {
        press(form, KeyCode::Tab);
    }
}

pub fn text_of<'a>(form: &'a Form, wire: &str) -> &'a str {
    match &form.field(wire).expect("field").kind {
        FieldKind::Text(t) => t.input.value(),
        other => panic!("{wire} is not text: {other:?}"),
    }
}

pub fn error_of(form: &Form, wire: &str) -> Option<String> {
    let i = form.fields().iter().position(|f| f.wire == wire).expect("field");
    form.visible_error(i)
}

/// Fills every field with a valid value.
pub fn fill_valid(form: &mut Form) {
    focus_on(form, "firstName");
    type_str(form, "Ana");
    focus_on(form, "lastName");
    type_str(form, "Ruiz");
    focus_on(form, "email");
    type_str(form, "ana@acme.io");
    focus_on(form, "phone");
    type_str(form, "+34 600 000 000");
    focus_on(form, "companyName");
    type_str(form, "Acme");
    focus_on(form, "source");
    press(form, KeyCode::Right); // web_form
    press(form, KeyCode::Right); // referral
    focus_on(form, "channel");
    type_str(form, "trade_show");
    focus_on(form, "intent");
    type_str(form, "Wants a demo");
    focus_on(form, "notes");
    type_str(form, "Met at the fair");
    press(form, KeyCode::Enter);
    type_str(form, "Call back Monday");
    focus_on(form, "assignedTo");
    press(form, KeyCode::Right); // Ana
    focus_on(form, "attribution");
    type_str(form, "utm_source=google, utm_medium=cpc");
    focus_on(form, "customFields.budget");
    type_str(form, "1200");
    focus_on(form, "customFields.plan");
    press(form, KeyCode::Enter);
    press(form, KeyCode::Down);
    press(form, KeyCode::Enter); // pro
    focus_on(form, "customFields.interests");
    press(form, KeyCode::Enter);
    press(form, KeyCode::Char(' ')); // crm
    press(form, KeyCode::Down);
    press(form, KeyCode::Down);
    press(form, KeyCode::Char(' ')); // support
    press(form, KeyCode::Enter);
    focus_on(form, "customFields.newsletter");
    press(form, KeyCode::Char(' ')); // yes
    focus_on(form, "customFields.website");
    type_str(form, "https://acme.io");
    focus_on(form, "customFields.follow_up");
    type_str(form, "2026-12-01");
}

/// The form drawn on a `width`×`height` test terminal: where the cursor is, the text, then every run of
/// styled cells (focus, errors, counters, hints).
pub fn render(form: &Form, width: u16, height: u16) -> String {
    use ratatui::Terminal;
    use ratatui::backend::{Backend, TestBackend};

    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            leadbox::ui::form::draw(
                frame,
                frame.area(),
                form,
                false,
                &Keymap::default(),
                &leadbox::theme::Theme::default(),
            )
        })
        .expect("draw");
    let backend = terminal.backend_mut();
    let cursor = if backend.cursor_visible() {
        let p = backend.get_cursor_position().expect("cursor");
        format!("cursor at ({}, {})", p.x, p.y)
    } else {
        "cursor hidden".to_string()
    };
    let buffer = backend.buffer();
    format!(
        "{cursor}\n{}\n{}",
        crate::support::buffer_text(buffer),
        crate::support::style_runs(buffer)
    )
}

pub fn detail(field: &str, message: &str) -> leadbox::api::types::FieldDetail {
    leadbox::api::types::FieldDetail {
        field: field.into(),
        message: message.into(),
    }
}

/// A valid form, submitted.
pub fn sent_form() -> Form {
    let mut form = Form::new(&profile());
    fill_valid(&mut form);
    assert!(matches!(send(&mut form, ctrl('s')), FormOutcome::Submit(_)));
    form
}
