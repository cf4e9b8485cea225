//! Shell completion. The scripts `leadbox completions SHELL` prints ask leadbox itself for the candidates
//! at each Tab (`LEADBOX_COMPLETE=SHELL leadbox -- WORDS…`), so a value can be completed from what is true
//! now: the statuses and formats from the command line's own lists, and the profile and view names from the
//! rep's config file as it stands.
//!
//! Reading the config file for a Tab is a peek: the file's shape only, no key read, no key command run,
//! nothing written, nothing printed on stderr, and a file that does not parse gives what could be read.

use std::ffi::OsString;
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::EnvCompleter;

use crate::config as settings;

/// The environment variable that turns a run of leadbox into a completion request. Not clap's default
/// `COMPLETE`: a variable of that common name left in a rep's shell must not stop leadbox working.
pub const ENV: &str = "LEADBOX_COMPLETE";

/// The inbox's own views, before a profile's saved ones (`--view` without a subcommand opens them too).
const BUILT_IN_VIEWS: &[&str] = &["Inbox", "Starred", "All"];

/// The command line with the completers of the values it cannot list itself.
pub fn command() -> clap::Command {
    with_completers(crate::cli::command())
}

/// `--profile` and `--view` wherever they are accepted, a subcommand's hidden copies included (clap looks
/// the flag up in the subcommand being completed).
fn with_completers(mut cmd: clap::Command) -> clap::Command {
    let has = |cmd: &clap::Command, id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
    if has(&cmd, "profile") {
        cmd = cmd.mut_arg("profile", |a| a.add(ArgValueCandidates::new(profile_candidates)));
    }
    if has(&cmd, "view") {
        cmd = cmd.mut_arg("view", |a| a.add(ArgValueCandidates::new(view_candidates)));
    }
    if has(&cmd, "assigned_to") {
        cmd = cmd.mut_arg("assigned_to", |a| a.add(ArgValueCandidates::new(assignee_candidates)));
    }
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, with_completers);
    }
    cmd
}

/// The registration script for `shell`: it calls `leadbox` from the PATH, as installed.
pub fn script(shell: clap_complete::Shell) -> Option<Vec<u8>> {
    let shells = clap_complete::env::Shells::builtins();
    let completer: &dyn EnvCompleter = shells.completer(&shell.to_string())?;
    let mut out = Vec::new();
    completer
        .write_registration(ENV, "leadbox", "leadbox", "leadbox", &mut out)
        .ok()?;
    Some(out)
}

fn profile_candidates() -> Vec<CompletionCandidate> {
    let line = Words::of_this_process();
    let mut out = vec![CompletionCandidate::new(settings::SANDBOX).help(Some("the built-in demo tenant".into()))];
    if let Some(file) = line.config_file() {
        for (name, profile) in &file.profiles {
            if !plain(name) {
                continue;
            }
            let host = profile.url.as_ref().map(|u| settings::host_of(&u.value));
            let help = host.map(|h| crate::sanitize::line(&h).chars().take(60).collect::<String>());
            out.push(CompletionCandidate::new(name).help(help.map(Into::into)));
        }
    }
    out
}

fn view_candidates() -> Vec<CompletionCandidate> {
    let line = Words::of_this_process();
    let mut out: Vec<CompletionCandidate> = Vec::new();
    if line.subcommand.is_none() {
        out.extend(BUILT_IN_VIEWS.iter().map(CompletionCandidate::new));
    }
    let Some(file) = line.config_file() else { return out };
    let Some(profile) = line.chosen_profile(&file) else {
        return out;
    };
    for view in profile.views.iter().filter(|v| plain(&v.name)) {
        let status = view.status.as_ref().map(|s| s.as_str().to_string());
        let parts: Vec<String> = status.into_iter().chain(view.assigned_to.clone()).collect();
        let help = crate::sanitize::line(&parts.join(" · "))
            .chars()
            .take(60)
            .collect::<String>();
        out.push(CompletionCandidate::new(&view.name).help((!help.is_empty()).then(|| help.into())));
    }
    out
}

/// `--assigned-to`: `me` where the profile says who the rep is, then each team member's id with the name
/// beside it (a name with a space would need quoting on the line; the id never does).
fn assignee_candidates() -> Vec<CompletionCandidate> {
    let line = Words::of_this_process();
    let Some(file) = line.config_file() else {
        return Vec::new();
    };
    let Some(profile) = line.chosen_profile(&file) else {
        return Vec::new();
    };
    let name_of = |id: &str| {
        let name = profile.team.iter().find(|m| m.id == id).map(|m| m.name.as_str());
        name.map(|n| crate::sanitize::line(n).chars().take(60).collect::<String>())
    };
    let mut out = Vec::new();
    if let Some(me) = profile.me.as_deref().filter(|me| plain(me)) {
        let help = name_of(me).map_or_else(|| "you".to_string(), |n| format!("you ({n})"));
        out.push(CompletionCandidate::new("me").help(Some(help.into())));
    }
    for member in profile.team.iter().filter(|m| plain(&m.id)) {
        out.push(CompletionCandidate::new(&member.id).help(name_of(&member.id).map(Into::into)));
    }
    out
}

/// A name a shell can be handed as typed: printable, on one line, and of a sane length. A name written with
/// escapes in the file is left out rather than put on the rep's command line.
fn plain(name: &str) -> bool {
    !name.is_empty() && name.len() <= 200 && crate::sanitize::line(name) == name && !name.contains(char::is_whitespace)
}

/// What the words being completed say about the config file and the profile, read the way leadbox's own
/// parsing would; the words are this process's arguments after `--`, as the registration scripts pass them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Words {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub subcommand: Option<String>,
}

/// The global flags that take a value, so that value is not taken for the subcommand.
const VALUED_GLOBALS: &[&str] = &["--config", "--profile", "--api-url", "--view", "--log-file"];

impl Words {
    fn of_this_process() -> Words {
        let args: Vec<OsString> = std::env::args_os().collect();
        let after = args.iter().position(|a| a == "--").map_or(args.len(), |i| i + 1);
        // The first word is the program's name; the last is the one being completed.
        let words: Vec<String> = args
            .get(after + 1..)
            .unwrap_or_default()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Words::read(&words)
    }

    /// Reads `words` (the command line after the program's name).
    pub fn read(words: &[String]) -> Words {
        let mut out = Words::default();
        let mut i = 0;
        while i < words.len() {
            let word = words[i].as_str();
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (word, None),
            };
            if VALUED_GLOBALS.contains(&flag) {
                let value = inline.or_else(|| {
                    i += 1;
                    words.get(i).cloned()
                });
                match flag {
                    "--config" => out.config = value.map(PathBuf::from),
                    "--profile" => out.profile = value,
                    _ => {}
                }
            } else if word == "--" {
                break;
            } else if !word.starts_with('-') && out.subcommand.is_none() {
                out.subcommand = Some(word.to_string());
            }
            i += 1;
        }
        out
    }

    /// The config file these words would read, as far as it reads.
    fn config_file(&self) -> Option<settings::ConfigFile> {
        let env = |name: &str| std::env::var(name).ok();
        let path = settings::config_path(self.config.as_deref(), &env).ok()?;
        settings::peek(&path)
    }

    /// The profile these words choose in `file`: `--profile`, else `LEADBOX_PROFILE`, else the default.
    fn chosen_profile<'f>(&self, file: &'f settings::ConfigFile) -> Option<&'f settings::file::ProfileConfig> {
        let env_profile = std::env::var(settings::PROFILE_ENV)
            .ok()
            .filter(|p| !p.trim().is_empty());
        let chosen = self
            .profile
            .clone()
            .or(env_profile)
            .or_else(|| file.default_profile.as_ref().map(|d| d.value.clone()))?;
        file.profiles.get(&chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Words {
        let words: Vec<String> = line.split(' ').map(String::from).collect();
        Words::read(&words)
    }

    #[test]
    fn the_words_name_the_config_and_profile_wherever_the_flags_stand() {
        assert_eq!(
            words("--profile acme leads list --config /tmp/c.toml --view "),
            Words {
                config: Some("/tmp/c.toml".into()),
                profile: Some("acme".into()),
                subcommand: Some("leads".into()),
            }
        );
        assert_eq!(
            words("--config=/x.toml --profile=globex --view "),
            Words {
                config: Some("/x.toml".into()),
                profile: Some("globex".into()),
                subcommand: None,
            }
        );
    }

    #[test]
    fn a_name_with_escapes_or_spaces_is_not_offered() {
        assert!(plain("acme-eu"));
        assert!(!plain("a\u{1b}[31m"));
        assert!(!plain("two words"));
        assert!(!plain(""));
    }
}
