//! `leadbox leads create`: one lead from flags or a JSON object, checked by the form's rules, sent through
//! the profile's outbox (so a lead whose answer is lost waits in the inbox's outbox, never sent twice).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Map, Value};

use super::exit;
use super::send::{self, End, Keep, Patience};
use crate::api::NovalaClient;
use crate::api::types::Lead;
use crate::app::outbox::{Outbox, OutboxEntry, OutboxState, Settled};
use crate::import::fields::Cells;
use crate::import::rows::{InputFormat, Reading};
use crate::store::state::StateFile;

/// The fields of `leadbox leads create`.
#[derive(Debug, Clone, clap::Args)]
pub struct CreateArgs {
    #[arg(long, value_name = "TEXT")]
    pub first_name: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub last_name: Option<String>,
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub company: Option<String>,
    /// web_form, referral, agent_chat, inbound_call, mcp or import.
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub channel: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub intent: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// `me`, a team member's name, or a user id.
    #[arg(long, value_name = "ID|me|NAME")]
    pub assigned_to: Option<String>,
    /// A custom field, by key or by its label in the profile (repeat for more).
    #[arg(long = "custom", value_name = "KEY=VALUE")]
    pub custom: Vec<String>,
    /// An attribution value such as utm_source=fair (repeat for more).
    #[arg(long = "attribution", value_name = "KEY=VALUE")]
    pub attribution: Vec<String>,
    /// A JSON object with the lead's fields (`-` reads stdin); flags given too take precedence.
    #[arg(long = "from", value_name = "FILE|-")]
    pub from: Option<PathBuf>,
    /// How the created lead is printed.
    #[arg(long, value_enum, default_value = "json")]
    pub format: super::Format,
}

/// Where the lead is kept while it is sent.
pub struct StateKeep<'a>(pub &'a StateFile);

impl Keep for StateKeep<'_> {
    fn keep(&mut self, entry: &OutboxEntry) -> Result<(), String> {
        self.0.put_outbox(entry).map_err(|e| e.to_string())
    }
}

/// The lead the flags and `--from` describe, as one JSON object by field name.
fn fields(args: &CreateArgs) -> Result<Map<String, Value>, String> {
    let mut object = match &args.from {
        None => Map::new(),
        Some(path) => {
            let mut text = String::new();
            let read = if path.as_os_str() == "-" {
                std::io::stdin().take(1 << 20).read_to_string(&mut text)
            } else {
                std::fs::File::open(path).and_then(|f| f.take(1 << 20).read_to_string(&mut text))
            };
            read.map_err(|e| format!("--from {}: {e}", path.display()))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(format!("--from {}: not a JSON object", path.display())),
                Err(e) => return Err(format!("--from {}: not JSON: {e}", path.display())),
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
                return Err(format!("{flag} {pair}: write it as KEY=VALUE"));
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
        return Err(
            "a lead needs a source: --source web_form (or referral, agent_chat, inbound_call, mcp, import)".into(),
        );
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
            say(why);
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
    let mut outbox = Outbox::default();
    let key = uuid::Uuid::new_v4().to_string();
    outbox.enqueue(key.clone(), row.lead, None, Utc::now());
    let mut worker = crate::api::worker::spawn_worker(client);
    let mut created: Option<Lead> = None;
    let mut last_error = None;
    let end = send::drain(
        &mut outbox,
        &mut worker,
        &mut StateKeep(state),
        Patience(Duration::from_secs(30)),
        interrupt,
        |settled| match settled {
            Settled::Created { lead, .. } => created = Some((**lead).clone()),
            Settled::Kept { error, .. } => last_error = error.clone().or(last_error.take()),
        },
    )
    .await;
    drop(worker);
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
    match entry.state {
        OutboxState::Unknown | OutboxState::Checking | OutboxState::Sending => {
            say(format!(
                "the lead may have been created ({why}); it is kept in this profile's outbox, where the inbox \
                 (O) looks for it and never sends it twice"
            ));
            return exit::MAYBE_CREATED;
        }
        // Never sent, or refused: nothing of it is in the tenant, and a script that runs again must not
        // find a second copy waiting in the outbox.
        _ => {
            let _ = state.remove_outbox(&key);
        }
    }
    match end {
        End::KeyRefused(error) => {
            say(error.to_string());
            super::exit_code(&error)
        }
        End::Interrupted => {
            say("interrupted before the lead was sent".to_string());
            exit::INTERRUPTED
        }
        End::NotKept(why) => {
            say(format!(
                "the lead could not be kept in the outbox, so it was not sent: {why}"
            ));
            exit::UNREACHABLE
        }
        End::GaveUp | End::Done => {
            say(format!("the lead was not created: {why}"));
            match (entry.state, &last_error) {
                (OutboxState::Rejected, _) => exit::VALIDATION,
                (_, Some(error)) => super::exit_code(error),
                _ => exit::UNREACHABLE,
            }
        }
    }
}
