//! What a rep who keeps the inbox open all day uses: `/` search over the loaded leads, loading every page,
//! `J`/`K` through leads from the detail, copying and opening a lead's email, phone or website.

use crate::support::*;
use crossterm::event::KeyCode;
use leadbox::api::worker::ApiRequest;
use leadbox::app::{App, Effect, Screen, update};

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

fn shown_names(app: &App) -> Vec<String> {
    (0..app.list().len())
        .filter_map(|r| app.list().lead_at(r).map(|l| l.name().to_string()))
        .collect()
}

#[test]
fn slash_searches_as_you_type_best_first_and_enter_keeps_it() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch('/'));
    assert!(app.search_box().is_some());
    type_text(&mut app, "lovel");
    let names = shown_names(&app);
    // Only leads with `lovel` within one field match (never letters gathered across fields), the
    // Lovelaces (a word starting with it) first.
    let lovelaces = app
        .list()
        .leads()
        .iter()
        .filter(|l| l.name().contains("Lovelace"))
        .count();
    assert!(lovelaces >= 2 && names.len() >= lovelaces, "{names:?}");
    assert!(names[..lovelaces].iter().all(|n| n.contains("Lovelace")), "{names:?}");
    insta::assert_snapshot!("search_typing_120x40", screen_text(&app));
    let terminal = render(&app);
    let styles = style_runs(terminal.backend().buffer());
    assert!(
        styles.contains("\"Lovel\""),
        "the matched characters are highlighted:\n{styles}"
    );

    // Narrowing keeps only what matched before; a word that matches nothing shows an honest empty list.
    type_text(&mut app, "zzz");
    assert_eq!(app.list().len(), 0);
    assert!(screen_text(&app).contains("No loaded lead matches “lovelzzz”"));
    for _ in 0..3 {
        update(&mut app, key(KeyCode::Backspace));
    }
    assert_eq!(shown_names(&app), names);

    // Enter keeps the filter and gives the keys back to the list.
    update(&mut app, key(KeyCode::Enter));
    assert!(app.search_box().is_none());
    assert_eq!(app.search_query(), Some("lovel"));
    update(&mut app, ch('j'));
    assert_eq!(app.list().selected(), 1);
    assert!(app.list().selected_lead().unwrap().name().contains("Lovelace"));
    insta::assert_snapshot!("search_kept_120x40", screen_text(&app));

    // Esc in the box clears it: every lead again, the selection where it was.
    let selected = app.list().selected_lead().unwrap().id().clone();
    update(&mut app, ch('/'));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.search_query(), None);
    assert_eq!(app.list().len(), 25);
    assert_eq!(app.list().selected_lead().unwrap().id(), selected);
}

#[test]
fn search_ranks_closer_matches_first_and_finds_by_email_and_phone() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch('/'));
    type_text(&mut app, "lead7@");
    assert_eq!(
        shown_names(&app).first().map(String::as_str),
        Some(app.list().leads().get(7).unwrap().name())
    );
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('/'));
    type_text(&mut app, "7946");
    let with_phone = app.list().leads().iter().filter(|l| l.phone().is_some()).count();
    assert_eq!(app.list().len(), with_phone);
}

#[test]
fn results_grow_as_pages_arrive_and_load_all_walks_to_the_end() {
    let (mut app, first) = app_with(120, 40, 25, true);
    update(&mut app, ch('/'));
    type_text(&mut app, "Hedy");
    let before = app.list().len();
    update(&mut app, key(KeyCode::Enter));
    // Under a search the list does not load by itself, however far down the selection goes.
    assert!(update(&mut app, ch('G')).requests.is_empty());
    let out = update(&mut app, ch('L')).requests;
    assert!(app.loading_all());
    let mut pending: Vec<ApiRequest> = first.into_iter().chain(out).collect();
    let mut pages = 0;
    while let Some(req) = pending.iter().find(|r| matches!(r, ApiRequest::List { .. })).cloned() {
        let loaded = app.list().leads().len();
        let end = (loaded + 25).min(200);
        pending = update(&mut app, listed(&req, leads(loaded..end), end < 200)).requests;
        pages += 1;
        assert!(pages < 20, "the walk ends");
    }
    assert_eq!(app.list().leads().len(), 200);
    assert!(!app.loading_all());
    assert!(app.list().len() > before, "more matches came with the pages");
    assert!(app.notice().unwrap_or("").contains("All 200 leads loaded"));
}

#[test]
fn load_all_stops_when_pressed_again_and_on_a_whole_list_says_it_is_whole() {
    let (mut app, _) = app_with(120, 40, 25, true);
    update(&mut app, ch('L'));
    assert!(app.loading_all());
    assert_eq!(app.notice(), Some("Loading every page · L stops"));
    update(&mut app, ch('L'));
    assert!(!app.loading_all());
    assert_eq!(app.notice(), Some("Stopped loading"));

    // Nothing left to load (every page in, as over a mirror): nothing started, so nothing stopped.
    let (mut app, _) = app_with(120, 40, 25, false);
    let out = update(&mut app, ch('L')).requests;
    assert!(!app.loading_all());
    assert!(out.iter().all(|r| !matches!(r, ApiRequest::List { .. })), "{out:?}");
    assert_eq!(app.notice(), Some("All 25 leads loaded"));
}

#[test]
fn load_all_says_how_many_it_loaded_as_counts_are_written() {
    let (mut app, first) = app_with(120, 40, 25, true);
    let out = update(&mut app, ch('L')).requests;
    let mut pending: Vec<ApiRequest> = first.into_iter().chain(out).collect();
    while let Some(req) = pending.iter().find(|r| matches!(r, ApiRequest::List { .. })).cloned() {
        let loaded = app.list().leads().len();
        let end = (loaded + 500).min(1_200);
        pending = update(&mut app, listed(&req, leads(loaded..end), end < 1_200)).requests;
    }
    assert_eq!(app.notice(), Some("All 1,200 leads loaded"));
}

#[test]
fn j_and_k_in_the_detail_walk_the_list_and_load_the_next_page_at_its_end() {
    let (mut app, prefetch) = app_with(80, 24, 25, true);
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen(), Screen::Detail);
    let out = update(&mut app, ch('J')).requests;
    assert!(out.iter().any(|r| matches!(r, ApiRequest::Get { .. })), "{out:?}");
    assert_eq!(app.list().selected(), 1);
    assert_eq!(app.detail().unwrap().view.id(), app.list().leads().get(1).unwrap().id());
    update(&mut app, ch('K'));
    update(&mut app, ch('K'));
    assert_eq!(app.list().selected(), 0);
    assert!(app.notice().unwrap_or("").contains("first lead"));

    // At the last loaded lead, J asks for the next page and opens the lead once it is there.
    for _ in 0..24 {
        update(&mut app, ch('J'));
    }
    assert_eq!(app.list().selected(), 24);
    // The page the list asked for ahead of the rep is still on its way.
    let out = update(&mut app, ch('J')).requests;
    assert!(
        !out.iter().any(|r| matches!(r, ApiRequest::List { .. })),
        "one page in flight at a time"
    );
    let req = single_list(&prefetch);
    assert_eq!(app.list().selected(), 24, "nothing to open yet");
    let out = update(&mut app, listed(&req, leads(25..50), false)).requests;
    assert_eq!(app.list().selected(), 25);
    assert_eq!(app.detail().unwrap().view.id(), lead(25).id);
    assert!(out.iter().any(|r| matches!(r, ApiRequest::Get { .. })));
}

#[test]
fn copy_and_open_keys_hand_the_event_loop_exactly_the_value() {
    let (mut app, _) = app_with(80, 24, 25, false);
    assert!(
        effects_of(&mut app, [ch('j'), ch('y')]).is_empty(),
        "y waits for the field"
    );
    assert_eq!(
        effects_of(&mut app, [ch('e')]),
        vec![Effect::Copy("lead1@example.com".into())]
    );
    assert!(app.notice().unwrap_or("").starts_with("Copied the email"));
    assert!(screen_text(&app).contains("Copied the email"));

    assert_eq!(
        effects_of(&mut app, [ch('o'), ch('e')]),
        vec![Effect::Open("mailto:lead1@example.com".into())]
    );
    // Lead 1 has no phone: said, and nothing is opened.
    assert!(effects_of(&mut app, [ch('o'), ch('p')]).is_empty());
    assert_eq!(app.error(), Some("This lead has no phone"), "a failure, not a success");
    // In the detail the open lead is the one acted on.
    let copies: Vec<Effect> = effects_of(&mut app, [ch('k'), key(KeyCode::Enter), ch('y'), ch('i')])
        .into_iter()
        .filter(|e| matches!(e, Effect::Copy(_)))
        .collect();
    assert_eq!(copies, vec![Effect::Copy(lead(0).id)]);
}

#[test]
fn a_changed_query_starts_at_its_best_match() {
    let (mut app, _) = app_with(80, 24, 25, false);
    for _ in 0..22 {
        update(&mut app, ch('j'));
    }
    assert!(app.list().offset() > 0);
    update(&mut app, ch('/'));
    type_text(&mut app, "lov");
    assert_eq!((app.list().selected(), app.list().offset()), (0, 0));
    assert!(app.list().selected_lead().unwrap().name().contains("Lovelace"));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        app.list().selected(),
        0,
        "a query coming back from the cache starts at the top too"
    );
}
