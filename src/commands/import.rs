//! The import itself: read and check every row, then send the rows the journal does not know as created,
//! through the outbox, with a progress bar on a terminal and a summary at the end.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use crate::api::NovalaClient;
use crate::cli::ImportArgs;
use crate::commands::exit;
use crate::import::fields::{Cells, Fills, target};
use crate::import::journal::{self, Journal, Opened, RowId};
use crate::import::lock::{self, LockError};
use crate::import::rows::{InputFormat, Reading, Row};
use crate::model::likeness::Keys;
use crate::outbox::drain::{self, End, Keep, Patience};
use crate::outbox::{Outbox, OutboxEntry, OutboxState, Settled};
use crate::store::mirror::{MirrorFile, Twin};
use crate::tenant::TenantProfile;
use crate::text::plural;

/// The tenant an import goes to.
pub struct Tenant<'a> {
    pub client: NovalaClient,
    /// What the journal knows the tenant by: its URL, or the embedded sandbox's database (whose port
    /// changes from run to run).
    pub identity: String,
    pub profile: &'a TenantProfile,
    pub me: Option<&'a str>,
    /// The profile's mirror: the rows to send are compared with every lead it holds.
    pub mirror: Option<&'a MirrorFile>,
}

/// Runs the import; messages go to `err`. Returns the exit code.
pub async fn run(
    args: &ImportArgs,
    tenant: Tenant<'_>,
    err: &mut impl Write,
    interrupt: impl Future<Output = ()>,
) -> i32 {
    let mut say = |text: &str| {
        let _ = writeln!(err, "{}", text);
    };
    let cells = Cells {
        tenant: tenant.profile,
        me: tenant.me,
    };
    let name = args.file.display().to_string();
    let contents = match read_rows(args, cells, &name, &mut say) {
        Ok(contents) => contents,
        Err(code) => return code,
    };
    if args.check {
        say(&format!(
            "{name}: {} ready to import{}",
            plural(contents.rows.len(), "row"),
            if contents.bad.is_empty() {
                String::new()
            } else {
                format!(", {} left out", plural(contents.bad.len(), "row"))
            }
        ));
        return if contents.bad.is_empty() {
            exit::OK
        } else {
            exit::VALIDATION
        };
    }
    // The lock is held until the import ends: a second import of the file would send the rows this one is
    // sending.
    let (_lock, journal, opened) = match open_journal(args, &tenant.identity, &name, &mut say) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let mut plan = plan(&contents.rows, &opened, args.resend_unknown, Utc::now());
    for (line, id) in &plan.changed {
        let lead = match id {
            Some(id) => format!("its lead is {}", crate::sanitize::line(id)),
            None => "it was being sent when a run stopped".to_string(),
        };
        say(&format!(
            "{name}: line {line} changed since it was created; it is not sent again ({lead})"
        ));
    }
    let left_out = match hold_look_alikes(args, tenant.mirror, &name, &contents.rows, &mut plan, &mut say) {
        Ok(left_out) => left_out,
        Err(code) => return code,
    };
    // Looked up one at a time when the journal was lost: two identical rows looked for at once could both
    // claim the one lead the tenant holds.
    let parallel = if opened.lost { 1 } else { usize::from(args.parallel) };
    let mut outbox = Outbox::restore(plan.entries).with_max_in_flight(parallel);
    let earlier = outbox.entries().iter().filter(|e| e.state == OutboxState::Sent).count();
    let mut keep = JournalKeep {
        journal,
        rows: plan.rows,
    };
    let sent = send_rows(args, &tenant.client, &mut outbox, &mut keep, interrupt).await;
    let ended = Ended {
        outbox: &outbox,
        rows: &keep.rows,
        keys: &plan.keys,
        earlier,
        sent,
        left_out,
    };
    report(args, &name, &contents, ended, &mut say)
}

/// Reads and checks every row of the file; the rows, or the exit code when nothing can be sent.
fn read_rows<'a>(
    args: &ImportArgs,
    cells: Cells<'a>,
    name: &str,
    say: &mut impl FnMut(&str),
) -> Result<crate::import::rows::Contents, i32> {
    let reading = match reading(args, cells) {
        Ok(r) => r,
        Err(why) => {
            say(&format!("leadbox: {}", crate::sanitize::line(&why.to_string())));
            return Err(exit::USAGE);
        }
    };
    let file = match std::fs::File::open(&args.file) {
        Ok(f) => f,
        Err(e) => {
            say(&format!("leadbox: cannot read {}: {e}", args.file.display()));
            return Err(exit::USAGE);
        }
    };
    let format = args.input_format.unwrap_or_else(|| InputFormat::of(&args.file));
    let contents = reading.read(std::io::BufReader::new(file), format);
    if !contents.left_out.is_empty() {
        say(&format!(
            "{name}: columns {} are left out: the tenant sets them for each lead it creates",
            crate::sanitize::line(&contents.left_out.join(", "))
        ));
    }
    for problem in &contents.problems {
        say(&format!("{name}: {problem}"));
    }
    let file_level = contents.problems.iter().any(|p| p.line == 0);
    if !contents.problems.is_empty() && (file_level || !args.skip_invalid) {
        say(&if file_level {
            format!(
                "leadbox: {}; nothing was sent. Fix the file's columns (or name them with --map), then run the same command again.",
                plural(contents.problems.len(), "problem")
            )
        } else {
            format!(
                "leadbox: {} in {}; nothing was sent. Fix the file (or add --skip-invalid to send the other rows), then run the same command again.",
                plural(contents.problems.len(), "problem"),
                plural(contents.bad.len(), "row")
            )
        });
        return Err(if file_level { exit::USAGE } else { exit::VALIDATION });
    }
    Ok(contents)
}

/// Takes the import's lock and opens its journal; the exit code when either cannot be had.
fn open_journal(
    args: &ImportArgs,
    identity: &str,
    name: &str,
    say: &mut impl FnMut(&str),
) -> Result<(lock::ImportLock, Journal, Opened), i32> {
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| journal::default_path(&args.file));
    let held = match lock::take(&journal_path) {
        Ok(held) => held,
        Err(e @ LockError::Busy { .. }) => {
            say(&format!("leadbox: {e}; nothing was sent"));
            // Another process holds this import's local state (its journal): the same code as a held state file.
            return Err(exit::LOCAL_STATE);
        }
        Err(e) => {
            say(&format!("leadbox: {e}"));
            return Err(exit::USAGE);
        }
    };
    let mut warnings = Vec::new();
    let (journal, opened) = match Journal::open(&journal_path, identity, name, args.journal_lost, &mut warnings) {
        Ok(opened) => opened,
        Err(e) => {
            say(&format!("leadbox: {e}"));
            return Err(exit::USAGE);
        }
    };
    for w in warnings {
        say(&format!("leadbox: {w}"));
    }
    if opened.lost {
        say(&format!(
            "{name}: the journal was lost: each row is looked up among the tenant's newest leads before anything is sent"
        ));
    }
    Ok((held, journal, opened))
}

/// How the sending went: how it ended, how many leads it created and how long it took.
struct Sent {
    end: End<NotJournaled>,
    created: usize,
    elapsed: Duration,
}

/// Sends the outbox's rows with a progress bar on stderr, until every row is settled or the sending stops.
async fn send_rows(
    args: &ImportArgs,
    client: &NovalaClient,
    outbox: &mut Outbox,
    keep: &mut JournalKeep,
    interrupt: impl Future<Output = ()>,
) -> Sent {
    let to_do = outbox.entries().iter().filter(|e| e.state != OutboxState::Sent).count();
    let progress =
        indicatif::ProgressBar::with_draw_target(Some(to_do as u64), indicatif::ProgressDrawTarget::stderr_with_hz(4));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} rows  {rate}  eta {eta}  {msg}") {
        progress.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} a second", state.per_sec());
            },
        ));
    }
    let mut worker = crate::api::worker::spawn_worker(client.clone());
    let started = Instant::now();
    let mut created = 0usize;
    let end = drain::drain(
        outbox,
        &mut worker,
        keep,
        Patience(Duration::from_secs(args.patience)),
        interrupt,
        |settled| match settled {
            Settled::Created { .. } => {
                created += 1;
                progress.inc(1);
            }
            Settled::Kept { entry, .. } => {
                if entry.needs_rep() {
                    progress.inc(1);
                }
                if let Some(error) = &entry.error {
                    progress.set_message(crate::sanitize::line(error).chars().take(60).collect::<String>());
                }
            }
        },
    )
    .await;
    progress.finish_and_clear();
    Sent {
        end,
        created,
        elapsed: started.elapsed(),
    }
}

/// Where an import ended: its outbox, each entry's row and line, the file's rows' keys in order, and
/// how many rows an earlier run had created.
struct Ended<'a> {
    outbox: &'a Outbox,
    rows: &'a HashMap<String, (RowId, u64)>,
    keys: &'a [String],
    earlier: usize,
    sent: Sent,
    /// Rows not sent because they look like a mirrored lead, and which.
    left_out: Vec<(&'a Row, String)>,
}

/// The summary, the rows to fix (in the refused-rows file), and the exit code.
fn report(
    args: &ImportArgs,
    name: &str,
    contents: &crate::import::rows::Contents,
    ended: Ended<'_>,
    say: &mut impl FnMut(&str),
) -> i32 {
    let Ended {
        outbox,
        rows,
        keys,
        earlier,
        sent,
        left_out,
    } = ended;
    let created_now = sent.created;
    let by_key: HashMap<&str, &OutboxEntry> = outbox.entries().iter().map(|e| (e.key.as_str(), e)).collect();
    let line_of = |entry: &OutboxEntry| rows.get(&entry.key).map_or(0, |(_, line)| *line);
    let mut refused: Vec<(&Row, String)> = Vec::new();
    let mut unknown = Vec::new();
    let mut unsent = 0;
    for (row, key) in contents.rows.iter().zip(keys) {
        let Some(entry) = by_key.get(key.as_str()) else {
            continue;
        };
        match entry.state {
            OutboxState::Rejected => refused.push((row, entry.error.clone().unwrap_or_default())),
            OutboxState::Unknown | OutboxState::Checking | OutboxState::Sending => unknown.push(*entry),
            OutboxState::Queued => unsent += 1,
            OutboxState::Sent => {}
        }
    }
    for (row, why) in &refused {
        say(&format!(
            "{name}: line {}: refused by the tenant: {}",
            row.line,
            crate::sanitize::line(why)
        ));
    }
    for entry in &unknown {
        say(&format!(
            "{name}: line {} ({}): {}",
            line_of(entry),
            entry.name(),
            if entry.state == OutboxState::Unknown {
                "its answer was lost and it is not among the tenant's newest leads; check, then run again with --resend-unknown to send it again"
            } else {
                "its answer was lost and the look for it did not finish; run the same command again to look again"
            }
        ));
    }
    let tenant_refused = refused.len();
    let mut refused_rows: Vec<(&Row, String)> = refused.iter().map(|(r, why)| (*r, why.clone())).collect();
    if args.skip_invalid {
        for row in &contents.bad {
            let why: Vec<String> = contents
                .problems
                .iter()
                .filter(|p| p.line == row.line)
                .map(|p| format!("{}: {}", p.column, p.message))
                .collect();
            refused_rows.push((row, why.join("; ")));
        }
    }
    refused_rows.extend(left_out);
    if !refused_rows.is_empty() {
        refused_rows.sort_by_key(|(r, _)| r.line);
        let path = refused_path(&args.file);
        match write_refused(&path, &contents.header, &refused_rows) {
            Ok(Written::New(to)) => say(&format!(
                "{name}: the {} to fix are in {} (fix them there and import that file)",
                plural(refused_rows.len(), "refused row"),
                to.display()
            )),
            Ok(Written::Beside(to)) => say(&format!(
                "{name}: the {} to fix are in {}; {} is left as it is, in case you fixed rows there",
                plural(refused_rows.len(), "refused row"),
                to.display(),
                path.display()
            )),
            Ok(Written::Unchanged) => say(&format!(
                "{name}: the {} to fix are still in {}, as written by an earlier run",
                plural(refused_rows.len(), "refused row"),
                path.display()
            )),
            Err(e) => say(&format!(
                "leadbox: the refused rows could not be written beside {}: {e}",
                path.display()
            )),
        }
    }
    let rate = if sent.elapsed.as_secs_f64() > 0.0 {
        created_now as f64 / sent.elapsed.as_secs_f64()
    } else {
        0.0
    };
    say(&format!(
        "{name}: {created_now} created ({rate:.1} a second){}, {} refused, {} unknown, {unsent} not sent",
        if earlier > 0 {
            format!(", {earlier} created by an earlier run")
        } else {
            String::new()
        },
        refused_rows.len(),
        unknown.len(),
    ));
    let stopped = match &sent.end {
        End::Done => None,
        End::Interrupted => Some((
            "interrupted: what was sent is in the journal; run the same command again to go on".to_string(),
            exit::INTERRUPTED,
        )),
        End::GaveUp => Some((
            format!(
                "the tenant gave no usable answer for {} s; run the same command again to go on",
                args.patience
            ),
            exit::UNREACHABLE,
        )),
        End::NotKept(why) => Some((
            format!("stopped: the journal could not be written ({why})"),
            exit::UNREACHABLE,
        )),
        End::WorkerStopped => Some((
            "stopped: leadbox's request task stopped; run the same command again to go on".to_string(),
            exit::UNREACHABLE,
        )),
        End::KeyRefused(error) => Some((format!("stopped: {error}"), exit::of_api_error(error))),
    };
    if let Some((why, _)) = &stopped {
        say(&format!("leadbox: {}", crate::sanitize::line(why)));
    }
    match stopped {
        Some((_, code)) => code,
        None if !unknown.is_empty() => exit::MAYBE_CREATED,
        None if unsent > 0 => exit::UNREACHABLE,
        // Rows --skip-invalid was asked to leave out are no failure: every row that could be sent was.
        None if tenant_refused > 0 => exit::VALIDATION,
        None => exit::OK,
    }
}

/// Why `--map` or `--set` could not be read.
#[derive(Debug, thiserror::Error)]
enum PairError {
    #[error("--map {pair}: write it as COLUMN=FIELD")]
    MapNotColumnField { pair: String },
    #[error("--set {pair}: write it as FIELD=VALUE")]
    SetNotFieldValue { pair: String },
    #[error(
        "--set {pair}: `{field}` is not a field; the fields are {}",
        crate::import::fields::FIELD_NAMES
    )]
    SetNotAField { pair: String, field: String },
}

/// `--map` and `--set` read.
fn reading<'a>(args: &ImportArgs, cells: Cells<'a>) -> Result<Reading<'a>, PairError> {
    let mut map = BTreeMap::new();
    for pair in &args.map {
        let Some((column, field)) = pair.split_once('=') else {
            return Err(PairError::MapNotColumnField { pair: pair.clone() });
        };
        map.insert(column.to_string(), field.trim().to_string());
    }
    let mut set = Vec::new();
    for pair in &args.set {
        let Some((field, value)) = pair.split_once('=') else {
            return Err(PairError::SetNotFieldValue { pair: pair.clone() });
        };
        match target(field, cells.tenant) {
            Some(Fills::Skip) | None => {
                return Err(PairError::SetNotAField {
                    pair: pair.clone(),
                    field: field.to_string(),
                });
            }
            Some(t) => set.push((t, Value::String(value.to_string()))),
        }
    }
    Ok(Reading { cells, map, set })
}

/// The outbox an import starts with: what the journal knows of each row, and every other row queued in
/// the order of the file.
struct Plan {
    entries: Vec<OutboxEntry>,
    /// Each entry's row (as the journal knows it) and its line in the file, by outbox key.
    rows: HashMap<String, (RowId, u64)>,
    /// The outbox key of each row of the file, in its order.
    keys: Vec<String>,
    /// Lines created (or being sent) by an earlier run whose row has changed since, with the lead's id.
    changed: Vec<(u64, Option<String>)>,
}

/// How far back a lost journal's rows are looked for (the look itself reads at most a day's leads).
const LOST_LOOK_BACK_DAYS: i64 = 30;

fn plan(rows: &[Row], opened: &Opened, resend_unknown: bool, now: chrono::DateTime<Utc>) -> Plan {
    let mut plan = Plan {
        entries: Vec::with_capacity(rows.len()),
        rows: HashMap::with_capacity(rows.len()),
        keys: Vec::with_capacity(rows.len()),
        changed: Vec::new(),
    };
    let mut recorded = opened.recorded.clone();
    let mut occurrences: HashMap<String, u32> = HashMap::new();
    let mut slots: Vec<Option<OutboxEntry>> = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        let fingerprint = journal::fingerprint(&row.lead);
        let n = occurrences.entry(fingerprint.clone()).or_insert(0);
        *n += 1;
        let id = RowId {
            fingerprint,
            occurrence: *n,
        };
        slots.push(recorded.remove(&id).map(|r| {
            let mut entry = r.entry;
            entry.key = id.key();
            if entry.state == OutboxState::Unknown {
                entry.state = if resend_unknown {
                    OutboxState::Queued
                } else {
                    OutboxState::Checking
                };
            }
            entry.next_try = None;
            entry
        }));
        ids.push(id);
    }
    let mut fresh = Outbox::default();
    for (i, (row, slot)) in rows.iter().zip(slots).enumerate() {
        let id = &ids[i];
        let entry = match slot {
            Some(entry) => entry,
            None => {
                // A row the journal does not know may be one edited after it was created: the same email
                // (or on the same line, the same name) as a created row no row of the file is now.
                let edited = recorded
                    .iter()
                    .find(|(_, r)| {
                        matches!(r.entry.state, OutboxState::Sent | OutboxState::Sending)
                            && same_lead(&r.entry.lead, &row.lead, r.line == row.line)
                    })
                    .map(|(k, _)| k.clone());
                match edited.and_then(|k| recorded.remove(&k)) {
                    Some(r) => {
                        // What was sent is in the tenant (or may be); the row as it is now is not sent on top of it.
                        plan.changed.push((row.line, r.entry.server_id.clone()));
                        let mut entry = r.entry;
                        entry.key = id.key();
                        entry
                    }
                    None => {
                        let mut entry = fresh.enqueue(
                            id.key(),
                            row.lead.clone(),
                            None,
                            now + chrono::Duration::microseconds(i as i64),
                        );
                        if opened.lost {
                            entry.state = OutboxState::Checking;
                            entry.sent_at = Some(now - chrono::Duration::days(LOST_LOOK_BACK_DAYS));
                        }
                        entry
                    }
                }
            }
        };
        plan.rows.insert(id.key(), (id.clone(), row.line));
        plan.keys.push(id.key());
        plan.entries.push(entry);
    }
    plan
}

/// Names each row about to be sent that looks like a mirrored lead. Without `--skip-invalid` nothing is
/// sent (the exit code); with it, those rows leave the plan and are returned, each with why, for the
/// refused-rows file.
fn hold_look_alikes<'r>(
    args: &ImportArgs,
    mirror: Option<&MirrorFile>,
    name: &str,
    rows: &'r [Row],
    plan: &mut Plan,
    say: &mut impl FnMut(&str),
) -> Result<Vec<(&'r Row, String)>, i32> {
    let twins = match mirror {
        Some(mirror) if !args.allow_duplicate => look_alikes(mirror, rows, &plan.entries),
        _ => return Ok(Vec::new()),
    };
    for (_, row, twin) in &twins {
        say(&format!(
            "{name}: line {}: {}",
            row.line,
            crate::commands::leads::lookalike::message(&twin.lead, twin.how.word())
        ));
    }
    if !twins.is_empty() && !args.skip_invalid {
        let (rows, them) = match twins.len() {
            1 => ("1 row looks like a lead".to_string(), "it"),
            n => (format!("{n} rows look like leads"), "them"),
        };
        say(&format!(
            "leadbox: {rows} the tenant has; nothing was sent. Check {them} (add --allow-duplicate to send {them} anyway, or --skip-invalid to send the other rows), then run the same command again."
        ));
        return Err(exit::DUPLICATE);
    }
    let held: std::collections::HashSet<&str> = twins.iter().map(|(key, _, _)| key.as_str()).collect();
    plan.entries.retain(|e| !held.contains(e.key.as_str()));
    Ok(twins
        .iter()
        .map(|(_, row, twin)| {
            let view = crate::model::CompactLead::new(&twin.lead);
            let why = format!("looks like {} ({}): {}", view.name(), twin.lead.id, twin.how.word());
            (*row, why)
        })
        .collect())
}

/// The rows about to be sent (queued, not being looked for) that look like a lead the mirror holds, each
/// with its outbox key, in one pass over the rows. A mirror that cannot be asked checks nothing, as
/// without one.
fn look_alikes<'r>(mirror: &MirrorFile, rows: &'r [Row], entries: &[OutboxEntry]) -> Vec<(String, &'r Row, Twin)> {
    // The plan holds an entry for each row, in the file's order.
    let queued: Vec<(&OutboxEntry, &Row)> = entries
        .iter()
        .zip(rows)
        .filter(|(e, _)| e.state == OutboxState::Queued)
        .collect();
    let keys: Vec<Keys> = queued.iter().map(|(_, row)| Keys::of_new(&row.lead)).collect();
    match mirror.look_alikes(&keys) {
        Ok(found) => queued
            .into_iter()
            .zip(found)
            .filter_map(|((entry, row), twin)| twin.map(|t| (entry.key.clone(), row, t)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %crate::sanitize::line(&e.to_string()), "the import's look-alike check could not read the mirror");
            Vec::new()
        }
    }
}

/// Whether `now` is `then` edited: the same email, or on the same line the same name.
fn same_lead(then: &crate::api::types::NewLead, now: &crate::api::types::NewLead, same_line: bool) -> bool {
    let email = |l: &crate::api::types::NewLead| {
        l.email
            .as_deref()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
    };
    let name = |l: &crate::api::types::NewLead| {
        (
            l.first_name.trim().to_lowercase(),
            l.last_name.as_deref().unwrap_or_default().trim().to_lowercase(),
        )
    };
    (email(then).is_some() && email(then) == email(now)) || (same_line && name(then) == name(now))
}

/// Keeps each change of an entry in the journal.
struct JournalKeep {
    journal: Journal,
    rows: HashMap<String, (RowId, u64)>,
}

/// Why an entry's change is not in the journal.
#[derive(Debug, thiserror::Error)]
enum NotJournaled {
    #[error("no row for {key}")]
    NoRow { key: String },
    #[error(transparent)]
    Journal(#[from] journal::JournalError),
}

impl Keep for JournalKeep {
    type Error = NotJournaled;

    fn keep(&mut self, entry: &OutboxEntry) -> Result<(), NotJournaled> {
        let (id, line) = self
            .rows
            .get(&entry.key)
            .ok_or_else(|| NotJournaled::NoRow { key: entry.key.clone() })?;
        Ok(self.journal.record(id, *line, entry)?)
    }
}

/// Where the refused rows of `input` go: beside it, `leads.csv` → `leads.refused.csv`.
pub fn refused_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    input.with_file_name(format!("{stem}.refused.csv"))
}

/// Where the refused rows went.
#[derive(Debug, PartialEq)]
enum Written {
    /// To the refused-rows file, which did not exist.
    New(PathBuf),
    /// The refused-rows file holds other rows (the rep may have fixed them there): beside it.
    Beside(PathBuf),
    /// The refused-rows file already holds exactly these rows.
    Unchanged,
}

/// Writes the refused rows, never over a refused-rows file that holds anything else: the rep may be fixing
/// it (the README's flow is to fix it and run the same command again).
fn write_refused(path: &Path, header: &[String], rows: &[(&Row, String)]) -> std::io::Result<Written> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut columns: Vec<&str> = header.iter().map(String::as_str).collect();
    columns.push(crate::import::fields::ERROR_COLUMN);
    out.write_record(&columns)?;
    for (row, why) in rows {
        let mut cells: Vec<String> = row.raw.clone();
        cells.resize(header.len(), String::new());
        cells.push(crate::sanitize::line(why).into_owned());
        out.write_record(&cells)?;
    }
    let bytes = out.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..=MAX_REFUSED_FILES {
        let to = if n == 1 {
            path.to_path_buf()
        } else {
            path.with_file_name(format!("{stem}-{n}.csv"))
        };
        if std::fs::read(&to).is_ok_and(|held| held == bytes) {
            return Ok(Written::Unchanged);
        }
        let mut options = std::fs::OpenOptions::new();
        // Only a file that does not exist yet, decided by the kernel: never one a rep is editing.
        options.write(true).create_new(true);
        match crate::owner_only::open(&to, options) {
            Ok(mut file) => {
                file.write_all(&bytes)?;
                file.sync_data()?;
                return Ok(if n == 1 { Written::New(to) } else { Written::Beside(to) });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{MAX_REFUSED_FILES} refused-rows files are there already; move them away"
    )))
}

/// How many refused-rows files one import file may have beside it.
const MAX_REFUSED_FILES: u32 = 100;

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        args: ImportArgs,
    }

    #[test]
    fn a_map_or_set_that_cannot_be_read_is_said_as_it_was_typed() {
        let tenant = TenantProfile::default();
        let said = |flags: &[&str]| {
            let line = Line::try_parse_from(["import", "leads.csv"].into_iter().chain(flags.iter().copied())).unwrap();
            reading(
                &line.args,
                Cells {
                    tenant: &tenant,
                    me: None,
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        };
        assert_eq!(said(&["--map", "Booth=notes", "--set", "source=referral"]), Ok(()));
        assert_eq!(
            said(&["--map", "Booth"]),
            Err("--map Booth: write it as COLUMN=FIELD".into())
        );
        assert_eq!(
            said(&["--set", "source"]),
            Err("--set source: write it as FIELD=VALUE".into())
        );
        let not_a_field = said(&["--set", "booth=12"]).unwrap_err();
        assert!(
            not_a_field.starts_with("--set booth=12: `booth` is not a field; the fields are firstName, "),
            "{not_a_field}"
        );
    }
}
