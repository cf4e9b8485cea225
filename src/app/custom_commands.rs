//! The rep's own commands on a lead: a key of the config file's `[[commands]]`, or a command typed at the
//! `!` prompt. Before anything runs, each lead is read whole through the worker (a list holds compact
//! copies: over a mirror they lack notes, custom fields and attribution), so what the program gets on
//! stdin is the lead as `leadbox leads get --format json` prints it. A command with `confirm = true` asks
//! first, naming itself and the lead. What runs is handed to the terminal loop as an effect; how it ended
//! comes back as [`Msg::CommandEnded`](super::Msg::CommandEnded).

use super::{App, Effect};
use crate::api::types::Lead;
use crate::api::worker::{ApiRequest, RequestId};
use crate::keymap::{Action, ActiveSet};
use crate::model::user_command::{self, UserCommand};
pub use crate::model::user_command::{Ended, RunMode, SAID_AT_MOST, first_line};
use crate::model::{CompactLead, LeadRef};

use crate::model::user_command::TYPED_KEPT as HISTORY;
/// A line typed at `!` longer than this, read back from disk, is not one the rep typed: it is left out.
const LONGEST_KEPT: usize = 4_096;

/// One run of a program for one lead, filled and ready: what the terminal loop starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    /// What the status bar calls it: the command's name, or the program typed at the prompt.
    pub name: String,
    /// The program, then its arguments, each already one argument.
    pub argv: Vec<String>,
    /// The lead, as JSON (as `leads get --format json` prints it).
    pub stdin: String,
    /// Added to the environment, which otherwise is leadbox's without any key.
    pub env: Vec<(String, String)>,
    pub mode: RunMode,
}

/// What the rep asked to run, before the leads are read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wanted {
    name: String,
    run: Vec<String>,
    mode: RunMode,
}

/// The leads being read for a command, each by its own request, in the order it acts on them.
#[derive(Debug, Clone)]
struct Reading {
    wanted: Wanted,
    leads: Vec<(RequestId, Option<Lead>)>,
}

/// The rep's commands, the prompt, a question waiting for its answer, and the leads being read.
#[derive(Debug, Clone, Default)]
pub(super) struct CommandsState {
    commands: Vec<UserCommand>,
    /// The profile's name, for `LEADBOX_PROFILE` and `{profile}`.
    profile: String,
    /// A command with `confirm = true`, waiting for y or n, and the ids of the leads it would act on.
    asking: Option<(Wanted, Vec<String>)>,
    prompt: Option<tui_input::Input>,
    /// Commands typed at the prompt, oldest first, and where Up has got to.
    history: Vec<String>,
    history_at: Option<usize>,
    reading: Option<Reading>,
    /// What the status bar says while a command is being prepared or runs: no success yet.
    progress: Option<String>,
}

/// The most leads one command runs on (picked leads): each is read whole and run on by itself.
pub const MOST_LEADS_A_COMMAND: usize = 100;

impl App {
    /// The commands typed at `!` in earlier sessions, oldest first, as the state file kept them: at most the
    /// newest [`HISTORY`], each on one line and of a length a rep types.
    pub fn restore_command_history(&mut self, typed: Vec<String>) {
        let kept: Vec<String> = typed
            .into_iter()
            .filter(|t| !t.trim().is_empty() && t.len() <= LONGEST_KEPT && !t.contains(['\n', '\r']))
            .collect();
        let skip = kept.len().saturating_sub(HISTORY);
        self.commands.history = kept.into_iter().skip(skip).collect();
        self.commands.history_at = None;
    }

    /// The rep's own commands and the profile they run for; their keys are in the keymap already.
    pub fn use_commands(&mut self, commands: Vec<UserCommand>, profile: &str) {
        self.commands.commands = commands;
        self.commands.profile = profile.to_string();
    }

    /// The rep's own commands, in the order their actions number them.
    pub fn user_commands(&self) -> &[UserCommand] {
        &self.commands.commands
    }

    /// The `!` prompt's text and cursor column, while it is open.
    pub fn command_prompt(&self) -> Option<(&str, usize)> {
        self.commands.prompt.as_ref().map(|i| (i.value(), i.visual_cursor()))
    }

    /// What takes the keys when a command asks or the prompt is open, if either does.
    pub(super) fn command_keys(&self) -> Option<ActiveSet> {
        if self.commands.prompt.is_some() {
            Some(ActiveSet::Prompt)
        } else if self.commands.asking.is_some() {
            Some(ActiveSet::Confirm)
        } else {
            None
        }
    }

    /// True while the notice says a command is being prepared, asks, or runs.
    pub(super) fn command_in_progress(&self) -> bool {
        self.commands.progress.is_some() && self.commands.progress == self.said.notice
    }

    /// True while leads are being read for a command.
    pub(super) fn reading_for_command(&self) -> bool {
        self.commands.reading.is_some()
    }

    /// The leads a command acts on: the lead open in the detail, else the picked leads in list order, else
    /// the one selected. Each lead gets its own run, in this order, with its own fields and JSON.
    fn command_targets(&self) -> Vec<CompactLead> {
        self.acted_on_leads().into_iter().map(LeadRef::to_owned).collect()
    }

    /// The keys of the rep's commands: `Run(i)`, and `!`. Only a command that asks takes a yes
    /// (`on_confirm_key`).
    pub(super) fn on_command_action(&mut self, action: Action) -> Vec<ApiRequest> {
        match action {
            Action::Run(index) => self.run_command(index),
            Action::CommandPrompt => {
                self.open_command_prompt();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// `Run(i)`: the i-th command on the leads it acts on, asked about first when it says so.
    pub(super) fn run_command(&mut self, index: usize) -> Vec<ApiRequest> {
        let Some(command) = self.commands.commands.get(index).cloned() else {
            return Vec::new();
        };
        let wanted = Wanted {
            name: command.name.clone(),
            run: command.run.clone(),
            mode: command.mode,
        };
        self.start_wanted(wanted, command.confirm)
    }

    fn start_wanted(&mut self, wanted: Wanted, confirm: bool) -> Vec<ApiRequest> {
        let targets = self.command_targets();
        let Some(first) = targets.first() else {
            self.said.error = Some(format!("{}: no lead selected", crate::sanitize::line(&wanted.name)));
            return Vec::new();
        };
        if targets.len() > MOST_LEADS_A_COMMAND {
            // Each lead is read whole and gets a program of its own: a thousand picked would be a thousand
            // requests and a thousand programs from one key.
            self.said.error = Some(format!(
                "{} did not run: it runs on at most {MOST_LEADS_A_COMMAND} leads at once ({} picked)",
                crate::sanitize::line(&wanted.name),
                crate::text::count(targets.len())
            ));
            return Vec::new();
        }
        if confirm {
            let (yes, no) = (
                self.keymap().hint_key(crate::keymap::Context::Confirm, Action::Confirm),
                self.keymap().hint_key(crate::keymap::Context::Confirm, Action::Back),
            );
            let whom = match targets.len() {
                1 => lead_label(first),
                n => crate::text::plural(n, "lead"),
            };
            // The question and its keys first: on a narrow status bar the lead's name is what is cut.
            self.say_progress(format!(
                "Run {}? {} runs · {} does not · on {whom}",
                crate::sanitize::line(&wanted.name),
                yes.unwrap_or_default(),
                no.unwrap_or_default()
            ));
            let ids = targets.iter().map(|l| l.id().to_string()).collect();
            self.commands.asking = Some((wanted, ids));
            return Vec::new();
        }
        let ids: Vec<String> = targets.iter().map(|l| l.id().to_string()).collect();
        self.read_leads(wanted, ids)
    }

    /// Asks for each lead whole; the command runs once every answer is in.
    fn read_leads(&mut self, wanted: Wanted, ids: Vec<String>) -> Vec<ApiRequest> {
        let mut out: Vec<ApiRequest> = match self.commands.reading.take() {
            // A newer command replaces one still reading its leads.
            Some(old) => old.leads.iter().map(|(id, _)| ApiRequest::Cancel { id: *id }).collect(),
            None => Vec::new(),
        };
        let mut leads = Vec::new();
        for lead_id in ids {
            let id = self.new_id();
            leads.push((id, None));
            out.push(ApiRequest::Get { id, lead_id });
        }
        self.say_progress(format!("{}: reading the lead…", crate::sanitize::line(&wanted.name)));
        self.commands.reading = Some(Reading { wanted, leads });
        out
    }

    fn say_progress(&mut self, text: String) {
        self.said.notice = Some(text.clone());
        self.commands.progress = Some(text);
    }

    /// A lead read for a command, when `id` is one such request: the requests that follows from it (the
    /// others cancelled, when one could not be read).
    pub(super) fn on_command_lead(
        &mut self,
        id: RequestId,
        result: &Result<Lead, crate::api::ApiError>,
    ) -> Option<Vec<ApiRequest>> {
        let reading = self.commands.reading.as_mut()?;
        let slot = reading.leads.iter_mut().find(|(r, _)| *r == id)?;
        match result {
            Ok(lead) => slot.1 = Some(lead.clone()),
            Err(e) => {
                let name = crate::sanitize::line(&reading.wanted.name).into_owned();
                let cancels = reading.leads.iter().filter(|(r, l)| *r != id && l.is_none());
                let cancels: Vec<ApiRequest> = cancels.map(|(id, _)| ApiRequest::Cancel { id: *id }).collect();
                self.commands.reading = None;
                self.commands.progress = None;
                self.said.error = Some(format!(
                    "{name} did not run: the lead could not be read ({})",
                    crate::sanitize::line(&e.to_string())
                ));
                return Some(cancels);
            }
        }
        if reading.leads.iter().all(|(_, l)| l.is_some()) {
            let reading = self.commands.reading.take();
            if let Some(reading) = reading {
                let leads: Vec<Lead> = reading.leads.into_iter().filter_map(|(_, l)| l).collect();
                self.hand_over(reading.wanted, &leads);
            }
        }
        Some(Vec::new())
    }

    /// Fills the command for each lead and hands the runs to the terminal loop.
    fn hand_over(&mut self, wanted: Wanted, leads: &[Lead]) {
        let name = crate::sanitize::line(&wanted.name).into_owned();
        let mut runs = Vec::new();
        for lead in leads {
            match prepare(&wanted, lead, &self.commands.profile) {
                Ok(run) => runs.push(run),
                Err(why) => {
                    self.commands.progress = None;
                    self.said.notice = None;
                    self.said.error = Some(format!("{name} did not run: {why}"));
                    return;
                }
            }
        }
        let say = match wanted.mode {
            RunMode::Background => format!("{name}: running…"),
            RunMode::Terminal => format!("{name}: ran in the terminal"),
        };
        self.say_progress(say);
        self.effects.push(Effect::RunCommands(runs));
    }

    /// How a command ended, in the status bar: a success as a notice, a failure as an error.
    pub(super) fn on_command_ended(&mut self, name: &str, ended: &Ended) {
        let (ok, said) = ended.said(name);
        if matches!(ended, Ended::StillRunning { .. }) {
            // Under way, not done: said without the tick, and only over the command's own words.
            if self.said.notice.is_none() || self.command_in_progress() {
                self.say_progress(said);
            }
            return;
        }
        if self.command_in_progress() {
            self.said.notice = None;
        }
        self.commands.progress = None;
        if ok {
            self.said.notice = Some(said);
        } else {
            self.said.error = Some(said);
        }
    }

    /// A key while a command asks: its yes runs it, anything else leaves it unrun.
    pub(super) fn on_confirm_key(&mut self, key: &crossterm::event::KeyEvent) -> Vec<ApiRequest> {
        let Some((wanted, ids)) = self.commands.asking.take() else {
            return Vec::new();
        };
        self.commands.progress = None;
        match self.keymap().action_for_key(ActiveSet::Confirm.contexts(), key) {
            Some(Action::Confirm) => self.read_leads(wanted, ids),
            _ => {
                // Nothing was done: said without the success tick.
                self.say_progress(format!("{} not run", crate::sanitize::line(&wanted.name)));
                Vec::new()
            }
        }
    }

    /// `!`: the prompt opens, empty.
    pub(super) fn open_command_prompt(&mut self) {
        if self.acted_on().is_none() {
            self.said.error = Some("No lead selected to run a command on".to_string());
            return;
        }
        self.commands.prompt = Some(tui_input::Input::default());
        self.commands.history_at = None;
    }

    /// A key while the prompt is open: Enter runs what is typed (in the background, on the lead), Esc
    /// closes it, Up and Down walk what was typed before, anything else edits.
    pub(super) fn on_prompt_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<ApiRequest> {
        use crossterm::event::Event;
        use tui_input::backend::crossterm::EventHandler;
        let action = self.keymap().action_for_key(ActiveSet::Prompt.contexts(), &key);
        match action {
            Some(Action::Choose) => {
                let typed = self
                    .commands
                    .prompt
                    .take()
                    .map(|i| i.value().to_string())
                    .unwrap_or_default();
                if typed.trim().is_empty() {
                    return Vec::new();
                }
                self.commands.history.retain(|h| *h != typed);
                self.commands.history.push(typed.clone());
                if self.commands.history.len() > HISTORY {
                    self.commands.history.remove(0);
                }
                self.effects.push(Effect::RememberCommand(typed.clone()));
                match user_command::split_typed(&typed) {
                    Ok(run) => {
                        let wanted = Wanted {
                            name: program_name(&run[0]),
                            run,
                            mode: RunMode::Background,
                        };
                        return self.start_wanted(wanted, false);
                    }
                    Err(why) => {
                        self.said.error = Some(format!("Not run: {why}"));
                    }
                }
            }
            Some(Action::Back) => self.commands.prompt = None,
            Some(Action::Up) | Some(Action::Down) => {
                let len = self.commands.history.len();
                let at = match (action, self.commands.history_at) {
                    (_, _) if len == 0 => return Vec::new(),
                    (Some(Action::Up), None) => Some(len - 1),
                    (Some(Action::Up), Some(i)) => Some(i.saturating_sub(1)),
                    (_, Some(i)) if i + 1 < len => Some(i + 1),
                    _ => None,
                };
                self.commands.history_at = at;
                let text = at
                    .and_then(|i| self.commands.history.get(i))
                    .cloned()
                    .unwrap_or_default();
                self.commands.prompt = Some(tui_input::Input::new(text));
            }
            _ => {
                if let Some(input) = self.commands.prompt.as_mut() {
                    input.handle_event(&Event::Key(key));
                }
            }
        }
        Vec::new()
    }
}

/// "Ana Souza (3f2a9c1e)": the lead as a question names it.
fn lead_label(lead: &CompactLead) -> String {
    let name = crate::text::fit(lead.name(), 40);
    let id = crate::text::short_id(&lead.id().to_string());
    if name.trim().is_empty() {
        id
    } else {
        format!("{} ({id})", name.trim_end())
    }
}

/// The program's own name, for the status bar (`/usr/bin/curl` is `curl`).
fn program_name(program: &str) -> String {
    program.rsplit('/').next().unwrap_or(program).to_string()
}

/// One run of `wanted` for `lead`: its arguments filled, the lead as JSON, the variables it is given.
fn prepare(wanted: &Wanted, lead: &Lead, profile: &str) -> Result<CommandRun, user_command::TemplateError> {
    let argv = user_command::fill(&wanted.run, lead, profile)?;
    Ok(CommandRun {
        name: wanted.name.clone(),
        argv,
        stdin: format!("{}\n", crate::sanitize::json_text(lead, true)),
        env: vec![
            (
                "LEADBOX_LEAD_ID".to_string(),
                crate::sanitize::line(&lead.id).into_owned(),
            ),
            (
                "LEADBOX_PROFILE".to_string(),
                crate::sanitize::line(profile).into_owned(),
            ),
            (
                "LEADBOX_COMMAND".to_string(),
                crate::sanitize::line(&wanted.name).into_owned(),
            ),
        ],
        mode: wanted.mode,
    })
}
