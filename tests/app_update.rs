//! `update` driven directly: paging, prefetch, stale answers, de-duplication, detail and focus.

use crate::support::*;
use crossterm::event::{KeyCode, MouseEvent, MouseEventKind};
use leadbox::api::ApiError;
use leadbox::api::types::{LeadStatus, Page};
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::filters::PaneKind;
use leadbox::app::list::PageState;
use leadbox::app::{App, Focus, Msg, Screen, list_rows, update};

fn lists(out: &[ApiRequest]) -> usize {
    out.iter().filter(|r| matches!(r, ApiRequest::List { .. })).count()
}

#[test]
fn start_asks_for_the_first_page_with_the_page_size() {
    let mut app = App::new(settings(), now(), 80, 24);
    let out = app.start().requests;
    match single_list(&out) {
        ApiRequest::List { query, cursor, .. } => {
            assert_eq!(cursor, None);
            assert_eq!(query.limit, Some(25));
            assert_eq!(query.status, None);
        }
        _ => unreachable!(),
    }
    assert!(app.list().is_first_load());
}

#[test]
fn prefetch_triggers_at_two_screens_from_the_end_and_only_once() {
    // 80x24: 20 rows on screen, so the distance is 40 rows.
    assert_eq!(list_rows(24), 20);
    let mut app = App::new(settings(), now(), 80, 24);
    assert_eq!(app.prefetch_distance(), 40);
    let req = single_list(&app.start().requests);
    let out = update(&mut app, listed(&req, leads(0..100), true)).requests;
    assert!(out.is_empty(), "100 loaded, selection 0: no prefetch yet");

    // Selection 59 leaves 41 rows below it: still quiet.
    for _ in 0..59 {
        assert!(update(&mut app, ch('j')).requests.is_empty());
    }
    assert_eq!(app.list().selected(), 59);
    // Selection 60: 40 rows from the end of 100 loaded.
    let out = update(&mut app, ch('j')).requests;
    let next = single_list(&out);
    let ApiRequest::List { cursor, .. } = &next else {
        unreachable!()
    };
    assert!(cursor.is_some(), "the next page follows the cursor");
    // Moving on while it is in flight asks for nothing more.
    for _ in 0..30 {
        assert_eq!(lists(&update(&mut app, ch('j')).requests), 0);
    }
    assert_eq!(lists(&update(&mut app, key(KeyCode::End)).requests), 0);
    assert_eq!(app.list().in_flight(), next_id(&next));
}

fn next_id(r: &ApiRequest) -> Option<u64> {
    match r {
        ApiRequest::List { id, .. } => Some(*id),
        _ => None,
    }
}

#[test]
fn the_last_page_ends_the_list_and_a_repeated_cursor_stops_paging() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let req = single_list(&out);
    // The server repeats the cursor it was asked with: paging stops rather than looping.
    let ApiRequest::List { id, cursor, .. } = req.clone() else {
        unreachable!()
    };
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Listed {
            id,
            cursor: cursor.clone(),
            result: Ok(Page {
                data: leads(25..50),
                next_cursor: Some("c-first".into()),
                has_more: true,
            }),
        }),
    )
    .requests;
    assert!(out.is_empty(), "50 loaded, selection 0: nothing yet");
    let again = single_list(&update(&mut app, ch('G')).requests);
    let ApiRequest::List { id, cursor, .. } = again else {
        unreachable!()
    };
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Listed {
            id,
            cursor,
            result: Ok(Page {
                data: leads(50..60),
                next_cursor: Some("c-first".into()),
                has_more: true,
            }),
        }),
    )
    .requests;
    assert!(out.is_empty());
    assert_eq!(app.list().pages(), &PageState::Done);
    assert!(!app.list().has_more());
    assert_eq!(app.list().len(), 60);
}

#[test]
fn a_lead_already_listed_is_not_added_twice() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let req = single_list(&out);
    // The next page overlaps the first by five leads (a lead created while paging shifted the server's pages).
    update(&mut app, listed(&req, leads(20..45), false));
    assert_eq!(app.list().len(), 45);
    let mut ids: Vec<String> = app.list().leads().iter().map(|l| l.id().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 45);
}

#[test]
fn stale_answers_after_a_filter_change_are_dropped() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let old = single_list(&out);
    // Choose status "new" in the status pane.
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    assert!(out.contains(&ApiRequest::Cancel {
        id: next_id(&old).unwrap()
    }));
    let fresh = single_list(&out);
    let ApiRequest::List { query, cursor, .. } = &fresh else {
        unreachable!()
    };
    assert_eq!(query.status, Some(LeadStatus::New));
    assert_eq!(cursor, &None, "a new filter starts from the first page");
    assert_ne!(next_id(&fresh), next_id(&old));
    assert_eq!(app.focus(), Focus::List);
    assert!(app.list().is_empty(), "the old list is gone at once");

    // The old filter's page arrives late: dropped.
    let out = update(&mut app, listed(&old, leads(100..125), true)).requests;
    assert!(out.is_empty());
    assert!(app.list().is_empty());
    // The new filter's page lands.
    let news: Vec<_> = leads(0..70)
        .into_iter()
        .filter(|l| l.status == LeadStatus::New)
        .collect();
    update(&mut app, listed(&fresh, news.clone(), false));
    assert_eq!(app.list().len(), news.len());
    assert!(app.list().leads().iter().all(|l| l.status() == LeadStatus::New));
    // A late duplicate of the new answer is dropped too: the request is no longer awaited.
    update(&mut app, listed(&fresh, leads(200..210), false));
    assert_eq!(app.list().len(), news.len());
}

#[test]
fn assignee_pane_lists_roster_then_ids_seen_and_filters_by_id() {
    let (mut app, _) = app_with(80, 24, 25, true);
    let labels: Vec<String> = app.assignee_options().into_iter().map(|o| o.label).collect();
    assert_eq!(
        labels,
        vec![
            "all",
            "Unassigned",
            "Ada Admin",
            "Bruno Sales",
            "Chioma Okafor",
            "9f9f9f9f"
        ]
    );
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus(), Focus::Pane(PaneKind::Assignee));
    update(&mut app, key(KeyCode::End));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let ApiRequest::List { query, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!(query.assigned_to.as_deref(), Some(STRANGER));
    // Choosing "all" again drops the filter.
    update(&mut app, ch('a'));
    update(&mut app, ch('g'));
    let out = update(&mut app, ch(' ')).requests;
    let ApiRequest::List { query, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!(query.assigned_to, None);
}

#[test]
fn tab_cycles_focus_both_ways_and_esc_returns_to_the_list() {
    let (mut app, _) = app_with(80, 24, 25, true);
    let order = [
        Focus::Pane(PaneKind::Status),
        Focus::Pane(PaneKind::Assignee),
        Focus::List,
    ];
    for f in order {
        update(&mut app, key(KeyCode::Tab));
        assert_eq!(app.focus(), f);
    }
    update(&mut app, key(KeyCode::BackTab));
    assert_eq!(app.focus(), Focus::Pane(PaneKind::Assignee));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.focus(), Focus::List);
}

#[test]
fn enter_opens_the_lead_at_once_and_asks_for_it() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let expected_id = lead(2).id;
    let get = out
        .iter()
        .find_map(|r| match r {
            ApiRequest::Get { id, lead_id } => Some((*id, lead_id.clone())),
            _ => None,
        })
        .expect("a Get");
    assert_eq!(get.1, expected_id);
    assert_eq!(app.screen(), Screen::Detail);
    let detail = app.detail().unwrap();
    assert_eq!(detail.view.id(), expected_id, "shown at once from the list");
    assert!(!detail.refreshed);

    // The server's copy replaces it (and the list's copy).
    let mut fresh = lead(2);
    fresh.notes = Some("called back".into());
    update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id: get.0,
            result: Ok(fresh),
        }),
    );
    let detail = app.detail().unwrap();
    assert!(detail.refreshed);
    assert_eq!(detail.view.notes(), Some("called back"));
    assert_eq!(app.list().leads().get(2).unwrap().notes(), Some("called back"));
}

#[test]
fn esc_from_detail_restores_the_same_selection_and_window() {
    let (mut app, _) = app_with(80, 24, 100, true);
    for _ in 0..37 {
        update(&mut app, ch('j'));
    }
    let (selected, offset) = (app.list().selected(), app.list().offset());
    assert_eq!(selected, 37);
    assert!(offset > 0);
    let before = screen_text(&app);
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let get = get_id(&out);
    // Scroll the detail, then leave before the refresh arrives: the Get is cancelled.
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Esc)).requests;
    assert_eq!(out, vec![ApiRequest::Cancel { id: get }]);
    assert_eq!(app.screen(), Screen::List);
    assert_eq!((app.list().selected(), app.list().offset()), (selected, offset));
    // The same rows, the same selection; only the status bar's unread count went down by the lead opened.
    let rows = |text: &str| text.lines().take(23).collect::<Vec<_>>().join("\n");
    assert_eq!(rows(&screen_text(&app)), rows(&before));
    assert_eq!(app.unread(), 99);
    // The late answer changes nothing.
    update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id: get,
            result: Ok(lead(37)),
        }),
    );
    assert_eq!(app.screen(), Screen::List);
}

#[test]
fn detail_scrolls_within_its_length() {
    let (mut app, _) = app_with(80, 24, 25, true);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Enter));
    for _ in 0..100 {
        update(&mut app, ch('j'));
    }
    let max = app.detail().unwrap().scroll;
    assert!(max > 0, "lead 2 has notes and attribution: longer than one screen");
    assert!(max < 20);
    update(&mut app, ch('j'));
    assert_eq!(app.detail().unwrap().scroll, max);
    update(&mut app, ch('g'));
    assert_eq!(app.detail().unwrap().scroll, 0);
}

#[test]
fn errors_show_in_plain_words_retry_on_tick_and_clear_on_success() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let req = single_list(&out);
    let ApiRequest::List { cursor, .. } = req.clone() else {
        unreachable!()
    };
    let failed = ApiError::Server {
        status: 503,
        message: "Service Unavailable".into(),
        maybe_created: false,
    };
    update(&mut app, list_failed(&req, failed.clone()));
    assert_eq!(app.error(), Some(failed.to_string().as_str()));
    assert!(matches!(app.list().pages(), PageState::Failed { .. }));
    // Not yet time to retry.
    let out = update(
        &mut app,
        Msg::Tick {
            now: now() + chrono::Duration::seconds(1),
        },
    )
    .requests;
    assert!(out.is_empty());
    let out = update(
        &mut app,
        Msg::Tick {
            now: now() + chrono::Duration::seconds(3),
        },
    )
    .requests;
    let retry = single_list(&out);
    let ApiRequest::List { cursor: again, .. } = &retry else {
        unreachable!()
    };
    assert_eq!(again, &cursor, "the same page is asked for again");
    update(&mut app, listed(&retry, leads(25..50), false));
    assert_eq!(app.error(), None);
    assert_eq!(app.list().len(), 50);
}

#[test]
fn r_retries_a_failed_page_at_once_and_otherwise_reloads() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let req = single_list(&out);
    let ApiRequest::List { cursor, .. } = req.clone() else {
        unreachable!()
    };
    update(
        &mut app,
        list_failed(
            &req,
            ApiError::Network {
                message: "reset".into(),
                maybe_created: false,
            },
        ),
    );
    let out = update(&mut app, ch('r')).requests;
    let ApiRequest::List { cursor: again, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!(again, cursor);
    assert_eq!(app.list().len(), 25, "the place is kept");
    // With nothing failed, r reloads from the top.
    let (mut app, _) = app_with(80, 24, 25, false);
    let out = update(&mut app, ch('r')).requests;
    let ApiRequest::List { cursor, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!(cursor, None);
}

#[test]
fn keys_and_the_wheel_move_the_selection() {
    let (mut app, _) = app_with(80, 24, 100, false);
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.list().selected(), 20);
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.list().selected(), 19);
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    update(&mut app, wheel(MouseEventKind::ScrollDown));
    assert_eq!(app.list().selected(), 22);
    update(&mut app, wheel(MouseEventKind::ScrollUp));
    assert_eq!(app.list().selected(), 19);
    update(&mut app, ch('G'));
    assert_eq!(app.list().selected(), 99);
    update(&mut app, key(KeyCode::Home));
    assert_eq!(app.list().selected(), 0);
    update(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.list().selected(), 0);
}

#[test]
fn q_and_ctrl_c_quit_and_help_toggles() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('?'));
    assert!(app.help_open());
    update(&mut app, ch('j'));
    assert_eq!(app.list().selected(), 0, "help swallows movement");
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.help_open());
    assert!(!app.should_quit());
    update(&mut app, ch('q'));
    assert!(app.should_quit());
    let (mut app, _) = app_with(80, 24, 5, false);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('c'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    assert!(app.should_quit());
}

#[test]
fn n_opens_the_form_and_esc_closes_it_after_asking() {
    let (mut app, _) = app_with(80, 24, 5, false);
    update(&mut app, ch('n'));
    assert_eq!(app.screen(), Screen::Form);
    update(&mut app, ch('q'));
    assert!(!app.should_quit(), "q is typing while the form is open");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::Form, "a typed q is not thrown away by one key");
    update(&mut app, ch('y'));
    assert_eq!(app.screen(), Screen::List);
}

#[test]
fn resize_keeps_the_selection_visible_and_the_spinner_turns_only_while_busy() {
    let (mut app, _) = app_with(120, 40, 100, false);
    update(&mut app, ch('G'));
    update(&mut app, Msg::Resize { width: 80, height: 24 });
    let (sel, off) = (app.list().selected(), app.list().offset());
    assert!(sel >= off && sel < off + list_rows(24));
    assert!(!app.busy());
    let text = screen_text(&app);
    assert!(text.contains("end of list · 100 leads"));
}

#[test]
fn a_click_selects_the_lead_or_pane_entry_under_it() {
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column,
            row,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    // 120x40: the sidebar is 28 columns wide; the list's rows start under its border and header.
    let (mut app, _) = app_with(120, 40, 100, false);
    for _ in 0..50 {
        update(&mut app, ch('j'));
    }
    let first_visible = app.list().offset();
    update(&mut app, click(60, 2 + 3));
    assert_eq!(app.list().selected(), first_visible + 3);
    // Below the last row on screen: nothing changes.
    update(&mut app, click(60, 39));
    assert_eq!(app.list().selected(), first_visible + 3);
    // The status pane's third entry ("contacted"), then Enter applies it.
    update(&mut app, click(5, 3));
    assert_eq!(app.focus(), Focus::Pane(PaneKind::Status));
    let ApiRequest::List { query, .. } = single_list(&update(&mut app, key(KeyCode::Enter)).requests) else {
        unreachable!()
    };
    assert_eq!(query.status, Some(LeadStatus::Contacted));
    // The assignee pane's second entry (Unassigned).
    update(&mut app, click(5, 12));
    assert_eq!(app.focus(), Focus::Pane(PaneKind::Assignee));
    assert_eq!(app.pane_cursor(PaneKind::Assignee), 1);
    // A click on the list moves focus back to it.
    let (mut app, _) = app_with(120, 40, 100, false);
    update(&mut app, ch('s'));
    update(&mut app, click(60, 4));
    assert_eq!(app.focus(), Focus::List);
    assert_eq!(app.list().selected(), 2);
}

/// Row `y` of a rendered frame, as text.
fn drawn_row(app: &App, y: u16) -> String {
    screen_text(app).lines().nth(usize::from(y)).unwrap_or("").to_string()
}

fn left_click(column: u16, row: u16) -> Msg {
    Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column,
        row,
        modifiers: crossterm::event::KeyModifiers::NONE,
    })
}

/// Clicks every cell row of the list's middle column and of the sidebar, at several sizes and scroll
/// positions, and checks against the frame drawn before the click: a click selects exactly the lead or pane
/// entry drawn on that row, and a click on anything else (borders, header, trailer, status bar) selects
/// nothing.
#[test]
fn every_row_drawn_is_the_row_a_click_selects() {
    // (width, height, leads moved down first, pane focused first)
    let cases: [(u16, u16, usize, Option<char>); 6] = [
        (120, 40, 0, None),
        (120, 40, 60, None),
        (100, 30, 37, None),
        (80, 24, 12, Some('s')),
        (80, 15, 90, Some('a')),
        (60, 16, 5, Some('a')),
    ];
    for (width, height, down, pane_key) in cases {
        let (mut app, _) = app_with(width, height, 100, true);
        for _ in 0..down {
            update(&mut app, ch('j'));
        }
        if let Some(k) = pane_key {
            update(&mut app, ch(k));
            // Walk the pane's cursor to its end so a short pane has to scroll.
            for _ in 0..10 {
                update(&mut app, ch('j'));
            }
        }
        let list_x = width - 10;
        let mut leads_hit = 0;
        let mut entries_hit = 0;
        for y in 0..height {
            // The list.
            let before = drawn_row(&app, y);
            let mut clicked = app.clone();
            let selected_before = clicked.list().selected();
            update(&mut clicked, left_click(list_x, y));
            let selected = clicked.list().selected();
            if clicked.focus() == Focus::List && (selected != selected_before || pane_key.is_none()) {
                let name = clicked.list().leads().get(selected).unwrap().name();
                let first = name.split(' ').next().unwrap_or_default();
                if selected != selected_before || before.contains('›') {
                    assert!(
                        before.contains(first),
                        "{width}x{height}: a click on row {y} selected {name}, but the row shows: {before}"
                    );
                    leads_hit += 1;
                }
            }
            // The sidebar, when it is shown.
            if !app.sidebar_visible() {
                continue;
            }
            let mut clicked = app.clone();
            update(&mut clicked, left_click(5, y));
            let Focus::Pane(pane) = clicked.focus() else {
                continue;
            };
            if clicked.focus() == app.focus() && clicked.pane_cursor(pane) == app.pane_cursor(pane) {
                // The same entry as before, or nothing: only the entry under the cursor may say so.
                let cell: String = before.chars().skip(1).take(26).collect();
                if !cell.trim().is_empty() && !cell.contains('─') {
                    entries_hit += 1;
                }
                continue;
            }
            let index = clicked.pane_cursor(pane);
            let label = match pane {
                PaneKind::Status => leadbox::app::filters::status_options()[index]
                    .as_ref()
                    .map_or("all".to_string(), |s| s.as_str().to_string()),
                PaneKind::Assignee => clicked.assignee_options()[index].label.clone(),
            };
            let drawn: String = before.chars().skip(3).take(24).collect();
            let drawn = drawn.trim().trim_end_matches('…');
            assert!(
                // A label may be drawn with a note after it ("Unassigned (loaded)").
                !drawn.is_empty() && (label.starts_with(drawn) || drawn.starts_with(&label)),
                "{width}x{height}: a click on row {y} chose {label:?} in the {pane:?} pane, but the row shows: {before}"
            );
            entries_hit += 1;
        }
        let visible_leads = list_rows(height).min(100);
        assert!(
            leads_hit + 1 >= visible_leads,
            "{width}x{height}: {leads_hit} of {visible_leads} rows selected their lead"
        );
        if app.sidebar_visible() {
            assert!(
                entries_hit >= 3,
                "{width}x{height}: only {entries_hit} pane entries answered a click"
            );
        }
    }
}
