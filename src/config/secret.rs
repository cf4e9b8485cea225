//! Reading a profile's key from where the profile says it is: an environment variable, a command such as
//! `pass show novala/acme`, the OS keyring, or the config file itself when only its owner can read it. The
//! key is never shown, logged or put in an error; a command's output in particular goes nowhere but the key.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use keyring_core::api::CredentialStore;

use crate::api::ApiKey;
use crate::config::KeySource;

/// The keyring service leadbox's keys are stored under; the profile's name is the entry's user.
pub const KEYRING_SERVICE: &str = "leadbox";
/// How long a key command may take (a password manager may ask for a passphrase on its own terminal).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// At most this much of a failing command's stderr is shown.
const STDERR_SHOWN: usize = 2_000;
/// At most this much of each of a command's pipes is kept.
const PIPE_KEPT: usize = 64 * 1024;
/// How long a finished command's pipes are still read: what it printed is already in them, and something
/// it left running in the background may hold them open for as long as it likes.
const PIPE_GRACE: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("profile `{profile}` reads its key from ${var}, which is not set (or empty)")]
    EnvMissing { profile: String, var: String },
    #[error("profile `{profile}`: key_command `{command}` cannot be read: {why}")]
    CommandUnparsable {
        profile: String,
        command: String,
        why: String,
    },
    #[error("profile `{profile}`: key_command `{program}` could not start: {why}")]
    CommandStart {
        profile: String,
        program: String,
        why: String,
    },
    #[error("profile `{profile}`: key_command `{program}` failed ({status}){stderr}")]
    CommandFailed {
        profile: String,
        program: String,
        status: String,
        /// Already cut and cleaned of control characters.
        stderr: String,
    },
    #[error("profile `{profile}`: key_command `{program}` printed no key")]
    CommandEmpty { profile: String, program: String },
    #[error(
        "profile `{profile}` keeps its key in the OS keyring, but none is stored there yet: \
         run `leadbox key set --profile {profile}`"
    )]
    KeyringEmpty { profile: String },
    #[error("profile `{profile}`: the OS keyring cannot be used here ({reason}); use key_command or key_env instead")]
    KeyringUnavailable { profile: String, reason: KeyringError },
}

/// Why the OS keyring could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The keyring's own words: no Secret Service on the session bus, a locked collection, a refusal.
    #[error("{0}")]
    Platform(#[from] keyring_core::Error),
    #[error("this build of leadbox knows no keyring on this system")]
    NoneHere,
}

/// Why a file holding a key may not be used: it can be read by others than its owner. `None` when only
/// the owner can read it (or on systems without Unix modes).
pub fn readable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "holds a key, but {} can be read by others (mode {:o}); fix it with: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    let _ = path;
    None
}

/// The OS keyring, where there is one: the Secret Service (GNOME Keyring, KWallet) on Linux.
pub fn os_keyring() -> Result<Arc<CredentialStore>, KeyringError> {
    #[cfg(target_os = "linux")]
    {
        Ok(zbus_secret_service_keyring_store::Store::new()? as Arc<CredentialStore>)
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(KeyringError::NoneHere)
    }
}

/// Reads the key of `profile` from `source`. `keyring` is asked for the store only when the source is the
/// keyring, so a profile that does not use it never touches it.
pub fn read_key(
    profile: &str,
    source: &KeySource,
    env: &dyn Fn(&str) -> Option<String>,
    keyring: &dyn Fn() -> Result<Arc<CredentialStore>, KeyringError>,
) -> Result<ApiKey, SecretError> {
    match source {
        KeySource::Env(var) => {
            crate::child::hide_variable(var);
            env(var)
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .map(|k| ApiKey::new(k, format!("${var}")))
                .ok_or_else(|| SecretError::EnvMissing {
                    profile: profile.to_string(),
                    var: var.clone(),
                })
        }
        KeySource::Command(command) => run_key_command(profile, command, COMMAND_TIMEOUT),
        KeySource::Keyring => {
            let unavailable = |reason| SecretError::KeyringUnavailable {
                profile: profile.to_string(),
                reason,
            };
            let store = keyring().map_err(unavailable)?;
            let entry = keyring_core::Entry::new_in_store(&store, KEYRING_SERVICE, profile)
                .map_err(|e| unavailable(e.into()))?;
            match entry.get_password() {
                Ok(key) if !key.trim().is_empty() => Ok(ApiKey::new(key.trim(), "the OS keyring")),
                Ok(_) | Err(keyring_core::Error::NoEntry) => Err(SecretError::KeyringEmpty {
                    profile: profile.to_string(),
                }),
                Err(e) => Err(unavailable(e.into())),
            }
        }
        KeySource::InFile(key) => Ok(ApiKey::new(key.clone(), "the config file")),
    }
}

/// Stores `key` for `profile` in the keyring.
pub fn store_key(store: &Arc<CredentialStore>, profile: &str, key: &str) -> Result<(), KeyringError> {
    let entry = keyring_core::Entry::new_in_store(store, KEYRING_SERVICE, profile)?;
    Ok(entry.set_password(key.trim())?)
}

/// Runs `command` directly (no shell), with nothing on its stdin, and takes its trimmed stdout as the key.
/// On failure its exit status and stderr (cut and cleaned) are reported; its stdout never is.
pub fn run_key_command(profile: &str, command: &str, timeout: Duration) -> Result<ApiKey, SecretError> {
    let words = shell_words::split(command).map_err(|e| SecretError::CommandUnparsable {
        profile: profile.to_string(),
        command: crate::sanitize::line(command).into_owned(),
        why: e.to_string(),
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(SecretError::CommandUnparsable {
            profile: profile.to_string(),
            command: String::new(),
            why: "it is empty".to_string(),
        });
    };
    let shown_program = crate::sanitize::line(program).into_owned();
    let mut child = crate::child::command(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SecretError::CommandStart {
            profile: profile.to_string(),
            program: shown_program.clone(),
            why: e.to_string(),
        })?;
    // Both pipes are drained on their own threads so a chatty command cannot fill one and stall. What they
    // read comes back over a channel, so that leadbox stops waiting once the command is over even when
    // something it started in the background still holds its pipes open.
    let (chunks, received) = mpsc::channel();
    for (pipe, source) in [
        (
            Pipe::Out,
            child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
        (
            Pipe::Err,
            child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
    ] {
        let Some(source) = source else { continue };
        let chunks = chunks.clone();
        std::thread::spawn(move || drain(pipe, source, &chunks));
    }
    drop(chunks);
    let mut output = Output::default();
    let started = Instant::now();
    let status = loop {
        output.take(&received);
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("no answer within {}", seconds(timeout)));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Err(e.to_string()),
        }
    };
    output.finish(&received, Instant::now() + PIPE_GRACE);
    let Output { stdout, stderr } = output;
    let failed = |status: String| SecretError::CommandFailed {
        profile: profile.to_string(),
        program: shown_program.clone(),
        status,
        stderr: shown_stderr(&stderr),
    };
    let status = status.map_err(failed)?;
    if !status.success() {
        return Err(failed(status.to_string()));
    }
    let key = String::from_utf8_lossy(&stdout).trim().to_string();
    if key.is_empty() {
        return Err(SecretError::CommandEmpty {
            profile: profile.to_string(),
            program: shown_program,
        });
    }
    Ok(ApiKey::new(key, format!("key_command {shown_program}")))
}

#[derive(Clone, Copy)]
enum Pipe {
    Out,
    Err,
}

/// Sends what `source` gives, chunk by chunk, until it ends, fails, or has given [`PIPE_KEPT`] bytes.
fn drain(pipe: Pipe, source: Box<dyn Read + Send>, chunks: &mpsc::Sender<(Pipe, Vec<u8>)>) {
    let mut source = source.take(PIPE_KEPT as u64);
    let mut buf = [0u8; 4096];
    loop {
        match source.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if chunks.send((pipe, buf[..n].to_vec())).is_err() {
                    return;
                }
            }
        }
    }
}

/// What a command printed, gathered from the pipes' threads.
#[derive(Default)]
struct Output {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Output {
    fn keep(&mut self, (pipe, chunk): (Pipe, Vec<u8>)) {
        let to = match pipe {
            Pipe::Out => &mut self.stdout,
            Pipe::Err => &mut self.stderr,
        };
        let room = PIPE_KEPT.saturating_sub(to.len());
        to.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }

    /// What has arrived so far, without waiting.
    fn take(&mut self, received: &mpsc::Receiver<(Pipe, Vec<u8>)>) {
        while let Ok(chunk) = received.try_recv() {
            self.keep(chunk);
        }
    }

    /// The rest, until both pipes have ended or `deadline` has passed.
    fn finish(&mut self, received: &mpsc::Receiver<(Pipe, Vec<u8>)>, deadline: Instant) {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(chunk) => self.keep(chunk),
                Err(_) => return,
            }
        }
    }
}

/// "60 s", or "200 ms" for less than a second.
fn seconds(d: Duration) -> String {
    if d.as_secs() >= 1 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn shown_stderr(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let cut: String = text.chars().take(STDERR_SHOWN).collect();
    let lines: Vec<String> = cut.lines().map(|l| crate::sanitize::line(l).into_owned()).collect();
    format!(":\n    {}", lines.join("\n    "))
}
