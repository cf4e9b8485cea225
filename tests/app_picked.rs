//! Picking many leads (`space`, `V`, `U`) and the keys that then act on all of them at once: done, star,
//! copy and export; what the status bar and the rows say of the picks; `R` reading the leads on screen
//! again.

use crate::support::*;
use crossterm::event::KeyCode;
use leadbox::api::ApiError;
use leadbox::api::types::{Lead, LeadStatus};
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::{App, Effect, ExportTarget, Msg, Screen, update};
use leadbox::model::Marks;
use leadbox::store::LocalState;
use leadbox::store::state::StateError;

fn ids_of(app: &App) -> Vec<String> {
    app.acted_on_leads().iter().map(|l| l.id().to_string()).collect()
}

fn get_many(requests: &[ApiRequest]) -> (u64, Vec<String>) {
    requests
        .iter()
        .find_map(|r| match r {
            ApiRequest::GetMany { id, lead_ids } => Some((*id, lead_ids.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no GetMany in {requests:?}"))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

#[test]
fn space_picks_and_moves_down_v_picks_every_lead_shown_u_unpicks_them_all() {
    let (mut app, _) = app_with(120, 40, 25, false);
    for _ in 0..3 {
        update(&mut app, ch(' '));
    }
    assert_eq!(app.picked_count(), 3);
    assert_eq!(
        app.list().selected(),
        3,
        "each pick moves down, so holding space picks a run"
    );
    let screen = screen_text(&app);
    assert!(screen.contains("3 picked"), "{screen}");
    // The picked rows carry the gutter's mark; the others do not.
    let marked = screen.lines().filter(|l| l.contains("││▌")).count();
    assert_eq!(marked, 3, "{screen}");

    // Back up and space again: unpicked.
    update(&mut app, ch('k'));
    update(&mut app, ch(' '));
    assert_eq!(app.picked_count(), 2);
    assert_eq!(
        ids_of(&app),
        vec![
            app.list().leads().get(0).unwrap().id().to_string(),
            app.list().leads().get(1).unwrap().id().to_string()
        ],
        "the picked leads, in the list's order"
    );

    update(&mut app, ch('V'));
    assert_eq!(app.picked_count(), 25);
    update(&mut app, ch('U'));
    assert_eq!(app.picked_count(), 0);
    assert_eq!(app.notice(), Some("Unpicked 25 leads"));
    assert!(!screen_text(&app).contains("25 picked"));
    // Nothing picked: the keys act on the selected lead alone.
    assert_eq!(ids_of(&app), vec![app.list().selected_lead().unwrap().id().to_string()]);
}

#[test]
fn picks_hidden_by_a_search_are_counted_as_hidden_and_still_acted_on() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch('V'));
    // Only some leads match: the others stay picked, out of sight, and the bar says so.
    update(&mut app, ch('/'));
    type_text(&mut app, "lead1");
    update(&mut app, key(KeyCode::Enter));
    let shown = app.list().len();
    assert!(shown > 0 && shown < 25, "{shown}");
    assert_eq!(app.picked_hidden(), 25 - shown);
    let screen = screen_text(&app);
    assert!(
        screen.contains(&format!("25 picked ({} hidden)", 25 - shown)),
        "{screen}"
    );
    assert_eq!(app.acted_on_leads().len(), 25, "the hidden ones too");
    // The search cleared: every pick is in sight again.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.picked_hidden(), 0);
    assert!(screen_text(&app).contains("25 picked "));
}

#[test]
fn a_new_list_from_the_tenant_drops_the_picks() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    assert_eq!(app.picked_count(), 2);
    update(&mut app, ch('r'));
    assert_eq!(app.picked_count(), 0, "the leads picked are no longer the list");
}

/// Counts how the marks reach the disk: one write for many leads, or one a lead.
#[derive(Default)]
struct Counting {
    one_by_one: usize,
    batches: Vec<usize>,
}

impl LocalState for Counting {
    fn change_marks(&mut self, _: &str, _: Marks, _: Marks) -> Result<(), StateError> {
        self.one_by_one += 1;
        Ok(())
    }
    fn change_many_marks(&mut self, changes: &[(String, Marks, Marks)]) -> Result<(), StateError> {
        self.batches.push(changes.len());
        Ok(())
    }
    fn put_outbox(&mut self, _: &leadbox::outbox::OutboxEntry) -> Result<(), StateError> {
        Ok(())
    }
    fn remove_outbox(&mut self, _: &str, _: u64) -> Result<(), StateError> {
        Ok(())
    }
    fn cache_page(&mut self, _: &str, _: &[Lead]) -> Result<(), StateError> {
        Ok(())
    }
    fn remember_view(&mut self, _: &str) -> Result<(), StateError> {
        Ok(())
    }
    fn outbox(&mut self) -> Option<Vec<leadbox::outbox::OutboxEntry>> {
        None
    }
}

#[test]
fn done_over_a_thousand_picked_leads_is_one_update_one_write_and_no_request() {
    let mut app = app_loaded(120, 40, 1000, 100);
    assert_eq!(app.list().len(), 1000);
    update(&mut app, ch('V'));
    assert_eq!(app.picked_count(), 1000);
    let ids: Vec<_> = app.list().leads().iter().map(|l| l.id().clone()).collect();

    let mut disk = Counting::default();
    let out = leadbox::step::step(&mut app, ch('d'), &mut disk);
    assert!(out.requests.is_empty(), "marks are local: nothing asked of the tenant");
    assert_eq!(disk.batches, vec![1000], "every mark in one write");
    assert_eq!(disk.one_by_one, 0);
    // The state after that one update: every lead done, the Inbox empty, the picks done with.
    assert!(ids.iter().all(|id| app.marks_of(id).done));
    assert_eq!(app.list().len(), 0, "the Inbox hides done leads");
    assert_eq!(app.picked_count(), 0);
    assert_eq!(app.notice(), Some("Done: 1000 picked leads · u undoes"));
    // The next frame draws with nothing left to do.
    let screen = screen_text(&app);
    assert!(screen.contains("Done: 1000 picked leads"), "{screen}");

    // `u` puts back all thousand at once.
    let out = leadbox::step::step(&mut app, ch('u'), &mut disk);
    assert!(out.requests.is_empty());
    assert_eq!(disk.batches, vec![1000, 1000]);
    assert!(ids.iter().all(|id| !app.marks_of(id).done));
    assert_eq!(app.list().len(), 1000);
}

#[test]
fn star_sets_every_picked_lead_unless_all_are_starred_and_rows_show_the_marks() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch('3')); // All: done leads stay in sight
    update(&mut app, ch('*'));
    let first = app.list().leads().get(0).unwrap().id().clone();
    assert!(app.marks_of(&first).starred);
    update(&mut app, ch('g'));
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    // One of the two is starred already: both end starred.
    update(&mut app, ch('*'));
    let second = app.list().leads().get(1).unwrap().id().clone();
    assert!(app.marks_of(&first).starred && app.marks_of(&second).starred);
    assert_eq!(app.notice(), Some("Starred: 2 picked leads · u undoes"));
    // Both starred: the same key unstars both.
    update(&mut app, ch('g'));
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    update(&mut app, ch('*'));
    assert!(!app.marks_of(&first).starred && !app.marks_of(&second).starred);

    update(&mut app, ch('g'));
    update(&mut app, ch('*'));
    update(&mut app, ch('j'));
    update(&mut app, ch('d'));
    let screen = screen_text(&app);
    let row = |name_of: usize| {
        let lead = app.list().leads().get(name_of).unwrap();
        screen
            .lines()
            .find(|l| l.contains(lead.name()) && l.contains(lead.status().as_str()))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row(0).contains("││  ★"), "{screen}");
    assert!(row(1).contains("││ ›✓") || row(1).contains("││  ✓"), "{screen}");
}

#[test]
fn copy_with_picks_copies_each_picked_leads_field_one_a_line_in_list_order() {
    let mut app = app_loaded(120, 40, 1000, 100);
    update(&mut app, ch('V'));
    let effects = effects_of(&mut app, [ch('y'), ch('e')]);
    let copied = effects
        .iter()
        .find_map(|e| match e {
            Effect::Copy(text) => Some(text.clone()),
            _ => None,
        })
        .expect("a copy");
    let lines: Vec<&str> = copied.lines().collect();
    assert_eq!(lines.len(), 1000);
    assert_eq!(lines[0], "lead0@example.com");
    assert_eq!(lines[999], "lead999@example.com");
    assert_eq!(app.notice(), Some("Copied 1,000 emails, one a line"));
    assert_eq!(app.picked_count(), 1000, "copying keeps the picks");

    // Phones: only every third lead has one; the rest are counted, not copied as blank lines.
    let effects = effects_of(&mut app, [ch('y'), ch('p')]);
    let Some(Effect::Copy(phones)) = effects.iter().find(|e| matches!(e, Effect::Copy(_))) else {
        panic!("no copy in {effects:?}")
    };
    assert_eq!(phones.lines().count(), 334);
    assert_eq!(app.notice(), Some("Copied 334 phones, one a line (666 without one)"));

    let effects = effects_of(&mut app, [ch('y'), ch('i')]);
    let Some(Effect::Copy(ids)) = effects.iter().find(|e| matches!(e, Effect::Copy(_))) else {
        panic!("no copy in {effects:?}")
    };
    assert_eq!(ids.lines().next(), Some(lead(0).id.as_str()));
}

#[test]
fn export_reads_the_picked_leads_whole_and_hands_their_json_lines_to_the_command_typed() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    update(&mut app, ch('E'));
    assert_eq!(app.export_prompt(), Some(("", 2)));
    assert!(screen_text(&app).contains("Export 2 leads to (a file, or |command):"));
    type_text(&mut app, "|jq -c .");
    let out = update(&mut app, key(KeyCode::Enter));
    let (id, asked) = get_many(&out.requests);
    assert_eq!(
        asked,
        vec![lead(0).id.clone(), lead(1).id.clone()],
        "one request for all, in list order"
    );
    assert!(app.export_prompt().is_none());

    // The tenant's copies are whole: the notes and custom fields the list may lack go out with them.
    let mut whole = lead(0);
    whole.notes = Some("Called \u{1b}[31mtwice".to_string());
    let answer = Msg::Api(ApiEvent::FetchedMany {
        id,
        results: vec![(whole.id.clone(), Ok(whole.clone())), (lead(1).id.clone(), Ok(lead(1)))],
    });
    let effects = update(&mut app, answer).effects;
    let Some(Effect::Export { target, text, count }) = effects.iter().find(|e| matches!(e, Effect::Export { .. }))
    else {
        panic!("no export in {effects:?}")
    };
    assert_eq!(target, &ExportTarget::Command("jq -c .".to_string()));
    assert_eq!(*count, 2);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(!text.contains('\u{1b}'), "escapes are written as \\u escapes: {text}");
    let back: Lead = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(back, whole, "the lead as the tenant sent it, byte for byte once parsed");
    let back: Lead = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(back.id, lead(1).id);

    update(
        &mut app,
        Msg::Exported {
            target: target.clone(),
            count: 2,
            result: Ok(()),
        },
    );
    assert_eq!(app.notice(), Some("Exported 2 leads to |jq -c ."));
}

#[test]
fn an_export_with_a_lead_that_could_not_be_read_writes_nothing_and_keeps_the_picks() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    update(&mut app, ch('E'));
    type_text(&mut app, "leads.jsonl");
    let (id, _) = get_many(&update(&mut app, key(KeyCode::Enter)).requests);
    let gone = ApiError::NotFound {
        message: "no such lead".to_string(),
    };
    let answer = Msg::Api(ApiEvent::FetchedMany {
        id,
        results: vec![(lead(0).id.clone(), Ok(lead(0))), (lead(1).id.clone(), Err(gone))],
    });
    let effects = update(&mut app, answer).effects;
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Export { .. })),
        "{effects:?}"
    );
    assert!(
        app.error()
            .unwrap_or("")
            .starts_with("Nothing exported: 1 of 2 leads could not be read")
    );
    assert_eq!(app.picked_count(), 2);

    // Esc at the prompt exports nothing, and nothing is asked for.
    update(&mut app, ch('E'));
    type_text(&mut app, "x");
    let out = update(&mut app, key(KeyCode::Esc));
    assert!(out.requests.is_empty());
    assert!(app.export_prompt().is_none());
    assert_eq!(app.notice(), Some("Nothing exported"));
}

#[test]
fn the_detail_acts_on_the_lead_open_not_on_the_picks() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, ch(' '));
    update(&mut app, ch(' '));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(ids_of(&app), vec![lead(2).id.clone()]);
    let screen = screen_text(&app);
    assert!(
        !screen.contains("picked"),
        "the detail's keys act on the open lead alone: {screen}"
    );
    // Back in the list, the picks are still there and counted.
    update(&mut app, key(KeyCode::Esc));
    assert!(screen_text(&app).contains("2 picked"));
}

#[test]
fn refresh_reads_the_first_page_and_the_rows_on_screen_and_says_what_changed() {
    let (mut app, _) = app_with(80, 24, 100, true);
    update(&mut app, key(KeyCode::PageDown));
    update(&mut app, key(KeyCode::PageDown));
    let out = update(&mut app, ch('R'));
    let page = out
        .requests
        .iter()
        .find(|r| matches!(r, ApiRequest::Latest { .. }))
        .cloned()
        .expect("the first page again, from the tenant itself");
    let (rows, ids) = get_many(&out.requests);
    let offset = app.list().offset();
    assert_eq!(
        ids.len(),
        leadbox::app::list_rows(24),
        "no more than the rows on screen"
    );
    assert_eq!(ids[0], lead(offset).id);
    assert!(app.busy());

    // Someone set a lead on screen to won and another's assignee in the web app; a lead arrived.
    let mut won = lead(offset + 1);
    won.status = LeadStatus::Converted;
    let mut handed = lead(offset + 2);
    handed.assigned_to = None;
    let results = ids
        .iter()
        .map(|id| {
            let lead = [won.clone(), handed.clone()]
                .into_iter()
                .find(|w| w.id == *id)
                .unwrap_or_else(|| lead_by_id(id));
            (id.clone(), Ok(lead))
        })
        .collect();
    update(&mut app, Msg::Api(ApiEvent::FetchedMany { id: rows, results }));
    assert_eq!(app.notice(), Some("Refreshing…"), "not done until both answers are in");
    let mut fresh = lead(0);
    fresh.id = "99999999-0000-4000-8000-000000000000".to_string();
    fresh.created_at = now();
    // The first page as the same tenant has it: the changed leads among it are changed there too.
    let mut first = vec![fresh];
    first.extend(leads(0..25).into_iter().map(|l| {
        [won.clone(), handed.clone()]
            .into_iter()
            .find(|w| w.id == l.id)
            .unwrap_or(l)
    }));
    update(&mut app, listed(&page, first, true));
    assert_eq!(
        app.notice(),
        Some("Refreshed · 2 changed · 1 new"),
        "{:?}",
        (offset, &ids)
    );
    assert!(!app.busy());
    let shown = app.list().leads().iter().find(|l| l.id().is(&won.id)).unwrap();
    assert_eq!(shown.status(), LeadStatus::Converted);

    // Nothing changed since: said so.
    let out = update(&mut app, ch('R'));
    let page = out
        .requests
        .iter()
        .find(|r| matches!(r, ApiRequest::Latest { .. }))
        .cloned()
        .expect("the first page again");
    let (rows, ids) = get_many(&out.requests);
    let results = ids
        .iter()
        .map(|id| {
            let lead = [won.clone(), handed.clone()]
                .into_iter()
                .find(|w| w.id == *id)
                .unwrap_or_else(|| lead_by_id(id));
            (id.clone(), Ok(lead))
        })
        .collect();
    update(&mut app, Msg::Api(ApiEvent::FetchedMany { id: rows, results }));
    update(&mut app, listed(&page, vec![], true));
    assert_eq!(app.notice(), Some("Refreshed · nothing changed"));
}

/// The support lead with this id (its number is the id's last part).
fn lead_by_id(id: &str) -> Lead {
    let n = id
        .rsplit('-')
        .next()
        .and_then(|n| usize::from_str_radix(n, 16).ok())
        .unwrap();
    lead(n)
}

#[test]
fn picked_rows_and_their_count_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (mut app, _) = app_with(w, h, 25, false);
        update(&mut app, ch('3'));
        update(&mut app, ch('*'));
        update(&mut app, ch('j'));
        update(&mut app, ch('d'));
        update(&mut app, ch('g'));
        for _ in 0..3 {
            update(&mut app, ch(' '));
        }
        insta::assert_snapshot!(format!("picked_rows_{w}x{h}"), screen_text(&app));
    }
}

#[test]
fn view_tabs_give_way_gracefully_at_80_columns() {
    let saved = |name: &str| leadbox::config::ViewConfig {
        name: name.to_string(),
        status: Some(LeadStatus::New),
        assigned_to: None,
    };
    let views = leadbox::app::views::views(
        &[saved("mine"), saved("qualified this week"), saved("follow up")],
        None,
        &profile(),
    )
    .0;
    let settings = leadbox::app::AppSettings { views, ..settings() };
    let mut app = App::new(settings, now(), 120, 40);
    let req = single_list(&app.start().requests);
    update(&mut app, listed(&req, leads(0..5), false));
    let top = |app: &App| screen_text(app).lines().next().unwrap_or_default().to_string();
    assert!(
        top(&app).contains("1 Inbox · 2 Starred · 3 All · 4 mine · 5 qualified this week · 6 follow up ·"),
        "{}",
        top(&app)
    );
    update(&mut app, Msg::Resize { width: 80, height: 24 });
    // At 80 columns the other views keep their numbers; the open one keeps its name.
    let line = top(&app);
    assert!(line.contains(" 1 Inbox · 2 · 3 · 4 · 5 · 6 "), "{line}");
    assert_eq!(unicode_width::UnicodeWidthStr::width(line.as_str()), 80);
    update(&mut app, ch('5'));
    let line = top(&app);
    assert!(line.contains(" 1 · 2 · 3 · 4 · 5 qualified this week · 6 "), "{line}");
    insta::assert_snapshot!("view_tabs_80x24", line);
}
