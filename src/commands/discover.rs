//! `leadbox config discover`: Novala's API cannot list a tenant's users or its custom field definitions, so
//! leadbox proposes both from the tenant's own leads, read-only. The team is every assignee seen (names are
//! for the rep to fill in); each custom field's kind is inferred from the values seen. The proposal is a
//! commented block of config the rep reviews and uncomments; it is only ever appended to the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use novala_leads::rules;
use novala_leads::tenant::CustomFieldKind;
use novala_leads::types::{Lead, ListQuery};
use novala_leads::{ApiError, NovalaClient, Paging};
use serde_json::Value;

use crate::sanitize;

/// The contract's largest page.
const PAGE: u32 = 100;
/// What a hostile tenant can make the proposal hold.
const MAX_FIELDS: usize = 200;
const MAX_OPTIONS: usize = 50;
const MAX_VALUE_CHARS: usize = 100;
const MAX_TEAM: usize = 500;
/// A string field with at most this many distinct values (and values repeating) is proposed as a dropdown.
const DROPDOWN_MAX: usize = 12;

/// One custom field as the leads show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldGuess {
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The values seen, for dropdown and multi-select fields.
    pub options: Vec<String>,
    /// On how many of the leads seen it had a value.
    pub present: usize,
}

/// What discovery proposes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Proposal {
    pub leads_seen: usize,
    /// Every assignee id seen, with how many leads it holds, most first.
    pub team: Vec<(String, usize)>,
    pub fields: Vec<FieldGuess>,
    /// Custom field keys the contract does not allow (shown sanitised), left out.
    pub skipped: Vec<String>,
    /// How many assignees and custom fields were left out because the profile has them already.
    pub known: usize,
    /// The profile has a `team` already: the new members go into it, not into a second `team`.
    pub team_configured: bool,
}

impl FieldGuess {
    /// Present on every lead seen: the tenant probably requires it.
    pub fn probably_required(&self, leads_seen: usize) -> bool {
        leads_seen > 0 && self.present == leads_seen
    }
}

/// What the values of one key looked like.
#[derive(Debug, Default)]
struct Seen {
    present: usize,
    bools: usize,
    numbers: usize,
    arrays: usize,
    strings: usize,
    others: usize,
    dates: usize,
    emails: usize,
    urls: usize,
    phones: usize,
    /// Distinct strings (or array items), capped.
    values: BTreeSet<String>,
    overflowed: bool,
}

impl Seen {
    fn note(&mut self, value: &Value) {
        if value.is_null() {
            return;
        }
        self.present += 1;
        match value {
            Value::Bool(_) => self.bools += 1,
            Value::Number(_) => self.numbers += 1,
            Value::Array(items) => {
                self.arrays += 1;
                for item in items {
                    match item.as_str() {
                        Some(s) => self.value(s),
                        None => self.others += 1,
                    }
                }
            }
            Value::String(s) => {
                self.strings += 1;
                let s = s.trim();
                if is_date(s) {
                    self.dates += 1;
                }
                if rules::is_email(s) {
                    self.emails += 1;
                }
                if rules::is_url(s) {
                    self.urls += 1;
                }
                if rules::is_phone(s) && s.chars().filter(char::is_ascii_digit).count() >= 7 {
                    self.phones += 1;
                }
                self.value(s);
            }
            _ => self.others += 1,
        }
    }

    fn value(&mut self, s: &str) {
        if self.values.len() >= MAX_OPTIONS * 2 {
            self.overflowed = true;
            return;
        }
        self.values.insert(s.chars().take(MAX_VALUE_CHARS).collect());
    }

    fn kind(&self) -> CustomFieldKind {
        let n = self.present;
        if n == 0 || self.others > 0 {
            return CustomFieldKind::Text;
        }
        if self.bools == n {
            return CustomFieldKind::Boolean;
        }
        if self.numbers == n {
            return CustomFieldKind::Number;
        }
        if self.arrays == n {
            return CustomFieldKind::MultiSelect;
        }
        if self.strings != n {
            return CustomFieldKind::Text;
        }
        if self.dates == n {
            CustomFieldKind::Date
        } else if self.emails == n {
            CustomFieldKind::Email
        } else if self.urls == n {
            CustomFieldKind::Url
        } else if self.phones == n {
            CustomFieldKind::Phone
        } else if !self.overflowed && self.values.len() <= DROPDOWN_MAX && 2 * self.values.len() <= n {
            // Few values, each seen twice or more on average: a list to choose from, not free text.
            CustomFieldKind::Dropdown
        } else {
            CustomFieldKind::Text
        }
    }
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
}

/// "follow_up" → "Follow up".
fn label_of(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The proposal from `leads`.
pub fn propose(leads: &[Lead]) -> Proposal {
    let mut team: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    for lead in leads {
        if let Some(a) = lead.assigned_to.as_deref().filter(|a| rules::is_uuid(a)) {
            let a = a.to_lowercase();
            if team.contains_key(&a) || team.len() < MAX_TEAM {
                *team.entry(a).or_default() += 1;
            }
        }
        for (key, value) in &lead.custom_fields {
            if !rules::is_custom_field_key(key) {
                if skipped.len() < MAX_FIELDS {
                    skipped.insert(sanitize::line(&key.chars().take(MAX_VALUE_CHARS).collect::<String>()).into_owned());
                }
                continue;
            }
            if seen.contains_key(key) || seen.len() < MAX_FIELDS {
                seen.entry(key.clone()).or_default().note(value);
            }
        }
    }
    let mut team: Vec<(String, usize)> = team.into_iter().collect();
    team.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let fields = seen
        .into_iter()
        .map(|(key, s)| {
            let kind = s.kind();
            let options = match kind {
                CustomFieldKind::Dropdown | CustomFieldKind::MultiSelect => {
                    s.values.iter().take(MAX_OPTIONS).cloned().collect()
                }
                _ => Vec::new(),
            };
            FieldGuess {
                label: label_of(&key),
                key,
                kind,
                options,
                present: s.present,
            }
        })
        .collect();
    Proposal {
        leads_seen: leads.len(),
        team,
        fields,
        skipped: skipped.into_iter().collect(),
        known: 0,
        team_configured: false,
    }
}

/// Walks up to `limit` of the tenant's newest leads (GET only; it never creates anything) and proposes a team
/// and custom fields from them.
pub async fn discover(client: &NovalaClient, limit: usize) -> Result<Proposal, ApiError> {
    let mut paging = Paging::new();
    let mut leads = Vec::new();
    // The walk itself ends on pages that bring nothing new (`Paging`), so a hostile tenant cannot hold it.
    while leads.len() < limit && !paging.is_done() {
        let query = ListQuery {
            limit: Some(PAGE.min(u32::try_from(limit - leads.len()).unwrap_or(PAGE)).max(1)),
            ..ListQuery::default()
        };
        let cursor = paging.next_cursor().map(str::to_string);
        let page = client.list(&query, cursor.as_deref()).await?;
        leads.extend(paging.accept(cursor.as_deref(), page));
    }
    leads.truncate(limit);
    Ok(propose(&leads))
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_format(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that change how text around them shows without showing themselves (bidi controls, zero-width
/// characters): escaped in the file, so what the rep reads is what is there.
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

/// A profile name as a TOML key: bare when it can be, quoted otherwise.
fn table_key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        name.to_string()
    } else {
        toml_string(name)
    }
}

impl Proposal {
    /// Leaves out the team members and custom fields `configured` (the profile's) has already, so an
    /// appended proposal adds only what is new.
    pub fn without_configured(mut self, configured: &novala_leads::tenant::TenantProfile) -> Proposal {
        let before = self.team.len() + self.fields.len();
        self.team
            .retain(|(id, _)| !configured.roster.iter().any(|m| m.id.eq_ignore_ascii_case(id)));
        self.fields
            .retain(|f| !configured.custom_fields.iter().any(|d| d.key == f.key));
        self.known += before - self.team.len() - self.fields.len();
        self.team_configured = !configured.roster.is_empty();
        self
    }

    /// The proposal as config for profile `profile`, every line commented out, for the rep to review,
    /// fill in the names and uncomment.
    pub fn to_toml(&self, profile: &str, when: &str) -> String {
        let profile = table_key(profile);
        // Config lines are commented once, prose twice: uncommenting the block leaves the prose as comments.
        let mut out = String::new();
        let prose = |out: &mut String, text: &str| out.push_str(&format!("## {text}\n"));
        let config = |out: &mut String, text: &str| out.push_str(&format!("# {text}\n"));
        prose(
            &mut out,
            &format!(
                "leadbox config discover, {when}: proposed from {} leads.",
                self.leads_seen
            ),
        );
        prose(
            &mut out,
            "Fill in the team's names, check the kinds and options, then uncomment.",
        );
        if self.known > 0 {
            prose(
                &mut out,
                &format!(
                    "Left out: {} assignee{}/custom field{} the profile has already.",
                    self.known,
                    if self.known == 1 { "" } else { "s" },
                    if self.known == 1 { "" } else { "s" }
                ),
            );
        }
        if !self.team.is_empty() && self.team_configured {
            prose(
                &mut out,
                &format!("Add these to the `team` of [profiles.{profile}] (a second `team` would be an error):"),
            );
            for (id, count) in &self.team {
                config(&mut out, &member_line(id, *count));
            }
        } else if !self.team.is_empty() {
            prose(
                &mut out,
                &format!("Move `team` into [profiles.{profile}]: a key after a table's header belongs to that table."),
            );
            config(&mut out, "team = [");
            for (id, count) in &self.team {
                config(&mut out, &member_line(id, *count));
            }
            config(&mut out, "]");
        }
        for field in &self.fields {
            out.push_str("#\n");
            config(&mut out, &format!("[[profiles.{profile}.custom_fields]]"));
            config(&mut out, &format!("key = {}", toml_string(&field.key)));
            config(&mut out, &format!("label = {}", toml_string(&field.label)));
            config(&mut out, &format!("kind = {}", toml_string(field.kind.as_str())));
            let required = field.probably_required(self.leads_seen);
            let note = if required {
                "   # present on every lead seen: probably required"
            } else {
                ""
            };
            config(&mut out, &format!("required = {required}{note}"));
            if !field.options.is_empty() {
                let options: Vec<String> = field.options.iter().map(|o| toml_string(o)).collect();
                config(&mut out, &format!("options = [{}]", options.join(", ")));
            }
        }
        if !self.skipped.is_empty() {
            out.push_str("#\n");
            let keys: Vec<String> = self.skipped.iter().map(|s| toml_string(s)).collect();
            prose(
                &mut out,
                &format!("Left out, not valid custom field keys: {}", keys.join(", ")),
            );
        }
        out
    }

    /// A short account for the terminal.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} leads seen: {} assignee{}, {} custom field{}.\n",
            self.leads_seen,
            self.team.len(),
            if self.team.len() == 1 { "" } else { "s" },
            self.fields.len(),
            if self.fields.len() == 1 { "" } else { "s" }
        );
        for f in &self.fields {
            let required = if f.probably_required(self.leads_seen) {
                ", probably required"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {:<20} {}{required} (on {} of {})\n",
                sanitize::line(&f.key),
                f.kind.as_str(),
                f.present,
                self.leads_seen
            ));
        }
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("could not add the proposal to {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Appends `block` to the config file at `path`, after a blank line; a new file is created owner-only. What is
/// there is never rewritten.
pub fn append_to_file(path: &Path, block: &str) -> Result<(), DiscoverError> {
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        let mut file = crate::owner_only::open(path, options)?;
        file.write_all(format!("\n{block}").as_bytes())?;
        file.sync_all()
    };
    write().map_err(|source| DiscoverError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// One proposed team member, as a line of the `team` array: its id, a name to fill in, and how many of the
/// newest leads it holds.
fn member_line(id: &str, count: usize) -> String {
    format!(
        "  {{ id = {}, name = \"\" }},   # {count} lead{}",
        toml_string(id),
        if count == 1 { "" } else { "s" }
    )
}
