//! The config file as the inbox will run it: its shape and views as `config` reads them, and its `[keys]`
//! and `[theme]` as the keymap and the theme build them, every problem located in the file. Every command
//! that reads the file comes through here, so `config check` and the inbox never disagree.

use std::path::Path;

use crate::config::{self, ConfigError, ConfigFile, Flags, Location, Problem};
use crate::keymap::Keymap;
use crate::theme::Theme;

/// The file the flags chose, every problem in it an error (see [`config::load_chosen`]).
pub fn load_chosen(path: &Path, flags: &Flags) -> Result<ConfigFile, ConfigError> {
    config::load_chosen(path, flags, keys_and_theme)
}

/// The file at `path`, or an empty one when there is none; every problem in it an error.
pub fn load_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    config::load_file(path, keys_and_theme)
}

/// Every problem of a file's text, in the order of its lines.
pub fn check_text(path: &Path, text: &str) -> (ConfigFile, Vec<Problem>) {
    config::check_text(path, text, keys_and_theme)
}

/// What the keymap and the theme find wrong in the file's `[keys]` and `[theme]`.
fn keys_and_theme(file: &ConfigFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Err(errors) = Keymap::from_config(file) {
        for e in errors {
            if let Some(bound) = file.keys.get(&e.name) {
                problems.push(Problem {
                    at: bound.at,
                    key: format!("keys.{}", e.name),
                    message: e.message,
                });
                continue;
            }
            // A clash is named by its key: it is reported where the file binds that key, at the last such
            // line (the one that made the clash), under the action written there.
            let clash = clashing_binding(file, &e.name);
            let (at, key, message) = match clash {
                Some((action, at)) => (
                    at,
                    format!("keys.{action}"),
                    format!("{}; bind one of them to another key", e.message),
                ),
                None => (file.keys_at.unwrap_or_default(), format!("keys.{}", e.name), e.message),
            };
            problems.push(Problem { at, key, message });
        }
    }
    problems.extend(command_keys(file));
    if let Err(errors) = Theme::from_file(file, false) {
        for e in errors {
            let at = match e.name.as_str() {
                "preset" => file.theme_preset.as_ref().map(|l| l.at),
                role => file.theme_colours.get(role).map(|l| l.at),
            };
            problems.push(Problem {
                at: at.unwrap_or_default(),
                key: format!("theme.{}", e.name),
                message: e.message,
            });
        }
    }
    problems
}

/// The keys of the rep's own commands, as each profile's inbox would bind them: the file's commands on
/// their own, then each profile's with the file's. Each problem is said once, at the command's `key`.
fn command_keys(file: &ConfigFile) -> Vec<Problem> {
    let Ok(keymap) = Keymap::from_config(file) else {
        // The `[keys]` problems are said already; commands are checked against a keymap that builds.
        return Vec::new();
    };
    let mut problems: Vec<Problem> = Vec::new();
    let mut sets: Vec<Vec<&config::file::CommandConfig>> = vec![file.commands.iter().collect()];
    for profile in file.profiles.values() {
        let mut set: Vec<&config::file::CommandConfig> = file
            .commands
            .iter()
            .filter(|c| !profile.commands.iter().any(|o| o.command.name == c.command.name))
            .collect();
        set.extend(profile.commands.iter());
        sets.push(set);
    }
    for set in sets {
        let commands: Vec<_> = set.iter().map(|c| c.command.clone()).collect();
        if let Err(errors) = keymap.clone().with_commands(&commands) {
            for e in errors {
                let Some(command) = set.get(e.command) else { continue };
                let problem = Problem {
                    at: command.key_at,
                    key: format!("{}.key", command.path),
                    message: e.message,
                };
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
    }
    problems
}

/// The file's binding of `keys` (a key or a sequence, as the keymap labels it) that comes last in the file,
/// with its action, or of a sequence that begins with it or that it begins.
fn clashing_binding(file: &ConfigFile, keys: &str) -> Option<(String, Location)> {
    let normal = |k: &str| k.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let wanted = normal(keys);
    file.keys
        .iter()
        .filter(|(_, bound)| {
            bound.value.iter().any(|k| {
                let k = normal(k);
                k == wanted || k.starts_with(&format!("{wanted} ")) || wanted.starts_with(&format!("{k} "))
            })
        })
        .max_by_key(|(_, bound)| (bound.at.line, bound.at.column))
        .map(|(action, bound)| (action.clone(), bound.at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_a_valid_config() {
        let (file, problems) = check_text(Path::new("config.example.toml"), config::EXAMPLE);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(file.profiles.contains_key("acme"));
    }
}
