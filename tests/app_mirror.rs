//! The app over a whole mirror, through `update` and `draw`: every page is asked for at once, the status
//! bar says how fresh the mirror is and that the tenant is gone, a lead opened offline says it is as last
//! synced, and a first sync that finishes mid-session waits for the next list.

use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::{App, Msg, update};
use leadbox::sync::background::SyncNews;

use crate::support::*;

/// Enter on the selected lead, answered by the tenant with `result`.
fn open_answered(app: &mut App, result: Result<leadbox::api::types::Lead, leadbox::api::ApiError>) {
    let id = get_id(&update(app, key(crossterm::event::KeyCode::Enter)).requests);
    update(app, Msg::Api(ApiEvent::Fetched { id, result }));
}

/// Enter on the first lead, answered by the mirror because the tenant is out of reach.
fn open_as_last_synced(app: &mut App) {
    let id = get_id(&update(app, key(crossterm::event::KeyCode::Enter)).requests);
    update(
        app,
        Msg::Api(ApiEvent::FetchedKept {
            id,
            lead: lead(0),
            why: refused(),
        }),
    );
}

#[test]
fn a_lead_opened_with_the_tenant_out_of_reach_says_offline_before_any_sync_fails() {
    let mut app = app_on_mirror(120, 40, 3, 30);
    assert_eq!(app.mirror_words().as_deref(), Some("synced 3m ago"));
    open_as_last_synced(&mut app);
    let screen = screen_text(&app);
    assert!(
        screen.contains("offline: as last synced") && screen.contains("offline · synced 3m ago"),
        "{screen}"
    );
    assert!(!screen.contains("up to date"), "{screen}");
}

fn list_requests(requests: &[ApiRequest]) -> Vec<ApiRequest> {
    requests
        .iter()
        .filter(|r| matches!(r, ApiRequest::List { .. }))
        .cloned()
        .collect()
}

#[test]
fn a_whole_mirror_loads_every_page_and_says_when_it_is_offline() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, Some(now() - chrono::Duration::minutes(14)));
    let first = single_list(&app.start().requests);
    // Far from the end of a short first page, the next is asked for at once: the mirror costs no tenant.
    let next = update(&mut app, listed(&first, leads(0..100), true)).requests;
    let next = list_requests(&next);
    assert_eq!(next.len(), 1, "the next page at once: {next:?}");
    update(&mut app, listed(&next[0], leads(100..150), false));
    assert_eq!(app.list().leads().len(), 150);
    update(
        &mut app,
        Msg::Sync(SyncNews::Failed {
            why: "connection refused".into(),
            last: None,
        }),
    );
    let screen = screen_text(&app);
    assert!(screen.contains("offline · synced 14m ago"), "{screen}");

    // A lead opened now comes from the mirror: the detail says so.
    open_as_last_synced(&mut app);
    let screen = screen_text(&app);
    assert!(screen.contains("offline: as last synced"), "{screen}");
    // Opened again with the tenant back: as the tenant has it, and no longer offline.
    update(&mut app, key(crossterm::event::KeyCode::Esc));
    open_answered(&mut app, Ok(lead(0)));
    let screen = screen_text(&app);
    assert!(screen.contains("up to date") && !screen.contains("offline"), "{screen}");
    update(&mut app, key(crossterm::event::KeyCode::Esc));

    // Another leadbox on the profile syncs it well: its freshness, read from the file, is this one's too.
    update(
        &mut app,
        Msg::Sync(SyncNews::Elsewhere {
            pid: Some(4242),
            synced_at: Some(now() - chrono::Duration::minutes(2)),
        }),
    );
    assert_eq!(app.mirror_words().as_deref(), Some("synced 2m ago"));

    // The tenant answers again: the words follow.
    let at = now();
    update(
        &mut app,
        Msg::Sync(SyncNews::Synced {
            at,
            complete: true,
            leads: 150,
            new: 0,
            changed: 0,
            changed_leads: Vec::new(),
        }),
    );
    assert_eq!(app.mirror_words().as_deref(), Some("synced just now"));
}

#[test]
fn a_first_sync_that_finishes_mid_session_waits_for_the_next_list() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(false, None);
    let first = single_list(&app.start().requests);
    // From the tenant, pages come as the rep scrolls: no second page yet.
    let out = update(&mut app, listed(&first, leads(0..100), true)).requests;
    assert!(list_requests(&out).is_empty(), "{out:?}");
    update(&mut app, Msg::Sync(SyncNews::Filling { leads: 700 }));
    assert_eq!(app.mirror_words().as_deref(), Some("mirroring · 700 leads"));
    let out = update(
        &mut app,
        Msg::Sync(SyncNews::Synced {
            at: now(),
            complete: true,
            leads: 900,
            new: 900,
            changed: 0,
            changed_leads: Vec::new(),
        }),
    )
    .requests;
    assert!(out.is_empty(), "the list in front of the rep is not swapped: {out:?}");
    assert!(!app.mirror().unwrap().whole);
    // The next list (a status chosen in its pane) comes from the mirror, whole.
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(crossterm::event::KeyCode::Enter)).requests;
    assert!(app.mirror().unwrap().whole);
    let first = list_requests(&out);
    let next = update(&mut app, listed(&first[0], leads(0..100), true)).requests;
    assert_eq!(list_requests(&next).len(), 1, "every page at once now");
}

#[test]
fn a_change_the_sweep_found_shows_at_once_wherever_the_lead_stands() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, Some(now()));
    let first = single_list(&app.start().requests);
    let mut asked = first;
    let total = 5_000;
    for start in (0..total).step_by(1_000) {
        let out = update(
            &mut app,
            listed(&asked, leads(start..start + 1_000), start + 1_000 < total),
        )
        .requests;
        if let Some(next) = list_requests(&out).first() {
            asked = next.clone();
        }
    }
    assert_eq!(app.list().leads().len(), total);
    // A colleague qualified the lead 4,500 rows down and took one near the top, in Novala's web app.
    let deep = 4_500;
    let mut qualified = lead(deep);
    qualified.status = leadbox::api::types::LeadStatus::Qualified;
    let mut taken = lead(3);
    taken.assigned_to = Some(ADA.to_string());
    assert_ne!(lead(deep).status, qualified.status);
    assert_ne!(lead(3).assigned_to, taken.assigned_to);
    update(
        &mut app,
        Msg::Sync(SyncNews::Synced {
            at: now(),
            complete: true,
            leads: total as u64,
            new: 0,
            changed: 2,
            changed_leads: vec![qualified.clone(), taken.clone()],
        }),
    );
    let listed = app.list().leads();
    let at = listed.iter().position(|l| l.id().is(&qualified.id)).unwrap();
    assert_eq!(at, deep, "the lead stays where it stands");
    assert_eq!(listed.get(at).unwrap().status(), qualified.status);
    let taken_at = listed.iter().position(|l| l.id().is(&taken.id)).unwrap();
    assert_eq!(
        listed
            .get(taken_at)
            .unwrap()
            .assignee()
            .map(|a| a.as_str().into_owned()),
        taken.assigned_to
    );
    assert_eq!(listed.len(), total, "nothing added or lost");
}

#[test]
fn the_first_page_kept_for_the_next_start_is_a_screenful_however_many_leads_it_brought() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, None);
    let first = single_list(&app.start().requests);
    let out = update(&mut app, listed(&first, leads(0..1_000), true));
    let kept: Vec<usize> = out
        .effects
        .iter()
        .filter_map(|e| match e {
            leadbox::app::Effect::CachePage { leads, .. } => Some(leads.len()),
            _ => None,
        })
        .collect();
    // The page size (25 here): what the next start reads before its first frame.
    assert_eq!(kept, [25]);
    assert_eq!(app.list().leads().len(), 1_000, "the list itself keeps every lead");
}

#[test]
fn pages_joining_a_list_the_inbox_narrows_are_judged_alone_and_come_out_as_a_fresh_look_would() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, None);
    // Done leads the Inbox hides and opened leads the unread count leaves out, in every page to come.
    let marks: std::collections::HashMap<String, leadbox::model::Marks> = (0..400)
        .filter(|i| i % 7 == 0 || i % 5 == 0)
        .map(|i| {
            let m = leadbox::model::Marks {
                done: i % 7 == 0,
                seen: i % 5 == 0,
                starred: false,
            };
            (lead(i).id, m)
        })
        .collect();
    app.restore_triage(marks, None);
    let mut request = single_list(&app.start().requests);
    for page in 0..4 {
        let (from, to) = (page * 100, page * 100 + 100);
        let out = update(&mut app, listed(&request, leads(from..to), to < 400)).requests;
        let shown: Vec<usize> = (0..app.list().len())
            .map(|r| app.list().lead_at(r).unwrap().id().to_string())
            .map(|id| (0..to).find(|&i| lead(i).id == id).unwrap())
            .collect();
        let expected: Vec<usize> = (0..to).filter(|i| i % 7 != 0).collect();
        assert_eq!(
            shown, expected,
            "after page {page}: every lead but the done ones, in list order"
        );
        let unread = expected.iter().filter(|i| *i % 5 != 0).count();
        assert_eq!(app.unread(), unread, "after page {page}");
        if to < 400 {
            request = list_requests(&out).pop().expect("the next page");
        }
    }
    // A lead marked done now: the whole list is looked at again, and still comes out right.
    update(&mut app, key(crossterm::event::KeyCode::Char('d')));
    let expected = (0..400).filter(|i| i % 7 != 0).count() - 1;
    assert_eq!(app.list().len(), expected);
}

#[test]
fn a_lead_assigned_in_the_web_app_leaves_the_unassigned_rows_though_no_row_moved() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, Some(now()));
    let first = single_list(&app.start().requests);
    update(&mut app, listed(&first, leads(0..25), false));
    update(&mut app, ch('a'));
    update(&mut app, ch('j'));
    update(&mut app, key(crossterm::event::KeyCode::Enter));
    assert!(app.unassigned_only());
    assert_eq!(app.list().len(), 5, "every fifth lead of the test data has no assignee");
    let shown_id = app.list().lead_at(1).unwrap().id().to_string();
    let mut taken = (0..25).map(lead).find(|l| l.id == shown_id).unwrap();
    assert_eq!(taken.assigned_to, None);
    taken.assigned_to = Some("u-bruno".into());
    update(
        &mut app,
        Msg::Sync(SyncNews::Synced {
            at: now(),
            complete: true,
            leads: 25,
            new: 0,
            changed: 1,
            changed_leads: vec![taken.clone()],
        }),
    );
    assert_eq!(app.list().len(), 4);
    assert!((0..app.list().len()).all(|r| app.list().lead_at(r).is_some_and(|l| !l.id().is(&taken.id))));
}

#[test]
fn a_refresh_over_a_whole_mirror_counts_only_what_the_tenant_changed() {
    let mut app = App::new(settings(), now(), 120, 40);
    app.use_mirror(true, Some(now()));
    let first = single_list(&app.start().requests);
    // The mirror's lists hold leads without what only the detail reads.
    let copies = leads(0..60).into_iter().map(leadbox::model::lead::list_copy).collect();
    update(&mut app, listed(&first, copies, false));
    let out = update(&mut app, ch('R')).requests;
    let page = out
        .iter()
        .find(|r| matches!(r, ApiRequest::Latest { .. }))
        .cloned()
        .expect("the first page from the tenant itself");
    let (rows, ids) = out
        .iter()
        .find_map(|r| match r {
            ApiRequest::GetMany { id, lead_ids } => Some((*id, lead_ids.clone())),
            _ => None,
        })
        .expect("the rows on screen");
    // The tenant gives every lead whole (notes, custom fields); one row's status moved on in the web app.
    let moved = ids[3].clone();
    let whole = |id: &str| {
        let mut lead = leads(0..60).into_iter().find(|l| l.id == id).expect("a listed lead");
        if lead.id == moved {
            lead.status = leadbox::api::types::LeadStatus::parse_known("converted").unwrap();
        }
        lead
    };
    assert!(
        ids.iter().any(|id| whole(id).notes.is_some()) && ids.iter().any(|id| !whole(id).custom_fields.is_empty()),
        "the tenant's leads carry what the mirror's lists leave out"
    );
    let results = ids.iter().map(|id| (id.clone(), Ok(whole(id)))).collect();
    update(&mut app, Msg::Api(ApiEvent::FetchedMany { id: rows, results }));
    let tenant_page = leads(0..60).iter().map(|l| whole(&l.id)).collect();
    update(&mut app, listed(&page, tenant_page, true));
    assert_eq!(app.notice(), Some("Refreshed · 1 changed"));
    let row = app
        .list()
        .leads()
        .iter()
        .find(|l| l.id().is(&moved))
        .expect("still listed");
    assert_eq!(row.status().as_str(), "converted");
}

#[test]
fn the_bar_says_how_fresh_the_mirror_is_before_it_gives_room_to_more_hints() {
    for (width, height) in [(120u16, 40u16), (80, 24)] {
        let app = app_on_mirror(width, height, 3, 150);
        let screen = screen_text(&app);
        let bar = screen.lines().last().unwrap_or_default().to_string();
        assert!(bar.contains("150 loaded"), "{width}: {bar}");
        assert!(bar.contains("synced 3m ago"), "{width}: {bar}");
        assert!(bar.contains("? help"), "{width}: help's key stays: {bar}");
    }
}

#[test]
fn a_lead_neither_the_tenant_nor_the_mirror_can_give_says_offline_all_the_same() {
    let mut app = app_on_mirror(120, 40, 3, 30);
    open_answered(&mut app, Err(refused()));
    assert_eq!(app.mirror_words().as_deref(), Some("offline · synced 3m ago"));
    // Opened again once the tenant answers: online again.
    update(&mut app, key(crossterm::event::KeyCode::Esc));
    open_answered(&mut app, Ok(lead(0)));
    assert_eq!(app.mirror_words().as_deref(), Some("synced 3m ago"));
}
