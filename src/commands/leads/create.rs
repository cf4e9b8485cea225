//! `leadbox leads create`: one lead from flags or a JSON object, checked by the form's rules, sent through
//! the profile's outbox (so a lead whose answer is lost waits in the inbox's outbox, never sent twice).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Map, Value};

use crate::api::NovalaClient;
use crate::api::types::Lead;
use crate::cli::CreateArgs;
use crate::commands::exit;
use crate::import::fields::Cells;
use crate::import::rows::{InputFormat, Reading};
use crate::outbox::drain::{self, End, Keep, Patience};
use crate::outbox::{Outbox, OutboxEntry, OutboxState, Settled};
use crate::store::sender::SenderLock;
use crate::store::state::{StateError, StateFile};

/// Where the lead is kept while it is sent.
pub struct StateKeep<'a>(pub &'a StateFile);

impl Keep for StateKeep<'_> {
    type Error = StateError;

    fn keep(&mut self, entry: &OutboxEntry) -> Result<(), StateError> {
        self.0.put_outbox(entry)
    }
}

/// Why the flags and `--from` describe no lead.
#[derive(Debug, thiserror::Error)]
enum LeadArgsError {
    #[error("--from {}: {source}", path.display())]
    FromUnreadable { path: PathBuf, source: std::io::Error },
    #[error("--from {}: not JSON: {source}", path.display())]
    FromNotJson { path: PathBuf, source: serde_json::Error },
    #[error("--from {}: not a JSON object", path.display())]
    FromNotAnObject { path: PathBuf },
    #[error("{flag} {pair}: write it as KEY=VALUE")]
    NotKeyValue { flag: &'static str, pair: String },
    #[error("a lead needs a source: --source web_form (or referral, agent_chat, inbound_call, mcp, import)")]
    NoSource,
}

/// The lead the flags and `--from` describe, as one JSON object by field name.
fn fields(args: &CreateArgs) -> Result<Map<String, Value>, LeadArgsError> {
    let mut object = match &args.from {
        None => Map::new(),
        Some(path) => {
            let mut text = String::new();
            let read = if path.as_os_str() == "-" {
                std::io::stdin().take(1 << 20).read_to_string(&mut text)
            } else {
                std::fs::File::open(path).and_then(|f| f.take(1 << 20).read_to_string(&mut text))
            };
            read.map_err(|source| LeadArgsError::FromUnreadable {
                path: path.clone(),
                source,
            })?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(LeadArgsError::FromNotAnObject { path: path.clone() }),
                Err(source) => {
                    return Err(LeadArgsError::FromNotJson {
                        path: path.clone(),
                        source,
                    });
                }
            }
        }
    };
    let flags = [
        ("firstName", &args.first_name),
        ("lastName", &args.last_name),
        ("email", &args.email),
        ("phone", &args.phone),
        ("companyName", &args.company),
        ("source", &args.source),
        ("channel", &args.channel),
        ("intent", &args.intent),
        ("notes", &args.notes),
        ("assignedTo", &args.assigned_to),
    ];
    for (name, value) in flags {
        if let Some(value) = value {
            object.insert(name.to_string(), Value::String(value.clone()));
        }
    }
    for (flag, prefix, pairs) in [
        ("--custom", "customFields", &args.custom),
        ("--attribution", "attribution", &args.attribution),
    ] {
        for pair in pairs {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(LeadArgsError::NotKeyValue {
                    flag,
                    pair: pair.clone(),
                });
            };
            let name = if key.contains('.') || prefix == "customFields" && !crate::rules::is_custom_field_key(key) {
                // A label (`--custom "Sales region=emea"`) is found as a column would be.
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            object.insert(name, Value::String(value.to_string()));
        }
    }
    if !object
        .keys()
        .any(|k| k.eq_ignore_ascii_case("source") || k.eq_ignore_ascii_case("lead source"))
    {
        return Err(LeadArgsError::NoSource);
    }
    Ok(object)
}

/// Where a lead is created: the tenant, what the profile knows of it, and the outbox's file.
pub struct Destination<'a> {
    pub client: NovalaClient,
    pub cells: Cells<'a>,
    pub state: &'a StateFile,
}

/// Checks the lead, sends it through the outbox kept in the profile's state file, and prints it; returns
/// the exit code.
pub async fn run(
    args: &CreateArgs,
    Destination { client, cells, state }: Destination<'_>,
    width: usize,
    out: &mut impl Write,
    err: &mut impl Write,
    interrupt: impl std::future::Future<Output = ()>,
) -> i32 {
    let mut say = |text: String| {
        let _ = writeln!(err, "leadbox: {}", crate::sanitize::line(&text));
    };
    let object = match fields(args) {
        Ok(o) => o,
        Err(why) => {
            say(why.to_string());
            return exit::USAGE;
        }
    };
    let reading = Reading {
        cells,
        map: Default::default(),
        set: Vec::new(),
    };
    let line = serde_json::to_string(&object).unwrap_or_default();
    let contents = reading.read(line.as_bytes(), InputFormat::Jsonl);
    if !contents.problems.is_empty() {
        for p in &contents.problems {
            let where_ = if p.column.is_empty() {
                String::new()
            } else {
                format!("{}: ", p.column)
            };
            say(format!("{where_}{}", p.message));
        }
        say("the lead was not sent".to_string());
        return if contents.problems.iter().any(|p| p.line == 0) {
            exit::USAGE
        } else {
            exit::VALIDATION
        };
    }
    let Some(row) = contents.rows.into_iter().next() else {
        say("no lead to create".to_string());
        return exit::USAGE;
    };
    if !args.allow_duplicate
        && let Some((twin, how)) = super::lookalike::find(&client, &row.lead, state).await
    {
        let _ = writeln!(err, "leadbox: {}", super::lookalike::message(&twin, how));
        return exit::DUPLICATE;
    }
    let mut outbox = Outbox::default();
    let key = uuid::Uuid::new_v4().to_string();
    let queued = outbox.enqueue(key.clone(), row.lead, None, Utc::now());
    // On disk before anything else: whichever leadbox sends the outbox, it sends this from there.
    if let Err(e) = state.put_outbox(&queued) {
        say(format!(
            "the lead could not be kept in the outbox, so it was not sent: {e}"
        ));
        return exit::LOCAL_STATE;
    }
    tokio::pin!(interrupt);
    let lock_path = crate::store::sender::lock_path(state.path());
    let mut told_waiting = false;
    let started = tokio::time::Instant::now();
    let lock = loop {
        match SenderLock::try_take(&lock_path) {
            Ok(Some(lock)) => break lock,
            Ok(None) => {}
            Err(e) => {
                let _ = state.remove_outbox(&key, queued.rev);
                say(format!(
                    "the outbox's sender lock could not be taken, so the lead was not sent: {e}"
                ));
                return exit::LOCAL_STATE;
            }
        }
        // Another leadbox sends this profile's outbox: it sends this lead too, and this command reports.
        if !told_waiting {
            let pid = crate::store::sender::holder(&lock_path)
                .map(|p| format!(" (pid {p})"))
                .unwrap_or_default();
            say(format!("queued: another leadbox{pid} sends this profile's outbox"));
            told_waiting = true;
        }
        match watch(state, &key) {
            Watched::Waiting(entry) => {
                let out_of_patience = started.elapsed() > WAIT_FOR_SENDER;
                if entry.state == OutboxState::Queued && out_of_patience {
                    // Still untouched: taken back so a script that runs again finds no copy waiting.
                    if state.remove_outbox(&key, entry.rev).is_ok() {
                        say(format!(
                            "the lead was not sent: the other leadbox did not send it within {} s ({})",
                            WAIT_FOR_SENDER.as_secs(),
                            entry.error.unwrap_or_else(|| "no answer yet".to_string())
                        ));
                        return exit::UNREACHABLE;
                    }
                } else if started.elapsed() > WAIT_FOR_SENDER * 2 {
                    say(
                        "the lead may have been created; it is kept in this profile's outbox, where the inbox \
                         (O) looks for it and never sends it twice"
                            .to_string(),
                    );
                    return exit::MAYBE_CREATED;
                }
            }
            Watched::Settled(code) => {
                return finish_watched(code, &client, args, width, cells, out, err).await;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(WATCH_EVERY) => {}
            _ = &mut interrupt => {
                return match watch(state, &key) {
                    Watched::Waiting(entry) if entry.state == OutboxState::Queued
                        && state.remove_outbox(&key, entry.rev).is_ok() => {
                        say("interrupted before the lead was sent".to_string());
                        exit::INTERRUPTED
                    }
                    _ => {
                        say("interrupted: the lead is being sent by the other leadbox, which never sends it twice".to_string());
                        exit::MAYBE_CREATED
                    }
                };
            }
        }
    };
    // This process sends: the lead as the outbox now holds it (a sender that stopped mid-send left it to be
    // looked for, not sent again).
    let mut outbox = match state.outbox() {
        Ok((entries, _)) => match entries.into_iter().find(|e| e.key == key) {
            Some(entry) if entry.state == OutboxState::Sent => {
                drop(lock);
                return finish_watched(Ok(entry), &client, args, width, cells, out, err).await;
            }
            Some(entry) => Outbox::restore(vec![entry]),
            None => {
                say(NotCreated::Dropped.to_string());
                return NotCreated::Dropped.exit_code();
            }
        },
        Err(e) => {
            say(format!("the outbox could not be read, so the lead was not sent: {e}"));
            return exit::LOCAL_STATE;
        }
    };
    let mut worker = crate::api::worker::spawn_worker(client);
    let mut created: Option<Lead> = None;
    let mut last_error = None;
    let end = drain::drain(
        &mut outbox,
        &mut worker,
        &mut StateKeep(state),
        Patience(Duration::from_secs(30)),
        &mut interrupt,
        |settled| match settled {
            Settled::Created { lead, .. } => created = Some((**lead).clone()),
            Settled::Kept { error, .. } => last_error = error.clone().or(last_error.take()),
        },
    )
    .await;
    drop(worker);
    drop(lock);
    if let Some(lead) = created {
        let output = super::Output::for_stdout(args.format, width, cells.tenant);
        let text = super::render_one(&lead, &output);
        let _ = writeln!(out, "{text}");
        return 0;
    }
    let Some(entry) = outbox.get(&key).cloned() else {
        return exit::UNREACHABLE;
    };
    let why = entry.error.clone().unwrap_or_default();
    // The next `leads create`, and the inbox's next form, know the custom fields this refusal named.
    let mut learned = Vec::new();
    if entry.state == OutboxState::Rejected {
        for def in crate::app::learned::from_refusal(&entry.refused_fields, cells.tenant) {
            if let Err(e) = state.learn_field(&def) {
                tracing::warn!(error = %e, "a learned custom field was not kept");
            }
            learned.push(format!(
                "the tenant asks for the custom field `{}`: give it with --custom {}=VALUE",
                def.key, def.key
            ));
        }
    }
    if let End::NotKept(why) = &end {
        say(format!(
            "the lead could not be kept in the outbox, so it was not sent: {why}"
        ));
        if entry.state == OutboxState::Queued {
            let _ = state.remove_outbox(&key, entry.rev);
        }
        return exit::LOCAL_STATE;
    }
    match entry.state {
        OutboxState::Unknown | OutboxState::Checking | OutboxState::Sending => {
            let maybe = NotCreated::MaybeCreated { why };
            say(maybe.to_string());
            return maybe.exit_code();
        }
        // Never sent, or refused: nothing of it is in the tenant, and a script that runs again must not
        // find a second copy waiting in the outbox.
        _ => {
            let _ = state.remove_outbox(&key, entry.rev);
        }
    }
    match end {
        End::KeyRefused(error) => {
            say(error.to_string());
            exit::of_api_error(&error)
        }
        End::Interrupted => {
            say("interrupted before the lead was sent".to_string());
            exit::INTERRUPTED
        }
        End::NotKept(_) => exit::LOCAL_STATE,
        End::WorkerStopped => {
            say("the lead was not sent: leadbox's request task stopped".to_string());
            exit::LOCAL_STATE
        }
        End::GaveUp | End::Done => {
            say(format!("the lead was not created: {why}"));
            for line in learned {
                say(line);
            }
            match (entry.state, &last_error) {
                (OutboxState::Rejected, _) => exit::VALIDATION,
                (_, Some(error)) => exit::of_api_error(error),
                _ => exit::UNREACHABLE,
            }
        }
    }
}

/// How long `leads create` waits for another leadbox to take its lead before taking it back (while it
/// is still untouched), and twice that for an answer once it is out.
const WAIT_FOR_SENDER: Duration = Duration::from_secs(30);
/// How often the lead is looked at while another leadbox sends it.
const WATCH_EVERY: Duration = Duration::from_millis(200);

enum Watched {
    /// Still to be sent, or out.
    Waiting(OutboxEntry),
    /// Settled by the other leadbox: created (the entry), or gone, refused or unknown.
    Settled(Result<OutboxEntry, NotCreated>),
}

/// Why a lead is not known to be created, each with its own exit code.
#[derive(Debug, thiserror::Error)]
enum NotCreated {
    #[error("the outbox could not be read: {0}")]
    OutboxUnreadable(StateError),
    #[error("the lead was dropped from the outbox by another leadbox before it was sent")]
    Dropped,
    #[error("the lead was not created: {why}")]
    Refused { why: String },
    #[error(
        "the lead may have been created ({why}); it is kept in this profile's outbox, where the inbox \
         (O) looks for it and never sends it twice"
    )]
    MaybeCreated { why: String },
}

impl NotCreated {
    fn exit_code(&self) -> i32 {
        match self {
            NotCreated::OutboxUnreadable(_) => exit::LOCAL_STATE,
            NotCreated::Dropped => exit::UNREACHABLE,
            NotCreated::Refused { .. } => exit::VALIDATION,
            NotCreated::MaybeCreated { .. } => exit::MAYBE_CREATED,
        }
    }
}

/// Where the lead `key` stands in the outbox another leadbox sends.
fn watch(state: &StateFile, key: &str) -> Watched {
    let entries = match state.outbox() {
        Ok((entries, _)) => entries,
        Err(e) => return Watched::Settled(Err(NotCreated::OutboxUnreadable(e))),
    };
    let Some(entry) = entries.into_iter().find(|e| e.key == key) else {
        return Watched::Settled(Err(NotCreated::Dropped));
    };
    let why = entry.error.clone().unwrap_or_default();
    match entry.state {
        OutboxState::Sent => Watched::Settled(Ok(entry)),
        OutboxState::Rejected => {
            let _ = state.remove_outbox(key, entry.rev);
            Watched::Settled(Err(NotCreated::Refused { why }))
        }
        OutboxState::Unknown => Watched::Settled(Err(NotCreated::MaybeCreated { why })),
        _ => Watched::Waiting(entry),
    }
}

/// Reports a lead another leadbox settled: the created lead as the tenant holds it, or why not.
async fn finish_watched(
    settled: Result<OutboxEntry, NotCreated>,
    client: &NovalaClient,
    args: &CreateArgs,
    width: usize,
    cells: Cells<'_>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
    let entry = match settled {
        Ok(entry) => entry,
        Err(why) => {
            let _ = writeln!(err, "leadbox: {}", crate::sanitize::line(&why.to_string()));
            return why.exit_code();
        }
    };
    let Some(id) = entry.server_id.as_deref() else {
        return exit::UNREACHABLE;
    };
    match client.get(id).await {
        Ok(lead) => {
            let output = super::Output::for_stdout(args.format, width, cells.tenant);
            let _ = writeln!(out, "{}", super::render_one(&lead, &output));
            0
        }
        Err(e) => {
            // Created all the same: say so with its id, and why it could not be shown.
            let _ = writeln!(
                err,
                "leadbox: the lead was created as {} but could not be read back: {}",
                crate::sanitize::line(id),
                crate::sanitize::line(&e.to_string())
            );
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        args: CreateArgs,
    }

    fn said(flags: &[&str]) -> Result<Map<String, Value>, String> {
        let line = Line::try_parse_from(std::iter::once("create").chain(flags.iter().copied())).unwrap();
        fields(&line.args).map_err(|e| e.to_string())
    }

    #[test]
    fn flags_that_describe_no_lead_say_which_and_how_to_write_them() {
        assert!(said(&["--source", "web_form", "--custom", "region=emea"]).is_ok());
        assert_eq!(
            said(&["--first-name", "Ada"]),
            Err("a lead needs a source: --source web_form (or referral, agent_chat, inbound_call, mcp, import)".into())
        );
        assert_eq!(
            said(&["--source", "mcp", "--attribution", "utm"]),
            Err("--attribution utm: write it as KEY=VALUE".into())
        );
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("list.json");
        std::fs::write(&list, "[1]").unwrap();
        let list = list.display().to_string();
        assert_eq!(
            said(&["--from", &list]),
            Err(format!("--from {list}: not a JSON object"))
        );
        std::fs::write(&list, "{").unwrap();
        assert!(
            said(&["--from", &list])
                .unwrap_err()
                .starts_with(&format!("--from {list}: not JSON: "))
        );
    }

    #[test]
    fn a_lead_another_leadbox_settled_without_creating_it_has_the_exit_code_of_why() {
        let refused = NotCreated::Refused {
            why: "email: invalid".into(),
        };
        assert_eq!(refused.to_string(), "the lead was not created: email: invalid");
        assert_eq!(refused.exit_code(), exit::VALIDATION);
        assert_eq!(NotCreated::Dropped.exit_code(), exit::UNREACHABLE);
        let maybe = NotCreated::MaybeCreated {
            why: "timed out".into(),
        };
        assert!(
            maybe
                .to_string()
                .starts_with("the lead may have been created (timed out); it is kept")
        );
        assert_eq!(maybe.exit_code(), exit::MAYBE_CREATED);
    }
}
