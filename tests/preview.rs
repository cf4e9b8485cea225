//! The preview pane, driven through `update`: it follows the selection without a request per key (a fetch
//! after the selection keeps still, the one out cancelled when it moves on), keeps what it fetched for
//! going back, and has its own place in the one layout, for clicks as for drawing.

use crate::support::*;
use chrono::Duration;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use leadbox::api::types::Lead;
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::layout::Hit;
use leadbox::app::preview::{PAUSE, Place, Shown};
use leadbox::app::{App, Focus, Msg, update};

fn gets(requests: &[ApiRequest]) -> Vec<(u64, String)> {
    requests
        .iter()
        .filter_map(|r| match r {
            ApiRequest::Get { id, lead_id } => Some((*id, lead_id.clone())),
            _ => None,
        })
        .collect()
}

fn cancels(requests: &[ApiRequest]) -> Vec<u64> {
    requests
        .iter()
        .filter_map(|r| match r {
            ApiRequest::Cancel { id } => Some(*id),
            _ => None,
        })
        .collect()
}

fn fetched(id: u64, lead: Lead) -> Msg {
    Msg::Api(ApiEvent::Fetched { id, result: Ok(lead) })
}

fn tick(at: chrono::DateTime<chrono::Utc>) -> Msg {
    Msg::Tick { now: at }
}

fn click(column: u16, row: u16) -> Msg {
    Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

fn wheel_down(column: u16, row: u16) -> Msg {
    Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

/// 100 leads loaded at `width` x `height`, the preview open and its first fetch (lead 0) answered.
fn previewing(width: u16, height: u16) -> App {
    let mut app = app_loaded(width, height, 100, 100);
    update(&mut app, ch('g'));
    let out = update(&mut app, ch('p')).requests;
    let asked = gets(&out);
    assert_eq!(
        asked.len(),
        1,
        "turning the preview on asks for the selected lead at once: {out:?}"
    );
    assert_eq!(asked[0].1, lead(0).id);
    update(&mut app, fetched(asked[0].0, lead(0)));
    app
}

#[test]
fn holding_j_sends_no_request_until_the_selection_keeps_still() {
    let mut app = previewing(120, 40);
    let mut out = Vec::new();
    for _ in 0..50 {
        out.extend(update(&mut app, ch('j')).requests);
    }
    assert_eq!(app.list().selected(), 50);
    assert!(gets(&out).is_empty(), "no lead asked for while j is held: {out:?}");
    // The list's copy shows meanwhile, the rest said to be on its way.
    assert!(matches!(app.preview_lead(), Shown::Waiting(l) if *l.id() == lead(50).id));
    let text = screen_text(&app);
    assert!(text.contains("loading…"), "{text}");
    assert!(text.contains("lead50@example.com"), "{text}");
    assert!(!text.contains("Notes"), "the notes wait for the fetch: {text}");

    // The first tick arms the pause; only one at least the pause later asks, once, for the lead now selected.
    let t0 = now() + Duration::seconds(1);
    assert!(gets(&update(&mut app, tick(t0)).requests).is_empty());
    assert!(gets(&update(&mut app, tick(t0 + PAUSE / 2)).requests).is_empty());
    let out = update(&mut app, tick(t0 + PAUSE)).requests;
    let asked = gets(&out);
    assert_eq!(asked.len(), 1, "{out:?}");
    assert_eq!(asked[0].1, lead(50).id);
    assert!(
        gets(&update(&mut app, tick(t0 + PAUSE * 4)).requests).is_empty(),
        "asked once"
    );
    assert!(app.busy(), "the fetch turns the spinner");
    update(&mut app, fetched(asked[0].0, lead(50)));
    assert!(matches!(app.preview_lead(), Shown::Whole(l) if *l.id() == lead(50).id));
    assert!(!app.busy());
}

#[test]
fn keys_between_ticks_keep_putting_the_fetch_off() {
    let mut app = previewing(120, 40);
    let mut at = now() + Duration::seconds(1);
    let mut out = Vec::new();
    // Key repeat at about 30 a second with the loop's 200 ms ticks in between: no pause is ever whole.
    for i in 0..60 {
        out.extend(update(&mut app, ch('j')).requests);
        if i % 6 == 5 {
            at += Duration::milliseconds(200);
            out.extend(update(&mut app, tick(at)).requests);
        }
    }
    assert!(gets(&out).is_empty(), "{out:?}");
    // The last tick came after the last key: the pause is armed, and the clock is wanted to end it.
    assert!(
        app.next_wake() <= at + PAUSE,
        "the pane wants the clock to finish its pause"
    );
    let out = update(&mut app, tick(at + Duration::milliseconds(200))).requests;
    assert_eq!(
        gets(&out).iter().map(|g| g.1.clone()).collect::<Vec<_>>(),
        [lead(60).id]
    );
}

#[test]
fn a_fetch_out_is_cancelled_when_the_selection_moves_on_and_its_late_answer_dropped() {
    let mut app = previewing(120, 40);
    update(&mut app, ch('j'));
    let t0 = now() + Duration::seconds(1);
    update(&mut app, tick(t0));
    let (id, lead_id) = gets(&update(&mut app, tick(t0 + PAUSE)).requests)[0].clone();
    assert_eq!(lead_id, lead(1).id);
    let out = update(&mut app, ch('j')).requests;
    assert_eq!(cancels(&out), [id], "the fetch for lead 1 is no longer wanted");
    // Its answer was already on its way: it is not taken for lead 2's.
    update(&mut app, fetched(id, lead(1)));
    assert!(matches!(app.preview_lead(), Shown::Waiting(l) if *l.id() == lead(2).id));
    assert!(!app.busy());
}

#[test]
fn going_back_to_a_lead_read_shows_it_at_once_without_asking_again() {
    let mut app = previewing(120, 40);
    update(&mut app, ch('j'));
    let t0 = now() + Duration::seconds(1);
    update(&mut app, tick(t0));
    let (id, _) = gets(&update(&mut app, tick(t0 + PAUSE)).requests)[0].clone();
    let mut one = lead(1);
    one.notes = Some("Prefers a call after five".into());
    update(&mut app, fetched(id, one));
    update(&mut app, ch('j'));
    update(&mut app, ch('k'));
    update(&mut app, ch('k'));
    assert!(matches!(app.preview_lead(), Shown::Whole(l) if *l.id() == lead(0).id));
    update(&mut app, ch('j'));
    assert!(matches!(app.preview_lead(), Shown::Whole(l) if *l.id() == lead(1).id));
    assert!(screen_text(&app).contains("Prefers a call after five"));
    let mut out = Vec::new();
    for t in 1..5 {
        out.extend(update(&mut app, tick(t0 + PAUSE * (t + 2))).requests);
    }
    assert!(gets(&out).is_empty(), "fresh copies are not asked for again: {out:?}");
    // After a while the copy is asked for again, shown meanwhile.
    let later = t0 + Duration::minutes(5);
    update(&mut app, tick(later));
    let out = update(&mut app, tick(later + PAUSE)).requests;
    assert_eq!(gets(&out).len(), 1, "{out:?}");
    assert!(matches!(app.preview_lead(), Shown::Whole(l) if *l.id() == lead(1).id));
}

#[test]
fn the_pane_goes_beside_a_wide_list_and_below_a_narrow_one_and_p_switches() {
    let app = previewing(160, 50);
    assert_eq!(app.preview_place(), Place::Right);
    let layout = app.layout();
    let pane = layout.preview.expect("the pane is laid out");
    assert!(
        layout.sidebar.is_some(),
        "160 columns keep the filters beside list and preview"
    );
    assert!(layout.list.block.width >= 80, "{:?}", layout.list.block);
    assert_eq!(pane.block.x, layout.list.block.right());

    let mut app = previewing(80, 24);
    assert_eq!(app.preview_place(), Place::Below);
    let layout = app.layout();
    let pane = layout.preview.expect("the pane is laid out");
    assert_eq!(pane.block.y, layout.list.block.bottom());
    // The list's rows are fewer, and the selection's moves know it.
    let rows = app.list_rows();
    assert_eq!(rows, layout.list.row_count());
    assert!(rows < leadbox::app::list_rows(24));
    for _ in 0..rows {
        update(&mut app, ch('j'));
    }
    let layout = app.layout();
    assert_eq!(layout.list.first, 1, "the window scrolls by the rows it shows");

    update(&mut app, ch('P'));
    assert_eq!(app.preview_place(), Place::Right);
    update(&mut app, Msg::Resize { width: 200, height: 60 });
    update(&mut app, ch('P'));
    assert_eq!(app.preview_place(), Place::Below, "the rep's choice holds at any width");

    update(&mut app, ch('p'));
    assert!(app.layout().preview.is_none());
    assert_eq!(app.list_rows(), leadbox::app::list_rows(60));
}

#[test]
fn a_click_in_the_pane_gives_it_the_keys_and_a_click_on_a_row_still_selects() {
    // Below the list, in two columns: the right one scrolls.
    let mut app = previewing(100, 30);
    let layout = app.layout();
    let pane = layout.preview.expect("pane");
    let inside = (pane.text.x + 2, pane.text.y + 1);
    assert_eq!(layout.hit(inside.0, inside.1), Some(Hit::Preview));
    update(&mut app, click(inside.0, inside.1));
    assert_eq!(app.focus(), Focus::Preview);
    assert_eq!(app.list().selected(), 0, "the selection stays");
    // The moving keys scroll the pane now, not the list.
    update(&mut app, ch('j'));
    assert_eq!(app.list().selected(), 0);
    assert_eq!(app.preview().scroll, 1);
    // J reads the next lead in the pane, the keys staying with it.
    update(&mut app, ch('J'));
    assert_eq!(app.list().selected(), 1);
    assert_eq!(app.focus(), Focus::Preview);
    assert_eq!(app.preview().scroll, 0, "a new lead starts at its top");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.focus(), Focus::List);

    // A row of the list beside the pane still selects its lead.
    let layout = app.layout();
    let row = layout.list.rows.y + 4;
    assert_eq!(
        layout.hit(layout.list.rows.x + 3, row),
        Some(Hit::Lead(layout.list.first + 4))
    );
    update(&mut app, click(layout.list.rows.x + 3, row));
    assert_eq!(app.list().selected(), layout.list.first + 4);

    // The wheel over the pane scrolls it, over the list it moves the selection.
    let before = app.list().selected();
    let t0 = now() + Duration::seconds(1);
    update(&mut app, tick(t0));
    let (id, _) = gets(&update(&mut app, tick(t0 + PAUSE)).requests)[0].clone();
    update(&mut app, fetched(id, lead(before)));
    update(&mut app, wheel_down(inside.0, inside.1));
    assert_eq!(app.list().selected(), before);
    assert_eq!(app.preview().scroll, 3);
    update(&mut app, wheel_down(layout.list.rows.x + 3, row));
    assert_eq!(app.list().selected(), before + 3);
}

#[test]
fn tab_reaches_the_pane_and_the_filters_give_way_to_it_at_narrow_widths() {
    let mut app = previewing(120, 40);
    assert!(
        app.layout().sidebar.is_none(),
        "at 120 columns the preview takes the sidebar's place"
    );
    update(&mut app, key(KeyCode::BackTab));
    assert_eq!(app.focus(), Focus::Preview);
    update(&mut app, key(KeyCode::BackTab));
    assert!(matches!(app.focus(), Focus::Pane(_)));
    assert!(app.layout().sidebar.is_some(), "a pane with the keys still shows");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus(), Focus::Preview);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus(), Focus::List);
    // Turned off, the sidebar is back where it always shows.
    update(&mut app, ch('p'));
    assert!(app.layout().sidebar.is_some());
}

#[test]
fn the_pane_waits_on_the_detail_screen_and_takes_the_detail_s_copy_back() {
    let mut app = previewing(120, 40);
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let id = get_id(&out);
    let mut one = lead(1);
    one.notes = Some("Asked for the annual price".into());
    update(&mut app, fetched(id, one));
    // Ticks on the detail screen ask nothing for the hidden pane.
    let t0 = now() + Duration::seconds(1);
    let mut out = update(&mut app, tick(t0)).requests;
    out.extend(update(&mut app, tick(t0 + PAUSE)).requests);
    assert!(gets(&out).is_empty(), "{out:?}");
    update(&mut app, key(KeyCode::Esc));
    assert!(matches!(app.preview_lead(), Shown::Whole(l) if *l.id() == lead(1).id));
    assert!(screen_text(&app).contains("Asked for the annual price"));
}

/// Moves `steps` down and lets the pause pass, answering the fetch with `answer`.
fn settle_on(app: &mut App, steps: usize, answer: Lead) {
    for _ in 0..steps {
        update(app, ch('j'));
    }
    let t0 = now() + Duration::seconds(1);
    update(app, tick(t0));
    let (id, lead_id) = gets(&update(app, tick(t0 + PAUSE)).requests)[0].clone();
    assert_eq!(lead_id, answer.id);
    update(app, fetched(id, answer));
}

#[test]
fn preview_snapshots_80x24_and_160x50() {
    // Lead 2 has notes, attribution and custom fields.
    let mut app = previewing(80, 24);
    settle_on(&mut app, 2, lead(2));
    insta::assert_snapshot!("preview_below_80x24", screen_text(&app));
    update(&mut app, ch('j'));
    insta::assert_snapshot!("preview_waiting_80x24", screen_text(&app));

    let mut app = previewing(160, 50);
    settle_on(&mut app, 2, lead(2));
    insta::assert_snapshot!("preview_beside_160x50", screen_text(&app));
    insta::assert_snapshot!(
        "preview_beside_160x50_styles",
        style_runs(render(&app).backend().buffer())
    );
}

#[test]
fn a_failed_fetch_is_said_in_the_pane_and_not_asked_again_until_the_rep_comes_back() {
    let mut app = previewing(120, 40);
    update(&mut app, ch('j'));
    let t0 = now() + Duration::seconds(1);
    update(&mut app, tick(t0));
    let (id, _) = gets(&update(&mut app, tick(t0 + PAUSE)).requests)[0].clone();
    let failed = leadbox::api::ApiError::Network {
        message: "connection refused".into(),
        maybe_created: false,
    };
    update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id,
            result: Err(failed),
        }),
    );
    let text = screen_text(&app);
    assert!(text.contains("✖ not loaded"), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(
        text.contains("lead1@example.com"),
        "the list's copy still shows: {text}"
    );
    let mut out = Vec::new();
    for n in 2..10 {
        out.extend(update(&mut app, tick(t0 + PAUSE * n)).requests);
    }
    assert!(
        gets(&out).is_empty(),
        "a failure is not retried behind the rep's back: {out:?}"
    );
    update(&mut app, ch('j'));
    update(&mut app, ch('k'));
    let t1 = t0 + Duration::seconds(10);
    update(&mut app, tick(t1));
    let out = update(&mut app, tick(t1 + PAUSE)).requests;
    assert_eq!(gets(&out).iter().map(|g| g.1.clone()).collect::<Vec<_>>(), [lead(1).id]);
}
