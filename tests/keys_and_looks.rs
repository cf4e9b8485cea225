//! What the config file's `[keys]`, `[theme]` and `me` change on screen: a remapped key works and is the
//! key every hint and help shows, `NO_COLOR` draws without colour yet keeps focus and selection visible,
//! and "Assigned to me" leads the assignee pane.

use std::collections::BTreeMap;

use crate::support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadbox::api::worker::ApiRequest;
use leadbox::app::filters::{ASSIGNED_TO_ME, PaneKind};
use leadbox::app::{App, AppSettings, Focus, Msg, Screen, update};
use leadbox::keymap::Keymap;
use leadbox::theme::Theme;
use ratatui::style::{Color, Modifier};

fn app_from(settings: AppSettings, width: u16, height: u16, first: usize) -> App {
    let mut app = App::new(settings, now(), width, height);
    let start = app.start().requests;
    let req = single_list(&start);
    update(&mut app, listed(&req, leads(0..first), true));
    app
}

fn remapped() -> Keymap {
    let overrides: BTreeMap<String, Vec<String>> = [
        ("new_lead", vec!["ctrl-n"]),
        ("help", vec!["f1"]),
        ("filter_status", vec!["S"]),
        ("top", vec!["g g"]),
    ]
    .into_iter()
    .map(|(a, k)| (a.to_string(), k.into_iter().map(str::to_string).collect()))
    .collect();
    Keymap::with_overrides(&overrides).unwrap()
}

#[test]
fn a_remapped_key_works_and_is_the_key_shown_everywhere() {
    let settings = AppSettings {
        keymap: remapped(),
        ..settings()
    };
    let mut app = app_from(settings.clone(), 120, 40, 25);
    let text = screen_text(&app);
    let bar = text.lines().last().unwrap();
    assert!(bar.contains("↵ open · / search · S/a filter"), "{bar}");
    assert!(bar.trim_end().ends_with("F1 help"), "{bar}");

    // The old keys do nothing; the new ones work.
    update(&mut app, ch('n'));
    assert_eq!(app.screen(), Screen::List);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
    );
    assert_eq!(app.screen(), Screen::Form);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::List);
    update(&mut app, Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    assert!(app.help_open());
    insta::assert_snapshot!("help_remapped_120x40", screen_text(&app));
    update(&mut app, key(KeyCode::Esc));

    // A sequence: one `g` waits, the second jumps to the top.
    for _ in 0..5 {
        update(&mut app, ch('j'));
    }
    update(&mut app, ch('g'));
    assert_eq!(app.list().selected(), 5);
    update(&mut app, ch('g'));
    assert_eq!(app.list().selected(), 0);

    // The empty list names the remapped key too.
    let mut empty = App::new(settings, now(), 80, 24);
    let start = empty.start().requests;
    update(&mut empty, listed(&single_list(&start), Vec::new(), false));
    let text = screen_text(&empty);
    assert!(text.contains("Press ctrl-n to add the first one"), "{text}");
}

#[test]
fn no_color_draws_without_colour_and_keeps_focus_and_selection_visible() {
    let settings = AppSettings {
        theme: Theme::from_config(None, &BTreeMap::new(), true).unwrap(),
        ..settings()
    };
    let mut app = app_from(settings, 120, 40, 25);
    update(&mut app, ch('j'));
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a coloured cell under NO_COLOR: {cell:?}"
        );
    }
    // The selected row (the second lead, on screen row 3) is drawn in reverse video.
    assert!(buffer[(40, 3)].modifier.contains(Modifier::REVERSED));
    assert!(!buffer[(40, 2)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!("list_no_color_120x40_styles", style_runs(buffer));
}

#[test]
fn assigned_to_me_leads_the_assignee_pane_and_filters_to_the_rep() {
    let settings = AppSettings {
        me: Some(BRUNO.to_string()),
        ..settings()
    };
    let mut app = app_from(settings, 120, 40, 25);
    let labels: Vec<String> = app.assignee_options().into_iter().map(|o| o.label).collect();
    assert_eq!(labels[1], ASSIGNED_TO_ME);
    assert_eq!(labels.iter().filter(|l| l.contains("Bruno")).count(), 0, "{labels:?}");
    update(&mut app, ch('a'));
    update(&mut app, ch('j'));
    assert_eq!(app.focus(), Focus::Pane(PaneKind::Assignee));
    insta::assert_snapshot!("assignee_pane_me_120x40", screen_text(&app));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    let ApiRequest::List { query, .. } = single_list(&out) else {
        unreachable!()
    };
    assert_eq!(query.assigned_to.as_deref(), Some(BRUNO));
    // Team names replace ids in the list.
    let text = screen_text(&app);
    assert!(text.contains("Ada Admin") || text.contains("Bruno Sales"), "{text}");
    // The bar says whose leads these are as the pane did: the rep's own, whatever the roster calls them.
    let bar = text.lines().last().unwrap_or_default();
    assert!(bar.contains("assignee: me"), "{bar}");
}
