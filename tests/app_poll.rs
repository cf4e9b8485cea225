//! New leads without a restart: `update` polls the first page every 30 s of tick time, beside the page walk,
//! and puts leads it has not listed yet on top without moving the user's place.

use crate::support::*;
use chrono::Duration;
use crossterm::event::KeyCode;
use leadbox::api::ApiError;
use leadbox::api::types::{Lead, LeadStatus};
use leadbox::api::worker::ApiRequest;
use leadbox::app::list::PageState;
use leadbox::app::poll::POLL_SIZE;

/// The period `support::settings` polls at.
const POLL_EVERY_SECS: i64 = 30;
use leadbox::app::{App, Msg, list_rows, update};

fn tick_at(app: &mut App, millis: i64) -> Vec<ApiRequest> {
    update(
        app,
        Msg::Tick {
            now: now() + Duration::milliseconds(millis),
        },
    )
    .requests
}

fn list_requests(out: &[ApiRequest]) -> Vec<ApiRequest> {
    out.iter()
        .filter(|r| matches!(r, ApiRequest::List { .. }))
        .cloned()
        .collect()
}

fn id_of(r: &ApiRequest) -> u64 {
    match r {
        ApiRequest::List { id, .. }
        | ApiRequest::Latest { id, .. }
        | ApiRequest::Get { id, .. }
        | ApiRequest::GetMany { id, .. }
        | ApiRequest::Create { id, .. }
        | ApiRequest::FindCreated { id, .. } => *id,
        ApiRequest::Cancel { id } => *id,
    }
}

/// The poll sent by a tick at `millis`: exactly one list request, for the first page, known to the app as
/// its poll.
fn poll_at(app: &mut App, millis: i64) -> ApiRequest {
    let out = tick_at(app, millis);
    let poll = single_list(&out);
    let ApiRequest::List { id, cursor, query } = &poll else {
        unreachable!()
    };
    assert_eq!(cursor, &None, "a poll asks for the first page");
    let listed = app.list().query();
    assert_eq!(
        (&query.status, &query.assigned_to),
        (&listed.status, &listed.assigned_to),
        "for the filter in force"
    );
    assert!(query.limit.is_some() && query.limit <= listed.limit, "{query:?}");
    assert_eq!(app.poll_in_flight(), Some(*id));
    assert_ne!(app.list().in_flight(), Some(*id), "the walk does not wait for the poll");
    poll
}

/// A lead that arrived after the list loaded: `n` minutes from now, so newer than every listed lead.
fn arrival(n: usize) -> Lead {
    let mut l = lead(9_000 + n);
    l.created_at = now() + Duration::minutes(n as i64);
    l
}

fn ids(app: &App) -> Vec<String> {
    app.list().leads().iter().map(|l| l.id().to_string()).collect()
}

fn unavailable() -> ApiError {
    ApiError::Server {
        status: 503,
        message: "Service Unavailable".into(),
        maybe_created: false,
    }
}

#[test]
fn no_poll_before_30_s_exactly_one_at_30_s_and_none_while_it_is_in_flight() {
    assert_eq!(i64::from(settings().poll_every_secs), POLL_EVERY_SECS);
    let (mut app, out) = app_with(80, 24, 25, false);
    assert!(out.is_empty());
    for ms in (0..30_000).step_by(200) {
        assert!(tick_at(&mut app, ms).is_empty(), "nothing at {ms} ms");
    }
    let poll = poll_at(&mut app, 30_000);
    for ms in (30_200..=120_000).step_by(200) {
        assert!(tick_at(&mut app, ms).is_empty(), "the poll is in flight at {ms} ms");
    }
    // Answered (nothing new): the next one goes out at once, since 30 s have passed since the last was sent.
    update(&mut app, listed(&poll, leads(0..25), false));
    assert_eq!(app.poll_in_flight(), None);
    let again = poll_at(&mut app, 120_200);
    assert_ne!(id_of(&again), id_of(&poll), "each poll has its own request id");
    assert_eq!(app.list().len(), 25);
    assert_eq!(app.notice(), None, "nothing new, nothing said");
}

#[test]
fn the_poll_runs_beside_the_walk_without_touching_it() {
    // 25 loaded with more: the second page is asked for at once and is still in flight at 30 s.
    let (mut app, out) = app_with(80, 24, 25, true);
    let page = single_list(&out);
    let poll = poll_at(&mut app, 30_000);
    assert_eq!(app.list().in_flight(), Some(id_of(&page)));
    let mut fresh = vec![arrival(1)];
    fresh.extend(leads(0..24));
    update(&mut app, listed(&poll, fresh, true));
    assert_eq!(app.list().len(), 26);
    assert_eq!(
        app.list().in_flight(),
        Some(id_of(&page)),
        "the walk still waits for its page"
    );
    // The walk's page follows its own cursor and lands under the rest.
    update(&mut app, listed(&page, leads(25..40), false));
    assert_eq!(app.list().len(), 41);
    assert_eq!(app.list().pages(), &PageState::Done);
    assert_eq!(app.list().leads().get(0).unwrap().id(), arrival(1).id);
    assert_eq!(app.list().leads().get(40).unwrap().id(), lead(39).id);
}

#[test]
fn no_poll_while_the_first_page_has_not_loaded_or_failed() {
    let mut app = App::new(settings(), now(), 80, 24);
    let first = single_list(&app.start().requests);
    for ms in (0..=90_000).step_by(200) {
        assert!(tick_at(&mut app, ms).is_empty(), "first page in flight at {ms} ms");
    }
    // The first page fails: the only list requests from here on are its retries, never a poll.
    update(&mut app, list_failed(&first, unavailable()));
    let mut retries = 0;
    for ms in (90_200..=300_000).step_by(200) {
        for r in list_requests(&tick_at(&mut app, ms)) {
            assert_eq!(app.poll_in_flight(), None, "no poll at {ms} ms");
            assert_eq!(
                app.list().in_flight(),
                Some(id_of(&r)),
                "a retry of the walk's first page"
            );
            retries += 1;
            update(&mut app, list_failed(&r, unavailable()));
        }
    }
    assert!(retries > 0);
    assert!(app.list().is_first_load());
}

#[test]
fn new_leads_land_on_top_once_and_the_selected_lead_stays_selected_and_on_screen() {
    let (mut app, _) = app_with(80, 24, 100, false);
    for _ in 0..50 {
        update(&mut app, ch('j'));
    }
    let rows = list_rows(24);
    let (selected, offset) = (app.list().selected(), app.list().offset());
    assert_eq!(selected, 50);
    assert!(offset > 0, "scrolled: the window must move with the insert");
    let row_on_screen = selected - offset;

    let poll = poll_at(&mut app, 30_000);
    // Newest first: three arrivals (one of them twice), then the first page as it was, shifted down.
    let mut page = vec![arrival(3), arrival(2), arrival(3), arrival(1)];
    page.extend(leads(0..21));
    update(&mut app, listed(&poll, page, true));
    assert!(!app.unchanged(), "new leads: a frame is due");

    let got = ids(&app);
    assert_eq!(got.len(), 103);
    assert_eq!(got[..4], [arrival(3).id, arrival(2).id, arrival(1).id, lead(0).id]);
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "no lead listed twice");
    assert_eq!(app.list().selected_lead().unwrap().id(), lead(50).id);
    assert_eq!(app.list().selected(), selected + 3);
    assert_eq!(app.list().offset(), offset + 3);
    assert_eq!(
        app.list().selected() - app.list().offset(),
        row_on_screen,
        "the screen does not jump"
    );
    assert!(row_on_screen < rows);
    assert_eq!(app.notice(), Some("3 new leads"));

    // The same answer again adds nothing and says nothing (the notice went with the next key).
    update(&mut app, ch('j'));
    update(&mut app, ch('k'));
    assert_eq!(app.notice(), None);
    let poll = poll_at(&mut app, 60_000);
    let mut page = vec![arrival(3), arrival(2), arrival(1)];
    page.extend(leads(0..22));
    let before = render(&app).backend().buffer().clone();
    update(&mut app, listed(&poll, page, true));
    assert!(app.unchanged(), "nothing new: the idle inbox draws nothing");
    assert_eq!(
        render(&app).backend().buffer(),
        &before,
        "and the frame would be the same"
    );
    assert_eq!(ids(&app), got);
    assert_eq!(app.list().selected_lead().unwrap().id(), lead(50).id);
    assert_eq!(app.notice(), None);

    // One more: said in the singular.
    let poll = poll_at(&mut app, 90_000);
    update(&mut app, listed(&poll, vec![arrival(4), arrival(3)], true));
    assert_eq!(app.list().leads().get(0).unwrap().id(), arrival(4).id);
    assert_eq!(app.notice(), Some("1 new lead"));
    assert_eq!(app.list().selected_lead().unwrap().id(), lead(50).id);
}

#[test]
fn a_poll_asks_for_a_few_leads_and_for_a_full_page_at_once_when_all_were_new() {
    let (mut app, _) = app_with(80, 24, 100, false);
    let page_size = app.list().query().limit.unwrap();
    let limit = |r: &ApiRequest| match r {
        ApiRequest::List { query, .. } => query.limit,
        _ => None,
    };
    let poll = poll_at(&mut app, 30_000);
    assert_eq!(limit(&poll), Some(POLL_SIZE));
    // Ten arrivals, all new: more may have come than the poll asked for.
    let burst: Vec<Lead> = (1..=15).rev().map(arrival).collect();
    update(&mut app, listed(&poll, burst[..POLL_SIZE as usize].to_vec(), true));
    assert_eq!(app.list().len(), 110);
    assert!(app.next_wake() <= now() + Duration::seconds(30), "due at once");
    let wide = single_list(&tick_at(&mut app, 30_200));
    assert_eq!(limit(&wide), Some(page_size), "a full page follows at once");
    let ApiRequest::List { cursor, .. } = &wide else {
        unreachable!()
    };
    assert!(cursor.is_some(), "from where the small poll ended");
    let mut page = burst.clone();
    page.extend(leads(0..85));
    update(&mut app, listed(&wide, page, true));
    assert_eq!(app.list().len(), 115, "the five the small poll missed are there");
    assert_eq!(
        ids(&app)[..15],
        burst.iter().map(|l| l.id.clone()).collect::<Vec<_>>()[..],
        "newest first"
    );
    // Back to small polls, every 30 s.
    assert!(list_requests(&tick_at(&mut app, 59_000)).is_empty());
    let poll = poll_at(&mut app, 60_200);
    assert_eq!(limit(&poll), Some(POLL_SIZE));
}

#[test]
fn an_idle_inbox_wakes_for_the_poll_a_retry_or_an_age_on_screen_turning_only() {
    use leadbox::text::age;
    let (mut app, _) = app_with(80, 24, 100, false);
    tick_at(&mut app, 10_500);
    // The poll clock started with the first page, at 0 s: due at 30 s, before the newest lead turns 8m.
    assert_eq!(app.next_wake(), now() + Duration::seconds(POLL_EVERY_SECS));
    let shown_ages = |app: &App, at| -> Vec<String> {
        let rows = list_rows(24);
        (app.list().offset()..app.list().offset() + rows)
            .filter_map(|r| app.list().lead_at(r))
            .map(|l| age(l.created_at(), at))
            .collect()
    };
    // At the top, the newest lead is 7 minutes old: "7m" turns "8m" one minute on.
    assert_eq!(app.ages_change_after(now()), now() + Duration::minutes(1));
    // Far down, every lead shown is days old: nothing to draw for hours.
    update(&mut app, key(KeyCode::End));
    let at = now() + Duration::seconds(10);
    let change = app.ages_change_after(at);
    assert!(change > at + Duration::hours(1), "{change}");
    assert_eq!(
        shown_ages(&app, change - Duration::seconds(1)),
        shown_ages(&app, at),
        "nothing shown changes before"
    );
    assert_ne!(
        shown_ages(&app, change),
        shown_ages(&app, at),
        "something shown changes then"
    );
    // The poll still comes every period.
    let poll = poll_at(&mut app, 30_000);
    update(&mut app, listed(&poll, vec![lead(0)], false));
    assert_eq!(app.next_wake(), now() + Duration::seconds(2 * POLL_EVERY_SECS));
}

#[test]
fn a_new_lead_in_an_empty_list_is_shown_and_selected() {
    let (mut app, _) = app_with(80, 24, 0, false);
    let poll = poll_at(&mut app, 30_000);
    update(&mut app, listed(&poll, vec![arrival(1)], false));
    assert_eq!(ids(&app), [arrival(1).id]);
    assert_eq!(app.list().selected(), 0);
    assert_eq!(app.list().offset(), 0);
}

#[test]
fn a_poll_for_the_old_filter_is_cancelled_and_its_late_answer_dropped() {
    let (mut app, _) = app_with(80, 24, 25, false);
    let poll = poll_at(&mut app, 30_000);
    // Choose status "new" while the poll is out.
    update(&mut app, ch('s'));
    update(&mut app, ch('j'));
    let out = update(&mut app, key(KeyCode::Enter)).requests;
    assert!(out.contains(&ApiRequest::Cancel { id: id_of(&poll) }));
    assert_eq!(app.poll_in_flight(), None);
    let page = single_list(&out);
    let news: Vec<_> = leads(0..70)
        .into_iter()
        .filter(|l| l.status == LeadStatus::New)
        .collect();
    update(&mut app, listed(&page, news.clone(), false));
    let before = ids(&app);

    // The old filter's poll answer was already on its way: dropped, whatever it holds.
    let out = update(&mut app, listed(&poll, vec![arrival(1), arrival(2)], false)).requests;
    assert!(out.is_empty());
    assert_eq!(ids(&app), before);
    assert_eq!(app.notice(), None);
    // The new filter's clock started with its first page (at 30 s): the next poll is for the new filter.
    assert!(list_requests(&tick_at(&mut app, 59_800)).is_empty());
    let ApiRequest::List { query, .. } = poll_at(&mut app, 60_000) else {
        unreachable!()
    };
    assert_eq!(query.status, Some(LeadStatus::New));
}

#[test]
fn r_restarts_the_poll_clock() {
    let (mut app, _) = app_with(80, 24, 25, false);
    tick_at(&mut app, 20_000);
    let page = single_list(&update(&mut app, ch('r')).requests);
    update(&mut app, listed(&page, leads(0..25), false));
    // Without the restart a poll would be due at 30 s; the reloaded first page counts as a fresh look.
    for ms in (20_200..50_000).step_by(200) {
        assert!(tick_at(&mut app, ms).is_empty(), "nothing at {ms} ms");
    }
    poll_at(&mut app, 50_000);
}

#[test]
fn a_failed_poll_leaves_the_list_intact_is_said_once_and_polling_goes_on() {
    let (mut app, out) = app_with(80, 24, 25, true);
    let page = single_list(&out);
    for _ in 0..5 {
        update(&mut app, ch('j'));
    }
    let poll = poll_at(&mut app, 30_000);
    let out = update(&mut app, list_failed(&poll, unavailable())).requests;
    assert!(out.is_empty());
    assert_eq!(app.error(), Some(unavailable().to_string().as_str()));
    assert_eq!(app.list().len(), 25);
    assert_eq!(app.list().selected(), 5);
    assert_eq!(app.list().in_flight(), Some(id_of(&page)), "the walk goes on");
    update(&mut app, listed(&page, leads(25..50), false));
    assert_eq!(app.list().len(), 50);
    assert_eq!(app.error(), None, "the page's success clears the error line");

    // The same failure again is not news.
    let poll = poll_at(&mut app, 60_000);
    update(&mut app, list_failed(&poll, unavailable()));
    assert_eq!(app.error(), None);
    // Another failure is.
    let poll = poll_at(&mut app, 90_000);
    let reset = ApiError::Network {
        message: "connection reset".into(),
        maybe_created: false,
    };
    update(&mut app, list_failed(&poll, reset.clone()));
    assert_eq!(app.error(), Some(reset.to_string().as_str()));
    assert_eq!(app.list().len(), 50);
    // A poll that works again clears its own error and brings what arrived meanwhile.
    let poll = poll_at(&mut app, 120_000);
    update(&mut app, listed(&poll, vec![arrival(1), lead(0)], true));
    assert_eq!(app.error(), None);
    assert_eq!(app.list().len(), 51);
    assert_eq!(app.list().selected_lead().unwrap().id(), lead(5).id);
}

/// An app whose profile names the rep and a saved view of their leads, with alerts set as given.
fn alerting(alerts: leadbox::app::views::Alerts) -> App {
    let saved = [leadbox::config::ViewConfig {
        name: "mine".into(),
        status: None,
        assigned_to: Some("me".into()),
    }];
    let (views, warnings) = leadbox::app::views::views(&saved, Some(BRUNO), &profile());
    assert!(warnings.is_empty());
    let settings = leadbox::app::AppSettings {
        me: Some(BRUNO.into()),
        views,
        alerts,
        ..settings()
    };
    let mut app = App::new(settings, now(), 80, 24);
    let start = app.start().requests;
    update(&mut app, listed(&single_list(&start), leads(0..20), false));
    app
}

fn alerts_after_poll(app: &mut App, arrivals: Vec<Lead>) -> Vec<leadbox::app::Effect> {
    let poll = poll_at(app, POLL_EVERY_SECS * 1000 + 10);
    update(app, listed(&poll, arrivals, false))
        .effects
        .into_iter()
        .filter(|e| matches!(e, leadbox::app::Effect::Alert { .. }))
        .collect()
}

#[test]
fn new_leads_of_the_chosen_view_ring_and_notify_others_stay_quiet() {
    use leadbox::app::Effect;
    use leadbox::app::views::{Alerts, Notify};
    let on = Alerts {
        bell: true,
        notify: Notify::Osc9,
        view: Some("mine".into()),
    };
    // arrival(1) is lead 9001: assigned to BRUNO (9001 % 5 == 1); arrival(2) is unassigned.
    let mut app = alerting(on.clone());
    let found = alerts_after_poll(&mut app, vec![arrival(2), arrival(1)]);
    assert_eq!(found.len(), 1, "{found:?}");
    let Effect::Alert { bell, notify, text } = &found[0] else {
        unreachable!()
    };
    assert!(*bell && *notify == Notify::Osc9);
    assert!(text.starts_with("New lead in mine: "), "{text}");

    let mut app = alerting(on);
    assert!(
        alerts_after_poll(&mut app, vec![arrival(2)]).is_empty(),
        "not the rep's"
    );
    let mut app = alerting(Alerts::default());
    assert!(
        alerts_after_poll(&mut app, vec![arrival(1)]).is_empty(),
        "off unless configured"
    );
}

#[test]
fn more_than_a_page_of_new_leads_between_two_polls_all_appear_by_following_the_cursors() {
    let (mut app, _) = app_with(80, 24, 100, false);
    // 250 leads arrived since the list loaded, newest first, then the leads already shown.
    let mut server: Vec<Lead> = (1..=250).rev().map(arrival).collect();
    server.extend(leads(0..100));
    let page_of = |req: &ApiRequest| -> (Vec<Lead>, bool) {
        let ApiRequest::List { query, cursor, .. } = req else {
            unreachable!()
        };
        let start: usize = cursor
            .as_deref()
            .map_or(0, |c| c.trim_start_matches('c').parse().unwrap());
        let end = (start + query.limit.unwrap() as usize).min(server.len());
        (server[start..end].to_vec(), end < server.len())
    };
    let answer = |app: &mut App, req: &ApiRequest| {
        let (data, more) = page_of(req);
        let ApiRequest::List { id, cursor, query } = req else {
            unreachable!()
        };
        let start: usize = cursor
            .as_deref()
            .map_or(0, |c| c.trim_start_matches('c').parse().unwrap());
        let end = start + query.limit.unwrap() as usize;
        update(
            app,
            Msg::Api(leadbox::api::worker::ApiEvent::Listed {
                id: *id,
                cursor: cursor.clone(),
                result: Ok(leadbox::api::types::Page {
                    data,
                    next_cursor: more.then(|| format!("c{end}")),
                    has_more: more,
                }),
            }),
        );
    };
    let first = poll_at(&mut app, 30_000);
    answer(&mut app, &first);
    let mut requests = 1;
    let mut t = 30_000;
    loop {
        t += 100;
        let out = list_requests(&tick_at(&mut app, t));
        let Some(next) = out.first() else { break };
        answer(&mut app, next);
        requests += 1;
        assert!(requests < 30, "a few pages, not an endless walk");
    }
    assert_eq!(app.list().len(), 350, "every new lead, past the first page too");
    let expected: Vec<String> = server.iter().map(|l| l.id.clone()).collect();
    assert_eq!(ids(&app), expected, "newest first, each once");
    assert_eq!(
        requests,
        1 + 240_usize.div_ceil(25),
        "10, then full pages until one holds a lead already shown"
    );
}

#[test]
fn a_poll_that_brings_a_listed_lead_changed_shows_the_change_where_the_lead_stands() {
    let (mut app, _) = app_with(120, 40, 25, false);
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Down));
    let poll = poll_at(&mut app, 30_000);
    // A colleague qualified lead 1 and gave lead 3 to someone else in Novala's web app.
    let mut page = leads(0..10);
    page[1].status = LeadStatus::parse_known("qualified").unwrap();
    page[3].assigned_to = Some("b1ea6bd8-6503-42dc-a553-583617e08e42".into());
    let before = ids(&app);
    let out = update(&mut app, listed(&poll, page.clone(), false));
    assert!(!app.unchanged(), "the change is drawn");
    assert!(out.requests.is_empty());
    assert_eq!(ids(&app), before, "nothing added, nothing moved");
    assert_eq!(app.list().selected(), 2, "the rep's place is kept");
    assert_eq!(app.list().leads().get(1).unwrap().status().as_str(), "qualified");
    assert_eq!(
        app.list()
            .leads()
            .get(3)
            .unwrap()
            .assignee()
            .map(|a| a.to_string())
            .as_deref(),
        Some("b1ea6bd8-6503-42dc-a553-583617e08e42")
    );
    assert!(screen_text(&app).contains("qualified"), "{}", screen_text(&app));
    // The same page again changes nothing.
    let again = poll_at(&mut app, 60_000);
    update(&mut app, listed(&again, page, false));
    assert!(app.unchanged(), "nothing new to draw");
}
