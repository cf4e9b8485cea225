//! `leadbox leads`: the tenant's leads on stdout for scripts, messages on stderr, and an exit code a script
//! can act on. The same client, paging and sanitiser as the inbox.

pub mod send;

use std::io::Write;

use crate::api::error::ApiError;
use crate::api::types::{Lead, ListQuery};
use crate::api::{NovalaClient, Paging};
use crate::app::lead_view::{LeadView, age};
use crate::sanitize;
use crate::ui::text::fit;

/// How leads are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Columns fitted to the terminal, text sanitised as the inbox shows it.
    Table,
    /// One JSON array (or object for `get`), the server's values.
    Json,
    /// One JSON object per line, written as each page arrives.
    Jsonl,
}

/// Exit codes, one per kind of outcome a script may handle differently.
pub mod exit {
    /// Wrong use of the command line (clap's own code too), or a config file that cannot be used.
    pub const USAGE: i32 = 2;
    /// The server refused the request's values.
    pub const VALIDATION: i32 = 3;
    /// The key is missing, not accepted, or lacks a scope.
    pub const AUTH: i32 = 4;
    pub const NOT_FOUND: i32 = 5;
    /// Still rate limited after the client's retries.
    pub const RATE_LIMITED: i32 = 6;
    /// No answer, a timeout, a server error or an answer that could not be read.
    pub const UNREACHABLE: i32 = 7;
    /// A create whose outcome is unknown: the lead may exist.
    pub const MAYBE_CREATED: i32 = 8;
    /// Stopped by Ctrl-C (or SIGTERM) after the answers still out were awaited.
    pub const INTERRUPTED: i32 = 130;
}

/// The exit code for `error`.
pub fn exit_code(error: &ApiError) -> i32 {
    if error.may_have_created() {
        return exit::MAYBE_CREATED;
    }
    match error {
        ApiError::Validation { .. } | ApiError::Rejected { .. } => exit::VALIDATION,
        ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => exit::AUTH,
        ApiError::NotFound { .. } => exit::NOT_FOUND,
        ApiError::RateLimited { .. } => exit::RATE_LIMITED,
        _ => exit::UNREACHABLE,
    }
}

/// JSON of a server value, with the characters a terminal would act on (C1 controls, bidi overrides and
/// invisible formatting) written as `\u` escapes: the same value to a JSON reader, inert on a screen.
/// serde_json already escapes the C0 controls.
fn json_text(value: &impl serde::Serialize, pretty: bool) -> String {
    let raw = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap_or_default();
    raw.chars()
        .map(|c| {
            if c.is_control() && c != '\n' || sanitize::is_bidi_or_invisible(c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// One lead, by id.
pub async fn get(
    client: &NovalaClient,
    id: &str,
    format: Format,
    width: usize,
    out: &mut impl Write,
) -> Result<(), ApiError> {
    let lead = client.get(id).await?;
    let text = match format {
        Format::Json => json_text(&lead, true),
        Format::Jsonl => json_text(&lead, false),
        Format::Table => [table_header(width), table_row(&lead, width)].join("\n"),
    };
    let _ = writeln!(out, "{text}");
    Ok(())
}

/// The leads `query` selects, newest first: up to `limit`, or every page with `all`, each page written as
/// it arrives (memory does not grow with the number of leads). Returns how many were written.
pub async fn list(
    client: &NovalaClient,
    query: &ListQuery,
    limit: usize,
    all: bool,
    format: Format,
    width: usize,
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
        // Nothing on stdout until the first page is in: a failure leaves it empty.
        if !opened {
            opened = true;
            match format {
                Format::Json => {
                    let _ = write!(out, "[");
                }
                Format::Table => {
                    let _ = writeln!(out, "{}", table_header(width));
                }
                Format::Jsonl => {}
            }
        }
        let leads = paging.accept(cursor.as_deref(), page);
        for lead in &leads {
            if !all && written == limit {
                break;
            }
            let line = match format {
                Format::Json => format!("{}\n  {}", if written == 0 { "" } else { "," }, json_text(lead, false)),
                Format::Jsonl => format!("{}\n", json_text(lead, false)),
                Format::Table => format!("{}\n", table_row(lead, width)),
            };
            let _ = write!(out, "{line}");
            written += 1;
        }
        let _ = out.flush();
        if paging.is_done() || (!all && written >= limit) {
            break;
        }
    }
    if format == Format::Json && opened {
        let _ = writeln!(out, "{}]", if written == 0 { "" } else { "\n" });
    }
    Ok(written)
}

/// Column widths of the table: id, age, status, name, company; email takes the rest.
const COLUMNS: [usize; 5] = [8, 4, 12, 22, 20];

fn table_header(width: usize) -> String {
    cells(&["ID", "AGE", "STATUS", "NAME", "COMPANY", "EMAIL"], width)
}

fn table_row(lead: &Lead, width: usize) -> String {
    let view = LeadView::new(lead);
    let id = crate::app::lead_view::short_id(&lead.id);
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
        let w = COLUMNS
            .get(i)
            .copied()
            .unwrap_or_else(|| width.saturating_sub(line.chars().count()));
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
    fn each_kind_of_failure_has_its_own_exit_code() {
        let codes = [
            exit_code(&ApiError::Validation {
                message: String::new(),
                details: vec![],
            }),
            exit_code(&ApiError::Unauthorized {
                key_origin: String::new(),
            }),
            exit_code(&ApiError::NotFound { message: String::new() }),
            exit_code(&ApiError::RateLimited { retry_after: None }),
            exit_code(&ApiError::Network {
                message: String::new(),
                maybe_created: false,
            }),
            exit_code(&ApiError::Network {
                message: String::new(),
                maybe_created: true,
            }),
        ];
        assert_eq!(
            codes,
            [
                exit::VALIDATION,
                exit::AUTH,
                exit::NOT_FOUND,
                exit::RATE_LIMITED,
                exit::UNREACHABLE,
                exit::MAYBE_CREATED
            ]
        );
    }
}
