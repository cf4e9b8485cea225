//! Every process leadbox starts (the editor, the system opener, a key command) is built here, so none of
//! them inherits the tenant's secret key: an editor's core dump, a browser's crash report or a key command's
//! own children would otherwise carry it in their environment.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::process::Command;
use std::sync::RwLock;

use crate::api::KEY_ENV;

/// Variables a profile named as holding its key (`key_env`), beyond `NOVALA_SECRET_KEY`. Filled as keys
/// are read; a process-wide set because the processes are started far from where the profile was read.
static KEY_VARIABLES: RwLock<BTreeSet<String>> = RwLock::new(BTreeSet::new());

/// Records that `name` holds a key, so no child sees it.
pub fn hide_variable(name: &str) {
    if name.is_empty() || name == KEY_ENV {
        return;
    }
    if let Ok(mut names) = KEY_VARIABLES.write() {
        names.insert(name.to_string());
    }
}

/// The variables taken out of every child's environment.
pub fn hidden_variables() -> Vec<String> {
    let mut names = vec![KEY_ENV.to_string()];
    if let Ok(set) = KEY_VARIABLES.read() {
        names.extend(set.iter().cloned());
    }
    names
}

/// A command for `program` whose environment lacks every variable that holds a key.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    scrub(&mut command);
    command
}

/// Takes the key variables out of an already built command (the opener's, which the `open` crate builds).
pub fn scrub(command: &mut Command) {
    for name in hidden_variables() {
        command.env_remove(name);
    }
}

/// Opens `link` with the system's opener, away from the terminal (no stdin, no output on the inbox's
/// screen, its own process group so the terminal's signals are not its), trying each opener the system
/// may have in turn, as `open::that_detached` does, on a thread of its own that also reaps it.
pub fn open_detached(link: &str) {
    let mut commands = open::commands(link);
    for command in &mut commands {
        scrub(command);
        command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(command, 0);
    }
    let spawned = std::thread::Builder::new().name("opener".to_string()).spawn(move || {
        for mut command in commands {
            match command.status() {
                Ok(status) if status.success() => return,
                Ok(status) => tracing::debug!(%status, "an opener failed; trying the next"),
                Err(e) => tracing::debug!(error = %e, "an opener could not start; trying the next"),
            }
        }
        tracing::warn!("the system could not open a link");
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the system could not open a link");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profiles_key_variable_is_taken_out_with_the_default_one() {
        hide_variable("ACME_NOVALA_KEY");
        let command = command("true");
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect();
        assert!(removed.contains(&KEY_ENV.to_string()), "{removed:?}");
        assert!(removed.contains(&"ACME_NOVALA_KEY".to_string()), "{removed:?}");
    }
}
