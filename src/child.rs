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

/// Why nothing opened a link.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no thread to run the opener on: {0}")]
    NoThread(std::io::Error),
    /// None of the openers the system may have is installed.
    #[error("no program to open links: tried {}", tried.join(", "))]
    NoOpener { tried: Vec<String> },
    /// Every opener there is failed, each in its own way.
    #[error("{}", failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Failed { failures: Vec<OpenerFailed> },
}

/// How one opener failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenerFailed {
    #[error("{program} could not start: {source}")]
    Start { program: String, source: std::io::Error },
    #[error("{program} {}", ended(*status))]
    Ended {
        program: String,
        status: std::process::ExitStatus,
    },
    #[error("{program} could not be waited for: {source}")]
    Wait { program: String, source: std::io::Error },
}

/// How long an opener may run before it counts as having handed the link on: `xdg-open` can wait for the
/// browser it started, and a rep should not read "Opening…" for as long as the browser stays open.
pub const HANDED_ON_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// Opens `link` with the system's opener, away from the terminal (no stdin, no output on the inbox's
/// screen, its own process group so the terminal's signals are not its), trying each opener the system
/// may have in turn, as `open::that_detached` does, on a thread of its own that also reaps it. `done` is
/// told the outcome once: `Ok` when an opener succeeded (or still runs after [`HANDED_ON_AFTER`]), else
/// why nothing opened.
pub fn open_detached(link: &str, done: impl FnOnce(Result<(), OpenError>) + Send + 'static) {
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
    // The thread owns `done` until it reports; should it not start, `done` is still here to say so.
    let done = std::sync::Arc::new(std::sync::Mutex::new(Some(done)));
    let report = {
        let done = std::sync::Arc::clone(&done);
        move |outcome: Result<(), OpenError>| {
            if let Some(done) = done.lock().ok().and_then(|mut d| d.take()) {
                done(outcome);
            }
        }
    };
    let report_here = report.clone();
    let spawned = std::thread::Builder::new()
        .name("opener".to_string())
        .spawn(move || run_openers(commands, HANDED_ON_AFTER, report));
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the system could not open a link");
        report_here(Err(OpenError::NoThread(e)));
    }
}

/// Tries each opener in turn until one succeeds, reporting the outcome through `report`.
fn run_openers(commands: Vec<Command>, handed_on_after: std::time::Duration, report: impl Fn(Result<(), OpenError>)) {
    let mut tried = Vec::new();
    let mut failures = Vec::new();
    for mut command in commands {
        let program = command.get_program().to_string_lossy().into_owned();
        tried.push(program.clone());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::debug!(program, "no such opener; trying the next");
                continue;
            }
            Err(source) => {
                tracing::debug!(program, error = %source, "an opener could not start; trying the next");
                failures.push(OpenerFailed::Start { program, source });
                continue;
            }
        };
        match wait_a_while(&mut child, handed_on_after) {
            Ok(Some(status)) if status.success() => return report(Ok(())),
            Ok(Some(status)) => {
                tracing::debug!(program, %status, "an opener failed; trying the next");
                failures.push(OpenerFailed::Ended { program, status });
            }
            Ok(None) => {
                report(Ok(()));
                // Still reaped, so no zombie is left behind for as long as the inbox runs.
                if let Err(e) = child.wait() {
                    tracing::debug!(program, error = %e, "the opener could not be waited for");
                }
                return;
            }
            Err(source) => failures.push(OpenerFailed::Wait { program, source }),
        }
    }
    let why = if failures.is_empty() {
        OpenError::NoOpener { tried }
    } else {
        OpenError::Failed { failures }
    };
    tracing::warn!(why = %why, "the system could not open a link");
    report(Err(why));
}

/// The child's exit status, or `None` when it still runs after `at_most`.
fn wait_a_while(
    child: &mut std::process::Child,
    at_most: std::time::Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = std::time::Instant::now() + at_most;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if std::time::Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// "exited with status 3", "was killed by signal 9".
fn ended(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("was killed by signal {signal}");
    }
    format!("ended with {status}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(commands: Vec<Command>) -> Result<(), String> {
        let said = std::sync::Mutex::new(Vec::new());
        run_openers(commands, HANDED_ON_AFTER, |r| said.lock().unwrap().push(r));
        let mut said = said.into_inner().unwrap();
        assert_eq!(said.len(), 1, "told exactly once: {said:?}");
        said.remove(0).map_err(|e| e.to_string())
    }

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn an_opener_that_fails_or_is_missing_is_reported_with_the_reason() {
        let missing = || Command::new("leadbox-no-such-opener");
        assert_eq!(
            outcome(vec![missing(), Command::new("leadbox-nor-this-one")]),
            Err("no program to open links: tried leadbox-no-such-opener, leadbox-nor-this-one".into())
        );
        assert_eq!(
            outcome(vec![sh("exit 3"), missing()]),
            Err("sh exited with status 3".into())
        );
        assert_eq!(outcome(vec![sh("kill -9 $$")]), Err("sh was killed by signal 9".into()));
        assert_eq!(outcome(vec![missing(), sh("exit 3"), sh("exit 0")]), Ok(()));
        let said = std::sync::Mutex::new(None);
        run_openers(vec![missing()], HANDED_ON_AFTER, |r| *said.lock().unwrap() = Some(r));
        assert!(
            matches!(said.into_inner().unwrap(), Some(Err(OpenError::NoOpener { tried })) if tried.len() == 1),
            "a missing opener is told apart from a failing one"
        );
        assert_eq!(outcome(vec![Command::new("true")]), Ok(()));
    }

    #[test]
    fn an_opener_still_running_after_a_while_has_handed_the_link_on() {
        let said = std::sync::Mutex::new(None);
        let start = std::time::Instant::now();
        run_openers(
            vec![sh("sleep 1; exit 3"), sh("exit 0")],
            std::time::Duration::from_millis(100),
            |r| {
                *said.lock().unwrap() = Some((r, start.elapsed()));
            },
        );
        let (result, after) = said.into_inner().unwrap().expect("told");
        assert!(result.is_ok(), "{result:?}");
        assert!(
            after < std::time::Duration::from_millis(900),
            "told before it ended: {after:?}"
        );
        assert!(start.elapsed() >= std::time::Duration::from_secs(1), "and reaped");
    }

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
