//! The command line: the inbox by default, `sandbox` to run the embedded server on its own.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use novala_sandbox::faults::{Creates, FaultOptions, LostAnswer, LostCreates};
use novala_sandbox::{RateLimit, SandboxOptions};

#[derive(Debug, Parser)]
#[command(
    name = "leadbox",
    version,
    about = "A terminal inbox for the leads of a Novala tenant",
    after_help = "Examples:\n  leadbox                          the inbox on the built-in sandbox (or your default profile)\n  \
                  leadbox --profile acme           the inbox on a tenant of your config file\n  \
                  leadbox config init              write a commented config file to start from"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Novala sandbox on 127.0.0.1 and print its URL, keys and roster.
    #[command(after_help = "Examples:\n  leadbox sandbox --port 7878\n  \
                      leadbox sandbox --port 0 --rate-limit 20 --fault-rate 0.2 --latency-ms 100\n  \
                      leadbox sandbox --port 0 --lose-answer hold:30000 --lose-answer-of 2\n  \
                      leadbox sandbox --activity 30   (colleagues at work: 30 simulated changes a minute)")]
    Sandbox(SandboxArgs),
    /// Write, locate or check the config file.
    #[command(
        subcommand,
        after_help = "Examples:\n  leadbox config init\n  leadbox config check --profile acme"
    )]
    Config(ConfigCommand),
    /// Keep a profile's key in the OS keyring.
    #[command(subcommand, after_help = "Example:\n  leadbox key set --profile acme")]
    Key(KeyCommand),
    /// The tenant's leads for scripts: data on stdout, messages on stderr, documented exit codes.
    #[command(subcommand)]
    Leads(Box<LeadsCommand>),
    /// Bring the profile's mirror of its tenant up to date: every lead, kept on this machine.
    #[command(
        long_about = "Bring the profile's mirror of its tenant up to date (`mirror = true` in the profile; always on \
                      for the built-in sandbox).\n\n\
                      The first sync reads every lead, walking the seven status lists side by side within \
                      `sync_rate` requests a second; killed, the next sync resumes where each list stood. Later \
                      syncs read the new leads (one request when nothing is new) and a few pages of a sweep that \
                      re-reads every lead over time, so status and assignee changes made in Novala reach the \
                      mirror. `leads list --offline` and `leads get --offline` answer from it.",
        after_help = "Examples:\n  leadbox sync\n  leadbox sync --profile acme --sweep all\n\n\
                      Exit codes: 0 synced, 2 usage or config file (or the profile has no mirror), 4 key not \
                      accepted, 6 rate limited after retries, 7 unreachable or server error, 9 the mirror could \
                      not be written or another leadbox is syncing it, 130 interrupted (the next sync resumes)"
    )]
    Sync(SyncArgs),
    /// Print the shell completion script for SHELL.
    #[command(
        after_help = "Examples:\n  leadbox completions bash > ~/.local/share/bash-completion/completions/leadbox\n  \
                            leadbox completions zsh > ~/.zfunc/_leadbox\n  \
                            leadbox completions fish > ~/.config/fish/completions/leadbox.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write a page for every command into a directory.
    #[command(after_help = "Examples:\n  leadbox man > ~/.local/share/man/man1/leadbox.1\n  \
                            leadbox man --dir ~/.local/share/man/man1   (leadbox.1, leadbox-leads-list.1, …)")]
    Man(ManArgs),
}

/// What `leadbox man` writes.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write leadbox.1 and a page per command (leadbox-leads-list.1, leadbox-sync.1, …) into DIR, each
    /// naming the others, and print their paths; without it, one page holding every command goes to stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:\n  leadbox leads list --all --format csv > leads.csv\n  \
                  leadbox leads import show.csv --check\n\n\
                  Exit codes: 0 done, 2 usage or config file, 3 refused (by leadbox's checks or the tenant, \
                  every problem listed), 4 key not accepted or missing a scope, 5 not found, 6 rate limited after \
                  retries, 7 unreachable or server error, 8 a create may have happened (outcome unknown), \
                  9 leadbox's own state on disk could not be written, 10 a create (or an import's rows) found a \
                  look-alike (--allow-duplicate sends it), 130 interrupted")]
pub enum LeadsCommand {
    /// Print the newest leads (or, with --all, every lead), following the tenant's cursors.
    #[command(
        after_help = "Examples:\n  leadbox leads list --status qualified --format jsonl | jq .email\n  \
                            leadbox --profile acme leads list --all --format jsonl > leads.jsonl"
    )]
    List {
        /// Only leads with this status.
        #[arg(long, value_name = "STATUS", value_parser = clap::builder::PossibleValuesParser::new(STATUSES))]
        status: Option<String>,
        /// Only leads assigned to `me`, a team member's name, or a user id.
        #[arg(long, value_name = "ID|me|NAME")]
        assigned_to: Option<String>,
        /// How many of the newest leads, 1 to 100 (--all for every lead).
        #[arg(long, default_value_t = 25, value_name = "N", conflicts_with = "all", value_parser = parse_limit)]
        limit: usize,
        /// Every lead, page after page, written as each page arrives.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// From the profile's mirror (`leadbox sync`), without the network.
        #[arg(long)]
        offline: bool,
    },
    /// Create one lead from flags or a JSON object, checked by the form's rules and sent through the outbox.
    #[command(
        after_help = "Examples:\n  leadbox leads create --first-name Ada --email ada@example.com --source referral --custom region=emea\n  \
                      echo '{\"firstName\":\"Ada\",\"source\":\"web_form\"}' | leadbox leads create --from - --format table\n\n\
                      The created lead goes to stdout. Exit codes: 0 created, 2 usage, 3 refused (every field's \
                      problem listed), 4 key not accepted, 6 rate limited, 7 unreachable, 8 the lead may have been \
                      created (it waits in the profile's outbox, where the inbox looks for it), 10 a lead with the same email, \
                      phone, or name and company is among the tenant's (nothing sent; --allow-duplicate sends it)"
    )]
    Create(Box<CreateArgs>),
    /// Create leads from a CSV or JSON Lines file: every row checked first, each created exactly once.
    #[command(
        long_about = "Create leads from a CSV file (with a header row) or a JSON Lines file.\n\n\
                      Columns go to fields by name (`firstName` or `first name`, `customFields.<key>` or a custom \
                      field's label in the profile); --map names the rest. Every row is checked before anything is \
                      sent. Each row's outcome is kept in a journal beside the file: after Ctrl-C, a kill or a crash, \
                      the same command sends only the rows not yet created. Rows the tenant refused are written to \
                      FILE.refused.csv, to fix and import.",
        after_help = "Examples:\n  leadbox leads import show.csv --check\n  \
                      leadbox --profile acme leads import show.csv --map Booth=notes --set source=referral\n  \
                      leadbox leads import show.refused.csv\n\n\
                      Exit codes: 0 every row created, 2 usage, config or the file's columns, 3 rows refused (by the \
                      checks or the tenant), 4 key not accepted, 7 tenant unreachable, 8 a row's outcome is unknown, \
                      9 another import of the file is running, 10 rows look like leads the profile's mirror holds \
                      (--allow-duplicate sends them), 130 interrupted"
    )]
    Import(Box<ImportArgs>),
    /// Print one lead.
    #[command(
        after_help = "Examples:\n  leadbox leads get 0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10 --format json\n  \
                            leadbox leads get 0b9f3c3e   (the start of an id, as the table prints it)"
    )]
    Get {
        /// The lead's id, or its start (the table's 8 characters).
        id: String,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// From the profile's mirror (`leadbox sync`), without the network.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starting file (never over an existing one).
    #[command(after_help = "Example:\n  leadbox config init && $EDITOR \"$(leadbox config path)\"")]
    Init,
    /// Print where the config file is read from.
    #[command(after_help = "Example:\n  leadbox config path")]
    Path,
    /// Load the config file and report every problem in it, with its line and column.
    #[command(after_help = "Example:\n  leadbox config check --profile acme")]
    Check,
    /// Propose the tenant's team and custom fields from its newest leads (read-only).
    #[command(after_help = "Examples:\n  leadbox config discover --profile acme\n  \
                            leadbox config discover --profile acme --limit 5000 --append")]
    Discover(DiscoverArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DiscoverArgs {
    /// How many of the newest leads to read.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub limit: u32,
    /// Append the proposal to the config file as a commented block (what is there is never changed).
    #[arg(long)]
    pub append: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Store the key of --profile NAME in the OS keyring; it is read without echo.
    #[command(after_help = "Example:\n  leadbox key set --profile acme\n  (then `keyring = true` in [profiles.acme])")]
    Set,
}

/// Flags every command takes, before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// The config file (default: LEADBOX_CONFIG, else config.toml in the platform's config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The profile of the config file to open (default: LEADBOX_PROFILE, else `default_profile`, else the
    /// built-in sandbox).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// A Novala tenant, e.g. https://acme.novala.ai, with the key from NOVALA_SECRET_KEY (default:
    /// NOVALA_API_URL, which only opens a tenant when no profile is chosen). With --profile, replaces that
    /// profile's URL; the profile's allow_insecure_http does not carry over to it.
    #[arg(long, global = true, value_name = "URL")]
    pub api_url: Option<String>,

    /// The saved view to open.
    #[arg(long, global = true, value_name = "NAME")]
    pub view: Option<String>,

    /// Leave the mouse to the terminal (select text by dragging); the config file's `mouse = false` does too.
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// Where the log file goes (default: the profile's directory in the platform's data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

/// The global flags' ids, and the commands where each means something; elsewhere it is hidden from help,
/// completions and the manual (a rep reading `leadbox sandbox --help` should not be offered `--view`).
const GLOBAL_USES: &[(&str, &[&str])] = &[
    ("config", &["config", "key", "leads", "sync"]),
    ("profile", &["config", "key", "leads", "sync"]),
    ("api_url", &["config", "leads", "sync"]),
    ("view", &["leads"]),
    ("no_mouse", &[]),
    ("log_file", &["leads", "sync"]),
];

/// What `leadbox sync` was asked to do.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// How much of the refresh sweep to do: a number of pages of 100 leads from where the last sync left
    /// it, or `all` to re-read every lead now.
    #[arg(long, value_name = "PAGES|all", default_value = "4", value_parser = parse_sweep)]
    pub sweep: crate::sync::Sweep,
}

fn parse_sweep(s: &str) -> Result<crate::sync::Sweep, NumberError> {
    if s == "all" {
        return Ok(crate::sync::Sweep::Full);
    }
    match s.parse::<u64>() {
        Ok(0) => Ok(crate::sync::Sweep::Off),
        Ok(n) if n <= 1_000_000 => Ok(crate::sync::Sweep::Pages(n)),
        _ => Err(NumberError::NotPages { text: s.to_string() }),
    }
}

/// The command line as leadbox parses and documents it.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        // A hidden copy in the subcommand stops clap propagating the visible one there (and is what its own
        // subcommands inherit); the flag is still accepted, only not offered.
        let hidden: Vec<clap::Arg> = GLOBAL_USES
            .iter()
            .filter(|(_, uses)| !uses.contains(&name.as_str()))
            .filter_map(|(id, _)| cmd.get_arguments().find(|a| a.get_id() == id))
            .map(|a| a.clone().hide(true))
            .collect();
        cmd = cmd.mut_subcommand(&name, |sub| sub.args(hidden));
    }
    cmd
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// The SQLite file (default: sandbox.sqlite3 in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 7878)]
    pub port: u16,

    /// How many demo leads a new database is seeded with.
    #[arg(long, default_value_t = 5_000)]
    pub seed_leads: usize,

    /// The seed of the demo data: the same number gives the same leads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Requests per second each tenant may make (token bucket); 0 turns the limit off.
    #[arg(long, default_value_t = 0.0)]
    pub rate_limit: f64,

    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,

    /// The share of requests (0 to 1) answered with an injected fault.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,

    /// The seed of the injected faults: the same seed gives the same faults.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,

    /// Creates store their lead, then lose the answer: `reset` (closed with no answer), `hold:MS` (held MS
    /// milliseconds, then closed) or `late:MS` (held, then sent); `unstored` closes before storing it.
    #[arg(long, value_name = "HOW")]
    pub lose_answer: Option<LostAnswer>,

    /// Which creates lose their answer, numbered from 1 by arrival: `all`, or numbers such as `2` or `1,3`.
    #[arg(long, value_name = "WHICH", default_value = "all", requires = "lose_answer")]
    pub lose_answer_of: Creates,

    /// Changes a minute made to the demo tenant as if by colleagues in Novala's web app: new leads arrive,
    /// leads change status or assignee. A simulation of this sandbox's, not part of Novala's API.
    #[arg(long, value_name = "N", default_value_t = 0.0, value_parser = parse_activity)]
    pub activity: f64,

    /// The seed of the simulated activity: the same seed over the same database makes the same changes.
    #[arg(long, default_value_t = 1)]
    pub activity_seed: u64,
}

fn parse_activity(s: &str) -> Result<f64, NumberError> {
    let n: f64 = s.parse().map_err(|_| NumberError::NotANumber { text: s.to_string() })?;
    let most = novala_sandbox::activity::MAX_PER_MINUTE;
    if (0.0..=most).contains(&n) {
        Ok(n)
    } else {
        Err(NumberError::ActivityOutOfRange { n, most })
    }
}

impl SandboxArgs {
    /// The sandbox these flags ask for, over the database at `db`.
    pub fn options(&self, db: PathBuf) -> SandboxOptions {
        let mut options = SandboxOptions::default()
            .db_path(db)
            .port(self.port)
            .seed_leads(self.seed_leads)
            .seed(self.seed)
            .faults(FaultOptions {
                latency: Duration::from_millis(self.latency_ms),
                rate: self.fault_rate,
                seed: self.fault_seed,
                lost_creates: self.lose_answer.map(|answer| LostCreates {
                    answer,
                    creates: self.lose_answer_of.clone(),
                }),
            })
            .activity(self.activity, self.activity_seed);
        if self.rate_limit > 0.0 && self.rate_limit.is_finite() {
            options = options.rate_limit(RateLimit {
                per_second: self.rate_limit,
                // About a second's worth of requests at once, and at least one.
                burst: self.rate_limit.ceil().clamp(1.0, 10_000.0) as u32,
            });
        }
        options
    }
}

/// The statuses `--status` takes (the contract's, as `LeadStatus::KNOWN`), listed so completions offer them.
pub const STATUSES: &[&str] = &[
    "new",
    "contacted",
    "qualifying",
    "qualified",
    "converted",
    "disqualified",
    "lost",
];

/// The contract's largest page.
pub const MAX_LIMIT: usize = 100;

/// Why a number on the command line was refused; clap prints it after the flag it came with.
#[derive(Debug, thiserror::Error)]
pub enum NumberError {
    #[error("`{text}` is not a whole number")]
    NotWhole { text: String },
    #[error("{limit} is not a number of leads from 1 to {MAX_LIMIT}; --all prints every lead")]
    LimitOutOfRange { limit: usize },
    #[error("`{text}` is not a number")]
    NotANumber { text: String },
    #[error("{rate} is outside 0 to 1")]
    RateOutOfRange { rate: f64 },
    #[error("`{text}` is not a number of pages (0 to 1000000) or `all`")]
    NotPages { text: String },
    #[error("{n} is not a number of changes a minute from 0 to {most}")]
    ActivityOutOfRange { n: f64, most: f64 },
}

fn parse_limit(s: &str) -> Result<usize, NumberError> {
    let limit: usize = s.parse().map_err(|_| NumberError::NotWhole { text: s.to_string() })?;
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(NumberError::LimitOutOfRange { limit })
    }
}

fn parse_rate(s: &str) -> Result<f64, NumberError> {
    let rate: f64 = s.parse().map_err(|_| NumberError::NotANumber { text: s.to_string() })?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(NumberError::RateOutOfRange { rate })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_completed_statuses_are_the_contracts() {
        let known: Vec<&str> = crate::api::types::LeadStatus::KNOWN
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(known, super::STATUSES);
    }

    #[test]
    fn a_number_out_of_range_is_refused_in_the_words_of_the_flag() {
        let said = |r: Result<usize, super::NumberError>| r.map_err(|e| e.to_string());
        assert_eq!(said(super::parse_limit("25")), Ok(25));
        assert_eq!(
            said(super::parse_limit("ten")),
            Err("`ten` is not a whole number".into())
        );
        assert_eq!(
            said(super::parse_limit("101")),
            Err("101 is not a number of leads from 1 to 100; --all prints every lead".into())
        );
        assert!(matches!(
            super::parse_rate("x"),
            Err(super::NumberError::NotANumber { .. })
        ));
        assert_eq!(
            super::parse_rate("1.5").map_err(|e| e.to_string()),
            Err("1.5 is outside 0 to 1".into())
        );
    }
}

/// How leads are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Columns fitted to the terminal, text sanitised as the inbox shows it.
    Table,
    /// One JSON array (or object for `get`), the server's values.
    Json,
    /// One JSON object per line, written as each page arrives.
    Jsonl,
    /// A header row, then one row per lead: a column per field and per custom field of the profile (and
    /// any other met in the first page); custom fields met later go into `customFields` as JSON.
    Csv,
}

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
    pub format: Format,
    /// Send it even when the tenant has a lead with the same email, phone, or name and company.
    #[arg(long)]
    pub allow_duplicate: bool,
}

/// What `leadbox leads import` was asked to do.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The file: CSV with a header row, or JSON Lines (`.jsonl`, one object per line).
    pub file: PathBuf,
    /// How the file is written (default: from its name; `.jsonl`, `.ndjson` and `.json` are JSON Lines).
    #[arg(long, value_enum)]
    pub input_format: Option<crate::import::rows::InputFormat>,
    /// Which field a column goes to, for columns whose names are not fields; `COLUMN=-` leaves it out.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// A value for every row that has none of its own, e.g. `source=referral` or `customFields.region=emea`.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Read and check every row, report, and send nothing.
    #[arg(long)]
    pub check: bool,
    /// Send the rows that pass the checks even when others do not (those go to the refused-rows file).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where the journal is kept (default: beside the file, named after it with `.leadbox-journal`).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Send the rows that look like a lead the profile's mirror holds (the same email, phone, or name and
    /// company); without it they are named and nothing is sent.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// Send again the rows whose outcome is unknown and that were not found in the tenant.
    #[arg(long)]
    pub resend_unknown: bool,
    /// The journal was deleted or emptied: look each row up among the tenant's newest leads before
    /// sending anything, one at a time; the rows not found wait for --resend-unknown.
    #[arg(long)]
    pub journal_lost: bool,
    /// How many creates may be out at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub parallel: u16,
    /// How long to keep trying, in seconds, while the tenant gives no usable answer.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub patience: u64,
}
