//! The real binary against what comes from outside the inbox: a job-control stop and continue, a child
//! process that must not see the key, a crash that must leave no core file, and a config file that is not
//! a file.

use std::io::{BufRead, BufReader};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

/// The state letter of a process in /proc/PID/stat (`S` sleeping, `T` stopped, ...).
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the state follows the last `)`.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

fn wait_state(pid: u32, wanted: char) {
    let start = Instant::now();
    loop {
        let state = process_state(pid);
        if state == Some(wanted) {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "process {pid} never got to state {wanted}: {state:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(signal: &str, pid: u32) {
    let sent = Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
}

fn written_since(session: &Session, mark: usize) -> String {
    String::from_utf8_lossy(&session.bytes.lock().unwrap()[mark..]).into_owned()
}

fn wait_written(session: &Session, mark: usize, what: &str, sequence: &str) -> String {
    let start = Instant::now();
    loop {
        let written = written_since(session, mark);
        if written.contains(sequence) {
            return written;
        }
        assert!(start.elapsed() < WAIT, "never wrote {what}: {written:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigtstp_gives_the_terminal_back_and_stops_and_sigcont_takes_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20)).await.unwrap();
    let mut session = Session::launch(stranger(dir.path(), &sandbox)).await;
    session.wait_for("the tenant's leads", leads_loaded);
    let pid = session.child.process_id().unwrap();

    let mark = session.bytes.lock().unwrap().len();
    kill("-TSTP", pid);
    wait_state(pid, 'T');
    let written = wait_written(&session, mark, "the alternate screen left", "\x1b[?1049l");
    for (what, sequence) in [
        ("mouse reporting off", "\x1b[?1000l"),
        ("bracketed paste off", "\x1b[?2004l"),
    ] {
        assert!(written.contains(sequence), "{what}: {written:?}");
    }
    assert!(
        !session.parser.lock().unwrap().screen().alternate_screen(),
        "the shell's screen is back"
    );
    // Stopped, it writes nothing more (a frame drawn now would land on the shell).
    let stopped_at = session.bytes.lock().unwrap().len();

    kill("-CONT", pid);
    // Mouse reporting is the last of the modes turned on again: once it is written, all of them are.
    let written = wait_written(&session, stopped_at, "mouse reporting on again", "\x1b[?1000h");
    for (what, sequence) in [
        ("the alternate screen entered", "\x1b[?1049h"),
        ("mouse reporting on", "\x1b[?1000h"),
        ("bracketed paste on", "\x1b[?2004h"),
    ] {
        assert!(written.contains(sequence), "{what}: {written:?}");
    }
    session.wait_for("a whole frame again", leads_loaded);
    assert!(session.parser.lock().unwrap().screen().alternate_screen());
    // One key, not a line: it arrives only if the terminal is in raw mode again.
    session.keys(b"?");
    session.wait_for("the keys help", |s| s.contains(" Keys "));
    session.keys(b"\x1b");
    session.wait_for("the list again", |s| !s.contains(" Keys "));
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editor_gets_an_environment_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("editor-env.txt");
    // A stand-in editor that writes down what it was given to live in.
    let editor = dir.path().join("env-editor.sh");
    std::fs::write(&editor, format!("#!/bin/sh\nenv > '{}'\n", dump.display())).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(5)).await.unwrap();
    let key = sandbox.secret_key().expose().to_string();
    // A profile that names its own variable for the key, with the default one set as well.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"acme\"\n[profiles.acme]\nurl = \"{}\"\nkey_env = \"ACME_NOVALA_KEY\"\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let mut cmd = command(dir.path());
    cmd.arg("--config");
    cmd.arg(&config);
    cmd.env("ACME_NOVALA_KEY", &key);
    cmd.env("NOVALA_SECRET_KEY", &key);
    cmd.env("LEADBOX_MARKER", "handed-down");
    cmd.env_remove("VISUAL");
    cmd.env("EDITOR", &editor);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    session.keys(b"n");
    session.wait_for("the form", |s| s.contains("New lead"));
    session.keys(b"\x05");
    wait_for_file(&dump, "LEADBOX_MARKER=handed-down");
    session.wait_for("the form again", |s| s.contains("New lead"));
    let env = std::fs::read_to_string(&dump).unwrap();
    for name in ["NOVALA_SECRET_KEY=", "ACME_NOVALA_KEY="] {
        assert!(
            !env.lines().any(|l| l.starts_with(name)),
            "{name} reached the editor:\n{env}"
        );
    }
    assert!(!env.contains(&key), "the key's value reached the editor");
    let _ = session.child.kill();
    sandbox.shutdown().await;
}

#[test]
fn a_crash_leaves_no_core_file_even_with_core_dumps_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .args(["sandbox", "--port", "0", "--db"])
        .arg(dir.path().join("sandbox.sqlite3"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // As a shell after `ulimit -c unlimited` would start it.
    unsafe {
        cmd.pre_exec(|| {
            let unlimited = libc::rlimit {
                rlim_cur: libc::RLIM_INFINITY,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_CORE, &unlimited) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    // The banner is written long after main's first line: by then the limit is what leadbox made it.
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    assert!(banner.contains("serving"), "{banner}");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "soft and hard core limits: {core}");

    kill("-ABRT", pid);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGABRT), "{status:?}");
    assert!(!status.core_dumped(), "the kernel wrote a core dump");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("core"))
        .collect();
    assert!(left.is_empty(), "core files: {left:?}");
}

/// Runs leadbox with `args` and returns its exit code, stderr, how long it took and the most memory it
/// held (kB), as wait4 reports for that one child.
fn run_measured(dir: &Path, args: &[&str]) -> (Option<i32>, String, Duration, i64) {
    let started = Instant::now();
    let binary = std::path::PathBuf::from(env!("CARGO_BIN_EXE_leadbox"));
    let mut child = Command::new(&binary)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("NOVALA_SECRET_KEY")
        // A backtrace asked for by the test's environment is symbolised into the error report, which takes
        // some 200 MB of a debug build: that is the report's cost, not the file's.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        stderr
    });
    // The peak is read from /proc while leadbox runs: the kernel's own peak of the child counts the test
    // binary's memory it was spawned from (before exec), which has nothing to do with leadbox.
    let status_file = format!("/proc/{}/status", child.id());
    let exe = format!("/proc/{}/exe", child.id());
    let mut peak_kb = 0i64;
    let status = loop {
        if std::fs::read_link(&exe).is_ok_and(|p| p == binary) {
            let status = std::fs::read_to_string(&status_file).unwrap_or_default();
            let rss = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
                .unwrap_or(0);
            peak_kb = peak_kb.max(rss);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{args:?}: still running");
        std::thread::sleep(Duration::from_millis(2));
    };
    let stderr = reader.join().unwrap();
    (status.code(), stderr, started.elapsed(), peak_kb)
}

#[test]
fn a_config_file_that_is_not_a_small_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let big = dir.path().join("big.toml");
    // Valid TOML all the way, so only its size can be the reason.
    std::fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    let folder = dir.path().join("folder.toml");
    std::fs::create_dir(&folder).unwrap();
    // A symlink to a regular file is a config file like any other.
    let real = dir.path().join("real.toml");
    std::fs::write(&real, "default_profile = \"sandbox\"\n").unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    for (path, why) in [
        (&zero, "it is a character device, not a regular file"),
        (&fifo, "it is a FIFO, not a regular file"),
        (&big, "it is over 1 MiB"),
        (&folder, "it is a directory, not a regular file"),
    ] {
        let shown = path.display().to_string();
        for args in [&["config", "check", "--config", &shown][..], &["--config", &shown][..]] {
            let (code, stderr, took, max_rss_kb) = run_measured(dir.path(), args);
            assert_ne!(code, Some(0), "{args:?}: {stderr}");
            assert!(code.is_some(), "{args:?}: ended by a signal: {stderr}");
            assert!(stderr.contains(&shown), "{args:?}: names the path: {stderr}");
            assert!(stderr.contains(why), "{args:?}: says why: {stderr}");
            assert!(took < Duration::from_secs(10), "{args:?}: took {took:?}");
            assert!(max_rss_kb < 64 * 1024, "{args:?}: held {max_rss_kb} kB");
            eprintln!("{args:?}: refused in {took:?}, at most {max_rss_kb} kB");
        }
    }
    let (code, stderr, _, _) = run_measured(
        dir.path(),
        &["config", "check", "--config", &link.display().to_string()],
    );
    assert_eq!(code, Some(0), "{stderr}");
}
