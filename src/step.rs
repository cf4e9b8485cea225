//! One step of the inbox's event loop: a message through `update`, what it asked to keep on disk carried
//! out in order, and only then its requests sent. A request for an outbox entry whose record did not reach
//! the disk never leaves: the app is told, and puts the entry (and the form it came from) back.

use crate::api::worker::{ApiRequest, RequestId};
use crate::app::{self, App, Effect, Msg, Output};
use crate::store::LocalState;

/// An outbox write that failed.
struct Failed {
    key: String,
    why: String,
    conflict: bool,
}

/// At most this many rounds of "not kept, put back" in one step: each round can only give entries back,
/// so this is never reached in practice; it bounds a store that fails in some new way.
const ROUNDS: usize = 8;

/// Hands `msg` to the app, keeps what it asked to keep, and returns the requests that may leave and the
/// effects for the terminal (clipboard, links, alerts, the editor), in order.
pub fn step(app: &mut App, msg: Msg, local: &mut impl LocalState) -> Output {
    let out = app::update(app, msg);
    settle(app, out, local)
}

/// Keeps what the app asked to keep in `out` (from `update`, or `App::start`), and returns the requests of
/// it that may leave with the effects for the terminal.
pub fn settle(app: &mut App, out: Output, local: &mut impl LocalState) -> Output {
    let Output { mut requests, effects } = out;
    let mut terminal = Vec::new();
    let mut failed = keep(app, local, effects, &mut terminal);
    for _ in 0..ROUNDS {
        if failed.is_empty() {
            break;
        }
        let mut again = Vec::new();
        for Failed { key, why, conflict } in failed {
            let (held, rest): (Vec<ApiRequest>, Vec<ApiRequest>) = requests
                .into_iter()
                .partition(|r| app.outbox().key_of(r.id()) == Some(key.as_str()));
            requests = rest;
            let dropped: Vec<RequestId> = held.iter().map(ApiRequest::id).collect();
            tracing::warn!(
                key = %key,
                conflict,
                held_back = dropped.len(),
                why = %crate::sanitize::line(&why),
                "an outbox entry was not kept; nothing was sent for it"
            );
            let mut back = app::update(
                app,
                Msg::NotKept {
                    key,
                    why,
                    conflict,
                    dropped,
                },
            );
            // What this process holds for entries not out is made to match the disk again.
            if let Some(entries) = local.outbox() {
                back.extend(app::update(
                    app,
                    Msg::Shared {
                        outbox: Some(entries),
                        marks: None,
                    },
                ));
            }
            requests.extend(back.requests);
            again.extend(keep(app, local, back.effects, &mut terminal));
        }
        failed = again;
    }
    if !failed.is_empty() {
        // Whatever is still not on disk must not go out.
        let keys: Vec<String> = failed.into_iter().map(|f| f.key).collect();
        requests.retain(|r| app.outbox().key_of(r.id()).is_none_or(|k| !keys.iter().any(|f| f == k)));
    }
    Output {
        requests,
        effects: terminal,
    }
}

/// Carries out the local ones of `effects` in order, collecting the terminal's and the outbox writes that
/// failed. Other local failures (a mark, a kept page) are said in the status bar.
fn keep(app: &mut App, local: &mut impl LocalState, effects: Vec<Effect>, terminal: &mut Vec<Effect>) -> Vec<Failed> {
    let mut failed = Vec::new();
    let mut effects = effects.into_iter().peekable();
    while let Some(effect) = effects.next() {
        // Marks changed one after the other (one key over every picked lead) are written in one go.
        if let Effect::SaveMarks { lead_id, before, marks } = effect {
            let mut run = vec![(lead_id, before, marks)];
            while let Some(Effect::SaveMarks { .. }) = effects.peek() {
                if let Some(Effect::SaveMarks { lead_id, before, marks }) = effects.next() {
                    run.push((lead_id, before, marks));
                }
            }
            let result = if run.len() == 1 {
                let (id, before, marks) = &run[0];
                local.change_marks(id, *before, *marks)
            } else {
                local.change_many_marks(&run)
            };
            if let Err(e) = result {
                let why = e.to_string();
                tracing::warn!(error = %crate::sanitize::line(&why), "marks not kept");
                app.local_state_failed(&why);
            }
            continue;
        }
        // Once one write of an entry failed, the later ones of the same step stand on it: none is tried.
        let skip = |key: &str| failed.iter().any(|f: &Failed| f.key == key);
        match &effect {
            Effect::PutOutbox(entry) if skip(&entry.key) => continue,
            Effect::RemoveOutbox { key, .. } if skip(key) => continue,
            _ => {}
        }
        let (key, result) = match effect {
            Effect::PutOutbox(entry) => (Some(entry.key.clone()), local.put_outbox(&entry)),
            Effect::RemoveOutbox { key, rev } => {
                let result = local.remove_outbox(&key, rev);
                (Some(key), result)
            }
            Effect::CachePage { key, leads } => (None, local.cache_page(&key, &leads)),
            Effect::RememberView(name) => (None, local.remember_view(&name)),
            Effect::RememberCommand(typed) => (None, local.remember_command(&typed)),
            Effect::LearnField(def) => (None, local.learn_field(&def)),
            other => {
                terminal.push(other);
                continue;
            }
        };
        match (key, result) {
            (_, Ok(())) => {}
            (Some(key), Err(e)) => failed.push(Failed {
                key,
                conflict: e.is_conflict(),
                why: e.to_string(),
            }),
            (None, Err(e)) => {
                let why = e.to_string();
                tracing::warn!(error = %crate::sanitize::line(&why), "local state not kept");
                app.local_state_failed(&why);
            }
        }
    }
    failed
}
