//! `leadbox leads`: the tenant's leads on stdout for scripts, messages on stderr, and an exit code a script
//! can act on. The same client, paging and sanitiser as the inbox.

pub mod create;
pub mod lookalike;
pub mod offline;
pub mod run;

use std::io::Write;

use crate::api::error::ApiError;
use crate::api::types::{Lead, ListQuery};
use crate::api::{NovalaClient, Paging};
use crate::cli::Format;
use crate::model::CompactLead;
use crate::sanitize;
use crate::text::age;
use crate::text::fit;

/// How leads are written: the format and what it needs to know.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    /// The terminal's width, for the table.
    pub width: usize,
    /// Custom field keys with a CSV column of their own (the profile's; the first page adds what it meets).
    pub custom_keys: Vec<String>,
    /// Writing to a terminal: a person reads it, so a CSV's text is sanitised; into a file or a pipe the
    /// values go as the server sent them.
    pub to_terminal: bool,
}

impl Output {
    pub fn new(format: Format, width: usize) -> Output {
        Output {
            format,
            width,
            custom_keys: Vec::new(),
            to_terminal: false,
        }
    }

    /// Writing to stdout, with a CSV column for each custom field `tenant` defines.
    pub fn for_stdout(format: Format, width: usize, tenant: &crate::tenant::TenantProfile) -> Output {
        Output {
            format,
            width,
            custom_keys: tenant.custom_fields.iter().map(|d| d.key.clone()).collect(),
            to_terminal: std::io::IsTerminal::is_terminal(&std::io::stdout()),
        }
    }

    /// What comes before the first lead; `first` is the first page, whose custom fields get columns.
    fn opening(&mut self, first: &[Lead]) -> String {
        match self.format {
            Format::Json => "[".to_string(),
            Format::Table => format!("{}\n", table_header(self.width)),
            Format::Jsonl => String::new(),
            Format::Csv => {
                // Columns for what the first page holds, up to a bound: a server inventing keys gets the rest
                // in the `customFields` column, not thousands of columns.
                let bound = self.custom_keys.len() + MAX_SEEN_COLUMNS;
                for key in first.iter().flat_map(|lead| lead.custom_fields.keys()) {
                    if self.custom_keys.len() < bound && !self.custom_keys.contains(key) {
                        self.custom_keys.push(key.clone());
                    }
                }
                let mut names: Vec<String> = CSV_FIELDS.iter().map(|s| s.to_string()).collect();
                names.extend(self.custom_keys.iter().map(|k| format!("customFields.{k}")));
                names.extend(["customFields".to_string(), "attribution".to_string()]);
                self.csv_record(&names)
            }
        }
    }

    /// One lead; `index` counts from 0.
    fn lead(&self, lead: &Lead, index: usize) -> String {
        match self.format {
            Format::Json => format!("{}\n  {}", if index == 0 { "" } else { "," }, json_text(lead, false)),
            Format::Jsonl => format!("{}\n", json_text(lead, false)),
            Format::Table => format!("{}\n", table_row(lead, self.width)),
            Format::Csv => self.csv_record(&csv_values(lead, &self.custom_keys)),
        }
    }

    fn csv_record(&self, values: &[String]) -> String {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        let cleaned: Vec<std::borrow::Cow<'_, str>> = values
            .iter()
            .map(|v| {
                if self.to_terminal {
                    sanitize::line(v)
                } else {
                    std::borrow::Cow::Borrowed(v.as_str())
                }
            })
            .collect();
        let _ = writer.write_record(cleaned.iter().map(|c| c.as_ref()));
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// How many custom field columns the first page may add to the profile's.
const MAX_SEEN_COLUMNS: usize = 100;

/// The CSV's columns before the custom fields, by wire name.
const CSV_FIELDS: &[&str] = &[
    "id",
    "createdAt",
    "status",
    "firstName",
    "lastName",
    "email",
    "phone",
    "companyName",
    "source",
    "channel",
    "intent",
    "notes",
    "assignedTo",
];

fn csv_values(lead: &Lead, custom_keys: &[String]) -> Vec<String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut values = vec![
        lead.id.clone(),
        crate::api::types::rfc3339_millis::format(&lead.created_at),
        lead.status.as_str().to_string(),
        text(&lead.first_name),
        text(&lead.last_name),
        text(&lead.email),
        text(&lead.phone),
        text(&lead.company_name),
        lead.source.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default(),
        text(&lead.channel),
        text(&lead.intent),
        text(&lead.notes),
        text(&lead.assigned_to),
    ];
    for key in custom_keys {
        values.push(match lead.custom_fields.get(key) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            // Anything but text as JSON (`["crm","api"]`, `1200`, `true`), which an import reads back.
            Some(other) => other.to_string(),
        });
    }
    let rest: serde_json::Map<String, serde_json::Value> = lead
        .custom_fields
        .iter()
        .filter(|(k, _)| !custom_keys.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    values.push(if rest.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(rest).to_string()
    });
    values.push(match &lead.attribution {
        Some(a) if !a.is_empty() => serde_json::to_string(a).unwrap_or_default(),
        _ => String::new(),
    });
    values
}

/// JSON of a server value, with the characters a terminal would act on (C1 controls, bidi overrides and
/// invisible formatting) written as `\u` escapes: the same value to a JSON reader, inert on a screen.
/// serde_json already escapes the C0 controls.
fn json_text(value: &impl serde::Serialize, pretty: bool) -> String {
    sanitize::json_text(value, pretty)
}

/// One lead, by id.
pub async fn get(client: &NovalaClient, id: &str, output: &Output, out: &mut impl Write) -> Result<(), ApiError> {
    let lead = client.get(id).await?;
    let _ = writeln!(out, "{}", render_one(&lead, output));
    Ok(())
}

/// What an id typed for `leads get` names.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    /// A whole id, or the one known lead whose id starts with the prefix typed.
    Id(String),
    /// No known lead's id starts with it.
    Nothing,
    /// Several do: these, newest first.
    Several(Vec<Lead>),
}

/// The lead `typed` names: a whole id as it is; a shorter one (the 8 characters the table prints) as the
/// start of an id among `known` (the profile's kept pages) and the tenant's newest page.
pub async fn name_lead(client: &NovalaClient, typed: &str, known: Vec<Lead>) -> Result<Named, ApiError> {
    let typed = typed.trim();
    if crate::rules::is_uuid(typed) || typed.is_empty() {
        return Ok(Named::Id(typed.to_string()));
    }
    let newest = client
        .list(
            &ListQuery {
                limit: Some(100),
                ..ListQuery::default()
            },
            None,
        )
        .await?;
    let wanted = typed.to_lowercase();
    let mut matches: Vec<Lead> = Vec::new();
    for lead in newest.data.into_iter().chain(known) {
        if lead.id.to_lowercase().starts_with(&wanted) && !matches.iter().any(|m| m.id == lead.id) {
            matches.push(lead);
        }
    }
    matches.sort_by_key(|lead| std::cmp::Reverse(lead.created_at));
    Ok(match matches.len() {
        0 => Named::Nothing,
        1 => Named::Id(matches.remove(0).id),
        _ => Named::Several(matches),
    })
}

/// One lead as `output` writes it (a table or a CSV with its header).
pub fn render_one(lead: &Lead, output: &Output) -> String {
    match output.format {
        Format::Json => json_text(lead, true),
        Format::Jsonl => json_text(lead, false),
        Format::Table => [table_header(output.width), table_row(lead, output.width)].join("\n"),
        Format::Csv => {
            let mut output = output.clone();
            let text = output.opening(std::slice::from_ref(lead));
            format!("{text}{}", output.lead(lead, 0)).trim_end().to_string()
        }
    }
}

/// The leads `query` selects, newest first: up to `limit`, or every page with `all`, each page written as
/// it arrives (memory does not grow with the number of leads). Returns how many were written.
pub async fn list(
    client: &NovalaClient,
    query: &ListQuery,
    limit: usize,
    all: bool,
    output: &mut Output,
    out: &mut impl Write,
) -> Result<usize, ApiError> {
    let page_query = ListQuery {
        limit: Some(if all { 100 } else { limit.clamp(1, 100) as u32 }),
        ..query.clone()
    };
    let mut paging = Paging::new();
    let mut written = 0;
    let mut opened = false;
    loop {
        let cursor = paging.next_cursor().map(str::to_string);
        let page = client.list(&page_query, cursor.as_deref()).await?;
        let leads = paging.accept(cursor.as_deref(), page);
        // Nothing on stdout until the first page is in: a failure leaves it empty.
        if !opened {
            opened = true;
            let _ = write!(out, "{}", output.opening(&leads));
        }
        for lead in &leads {
            if !all && written == limit {
                break;
            }
            let _ = write!(out, "{}", output.lead(lead, written));
            written += 1;
        }
        let _ = out.flush();
        if paging.is_done() || (!all && written >= limit) {
            break;
        }
    }
    if output.format == Format::Json && opened {
        let _ = writeln!(out, "{}]", if written == 0 { "" } else { "\n" });
    }
    Ok(written)
}

/// Column widths of the table: id, age, status, name, company; email takes the rest.
const COLUMNS: &[usize] = &[8, 4, 12, 22, 20];

fn table_header(width: usize) -> String {
    cells(&["ID", "AGE", "STATUS", "NAME", "COMPANY", "EMAIL"], width)
}

fn table_row(lead: &Lead, width: usize) -> String {
    let view = CompactLead::new(lead);
    let id = crate::text::short_id(&lead.id);
    let age = age(view.created_at(), chrono::Utc::now());
    let status = view.status();
    cells(
        &[
            &id,
            &age,
            status.as_str(),
            view.name(),
            view.company().unwrap_or("—"),
            view.email().unwrap_or("—"),
        ],
        width,
    )
}

fn cells(values: &[&str], width: usize) -> String {
    let mut line = String::new();
    for (i, value) in values.iter().enumerate() {
        let used = unicode_width::UnicodeWidthStr::width(line.as_str());
        let left = width.saturating_sub(used);
        // A narrow terminal gets the columns that fit, the last one cut.
        let w = COLUMNS.get(i).map_or(left, |&w| w.min(left));
        if w == 0 {
            break;
        }
        let text = fit(value, w);
        line.push_str(&text);
        if i + 1 < values.len() {
            line.push_str(&" ".repeat(w.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str())) + 1));
        }
    }
    line.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_the_value_but_no_character_a_terminal_would_act_on() {
        let value = serde_json::json!({"name": "Ada\u{1b}[31m \u{9b}2J \u{202e}evil\nline"});
        let text = json_text(&value, false);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || sanitize::is_bidi_or_invisible(c)),
            "{text:?}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }

    #[test]
    fn a_first_page_inventing_keys_gets_a_bounded_number_of_csv_columns_and_loses_nothing() {
        let mut custom = serde_json::Map::new();
        for i in 0..150 {
            custom.insert(format!("k{i:03}"), serde_json::json!(i));
        }
        let lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "x", "status": "new", "createdAt": "2026-01-01T00:00:00Z", "customFields": custom,
        }))
        .unwrap();
        let mut output = Output::new(Format::Csv, 100);
        let header = output.opening(std::slice::from_ref(&lead));
        assert_eq!(header.matches("customFields.").count(), MAX_SEEN_COLUMNS);
        let row = output.lead(&lead, 0);
        let text = format!("{header}{row}");
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        let rest: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&record[CSV_FIELDS.len() + MAX_SEEN_COLUMNS]).unwrap();
        assert_eq!(rest.len(), 50, "the others are in the customFields column");
    }
}
