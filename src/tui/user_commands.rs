//! Starting the rep's own commands: with the lead's JSON on stdin, the profile's variables in the
//! environment and no key in it (`child::command`), never through a shell. In the background a command
//! runs on a thread of its own, away from the terminal, its output read up to a bound; with the terminal
//! handed over it has the screen until it ends.

use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::app::custom_commands::CommandRun;
use crate::app::custom_commands::{Ended, first_line};

/// The most of a background command's output (each of stdout and stderr) that is kept; the rest is read
/// and dropped, so a chatty program never blocks on a full pipe.
pub const OUTPUT_AT_MOST: usize = 64 * 1024;
/// How long a background command runs before the status bar says it still runs (it is left running: a
/// browser started straight from a command must not be closed under the rep). Its end is said when it comes.
pub const STILL_RUNNING_AFTER: Duration = Duration::from_secs(10);

/// Starts `runs` one after the other on a thread of their own; each one's end comes back on `back`.
pub fn run_in_background(runs: Vec<CommandRun>, back: mpsc::UnboundedSender<Msg>) {
    let report = back.clone();
    let spawned = std::thread::Builder::new()
        .name("user-command".to_string())
        .spawn(move || {
            for run in runs {
                let name = run.name.clone();
                let said_still = |secs| {
                    let _ = back.send(Msg::CommandEnded {
                        name: name.clone(),
                        ended: Ended::StillRunning { secs },
                    });
                };
                let ended = run_captured(&run, STILL_RUNNING_AFTER, said_still);
                let failed = !matches!(ended, Ended::Done { .. });
                // The loop is gone only when the inbox is closing: nobody is left to tell.
                let _ = back.send(Msg::CommandEnded { name, ended });
                if failed {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to run a command on");
        let _ = report.send(Msg::CommandEnded {
            name: "command".to_string(),
            ended: Ended::NotStarted {
                why: format!("no thread to run it on: {e}"),
            },
        });
    }
}

/// The command built for `run`, its standard streams left to the caller.
fn command(run: &CommandRun) -> Option<std::process::Command> {
    let (program, args) = run.argv.split_first()?;
    let mut command = crate::child::command(program);
    command.args(args);
    for (k, v) in &run.env {
        command.env(k, v);
    }
    Some(command)
}

/// Runs `run` away from the terminal: stdin the lead's JSON, stdout and stderr read up to
/// [`OUTPUT_AT_MOST`], its own process group (the terminal's Ctrl-C is not its). `still` is told once
/// when it runs past `still_after`.
pub fn run_captured(run: &CommandRun, still_after: Duration, still: impl Fn(u64)) -> Ended {
    let Some(mut command) = command(run) else {
        return Ended::NotStarted {
            why: "no program".to_string(),
        };
    };
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return not_started(&run.argv[0], &e),
    };
    feed(&mut child, run.stdin.clone());
    let out = child.stdout.take().map(bounded_reader);
    let err = child.stderr.take().map(bounded_reader);
    let started = Instant::now();
    let mut said_still = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(e),
        }
        if !said_still && started.elapsed() >= still_after {
            said_still = true;
            still(still_after.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let collect = |h: Option<std::thread::JoinHandle<Vec<u8>>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    let (stdout, stderr) = (collect(out), collect(err));
    match status {
        Ok(status) if status.success() => Ended::Done {
            output: first_line(&stdout),
        },
        Ok(status) => Ended::Failed {
            status: status_words(status),
            stderr: first_line(&stderr),
        },
        Err(e) => Ended::NotStarted {
            why: format!("could not be waited for: {e}"),
        },
    }
}

/// Runs `run` with the terminal its own (stdin still the lead's JSON; a program that asks questions reads
/// the terminal itself, as `less` and `fzf` do), and waits for it. The caller has given the terminal up.
pub fn run_in_terminal(run: &CommandRun) -> Ended {
    let Some(mut command) = command(run) else {
        return Ended::NotStarted {
            why: "no program".to_string(),
        };
    };
    command.stdin(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return not_started(&run.argv[0], &e),
    };
    feed(&mut child, run.stdin.clone());
    match child.wait() {
        Ok(status) if status.success() => Ended::Done { output: String::new() },
        Ok(status) => Ended::Failed {
            status: status_words(status),
            stderr: String::new(),
        },
        Err(e) => Ended::NotStarted {
            why: format!("could not be waited for: {e}"),
        },
    }
}

/// Writes `text` to the child's stdin on a thread of its own, then closes it: a program that never reads
/// it (or stops early) costs nothing but a broken pipe.
fn feed(child: &mut Child, text: String) {
    if let Some(mut stdin) = child.stdin.take() {
        let _ = std::thread::Builder::new()
            .name("command-stdin".to_string())
            .spawn(move || {
                let _ = stdin.write_all(text.as_bytes());
            });
    }
}

/// Reads `source` to its end on a thread, keeping the first [`OUTPUT_AT_MOST`] bytes.
fn bounded_reader(mut source: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = source.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = OUTPUT_AT_MOST.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        kept
    })
}

fn not_started(program: &str, e: &std::io::Error) -> Ended {
    let program = crate::sanitize::line(program);
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => format!("no program `{program}` (is it installed, on PATH?)"),
        std::io::ErrorKind::PermissionDenied => format!("`{program}` is not executable"),
        _ => format!("`{program}`: {e}"),
    };
    Ended::NotStarted { why }
}

/// "exit 3", "signal 9".
fn status_words(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("signal {signal}");
    }
    status.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(argv: &[&str], stdin: &str) -> CommandRun {
        CommandRun {
            name: "t".into(),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            stdin: stdin.into(),
            env: vec![("LEADBOX_LEAD_ID".into(), "abc".into())],
            mode: crate::app::custom_commands::RunMode::Background,
        }
    }

    #[test]
    fn a_background_command_gets_stdin_and_its_end_is_read() {
        let never = |_| panic!("not still running");
        let done = run_captured(
            &run(&["sh", "-c", "read x; echo \"got $x $LEADBOX_LEAD_ID\""], "json\n"),
            STILL_RUNNING_AFTER,
            never,
        );
        assert_eq!(
            done,
            Ended::Done {
                output: "got json abc".into()
            }
        );
        let failed = run_captured(
            &run(&["sh", "-c", "echo 'bad thing' >&2; exit 3"], ""),
            STILL_RUNNING_AFTER,
            never,
        );
        assert_eq!(
            failed,
            Ended::Failed {
                status: "exit 3".into(),
                stderr: "bad thing".into()
            }
        );
        let missing = run_captured(&run(&["leadbox-no-such-program"], ""), STILL_RUNNING_AFTER, never);
        assert!(
            matches!(&missing, Ended::NotStarted { why } if why.contains("no program")),
            "{missing:?}"
        );
    }

    #[test]
    fn output_past_the_bound_is_read_and_dropped_and_a_long_run_is_said_once() {
        let said = std::sync::Mutex::new(0);
        let ended = run_captured(
            &run(&["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; sleep 0.3"], ""),
            Duration::from_millis(50),
            |_| *said.lock().unwrap() += 1,
        );
        let Ended::Done { output } = ended else {
            panic!("{ended:?}")
        };
        assert!(output.chars().count() <= crate::app::custom_commands::SAID_AT_MOST + 1);
        assert_eq!(*said.lock().unwrap(), 1);
    }
}
