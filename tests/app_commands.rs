//! The rep's own commands in `update`: a command reads its lead whole before it runs (the list's copy
//! may lack notes and custom fields), runs only on a yes when it asks, refuses clearly when the lead
//! cannot be read, and says how it ended.

use leadbox::api::ApiError;
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::custom_commands::{CommandRun, Ended};
use leadbox::app::{App, Effect, Msg, update};
use leadbox::model::user_command::{Applies, RunMode, UserCommand};

use crate::support::*;

fn command(confirm: bool) -> UserCommand {
    UserCommand {
        name: "enrich".into(),
        key: "c e".into(),
        applies: Applies::Both,
        run: vec!["enrich".into(), "{custom.region}".into(), "{notes}".into()],
        mode: RunMode::Background,
        confirm,
    }
}

fn app(confirm: bool) -> App {
    let commands = vec![command(confirm)];
    let mut settings = settings();
    settings.keymap = settings.keymap.with_commands(&commands).unwrap();
    let mut app = App::new(settings, now(), 120, 40);
    app.use_commands(commands, "acme");
    let start = app.start().requests;
    let req = single_list(&start);
    update(&mut app, listed(&req, leads(0..5), false));
    app
}

fn runs(effects: &[Effect]) -> Vec<CommandRun> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunCommands(runs) => Some(runs.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_command_runs_on_the_lead_as_read_whole_not_the_lists_copy() {
    let mut app = app(false);
    update(&mut app, ch('c'));
    let out = update(&mut app, ch('e'));
    assert!(runs(&out.effects).is_empty(), "nothing runs before the lead is read");
    assert!(app.busy(), "the spinner turns while it is read");
    let id = get_id(&out.requests);
    let mut whole = lead(0);
    whole.notes = Some("called twice".into());
    whole.custom_fields.insert("region".into(), serde_json::json!("apac"));
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id,
            result: Ok(whole.clone()),
        }),
    );
    let runs = runs(&out.effects);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].argv, ["enrich", "apac", "called twice"]);
    let stdin: serde_json::Value = serde_json::from_str(&runs[0].stdin).unwrap();
    assert_eq!(stdin, serde_json::to_value(&whole).unwrap());
    assert!(runs[0].env.contains(&("LEADBOX_PROFILE".into(), "acme".into())));
    assert!(runs[0].env.contains(&("LEADBOX_LEAD_ID".into(), whole.id.clone())));
    assert!(!runs[0].env.iter().any(|(k, _)| k.contains("KEY")), "{:?}", runs[0].env);

    update(
        &mut app,
        Msg::CommandEnded {
            name: "enrich".into(),
            ended: Ended::Failed {
                status: "exit 3".into(),
                stderr: "no such region".into(),
            },
        },
    );
    assert_eq!(app.error(), Some("enrich: exit 3: no such region"));
    update(
        &mut app,
        Msg::CommandEnded {
            name: "enrich".into(),
            ended: Ended::Done { output: String::new() },
        },
    );
    assert_eq!(app.notice(), Some("enrich: done"));
}

#[test]
fn a_command_that_asks_runs_on_yes_only_and_names_the_lead() {
    let mut app = app(true);
    update(&mut app, ch('c'));
    let out = update(&mut app, ch('e'));
    assert!(out.requests.is_empty(), "nothing is read before the yes");
    let asked = app.notice().unwrap().to_string();
    assert!(asked.starts_with("Run enrich? y runs · n does not · on "), "{asked}");
    assert!(asked.contains(lead(0).first_name.as_deref().unwrap()), "{asked}");
    // Any key but yes leaves it unrun, and does nothing else (j does not move).
    let selected = app.list().selected();
    let out = update(&mut app, ch('j'));
    assert!(out.requests.is_empty() && out.effects.is_empty());
    assert_eq!(app.list().selected(), selected);
    assert_eq!(app.notice(), Some("enrich not run"));
    update(&mut app, ch('c'));
    update(&mut app, ch('e'));
    let out = update(&mut app, ch('y'));
    assert!(
        matches!(out.requests.as_slice(), [ApiRequest::Get { .. }]),
        "{:?}",
        out.requests
    );
}

#[test]
fn a_lead_that_cannot_be_read_runs_nothing_and_says_why() {
    let mut app = app(false);
    update(&mut app, ch('c'));
    let id = get_id(&update(&mut app, ch('e')).requests);
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id,
            result: Err(ApiError::Network {
                message: "connection refused".into(),
                maybe_created: false,
            }),
        }),
    );
    assert!(runs(&out.effects).is_empty());
    let said = app.error().unwrap();
    assert!(
        said.starts_with("enrich did not run: the lead could not be read"),
        "{said}"
    );
    assert!(!app.busy());
}

#[test]
fn the_prompt_runs_what_is_typed_and_refuses_what_cannot_be_split() {
    let mut app = app(false);
    update(&mut app, ch('!'));
    for c in "notify 'lead {first_name}' \"{email".chars() {
        update(&mut app, ch(c));
    }
    assert!(app.command_prompt().is_some_and(|(t, _)| t.starts_with("notify")));
    update(&mut app, key(crossterm::event::KeyCode::Enter));
    assert_eq!(app.error(), Some("Not run: the quotes do not close"));
    assert!(app.command_prompt().is_none());
    update(&mut app, ch('!'));
    // Up brings back what was typed; fix its end and run it.
    update(&mut app, key(crossterm::event::KeyCode::Up));
    for c in "}\"".chars() {
        update(&mut app, ch(c));
    }
    let id = get_id(&update(&mut app, key(crossterm::event::KeyCode::Enter)).requests);
    let out = update(
        &mut app,
        Msg::Api(ApiEvent::Fetched {
            id,
            result: Ok(lead(0)),
        }),
    );
    let runs = runs(&out.effects);
    let first = lead(0).first_name.unwrap();
    let email = lead(0).email.unwrap_or_default();
    assert_eq!(runs[0].argv, ["notify".to_string(), format!("lead {first}"), email]);
    assert_eq!(runs[0].name, "notify");
}

#[test]
fn a_command_runs_once_on_each_picked_lead_in_list_order_and_refuses_too_many() {
    let mut app = app(false);
    // Pick the first and the third lead.
    update(&mut app, ch(' '));
    update(&mut app, ch('j'));
    update(&mut app, ch(' '));
    update(&mut app, ch('c'));
    let out = update(&mut app, ch('e'));
    let gets: Vec<(leadbox::api::worker::RequestId, String)> = out
        .requests
        .iter()
        .filter_map(|r| match r {
            ApiRequest::Get { id, lead_id } => Some((*id, lead_id.clone())),
            _ => None,
        })
        .collect();
    let asked: Vec<&str> = gets.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        asked,
        [lead(0).id.as_str(), lead(2).id.as_str()],
        "each picked lead read whole, in list order"
    );
    let mut all = Vec::new();
    // The answers come back in the other order: the runs keep the list's.
    for (id, lead_id) in gets.iter().rev() {
        let n = if *lead_id == lead(0).id { 0 } else { 2 };
        let out = update(
            &mut app,
            Msg::Api(ApiEvent::Fetched {
                id: *id,
                result: Ok(lead(n)),
            }),
        );
        all.extend(runs(&out.effects));
    }
    let ids: Vec<String> = all
        .iter()
        .map(|r| {
            r.env
                .iter()
                .find(|(k, _)| k == "LEADBOX_LEAD_ID")
                .map(|(_, v)| v.clone())
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [lead(0).id.clone(), lead(2).id.clone()]);

    // A hundred and one picked: nothing is read, nothing runs, and the rep is told why.
    let mut app = App::new(
        {
            let mut s = settings();
            s.keymap = s.keymap.with_commands(&[command(false)]).unwrap();
            s
        },
        now(),
        120,
        40,
    );
    app.use_commands(vec![command(false)], "acme");
    let req = single_list(&app.start().requests);
    update(&mut app, listed(&req, leads(0..150), false));
    for _ in 0..=leadbox::app::custom_commands::MOST_LEADS_A_COMMAND {
        update(&mut app, ch(' '));
    }
    update(&mut app, ch('c'));
    let out = update(&mut app, ch('e'));
    assert!(
        out.requests.iter().all(|r| !matches!(r, ApiRequest::Get { .. })),
        "{:?}",
        out.requests
    );
    assert!(runs(&out.effects).is_empty());
    let screen = screen_text(&app);
    assert!(screen.contains("at most 100 leads at once"), "{screen}");
}

#[test]
fn what_is_typed_at_the_prompt_is_kept_for_the_next_start_and_comes_back_with_up() {
    let mut first = app(false);
    let typed = |app: &mut App, line: &str| {
        update(app, ch('!'));
        for c in line.chars() {
            update(app, ch(c));
        }
        update(app, key(crossterm::event::KeyCode::Enter)).effects
    };
    let kept: Vec<String> = ["notify {email}", "crm push {id}"]
        .into_iter()
        .flat_map(|line| typed(&mut first, line))
        .filter_map(|e| match e {
            Effect::RememberCommand(line) => Some(line),
            _ => None,
        })
        .collect();
    assert_eq!(kept, ["notify {email}", "crm push {id}"], "oldest first");

    // The next start: what the state file kept, less what no rep types (a line break, an endless line).
    let mut next = app(false);
    let mut from_disk = kept.clone();
    from_disk.insert(0, "evil\n\u{1b}[2J".to_string());
    from_disk.insert(0, "x".repeat(10_000));
    next.restore_command_history(from_disk);
    update(&mut next, ch('!'));
    update(&mut next, key(crossterm::event::KeyCode::Up));
    assert_eq!(
        next.command_prompt().map(|(t, _)| t.to_string()).as_deref(),
        Some("crm push {id}")
    );
    update(&mut next, key(crossterm::event::KeyCode::Up));
    assert_eq!(
        next.command_prompt().map(|(t, _)| t.to_string()).as_deref(),
        Some("notify {email}")
    );
    update(&mut next, key(crossterm::event::KeyCode::Up));
    assert_eq!(
        next.command_prompt().map(|(t, _)| t.to_string()).as_deref(),
        Some("notify {email}"),
        "nothing older was kept"
    );
    // A command typed now is kept alone: the ones brought back from disk are not written again as newer
    // than what another inbox on the profile typed since.
    update(&mut next, key(crossterm::event::KeyCode::Esc));
    let kept: Vec<Effect> = typed(&mut next, "ping {id}")
        .into_iter()
        .filter(|e| matches!(e, Effect::RememberCommand(_)))
        .collect();
    assert!(
        matches!(kept.as_slice(), [Effect::RememberCommand(line)] if line == "ping {id}"),
        "{kept:?}"
    );
}
