//! The real binary in a pseudo-terminal, read back through a VT100 parser: the harness every journey
//! through the inbox uses (keys in, the screen and the bytes written out).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use novala_sandbox::Sandbox;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 110;
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Session {
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte leadbox wrote, for what the screen does not show (the clipboard's OSC 52).
    pub bytes: Arc<Mutex<Vec<u8>>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    /// The log leadbox was told to write (`--log-file`), shown when a wait times out.
    log: Option<std::path::PathBuf>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    pub fn start(cmd: CommandBuilder) -> Session {
        Session::start_sized(cmd, ROWS, COLS)
    }

    /// Starts leadbox in a terminal of `rows` by `cols`.
    pub fn start_sized(cmd: CommandBuilder, rows: u16, cols: u16) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let argv = cmd.get_argv();
        let log = argv
            .iter()
            .position(|a| a == "--log-file")
            .and_then(|i| argv.get(i + 1))
            .map(std::path::PathBuf::from);
        let child = pair.slave.spawn_command(cmd).expect("leadbox starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nonzero(rows), nonzero(cols), 0)));
        let feed = Arc::clone(&parser);
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let raw = Arc::clone(&bytes);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().expect("parser lock").process(&buf[..n]);
                raw.lock().expect("bytes lock").extend_from_slice(&buf[..n]);
            }
        });
        Session {
            parser,
            bytes,
            writer,
            child,
            log,
            _master: pair.master,
        }
    }

    /// Starts leadbox off the async runtime's threads (the pty's reader blocks).
    pub async fn launch(cmd: CommandBuilder) -> Session {
        tokio::task::spawn_blocking(move || Session::start(cmd))
            .await
            .expect("leadbox starts")
    }

    pub fn screen_text(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.screen_text();
            if pred(&text) {
                return text;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; the screen shows:\n{text}\nthe log ends:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last lines of leadbox's log, for a failure's message.
    fn log_tail(&self) -> String {
        let Some(path) = &self.log else {
            return "(no log file)".to_string();
        };
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("(unreadable: {e})"));
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("keys reach leadbox");
        self.writer.flush().expect("flush keys");
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                // Let the reader thread drain the restore sequences.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("leadbox did not quit; the screen shows:\n{}", self.screen_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub fn command(dir: &Path) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", dir);
    cmd.env("XDG_DATA_HOME", dir.join("data"));
    cmd.env_remove("NOVALA_SECRET_KEY");
    // The demo tenant stays still: what a test sees on the embedded sandbox is what it made.
    cmd.env(leadbox::commands::prepare::DEMO_ACTIVITY_ENV, "0");
    cmd.arg("--log-file");
    cmd.arg(dir.join("leadbox.log"));
    // Each terminal event is logged (its kind, never what was typed), so a lost key shows in a failure.
    cmd.env(leadbox::logging::FILTER_ENV, "info,leadbox=trace");
    cmd
}

/// leadbox on `sandbox` as on a stranger's tenant: `--api-url` and the key in `NOVALA_SECRET_KEY`,
/// nothing configured.
pub fn stranger(dir: &Path, sandbox: &Sandbox) -> CommandBuilder {
    let mut cmd = command(dir);
    cmd.arg("--api-url");
    cmd.arg(sandbox.base_url());
    cmd.env("NOVALA_SECRET_KEY", sandbox.secret_key().expose());
    cmd
}

pub fn wait_for_file(path: &Path, text: &str) {
    let start = Instant::now();
    loop {
        let found = std::fs::read_to_string(path).unwrap_or_default();
        if found.contains(text) {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "{} never held {text:?}; it holds {found:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The list holds leads: the bar counts them ("120 loaded · more"), or a row is selected. "loaded" alone
/// is not enough: the assignee pane's "Unassigned (loaded)" is on screen before any lead is, and keys sent
/// then act on an empty list.
pub fn leads_loaded(screen: &str) -> bool {
    let bar = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let counted = bar
        .match_indices(" loaded")
        .any(|(at, _)| bar[..at].ends_with(|c: char| c.is_ascii_digit()));
    counted || screen.contains("│ ›")
}

pub fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has rows and columns")
}

/// The tenant's own profile directory under `dir` (a `--api-url` profile is named after its URL).
pub fn tenant_dir(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir.join("data/leadbox/profiles"))
        .expect("profile directories")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("url-")))
        .expect("the tenant's own directory")
}
