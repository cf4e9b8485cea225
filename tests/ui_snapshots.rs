//! Frame snapshots of every screen and state, driven through `update` with synthetic API answers and a
//! fixed clock. Where colour carries meaning (selection, status colours, errors) the styles are
//! snapshotted too, as runs of styled cells.

use crate::support::*;
use crossterm::event::KeyCode;
use leadbox::api::ApiError;
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::{App, Msg, update};

fn snap_text(name: &str, app: &App) {
    insta::assert_snapshot!(name, screen_text(app));
}

fn snap_styles(name: &str, app: &App) {
    let terminal = render(app);
    insta::assert_snapshot!(format!("{name}_styles"), style_runs(terminal.backend().buffer()));
}

fn server_error() -> ApiError {
    ApiError::Server {
        status: 500,
        message: "Internal Server Error".into(),
        maybe_created: false,
    }
}

#[test]
fn first_load_80x24() {
    let mut app = App::new(settings(), now(), 80, 24);
    app.start();
    update(&mut app, Msg::Tick { now: now() });
    snap_text("first_load_80x24", &app);
}

#[test]
fn empty_tenant_80x24() {
    let (app, _) = app_with(80, 24, 0, false);
    snap_text("empty_tenant_80x24", &app);
}

#[test]
fn list_80x24_and_120x40() {
    let (app, _) = app_with(80, 24, 25, true);
    snap_text("list_80x24", &app);
    snap_styles("list_80x24", &app);
    let (mut app, out) = app_with(120, 40, 25, true);
    serve(&mut app, out, 5000);
    assert_eq!(app.list().len(), 75, "prefetched two screens ahead, then quiet");
    snap_text("list_120x40", &app);
}

#[test]
fn end_of_list() {
    let (mut app, _) = app_with(80, 24, 12, false);
    update(&mut app, ch('G'));
    snap_text("end_of_list_80x24", &app);
}

#[test]
fn loading_more_when_the_user_outruns_the_page() {
    let (mut app, out) = app_with(80, 24, 25, true);
    assert!(matches!(out.as_slice(), [ApiRequest::List { cursor: Some(_), .. }]));
    update(&mut app, ch('G'));
    update(&mut app, Msg::Tick { now: now() });
    snap_text("loading_more_80x24", &app);
}

#[test]
fn error_in_status_bar() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let next = single_list(&out);
    update(&mut app, ch('G'));
    update(&mut app, list_failed(&next, server_error()));
    snap_text("error_80x24", &app);
    snap_styles("error_80x24", &app);
}

#[test]
fn first_page_failed() {
    let mut app = App::new(settings(), now(), 80, 24);
    let req = single_list(&app.start().requests);
    update(
        &mut app,
        list_failed(
            &req,
            ApiError::Network {
                message: "connection refused".into(),
                maybe_created: false,
            },
        ),
    );
    snap_text("first_page_failed_80x24", &app);
}

#[test]
fn status_pane_focused() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    snap_text("status_pane_80x24", &app);
    snap_styles("status_pane_80x24", &app);
}

#[test]
fn assignee_pane_focused() {
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('a'));
    update(&mut app, ch('j'));
    snap_text("assignee_pane_120x40", &app);
}

#[test]
fn filter_applied() {
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let req = single_list(&out);
    let qualified: Vec<_> = leads(0..60)
        .into_iter()
        .filter(|l| l.status.as_str() == "new")
        .collect();
    update(&mut app, listed(&req, qualified, false));
    snap_text("filter_applied_120x40", &app);
}

#[test]
fn filter_with_no_match() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('a'));
    // Past "all" and "Unassigned": the first team member, a filter the tenant applies.
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let req = single_list(&update(&mut app, key(KeyCode::Enter)).requests);
    update(&mut app, listed(&req, vec![], false));
    snap_text("filter_no_match_80x24", &app);
}

#[test]
fn detail() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    snap_text("detail_from_list_80x24", &app);
}

#[test]
fn help() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('?'));
    snap_text("help_80x24", &app);
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('?'));
    snap_text("help_120x40", &app);
}

#[test]
fn hostile_server_text_shows_as_placeholders() {
    let mut app = App::new(settings(), now(), 120, 40);
    let req = single_list(&app.start().requests);
    let mut evil = lead(0);
    evil.first_name = Some("Eve\x1b]0;owned\x07".into());
    evil.last_name = Some("\u{202E}lanoisseforp".into());
    evil.company_name = Some("Red\x1b[31m\nCorp".into());
    evil.notes = Some("line one\n\x1b[2Jline two\u{200B}".into());
    update(&mut app, listed(&req, vec![evil], false));
    let text = screen_text(&app);
    assert!(text.contains("Eve\u{FFFD} \u{2423}lanoisseforp"), "{text}");
    assert!(text.contains("Red\u{FFFD} Corp"), "{text}");
    update(&mut app, key(KeyCode::Enter));
    let terminal = render(&app);
    let text = buffer_text(terminal.backend().buffer());
    assert!(text.contains("\u{FFFD}line two\u{2423}"), "{text}");
    assert!(text.contains("line one"));
    for cell in terminal.backend().buffer().content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{:?}",
            cell.symbol()
        );
    }
}

#[test]
fn detail_refreshed_scrolled_and_without_names() {
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id: get_id(&out),
            result: Ok(lead(2)),
        }),
    );
    snap_text("detail_refreshed_120x40", &app);

    let mut settings = settings();
    settings.show_names = false;
    let mut app = App::new(settings, now(), 80, 24);
    let req = single_list(&app.start().requests);
    update(&mut app, listed(&req, leads(0..25), false));
    snap_text("list_without_names_80x24", &app);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::End));
    snap_text("detail_scrolled_without_names_80x24", &app);
}

#[test]
fn detail_refresh_failed() {
    let (mut app, _) = app_with(80, 24, 25, true);
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id: get_id(&out),
            result: Err(ApiError::NotFound {
                message: "Lead not found".into(),
            }),
        }),
    );
    snap_text("detail_refresh_failed_80x24", &app);
    snap_styles("detail_refresh_failed_80x24", &app);
}

#[test]
fn form_open_over_the_list() {
    let (mut app, _) = app_with(80, 24, 25, false);
    update(&mut app, ch('n'));
    snap_text("form_open_80x24", &app);
}

#[test]
fn narrow_and_resized() {
    let (mut app, _) = app_with(120, 40, 60, false);
    update(&mut app, ch('G'));
    update(&mut app, Msg::Resize { width: 80, height: 24 });
    snap_text("resized_to_80x24_at_end", &app);
}

#[test]
fn help_lists_every_binding_even_at_80x24() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (mut app, _) = app_with(w, h, 25, true);
        update(&mut app, ch('?'));
        // Help taller than the terminal scrolls: what is not on the first screen is on a later one.
        let mut text = screen_text(&app);
        for _ in 0..80 {
            update(&mut app, ch('j'));
            text.push_str(&screen_text(&app));
        }
        for b in app.keymap().bindings() {
            assert!(
                text.contains(b.description.as_ref()),
                "{w}x{h}: {:?} missing from help:\n{text}",
                b.description
            );
            let keys = b.keys_label();
            assert!(text.contains(&keys), "{w}x{h}: {keys:?} missing from help");
        }
    }
}

#[test]
fn new_leads_notice_in_status_bar() {
    let (mut app, _) = app_with(80, 24, 25, false);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let out = update(
        &mut app,
        Msg::Tick {
            now: now() + chrono::Duration::seconds(30),
        },
    )
    .requests;
    let poll = single_list(&out);
    let mut arrivals: Vec<_> = [1, 2]
        .into_iter()
        .map(|n| {
            let mut l = lead(900 + n);
            l.created_at = now() - chrono::Duration::minutes(3 - n as i64);
            l
        })
        .rev()
        .collect();
    arrivals.extend(leads(0..23));
    update(&mut app, listed(&poll, arrivals, true));
    assert_eq!(app.notice(), Some("2 new leads"));
    snap_text("new_leads_notice_80x24", &app);
}
