//! `E`: the leads acted on (the picked ones, else the selected or open one) as JSON Lines, the lines
//! `leadbox leads list --format jsonl` prints, written to a file or handed to a command on its standard
//! input (`|jq -r .email`). The list holds each lead as the screen shows it (sanitised, and over a mirror
//! without notes, custom fields or attribution), so each is read whole from the tenant first (a few at a
//! time, in one request of the worker); nothing is written unless every one of them was read.

use crossterm::event::KeyEvent;

use super::App;
use super::action::{Effect, ExportTarget, Outside};
use crate::api::ApiError;
use crate::api::types::Lead;
use crate::api::worker::{ApiRequest, RequestId};
use crate::keymap::{Action, ActiveSet};

/// The most leads one export reads: past that, `leadbox leads list` is the tool.
pub const MAX_EXPORTED: usize = 10_000;

/// The export's prompt while the rep types where to, and the read it awaits.
#[derive(Debug, Clone, Default)]
pub(super) struct ExportState {
    /// Where to, as typed so far, and the ids of the leads it will export (fixed when the prompt opened).
    prompt: Option<(tui_input::Input, Vec<String>)>,
    /// The leads being read, and where they go once read.
    reading: Option<(RequestId, ExportTarget)>,
}

impl ExportTarget {
    /// What the rep typed at the prompt: a `|command`, else a file's path; nothing for an empty answer.
    pub fn parse(typed: &str) -> Option<ExportTarget> {
        let typed = typed.trim();
        match typed.strip_prefix('|').map(str::trim) {
            Some("") => None,
            Some(command) => Some(ExportTarget::Command(command.to_string())),
            None if typed.is_empty() => None,
            None => Some(ExportTarget::File(typed.to_string())),
        }
    }

    /// "to leads.jsonl", "to jq -r .email": for the status bar.
    pub fn words(&self) -> String {
        match self {
            ExportTarget::File(path) => format!("to {}", crate::text::fit(path, 40)),
            ExportTarget::Command(command) => format!("to |{}", crate::text::fit(command, 40)),
        }
    }
}

impl App {
    /// The export prompt's text and how many leads it exports, while the rep types where to.
    pub fn export_prompt(&self) -> Option<(&str, usize)> {
        self.export
            .prompt
            .as_ref()
            .map(|(input, ids)| (input.value(), ids.len()))
    }

    /// True while the leads of an export are being read.
    pub fn exporting(&self) -> bool {
        self.export.reading.is_some()
    }

    /// `E`: asks where the leads acted on go.
    pub(super) fn open_export(&mut self) {
        if self.export.reading.is_some() {
            self.said.notice = Some("An export is being read; wait for it".to_string());
            return;
        }
        let ids = self.export_ids();
        if ids.is_empty() {
            self.said.notice = Some("No lead to export".to_string());
            return;
        }
        if ids.len() > MAX_EXPORTED {
            self.said.error = Some(format!(
                "{} picked: an export reads at most {} (`leadbox leads list --format jsonl` lists them all)",
                crate::text::count(ids.len()),
                crate::text::count(MAX_EXPORTED)
            ));
            return;
        }
        self.export.prompt = Some((tui_input::Input::default(), ids));
    }

    /// The ids of the leads an export takes: every picked lead (those the list shows in its order, then
    /// any it does not hold), or the one acted on.
    fn export_ids(&self) -> Vec<String> {
        if !self.acting_on_picked() {
            return self.acted_on().map(|l| l.id().to_string()).into_iter().collect();
        }
        let mut ids: Vec<String> = self.acted_on_leads().iter().map(|l| l.id().to_string()).collect();
        if ids.len() < self.picked.ids.len() {
            let mut rest: Vec<String> = self
                .picked
                .ids
                .iter()
                .filter(|id| !self.list.holds(id))
                .map(ToString::to_string)
                .collect();
            rest.sort_unstable();
            ids.extend(rest);
        }
        ids
    }

    /// A key while the export prompt is open: Enter reads the leads and exports them, Esc closes it, the
    /// rest edits where to.
    pub(super) fn on_export_key(&mut self, key: KeyEvent) -> Vec<ApiRequest> {
        use crossterm::event::Event;
        use tui_input::backend::crossterm::EventHandler;
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        match self.settings.keymap.action_for_key(ActiveSet::Search.contexts(), &key) {
            Some(Action::Choose) => {
                let Some((input, ids)) = self.export.prompt.take() else {
                    return Vec::new();
                };
                let Some(target) = ExportTarget::parse(input.value()) else {
                    self.said.notice = Some("Nothing exported".to_string());
                    return Vec::new();
                };
                let id = self.new_id();
                self.said.notice = Some(format!(
                    "Reading {} for the export…",
                    crate::text::plural(ids.len(), "lead")
                ));
                self.export.reading = Some((id, target));
                vec![ApiRequest::GetMany { id, lead_ids: ids }]
            }
            Some(Action::Back) => {
                self.export.prompt = None;
                self.said.notice = Some("Nothing exported".to_string());
                Vec::new()
            }
            _ => {
                if let Some((input, _)) = self.export.prompt.as_mut() {
                    input.handle_event(&Event::Key(key));
                }
                Vec::new()
            }
        }
    }

    /// The leads of an export, read whole: their JSON Lines go where the rep said; if any could not be
    /// read, nothing goes, and the picks stay for another try.
    pub(super) fn on_export_read(
        &mut self,
        id: RequestId,
        results: Vec<(String, Result<Lead, ApiError>)>,
    ) -> Vec<ApiRequest> {
        let Some((_, target)) = self.export.reading.take_if(|(awaited, _)| *awaited == id) else {
            tracing::debug!(id, "dropping the leads read for an export no longer awaited");
            return Vec::new();
        };
        let total = results.len();
        let failed: Vec<&ApiError> = results.iter().filter_map(|(_, r)| r.as_ref().err()).collect();
        if let Some(first) = failed.first() {
            self.said.error = Some(format!(
                "Nothing exported: {} of {} could not be read ({})",
                crate::text::count(failed.len()),
                crate::text::plural(total, "lead"),
                crate::sanitize::line(&first.to_string())
            ));
            return Vec::new();
        }
        let mut text = String::new();
        for (_, lead) in &results {
            if let Ok(lead) = lead {
                text.push_str(&crate::sanitize::json_text(lead, false));
                text.push('\n');
            }
        }
        self.said.notice = Some(format!(
            "Exporting {} {}…",
            crate::text::plural(total, "lead"),
            target.words()
        ));
        self.effects.push(Effect::Export {
            target,
            text,
            count: total,
        });
        Vec::new()
    }

    /// What became of an export handed to the event loop.
    pub(super) fn on_exported(&mut self, target: &ExportTarget, count: usize, result: Result<(), Outside>) {
        match result {
            Ok(()) => {
                self.said.notice = Some(format!(
                    "Exported {} {}",
                    crate::text::plural(count, "lead"),
                    target.words()
                ))
            }
            Err(why) => {
                let why = crate::sanitize::line(&why.to_string()).into_owned();
                self.said.error = Some(format!("Export {} failed: {why}", target.words()));
            }
        }
    }
}
