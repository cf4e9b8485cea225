//! The config file as written: parsed with every key's position, checked against the agreed shape
//! (`shared` config.md), with every problem reported at once (file, line, column, key, and a suggestion for a
//! misspelt key), never just the first.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use novala_leads::rules;
use novala_leads::tenant::{CustomFieldDef, CustomFieldKind, Member};
use novala_leads::types::{LeadSource, LeadStatus};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod commands;
mod profile;
pub use commands::CommandConfig;
use commands::read_commands;
use profile::{read_form_defaults, read_profile};

/// Where something is in the file, 1-based, as editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A value with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Location,
}

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Location,
    /// The key's path, e.g. `profiles.acme.url`.
    pub key: String,
    pub message: String,
}

impl Problem {
    /// `config.toml:4:1: profiles.acme.urll: unknown key; did you mean `url`?`
    pub fn render(&self, path: &Path) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            path.display(),
            self.at.line,
            self.at.column,
            self.key,
            self.message
        )
    }
}

/// Where a profile's key comes from: exactly one of these.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `key_env = "VAR"`
    Env(String),
    /// `key_command = "pass show novala/acme"`: its stdout, trimmed.
    Command(String),
    /// `keyring = true`: stored with `leadbox key set --profile NAME`.
    Keyring,
    /// `key = "sk_live_…"`, accepted only from a file its owner alone can read.
    InFile(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env(var) => write!(f, "Env({var})"),
            KeySource::Command(cmd) => write!(f, "Command({cmd})"),
            KeySource::Keyring => write!(f, "Keyring"),
            KeySource::InFile(_) => write!(f, "InFile(redacted)"),
        }
    }
}

/// A saved view: a name for a status and an assignee (`me`, a team name, or a user id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewConfig {
    pub name: String,
    pub status: Option<LeadStatus>,
    pub assigned_to: Option<String>,
}

/// One `[profiles.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConfig {
    pub name: String,
    pub at: Location,
    pub url: Option<Located<String>>,
    pub key: Option<Located<KeySource>>,
    pub allow_insecure_http: bool,
    pub me: Option<String>,
    pub team: Vec<Member>,
    pub custom_fields: Vec<CustomFieldDef>,
    pub views: Vec<ViewConfig>,
    /// `[profiles.NAME.form_defaults]`: over the file's own `[form_defaults]`.
    pub form_defaults: FormDefaults,
    /// `mirror = true`: keep every lead of the tenant in the profile's directory (`leadbox sync`).
    pub mirror: bool,
    /// `sync_rate`: requests a second the mirror's sync may spend.
    pub sync_rate: Option<SyncRate>,
    /// `[[profiles.NAME.commands]]`: the rep's own commands on this profile's leads, after the file's own.
    pub commands: Vec<CommandConfig>,
}

/// `sync_rate` when a profile does not say: gentle on a tenant's rate limit.
pub const DEFAULT_SYNC_RATE: f64 = 5.0;
/// `sync_rate` of the embedded sandbox, which runs on this machine.
pub const SANDBOX_SYNC_RATE: f64 = 50.0;
/// The bounds of `sync_rate`.
pub const SYNC_RATE_RANGE: std::ops::RangeInclusive<f64> = 0.1..=1000.0;

/// Requests a second, a finite number within [`SYNC_RATE_RANGE`] (so equality is total).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct SyncRate(pub f64);

impl Eq for SyncRate {}

/// What a new lead's form starts with, by the field's wire name (`source`, `customFields.region`).
pub type FormDefaults = BTreeMap<String, crate::model::DraftValue>;

/// The keys of `form_defaults`, and the form field each fills (custom fields go in their own table).
const FORM_DEFAULT_KEYS: &[(&str, &str)] = &[
    ("source", "source"),
    ("channel", "channel"),
    ("intent", "intent"),
    ("notes", "notes"),
    ("assigned_to", "assignedTo"),
    ("attribution", "attribution"),
    ("company", "companyName"),
];

/// The whole file, as far as it could be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub default_profile: Option<Located<String>>,
    /// `mouse = false` leaves the mouse to the terminal, as `--no-mouse` does.
    pub mouse: Option<bool>,
    /// `poll_seconds`: how often the first page is looked at again for new leads.
    pub poll_seconds: Option<u32>,
    /// `[alerts]`: how new leads found by the poll are announced.
    pub alerts: Alerts,
    /// `[form_defaults]`: what every profile's form starts with.
    pub form_defaults: FormDefaults,
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// `[keys]`: action name → its keys (a string or a list of strings), left for the keymap to check.
    pub keys: BTreeMap<String, Located<Vec<String>>>,
    pub keys_at: Option<Location>,
    /// `[theme]`: `preset`, then colours by role, left for the theme to check.
    pub theme_preset: Option<Located<String>>,
    pub theme_colours: BTreeMap<String, Located<String>>,
    /// `[[commands]]`: the rep's own commands, for every profile.
    pub commands: Vec<CommandConfig>,
}

impl ConfigFile {
    /// Whether any profile keeps its key in the file itself (which then must be owner-only).
    pub fn holds_a_key(&self) -> Option<Location> {
        self.profiles
            .values()
            .filter_map(|p| p.key.as_ref())
            .find(|k| matches!(k.value, KeySource::InFile(_)))
            .map(|k| k.at)
    }
}

/// The name of the profile leadbox has built in.
/// How a new lead is announced, when it is: off unless the config file's `[alerts]` turns it on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alerts {
    pub bell: bool,
    pub notify: Notify,
    /// The view whose new leads are announced (by name); the first view when unset.
    pub view: Option<String>,
}

/// The desktop notification escape a terminal understands, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notify {
    #[default]
    None,
    /// iTerm2, WezTerm, Windows Terminal, foot, kitty.
    Osc9,
    /// urxvt, VTE-based terminals (GNOME Terminal, Tilix).
    Osc777,
}

/// The bounds of `poll_seconds`: a tenant's rate limit below, a lead a rep would still call "new" above.
pub const POLL_SECS_RANGE: std::ops::RangeInclusive<u32> = 10..=3600;

pub const SANDBOX: &str = "sandbox";

const TOP_KEYS: &[&str] = &[
    "default_profile",
    "mouse",
    "poll_seconds",
    "form_defaults",
    "alerts",
    "profiles",
    "keys",
    "theme",
    "commands",
];
const ALERT_KEYS: &[&str] = &["bell", "notify", "view"];
const PROFILE_KEYS: &[&str] = &[
    "url",
    "key_command",
    "key_env",
    "keyring",
    "key",
    "allow_insecure_http",
    "me",
    "team",
    "custom_fields",
    "views",
    "form_defaults",
    "mirror",
    "sync_rate",
    "commands",
];
const MEMBER_KEYS: &[&str] = &["id", "name"];
const FIELD_KEYS: &[&str] = &["key", "label", "kind", "required", "options", "unit", "hint"];
const VIEW_KEYS: &[&str] = &["name", "status", "assigned_to"];

/// Turns byte offsets into lines and columns (columns in characters).
struct Lines<'a> {
    text: &'a str,
}

impl Lines<'_> {
    fn at(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Location { line, column }
    }
}

struct Reader<'a> {
    lines: Lines<'a>,
    problems: Vec<Problem>,
}

type Entry<'t, 'i> = (&'t Spanned<std::borrow::Cow<'i, str>>, &'t Spanned<DeValue<'i>>);

impl Reader<'_> {
    fn problem(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        let at = self.lines.at(span.start);
        self.problems.push(Problem {
            at,
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// Every entry of `table`, reporting the ones `known` does not list (with the closest known key).
    fn entries<'t, 'i>(&mut self, table: &'t DeTable<'i>, path: &str, known: &[&str]) -> Vec<Entry<'t, 'i>> {
        let mut out = Vec::new();
        for (k, v) in table.iter() {
            let name: &str = k.get_ref();
            if known.contains(&name) {
                out.push((k, v));
            } else {
                let message = match closest(name, known) {
                    Some(s) => format!("unknown key; did you mean `{s}`?"),
                    None => format!("unknown key; this table takes {}", known.join(", ")),
                };
                self.problem(k.span(), &join(path, name), message);
            }
        }
        out
    }

    fn string(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.problem(value.span(), key, format!("must be a string, not {}", other.type_str()));
                None
            }
        }
    }

    fn boolean(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.problem(
                    value.span(),
                    key,
                    format!("must be true or false, not {}", other.type_str()),
                );
                None
            }
        }
    }

    fn table<'t, 'i>(&mut self, value: &'t Spanned<DeValue<'i>>, key: &str) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.problem(value.span(), key, format!("must be a table, not {}", other.type_str()));
                None
            }
        }
    }

    /// An array whose items are tables (`[[x]]` or `x = [{…}, {…}]`).
    fn tables<'t, 'i>(&mut self, value: &'t Spanned<DeValue<'i>>, key: &str) -> Vec<(usize, &'t Spanned<DeValue<'i>>)> {
        match value.get_ref() {
            DeValue::Array(items) => items.iter().enumerate().collect(),
            other => {
                self.problem(value.span(), key, format!("must be a list, not {}", other.type_str()));
                Vec::new()
            }
        }
    }

    fn strings(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Vec<String>> {
        match value.get_ref() {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(items) => items
                .iter()
                .map(|item| self.string(item, key))
                .collect::<Option<Vec<_>>>(),
            other => {
                self.problem(
                    value.span(),
                    key,
                    format!("must be a string or a list of strings, not {}", other.type_str()),
                );
                None
            }
        }
    }

    fn located<T>(&self, value: T, span: Range<usize>) -> Located<T> {
        Located {
            value,
            at: self.lines.at(span.start),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The known word closest to `word`, if it is close enough to be a slip of the fingers.
pub fn closest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .min()
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .map(|(_, k)| k)
}

/// Reads the file's text. What it can read is returned along with every problem found; a caller that gets
/// problems must not run half-configured.
pub fn parse(path: &Path, text: &str) -> (ConfigFile, Vec<Problem>) {
    let mut reader = Reader {
        lines: Lines { text },
        problems: Vec::new(),
    };
    let mut file = ConfigFile {
        path: path.to_path_buf(),
        ..ConfigFile::default()
    };
    let (document, errors) = DeTable::parse_recoverable(text);
    let syntax_broken = !errors.is_empty();
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        reader.problem(span, "(syntax)", e.message().trim().to_string());
    }
    let document = document.into_inner();
    for (k, v) in reader.entries(&document, "", TOP_KEYS) {
        let name: &str = k.get_ref();
        match name {
            "default_profile" => {
                if let Some(s) = reader.string(v, name) {
                    file.default_profile = Some(reader.located(s, v.span()));
                }
            }
            "mouse" => file.mouse = reader.boolean(v, name),
            "form_defaults" => file.form_defaults = read_form_defaults(&mut reader, name, v),
            "poll_seconds" => file.poll_seconds = read_poll_seconds(&mut reader, name, v).or(file.poll_seconds),
            "alerts" => read_alerts(&mut reader, name, v, &mut file.alerts),
            "commands" => file.commands = read_commands(&mut reader, name, v),
            "profiles" => {
                let Some(profiles) = reader.table(v, name) else {
                    continue;
                };
                for (pk, pv) in profiles.iter() {
                    let pname: &str = pk.get_ref();
                    let path = format!("profiles.{pname}");
                    if pname == SANDBOX {
                        reader.problem(
                            pk.span(),
                            &path,
                            "the sandbox profile is built in and cannot be redefined; pick another name",
                        );
                        continue;
                    }
                    let Some(table) = reader.table(pv, &path) else { continue };
                    let profile = read_profile(&mut reader, pname, pk.span(), table);
                    file.profiles.insert(pname.to_string(), profile);
                }
            }
            "keys" => {
                file.keys_at = Some(reader.lines.at(k.span().start));
                let Some(keys) = reader.table(v, name) else { continue };
                for (ak, av) in keys.iter() {
                    let action: &str = ak.get_ref();
                    if let Some(list) = reader.strings(av, &join("keys", action)) {
                        let located = reader.located(list, ak.span());
                        file.keys.insert(action.to_string(), located);
                    }
                }
            }
            "theme" => {
                let Some(theme) = reader.table(v, name) else { continue };
                for (rk, rv) in theme.iter() {
                    let role: &str = rk.get_ref();
                    let Some(value) = reader.string(rv, &join("theme", role)) else {
                        continue;
                    };
                    let located = reader.located(value, rk.span());
                    if role == "preset" {
                        file.theme_preset = Some(located);
                    } else {
                        file.theme_colours.insert(role.to_string(), located);
                    }
                }
            }
            _ => {}
        }
    }
    // Past a syntax error the tables are guessed at: a profile it broke is not missing, and keys it moved
    // are not unknown. Only the syntax error and what comes before it are reported.
    if syntax_broken {
        let first = reader
            .problems
            .iter()
            .filter(|p| p.key == "(syntax)")
            .map(|p| p.at.line)
            .min()
            .unwrap_or(0);
        reader.problems.retain(|p| p.key == "(syntax)" || p.at.line < first);
    }
    if let Some(default) = &file.default_profile
        && !syntax_broken
        && default.value != SANDBOX
        && !file.profiles.contains_key(&default.value)
    {
        let message = missing_profile_message(&default.value, &file);
        reader.problems.push(Problem {
            at: default.at,
            key: "default_profile".to_string(),
            message,
        });
    }
    reader.problems.sort_by_key(|p| (p.at.line, p.at.column));
    (file, reader.problems)
}

/// "no profile `acmee`; did you mean `acme`? The profiles are: sandbox, acme".
pub fn missing_profile_message(name: &str, file: &ConfigFile) -> String {
    let mut names: Vec<&str> = vec![SANDBOX];
    names.extend(file.profiles.keys().map(String::as_str));
    let hint = closest(name, &names)
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    format!("no profile `{name}`{hint} The profiles are: {}", names.join(", "))
}

/// `poll_seconds`, when it is a whole number in range; a problem said otherwise.
fn read_poll_seconds(reader: &mut Reader<'_>, name: &str, v: &toml::Spanned<DeValue<'_>>) -> Option<u32> {
    let range = POLL_SECS_RANGE;
    match v.get_ref() {
        DeValue::Integer(i) => match i.as_str().parse::<u32>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                reader.problem(
                    v.span(),
                    name,
                    format!(
                        "must be a whole number of seconds from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        },
        other => {
            reader.problem(
                v.span(),
                name,
                format!("must be a whole number of seconds, not {}", other.type_str()),
            );
            None
        }
    }
}

/// `sync_rate`, when it is a number of requests a second in range; a problem said otherwise.
fn read_sync_rate(reader: &mut Reader<'_>, name: &str, v: &toml::Spanned<DeValue<'_>>) -> Option<SyncRate> {
    let range = SYNC_RATE_RANGE;
    let text = match v.get_ref() {
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        other => {
            reader.problem(
                v.span(),
                name,
                format!("must be a number of requests a second, not {}", other.type_str()),
            );
            return None;
        }
    };
    match text.replace('_', "").parse::<f64>() {
        Ok(rate) if range.contains(&rate) => Some(SyncRate(rate)),
        _ => {
            reader.problem(
                v.span(),
                name,
                format!(
                    "must be a number of requests a second from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// The `[alerts]` table.
fn read_alerts(reader: &mut Reader<'_>, name: &str, v: &toml::Spanned<DeValue<'_>>, alerts: &mut Alerts) {
    let Some(table) = reader.table(v, name) else {
        return;
    };
    for (ak, av) in reader.entries(table, "alerts", ALERT_KEYS) {
        let key: &str = ak.get_ref();
        let full = join("alerts", key);
        match key {
            "bell" => alerts.bell = reader.boolean(av, &full).unwrap_or(false),
            "notify" => match reader.string(av, &full).as_deref() {
                Some("none") => alerts.notify = Notify::None,
                Some("osc9") => alerts.notify = Notify::Osc9,
                Some("osc777") => alerts.notify = Notify::Osc777,
                Some(other) => reader.problem(
                    av.span(),
                    &full,
                    format!("`{other}` is not a way to notify; use \"osc9\", \"osc777\" or \"none\""),
                ),
                None => {}
            },
            _ => alerts.view = reader.string(av, &full),
        }
    }
}
