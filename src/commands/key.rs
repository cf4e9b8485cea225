//! `leadbox key set --profile NAME`: the key typed at a terminal without echo, into the OS keyring.

use std::io::IsTerminal;

use crate::commands::{config::Outcome, exit};
use crate::config;

/// The outcome of `key set` for `profile`, the key read from the terminal.
pub fn set(path: &std::path::Path, flags: &config::Flags, profile: Option<&str>) -> Outcome {
    let key = match profile {
        Some(name) => match typed_key(name) {
            Ok(key) => key,
            Err(why) => {
                return Outcome {
                    stdout: String::new(),
                    stderr: format!(
                        "leadbox: the key is typed at a terminal, without echo, and there is none here ({}); \
                         run `leadbox key set --profile NAME` in a terminal, or give the profile key_command \
                         or key_env\n",
                        crate::sanitize::line(&why.to_string())
                    ),
                    code: exit::USAGE,
                };
            }
        },
        None => String::new(),
    };
    super::config::key_set(
        crate::commands::checked::load_chosen(path, flags),
        profile,
        &key,
        config::secret::os_keyring(),
    )
}

/// Why no key could be typed.
#[derive(Debug, thiserror::Error)]
enum TypedKeyError {
    #[error("stdin is not a terminal")]
    NoTerminal,
    #[error("{0}")]
    Prompt(#[from] std::io::Error),
}

/// Typed at a terminal without echo; a pipe, cron or a CI job has none to read it from.
fn typed_key(profile: &str) -> Result<String, TypedKeyError> {
    if !std::io::stdin().is_terminal() {
        return Err(TypedKeyError::NoTerminal);
    }
    Ok(rpassword::prompt_password(format!(
        "Key of profile `{profile}` (not echoed): "
    ))?)
}
