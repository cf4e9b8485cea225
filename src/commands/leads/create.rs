//! `leadbox leads create`: one lead from flags or a JSON object, checked by the form's rules, sent through
//! the profile's outbox (so a lead whose answer is lost waits in the inbox's outbox, never sent twice).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Map, Value};

use crate::api::NovalaClient;
use crate::api::types::{Lead, NewLead};
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
    /// The profile's mirror, whose every lead the look-alike check compares with.
    pub mirror: Option<&'a crate::store::mirror::MirrorFile>,
}

/// Checks the lead, sends it through the outbox kept in the profile's state file, and prints it; returns
/// the exit code.
pub async fn run(
    args: &CreateArgs,
    Destination {
        client,
        cells,
        state,
        mirror,
    }: Destination<'_>,
    width: usize,
    out: &mut impl Write,
    err: &mut impl Write,
    interrupt: impl std::future::Future<Output = ()>,
) -> i32 {
    let mut report = Report {
        args,
        width,
        cells,
        out,
        err,
    };
    let lead = match checked_lead(args, cells, &mut report) {
        Ok(lead) => lead,
        Err(code) => return code,
    };
    if !args.allow_duplicate
        && let Some((twin, how)) = super::lookalike::find(&client, &lead, state, mirror).await
    {
        report.say(super::lookalike::message(&twin, how));
        return exit::DUPLICATE;
    }
    let key = uuid::Uuid::new_v4().to_string();
    let queued = Outbox::default().enqueue(key.clone(), lead, None, Utc::now());
    // On disk before anything else: whichever leadbox sends the outbox, it sends this from there.
    if let Err(e) = state.put_outbox(&queued) {
        report.say(format!(
            "the lead could not be kept in the outbox, so it was not sent: {e}"
        ));
        return exit::LOCAL_STATE;
    }
    tokio::pin!(interrupt);
    let lock = match take_sender(state, &queued, &client, &mut report, &mut interrupt).await {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    // This process sends: the lead as the outbox now holds it (a sender that stopped mid-send left it to be
    // looked for, not sent again).
    let mut outbox = match state.outbox() {
        Ok((entries, _)) => match entries.into_iter().find(|e| e.key == key) {
            Some(entry) if entry.state == OutboxState::Sent => {
                drop(lock);
                return report.settled_elsewhere(Ok(entry), &client).await;
            }
            Some(entry) => Outbox::restore(vec![entry]),
            None => {
                report.say(NotCreated::Dropped.to_string());
                return NotCreated::Dropped.exit_code();
            }
        },
        Err(e) => {
            report.say(format!("the outbox could not be read, so the lead was not sent: {e}"));
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
        report.print(&lead);
        return exit::OK;
    }
    let Some(entry) = outbox.get(&key).cloned() else {
        return exit::UNREACHABLE;
    };
    not_created(&entry, end, last_error, state, &mut report)
}

/// The lead the flags and `--from` give, checked by the form's rules; each problem said, and the exit code
/// when there is one.
fn checked_lead<O: Write, E: Write>(
    args: &CreateArgs,
    cells: Cells<'_>,
    report: &mut Report<'_, O, E>,
) -> Result<NewLead, i32> {
    let object = fields(args).map_err(|why| {
        report.say(why.to_string());
        exit::USAGE
    })?;
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
            report.say(format!("{where_}{}", p.message));
        }
        report.say("the lead was not sent");
        return Err(if contents.problems.iter().any(|p| p.line == 0) {
            exit::USAGE
        } else {
            exit::VALIDATION
        });
    }
    match contents.rows.into_iter().next() {
        Some(row) => Ok(row.lead),
        None => {
            report.say("no lead to create");
            Err(exit::USAGE)
        }
    }
}

/// The lock that makes this process the profile's sender. While another leadbox holds it, that one sends
/// the lead and this one watches the outbox and reports what became of it (the exit code, as `Err`).
async fn take_sender<O: Write, E: Write>(
    state: &StateFile,
    queued: &OutboxEntry,
    client: &NovalaClient,
    report: &mut Report<'_, O, E>,
    interrupt: &mut std::pin::Pin<&mut impl std::future::Future<Output = ()>>,
) -> Result<SenderLock, i32> {
    let key = &queued.key;
    let lock_path = crate::store::sender::lock_path(state.path());
    let mut told_waiting = false;
    let started = tokio::time::Instant::now();
    loop {
        match SenderLock::try_take(&lock_path) {
            Ok(Some(lock)) => return Ok(lock),
            Ok(None) => {}
            Err(e) => {
                let _ = state.remove_outbox(key, queued.rev);
                report.say(format!(
                    "the outbox's sender lock could not be taken, so the lead was not sent: {e}"
                ));
                return Err(exit::LOCAL_STATE);
            }
        }
        // Another leadbox sends this profile's outbox: it sends this lead too, and this command reports.
        if !told_waiting {
            let pid = crate::store::sender::holder(&lock_path)
                .map(|p| format!(" (pid {p})"))
                .unwrap_or_default();
            report.say(format!("queued: another leadbox{pid} sends this profile's outbox"));
            told_waiting = true;
        }
        match watch(state, key) {
            Watched::Waiting(entry) => {
                let out_of_patience = started.elapsed() > WAIT_FOR_SENDER;
                if entry.state == OutboxState::Queued && out_of_patience {
                    // Still untouched: taken back so a script that runs again finds no copy waiting.
                    if state.remove_outbox(key, entry.rev).is_ok() {
                        report.say(format!(
                            "the lead was not sent: the other leadbox did not send it within {} s ({})",
                            WAIT_FOR_SENDER.as_secs(),
                            entry.error.unwrap_or_else(|| "no answer yet".to_string())
                        ));
                        return Err(exit::UNREACHABLE);
                    }
                } else if started.elapsed() > WAIT_FOR_SENDER * 2 {
                    report.say(MAYBE_KEPT);
                    return Err(exit::MAYBE_CREATED);
                }
            }
            Watched::Settled(settled) => return Err(report.settled_elsewhere(settled, client).await),
        }
        tokio::select! {
            _ = tokio::time::sleep(WATCH_EVERY) => {}
            _ = interrupt.as_mut() => {
                return Err(match watch(state, key) {
                    Watched::Waiting(entry) if entry.state == OutboxState::Queued
                        && state.remove_outbox(key, entry.rev).is_ok() => {
                        report.say("interrupted before the lead was sent");
                        exit::INTERRUPTED
                    }
                    _ => {
                        report.say("interrupted: the lead is being sent by the other leadbox, which never sends it twice");
                        exit::MAYBE_CREATED
                    }
                });
            }
        }
    }
}

/// Said when the lead's answer was lost: where it waits, and that it is never sent twice.
const MAYBE_KEPT: &str = "the lead may have been created; it is kept in this profile's outbox, where the inbox \
                          (O) looks for it and never sends it twice";

/// Why this process's send did not create the lead, said with what the tenant taught (custom fields it
/// asked for, kept for the next lead); the lead taken out of the outbox unless it may be in the tenant.
fn not_created<O: Write, E: Write>(
    entry: &OutboxEntry,
    end: End<crate::store::state::StateError>,
    last_error: Option<crate::api::ApiError>,
    state: &StateFile,
    report: &mut Report<'_, O, E>,
) -> i32 {
    let why = entry.error.clone().unwrap_or_default();
    // The next `leads create`, and the inbox's next form, know the custom fields this refusal named.
    let mut learned = Vec::new();
    if entry.state == OutboxState::Rejected {
        for def in crate::app::learned::from_refusal(&entry.refused_fields, report.cells.tenant) {
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
        report.say(format!(
            "the lead could not be kept in the outbox, so it was not sent: {why}"
        ));
        if entry.state == OutboxState::Queued {
            let _ = state.remove_outbox(&entry.key, entry.rev);
        }
        return exit::LOCAL_STATE;
    }
    match entry.state {
        OutboxState::Unknown | OutboxState::Checking | OutboxState::Sending => {
            let maybe = NotCreated::MaybeCreated { why };
            report.say(maybe.to_string());
            return maybe.exit_code();
        }
        // Never sent, or refused: nothing of it is in the tenant, and a script that runs again must not
        // find a second copy waiting in the outbox.
        _ => {
            let _ = state.remove_outbox(&entry.key, entry.rev);
        }
    }
    match end {
        End::KeyRefused(error) => {
            report.say(error.to_string());
            exit::of_api_error(&error)
        }
        End::Interrupted => {
            report.say("interrupted before the lead was sent");
            exit::INTERRUPTED
        }
        End::NotKept(_) => exit::LOCAL_STATE,
        End::WorkerStopped => {
            report.say("the lead was not sent: leadbox's request task stopped");
            exit::LOCAL_STATE
        }
        End::GaveUp | End::Done => {
            report.say(format!("the lead was not created: {why}"));
            for line in learned {
                report.say(line);
            }
            match (entry.state, &last_error) {
                (OutboxState::Rejected, _) => exit::VALIDATION,
                (_, Some(error)) => exit::of_api_error(error),
                _ => exit::UNREACHABLE,
            }
        }
    }
}

/// Where `leads create` says what happened: the lead on stdout, everything else on stderr.
struct Report<'a, O: Write, E: Write> {
    args: &'a CreateArgs,
    width: usize,
    cells: Cells<'a>,
    out: &'a mut O,
    err: &'a mut E,
}

impl<O: Write, E: Write> Report<'_, O, E> {
    fn say(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.err, "leadbox: {}", crate::sanitize::line(text.as_ref()));
    }

    fn print(&mut self, lead: &Lead) {
        let output = super::Output::for_stdout(self.args.format, self.width, self.cells.tenant);
        let _ = writeln!(self.out, "{}", super::render_one(lead, &output));
    }

    /// Reports a lead another leadbox settled: the created lead as the tenant holds it, or why not.
    async fn settled_elsewhere(&mut self, settled: Result<OutboxEntry, NotCreated>, client: &NovalaClient) -> i32 {
        let entry = match settled {
            Ok(entry) => entry,
            Err(why) => {
                self.say(why.to_string());
                return why.exit_code();
            }
        };
        let Some(id) = entry.server_id.as_deref() else {
            return exit::UNREACHABLE;
        };
        match client.get(id).await {
            Ok(lead) => {
                self.print(&lead);
                exit::OK
            }
            Err(e) => {
                // Created all the same: say so with its id, and why it could not be shown.
                self.say(format!("the lead was created as {id} but could not be read back: {e}"));
                exit::OK
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
